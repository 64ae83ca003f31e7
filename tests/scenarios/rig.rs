//! One server with every agent configured (codex and Claude Code by flag and environment, the
//! two ACP adapters declared as instances in its settings), the scripted model behind all of
//! them, one project and one thread, and a client that records every domain event it is pushed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::agent::Agent;
use crate::common::{codex_server_command, git, Client, FakeModel, Server};

pub const NOW: &str = "2026-01-01T00:00:00.000Z";
/// How long anything may take before a scenario fails (a liveness bound, not a timing).
const PATIENCE: Duration = Duration::from_secs(90);

/// How the rig's server runs its agents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Setup {
    /// Every agent's real CLI.
    #[default]
    Real,
    /// Every agent's CLI configured at a path where there is none.
    Missing,
    /// Real CLIs, stopped after three seconds idle.
    QuickIdle,
}

pub struct Rig {
    pub agent: Agent,
    setup: Setup,
    dir: tempfile::TempDir,
    pub model: FakeModel,
    server: Option<Server>,
    pub client: Client,
    pub work: PathBuf,
    pub events: Vec<Value>,
    turns: u32,
    ends_taken: usize,
}

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

/// An ACP instance's `env` as the settings take it.
fn env_map(env: &t3rs::testkit::AgentEnv) -> Map<String, Value> {
    env.set
        .iter()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                Value::String(v.to_string_lossy().into_owned()),
            )
        })
        .collect()
}

impl Rig {
    /// A rig whose thread runs on `agent` in approval-required mode; `repo` makes the
    /// workspace a git repository (for checkpoints).
    pub async fn start(agent: Agent, steps: Value, repo: bool) -> Rig {
        Rig::start_in(agent, repo, |_| steps).await
    }

    /// Like [`Rig::start`], with a script that names paths in the workspace.
    pub async fn start_in(agent: Agent, repo: bool, steps: impl FnOnce(&Path) -> Value) -> Rig {
        Rig::start_with(agent, Setup::Real, repo, steps).await
    }

    /// A rig whose server runs its agents as `setup` says.
    pub async fn start_with(
        agent: Agent,
        setup: Setup,
        repo: bool,
        steps: impl FnOnce(&Path) -> Value,
    ) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        if repo {
            git(&work, &["init", "-q", "-b", "main"]);
            git(&work, &["config", "user.email", "t@example.com"]);
            git(&work, &["config", "user.name", "t"]);
            std::fs::write(work.join("README.md"), "scenario\n").unwrap();
            git(&work, &["add", "."]);
            git(&work, &["commit", "-q", "-m", "init"]);
        }
        let model = FakeModel::start(dir.path(), steps(&work));
        let server = Server::start_command(server_command(dir.path(), &model, setup));
        let mut client = Client::connect(&server.url("/ws")).await;
        client.welcome().await;
        let mut rig = Rig {
            agent,
            setup,
            dir,
            model,
            server: Some(server),
            client,
            work,
            events: Vec::new(),
            turns: 0,
            ends_taken: 0,
        };
        rig.declare_acp_instances().await;
        let root = rig.work.to_string_lossy().into_owned();
        rig.ok(
            json!({"type": "project.create", "commandId": "c-p", "projectId": "p1",
                      "title": "p1", "workspaceRoot": root, "createdAt": NOW}),
        )
        .await;
        rig.ok(
            json!({"type": "thread.create", "commandId": "c-t", "threadId": "t1",
                      "projectId": "p1", "title": "T", "modelSelection": agent.selection(),
                      "runtimeMode": "approval-required", "interactionMode": "default",
                      "branch": null, "worktreePath": null, "createdAt": NOW}),
        )
        .await;
        rig
    }

    /// Both ACP adapters as the user would declare them, each pointed at the scripted model.
    async fn declare_acp_instances(&mut self) {
        let dir = self.dir.path();
        let claude_env = self.model.claude_env(&dir.join("claude-acp"));
        let (codex_acp, claude_acp) = match self.setup {
            Setup::Missing => (MISSING.into(), MISSING.into()),
            _ => (
                t3rs::testkit::codex_acp_path(),
                t3rs::testkit::claude_agent_acp_path(),
            ),
        };
        let instances = json!([
            {"instanceId": "codex-acp", "command": codex_acp,
             "env": env_map(&self.model.codex_acp_env(dir))},
            {"instanceId": "claude-agent-acp", "command": claude_acp,
             "env": env_map(&claude_env)},
        ]);
        self.update_settings(json!({ "acpInstances": instances }))
            .await;
    }

    /// A scratch directory of the rig's own (removed with it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `server.updateSettings` with `patch`; answers the result.
    pub async fn update_settings(&mut self, patch: Value) -> Value {
        let mut body = json!({"_tag": "server.updateSettings"});
        if let (Value::Object(b), Value::Object(p)) = (&mut body, patch) {
            b.extend(p);
        }
        let answer = self.client.request(body).await;
        assert!(answer["result"].is_object(), "{answer}");
        answer["result"].clone()
    }

    pub async fn ok(&mut self, command: Value) -> u64 {
        let v = self.client.request(dispatch(command)).await;
        v["result"]["sequence"]
            .as_u64()
            .unwrap_or_else(|| panic!("dispatch failed: {v}"))
    }

    /// The next turn, on the rig's agent, with `text`; `extra` adds or replaces fields.
    pub async fn turn(&mut self, text: &str, extra: Value) -> String {
        let agent = self.agent;
        self.turn_on(agent, text, extra).await
    }

    /// The next turn on `agent`; returns its message id.
    pub async fn turn_on(&mut self, agent: Agent, text: &str, extra: Value) -> String {
        self.turn_with(agent.selection(), text, extra).await
    }

    /// The next turn with the model selection `selection`.
    pub async fn turn_with(&mut self, selection: Value, text: &str, extra: Value) -> String {
        self.turns += 1;
        let n = self.turns;
        let message_id = format!("m{n}");
        let mut command = json!({"type": "thread.turn.start", "commandId": format!("turn-{n}"),
            "threadId": "t1",
            "message": {"messageId": message_id, "role": "user", "text": text, "attachments": []},
            "modelSelection": selection,
            "runtimeMode": "approval-required", "interactionMode": "default", "createdAt": NOW});
        let mut extra = extra;
        if let Some(attachments) = extra.as_object_mut().and_then(|e| e.remove("attachments")) {
            command["message"]["attachments"] = attachments;
        }
        if let (Value::Object(c), Value::Object(e)) = (&mut command, extra) {
            c.extend(e);
        }
        self.ok(command).await;
        message_id
    }

    /// Domain events until one satisfies `want`; returns it.
    pub async fn until(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(seen) = self.events.iter().find(|e| want(e)) {
            return seen.clone();
        }
        self.next_until(what, want).await
    }

    /// Like [`Rig::until`], but only among events not yet seen.
    pub async fn next_until(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            // In slices shorter than the client's own deadline, so a quiet stretch ends in
            // this message, with the story so far.
            let slice = Duration::from_secs(5);
            let Ok(push) = tokio::time::timeout(slice, self.client.next_json()).await else {
                assert!(
                    Instant::now() < deadline,
                    "{:?}: no {what}; events so far:{}",
                    self.agent,
                    self.story()
                );
                continue;
            };
            if push["channel"] != "orchestration.domainEvent" {
                continue;
            }
            let event = push["data"].clone();
            self.events.push(event.clone());
            if want(&event) {
                return event;
            }
        }
    }

    /// The end (checkpoint) of the next turn whose end was not taken yet: turns end in order,
    /// and an end may have arrived while the scenario waited for something else.
    pub async fn turn_done(&mut self) -> Value {
        let ended = |e: &Value| e["type"] == "thread.turn-diff-completed";
        let want = self.ends_taken;
        self.ends_taken += 1;
        if let Some(end) = self.events.iter().filter(|e| ended(e)).nth(want) {
            return end.clone();
        }
        self.next_until("turn end", ended).await
    }

    /// The events so far in brief, for failure messages.
    pub fn story(&self) -> String {
        self.events
            .iter()
            .map(|e| {
                let p = &e["payload"];
                let detail = match e["type"].as_str() {
                    Some("thread.activity-appended") => format!(
                        "{} {}",
                        p["activity"]["kind"],
                        p["activity"]["payload"]["detail"].as_str().unwrap_or("")
                    ),
                    Some("thread.message-sent") => format!("{} {:?}", p["role"], p["text"]),
                    Some("thread.session-set") => {
                        format!("{} {}", p["session"]["status"], p["session"]["lastError"])
                    }
                    Some("thread.turn-diff-completed") => format!("{}", p["status"]),
                    _ => String::new(),
                };
                format!("\n  {} {detail}", e["type"].as_str().unwrap_or("?"))
            })
            .chain(self.model.requests().iter().map(|r| {
                let mut text = r.to_string();
                t3rs_core::text::truncate_within(&mut text, 300);
                format!("\n  model request: {text}")
            }))
            .collect()
    }

    /// The first activity of `kind` (seen already or coming).
    pub async fn activity(&mut self, kind: &str) -> Value {
        self.until(&format!("activity {kind}"), |e| {
            e["type"] == "thread.activity-appended" && e["payload"]["activity"]["kind"] == kind
        })
        .await["payload"]["activity"]
            .clone()
    }

    /// The next activity of `kind` not yet seen.
    pub async fn next_activity(&mut self, kind: &str) -> Value {
        self.next_until(&format!("activity {kind}"), |e| {
            e["type"] == "thread.activity-appended" && e["payload"]["activity"]["kind"] == kind
        })
        .await["payload"]["activity"]
            .clone()
    }

    pub fn activities(&self, kind: &str) -> Vec<Value> {
        self.events
            .iter()
            .filter(|e| {
                e["type"] == "thread.activity-appended" && e["payload"]["activity"]["kind"] == kind
            })
            .map(|e| e["payload"]["activity"].clone())
            .collect()
    }

    /// Answers the approval an activity asked for.
    pub async fn decide(&mut self, asked: &Value, decision: &str) {
        let request = asked["payload"]["requestId"].as_str().unwrap().to_string();
        self.ok(json!({"type": "thread.approval.respond",
                       "commandId": format!("decide-{request}"), "threadId": "t1",
                       "requestId": request, "decision": decision, "createdAt": NOW}))
            .await;
    }

    pub async fn interrupt(&mut self) {
        let id = format!("interrupt-{}", self.events.len());
        self.ok(
            json!({"type": "thread.turn.interrupt", "commandId": id, "threadId": "t1",
                       "createdAt": NOW}),
        )
        .await;
    }

    /// Waits until the turn just started is busy on its `busy` step: the model has been
    /// asked `prompt`, and (for command steps) the command runs.
    pub async fn until_busy(&mut self, prompt: &str) {
        self.until_model_saw(prompt).await;
        if let Some(kind) = self.agent.busy_activity() {
            self.activity(kind).await;
        }
    }

    /// Waits until a request to the model contains `text`.
    pub async fn until_model_saw(&mut self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.model_saw(text) {
            assert!(
                Instant::now() < deadline,
                "{:?}: the model was never sent {text:?}",
                self.agent
            );
            // Drain pushes meanwhile, so the connection never backs up.
            let _ = tokio::time::timeout(Duration::from_millis(50), self.client.next_json())
                .await
                .map(|push| {
                    if push["channel"] == "orchestration.domainEvent" {
                        self.events.push(push["data"].clone());
                    }
                });
        }
    }

    pub fn model_saw(&self, text: &str) -> bool {
        self.main_requests().iter().any(|r| r.contains(text))
    }

    /// The model requests that took a script step (not side calls), as text, in order.
    pub fn main_requests(&self) -> Vec<String> {
        self.model
            .requests()
            .into_iter()
            .filter(|r| r["side"] != true && r.get("method").map_or(true, |m| m == "POST"))
            .map(|r| r.to_string())
            .collect()
    }

    pub async fn thread(&mut self) -> Value {
        let v = self
            .client
            .request(json!({"_tag": "orchestration.getSnapshot"}))
            .await;
        v["result"]["threads"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["id"] == "t1"))
            .cloned()
            .unwrap_or_else(|| panic!("no thread in {v}"))
    }

    /// The final (not streaming) assistant messages, in order.
    pub async fn answers(&mut self) -> Vec<String> {
        let thread = self.thread().await;
        thread["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["role"] == "assistant" && m["streaming"] == false)
            .filter_map(|m| m["text"].as_str().map(str::to_string))
            .collect()
    }

    /// The session's status as the read model has it.
    pub async fn session_status(&mut self) -> String {
        let thread = self.thread().await;
        thread["session"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Stops the server (SIGTERM, cleanly) and starts it again on the same state.
    pub async fn restart(&mut self) {
        let server = self.server.take().unwrap();
        assert!(server.stop().success());
        let server =
            Server::start_command(server_command(self.dir.path(), &self.model, self.setup));
        self.client = Client::connect(&server.url("/ws")).await;
        self.client.welcome().await;
        self.server = Some(server);
        self.events.clear();
        self.ends_taken = 0;
    }

    /// The server's child processes (the agents it runs).
    pub fn agent_pids(&self) -> Vec<u32> {
        let server = self.server.as_ref().unwrap().pid().to_string();
        let out = Command::new("pgrep")
            .args(["-P", &server])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    /// The one agent process the thread runs, once the provider checks' short-lived probes
    /// (`--version`, an ACP agent's `initialize`) are over.
    pub fn the_agent_pid(&self) -> u32 {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let pids = self.agent_pids();
            if let [pid] = pids[..] {
                return pid;
            }
            assert!(
                Instant::now() < deadline,
                "{:?}: not one agent process: {pids:?}",
                self.agent
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until no process is left in process group `group`.
    pub fn until_group_gone(&self, group: u32) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let out = Command::new("pgrep")
                .args(["-g", &group.to_string()])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).trim().is_empty() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{:?}: processes of group {group} outlived their agent: {}",
                self.agent,
                String::from_utf8_lossy(&out.stdout)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One server command for every agent: the real codex (flag environment and CODEX_HOME), the
/// real Claude Code (`--claude-bin` and its environment; the ACP adapters get theirs through
/// their declared instances).
fn server_command(dir: &Path, model: &FakeModel, setup: Setup) -> Command {
    let home = model.codex_home(dir);
    let mut cmd = codex_server_command(&dir.join("state"), &home);
    model.claude_env(dir).apply(&mut cmd);
    // claude_env gives the server a throw-away HOME; codex keeps the CODEX_HOME set above.
    cmd.env("CODEX_HOME", &home).arg("--claude-bin");
    match setup {
        Setup::Missing => {
            cmd.arg(MISSING).env("T3CODE_CODEX_BIN", MISSING);
        }
        Setup::Real => {
            cmd.arg(t3rs::testkit::claude_path());
        }
        Setup::QuickIdle => {
            cmd.arg(t3rs::testkit::claude_path())
                .args(["--provider-idle-secs", "3"]);
        }
    }
    cmd
}

/// Where no agent is installed.
pub const MISSING: &str = "/nonexistent/t3rs-scenario-agent";
