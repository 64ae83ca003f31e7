//! Records the conversations in tests/fixtures/claude and tests/fixtures/acp from the real
//! agents `make agents` installs (Claude Code, codex-acp, claude-agent-acp) run against the
//! scripted model, offline, with the hermetic environments of `t3rs::testkit`. Ignored: the
//! fixtures are checked in and the translators' tests read them; re-record after changing a
//! pinned version with
//!
//!     cargo test --test record_fixtures -- --ignored --nocapture --test-threads 1
//!
//! (one scenario: `T3RS_RECORD_ONLY=<name>` and the test's name, e.g. `record_claude`). Every line is `>> ` (what we wrote to the
//! agent's stdin) or `<< ` (a line of its stdout) followed by one JSON object; a `## ` line starts
//! a new agent process (a resume, a session/load).
//!
//! One test here is not ignored: each pinned agent still streams a scripted answer offline (what
//! `make agents` installed runs, and the testkit's environments point it at the fake model).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use t3rs::testkit::{
    real_claude, real_claude_agent_acp, real_codex_acp, running_as_root, AgentEnv, FakeModel,
};

const TURN_DEADLINE: Duration = Duration::from_secs(60);

fn fixtures(kind: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind)
}

/// A git repository to work in, as a thread's cwd would be.
fn work_dir(dir: &Path) -> PathBuf {
    let work = dir.join("work");
    let ok = Command::new("git")
        .args(["init", "-q"])
        .arg(&work)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git init");
    work
}

/// One agent process talking JSON lines on stdio, every line written to `out`.
struct Agent {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Option<String>>,
    out: Vec<String>,
}

impl Agent {
    fn spawn(program: &Path, args: &[&str], cwd: &Path, env: &AgentEnv) -> Agent {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        env.apply(&mut cmd);
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().expect("agent starts");
        let (tx, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(Some(line)).is_err() {
                    return;
                }
            }
            let _ = tx.send(None);
        });
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("agent stderr: {line}");
            }
        });
        Agent {
            stdin: child.stdin.take(),
            child,
            lines,
            out: Vec::new(),
        }
    }

    fn send(&mut self, message: Value) {
        let line = message.to_string();
        self.out.push(format!(">> {line}"));
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// The next stdout line as JSON (recorded), `None` when the agent closed stdout, and
    /// `Err(())` when nothing came within `wait`.
    fn next(&mut self, wait: Duration) -> Result<Option<Value>, ()> {
        loop {
            match self.lines.recv_timeout(wait) {
                Ok(Some(line)) => match serde_json::from_str::<Value>(&line) {
                    Ok(v) => {
                        self.out.push(format!("<< {line}"));
                        return Ok(Some(v));
                    }
                    Err(_) => eprintln!("agent stdout (not JSON): {line}"),
                },
                Ok(None) | Err(RecvTimeoutError::Disconnected) => return Ok(None),
                Err(RecvTimeoutError::Timeout) => return Err(()),
            }
        }
    }

    /// Closes stdin, waits a little for the exit, then kills the process group (the npm
    /// wrappers leave their native child behind otherwise). Returns the recorded lines.
    fn finish(mut self) -> Vec<String> {
        drop(self.stdin.take());
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                eprintln!("agent exited: {status}");
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let pgid = nix::unistd::Pid::from_raw(-(self.child.id() as i32));
        let _ = nix::sys::signal::kill(pgid, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
        // Lines still buffered after the exit.
        while let Ok(Some(line)) = self.lines.try_recv() {
            if serde_json::from_str::<Value>(&line).is_ok() {
                self.out.push(format!("<< {line}"));
            }
        }
        self.out
    }
}

fn write_fixture(path: &Path, lines: &[String]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
    eprintln!("recorded {} ({} lines)", path.display(), lines.len());
}

// ---------------------------------------------------------------------------------------------
// Claude Code: `claude -p`, stream-json both ways, permissions over stdio.

struct ClaudeScenario {
    name: &'static str,
    steps: Value,
    mode: &'static str,
    /// Answers to `can_use_tool`, in order (the last repeats).
    decisions: &'static [&'static str],
    /// Send `control_request interrupt` this long after the prompt, then a second prompt.
    interrupt_after: Option<Duration>,
    /// A second process, `--resume <session_id>`, with this prompt.
    resume: Option<&'static str>,
}

fn user_line(text: &str) -> Value {
    json!({"type": "user", "message": {"role": "user", "content": [{"type": "text", "text": text}]},
           "parent_tool_use_id": null, "session_id": ""})
}

/// Answers every `can_use_tool` until the `result` line; returns the result.
fn claude_turn(
    agent: &mut Agent,
    sc: &ClaudeScenario,
    interrupt_after: Option<Duration>,
    decided: &mut usize,
) -> Option<Value> {
    let started = Instant::now();
    let mut interrupt_at = interrupt_after.map(|d| started + d);
    loop {
        if started.elapsed() > TURN_DEADLINE {
            panic!("{}: no result within {TURN_DEADLINE:?}", sc.name);
        }
        let m = match agent.next(Duration::from_millis(100)) {
            Ok(Some(m)) => m,
            Ok(None) => return None,
            Err(()) => {
                if interrupt_at.is_some_and(|t| Instant::now() >= t) {
                    interrupt_at = None;
                    agent.send(json!({"type": "control_request", "request_id": "int-1",
                                      "request": {"subtype": "interrupt"}}));
                }
                continue;
            }
        };
        if m["type"] == "control_request" && m["request"]["subtype"] == "can_use_tool" {
            let req = &m["request"];
            let decision = sc.decisions[(*decided).min(sc.decisions.len() - 1)];
            *decided += 1;
            let response = if decision == "allow" {
                let mut updated = req["input"].clone();
                if req["tool_name"] == "AskUserQuestion" {
                    let answers: serde_json::Map<String, Value> = req["input"]["questions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|q| {
                            let question = q["question"].as_str().unwrap().to_string();
                            (question, q["options"][0]["label"].clone())
                        })
                        .collect();
                    updated["answers"] = Value::Object(answers);
                }
                json!({"behavior": "allow", "updatedInput": updated})
            } else {
                json!({"behavior": "deny", "message": "denied by the recorder"})
            };
            agent.send(json!({"type": "control_response", "response": {
                "subtype": "success", "request_id": m["request_id"], "response": response}}));
        }
        if m["type"] == "result" {
            return Some(m);
        }
    }
}

fn claude_args(mode: &str) -> Vec<&str> {
    vec![
        "-p",
        "--input-format",
        "stream-json",
        "--output-format",
        "stream-json",
        "--verbose",
        "--permission-prompt-tool",
        "stdio",
        "--include-partial-messages",
        "--permission-mode",
        mode,
    ]
}

fn run_claude_scenario(sc: &ClaudeScenario) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let work = work_dir(dir.path());
    let model = FakeModel::start(dir.path(), sc.steps.clone());
    let env = model.claude_env(dir.path());
    let claude = real_claude();
    let mut agent = Agent::spawn(&claude, &claude_args(sc.mode), &work, &env);
    agent.send(json!({"type": "control_request", "request_id": "init-1",
                      "request": {"subtype": "initialize"}}));
    agent.send(user_line("go"));
    let mut decided = 0;
    let result =
        claude_turn(&mut agent, sc, sc.interrupt_after, &mut decided).expect("a result line");
    if sc.interrupt_after.is_some() {
        // The turn after an interrupt, in the same process.
        agent.send(user_line("after the interrupt"));
        claude_turn(&mut agent, sc, None, &mut decided).expect("a second result");
    }
    let mut lines = agent.finish();
    if let Some(prompt) = sc.resume {
        let session = result["session_id"].as_str().unwrap().to_string();
        lines.push(format!("## claude --resume {session}"));
        let mut args = claude_args(sc.mode);
        args.extend(["--resume", &session]);
        let mut agent = Agent::spawn(&claude, &args, &work, &env);
        agent.send(json!({"type": "control_request", "request_id": "init-1",
                          "request": {"subtype": "initialize"}}));
        agent.send(user_line(prompt));
        claude_turn(&mut agent, sc, None, &mut decided).expect("a resumed result");
        lines.extend(agent.finish());
        let last = model.requests().last().cloned().unwrap_or_default();
        eprintln!(
            "resume: the model's last request carries {} messages",
            last["body"]["messages"].as_array().map_or(0, Vec::len)
        );
    }
    for name in ["a.txt"] {
        if let Ok(text) = std::fs::read_to_string(work.join(name)) {
            eprintln!("{}: {name} = {text:?}", sc.name);
        }
    }
    lines
}

fn claude_scenarios() -> Vec<ClaudeScenario> {
    let base = |name, steps| ClaudeScenario {
        name,
        steps,
        mode: "default",
        decisions: &["allow"],
        interrupt_after: None,
        resume: None,
    };
    vec![
        base(
            "text",
            json!([{"text": "Hello there, this streams in four parts.", "chunks": 4}]),
        ),
        base(
            "bash-allow",
            json!([{"shell": "echo hi > a.txt"}, {"text": "Wrote a.txt."}]),
        ),
        ClaudeScenario {
            decisions: &["deny"],
            ..base(
                "bash-deny",
                json!([{"shell": "echo hi > a.txt"}, {"text": "Not written."}]),
            )
        },
        base(
            "file-change",
            json!([
                {"write": {"path": "a.txt", "content": "hi\n"}},
                {"edit": {"path": "a.txt", "old": "hi", "new": "ho"}},
                {"text": "Edited a.txt."}
            ]),
        ),
        base(
            "ask",
            json!([
                {"ask": [{"question": "Which color?", "options": ["Red", "Blue"]}]},
                {"text": "Red it is."}
            ]),
        ),
        ClaudeScenario {
            mode: "plan",
            ..base(
                "plan",
                json!([{"plan": "1. Read a.txt\n2. Write b.txt"}, {"text": "Plan approved."}]),
            )
        },
        ClaudeScenario {
            interrupt_after: Some(Duration::from_millis(1500)),
            ..base(
                "interrupt",
                json!([
                    [{"text": "Starting a long answer", "chunks": 3}, {"hang": true}],
                    {"text": "After the interrupt."}
                ]),
            )
        },
        base("err500", json!([{"status": 500, "message": "boom"}])),
        ClaudeScenario {
            resume: Some("and again"),
            ..base(
                "resume",
                json!([{"text": "First answer."}, {"text": "Second answer."}]),
            )
        },
    ]
}

#[test]
#[ignore = "records tests/fixtures/claude from the real Claude Code CLI"]
fn record_claude() {
    let only = std::env::var("T3RS_RECORD_ONLY").ok();
    for sc in claude_scenarios() {
        if only.as_deref().is_some_and(|o| o != sc.name) {
            continue;
        }
        let lines = run_claude_scenario(&sc);
        write_fixture(
            &fixtures("claude").join(format!("{}.jsonl", sc.name)),
            &lines,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// ACP adapters: JSON-RPC 2.0 over stdio.

struct Acp<'a> {
    agent: Agent,
    next_id: u64,
    decisions: &'a [&'a str],
    decided: usize,
}

impl Acp<'_> {
    /// Sends a request and answers the agent's own requests until the response; `cancel_after`
    /// sends `session/cancel` for `session` that long after the request.
    fn request(
        &mut self,
        method: &str,
        params: Value,
        cancel_after: Option<(Duration, &str)>,
    ) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.agent
            .send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let started = Instant::now();
        let mut cancel_at = cancel_after.map(|(d, s)| (started + d, s.to_string()));
        loop {
            assert!(started.elapsed() < TURN_DEADLINE, "{method}: no answer");
            let m = match self.agent.next(Duration::from_millis(100)) {
                Ok(Some(m)) => m,
                Ok(None) => panic!("{method}: the agent exited"),
                Err(()) => {
                    if let Some((at, session)) = cancel_at.take() {
                        if Instant::now() >= at {
                            self.agent
                                .send(json!({"jsonrpc": "2.0", "method": "session/cancel",
                                                   "params": {"sessionId": session}}));
                        } else {
                            cancel_at = Some((at, session));
                        }
                    }
                    continue;
                }
            };
            if m.get("method").is_some() && m.get("id").is_some() {
                self.answer(&m);
            } else if m["id"] == json!(id) {
                return m;
            }
        }
    }

    fn answer(&mut self, m: &Value) {
        let result = match m["method"].as_str().unwrap() {
            "session/request_permission" => {
                let want = self.decisions[self.decided.min(self.decisions.len() - 1)];
                self.decided += 1;
                let kinds: &[&str] = if want == "allow" {
                    &["allow_once", "allow_always"]
                } else {
                    &["reject_once", "reject_always"]
                };
                let options = m["params"]["options"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let chosen = kinds.iter().find_map(|k| {
                    options
                        .iter()
                        .find(|o| o["kind"] == *k)
                        .map(|o| o["optionId"].clone())
                });
                match chosen {
                    Some(id) => json!({"outcome": {"outcome": "selected", "optionId": id}}),
                    None => json!({"outcome": {"outcome": "cancelled"}}),
                }
            }
            other => {
                self.agent
                    .send(json!({"jsonrpc": "2.0", "id": m["id"], "error":
                    {"code": -32601, "message": format!("the recorder does not do {other}")}}));
                return;
            }
        };
        self.agent
            .send(json!({"jsonrpc": "2.0", "id": m["id"], "result": result}));
    }
}

struct AcpScenario {
    name: &'static str,
    steps: Value,
    mode: Option<&'static str>,
    decisions: &'static [&'static str],
    cancel_after: Option<Duration>,
}

fn run_acp_scenario(adapter: &str, sc: &AcpScenario) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let work = work_dir(dir.path());
    let model = FakeModel::start(dir.path(), sc.steps.clone());
    let (program, env) = match adapter {
        "codex-acp" => (real_codex_acp(), model.codex_acp_env(dir.path())),
        _ => {
            let mut env = model.claude_env(dir.path());
            if running_as_root() {
                // claude-agent-acp offers bypassPermissions (and passes the CLI
                // --allow-dangerously-skip-permissions) as root only when IS_SANDBOX is
                // non-empty, and the CLI accepts that flag as root only with IS_SANDBOX=1 (any
                // other value fails session/new). AgentEnv removes the inherited value; with it
                // unset the adapter works but hides bypassPermissions. Exactly 1 here makes the
                // recording, run as root, show what a non-root user gets: all five modes.
                env.set.push(("IS_SANDBOX".into(), "1".into()));
            }
            (real_claude_agent_acp(), env)
        }
    };
    let mut acp = Acp {
        agent: Agent::spawn(&program, &[], &work, &env),
        next_id: 0,
        decisions: sc.decisions,
        decided: 0,
    };
    acp.request(
        "initialize",
        json!({"protocolVersion": 1, "clientInfo": {"name": "t3rs-recorder", "version": "0"},
               "clientCapabilities": {"fs": {"readTextFile": false, "writeTextFile": false},
                                      "terminal": false}}),
        None,
    );
    let new = acp.request("session/new", json!({"cwd": work, "mcpServers": []}), None);
    let session = new["result"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("{adapter} {}: session/new failed: {new}", sc.name))
        .to_string();
    if let Some(mode) = sc.mode {
        acp.request(
            "session/set_mode",
            json!({"sessionId": session, "modeId": mode}),
            None,
        );
    }
    let prompt =
        |text: &str| json!({"sessionId": session, "prompt": [{"type": "text", "text": text}]});
    let answer = acp.request(
        "session/prompt",
        prompt("go"),
        sc.cancel_after.map(|d| (d, session.as_str())),
    );
    eprintln!("{adapter} {}: {answer}", sc.name);
    if sc.cancel_after.is_some() {
        let after = acp.request("session/prompt", prompt("after the cancel"), None);
        eprintln!("{adapter} {} after the cancel: {after}", sc.name);
    }
    if let Ok(text) = std::fs::read_to_string(work.join("a.txt")) {
        eprintln!("{adapter} {}: a.txt = {text:?}", sc.name);
    }
    acp.agent.finish()
}

fn acp_scenarios(adapter: &str) -> Vec<AcpScenario> {
    // codex-acp asks in its default read-only mode only for an escalated command; claude in
    // default mode asks for every Bash command.
    let shell = if adapter == "codex-acp" {
        json!({"shell": "echo hi > a.txt", "escalate": "write a.txt"})
    } else {
        json!({"shell": "echo hi > a.txt"})
    };
    // On the Responses API a hang step completes the response before its keep-alives (codex
    // ends the turn), so codex-acp's slow stream is a delayed one; claude's hangs for real.
    let slow = if adapter == "codex-acp" {
        json!({"text": "Starting a long answer that streams slowly", "chunks": 20, "delay_ms": 400})
    } else {
        json!([{"text": "Starting a long answer", "chunks": 3}, {"hang": true}])
    };
    vec![
        AcpScenario {
            name: "text",
            steps: json!([{"text": "Hello there, this streams in four parts.", "chunks": 4}]),
            mode: None,
            decisions: &["allow"],
            cancel_after: None,
        },
        AcpScenario {
            name: "permission",
            steps: json!([shell.clone(), {"text": "Wrote a.txt."}]),
            mode: None,
            decisions: &["allow"],
            cancel_after: None,
        },
        AcpScenario {
            name: "permission-reject",
            steps: json!([shell, {"text": "Not written."}]),
            mode: None,
            decisions: &["reject"],
            cancel_after: None,
        },
        AcpScenario {
            name: "cancel",
            steps: json!([slow, {"text": "After the cancel."}]),
            mode: None,
            decisions: &["allow"],
            cancel_after: Some(Duration::from_millis(1500)),
        },
    ]
}

#[test]
#[ignore = "records tests/fixtures/acp from the real codex-acp and claude-agent-acp"]
fn record_acp() {
    let only = std::env::var("T3RS_RECORD_ONLY").ok();
    for adapter in ["codex-acp", "claude-agent-acp"] {
        for sc in acp_scenarios(adapter) {
            let full = format!("{adapter}-{}", sc.name);
            if only.as_deref().is_some_and(|o| o != full) {
                continue;
            }
            let lines = run_acp_scenario(adapter, &sc);
            write_fixture(&fixtures("acp").join(format!("{full}.jsonl")), &lines);
        }
    }
}

#[test]
fn the_pinned_agents_answer_offline() {
    std::thread::scope(|scope| {
        let claude = scope.spawn(|| {
            let sc = &claude_scenarios()[0];
            run_claude_scenario(sc)
        });
        let acps: Vec<_> = ["codex-acp", "claude-agent-acp"]
            .into_iter()
            .map(|adapter| {
                scope.spawn(move || {
                    let sc = acp_scenarios(adapter).remove(0);
                    (adapter, run_acp_scenario(adapter, &sc))
                })
            })
            .collect();
        let received = |lines: &[String]| -> Vec<Value> {
            lines
                .iter()
                .filter_map(|l| l.strip_prefix("<< "))
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let lines = claude.join().unwrap();
        let result = received(&lines)
            .into_iter()
            .find(|m| m["type"] == "result")
            .expect("a result line");
        assert_eq!(result["is_error"], false, "{result}");
        assert_eq!(result["result"], "Hello there, this streams in four parts.");
        for acp in acps {
            let (adapter, lines) = acp.join().unwrap();
            let received = received(&lines);
            let text: String = received
                .iter()
                .filter(|m| m["params"]["update"]["sessionUpdate"] == "agent_message_chunk")
                .filter_map(|m| m["params"]["update"]["content"]["text"].as_str())
                .collect();
            assert!(
                text.ends_with("Hello there, this streams in four parts."),
                "{adapter}: {text:?}"
            );
            let stop = received
                .iter()
                .find_map(|m| m["result"]["stopReason"].as_str());
            assert_eq!(stop, Some("end_turn"), "{adapter}");
        }
    });
}
