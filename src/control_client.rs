//! `t3rs pair` and `t3rs auth`: they speak HTTP to the running server over its control socket
//! in the state directory. One request per connection, so the client is a few lines over a
//! `UnixStream` rather than an HTTP library.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;

use crate::server::control::socket_path;
use crate::settings::{control_state_dir, AuthArgs, AuthCommand, ControlArgs, PairArgs};

/// One request to the control socket: the status and the JSON body.
pub fn request(
    state_dir: &Path,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let socket = socket_path(state_dir);
    let mut stream = UnixStream::connect(&socket).map_err(|e| {
        format!(
            "cannot reach a running t3rs through {} ({e}); is the server running with this \
             state directory? (--state-dir)",
            socket.display()
        )
    })?;
    let timeout = Some(Duration::from_secs(10));
    stream
        .set_read_timeout(timeout)
        .and_then(|()| stream.set_write_timeout(timeout))
        .map_err(|e| format!("control socket: {e}"))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(|e| format!("writing to the control socket: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("reading from the control socket: {e}"))?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<(u16, Value), String> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or("the server's answer has no header end")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or("the server's answer has no status")?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .replace(' ', "")
            .starts_with("transfer-encoding:chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_string()
    };
    let value = if body.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).map_err(|e| format!("the server's answer is not JSON: {e}"))?
    };
    Ok((status, value))
}

fn dechunk(mut body: &str) -> Result<String, String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").ok_or("a chunk has no size line")?;
        let size = usize::from_str_radix(size.trim(), 16).map_err(|_| "a chunk size is not hex")?;
        if size == 0 {
            return Ok(out);
        }
        let chunk = rest.get(..size).ok_or("a chunk is cut short")?;
        out.push_str(chunk);
        body = rest
            .get(size..)
            .unwrap_or_default()
            .trim_start_matches("\r\n");
    }
}

fn ok_or_message(status: u16, value: Value) -> Result<Value, String> {
    if (200..300).contains(&status) {
        Ok(value)
    } else {
        Err(value["error"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("the server answered {status}")))
    }
}

fn state_dir(args: &ControlArgs) -> Result<std::path::PathBuf, String> {
    control_state_dir(args).map_err(|e| e.to_string())
}

fn qr(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

fn pair(args: PairArgs) -> Result<(), String> {
    let dir = state_dir(&args.control)?;
    let mut input = serde_json::json!({ "role": if args.owner { "owner" } else { "client" } });
    if let Some(label) = &args.label {
        input["label"] = Value::from(label.as_str());
    }
    let (status, value) = request(&dir, "POST", "/api/auth/pairing-token", Some(&input))?;
    let link = ok_or_message(status, value)?;
    let urls: Vec<&str> = link["pairingUrls"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    println!(
        "Open one of these in the browser to sign in (works once, until {}):",
        link["expiresAt"].as_str().unwrap_or("in 5 minutes")
    );
    for url in &urls {
        println!("  {url}");
    }
    // Another device needs an address other than loopback, when the server has one.
    if let Some(code) = urls.get(1).or(urls.first()).and_then(|url| qr(url)) {
        println!("\n{code}");
    }
    Ok(())
}

fn short(text: Option<&str>, width: usize) -> String {
    let text = text.unwrap_or("-");
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

fn list(dir: &Path) -> Result<(), String> {
    let (status, value) = request(dir, "GET", "/api/auth/clients", None)?;
    let sessions = ok_or_message(status, value)?;
    let sessions = sessions.as_array().cloned().unwrap_or_default();
    if sessions.is_empty() {
        println!("No signed-in sessions.");
    } else {
        println!(
            "{:<36}  {:<6}  {:<9}  {:<24}  {:<20}  expires",
            "session", "role", "connected", "device", "last connected"
        );
        for s in &sessions {
            let device = s["client"]["label"]
                .as_str()
                .or(s["client"]["userAgent"].as_str());
            println!(
                "{:<36}  {:<6}  {:<9}  {:<24}  {:<20}  {}",
                s["sessionId"].as_str().unwrap_or("?"),
                s["role"].as_str().unwrap_or("?"),
                if s["connected"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                },
                short(device, 24),
                short(s["lastConnectedAt"].as_str(), 20),
                short(s["expiresAt"].as_str(), 20),
            );
        }
    }
    let (status, value) = request(dir, "GET", "/api/auth/pairing-links", None)?;
    let links = ok_or_message(status, value)?;
    let links = links.as_array().cloned().unwrap_or_default();
    if !links.is_empty() {
        println!("\nPairing links not used yet:");
        for l in &links {
            println!(
                "  {}  {}  {}  until {}",
                l["id"].as_str().unwrap_or("?"),
                l["role"].as_str().unwrap_or("?"),
                l["label"].as_str().unwrap_or("-"),
                l["expiresAt"].as_str().unwrap_or("?"),
            );
        }
    }
    Ok(())
}

fn auth(args: AuthArgs) -> Result<(), String> {
    match args.command {
        AuthCommand::List(control) => list(&state_dir(&control)?),
        AuthCommand::Revoke {
            id,
            others,
            control,
        } => {
            let dir = state_dir(&control)?;
            if others {
                let (status, value) =
                    request(&dir, "POST", "/api/auth/clients/revoke-others", None)?;
                let done = ok_or_message(status, value)?;
                println!("Revoked {} session(s).", done["revokedCount"]);
            } else {
                let id = id.unwrap_or_default();
                let input = serde_json::json!({ "sessionId": id });
                let (status, value) =
                    request(&dir, "POST", "/api/auth/clients/revoke", Some(&input))?;
                let done = ok_or_message(status, value)?;
                if done["revoked"].as_bool() == Some(true) {
                    println!("Revoked session {id}; its open sockets were closed.");
                } else {
                    return Err(format!("no session {id} (see `t3rs auth list`)"));
                }
            }
            Ok(())
        }
    }
}

/// Runs `t3rs pair` or `t3rs auth …`.
pub fn run_pair(args: PairArgs) -> ExitCode {
    report(pair(args))
}

pub fn run_auth(args: AuthArgs) -> ExitCode {
    report(auth(args))
}

fn report(outcome: Result<(), String>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("t3rs: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_plain_and_chunked() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\n{\"a\":1}";
        assert_eq!(
            parse_response(plain).unwrap(),
            (200, serde_json::json!({"a":1}))
        );
        let chunked = b"HTTP/1.1 403 Forbidden\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:2}\r\n0\r\n\r\n";
        assert_eq!(
            parse_response(chunked).unwrap(),
            (403, serde_json::json!({"a":2}))
        );
        assert!(parse_response(b"garbage").is_err());
    }
}
