//! The driver in a mailbox harness, fed the stdout Claude Code 2.1.197 wrote in
//! tests/fixtures/claude (no CLI: a recorder stands in for the process and keeps what the
//! driver writes to its stdin), and one test against the real CLI and the fake model.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::*;
use crate::orchestration::model::{AgentKind, ApprovalDecision, AssistantDeliveryMode};
use crate::provider::driver::{ModelSelection, TurnInput, TurnOutcome};

/// Receives what the driver tells the session.
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

/// Stands in for a Claude Code process: keeps its stdin lines.
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
    driver: Addr<ClaudeDriver>,
    events: mpsc::UnboundedReceiver<DriverEventBody>,
    written: Arc<Mutex<Vec<Value>>>,
    commands: Arc<Mutex<Vec<ClaudeCommand>>>,
}

impl Harness {
    fn start() -> Harness {
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
        let driver = ClaudeDriverFactory::new("/nonexistent/claude")
            .with_spawner(spawner)
            .start_actor(DriverContext {
                thread_id: "thread-1".into(),
                events: collector.recipient(),
            });
        Harness {
            driver,
            events,
            written,
            commands,
        }
    }

    async fn feed(&self, serial: u64, event: ClaudeEvent) {
        self.driver
            .send(FromClaude {
                generation: 1,
                serial,
                event,
                ticket: Default::default(),
            })
            .await
            .unwrap();
    }

    /// Every effect told so far (waiting a moment for the collector).
    async fn effects(&mut self) -> Vec<Effect> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut out = Vec::new();
        while let Ok(body) = self.events.try_recv() {
            match body {
                DriverEventBody::Runtime(effects) => out.extend(effects),
                other => panic!("unexpected event {other:?}"),
            }
        }
        out
    }
}

fn turn(text: &str, mode: RuntimeMode, interaction: InteractionMode) -> TurnInput {
    TurnInput {
        text: text.into(),
        images: Vec::new(),
        model_selection: ModelSelection {
            provider: AgentKind::ClaudeAgent,
            model: String::new(),
            options: None,
            instance_id: None,
        },
        model_options: None,
        interaction_mode: interaction,
        runtime_mode: mode,
        delivery: AssistantDeliveryMode::Streaming,
    }
}

/// One fixture's processes: each a list of (written by us?, line).
fn fixture(name: &str) -> Vec<Vec<(bool, Value)>> {
    let path = format!(
        "{}/tests/fixtures/claude/{name}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut processes = vec![Vec::new()];
    for line in std::fs::read_to_string(path).unwrap().lines() {
        if line.starts_with("## ") {
            processes.push(Vec::new());
        } else if let Some(rest) = line.strip_prefix(">> ") {
            let value = serde_json::from_str(rest).unwrap();
            processes.last_mut().unwrap().push((true, value));
        } else if let Some(rest) = line.strip_prefix("<< ") {
            let value = serde_json::from_str(rest).unwrap();
            processes.last_mut().unwrap().push((false, value));
        }
    }
    processes
}

/// A control_response as a comparable shape: what it answers and its behaviour.
fn shape(line: &Value) -> Value {
    if line["type"] == "control_response" {
        let response = &line["response"];
        json!({"request_id": response["request_id"], "subtype": response["subtype"],
               "behavior": response["response"]["behavior"],
               "answers": response["response"]["updatedInput"]["answers"]})
    } else {
        line.clone()
    }
}

/// Replays one recorded process through the driver: user lines become turns, the interrupt an
/// interrupt, control responses answers (the recorded decision); the lines the driver writes
/// must be the recorded ones. Answers the effects and the turns' ids.
async fn replay(
    h: &mut Harness,
    serial: u64,
    lines: &[(bool, Value)],
    conversation: &str,
    mode: RuntimeMode,
    interaction: InteractionMode,
) -> (Vec<Effect>, Vec<String>) {
    let mut effects = Vec::new();
    let mut turns = Vec::new();
    let mut answered: Vec<String> = Vec::new();
    let mut expected: Vec<Value> = Vec::new();
    for (ours, line) in lines {
        if !ours {
            h.feed(serial, ClaudeEvent::Line(line.clone())).await;
            continue;
        }
        effects.extend(h.effects().await);
        if line["type"] != "control_response" {
            expected.push(shape(line));
        }
        match line["type"].as_str().unwrap() {
            "control_request" if line["request"]["subtype"] == "initialize" => {}
            "user" => {
                let text = line["message"]["content"][0]["text"].as_str().unwrap();
                let id = h
                    .driver
                    .send(StartTurn {
                        generation: 1,
                        conversation: conversation.into(),
                        input: turn(text, mode, interaction),
                    })
                    .await
                    .unwrap()
                    .unwrap();
                turns.push(id);
            }
            "control_request" => {
                h.driver
                    .send(Interrupt { generation: 1 })
                    .await
                    .unwrap()
                    .unwrap();
            }
            "control_response" => {
                let asked = effects.iter().rev().find_map(|e| match e {
                    Effect::Activity(a) if a.kind.ends_with(".requested") => {
                        a.payload["requestId"].as_str().map(str::to_string)
                    }
                    _ => None,
                });
                let Some(request_id) = asked.filter(|id| !answered.contains(id)) else {
                    // Nothing for the user to answer: the driver answered on its own
                    // (ExitPlanMode is told the plan was shown: a deny).
                    let mut own = line.clone();
                    own["response"]["response"]["behavior"] = "deny".into();
                    expected.push(shape(&own));
                    continue;
                };
                answered.push(request_id.clone());
                expected.push(shape(line));
                let recorded = &line["response"]["response"];
                let answer = if let Some(answers) = recorded["updatedInput"]["answers"].as_object()
                {
                    Answer::UserInput(answers.clone())
                } else if recorded["behavior"] == "allow" {
                    Answer::Approval(ApprovalDecision::Accept)
                } else {
                    Answer::Approval(ApprovalDecision::Decline)
                };
                let resolution = h
                    .driver
                    .send(Respond { request_id, answer })
                    .await
                    .unwrap()
                    .unwrap();
                effects.extend(resolution);
            }
            other => panic!("unexpected recorded stdin line {other}"),
        }
    }
    effects.extend(h.effects().await);
    let written: Vec<Value> = h
        .written
        .lock()
        .unwrap()
        .drain(..)
        .map(|l| shape(&l))
        .collect();
    assert_eq!(written, expected, "the stdin lines written");
    (effects, turns)
}

fn ended(effects: &[Effect]) -> Vec<(String, TurnOutcome)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::TurnEnded { turn_id, outcome } => Some((turn_id.clone(), outcome.clone())),
            _ => None,
        })
        .collect()
}

async fn connect_and_open(h: &Harness, resume: Option<String>, mode: RuntimeMode) -> Opened {
    h.driver
        .send(Connect {
            generation: 1,
            cwd: "/work".into(),
        })
        .await
        .unwrap();
    h.driver
        .send(Open {
            generation: 1,
            request: OpenConversation {
                resume,
                cwd: "/work".into(),
                runtime_mode: mode,
            },
        })
        .await
        .unwrap()
        .unwrap()
}

#[actix::test]
async fn a_new_conversation_streams_its_text_and_ends_the_turn() {
    let mut h = Harness::start();
    let opened = connect_and_open(&h, None, RuntimeMode::ApprovalRequired).await;
    assert_eq!(opened.fell_back, None);
    assert!(
        h.commands.lock().unwrap().is_empty(),
        "no process before a turn"
    );
    let processes = fixture("text");
    let (effects, turns) = replay(
        &mut h,
        1,
        &processes[0],
        &opened.conversation,
        RuntimeMode::ApprovalRequired,
        InteractionMode::Default,
    )
    .await;
    let command = h.commands.lock().unwrap()[0].clone();
    assert_eq!(command.cwd, PathBuf::from("/work"));
    let args = command.args();
    assert!(args
        .windows(2)
        .any(|w| w == ["--permission-mode", "default"]));
    assert!(args
        .windows(2)
        .any(|w| w[0] == "--session-id" && w[1] == opened.conversation));
    assert!(!args.contains(&"--model".to_string()));
    assert!(
        matches!(&effects[0], Effect::Session { active_turn_id: Some(t), .. } if *t == turns[0])
    );
    let texts: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::AssistantText { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        ["Hello ther", "e, this st", "reams in f", "our parts."]
    );
    assert_eq!(
        ended(&effects),
        [(turns[0].clone(), TurnOutcome::Completed)]
    );
}

#[actix::test]
async fn approvals_questions_and_plans_are_answered_on_stdin() {
    for (name, mode, interaction) in [
        (
            "bash-allow",
            RuntimeMode::ApprovalRequired,
            InteractionMode::Default,
        ),
        (
            "bash-deny",
            RuntimeMode::ApprovalRequired,
            InteractionMode::Default,
        ),
        (
            "file-change",
            RuntimeMode::ApprovalRequired,
            InteractionMode::Default,
        ),
        (
            "ask",
            RuntimeMode::ApprovalRequired,
            InteractionMode::Default,
        ),
        ("plan", RuntimeMode::ApprovalRequired, InteractionMode::Plan),
    ] {
        let mut h = Harness::start();
        let opened = connect_and_open(&h, None, mode).await;
        let processes = fixture(name);
        let (effects, turns) = replay(
            &mut h,
            1,
            &processes[0],
            &opened.conversation,
            mode,
            interaction,
        )
        .await;
        assert_eq!(ended(&effects).len(), 1, "{name}: one turn ended");
        assert_eq!(ended(&effects)[0].0, turns[0], "{name}");
        if name == "plan" {
            let args = h.commands.lock().unwrap()[0].args();
            assert!(args.windows(2).any(|w| w == ["--permission-mode", "plan"]));
            assert!(effects.iter().any(|e| matches!(e, Effect::Plan(_))));
        }
    }
}

#[actix::test]
async fn an_interrupt_is_a_control_request_and_the_next_turn_uses_the_same_process() {
    let mut h = Harness::start();
    let opened = connect_and_open(&h, None, RuntimeMode::ApprovalRequired).await;
    let processes = fixture("interrupt");
    let (effects, turns) = replay(
        &mut h,
        1,
        &processes[0],
        &opened.conversation,
        RuntimeMode::ApprovalRequired,
        InteractionMode::Default,
    )
    .await;
    assert_eq!(h.commands.lock().unwrap().len(), 1, "one process");
    assert_eq!(
        ended(&effects),
        [
            (turns[0].clone(), TurnOutcome::Interrupted),
            (turns[1].clone(), TurnOutcome::Completed)
        ]
    );
}

#[actix::test]
async fn a_mode_change_restarts_the_process_with_resume() {
    let mut h = Harness::start();
    let opened = connect_and_open(&h, None, RuntimeMode::ApprovalRequired).await;
    let processes = fixture("text");
    replay(
        &mut h,
        1,
        &processes[0],
        &opened.conversation,
        RuntimeMode::ApprovalRequired,
        InteractionMode::Default,
    )
    .await;
    let mut plan = turn(
        "plan it",
        RuntimeMode::ApprovalRequired,
        InteractionMode::Plan,
    );
    plan.model_selection.model = "claude-sonnet-4-6".into();
    h.driver
        .send(StartTurn {
            generation: 1,
            conversation: opened.conversation.clone(),
            input: plan,
        })
        .await
        .unwrap()
        .unwrap();
    let commands = h.commands.lock().unwrap().clone();
    assert_eq!(commands.len(), 2);
    assert_eq!(
        commands[1].resume.as_deref(),
        Some(opened.conversation.as_str())
    );
    assert_eq!(commands[1].permission_mode, "plan");
    assert_eq!(commands[1].model.as_deref(), Some("claude-sonnet-4-6"));
    // The old process's late lines are ignored.
    h.feed(
        1,
        ClaudeEvent::Line(json!({"type": "result", "subtype": "success"})),
    )
    .await;
    assert!(ended(&h.effects().await).is_empty());
}

#[actix::test]
async fn open_resumes_a_stored_conversation() {
    let mut h = Harness::start();
    let processes = fixture("resume");
    let session = processes[0]
        .iter()
        .find_map(|(_, l)| (l["subtype"] == "init").then(|| l["session_id"].clone()))
        .and_then(|s| s.as_str().map(str::to_string))
        .unwrap();
    // The resumed process of the recording: its answer to initialize opens the conversation.
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
            resume: Some(session.clone()),
            cwd: "/work".into(),
            runtime_mode: RuntimeMode::ApprovalRequired,
        },
    });
    let driver = h.driver.clone();
    let lines = processes[1].clone();
    let init = lines
        .iter()
        .find(|(ours, l)| !ours && l["type"] == "control_response")
        .unwrap()
        .1
        .clone();
    let feeder = async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        driver
            .send(FromClaude {
                generation: 1,
                serial: 1,
                event: ClaudeEvent::Line(init),
                ticket: Default::default(),
            })
            .await
            .unwrap();
    };
    let (opened, ()) = tokio::join!(open, feeder);
    let opened = opened.unwrap().unwrap();
    assert_eq!(opened.conversation, session);
    assert_eq!(opened.fell_back, None);
    assert_eq!(
        h.commands.lock().unwrap()[0].resume.as_deref(),
        Some(session.as_str())
    );
    // The rest of the recorded process, less the initialize answer already fed.
    let rest: Vec<(bool, Value)> = lines
        .into_iter()
        .filter(|(ours, l)| *ours || l["type"] != "control_response")
        .collect();
    let (effects, turns) = replay(
        &mut h,
        1,
        &rest,
        &session,
        RuntimeMode::ApprovalRequired,
        InteractionMode::Default,
    )
    .await;
    assert_eq!(
        h.commands.lock().unwrap().len(),
        1,
        "the resumed process serves the turn"
    );
    assert_eq!(
        ended(&effects),
        [(turns[0].clone(), TurnOutcome::Completed)]
    );
}

#[actix::test]
async fn a_failed_resume_falls_back_to_a_new_conversation() {
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
            resume: Some("gone-id".into()),
            cwd: "/work".into(),
            runtime_mode: RuntimeMode::ApprovalRequired,
        },
    });
    let driver = h.driver.clone();
    let feeder = async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let result = json!({"type": "result", "subtype": "error_during_execution", "is_error": true,
                            "num_turns": 0, "session_id": "gone-id"});
        let exited = t3rs_actors::child_process::ExitReport {
            code: Some(1),
            signal: None,
            stderr_tail: vec!["No conversation found with session ID: gone-id".into()],
        };
        for event in [ClaudeEvent::Line(result), ClaudeEvent::Exited(exited)] {
            driver
                .send(FromClaude {
                    generation: 1,
                    serial: 1,
                    event,
                    ticket: Default::default(),
                })
                .await
                .unwrap();
        }
    };
    let (opened, ()) = tokio::join!(open, feeder);
    let opened = opened.unwrap().unwrap();
    assert_ne!(opened.conversation, "gone-id");
    assert!(opened.fell_back.unwrap().contains("No conversation found"));
    assert!(h.effects().await.is_empty(), "no exit reported");
    h.driver
        .send(StartTurn {
            generation: 1,
            conversation: opened.conversation.clone(),
            input: turn(
                "hi",
                RuntimeMode::ApprovalRequired,
                InteractionMode::Default,
            ),
        })
        .await
        .unwrap()
        .unwrap();
    let commands = h.commands.lock().unwrap().clone();
    assert_eq!(
        commands[1].session_id.as_deref(),
        Some(opened.conversation.as_str())
    );
    assert_eq!(commands[1].resume, None);
}

#[actix::test]
async fn a_crash_and_the_root_refusal_are_exits_with_a_reason() {
    let mut h = Harness::start();
    let opened = connect_and_open(&h, None, RuntimeMode::FullAccess).await;
    h.driver
        .send(StartTurn {
            generation: 1,
            conversation: opened.conversation,
            input: turn("hi", RuntimeMode::FullAccess, InteractionMode::Default),
        })
        .await
        .unwrap()
        .unwrap();
    assert!(h.commands.lock().unwrap()[0]
        .args()
        .windows(2)
        .any(|w| w == ["--permission-mode", "bypassPermissions"]));
    let _running = h.effects().await;
    let stderr = "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons";
    h.feed(
        1,
        ClaudeEvent::Exited(t3rs_actors::child_process::ExitReport {
            code: Some(1),
            signal: None,
            stderr_tail: vec![stderr.into()],
        }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let Ok(DriverEventBody::Exited {
        effects,
        reason,
        exit,
    }) = h.events.try_recv()
    else {
        panic!("an exit")
    };
    assert!(reason.contains("IS_SANDBOX=1"), "{reason}");
    assert_eq!(exit.code, Some(1));
    assert_eq!(exit.stderr.as_deref(), Some(stderr));
    assert!(ended(&effects).is_empty(), "the session ends the turn");
}

#[actix::test]
async fn an_unreadable_line_is_a_runtime_warning() {
    let mut h = Harness::start();
    let opened = connect_and_open(&h, None, RuntimeMode::ApprovalRequired).await;
    h.driver
        .send(StartTurn {
            generation: 1,
            conversation: opened.conversation,
            input: turn(
                "hi",
                RuntimeMode::ApprovalRequired,
                InteractionMode::Default,
            ),
        })
        .await
        .unwrap()
        .unwrap();
    h.feed(
        1,
        ClaudeEvent::Unreadable {
            line: "oops".into(),
            error: "expected value".into(),
        },
    )
    .await;
    let effects = h.effects().await;
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Activity(a) if a.kind == "runtime.warning")));
}

#[test]
fn claude_declares_what_it_does() {
    let caps = claude_info().capabilities;
    assert!(caps.resume && caps.plan_mode && caps.user_input);
    assert!(caps.model_list, "t3rs lists Claude's models");
    assert!(caps.images, "images go as base64 content blocks");
    assert!(caps.rollback, "with --resume-session-at");
    assert!(!caps.steer);
    assert_eq!(
        permission_mode(RuntimeMode::FullAccess, InteractionMode::Default),
        "bypassPermissions"
    );
    assert_eq!(
        permission_mode(RuntimeMode::ApprovalRequired, InteractionMode::Default),
        "default"
    );
    assert_eq!(
        permission_mode(RuntimeMode::FullAccess, InteractionMode::Plan),
        "plan"
    );
}

/// Waits for the next event that passes `keep`, gathering the runtime effects on the way.
async fn until(
    events: &mut mpsc::UnboundedReceiver<DriverEventBody>,
    seen: &mut Vec<Effect>,
    done: impl Fn(&[Effect]) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done(seen) {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(DriverEventBody::Runtime(effects))) => seen.extend(effects),
            Ok(Some(other)) => panic!("unexpected event {other:?}"),
            Ok(None) | Err(_) => panic!("no end of turn within 60 s; saw {seen:?}"),
        }
    }
}

#[actix::test]
async fn the_real_claude_streams_a_turn_and_resumes_it_in_a_second_process() {
    let claude = crate::testkit::claude_path();
    if !claude.exists() {
        eprintln!(
            "skipped: Claude Code is not at {} (run `make agents` or set T3RS_TEST_CLAUDE)",
            claude.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let model = crate::testkit::FakeModel::start(
        dir.path(),
        json!([{"text": "First answer, in parts.", "chunks": 3}, {"text": "Second answer."}]),
    );
    let env = model.claude_env(dir.path());
    let cwd = work.to_string_lossy().to_string();
    let mut conversation = String::new();
    for (round, prompt) in ["go", "and again"].into_iter().enumerate() {
        // A new driver each round: a server restart between the turns.
        let (tx, mut events) = mpsc::unbounded_channel();
        let driver = ClaudeDriverFactory::new(&claude)
            .with_env(env.set.clone(), env.remove.clone())
            .start(DriverContext {
                thread_id: "thread-1".into(),
                events: Collector(tx).start().recipient(),
            });
        driver.connect(1, &cwd);
        let resume = (round > 0).then(|| conversation.clone());
        let opened = driver
            .open(
                1,
                OpenConversation {
                    resume,
                    cwd: cwd.clone(),
                    runtime_mode: RuntimeMode::ApprovalRequired,
                },
            )
            .await
            .unwrap();
        assert_eq!(opened.fell_back, None, "round {round}");
        if round == 0 {
            conversation = opened.conversation.clone();
        } else {
            assert_eq!(opened.conversation, conversation, "the same conversation");
        }
        let input = turn(
            prompt,
            RuntimeMode::ApprovalRequired,
            InteractionMode::Default,
        );
        let turn_id = driver
            .start_turn(1, conversation.clone(), input)
            .await
            .unwrap();
        let mut seen = Vec::new();
        until(&mut events, &mut seen, |s| !ended(s).is_empty()).await;
        assert_eq!(
            ended(&seen),
            [(turn_id, TurnOutcome::Completed)],
            "{seen:?}"
        );
        let text: String = seen
            .iter()
            .filter_map(|e| match e {
                Effect::AssistantText { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let expected = ["First answer, in parts.", "Second answer."][round];
        assert_eq!(text, expected);
        if round == 0 {
            let deltas = seen
                .iter()
                .filter(|e| matches!(e, Effect::AssistantText { .. }))
                .count();
            assert!(deltas > 1, "streamed in parts: {seen:?}");
        }
        driver.stop("test over".into()).await.unwrap();
        driver.close();
    }
    // The resumed turn's request carries turn 1.
    let last = model.requests().last().cloned().unwrap();
    let body = last["body"].to_string();
    assert!(body.contains("First answer, in parts."), "{body}");
}

/// A turn's id says where the conversation stood before it; rolling back to before a turn
/// restarts Claude with `--resume-session-at` that assistant entry. The first turn of a new
/// conversation rolls back to nothing, and a turn begun where the driver saw no assistant
/// entry cannot be rolled back to: both are declined as unsupported (the session starts over).
#[actix::test]
async fn a_rollback_resumes_the_conversation_at_the_turn_before() {
    let mut h = Harness::start();
    let opened = connect_and_open(&h, None, RuntimeMode::ApprovalRequired).await;
    let processes = fixture("text");
    let (_, first) = replay(
        &mut h,
        1,
        &processes[0],
        &opened.conversation,
        RuntimeMode::ApprovalRequired,
        InteractionMode::Default,
    )
    .await;
    let last_entry = processes[0]
        .iter()
        .rev()
        .filter(|(ours, l)| !ours && l["type"] == "assistant")
        .find_map(|(_, l)| l["uuid"].as_str())
        .unwrap()
        .to_string();
    let second = h
        .driver
        .send(StartTurn {
            generation: 1,
            conversation: opened.conversation.clone(),
            input: turn(
                "again",
                RuntimeMode::ApprovalRequired,
                InteractionMode::Default,
            ),
        })
        .await
        .unwrap()
        .unwrap();
    assert!(first[0].ends_with('@'), "{first:?}");
    assert!(second.ends_with(&format!("@{last_entry}")), "{second}");

    let rollback = |before_turn: &str| RollBack {
        generation: 1,
        conversation: opened.conversation.clone(),
        before_turn: before_turn.to_string(),
    };
    let undone_all = h.driver.send(rollback(&first[0])).await.unwrap();
    assert!(
        matches!(undone_all, Err(ProviderError::Unsupported(_))),
        "{undone_all:?}"
    );
    let unknown = h
        .driver
        .send(rollback("turn-from-before-a-restart"))
        .await
        .unwrap();
    assert!(
        matches!(unknown, Err(ProviderError::Unsupported(_))),
        "{unknown:?}"
    );
    h.driver.send(rollback(&second)).await.unwrap().unwrap();
    h.driver
        .send(StartTurn {
            generation: 1,
            conversation: opened.conversation.clone(),
            input: turn(
                "after",
                RuntimeMode::ApprovalRequired,
                InteractionMode::Default,
            ),
        })
        .await
        .unwrap()
        .unwrap();
    let commands = h.commands.lock().unwrap().clone();
    let last = commands.last().unwrap();
    assert_eq!(last.resume.as_deref(), Some(opened.conversation.as_str()));
    assert_eq!(last.resume_at.as_deref(), Some(last_entry.as_str()));
    assert!(last
        .args()
        .windows(2)
        .any(|w| w == ["--resume-session-at", last_entry.as_str()]));
}
