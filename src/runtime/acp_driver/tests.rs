//! The driver in a mailbox harness, fed what codex-acp 0.16.0 and claude-agent-acp 0.23.1
//! wrote (tests/fixtures/acp): a recorder stands in for the agent's process and keeps what the
//! driver writes to its stdin, which must be the recorded requests.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::mpsc;

use super::*;
use crate::orchestration::model::{
    AgentKind, ApprovalDecision, AssistantDeliveryMode, InteractionMode, RuntimeMode,
};
use crate::provider::driver::{ModelSelection, OpenConversation, Opened, TurnInput, TurnOutcome};
use crate::runtime::driver_messages::{Open, StartTurn};

struct Collector(mpsc::UnboundedSender<DriverEventBody>);

impl Actor for Collector {
    type Context = Context<Self>;
}

impl Handler<DriverEvent> for Collector {
    type Result = ();
    fn handle(&mut self, msg: DriverEvent, _ctx: &mut Self::Context) {
        let _ = self.0.send(msg.body);
    }
}

struct Recorder {
    written: Arc<Mutex<Vec<Value>>>,
}

impl Actor for Recorder {
    type Context = Context<Self>;
}

impl Handler<WriteJson> for Recorder {
    type Result = ();
    fn handle(&mut self, WriteJson(line): WriteJson, _ctx: &mut Self::Context) {
        self.written.lock().unwrap().push(line);
    }
}

impl Handler<Shutdown> for Recorder {
    type Result = ();
    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

struct Harness {
    driver: Addr<AcpDriver>,
    factory: AcpDriverFactory,
    events: mpsc::UnboundedReceiver<DriverEventBody>,
    written: Arc<Mutex<Vec<Value>>>,
    commands: Arc<Mutex<Vec<AcpCommand>>>,
    /// How many written lines the test has looked at.
    seen: usize,
    /// The session/set_mode requests a replay answered (the recordings have none).
    set_modes: Vec<Value>,
    effects: Vec<Effect>,
    /// Times the driver retired its process (told the session so).
    retired: usize,
}

impl Harness {
    fn start() -> Harness {
        Harness::start_offering(None)
    }

    /// A harness whose factory tells `offered` the models the agent offers.
    fn start_offering(offered: Option<crate::runtime::settings::OfferedModels>) -> Harness {
        let written = Arc::new(Mutex::new(Vec::new()));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let (w, c) = (written.clone(), commands.clone());
        let spawner: Spawner = Arc::new(move |command, _generation, _serial, _owner| {
            c.lock().unwrap().push(command);
            let addr = Recorder { written: w.clone() }.start();
            ProcessLink {
                write: addr.clone().recipient(),
                stop: addr.recipient(),
            }
        });
        let (tx, events) = mpsc::unbounded_channel();
        let collector = Collector(tx).start();
        let instance = crate::protocol::settings::AcpInstance {
            instance_id: "agent".into(),
            command: "/nonexistent/acp".into(),
            args: vec!["--acp".into()],
            env: [("A".to_string(), "1".to_string())].into_iter().collect(),
        };
        let mut factory = AcpDriverFactory::new(&instance).with_spawner(spawner);
        if let Some(offered) = offered {
            factory = factory.offering_to(offered);
        }
        let driver = factory.start_actor(DriverContext {
            thread_id: "thread-1".into(),
            events: collector.recipient(),
        });
        Harness {
            driver,
            factory,
            events,
            written,
            commands,
            seen: 0,
            set_modes: Vec::new(),
            effects: Vec::new(),
            retired: 0,
        }
    }

    async fn feed(&self, line: &Value) {
        let serial = self.commands.lock().unwrap().len() as u64;
        self.driver
            .send(FromAcp {
                generation: 1,
                // the newest process
                serial,
                event: AcpEvent::Line(line.to_string()),
                ticket: Default::default(),
            })
            .await
            .unwrap();
    }

    async fn settle(&mut self) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        while let Ok(body) = self.events.try_recv() {
            match body {
                DriverEventBody::Runtime(effects) => self.effects.extend(effects),
                DriverEventBody::Retired { effects, .. } => {
                    self.effects.extend(effects);
                    self.retired += 1;
                }
                other => panic!("unexpected event {other:?}"),
            }
        }
    }

    /// The next line the driver wrote.
    async fn next_written(&mut self) -> Value {
        for _ in 0..200 {
            if let Some(line) = self.written.lock().unwrap().get(self.seen).cloned() {
                self.seen += 1;
                return line;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the driver wrote nothing more")
    }
}

fn turn(text: &str) -> TurnInput {
    TurnInput {
        text: text.into(),
        images: Vec::new(),
        model_selection: ModelSelection {
            provider: AgentKind::Acp,
            model: String::new(),
            options: None,
            instance_id: Some("agent".into()),
        },
        model_options: None,
        interaction_mode: InteractionMode::Default,
        runtime_mode: RuntimeMode::ApprovalRequired,
        delivery: AssistantDeliveryMode::Streaming,
    }
}

/// Replays a fixture: open, prompts as turns, session/cancel as an interrupt, permission
/// answers as the user's `decision`. What the driver writes must be the recorded requests
/// (ids mapped). After the driver retired its process, the next prompt goes, as the session
/// would send it, to a new process that opens the stored conversation: its initialize and
/// session/load, which the recording lacks, are answered here (the load with `{}`).
/// Answers the harness (its effects) and the session/loads the driver sent.
async fn replay(
    name: &str,
    resume: Option<&str>,
    decision: ApprovalDecision,
) -> (Harness, Vec<Value>) {
    let mut h = Harness::start();
    h.driver
        .send(Connect {
            generation: 1,
            cwd: "/work".into(),
        })
        .await
        .unwrap();
    let open = h.driver.send(Open {
        generation: 1,
        request: OpenConversation {
            resume: resume.map(str::to_string),
            cwd: "/work".into(),
            runtime_mode: RuntimeMode::ApprovalRequired,
        },
    });
    let mut open = Some(actix::spawn(open));
    let mut conversation = String::new();
    let mut ids: HashMap<Value, Value> = HashMap::new();
    let mut loads = Vec::new();
    let mut reopened = 0;
    let fixture = crate::provider::acp_events::tests::fixture(name);
    let init_answer = fixture
        .iter()
        .find(|(ours, line)| !ours && line["result"]["protocolVersion"].is_number())
        .map(|(_, line)| line.clone())
        .expect("the recording has an initialize answer");
    for (ours, line) in fixture {
        if !ours {
            let mut line = line;
            if line.get("method").is_none() {
                if let Some(ours) = ids.get(&line["id"]) {
                    line["id"] = ours.clone();
                }
            }
            h.feed(&line).await;
            continue;
        }
        h.settle().await;
        match line["method"].as_str() {
            Some("session/prompt") => {
                if let Some(open) = open.take() {
                    let opened = open.await.unwrap().unwrap().unwrap();
                    conversation = opened.conversation;
                }
                if h.retired > reopened {
                    reopened = h.retired;
                    h.driver
                        .send(Connect {
                            generation: 1,
                            cwd: "/work".into(),
                        })
                        .await
                        .unwrap();
                    let open = actix::spawn(h.driver.send(Open {
                        generation: 1,
                        request: OpenConversation {
                            resume: Some(conversation.clone()),
                            cwd: "/work".into(),
                            runtime_mode: RuntimeMode::ApprovalRequired,
                        },
                    }));
                    let written = h.next_written().await;
                    assert_eq!(written["method"], "initialize", "{name}");
                    let mut answer = init_answer.clone();
                    answer["id"] = written["id"].clone();
                    h.feed(&answer).await;
                    let written = h.next_written().await;
                    assert_eq!(written["method"], "session/load", "{name}");
                    loads.push(written.clone());
                    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"], "result": {}}))
                        .await;
                    let opened = open.await.unwrap().unwrap().unwrap();
                    assert_eq!(opened.conversation, conversation, "{name}");
                }
                let text = line["params"]["prompt"][0]["text"].as_str().unwrap();
                let driver = h.driver.clone();
                let started = actix::spawn(driver.send(StartTurn {
                    generation: 1,
                    conversation: conversation.clone(),
                    input: turn(text),
                }));
                let mut written = h.next_written().await;
                if written["method"] == "session/set_mode" {
                    h.set_modes.push(written.clone());
                    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"], "result": {}}))
                        .await;
                    written = h.next_written().await;
                }
                started.await.unwrap().unwrap().unwrap();
                assert_eq!(written["method"], "session/prompt", "{name}");
                assert_eq!(written["params"], line["params"], "{name}");
                ids.insert(line["id"].clone(), written["id"].clone());
            }
            Some("session/cancel") => {
                h.driver
                    .send(Interrupt { generation: 1 })
                    .await
                    .unwrap()
                    .unwrap();
                let written = h.next_written().await;
                assert_eq!(written, line, "{name}");
            }
            Some(method) => {
                let written = h.next_written().await;
                assert_eq!(written["method"], method, "{name}");
                if method == "session/load" {
                    loads.push(written.clone());
                }
                ids.insert(line["id"].clone(), written["id"].clone());
            }
            None => {
                // The recording's answer to a permission request: the user's decision.
                let request_id = h
                    .effects
                    .iter()
                    .rev()
                    .find_map(|e| match e {
                        Effect::Activity(a) if a.kind == "approval.requested" => {
                            a.payload["requestId"].as_str().map(str::to_string)
                        }
                        _ => None,
                    })
                    .expect("an approval was requested");
                h.driver
                    .send(Respond {
                        request_id,
                        answer: Answer::Approval(decision),
                    })
                    .await
                    .unwrap()
                    .unwrap();
                let written = h.next_written().await;
                assert_eq!(written["id"], line["id"], "{name}");
                assert_eq!(written["result"], line["result"], "{name}");
            }
        }
    }
    h.settle().await;
    (h, loads)
}

fn text(effects: &[Effect]) -> String {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::AssistantText { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn outcomes(effects: &[Effect]) -> Vec<TurnOutcome> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::TurnEnded { outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .collect()
}

#[actix::test]
async fn text_fixtures_run_a_turn_through_the_driver() {
    for name in ["codex-acp-text", "claude-agent-acp-text"] {
        let (h, loads) = replay(name, None, ApprovalDecision::Accept).await;
        assert!(loads.is_empty());
        assert!(
            text(&h.effects).ends_with("Hello there, this streams in four parts."),
            "{name}"
        );
        assert_eq!(outcomes(&h.effects), vec![TurnOutcome::Completed], "{name}");
        let commands = h.commands.lock().unwrap().clone();
        assert_eq!(commands.len(), 1);
        assert_eq!(commands[0].bin, PathBuf::from("/nonexistent/acp"));
        assert_eq!(commands[0].args, vec!["--acp".to_string()]);
        assert_eq!(commands[0].cwd, PathBuf::from("/work"));
        assert_eq!(commands[0].env, vec![("A".into(), "1".into())]);
        // Both advertise loadSession and image prompts.
        let caps = h.factory.info().capabilities;
        assert!(
            caps.resume && caps.images && !caps.steer && !caps.rollback,
            "{caps:?}"
        );
        let init = &h.written.lock().unwrap()[0];
        assert_eq!(init["params"]["clientCapabilities"]["terminal"], false);
        assert_eq!(
            init["params"]["clientCapabilities"]["fs"],
            json!({"readTextFile": true, "writeTextFile": true})
        );
        assert_eq!(init["params"]["protocolVersion"], 1);
        // An approval-required turn: codex-acp starts read-only and is switched to auto (the
        // codex driver's on-request + workspace-write); claude-agent-acp already is in default.
        // Only claude-agent-acp has a plan mode.
        let switched: Vec<&Value> = h.set_modes.iter().map(|m| &m["params"]["modeId"]).collect();
        if name.starts_with("codex") {
            assert_eq!(switched, vec!["auto"], "{name}");
            assert!(!caps.plan_mode, "{name}");
        } else {
            assert!(switched.is_empty(), "{name}: {switched:?}");
            assert!(caps.plan_mode, "{name}");
        }
    }
}

#[actix::test]
async fn permission_fixtures_answer_with_the_agents_options() {
    for (name, decision) in [
        ("codex-acp-permission", ApprovalDecision::Accept),
        ("claude-agent-acp-permission", ApprovalDecision::Accept),
        ("codex-acp-permission-reject", ApprovalDecision::Decline),
        (
            "claude-agent-acp-permission-reject",
            ApprovalDecision::Decline,
        ),
    ] {
        let (h, _) = replay(name, None, decision).await;
        assert_eq!(outcomes(&h.effects).len(), 1, "{name}");
    }
}

#[actix::test]
async fn a_cancel_retires_the_process_and_the_next_turn_loads_the_session_in_a_new_one() {
    for name in ["codex-acp-cancel", "claude-agent-acp-cancel"] {
        let (h, loads) = replay(name, None, ApprovalDecision::Accept).await;
        assert_eq!(
            outcomes(&h.effects),
            vec![TurnOutcome::Interrupted, TurnOutcome::Completed],
            "{name}"
        );
        assert_eq!(h.retired, 1, "{name}");
        assert_eq!(
            h.commands.lock().unwrap().len(),
            2,
            "{name}: a second process"
        );
        assert_eq!(loads.len(), 1, "{name}");
        assert_eq!(loads[0]["params"]["cwd"], "/work");
    }
    let (h, _) = replay("codex-acp-cancel", None, ApprovalDecision::Accept).await;
    assert!(text(&h.effects).ends_with("After the cancel."));
}

#[actix::test]
async fn a_stored_session_is_loaded_and_a_failed_load_falls_back() {
    let mut h = Harness::start();
    h.driver
        .send(Connect {
            generation: 1,
            cwd: "/work".into(),
        })
        .await
        .unwrap();
    let open = |resume: &str| Open {
        generation: 1,
        request: OpenConversation {
            resume: Some(resume.into()),
            cwd: "/work".into(),
            runtime_mode: RuntimeMode::FullAccess,
        },
    };
    let init = crate::provider::acp_events::tests::fixture("codex-acp-text")[1]
        .1
        .clone();
    // Loaded: the replayed history is not news.
    let opening = actix::spawn(h.driver.send(open("s-1")));
    let mut written = h.next_written().await;
    assert_eq!(written["method"], "initialize");
    let mut answer = init.clone();
    answer["id"] = written["id"].clone();
    h.feed(&answer).await;
    written = h.next_written().await;
    assert_eq!(written["method"], "session/load");
    assert_eq!(written["params"]["sessionId"], "s-1");
    h.feed(&json!({"jsonrpc": "2.0", "method": "session/update", "params": {"sessionId": "s-1",
        "update": {"sessionUpdate": "agent_message_chunk", "content": {"type": "text", "text": "old"}}}}))
        .await;
    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"], "result": {}}))
        .await;
    let opened = opening.await.unwrap().unwrap().unwrap();
    assert_eq!(opened.conversation, "s-1");
    assert_eq!(opened.fell_back, None);
    h.settle().await;
    assert_eq!(text(&h.effects), "");
    // Not loadable: a new session, and why.
    let opening = actix::spawn(h.driver.send(open("gone")));
    written = h.next_written().await;
    answer["id"] = written["id"].clone();
    h.feed(&answer).await;
    written = h.next_written().await;
    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"], "error": {"code": -32002, "message": "Resource not found"}}))
        .await;
    written = h.next_written().await;
    assert_eq!(written["method"], "session/new");
    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"], "result": {"sessionId": "s-2"}}))
        .await;
    let opened = opening.await.unwrap().unwrap().unwrap();
    assert_eq!(opened.conversation, "s-2");
    assert!(
        opened
            .fell_back
            .as_deref()
            .unwrap()
            .contains("Resource not found"),
        "{opened:?}"
    );
}

/// The lines `tests/fixtures/acp/fs_peer.py` reported, by step name.
fn peer_report(effects: &[Effect]) -> HashMap<String, String> {
    text(effects)
        .lines()
        .filter_map(|line| line.split_once(": "))
        .map(|(step, said)| (step.to_string(), said.to_string()))
        .collect()
}

/// A scripted agent (a real process, spawned as a declared instance is: command + args) that
/// writes and reads through fs/*, then tries every way out of the thread's cwd it can.
#[actix::test]
async fn an_agent_reads_and_writes_inside_the_cwd_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("secret-link")).unwrap();
    let instance = crate::protocol::settings::AcpInstance {
        instance_id: "fs-peer".into(),
        command: "python3".into(),
        args: vec![format!(
            "{}/tests/fixtures/acp/fs_peer.py",
            env!("CARGO_MANIFEST_DIR")
        )],
        env: Default::default(),
    };
    let (tx, mut events) = mpsc::unbounded_channel();
    let collector = Collector(tx).start();
    let factory = AcpDriverFactory::new(&instance);
    let driver = factory.start_actor(DriverContext {
        thread_id: "thread-fs".into(),
        events: collector.recipient(),
    });
    let cwd = root.to_string_lossy().into_owned();
    driver
        .send(Connect {
            generation: 1,
            cwd: cwd.clone(),
        })
        .await
        .unwrap();
    let opened = driver
        .send(Open {
            generation: 1,
            request: OpenConversation {
                resume: None,
                cwd: cwd.clone(),
                runtime_mode: RuntimeMode::ApprovalRequired,
            },
        })
        .await
        .unwrap()
        .unwrap();
    driver
        .send(StartTurn {
            generation: 1,
            conversation: opened.conversation,
            input: turn("go"),
        })
        .await
        .unwrap()
        .unwrap();
    let mut effects = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while outcomes(&effects).is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Some(DriverEventBody::Runtime(more))) => effects.extend(more),
            Ok(other) => panic!("unexpected {other:?}; so far {effects:?}"),
            Err(_) => panic!("the turn never ended: {effects:?}"),
        }
    }
    driver.send(Close).await.unwrap();
    assert_eq!(outcomes(&effects), vec![TurnOutcome::Completed]);

    let report = peer_report(&effects);
    let step = |name: &str| report.get(name).cloned().unwrap_or_default();
    assert_eq!(
        step("fs"),
        r#"{"readTextFile": true, "writeTextFile": true}"#,
        "{report:?}"
    );
    assert_eq!(step("write"), "ok null", "{report:?}");
    assert_eq!(
        std::fs::read_to_string(root.join("notes/hello.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );
    assert_eq!(
        step("read"),
        r#"ok {"content": "one\ntwo\nthree\n"}"#,
        "{report:?}"
    );
    assert_eq!(
        step("read-line"),
        r#"ok {"content": "two\n"}"#,
        "{report:?}"
    );
    for (name, named) in [
        ("dotdot", "/../outside.txt"),
        ("relative-dotdot", "../outside.txt"),
        ("absolute", "outside-abs.txt"),
        ("symlink-dir", "link/escaped.txt"),
        ("symlink-file", "secret-link"),
        ("symlink-read", "link/secret.txt"),
    ] {
        let said = step(name);
        assert!(
            said.starts_with("error -32602 ") && said.contains(named),
            "{name}: {said:?} (the refusal names the path)"
        );
    }
    assert!(step("missing").starts_with("error -32002 "), "{report:?}");
    // Refusals are shown; a missing file is the agent's business.
    let warnings = effects
        .iter()
        .filter(|e| matches!(e, Effect::Activity(a) if a.kind == "runtime.warning"))
        .count();
    assert_eq!(warnings, 6, "{effects:?}");
    assert!(!step("symlink-read").contains("secret\\n"), "{report:?}");
    for escaped in ["outside.txt", "outside-abs.txt", "outside/escaped.txt"] {
        assert!(!dir.path().join(escaped).exists(), "{escaped} was written");
    }
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "secret\n"
    );
    // The write is shown in the thread, within the activity shapes tool calls use.
    let wrote = effects
        .iter()
        .find_map(|e| match e {
            Effect::Activity(a) if a.payload["itemType"] == "file_change" => Some(a.clone()),
            _ => None,
        })
        .expect("an activity for the write");
    assert_eq!(wrote.kind, "tool.completed");
    assert_eq!(wrote.tone, crate::orchestration::model::ActivityTone::Tool);
    assert_eq!(wrote.payload["detail"], "notes/hello.txt");
}

/// Connects and opens a new session, the agent answering initialize and session/new as the
/// recording `name` did.
async fn open_as_recorded(h: &mut Harness, name: &str) -> Opened {
    h.driver
        .send(Connect {
            generation: 1,
            cwd: "/work".into(),
        })
        .await
        .unwrap();
    let recorded = crate::provider::acp_events::tests::fixture(name);
    let answer_of = |id: u64| {
        recorded
            .iter()
            .find(|(ours, line)| !ours && line["id"] == id && line.get("method").is_none())
            .map(|(_, line)| line.clone())
            .unwrap()
    };
    let opening = actix::spawn(h.driver.send(Open {
        generation: 1,
        request: OpenConversation {
            resume: None,
            cwd: "/work".into(),
            runtime_mode: RuntimeMode::ApprovalRequired,
        },
    }));
    for recorded_id in [1, 2] {
        let written = h.next_written().await;
        let mut answer = answer_of(recorded_id);
        answer["id"] = written["id"].clone();
        h.feed(&answer).await;
    }
    opening.await.unwrap().unwrap().unwrap()
}

/// A plan turn switches claude-agent-acp to its plan mode before the prompt; when the agent
/// refuses a switch the turn still runs, and says so.
#[actix::test]
async fn a_plan_turn_switches_mode_first_and_a_refused_switch_is_said() {
    let mut h = Harness::start();
    let opened = open_as_recorded(&mut h, "claude-agent-acp-text").await;
    assert!(h.factory.info().capabilities.plan_mode);

    let mut plan = turn("plan it");
    plan.interaction_mode = InteractionMode::Plan;
    let started = actix::spawn(h.driver.send(StartTurn {
        generation: 1,
        conversation: opened.conversation.clone(),
        input: plan,
    }));
    let written = h.next_written().await;
    assert_eq!(written["method"], "session/set_mode");
    assert_eq!(
        written["params"],
        json!({"sessionId": opened.conversation, "modeId": "plan"})
    );
    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"], "result": {}}))
        .await;
    assert_eq!(h.next_written().await["method"], "session/prompt");
    started.await.unwrap().unwrap().unwrap();

    // Back to an approval-required default turn, in default mode: refused this time.
    let started = actix::spawn(h.driver.send(StartTurn {
        generation: 1,
        conversation: opened.conversation.clone(),
        input: turn("do it"),
    }));
    let written = h.next_written().await;
    assert_eq!(written["params"]["modeId"], "default");
    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"],
        "error": {"code": -32603, "message": "no switching now"}}))
        .await;
    assert_eq!(h.next_written().await["method"], "session/prompt");
    started.await.unwrap().unwrap().unwrap();
    h.settle().await;
    assert!(
        h.effects.iter().any(|e| matches!(e, Effect::Activity(a)
            if a.kind == "runtime.warning"
                && a.payload["message"].as_str().is_some_and(|m| m.contains("no switching now")))),
        "{:?}",
        h.effects
    );
}

/// claude-agent-acp offers models in session/new: they are told to `provider.listModels`, a
/// turn naming one of them switches with session/set_model before the prompt, and a model it
/// does not offer is said in a warning (the agent keeps its own).
#[actix::test]
async fn a_turn_s_model_is_set_when_the_agent_offers_it() {
    let offered = crate::runtime::settings::OfferedModels::default();
    let mut h = Harness::start_offering(Some(offered.clone()));
    let opened = open_as_recorded(&mut h, "claude-agent-acp-text").await;
    let listed: Vec<String> = offered.get("agent").into_iter().map(|m| m.slug).collect();
    assert!(listed.contains(&"haiku".to_string()), "{listed:?}");

    let mut haiku = turn("quick one");
    haiku.model_selection.model = "haiku".into();
    let started = actix::spawn(h.driver.send(StartTurn {
        generation: 1,
        conversation: opened.conversation.clone(),
        input: haiku,
    }));
    let written = h.next_written().await;
    assert_eq!(written["method"], "session/set_model");
    assert_eq!(
        written["params"],
        json!({"sessionId": opened.conversation, "modelId": "haiku"})
    );
    h.feed(&json!({"jsonrpc": "2.0", "id": written["id"], "result": {}}))
        .await;
    assert_eq!(h.next_written().await["method"], "session/prompt");
    started.await.unwrap().unwrap().unwrap();

    let mut other = turn("and this");
    other.model_selection.model = "gpt-5.4".into();
    let started = actix::spawn(h.driver.send(StartTurn {
        generation: 1,
        conversation: opened.conversation.clone(),
        input: other,
    }));
    assert_eq!(h.next_written().await["method"], "session/prompt");
    started.await.unwrap().unwrap().unwrap();
    h.settle().await;
    assert!(
        h.effects.iter().any(|e| matches!(e, Effect::Activity(a)
            if a.kind == "runtime.warning"
                && a.payload["message"].as_str().is_some_and(|m| m.contains("gpt-5.4")))),
        "{:?}",
        h.effects
    );
}
