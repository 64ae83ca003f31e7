//! The real agents driven directly over their own stdio, with no t3rs between: the "own" time
//! of a turn that the provider bench compares t3rs against, turn by turn.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::io::{BufRead, BufReader, Lines, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use t3rs::testkit::AgentEnv;

/// An agent process speaking JSON lines, in its own process group (npm wrappers leave native
/// children behind otherwise).
struct Agent {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Agent {
    fn spawn(program: &Path, args: &[&str], work: &Path, env: &AgentEnv) -> Agent {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(work)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0);
        env.apply(&mut cmd);
        let mut child = cmd.spawn().expect("spawn the agent");
        let stdin = child.stdin.take().unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Agent {
            child,
            stdin,
            lines,
        }
    }

    fn send(&mut self, v: Value) {
        writeln!(self.stdin, "{v}").unwrap();
    }

    fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let line = self.lines.next().expect("agent output").expect("line");
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if pred(&v) {
                    return v;
                }
            }
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the session speaks, with what a turn needs.
enum Protocol {
    Codex { thread: Value },
    Claude,
    Acp { session: Value },
}

/// A real agent driven directly; `turn` runs one turn and answers (turn start → turn end,
/// turn start → the first delta containing `marker`, i.e. of the model's scripted answer).
pub struct Alone {
    agent: Agent,
    protocol: Protocol,
    next_id: u64,
}

impl Alone {
    pub fn turn(&mut self, marker: &str) -> (Duration, Duration) {
        let a = &mut self.agent;
        let started = Instant::now();
        let id = self.next_id;
        self.next_id += 1;
        let has = |text: &Value| text.as_str().is_some_and(|t| t.contains(marker));
        let first = match &self.protocol {
            Protocol::Codex { thread } => {
                let input = json!([{"type": "text", "text": "go"}]);
                let params = json!({"threadId": thread, "input": input});
                a.send(json!({"id": id, "method": "turn/start", "params": params}));
                a.until(|v| v["method"] == "item/agentMessage/delta" && has(&v["params"]["delta"]));
                let first = started.elapsed();
                a.until(|v| v["method"] == "turn/completed");
                first
            }
            Protocol::Claude => {
                a.send(json!({"type": "user", "message": {"role": "user", "content": [{"type": "text", "text": "go"}]},
                              "parent_tool_use_id": null, "session_id": ""}));
                a.until(|v| v["type"] == "stream_event" && has(&v["event"]["delta"]["text"]));
                let first = started.elapsed();
                a.until(|v| v["type"] == "result");
                first
            }
            Protocol::Acp { session } => {
                a.send(
                    json!({"jsonrpc": "2.0", "id": id, "method": "session/prompt", "params": {
                    "sessionId": session, "prompt": [{"type": "text", "text": "go"}]}}),
                );
                a.until(|v| {
                    v["params"]["update"]["sessionUpdate"] == "agent_message_chunk"
                        && has(&v["params"]["update"]["content"]["text"])
                });
                let first = started.elapsed();
                let answer = a.until(|v| v["id"] == id && v.get("method").is_none());
                assert_eq!(answer["result"]["stopReason"], "end_turn", "{answer}");
                first
            }
        };
        (started.elapsed(), first)
    }
}

/// codex app-server over its stdio: initialize, thread/start; a turn is turn/start →
/// turn/completed.
pub fn codex(codex: &Path, home: &Path, work: &Path) -> Alone {
    let env = AgentEnv {
        remove: Vec::new(),
        set: vec![
            ("CODEX_HOME".into(), home.into()),
            ("FAKE_KEY".into(), "unused".into()),
        ],
    };
    let mut a = Agent::spawn(codex, &["app-server"], work, &env);
    a.send(json!({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "bench", "version": "0"}, "capabilities": {"experimentalApi": true}}}));
    a.until(|v| v["id"] == 1);
    a.send(json!({"method": "initialized"}));
    a.send(json!({"id": 2, "method": "thread/start", "params": {"cwd": work, "approvalPolicy": "never", "sandbox": "danger-full-access"}}));
    let thread = a.until(|v| v["id"] == 2)["result"]["thread"]["id"].clone();
    Alone {
        agent: a,
        protocol: Protocol::Codex { thread },
        next_id: 3,
    }
}

/// Claude Code over its stdio, with the flags t3rs's driver passes (stream-json both ways,
/// partial messages, stdio permission prompts, default permission mode, a chosen session id);
/// a turn is a user line → the `result` line.
pub fn claude(claude: &Path, env: &AgentEnv, work: &Path, model: &str) -> Alone {
    let session = uuid::Uuid::new_v4().to_string();
    let args = [
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
        "default",
        "--session-id",
        &session,
        "--model",
        model,
    ];
    let mut a = Agent::spawn(claude, &args, work, env);
    a.send(json!({"type": "control_request", "request_id": "init-1", "request": {"subtype": "initialize"}}));
    a.until(|v| v["type"] == "control_response");
    Alone {
        agent: a,
        protocol: Protocol::Claude,
        next_id: 1,
    }
}

/// An ACP adapter over its stdio: initialize, session/new; a turn is session/prompt → its
/// answer.
pub fn acp(program: &Path, env: &AgentEnv, work: &Path) -> Alone {
    let mut a = Agent::spawn(program, &[], work, env);
    a.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": 1, "clientInfo": {"name": "bench", "version": "0"},
        "clientCapabilities": {"fs": {"readTextFile": false, "writeTextFile": false}, "terminal": false}}}));
    a.until(|v| v["id"] == 1);
    a.send(json!({"jsonrpc": "2.0", "id": 2, "method": "session/new", "params": {"cwd": work, "mcpServers": []}}));
    let new = a.until(|v| v["id"] == 2);
    let session = new["result"]["sessionId"].clone();
    assert!(session.is_string(), "session/new: {new}");
    Alone {
        agent: a,
        protocol: Protocol::Acp { session },
        next_id: 3,
    }
}
