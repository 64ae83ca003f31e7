//! `make bench` for the foundation: `server.getConfig` round trips against the real t3rs binary,
//! beside a bare actix-web-actors echo server measured in the same run, plus idle RSS and the
//! time from SIGTERM to exit. Prints a table; asserts nothing (targets are judged by people).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use actix_web_actors::ws;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

mod support;
use support::{pct, rss_kib, Ws};

const SEQUENTIAL: usize = 10_000;
const CONNECTIONS: usize = 8;
const PER_CONNECTION: usize = 5_000;
const REQUEST: &str = r#"{"id":"b","body":{"_tag":"server.getConfig"}}"#;

struct Echo;

impl Actor for Echo {
    type Context = ws::WebsocketContext<Self>;
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for Echo {
    fn handle(&mut self, msg: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        match msg {
            Ok(ws::Message::Text(text)) => ctx.text(text),
            Ok(ws::Message::Ping(b)) => ctx.pong(&b),
            Ok(ws::Message::Close(r)) => {
                ctx.close(r);
                ctx.stop();
            }
            _ => {}
        }
    }
}

async fn echo_route(
    req: HttpRequest,
    stream: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    ws::start(Echo, &req, stream)
}

/// The bare baseline, configured like t3rs (same worker count, NODELAY).
fn start_echo_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let server = HttpServer::new(|| App::new().route("/", web::get().to(echo_route)))
                .disable_signals()
                .on_connect(|conn, _| {
                    if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
                        let _ = tcp.set_nodelay(true);
                    }
                })
                .bind(("127.0.0.1", 0))
                .expect("bind echo");
            let _ = tx.send(server.addrs()[0]);
            let _ = server.run().await;
        });
    });
    rx.recv().expect("echo server address")
}

async fn connect(url: &str, skip_welcome: bool) -> Ws {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connect");
    if skip_welcome {
        ws.next().await.expect("welcome").expect("welcome");
    }
    ws
}

async fn round_trip(ws: &mut Ws) {
    ws.send(Message::Text(REQUEST.to_string()))
        .await
        .expect("send");
    loop {
        match ws.next().await.expect("open").expect("frame") {
            Message::Text(_) => return,
            _ => continue,
        }
    }
}

async fn sequential(url: &str, skip_welcome: bool) -> Vec<Duration> {
    let mut ws = connect(url, skip_welcome).await;
    for _ in 0..200 {
        round_trip(&mut ws).await; // warm-up
    }
    let mut samples = Vec::with_capacity(SEQUENTIAL);
    for _ in 0..SEQUENTIAL {
        let t = Instant::now();
        round_trip(&mut ws).await;
        samples.push(t.elapsed());
    }
    samples.sort_unstable();
    samples
}

async fn throughput(url: &str, skip_welcome: bool) -> f64 {
    let mut conns = Vec::new();
    for _ in 0..CONNECTIONS {
        conns.push(connect(url, skip_welcome).await);
    }
    let started = Instant::now();
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                for _ in 0..PER_CONNECTION {
                    round_trip(&mut ws).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("client task");
    }
    (CONNECTIONS * PER_CONNECTION) as f64 / started.elapsed().as_secs_f64()
}

const UPGRADES: usize = 300;

/// Signs in with the start-up pairing credential; the `Cookie` header for later upgrades.
fn session_cookie(addr: &str, credential: &str) -> String {
    use std::io::{Read, Write};
    let body = format!(r#"{{"credential":"{credential}"}}"#);
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "POST /api/auth/bootstrap HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let cookie = raw
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie:")
                .then(|| l.split_once(':').map(|(_, v)| v.trim().to_string()))
                .flatten()
        })
        .expect("a session cookie");
    cookie.split(';').next().unwrap_or_default().to_string()
}

/// TCP connect to the first frame (the welcome), `UPGRADES` times, sorted.
async fn upgrade_latency(url: &str, cookie: Option<&str>) -> Vec<Duration> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut samples = Vec::with_capacity(UPGRADES);
    for i in 0..UPGRADES + 20 {
        let mut request = url.into_client_request().expect("request");
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("Cookie", cookie.parse().expect("cookie header"));
        }
        let t = Instant::now();
        let (mut ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("upgrade");
        ws.next().await.expect("welcome").expect("welcome");
        let took = t.elapsed();
        let _ = ws.close(None).await;
        if i >= 20 {
            samples.push(took); // the first 20 warm up
        }
    }
    samples.sort_unstable();
    samples
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to filter here.
    let echo = start_echo_server();
    let state = tempfile::tempdir().expect("tempdir");
    let t3rs = support::spawn_server(state.path(), &[], &[]);
    std::thread::sleep(Duration::from_millis(300));
    let idle_rss = rss_kib(t3rs.child.id());

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let echo_url = format!("ws://{echo}/");
    let t3rs_url = format!("ws://{}/ws", t3rs.addr);
    let (echo_seq, t3rs_seq, echo_tp, t3rs_tp) = rt.block_on(async {
        let echo_seq = sequential(&echo_url, false).await;
        let t3rs_seq = sequential(&t3rs_url, true).await;
        let echo_tp = throughput(&echo_url, false).await;
        let t3rs_tp = throughput(&t3rs_url, true).await;
        (echo_seq, t3rs_seq, echo_tp, t3rs_tp)
    });
    let loaded_rss = rss_kib(t3rs.child.id());
    // The same round trips against another binary (T3RS_BENCH_BASELINE), in this run.
    let baseline = support::baseline_bin().map(|bin| {
        let state = tempfile::tempdir().expect("tempdir");
        let server = support::spawn_server_bin(&bin, state.path(), &[], &[]);
        let url = format!("ws://{}/ws", server.addr);
        let measured =
            rt.block_on(async { (sequential(&url, true).await, throughput(&url, true).await) });
        let _ = support::stop(server.child);
        measured
    });

    // Upgrades with a session cookie (the default server) beside --no-auth, in one run.
    let authed_state = tempfile::tempdir().expect("tempdir");
    let authed = support::spawn_server(
        authed_state.path(),
        &["--auth-rate-limit", "100000"],
        &[("T3CODE_NO_AUTH", "false")],
    );
    let cookie = session_cookie(&authed.addr, &authed.pairing_credential());
    let (open_upgrades, cookie_upgrades) = rt.block_on(async {
        let open = upgrade_latency(&t3rs_url, None).await;
        let cookie =
            upgrade_latency(&format!("ws://{}/ws", authed.addr), Some(cookie.as_str())).await;
        (open, cookie)
    });
    let _ = support::stop(authed.child);

    let (stopped_ok, stop_took) = support::stop(t3rs.child);

    let ratio = pct(&t3rs_seq, 0.5).as_secs_f64() / pct(&echo_seq, 0.5).as_secs_f64();
    let rows: Vec<(&str, String, String, String)> = vec![
        (
            "round trip p50",
            micros(pct(&echo_seq, 0.5)),
            micros(pct(&t3rs_seq, 0.5)),
            format!("<= 1.1x echo: {ratio:.2}x"),
        ),
        (
            "round trip p99",
            micros(pct(&echo_seq, 0.99)),
            micros(pct(&t3rs_seq, 0.99)),
            String::new(),
        ),
        (
            "throughput, 8 connections",
            format!("{echo_tp:.0} req/s"),
            format!("{t3rs_tp:.0} req/s"),
            String::new(),
        ),
        (
            "baseline binary: p50",
            String::new(),
            baseline
                .as_ref()
                .map(|(seq, _)| micros(pct(seq, 0.5)))
                .unwrap_or_else(|| "-".into()),
            "T3RS_BENCH_BASELINE".into(),
        ),
        (
            "baseline binary: 8 conns",
            String::new(),
            baseline
                .as_ref()
                .map(|(_, tp)| format!("{tp:.0} req/s"))
                .unwrap_or_else(|| "-".into()),
            String::new(),
        ),
        (
            "upgrade p50, --no-auth",
            String::new(),
            micros(pct(&open_upgrades, 0.5)),
            String::new(),
        ),
        (
            "upgrade p50, cookie",
            String::new(),
            micros(pct(&cookie_upgrades, 0.5)),
            format!(
                "cookie/no-auth {:.2}x",
                pct(&cookie_upgrades, 0.5).as_secs_f64() / pct(&open_upgrades, 0.5).as_secs_f64()
            ),
        ),
        (
            "upgrade p99, cookie",
            String::new(),
            micros(pct(&cookie_upgrades, 0.99)),
            String::new(),
        ),
        (
            "idle RSS after start",
            String::new(),
            format!("{:.1} MiB", idle_rss as f64 / 1024.0),
            "<= 20 MB".into(),
        ),
        (
            "RSS after the runs",
            String::new(),
            format!("{:.1} MiB", loaded_rss as f64 / 1024.0),
            String::new(),
        ),
        (
            "SIGTERM to exit",
            String::new(),
            format!(
                "{} ms, {}",
                stop_took.as_millis(),
                if stopped_ok { "exit 0" } else { "FAILED" }
            ),
            "<= 2 s, exit 0".into(),
        ),
    ];
    println!();
    println!("foundation: {SEQUENTIAL} sequential round trips; {CONNECTIONS} connections x {PER_CONNECTION}");
    println!(
        "| {:<26} | {:>14} | {:>16} | {:<20} |",
        "measure", "echo baseline", "t3rs getConfig", "target"
    );
    println!(
        "|{}|{}|{}|{}|",
        "-".repeat(28),
        "-".repeat(16),
        "-".repeat(18),
        "-".repeat(22)
    );
    for (name, echo, ours, target) in rows {
        println!("| {name:<26} | {echo:>14} | {ours:>16} | {target:<20} |");
    }
}
