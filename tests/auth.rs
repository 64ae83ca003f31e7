//! End-to-end tests of who may drive the server, against the real binary started as a person
//! starts it (authentication on): the Host allowlist, pairing, session cookies and bearer
//! tokens, websocket tokens, revocation, the control socket CLI, rate limits and headers.
#![allow(clippy::disallowed_methods)] // test code starts the binary and its CLI directly

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{http, Client, HttpAnswer, Server, ServerBuilder};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Error as WsError;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn authed(dir: &std::path::Path) -> ServerBuilder {
    ServerBuilder::new(&dir.join("state")).with_auth()
}

/// The HTTP status an upgrade was refused with; panics if it was accepted.
async fn refused(url: &str, headers: &[(&str, &str)]) -> u16 {
    match Client::connect_with_headers(url, headers).await {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("{url}: unexpected error {other}"),
        Ok(_) => panic!("{url}: upgrade accepted with {headers:?}"),
    }
}

/// Trades the start-up pairing credential for a browser session; returns the cookie pair.
fn pair_browser(server: &Server) -> String {
    let answer = http(
        server.port,
        "POST",
        "/api/auth/bootstrap",
        &[],
        Some(&json!({ "credential": server.pairing_credential() })),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["role"], "owner");
    let cookie = answer.header("set-cookie").expect("a cookie").to_string();
    let name = format!("t3_session_{}=", server.port);
    assert!(cookie.starts_with(&name), "{cookie}");
    for part in ["HttpOnly", "Path=/", "SameSite=Strict", "Expires="] {
        assert!(cookie.contains(part), "{part} missing: {cookie}");
    }
    cookie.split(';').next().unwrap().to_string()
}

fn t3rs(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_t3rs"))
        .args(args)
        .env_remove("T3CODE_STATE_DIR")
        .env_remove("T3CODE_CONFIG")
        .output()
        .expect("run t3rs")
}

#[tokio::test]
async fn a_rebinding_host_is_refused_on_every_route_unless_allowed() {
    let dir = temp();
    let server = authed(dir.path()).start();
    let evil = format!("evil.example:{}", server.port);
    let origin = format!("http://{evil}");
    let headers = [("Host", evil.as_str()), ("Origin", origin.as_str())];
    assert_eq!(refused(&server.url("/"), &headers).await, 403);
    assert_eq!(refused(&server.url("/ws"), &headers).await, 403);
    for path in [
        "/",
        "/api/auth/session",
        "/pair",
        "/assets/x.js",
        "/attachments/x",
    ] {
        let answer = http(server.port, "GET", path, &headers, None);
        assert_eq!(answer.status, 403, "{path}");
        assert!(answer.body.contains("evil.example"), "{}", answer.body);
        assert!(answer.body.contains("--allowed-host"), "{}", answer.body);
    }
    // The right Host with a foreign Origin is refused too: the origin is never compared with
    // the request's own Host.
    let foreign = [("Origin", origin.as_str())];
    assert_eq!(refused(&server.url("/ws"), &foreign).await, 403);
    drop(server);

    let server = authed(dir.path())
        .arg("--allowed-host")
        .arg("evil.example")
        .start();
    let cookie = pair_browser(&server);
    let evil = format!("evil.example:{}", server.port);
    let origin = format!("http://{evil}");
    let headers = [
        ("Host", evil.as_str()),
        ("Origin", origin.as_str()),
        ("Cookie", cookie.as_str()),
    ];
    assert_eq!(
        http(server.port, "GET", "/api/auth/session", &headers, None).json()["authenticated"],
        true
    );
    let mut client = Client::connect_with_headers(&server.url("/ws"), &headers)
        .await
        .expect("an allowed host with a session is let in");
    client.welcome().await;
}

#[tokio::test]
async fn a_pairing_link_signs_one_browser_in_once_and_the_session_survives_a_restart() {
    let dir = temp();
    let server = authed(dir.path()).start();
    let link = server.pairing_link();
    assert!(
        link.starts_with(&format!("http://127.0.0.1:{}/pair#token=", server.port)),
        "{link}"
    );
    // Without a session: the sign-in page instead of the app, and no socket.
    let page = http(server.port, "GET", "/", &[], None);
    assert_eq!(page.status, 401);
    assert!(page.body.contains("t3rs pair"), "{}", page.body);
    assert_eq!(refused(&server.url("/ws"), &[]).await, 401);
    assert_eq!(refused(&server.url("/"), &[]).await, 401);
    let state = http(server.port, "GET", "/api/auth/session", &[], None);
    assert_eq!(state.status, 200);
    assert_eq!(state.json()["authenticated"], false);
    assert_eq!(state.json()["auth"]["policy"], "loopback-browser");
    assert_eq!(
        state.json()["auth"]["sessionCookieName"],
        format!("t3_session_{}", server.port)
    );
    assert_eq!(
        http(server.port, "GET", "/pair", &[], None).status,
        200,
        "the pairing page is public"
    );

    let credential = server.pairing_credential();
    let cookie = pair_browser(&server);
    let again = http(
        server.port,
        "POST",
        "/api/auth/bootstrap",
        &[],
        Some(&json!({ "credential": credential })),
    );
    assert_eq!(again.status, 401, "a used credential is refused");
    assert_eq!(again.json()["error"], "Invalid bootstrap credential.");

    let with_cookie = [("Cookie", cookie.as_str())];
    let state = http(server.port, "GET", "/api/auth/session", &with_cookie, None).json();
    assert_eq!(state["authenticated"], true);
    assert_eq!(state["sessionMethod"], "browser-session-cookie");
    Client::connect_with_headers(&server.url("/"), &with_cookie)
        .await
        .expect("the cookie opens a socket")
        .welcome()
        .await;
    drop(server);

    let server = authed(dir.path()).start();
    // The cookie is named after the port; the restarted server has another one.
    let value = cookie.split_once('=').unwrap().1;
    let renamed = format!("t3_session_{}={value}", server.port);
    let with_cookie = [("Cookie", renamed.as_str())];
    assert_eq!(
        http(server.port, "GET", "/", &with_cookie, None).status,
        200
    );
    Client::connect_with_headers(&server.url("/ws"), &with_cookie)
        .await
        .expect("sessions survive a restart")
        .welcome()
        .await;

    // Files and directories are private to their owner.
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&server.state_dir), 0o700);
    assert_eq!(mode(&server.state_dir.join("auth.key")), 0o600);
    assert_eq!(mode(&server.state_dir.join("control.sock")), 0o600);

    // Replacing the key signs everyone out (read at start).
    drop(server);
    std::fs::remove_file(dir.path().join("state/auth.key")).unwrap();
    let server = authed(dir.path()).start();
    let renamed = format!("t3_session_{}={value}", server.port);
    assert_eq!(
        refused(&server.url("/ws"), &[("Cookie", renamed.as_str())]).await,
        401
    );
}

fn bearer_session(server: &Server, credential: &str) -> String {
    let answer = http(
        server.port,
        "POST",
        "/api/auth/bootstrap/bearer",
        &[],
        Some(&json!({ "credential": credential })),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.header("set-cookie").is_none());
    assert_eq!(answer.json()["sessionMethod"], "bearer-session-token");
    answer.json()["sessionToken"]
        .as_str()
        .expect("a token")
        .to_string()
}

#[tokio::test]
async fn bearer_and_single_use_websocket_tokens_and_the_static_token() {
    let dir = temp();
    let server = authed(dir.path())
        .arg("--auth-token")
        .arg("static-secret")
        .start();
    let token = bearer_session(&server, &server.pairing_credential());
    let auth = format!("Bearer {token}");
    let bearer = [("Authorization", auth.as_str())];
    Client::connect_with_headers(&server.url("/ws"), &bearer)
        .await
        .expect("bearer opens a socket")
        .welcome()
        .await;

    assert_eq!(
        http(server.port, "POST", "/api/auth/ws-token", &[], None).status,
        401
    );
    let issued = http(server.port, "POST", "/api/auth/ws-token", &bearer, None);
    assert_eq!(issued.status, 200, "{}", issued.body);
    let ws_token = issued.json()["token"].as_str().unwrap().to_string();
    let expires: chrono::DateTime<chrono::Utc> = issued.json()["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let lifetime = expires - chrono::Utc::now();
    assert!(
        lifetime <= chrono::Duration::minutes(5) && lifetime > chrono::Duration::minutes(4),
        "{lifetime}"
    );
    let url = server.url(&format!("/ws?wsToken={ws_token}"));
    Client::connect_with_headers(&url, &[])
        .await
        .expect("a websocket token opens one socket")
        .welcome()
        .await;
    assert_eq!(refused(&url, &[]).await, 401, "and only once");

    // v0.0.4's static token keeps working beside sessions, on the socket and the routes.
    Client::connect(&server.url("/?token=static-secret"))
        .await
        .welcome()
        .await;
    assert_eq!(refused(&server.url("/?token=wrong"), &[]).await, 401);
    assert_eq!(
        http(server.port, "GET", "/?token=static-secret", &[], None).status,
        200
    );
}

/// Reads frames until the close; its code.
async fn close_code(client: &mut Client) -> Option<u16> {
    client.close_code().await
}

#[tokio::test]
async fn the_cli_pairs_lists_and_revokes_and_a_revoked_socket_closes_with_4001() {
    let dir = temp();
    let server = authed(dir.path()).start();
    let state = server.state_dir.to_string_lossy().into_owned();
    let paired = t3rs(&["pair", "--state-dir", &state, "--label", "phone"]);
    assert!(paired.status.success(), "{paired:?}");
    let text = String::from_utf8_lossy(&paired.stdout);
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/pair#token="))
        .expect("a link")
        .to_string();
    assert!(text.contains('█'), "a QR code is printed:\n{text}");
    let credential = link.split_once("#token=").unwrap().1;

    let token = bearer_session(&server, credential);
    let auth = format!("Bearer {token}");
    let bearer = [("Authorization", auth.as_str())];
    let mut phone = Client::connect_with_headers(&server.url("/ws"), &bearer)
        .await
        .unwrap();
    phone.welcome().await;
    // A client session may not manage access.
    let denied = http(server.port, "GET", "/api/auth/clients", &bearer, None);
    assert_eq!(denied.status, 403, "{}", denied.body);

    let listed = t3rs(&["auth", "list", "--state-dir", &state]);
    assert!(listed.status.success(), "{listed:?}");
    let listing = String::from_utf8_lossy(&listed.stdout);
    let row = listing
        .lines()
        .find(|l| l.contains("phone"))
        .unwrap_or_else(|| panic!("no phone row in\n{listing}"));
    assert!(row.contains("client") && row.contains("yes"), "{row}");
    let id = row.split_whitespace().next().unwrap().to_string();

    let revoked = t3rs(&["auth", "revoke", &id, "--state-dir", &state]);
    assert!(revoked.status.success(), "{revoked:?}");
    assert_eq!(close_code(&mut phone).await, Some(4001));
    assert_eq!(refused(&server.url("/ws"), &bearer).await, 401);
    let unknown = t3rs(&["auth", "revoke", &id, "--state-dir", &state]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no session"));

    // Owner endpoints over TCP, for an owner session.
    let owner = bearer_session(&server, &server.pairing_credential());
    let owner_auth = format!("Bearer {owner}");
    let owner_h = [("Authorization", owner_auth.as_str())];
    let link = http(
        server.port,
        "POST",
        "/api/auth/pairing-token",
        &owner_h,
        Some(&json!({ "label": "tablet" })),
    );
    assert_eq!(link.status, 200, "{}", link.body);
    let link_id = link.json()["id"].as_str().unwrap().to_string();
    let links = http(
        server.port,
        "GET",
        "/api/auth/pairing-links",
        &owner_h,
        None,
    )
    .json();
    assert!(links
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == link_id.as_str() && l["role"] == "client"));
    let gone = http(
        server.port,
        "POST",
        "/api/auth/pairing-links/revoke",
        &owner_h,
        Some(&json!({ "id": link_id })),
    );
    assert_eq!(gone.json()["revoked"], true);
    let used = http(
        server.port,
        "POST",
        "/api/auth/bootstrap",
        &[],
        Some(&json!({ "credential": link.json()["credential"] })),
    );
    assert_eq!(used.status, 401, "a revoked link is refused");
    let clients = http(server.port, "GET", "/api/auth/clients", &owner_h, None).json();
    let me: Vec<&Value> = clients
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["current"] == true)
        .collect();
    assert_eq!(me.len(), 1);
    let others = t3rs(&["auth", "revoke", "--others", "--state-dir", &state]);
    assert!(others.status.success(), "{others:?}");
    assert_eq!(
        http(server.port, "GET", "/api/auth/clients", &owner_h, None).status,
        401,
        "from the CLI, --others revokes every session"
    );
}

#[tokio::test]
async fn failed_attempts_are_rate_limited_per_address() {
    let dir = temp();
    let server = authed(dir.path()).arg("--auth-rate-limit").arg("3").start();
    let bad = |credential: &str| -> HttpAnswer {
        http(
            server.port,
            "POST",
            "/api/auth/bootstrap",
            &[],
            Some(&json!({ "credential": credential })),
        )
    };
    // Bad input is named, and is not an authentication failure.
    let answer = http(
        server.port,
        "POST",
        "/api/auth/bootstrap/bearer",
        &[],
        Some(&json!({ "credentials": "x" })),
    );
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("credential"), "{}", answer.body);
    for _ in 0..3 {
        assert_eq!(bad("WRONGWRONG22").status, 401);
    }
    let limited = bad(&server.pairing_credential());
    assert_eq!(limited.status, 429, "even the right credential waits");
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(
        refused(&server.url("/ws?token=guess"), &[]).await,
        429,
        "the socket is limited too"
    );
}

#[tokio::test]
async fn pages_and_attachments_carry_their_security_headers() {
    let dir = temp();
    let web = dir.path().join("web");
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(web.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    let server = authed(dir.path())
        .arg("--web-dir")
        .arg(web.to_string_lossy())
        .start();
    let cookie = pair_browser(&server);
    let with_cookie = [("Cookie", cookie.as_str())];
    for (path, headers) in [("/", &with_cookie[..]), ("/pair", &[][..]), ("/", &[][..])] {
        let page = http(server.port, "GET", path, headers, None);
        let csp = page.header("content-security-policy").unwrap_or_default();
        for part in [
            "default-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data: blob:",
            "style-src 'self' 'unsafe-inline'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {part} missing from {csp:?}");
        }
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    }

    // An image stored with a turn is served as its bytes say, inert, and only to a session.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let mut client = Client::connect_with_headers(&server.url("/ws"), &with_cookie)
        .await
        .unwrap();
    let welcome = client.welcome().await;
    let thread_id = welcome["bootstrapThreadId"].as_str().unwrap().to_string();
    let turn = client
        .request(json!({
            "_tag": "orchestration.dispatchCommand",
            "command": {
                "type": "thread.turn.start", "commandId": "c-img", "threadId": thread_id,
                "message": {"messageId": "m-img", "role": "user", "text": "look",
                    "attachments": [{"type": "image", "name": "a.png", "mimeType": "image/png",
                        "sizeBytes": 68, "dataUrl": format!("data:image/png;base64,{png}")}]},
                "runtimeMode": "full-access", "interactionMode": "default",
                "createdAt": "2026-01-01T00:00:00.000Z"
            }
        }))
        .await;
    assert!(turn.get("error").is_none(), "{turn}");
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    let attachment_id = snapshot["result"]["threads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["messages"].as_array().cloned().unwrap_or_default())
        .find_map(|m| m["attachments"][0]["id"].as_str().map(str::to_string))
        .expect("a stored attachment");
    let path = format!("/attachments/{attachment_id}");
    assert_eq!(http(server.port, "GET", &path, &[], None).status, 401);
    let image = http(server.port, "GET", &path, &with_cookie, None);
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/png"));
    assert_eq!(image.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        image.header("content-security-policy"),
        Some("default-src 'none'")
    );
}

#[tokio::test]
async fn no_auth_is_reported_and_admits_everyone_on_loopback() {
    let dir = temp();
    let server = ServerBuilder::new(&dir.path().join("state")).start();
    let state = http(server.port, "GET", "/api/auth/session", &[], None).json();
    assert_eq!(state["auth"]["policy"], "unsafe-no-auth");
    assert_eq!(state["authenticated"], true);
    Client::connect(&server.url("/ws")).await.welcome().await;
    // The Host check does not depend on auth.
    let evil = format!("evil.example:{}", server.port);
    assert_eq!(
        refused(&server.url("/ws"), &[("Host", evil.as_str())]).await,
        403
    );
}
