//! What every `make bench` binary shares: starting the release server, connecting to it, and
//! reading /proc.
#![allow(dead_code)]
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server and how long it took to report its address.
pub struct Started {
    pub child: Child,
    pub addr: String,
    pub startup: Duration,
    /// The lines printed after the address (the pairing link, with auth on).
    pub later_lines: std::sync::mpsc::Receiver<String>,
}

impl Started {
    /// The credential of the pairing link the server printed at start (auth on).
    pub fn pairing_credential(&self) -> String {
        loop {
            let line = self
                .later_lines
                .recv_timeout(Duration::from_secs(20))
                .expect("no pairing link printed");
            if let Some((_, credential)) = line.split_once("#token=") {
                return credential.trim().to_string();
            }
        }
    }
}

/// Another t3rs binary to measure beside this build in the same run (e.g. the commit before a
/// change): `T3RS_BENCH_BASELINE=/path/to/t3rs make bench`.
pub fn baseline_bin() -> Option<std::path::PathBuf> {
    std::env::var_os("T3RS_BENCH_BASELINE").map(std::path::PathBuf::from)
}

/// Starts the t3rs binary on a free port with `state` as its state dir, codex pointed at
/// nothing, bootstrap off, plus `args` and `env`. T3RS_BENCH_LOG=1 shows the server's own log.
pub fn spawn_server(state: &Path, args: &[&str], env: &[(&str, &str)]) -> Started {
    spawn_server_bin(Path::new(env!("CARGO_BIN_EXE_t3rs")), state, args, env)
}

/// [`spawn_server`] with another binary.
pub fn spawn_server_bin(bin: &Path, state: &Path, args: &[&str], env: &[(&str, &str)]) -> Started {
    spawn_server_prepared(bin, state, args, env, &|_| {})
}

/// [`spawn_server_bin`], with `prepare` applied to the command last (e.g. an agent's hermetic
/// environment, which removes variables as well as setting them).
pub fn spawn_server_prepared(
    bin: &Path,
    state: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    prepare: &dyn Fn(&mut Command),
) -> Started {
    let verbose = std::env::var_os("T3RS_BENCH_LOG").is_some();
    let started = Instant::now();
    let mut command = Command::new(bin);
    command
        .args([
            "--port",
            "0",
            "--no-browser",
            "--auto-bootstrap-project-from-cwd=false",
        ])
        // Through the environment, so a caller's --codex-bin wins.
        .env("T3CODE_CODEX_BIN", "/nonexistent/codex")
        // Benches not about auth run without it; `T3CODE_NO_AUTH=false` in `env` turns it on.
        .env("T3CODE_NO_AUTH", "true")
        .arg("--state-dir")
        .arg(state)
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", if verbose { "info" } else { "warn" })
        .stdout(Stdio::piped())
        .stderr(if verbose {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
    prepare(&mut command);
    let mut child = command.spawn().expect("spawn t3rs");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("t3rs exited").expect("read");
        if let Some(addr) = line.strip_prefix("t3rs listening on http://") {
            break addr.to_string();
        }
    };
    // Keep reading: a closed pipe would make every later line the server prints fail.
    let (tx, later_lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    Started {
        child,
        addr,
        startup: started.elapsed(),
        later_lines,
    }
}

/// SIGTERM and wait; returns whether it exited 0 and how long that took.
pub fn stop(mut child: Child) -> (bool, Duration) {
    let started = Instant::now();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, started.elapsed())
}

pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The `p` quantile of sorted samples.
pub fn pct(samples: &[Duration], p: f64) -> Duration {
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// A client WebSocket to the server under test.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects to `ws://<addr>/ws` and reads past the server's welcome.
pub async fn connect(addr: &str) -> Ws {
    use futures_util::StreamExt;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .expect("connect");
    ws.next().await.expect("welcome").expect("welcome");
    ws
}
