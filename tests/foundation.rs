//! End-to-end tests of the foundation: the real binary, a real socket, real sled files in temp
//! dirs. Each test starts its own server on a random port.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::time::Duration;

use common::{base_command, Client, Server, ServerBuilder, DEADLINE};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// The HTTP status an upgrade was refused with; panics if it was accepted.
async fn refusal_status(url: &str, origin: Option<&str>) -> u16 {
    match Client::connect_with_origin(url, origin).await {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("{url}: unexpected error {other}"),
        Ok(_) => panic!("{url}: upgrade accepted (origin {origin:?})"),
    }
}

/// The resolved keybindings for `command` in a getConfig/upsert result.
fn rules_for<'a>(result: &'a Value, command: &str) -> Vec<&'a Value> {
    result["keybindings"]
        .as_array()
        .expect("keybindings array")
        .iter()
        .filter(|k| k["command"] == command)
        .collect()
}

#[tokio::test]
async fn welcome_arrives_first_and_names_the_project() {
    let dir = temp();
    let project = dir.path().join("my-project");
    std::fs::create_dir(&project).unwrap();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--cwd")
        .arg(project.to_string_lossy())
        .start();
    for path in ["/", "/ws"] {
        let mut client = Client::connect(&server.url(path)).await;
        let welcome = client.welcome().await;
        let cwd = std::fs::canonicalize(&project).unwrap();
        assert_eq!(welcome["cwd"], json!(cwd.to_string_lossy()));
        assert_eq!(welcome["projectName"], "my-project");
    }
}

#[tokio::test]
async fn ten_thousand_pushes_arrive_in_order_with_gap_free_sequences() {
    // Each push here is a durable keybindings write; tmpfs keeps 10k fsyncs cheap.
    let dir = match tempfile::tempdir_in("/dev/shm") {
        Ok(dir) => dir,
        Err(_) => temp(),
    };
    // The writer pipelines every upsert without waiting: lift the in-flight cap past them.
    let server = common::ServerBuilder::new(&dir.path().join("state"))
        .arg("--max-requests-in-flight")
        .arg("10000")
        .start();
    let mut watcher = Client::connect(&server.url("/ws")).await;
    watcher.welcome().await;
    let mut writer = Client::connect(&server.url("/ws")).await;
    writer.welcome().await;

    const UPSERTS: usize = 9_999; // + the welcome = sequences 1..=10_000
    let keys = ["mod+1", "mod+2", "mod+3"];
    let send_all = async {
        let (mut sink, mut stream) = writer.ws.split();
        let reader = async {
            // The writer's own socket carries replies and pushes; drain it so it never backs up.
            let mut replies = 0;
            while replies < UPSERTS {
                let msg = tokio::time::timeout(DEADLINE, stream.next())
                    .await
                    .unwrap()
                    .unwrap()
                    .unwrap();
                if let Message::Text(text) = msg {
                    let v: Value = serde_json::from_str(&text).unwrap();
                    if v.get("type").is_none() {
                        assert!(v.get("error").is_none(), "upsert failed: {v}");
                        replies += 1;
                    }
                }
            }
        };
        let sender = async {
            for i in 0..UPSERTS {
                let body = json!({"_tag": "server.upsertKeybinding", "key": keys[i % 3], "command": "terminal.toggle"});
                let text = json!({"id": format!("u{i}"), "body": body}).to_string();
                sink.send(Message::Text(text)).await.unwrap();
            }
        };
        tokio::join!(reader, sender);
    };
    let watch = async {
        let mut expected = 2u64;
        let mut config = 0;
        while config < UPSERTS {
            let v = watcher.next_json().await;
            assert_eq!(v["type"], "push");
            assert_eq!(
                v["sequence"],
                json!(expected),
                "gap or reorder at {expected}: {v}"
            );
            expected += 1;
            // The agents' check at start pushes their statuses whenever it ends, which on a
            // busy machine can be among the upserts; it takes a sequence number like any push.
            if v["channel"] == "server.configUpdated" {
                config += 1;
            } else {
                assert_eq!(v["channel"], "server.providerStatusesUpdated", "{v}");
            }
        }
    };
    tokio::join!(send_all, watch);
}

#[tokio::test]
async fn token_is_required_when_configured() {
    let dir = temp();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .with_auth()
        .arg("--auth-token")
        .arg("s3cret token")
        .start();
    for url in [
        server.url("/"),
        server.url("/ws?token=wrong"),
        server.url("/ws?token=s3cret"),
    ] {
        assert_eq!(refusal_status(&url, None).await, 401, "{url}");
    }
    let mut client = Client::connect(&server.url("/ws?token=s3cret%20token")).await;
    client.welcome().await;
}

#[tokio::test]
async fn cross_origin_upgrades_are_refused() {
    let dir = temp();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--allow-origin")
        .arg("http://localhost:5173")
        .start();
    assert_eq!(
        refusal_status(&server.url("/ws"), Some("http://evil.example")).await,
        403
    );
    let own = format!("http://127.0.0.1:{}", server.port);
    let mut same = Client::connect_with_origin(&server.url("/ws"), Some(&own))
        .await
        .unwrap();
    same.welcome().await;
    let mut allowed =
        Client::connect_with_origin(&server.url("/ws"), Some("http://localhost:5173"))
            .await
            .unwrap();
    allowed.welcome().await;
}

#[tokio::test]
async fn bad_input_gets_a_named_error_and_the_socket_stays_usable() {
    let dir = temp();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--max-message-bytes")
        .arg("65536")
        .start();
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;

    let big = format!(
        r#"{{"id":"big","body":{{"_tag":"server.getConfig","pad":"{}"}}}}"#,
        "x".repeat(70_000)
    );
    let cases: Vec<(String, &str, &str)> = vec![
        ("{not json".into(), "unknown", "not valid JSON"),
        (r#"{"body":{"_tag":"server.getConfig"}}"#.into(), "unknown", "id: missing"),
        (r#"{"id":"a1","body":{}}"#.into(), "a1", "body._tag: missing"),
        (r#"{"id":"a2","body":{"_tag":"no.such"}}"#.into(), "a2", "unknown method 'no.such'"),
        (
            r#"{"id":"a3","body":{"_tag":"server.upsertKeybinding","key":7,"command":"chat.new"}}"#.into(),
            "a3",
            "body.key: invalid type",
        ),
        (
            r#"{"id":"a4","body":{"_tag":"server.upsertKeybinding","key":"mod+k","command":"launch.rockets"}}"#.into(),
            "a4",
            "body.command: unknown command 'launch.rockets'",
        ),
        (
            format!(r#"{{"id":"a5","body":{{"_tag":"server.upsertKeybinding","key":"{}","command":"chat.new"}}}}"#, "k".repeat(65)),
            "a5",
            "body.key",
        ),
        (big, "big", "over the 65536-byte limit"),
        (r#"{"id":"a6","body":{"_tag":"shell.openInEditor","cwd":"/","editor":"emacs"}}"#.into(), "a6", "body.editor"),
    ];
    for (text, id, expected) in cases {
        client.send_text(text.clone()).await;
        let v = client.next_json().await;
        assert_eq!(v["id"], id, "{v}");
        let message = v["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{message} lacks {expected}");
    }
    client
        .ws
        .send(Message::Binary(vec![1, 2, 3]))
        .await
        .unwrap();
    let v = client.next_json().await;
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("binary frames are not supported"));

    // Still the same socket, still working.
    let v = client.request(json!({"_tag": "server.getConfig"})).await;
    assert!(v["result"]["keybindings"].is_array(), "{v}");

    // Far beyond the codec's cap the connection is closed as "message too big" (1009).
    client.send_text("y".repeat(200_000)).await;
    assert_eq!(client.close_code().await, Some(1009));
    let mut again = Client::connect(&server.url("/ws")).await;
    again.welcome().await;
}

#[tokio::test]
async fn get_config_reports_keybindings_providers_and_editors() {
    let dir = temp();
    let state = dir.path().join("state");
    let server = Server::start(&state);
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    let v = client.request(json!({"_tag": "server.getConfig"})).await;
    let config = &v["result"];
    assert_eq!(
        config["keybindingsConfigPath"],
        json!(state.join("keybindings.json").to_string_lossy())
    );
    let keybindings = config["keybindings"].as_array().unwrap();
    assert!(keybindings.iter().any(|k| k["command"] == "terminal.toggle"
        && k["shortcut"] == json!({"key": "j", "metaKey": false, "ctrlKey": false, "shiftKey": false, "altKey": false, "modKey": true})));
    assert_eq!(config["issues"], json!([]));
    let codex = &config["providers"][0];
    assert_eq!(codex["provider"], "codex");
    assert_eq!(codex["status"], "error");
    assert_eq!(codex["available"], false);
    assert!(
        codex["message"].as_str().unwrap().contains("not installed"),
        "{codex}"
    );
    assert!(config["availableEditors"].is_array());
}

#[tokio::test]
async fn keybinding_upsert_is_pushed_to_others_and_survives_a_restart() {
    let dir = temp();
    let state = dir.path().join("state");
    let server = Server::start(&state);
    let mut a = Client::connect(&server.url("/ws")).await;
    a.welcome().await;
    let mut b = Client::connect(&server.url("/ws")).await;
    b.welcome().await;

    let v = a
        .request(json!({"_tag": "server.upsertKeybinding", "key": "  mod+shift+k ", "command": "diff.toggle", "when": "!terminalFocus"}))
        .await;
    let diff = rules_for(&v["result"], "diff.toggle");
    assert_eq!(diff.len(), 1, "{v}");
    assert_eq!(diff[0]["shortcut"]["key"], "k");
    assert_eq!(
        diff[0]["whenAst"],
        json!({"type": "not", "node": {"type": "identifier", "name": "terminalFocus"}})
    );

    let push = b.next_json().await;
    assert_eq!(push["channel"], "server.configUpdated");
    assert_eq!(push["sequence"], 2);
    assert_eq!(push["data"]["issues"], json!([]));
    assert_eq!(push["data"]["providers"][0]["provider"], "codex");

    assert!(server.stop().success());
    let server = Server::start(&state);
    let mut c = Client::connect(&server.url("/ws")).await;
    c.welcome().await;
    let v = c.request(json!({"_tag": "server.getConfig"})).await;
    let diff = rules_for(&v["result"], "diff.toggle");
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0]["shortcut"]["shiftKey"], true);
}

#[tokio::test]
async fn sigterm_and_sigint_close_sockets_with_1001_and_exit_zero() {
    for signal in [15, 2] {
        let dir = temp();
        let mut server = Server::start(&dir.path().join("state"));
        let mut client = Client::connect(&server.url("/ws")).await;
        client.welcome().await;
        server.signal(signal);
        assert_eq!(client.close_code().await, Some(1001), "signal {signal}");
        let (status, took) = server.wait_exit();
        assert!(
            status.success(),
            "signal {signal}: exit status {status:?}; stderr:\n{}",
            server.stderr()
        );
        eprintln!("signal {signal}: shutdown took {took:?}");
    }
}

#[tokio::test]
async fn a_second_server_on_the_same_state_dir_is_refused() {
    let dir = temp();
    let state = dir.path().join("state");
    let first = Server::start(&state);
    let output = tokio::time::timeout(
        DEADLINE,
        tokio::task::spawn_blocking(move || base_command(&state).output().unwrap()),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("already using the state directory"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("pid {}", first.pid())), "{stderr}");
}

#[tokio::test]
async fn refuses_a_public_address_without_auth() {
    let dir = temp();
    let output = base_command(&dir.path().join("state"))
        .arg("--host")
        .arg("0.0.0.0")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing --no-auth on 0.0.0.0"), "{stderr}");
    // Nothing was started, so nothing was created.
    assert!(!dir.path().join("state").exists());
}

#[tokio::test]
async fn pings_are_answered() {
    let dir = temp();
    let server = Server::start(&dir.path().join("state"));
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client.ws.send(Message::Ping(b"hi".to_vec())).await.unwrap();
    let pong = tokio::time::timeout(Duration::from_secs(5), client.ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(pong, Message::Pong(b"hi".to_vec()));
}

#[tokio::test]
async fn provider_status_comes_from_the_real_codex_cli() {
    let dir = temp();
    let codex_home = dir.path().join("codex-home");
    std::fs::create_dir(&codex_home).unwrap();
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.arg("--codex-bin")
        .arg(t3rs::testkit::real_codex())
        .env("CODEX_HOME", &codex_home);
    let server = Server::start_command(cmd);
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    let v = client.request(json!({"_tag": "server.getConfig"})).await;
    let codex = &v["result"]["providers"][0];
    assert_eq!(codex["available"], true, "{codex}");
    assert_eq!(codex["version"], "0.169.0");
    // A fresh CODEX_HOME has no login.
    assert_eq!(codex["authStatus"], "unauthenticated", "{codex}");
    assert_eq!(codex["status"], "error");
    assert!(
        codex["message"].as_str().unwrap().contains("codex login"),
        "{codex}"
    );
    assert!(chrono_like(codex["checkedAt"].as_str().unwrap()));
}

fn chrono_like(ts: &str) -> bool {
    ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T'
}

#[tokio::test]
async fn tells_systemd_ready_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    let dir = temp();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.env("NOTIFY_SOCKET", &socket_path);
    let mut server = Server::start_command(cmd);
    let mut buf = [0u8; 256];
    let n = socket.recv(&mut buf).unwrap();
    assert_eq!(String::from_utf8_lossy(&buf[..n]).trim_end(), "READY=1");
    // Ready means ready: a connection right now gets its welcome.
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    server.signal(15);
    let n = socket.recv(&mut buf).unwrap();
    assert_eq!(String::from_utf8_lossy(&buf[..n]).trim_end(), "STOPPING=1");
    assert!(server.wait_exit().0.success());
}

#[test]
fn help_and_version() {
    let version = std::process::Command::new(env!("CARGO_BIN_EXE_t3rs"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("t3rs {}", env!("CARGO_PKG_VERSION"))
    );
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_t3rs"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--host",
        "--port",
        "--state-dir",
        "--auth-token",
        "--cwd",
        "--no-browser",
        "--config",
        "--allow-origin",
        "--codex-bin",
    ] {
        assert!(text.contains(flag), "--help lacks {flag}:\n{text}");
    }
}

#[tokio::test]
async fn config_file_settings_apply_and_flags_win() {
    let dir = temp();
    let file = dir.path().join("t3rs.toml");
    let project = dir.path().join("from-file");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        &file,
        format!(
            "cwd = {:?}\nauth_token = \"file-token\"\n",
            project.to_string_lossy()
        ),
    )
    .unwrap();
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.env_remove("T3CODE_NO_AUTH").arg("--config").arg(&file);
    let server = Server::start_command(cmd);
    assert_eq!(refusal_status(&server.url("/ws"), None).await, 401);
    let mut client = Client::connect(&server.url("/ws?token=file-token")).await;
    assert_eq!(client.welcome().await["projectName"], "from-file");
    drop(server);

    // The environment beats the file; a flag beats both.
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.env_remove("T3CODE_NO_AUTH")
        .arg("--config")
        .arg(&file)
        .env("T3CODE_AUTH_TOKEN", "env-token");
    let server = Server::start_command(cmd);
    assert_eq!(
        refusal_status(&server.url("/ws?token=file-token"), None).await,
        401
    );
    Client::connect(&server.url("/ws?token=env-token"))
        .await
        .welcome()
        .await;
    drop(server);
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.env_remove("T3CODE_NO_AUTH")
        .arg("--config")
        .arg(&file)
        .arg("--auth-token")
        .arg("flag-token")
        .env("T3CODE_AUTH_TOKEN", "env-token");
    let server = Server::start_command(cmd);
    Client::connect(&server.url("/ws?token=flag-token"))
        .await
        .welcome()
        .await;
}

#[tokio::test]
async fn the_browser_client_is_served_from_its_directory_and_nothing_else() {
    let dir = temp();
    let web = dir.path().join("web");
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(web.join("index.html"), "<!doctype html><div id=root></div>").unwrap();
    std::fs::write(web.join("assets/app-1234.js"), "console.log(1)").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--web-dir")
        .arg(web.to_string_lossy())
        .start();
    let (status, body) = common::http_get(server.port, "/");
    assert_eq!(
        (status, body.as_slice()),
        (200, &b"<!doctype html><div id=root></div>"[..])
    );
    let (status, body) = common::http_get(server.port, "/assets/app-1234.js");
    assert_eq!((status, body.as_slice()), (200, &b"console.log(1)"[..]));
    for path in [
        "/assets/..%2F..%2Fsecret.txt",
        "/assets/.hidden",
        "/assets/missing.js",
    ] {
        assert_eq!(common::http_get(server.port, path).0, 404, "{path}");
    }
    // The WebSocket still answers at the same address.
    let mut client = Client::connect(&server.url("/")).await;
    client.welcome().await;

    // Without a built client the page says how to get one.
    let other = temp();
    let bare = ServerBuilder::new(&other.path().join("state"))
        .arg("--web-dir")
        .arg(other.path().join("nowhere").to_string_lossy())
        .start();
    let (status, body) = common::http_get(bare.port, "/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("make run"));
}

#[tokio::test]
async fn open_in_editor_starts_the_editor_on_the_folder_or_says_it_is_missing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let opened = dir.path().join("opened.txt");
    let fake = bin.join("code");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" > {}\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = base_command(&dir.path().join("state"));
    // Only the fake editor and the basics: no real zed may be found.
    cmd.env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .arg("--cwd")
        .arg(dir.path());
    let server = Server::start_command(cmd);
    let mut client = Client::connect(&server.url("/")).await;
    client.welcome().await;
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    let cwd = project.to_string_lossy().to_string();
    let v = client
        .request(json!({"_tag": "shell.openInEditor", "cwd": cwd, "editor": "vscode"}))
        .await;
    assert!(v.get("error").is_none(), "{v}");
    let deadline = std::time::Instant::now() + DEADLINE;
    while std::fs::read_to_string(&opened)
        .ok()
        .map(|s| s.trim().to_string())
        != Some(cwd.clone())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the editor was not started on {cwd}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let v = client
        .request(json!({"_tag": "shell.openInEditor", "cwd": cwd, "editor": "zed"}))
        .await;
    assert_eq!(
        v["error"]["message"],
        "Zed is not installed (no `zed` on PATH)."
    );
}
