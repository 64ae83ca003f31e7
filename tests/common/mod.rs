//! Test support: start the real `t3rs` binary on a random port with a temp state dir, and talk to
//! it over a real WebSocket. Every wait has a deadline so a broken server fails, never hangs.
#![allow(dead_code)]
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const DEADLINE: Duration = Duration::from_secs(20);

pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub state_dir: PathBuf,
    stderr_path: PathBuf,
    /// Every line the server printed on stdout after its port.
    stdout_lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Builds the command line for a server; `start` runs it.
pub struct ServerBuilder {
    state_dir: PathBuf,
    args: Vec<String>,
    auth: bool,
    /// Changes to the command (an agent's environment), applied last.
    prepare: Vec<CommandChange>,
}

type CommandChange = Box<dyn FnOnce(&mut Command)>;

impl ServerBuilder {
    pub fn new(state_dir: &Path) -> Self {
        Self {
            state_dir: state_dir.to_path_buf(),
            args: Vec::new(),
            auth: false,
            prepare: Vec::new(),
        }
    }

    /// Authentication on, as a server started with no flags has it (tests that are not about
    /// auth run with `--no-auth`).
    pub fn with_auth(mut self) -> Self {
        self.auth = true;
        self
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Changes the command before it starts (e.g. an agent's environment).
    pub fn env_from(mut self, change: impl FnOnce(&mut Command) + 'static) -> Self {
        self.prepare.push(Box::new(change));
        self
    }

    pub fn start(self) -> Server {
        let mut cmd = base_command(&self.state_dir);
        if self.auth {
            cmd.env_remove("T3CODE_NO_AUTH");
        }
        cmd.args(&self.args);
        for change in self.prepare {
            change(&mut cmd);
        }
        Server::start_command_in(cmd, self.state_dir)
    }
}

impl Server {
    /// Starts a prepared command (see [`base_command`]); later flags override earlier ones.
    pub fn start_command(cmd: Command) -> Server {
        let state_dir = cmd
            .get_args()
            .skip_while(|a| *a != "--state-dir")
            .nth(1)
            .map(PathBuf::from)
            .expect("--state-dir");
        Server::start_command_in(cmd, state_dir)
    }

    fn start_command_in(mut cmd: Command, state_dir: PathBuf) -> Server {
        let stderr_path = state_dir.with_extension(format!("stderr-{}", rand_suffix()));
        let stderr = std::fs::File::create(&stderr_path).expect("stderr log file");
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn t3rs");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout_lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let lines = std::sync::Arc::clone(&stdout_lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("t3rs listening on http://") {
                    let port = url.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
                    let _ = tx.send(port);
                } else if let Ok(mut lines) = lines.lock() {
                    lines.push(line);
                }
            }
        });
        let port = match rx.recv_timeout(DEADLINE) {
            Ok(Some(port)) => port,
            _ => {
                let _ = child.kill();
                let log = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                panic!("t3rs did not report its port; stderr:\n{log}");
            }
        };
        Server {
            child: Some(child),
            port,
            state_dir,
            stderr_path,
            stdout_lines,
        }
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The binary with hermetic defaults: no browser, no real codex on PATH unless a test asks,
/// authentication off (through the environment, so an auth test can remove it).
pub fn base_command(state_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_t3rs"));
    cmd.arg("--port")
        .arg("0")
        .arg("--state-dir")
        .arg(state_dir)
        .arg("--no-browser")
        // Through the environment so a test's --codex-bin flag can override it.
        .env("T3CODE_CODEX_BIN", "/nonexistent/t3rs-test-codex")
        .env("T3CODE_NO_AUTH", "true")
        .env_remove("T3CODE_AUTH_TOKEN")
        .env_remove("T3CODE_AUTH_TOKEN_FILE")
        .env_remove("T3CODE_ALLOWED_HOSTS")
        .env_remove("T3CODE_HOST")
        .env_remove("T3CODE_PORT")
        .env_remove("T3CODE_STATE_DIR")
        .env_remove("T3CODE_CONFIG")
        .env("RUST_LOG", "info");
    cmd
}

impl Server {
    pub fn start(state_dir: &Path) -> Server {
        ServerBuilder::new(state_dir).start()
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("ws://127.0.0.1:{}{path_and_query}", self.port)
    }

    /// The one-time pairing link the server printed at start (auth on).
    pub fn pairing_link(&self) -> String {
        let started = Instant::now();
        loop {
            let found = self.stdout_lines.lock().ok().and_then(|lines| {
                lines.iter().find_map(|l| {
                    l.split_once("pair a browser (one use, 5 minutes): ")
                        .map(|(_, url)| url.trim().to_string())
                })
            });
            if let Some(url) = found {
                return url;
            }
            assert!(started.elapsed() < DEADLINE, "no pairing link printed");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The credential in the start-up pairing link.
    pub fn pairing_credential(&self) -> String {
        let link = self.pairing_link();
        link.split_once("#token=")
            .map(|(_, c)| c.to_string())
            .expect("credential in the link")
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY-free: plain libc-less kill through the `kill` command keeps dev-deps small.
        let status = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to exit; returns its status and how long it took.
    pub fn wait_exit(&mut self) -> (ExitStatus, Duration) {
        let started = Instant::now();
        let child = self.child.as_mut().expect("running");
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return (status, started.elapsed());
            }
            assert!(started.elapsed() < DEADLINE, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn stop(mut self) -> ExitStatus {
        self.signal(15);
        self.wait_exit().0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGTERM first, so the server stops its agents' process groups (a failed test
            // that SIGKILLed it would leave them running, and they pile up across runs).
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if matches!(child.try_wait(), Ok(Some(_)) | Err(_)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct Client {
    pub ws: Ws,
    next_id: u64,
    /// Pushes that arrived while a response was awaited, kept for `next_json` in order.
    held: std::collections::VecDeque<Value>,
}

impl Client {
    pub async fn connect(url: &str) -> Client {
        Self::connect_with_origin(url, None).await.expect("connect")
    }

    pub async fn connect_with_origin(
        url: &str,
        origin: Option<&str>,
    ) -> Result<Client, tokio_tungstenite::tungstenite::Error> {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("Origin", o)).into_iter().collect();
        Self::connect_with_headers(url, &headers).await
    }

    /// An upgrade with extra (or replaced) headers: Host, Origin, Cookie, Authorization.
    pub async fn connect_with_headers(
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Client, tokio_tungstenite::tungstenite::Error> {
        let mut request = url.into_client_request()?;
        for (name, value) in headers {
            request.headers_mut().insert(
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                    .expect("header name"),
                HeaderValue::from_str(value).expect("header value"),
            );
        }
        let (ws, _response) = tokio_tungstenite::connect_async(request).await?;
        Ok(Client {
            ws,
            next_id: 0,
            held: std::collections::VecDeque::new(),
        })
    }

    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// Sends a request with a fresh id; returns the id.
    pub async fn send(&mut self, body: Value) -> String {
        self.next_id += 1;
        let id = format!("req-{}", self.next_id);
        self.send_text(json!({"id": id, "body": body}).to_string())
            .await;
        id
    }

    /// The next text message as JSON (pushes held back by `response` come first).
    pub async fn next_json(&mut self) -> Value {
        if let Some(held) = self.held.pop_front() {
            return held;
        }
        self.read_json().await
    }

    async fn read_json(&mut self) -> Value {
        // One deadline for the whole wait: the server's pings must not keep extending it.
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .expect("no message before the deadline")
                .expect("socket closed")
                .expect("socket error");
            match msg {
                Message::Text(text) => return serde_json::from_str(&text).expect("JSON"),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// The response to `id`; pushes that arrive first are held for `next_json`.
    pub async fn response(&mut self, id: &str) -> Value {
        loop {
            let v = self.read_json().await;
            if v.get("type") == Some(&json!("push")) {
                self.held.push_back(v);
                continue;
            }
            assert_eq!(v["id"], json!(id), "responses out of order: {v}");
            return v;
        }
    }

    pub async fn request(&mut self, body: Value) -> Value {
        let id = self.send(body).await;
        self.response(&id).await
    }

    /// Consumes the welcome push, asserting it is first.
    pub async fn welcome(&mut self) -> Value {
        let v = self.next_json().await;
        assert_eq!(v["type"], "push", "first message is not a push: {v}");
        assert_eq!(
            v["channel"], "server.welcome",
            "first push is not the welcome: {v}"
        );
        assert_eq!(v["sequence"], 1);
        v["data"].clone()
    }

    /// Waits for the close frame and returns its code.
    pub async fn close_code(&mut self) -> Option<u16> {
        loop {
            let next = tokio::time::timeout(DEADLINE, self.ws.next())
                .await
                .expect("no close before the deadline");
            match next {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }
}

#[allow(unused_imports)]
pub use t3rs::testkit::{real_codex, FakeModel};

/// A server whose codex is the real CLI, configured by `home` (see [`FakeModel::codex_home`]).
pub fn codex_server_command(state_dir: &Path, home: &Path) -> Command {
    let mut cmd = base_command(state_dir);
    cmd.env("T3CODE_CODEX_BIN", real_codex())
        .env("CODEX_HOME", home)
        .env("FAKE_KEY", "unused")
        .arg("--auto-bootstrap-project-from-cwd=false");
    cmd
}

/// A plain HTTP GET over a real socket; returns (status, body).
pub fn http_get(port: u16, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

/// A plain HTTP answer: status, headers (names lowercase) and body.
pub struct HttpAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 request over a real socket. `headers` may replace Host.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> HttpAnswer {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    HttpAnswer {
        status,
        headers,
        body: String::from_utf8_lossy(&raw[split + 4..]).into_owned(),
    }
}

/// Runs `git` in `cwd` with a fixed identity; panics with git's stderr when it fails.
pub fn git(cwd: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repo with one commit on `main`, cloned from a bare `origin`; returns (work, origin).
pub fn repo_with_origin(dir: &Path) -> (PathBuf, PathBuf) {
    let origin = dir.join("origin.git");
    let seed = dir.join("seed");
    std::fs::create_dir_all(&seed).unwrap();
    git(
        dir,
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ],
    );
    git(&seed, &["init", "-q", "-b", "main"]);
    std::fs::write(seed.join("README.md"), "hello\n").unwrap();
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-q", "-m", "first"]);
    git(
        &seed,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&seed, &["push", "-q", "-u", "origin", "main"]);
    let work = dir.join("work");
    git(
        dir,
        &[
            "clone",
            "-q",
            origin.to_str().unwrap(),
            work.to_str().unwrap(),
        ],
    );
    for (k, v) in [("user.name", "Test"), ("user.email", "test@example.com")] {
        git(&work, &["config", k, v]);
    }
    (work, origin)
}

/// The server the git suites run: requests may name any repository below `dir` (it is the
/// `--cwd`), no project is bootstrapped, HOME is a throw-away `dir/home`, and commits get a
/// fixed identity. `path_first` goes before `PATH` (a fake `gh`).
pub fn git_server(dir: &Path, path_first: Option<&Path>) -> Server {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("a HOME for the server");
    let mut cmd = base_command(&dir.join("state"));
    cmd.arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--cwd")
        .arg(dir)
        .env("HOME", &home)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    if let Some(bin) = path_first {
        let path = std::env::var("PATH").unwrap_or_default();
        cmd.env("PATH", format!("{}:{path}", bin.display()));
    }
    Server::start_command(cmd)
}

/// A connection to `server`, past its welcome.
pub async fn connected(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client
}

/// The result of `body`, failing the test on an error.
pub async fn ok(client: &mut Client, body: Value) -> Value {
    let v = client.request(body.clone()).await;
    assert!(v.get("error").is_none(), "{body} failed: {v}");
    v.get("result").cloned().unwrap_or(Value::Null)
}

/// The error message `body` is answered with, failing the test when it succeeds.
pub async fn err(client: &mut Client, body: Value) -> String {
    let v = client.request(body.clone()).await;
    v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{body} should fail: {v}"))
        .to_string()
}
