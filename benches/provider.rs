//! `make bench` for the providers, one row per driver (codex, Claude Code, the ACP adapters
//! codex-acp and claude-agent-acp), against the release binary:
//! 1. delta throughput through the driver actor → Engine → 4 WebSocket clients, fed by a
//!    synthetic agent (benches/support/fake_codex.py, fake_claude.py, fake_acp.py — one ACP
//!    fake serves both ACP rows: t3rs's side is the same driver) that writes a 100,000-delta
//!    turn at pipe speed; every client must receive the whole text, in order;
//! 2. the same path with the real CLI and the scripted model server, against the CLI alone
//!    driven over its own stdio (benches/support/provider_alone.rs): the ratio of what t3rs adds
//!    to what the agent takes, and the first text's latency (turn start → first assistant delta
//!    at a client);
//! 3. server RSS per live thread session (the agents' own processes excluded), per driver.
//!
//! Prints one table; asserts nothing but correctness.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "support/provider_alone.rs"]
mod alone;
mod support;
#[path = "support/provider_ws.rs"]
mod ws;
use support::{connect, rss_kib, spawn_server_prepared, stop, Started, Ws};
use t3rs::testkit::{self, AgentEnv, FakeModel};
use ws::{create, git_repo, median, read_turn, request, script, start_turn, ThreadKind};

const SYNTHETIC_DELTAS: usize = 100_000;
const REAL_DELTAS: usize = 5_000;
const SESSIONS: usize = 20;
/// Measured turns with a real agent, after one warm-up turn; the median is reported.
const REAL_TURNS: usize = 11;
const CLAUDE_MODEL: &str = "claude-sonnet-4-6";
/// The scripted answer is this, REAL_DELTAS times; first text is its first delta (codex-acp's
/// "model metadata" warning chunk, written before the model is asked, does not count).
const MARKER: &str = "x";

/// The table's rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Row {
    Codex,
    Claude,
    CodexAcp,
    ClaudeAcp,
}

const ROWS: [Row; 4] = [Row::Codex, Row::Claude, Row::CodexAcp, Row::ClaudeAcp];

impl Row {
    fn name(self) -> &'static str {
        match self {
            Row::Codex => "codex",
            Row::Claude => "claudeAgent",
            Row::CodexAcp => "codex-acp",
            Row::ClaudeAcp => "claude-agent-acp",
        }
    }

    /// The driver measured with a synthetic agent for this row.
    fn driver(self) -> Driver {
        match self {
            Row::Codex => Driver::Codex,
            Row::Claude => Driver::Claude,
            Row::CodexAcp | Row::ClaudeAcp => Driver::Acp,
        }
    }

    fn kind(self) -> ThreadKind {
        match self {
            Row::Codex => Driver::Codex.kind(),
            Row::Claude => Driver::Claude.kind(),
            Row::CodexAcp | Row::ClaudeAcp => acp_kind(self.name()),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Driver {
    Codex,
    Claude,
    Acp,
}

impl Driver {
    fn kind(self) -> ThreadKind {
        match self {
            // codex as before: full access, no sandbox or approvals in the way.
            Driver::Codex => ThreadKind {
                selection: json!({"provider": "codex", "model": "fake-model"}),
                runtime_mode: "full-access",
            },
            // A text turn asks nothing; approval-required keeps Claude out of bypassPermissions
            // (refused as root without IS_SANDBOX=1).
            Driver::Claude => ThreadKind {
                selection: json!({"provider": "claudeAgent", "model": CLAUDE_MODEL}),
                runtime_mode: "approval-required",
            },
            Driver::Acp => acp_kind("fake-acp"),
        }
    }
}

fn acp_kind(instance: &str) -> ThreadKind {
    ThreadKind {
        selection: json!({"provider": "acp", "model": "default", "instanceId": instance}),
        runtime_mode: "approval-required",
    }
}

/// How a server is started for one row: its flags, the environment it (and so its agents)
/// gets, the ACP instance declared once it is up.
#[derive(Default)]
struct Launch {
    args: Vec<String>,
    env: AgentEnv,
    instance: Option<Value>,
}

fn env_map(env: &AgentEnv) -> Value {
    env.set
        .iter()
        .map(|(k, v)| {
            let v = Value::String(v.to_string_lossy().into_owned());
            (k.to_string_lossy().into_owned(), v)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn set(vars: &[(&str, &str)]) -> AgentEnv {
    AgentEnv {
        remove: Vec::new(),
        set: vars.iter().map(|(k, v)| (k.into(), v.into())).collect(),
    }
}

async fn serve(state: &Path, launch: &Launch) -> (Started, Ws) {
    let args: Vec<&str> = launch.args.iter().map(String::as_str).collect();
    let bin = Path::new(env!("CARGO_BIN_EXE_t3rs"));
    let server = spawn_server_prepared(bin, state, &args, &[], &|cmd| launch.env.apply(cmd));
    let mut ws = connect(&server.addr).await;
    if let Some(instance) = &launch.instance {
        let body = json!({"_tag": "server.updateSettings", "acpInstances": [instance]});
        request(&mut ws, "settings", body).await;
    }
    (server, ws)
}

fn synthetic_launch(dir: &Path, driver: Driver, deltas: usize) -> Launch {
    let n = deltas.to_string();
    match driver {
        Driver::Codex => Launch {
            args: vec![
                "--codex-bin".into(),
                path_arg(&script(dir, "fake_codex.py")),
            ],
            env: set(&[("FAKE_CODEX_DELTAS", &n)]),
            instance: None,
        },
        Driver::Claude => Launch {
            args: vec![
                "--claude-bin".into(),
                path_arg(&script(dir, "fake_claude.py")),
            ],
            env: set(&[("FAKE_CLAUDE_DELTAS", &n)]),
            instance: None,
        },
        Driver::Acp => Launch {
            args: Vec::new(),
            env: AgentEnv::default(),
            instance: Some(json!({"instanceId": "fake-acp", "command": "python3",
                "args": [script(dir, "fake_acp.py")], "env": {"FAKE_ACP_DELTAS": n}})),
        },
    }
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

struct Synthetic {
    deltas_per_s: f64,
}

async fn synthetic(dir: &Path, driver: Driver) -> Synthetic {
    let work = git_repo(dir);
    let launch = synthetic_launch(dir, driver, SYNTHETIC_DELTAS);
    let (server, first) = serve(&dir.join("state"), &launch).await;
    let mut clients = vec![first];
    for _ in 1..4 {
        clients.push(connect(&server.addr).await);
    }
    let kind = driver.kind();
    create(&mut clients[0], &work, &["t".to_string()], &kind).await;
    let expected: String = (0..SYNTHETIC_DELTAS).map(|i| format!("d{i} ")).collect();
    let mut result = None;
    for turn in 1..=2u64 {
        let started = Instant::now();
        start_turn(&mut clients[0], "t", turn as usize, &kind).await;
        let mut readers = Vec::new();
        for mut ws in clients.drain(..) {
            readers.push(tokio::spawn(async move {
                let seen = read_turn(&mut ws, "t", turn, "").await;
                (ws, seen, started.elapsed())
            }));
        }
        let mut slowest = Duration::ZERO;
        for reader in readers {
            let (ws, (text, _, _), took) = reader.await.unwrap();
            assert!(text == expected, "a client lost or reordered text");
            slowest = slowest.max(took);
            clients.push(ws);
        }
        // Turn 1 warms up (the agent's spawn, the first checkpoint); turn 2 is measured.
        result = Some(Synthetic {
            deltas_per_s: SYNTHETIC_DELTAS as f64 / slowest.as_secs_f64(),
        });
    }
    stop(server.child);
    result.unwrap()
}

/// RSS growth per thread whose (synthetic) agent is alive; the agents' memory is other
/// processes'.
async fn rss_per_session(dir: &Path, driver: Driver) -> u64 {
    let work = git_repo(dir);
    let launch = synthetic_launch(dir, driver, 20);
    let (server, mut ws) = serve(&dir.join("state"), &launch).await;
    let kind = driver.kind();
    let threads: Vec<String> = (0..=SESSIONS).map(|i| format!("s{i}")).collect();
    create(&mut ws, &work, &threads, &kind).await;
    start_turn(&mut ws, &threads[0], 1, &kind).await;
    read_turn(&mut ws, &threads[0], 1, "").await;
    let pid = server.child.id();
    let before = rss_kib(pid);
    for t in &threads[1..] {
        start_turn(&mut ws, t, 1, &kind).await;
        read_turn(&mut ws, t, 1, "").await;
    }
    let after = rss_kib(pid);
    stop(server.child);
    after.saturating_sub(before) / SESSIONS as u64
}

/// A real turn: its median time and first-text latency, alone and through t3rs.
struct Real {
    own: Duration,
    own_first: Duration,
    ours: Duration,
    ours_first: Duration,
    /// Turn start → the answer's last delta at the client (before the checkpoint).
    ours_last: Duration,
    /// The median over turn pairs of (t3rs − own) / own, to the last text and to the
    /// checkpoint: pairs run back to back, so a shared machine's drifting load cancels.
    added_last: f64,
    added: f64,
}

fn median_f(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The real agent of `row` (None when it is not installed), its environment, and the launch
/// of a server running it.
fn real_agent(row: Row, model: &FakeModel, dir: &Path) -> Option<(PathBuf, AgentEnv, Launch)> {
    let (program, env) = match row {
        Row::Codex => {
            let home = model.codex_home(dir);
            let env = set(&[("CODEX_HOME", home.to_str()?), ("FAKE_KEY", "unused")]);
            (testkit::codex_path(), env)
        }
        Row::Claude | Row::ClaudeAcp => (
            if row == Row::Claude {
                testkit::claude_path()
            } else {
                testkit::claude_agent_acp_path()
            },
            model.claude_env(dir),
        ),
        Row::CodexAcp => (testkit::codex_acp_path(), model.codex_acp_env(dir)),
    };
    if !program.exists() {
        return None;
    }
    let mut launch = Launch {
        env: env.clone(),
        ..Launch::default()
    };
    match row {
        Row::Codex => launch.args = vec!["--codex-bin".into(), path_arg(&program)],
        Row::Claude => launch.args = vec!["--claude-bin".into(), path_arg(&program)],
        Row::CodexAcp | Row::ClaudeAcp => {
            launch.instance = Some(json!({"instanceId": row.name(), "command": program,
                "env": env_map(&env)}));
        }
    }
    Some((program, env, launch))
}

/// One turn through t3rs: turn start → the checkpoint, → the first delta of the model's answer
/// at the client, → its last delta there.
async fn t3rs_turn(ws: &mut Ws, row: Row, turn: u64) -> [Duration; 3] {
    let started = Instant::now();
    start_turn(ws, "r", turn as usize, &row.kind()).await;
    let (text, first, last) = read_turn(ws, "r", turn, MARKER).await;
    let expected = MARKER.repeat(REAL_DELTAS);
    assert!(
        text.contains(&expected),
        "{}: text lost on the way",
        row.name()
    );
    let first = first.expect("the answer's first delta") - started;
    let last = last.expect("the answer's last delta") - started;
    [started.elapsed(), first, last]
}

/// The real agent alone and through t3rs, both sessions live, their turns interleaved so that
/// the load of a shared machine weighs on both alike.
fn real(rt: &tokio::runtime::Runtime, dir: &Path, row: Row, model: &FakeModel) -> Option<Real> {
    let (program, env, launch) = real_agent(row, model, &dir.join("env"))?;
    let work = git_repo(&dir.join("alone"));
    let mut own = match row {
        Row::Codex => {
            let home = PathBuf::from(env.get("CODEX_HOME")?);
            alone::codex(&program, &home, &work)
        }
        Row::Claude => alone::claude(&program, &env, &work, CLAUDE_MODEL),
        Row::CodexAcp | Row::ClaudeAcp => alone::acp(&program, &env, &work),
    };
    let ours_work = git_repo(&dir.join("t3rs"));
    let (server, mut ws) = rt.block_on(serve(&dir.join("t3rs/state"), &launch));
    rt.block_on(create(&mut ws, &ours_work, &["r".to_string()], &row.kind()));
    let mut samples: [Vec<Duration>; 5] = Default::default();
    for turn in 1..=1 + REAL_TURNS as u64 {
        // Which goes first alternates: the second of a pair runs on a warmer machine.
        let ((own_took, own_first), [took, first, last]) = if turn % 2 == 0 {
            let o = own.turn(MARKER);
            (o, rt.block_on(t3rs_turn(&mut ws, row, turn)))
        } else {
            let t = rt.block_on(t3rs_turn(&mut ws, row, turn));
            (own.turn(MARKER), t)
        };
        for (list, sample) in samples
            .iter_mut()
            .zip([own_took, own_first, took, first, last])
        {
            list.push(sample);
        }
    }
    stop(server.child);
    drop(own);
    // The first turn warms up (spawns, the first checkpoint).
    let ratio = |i: usize| {
        let pairs = samples[0][1..].iter().zip(&samples[i][1..]);
        median_f(
            pairs
                .map(|(o, t)| (t.as_secs_f64() - o.as_secs_f64()) / o.as_secs_f64())
                .collect(),
        )
    };
    let (added, added_last) = (ratio(2), ratio(4));
    let [own, own_first, ours, ours_first, ours_last] = samples.map(|mut s| median(&mut s[1..]));
    Some(Real {
        added,
        added_last,
        own,
        own_first,
        ours,
        ours_first,
        ours_last,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut synthetic_by = Vec::new();
    for (i, driver) in [Driver::Codex, Driver::Claude, Driver::Acp]
        .into_iter()
        .enumerate()
    {
        let at = dir.path().join(format!("driver-{i}"));
        let s = rt.block_on(synthetic(&at.join("synthetic"), driver));
        let rss = rt.block_on(rss_per_session(&at.join("rss"), driver));
        synthetic_by.push((driver, s, rss));
    }
    let model = testkit::fake_model_path().exists().then(|| {
        FakeModel::start(
            dir.path(),
            json!([{"text": MARKER.repeat(REAL_DELTAS), "chunks": REAL_DELTAS}]),
        )
    });
    let mut reals = Vec::new();
    for row in ROWS {
        let at = dir.path().join(format!("real-{}", row.name()));
        let r = model.as_ref().and_then(|m| real(&rt, &at, row, m));
        reals.push(r);
    }
    drop(model);

    println!();
    println!(
        "provider benchmark: synthetic {}k-delta turn to 4 clients; real CLI {REAL_DELTAS}-delta turn against the scripted model, median of {REAL_TURNS} after a warm-up, turns alone and through t3rs interleaved; RSS over {SESSIONS} live sessions",
        SYNTHETIC_DELTAS / 1000
    );
    let header = [
        "provider",
        "deltas/s, synthetic → 4 clients",
        "turn, own",
        "turn through t3rs: last text / checkpoint",
        "added/own: last text / checkpoint",
        "first text: own / t3rs",
        "server RSS per session",
    ];
    let mut rows = vec![
        header.map(String::from).to_vec(),
        ["target", ">= 100,000", "", "", "<= 0.10", "", ""]
            .map(String::from)
            .to_vec(),
    ];
    for (row, real) in ROWS.into_iter().zip(reals) {
        let (_, s, rss) = synthetic_by
            .iter()
            .find(|(d, _, _)| *d == row.driver())
            .expect("measured");
        let mut cells = vec![row.name().to_string(), format!("{:.0}", s.deltas_per_s)];
        match real {
            Some(r) => {
                cells.push(ms(r.own));
                cells.push(format!("{} / {}", ms(r.ours_last), ms(r.ours)));
                cells.push(format!("{:.2} / {:.2}", r.added_last, r.added));
                cells.push(format!("{} / {}", ms(r.own_first), ms(r.ours_first)));
            }
            None => {
                cells.push("skipped".into());
                cells.push("(make agents; ../shared)".into());
                cells.extend([String::new(), String::new()]);
            }
        }
        cells.push(format!("{rss} KiB"));
        rows.push(cells);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        let cells: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        println!("| {} |", cells.join(" | "));
    };
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
    line(&rows[0]);
    println!("|{}|", rule.join("|"));
    for row in &rows[1..] {
        line(row);
    }
}
