use super::*;
use crate::orchestration::commands::{
    ProjectCreateCommand, ThreadApprovalRespondCommand, ThreadCreateCommand,
    ThreadTurnStartCommand, TurnStartMessage, UserRole,
};
use crate::orchestration::model::ApprovalDecision;
use crate::orchestration::model::{AssistantDeliveryMode, InteractionMode, MessageRole};
use crate::orchestration::ClientCommand;
use crate::orchestration::Command;
use crate::runtime::engine::Dispatch;
use crate::runtime::engine::{load_state, Engine, EngineHandle, Watermark};
use crate::runtime::push_bus::{Push, PushBus};
use crate::store::{event_log::EventLog, Store};
use std::path::PathBuf;
use t3rs_actors::harness::{subscribe_probe, ProbeRx};
use t3rs_actors::push_relay::{Ack, Delivery};
use t3rs_actors::{RestartPolicy, Supervisor, Tell};

const DEADLINE: Duration = Duration::from_secs(20);
const AT: &str = "2026-01-01T00:00:00.000Z";

struct Rig {
    _dir: tempfile::TempDir,
    engine: EngineHandle,
    _engine_supervisor: Addr<Supervisor<Engine>>,
    bus: Addr<PushBus>,
    subscriber: t3rs_actors::push_relay::SubscriberId,
    events: ProbeRx<Delivery<Push>>,
    seen: Vec<Event>,
    log: PathBuf,
    event_log: EventLog,
}

impl Rig {
    /// A real Engine on a temp store, the bus watched by a probe, one project and thread,
    /// and a thread session whose "codex" plays back `recording`.
    async fn start(recording: &str) -> (Rig, Addr<ThreadSession>) {
        let (rig, deps) = Rig::build(recording).await;
        let session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps).start();
        (rig, session)
    }

    /// The rig with the session under a Supervisor, as the ProviderRegistry runs it (later
    /// incarnations built `restarted`), restarting after `backoff`.
    async fn start_supervised(
        recording: &str,
        backoff: Duration,
    ) -> (Rig, Addr<Supervisor<ThreadSession>>, Arc<ProviderDeps>) {
        let (rig, deps) = Rig::build(recording).await;
        let policy = RestartPolicy {
            initial_backoff: backoff,
            ..RestartPolicy::default()
        };
        let factory_deps = deps.clone();
        let mut incarnations = 0;
        let outbox = SharedOutbox::default();
        let supervisor = Supervisor::new("thread-session t1", policy, move |guard| {
            incarnations += 1;
            let session = ThreadSession::new(guard, "t1".into(), factory_deps.clone())
                .with_outbox(outbox.clone());
            if incarnations > 1 {
                session.restarted()
            } else {
                session
            }
        })
        .start();
        (rig, supervisor, deps)
    }

    async fn build(recording: &str) -> (Rig, Arc<ProviderDeps>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state")).unwrap();
        let log = EventLog::open(&store).unwrap();
        let bus = PushBus::new(100_000).start();
        let (subscriber, events) = subscribe_probe(&bus).await;
        let event_log = log.clone();
        let engine_bus = bus.clone();
        let supervisor = Supervisor::new("engine", RestartPolicy::default(), move |guard| {
            let state = load_state(&log).unwrap();
            Engine::new(
                guard,
                log.clone(),
                engine_bus.clone(),
                Watermark::default(),
                state,
                1000,
            )
        });
        let engine = supervisor.handle();
        let engine_supervisor = supervisor.start();
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codex");
        let replay_log = dir.path().join("codex-heard.jsonl");
        let deps = Arc::new(ProviderDeps {
            engine: engine.clone(),
            settings: ProviderSettings {
                claude_bin: None,
                codex_bin: fixtures.join("replay.py"),
                codex_env: vec![
                    ("REPLAY_FILE".into(), fixtures.join(recording).into()),
                    ("REPLAY_LOG".into(), replay_log.clone().into()),
                ],
                request_timeout: DEADLINE,
                idle_timeout: Duration::from_secs(3600),
                provider_threads: crate::store::guarded_tree::GuardedTree::unguarded(
                    store.db().open_tree("provider_threads").unwrap(),
                ),
                state_dir: dir.path().join("state"),
                settings: None,
            },
        });
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        let mut rig = Rig {
            _dir: dir,
            engine,
            _engine_supervisor: engine_supervisor,
            bus,
            subscriber,
            events,
            seen: Vec::new(),
            log: replay_log,
            event_log,
        };
        rig.client(ClientCommand::ProjectCreate(ProjectCreateCommand {
            command_id: "p".into(),
            project_id: "p".into(),
            title: "p".into(),
            workspace_root: work.to_string_lossy().into_owned(),
            default_model: None,
            created_at: AT.into(),
        }))
        .await;
        rig.client(ClientCommand::ThreadCreate(ThreadCreateCommand {
            model_selection: None,
            command_id: "t".into(),
            thread_id: "t1".into(),
            project_id: "p".into(),
            title: "t".into(),
            model: "fake-model".into(),
            runtime_mode: RuntimeMode::ApprovalRequired,
            interaction_mode: InteractionMode::Default,
            branch: None,
            worktree_path: None,
            created_at: AT.into(),
        }))
        .await;
        (rig, deps)
    }

    async fn client(&mut self, command: ClientCommand) {
        let sent = self
            .engine
            .send(Ask(Dispatch(Command::Client(command))))
            .await;
        assert!(matches!(sent, Ok(Ok(Ok(_)))), "{sent:?}");
    }

    /// Domain events until one satisfies `want` (all of them are kept in `seen`).
    /// Plays the reactor for one event: waits for it in the log and hands it to `session`.
    async fn relay(&mut self, session: &Addr<ThreadSession>, want: impl Fn(&Event) -> bool) {
        let event = self.until(want).await;
        session.do_send(React(Arc::new(event)));
    }

    /// Sends `command` (a turn start), hands its request to `session`, and waits for the
    /// turn's approval request (every recording here asks one).
    async fn start_until_asked(
        &mut self,
        session: &Addr<ThreadSession>,
        command: ClientCommand,
    ) -> Event {
        self.client(command).await;
        self.relay(session, |e| {
            matches!(e.body, EventBody::ThreadTurnStartRequested(_))
        })
        .await;
        self.until(|e| kind(e) == "activity:approval.requested")
            .await
    }

    /// Accepts the approval `asked` for, and hands the response to `session`.
    async fn approve_and_relay(&mut self, session: &Addr<ThreadSession>, asked: &Event) {
        self.client(approve("approve", asked)).await;
        self.relay(session, |e| {
            matches!(e.body, EventBody::ThreadApprovalResponseRequested(_))
        })
        .await;
    }

    async fn until(&mut self, want: impl Fn(&Event) -> bool) -> Event {
        loop {
            let delivery = self.events.next(DEADLINE).await.unwrap();
            self.bus.do_send(Ack {
                subscriber: self.subscriber,
                sequence: delivery.sequence,
            });
            let event: Event = serde_json::from_str(&delivery.item.data_json).unwrap();
            self.seen.push(event.clone());
            if want(&event) {
                return event;
            }
        }
    }
}

fn kind(event: &Event) -> String {
    match &event.body {
        EventBody::ThreadActivityAppended(p) => format!("activity:{}", p.activity.kind),
        EventBody::ThreadSessionSet(p) => format!("session:{:?}", p.session.status),
        EventBody::ThreadMessageSent(p) => format!("{:?}:{}", p.role, p.text),
        other => serde_json::to_value(other).unwrap()["type"]
            .as_str()
            .unwrap()
            .to_string(),
    }
}

#[actix::test]
async fn a_recorded_approval_turn_played_through_the_actor() {
    let (mut rig, session) = Rig::start("approval.jsonrpc").await;
    rig.client(ClientCommand::ThreadTurnStart(ThreadTurnStartCommand {
        model_selection: None,
        command_id: "turn".into(),
        thread_id: "t1".into(),
        message: TurnStartMessage {
            message_id: "m1".into(),
            role: UserRole::User,
            text: "go".into(),
            attachments: vec![],
        },
        provider: None,
        model: None,
        service_tier: None,
        model_options: None,
        assistant_delivery_mode: Some(AssistantDeliveryMode::Streaming),
        dispatch_mode: Default::default(),
        runtime_mode: RuntimeMode::ApprovalRequired,
        interaction_mode: InteractionMode::Default,
        created_at: AT.into(),
    }))
    .await;
    // The mailbox harness plays the reactor: the durable request goes to the actor.
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadTurnStartRequested(_))
    })
    .await;
    let asked = rig
        .until(|e| kind(e) == "activity:approval.requested")
        .await;
    let EventBody::ThreadActivityAppended(asked) = &asked.body else {
        unreachable!()
    };
    let request_id = asked.activity.payload["requestId"]
        .as_str()
        .unwrap()
        .to_string();
    rig.client(ClientCommand::ThreadApprovalRespond(
        ThreadApprovalRespondCommand {
            command_id: "yes".into(),
            thread_id: "t1".into(),
            request_id,
            decision: ApprovalDecision::Accept,
            created_at: AT.into(),
        },
    ))
    .await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadApprovalResponseRequested(_))
    })
    .await;
    rig.until(|e| matches!(e.body, EventBody::ThreadTurnDiffCompleted(_)))
        .await;

    let kinds: Vec<String> = rig.seen.iter().map(kind).collect();
    // codex's two warnings come while the conversation opens and the turn starts; the launch
    // does not hold up the mailbox, so where they fall between those session changes varies.
    let warnings = kinds
        .iter()
        .filter(|k| *k == "activity:runtime.warning")
        .count();
    assert_eq!(warnings, 2, "{kinds:#?}");
    let expected = [
        "session:Starting",
        "session:Running",
        "activity:tool.started",
        "activity:approval.requested",
        "thread.approval-response-requested",
        "activity:approval.resolved",
        "activity:tool.completed",
        "Assistant:done",
        "Assistant:",
        "activity:turn.token-usage",
        "session:Ready",
        "activity:checkpoint.unavailable",
        "thread.turn-diff-completed",
    ];
    let from = kinds.iter().position(|k| k == "session:Starting").unwrap();
    // Streamed text may arrive in one or several pieces; join them for the comparison.
    let mut tail: Vec<String> = Vec::new();
    for k in kinds[from..]
        .iter()
        .filter(|k| *k != "activity:runtime.warning")
    {
        match (tail.last_mut(), k.strip_prefix("Assistant:")) {
            (Some(last), Some(piece))
                if !piece.is_empty()
                    && last.len() > "Assistant:".len()
                    && last.starts_with("Assistant:") =>
            {
                last.push_str(piece)
            }
            _ => tail.push(k.clone()),
        }
    }
    assert_eq!(tail, expected, "{kinds:#?}");
    // codex heard the decision in JSON-RPC, under the id it asked with.
    let heard = std::fs::read_to_string(&rig.log).unwrap();
    assert!(
        heard.contains(r#"{"id":0,"result":{"decision":"accept"}}"#),
        "{heard}"
    );
}

/// A message queued behind a running turn, for another model, takes the thread's selection at
/// once; the answer the running turn writes after that is still credited to the agent and model
/// that wrote it.
#[actix::test]
async fn an_answer_is_credited_to_its_own_turn_not_to_a_message_queued_behind_it() {
    let (mut rig, session) = Rig::start("approval.jsonrpc").await;
    let asked = rig
        .start_until_asked(&session, turn_start("turn", "m1"))
        .await;
    // Not handed to the session: it would start once this turn ends.
    let mut queued = turn_start("queued", "m2");
    if let ClientCommand::ThreadTurnStart(command) = &mut queued {
        command.model = Some("other-model".into());
    }
    rig.client(queued).await;
    rig.approve_and_relay(&session, &asked).await;
    let answer = rig
        .until(|e| {
            matches!(&e.body, EventBody::ThreadMessageSent(m) if m.role == MessageRole::Assistant)
        })
        .await;
    let EventBody::ThreadMessageSent(answer) = &answer.body else {
        unreachable!()
    };
    let by = answer.answered_by.as_ref().map(|s| {
        let provider = serde_json::to_value(s.provider).unwrap_or_default();
        (provider, s.model.clone())
    });
    assert_eq!(
        by,
        Some((serde_json::json!("codex"), "fake-model".to_string())),
        "{answer:?}"
    );
}

#[test]
fn runtime_modes_map_to_codex_policies() {
    assert_eq!(
        codex_policy(RuntimeMode::FullAccess),
        ("never", "danger-full-access")
    );
    assert_eq!(
        codex_policy(RuntimeMode::ApprovalRequired),
        ("on-request", "workspace-write")
    );
}

#[test]
fn ansi_colours_are_removed_from_error_text() {
    assert_eq!(
        strip_ansi("\u{1b}[2m2026\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m done"),
        "2026  INFO done"
    );
}

#[test]
fn crash_backoff_grows_and_is_capped() {
    assert_eq!(restart_delay(0), Duration::ZERO);
    assert_eq!(restart_delay(1), Duration::ZERO);
    assert_eq!(restart_delay(2), Duration::from_millis(500));
    assert_eq!(restart_delay(3), Duration::from_secs(1));
    assert_eq!(restart_delay(40), Duration::from_secs(30));
}

/// codex's stdout with a 3-byte character at bytes 179–181 and 1,999–2,001 of lines that are
/// not JSON-RPC (the two places t3rs cuts them): two warnings with the text cut before the
/// character, and the turn goes on.
#[actix::test]
async fn unreadable_codex_lines_with_a_character_across_the_cuts_become_warnings() {
    let (mut rig, session) = Rig::start("unreadable.jsonrpc").await;
    rig.client(ClientCommand::ThreadTurnStart(ThreadTurnStartCommand {
        model_selection: None,
        command_id: "turn".into(),
        thread_id: "t1".into(),
        message: TurnStartMessage {
            message_id: "m1".into(),
            role: UserRole::User,
            text: "go".into(),
            attachments: vec![],
        },
        provider: None,
        model: None,
        service_tier: None,
        model_options: None,
        assistant_delivery_mode: Some(AssistantDeliveryMode::Streaming),
        dispatch_mode: Default::default(),
        runtime_mode: RuntimeMode::ApprovalRequired,
        interaction_mode: InteractionMode::Default,
        created_at: AT.into(),
    }))
    .await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadTurnStartRequested(_))
    })
    .await;
    let detail = |e: &Event| match &e.body {
        EventBody::ThreadActivityAppended(p) if p.activity.kind == "runtime.warning" => {
            p.activity.payload["detail"].as_str().map(str::to_string)
        }
        _ => None,
    };
    let mut details = Vec::new();
    while details.len() < 2 {
        let event = rig.until(|e| detail(e).is_some()).await;
        let text = detail(&event).unwrap();
        if text.starts_with('x') {
            details.push(text);
        }
    }
    assert_eq!(details, ["x".repeat(179), "x".repeat(180)]);
    // The session lived on: the recorded turn still ends.
    rig.until(|e| kind(e) == "session:Error" || kind(e) == "session:Ready")
        .await;
}

fn turn_start(command_id: &str, message_id: &str) -> ClientCommand {
    ClientCommand::ThreadTurnStart(ThreadTurnStartCommand {
        model_selection: None,
        command_id: command_id.into(),
        thread_id: "t1".into(),
        message: TurnStartMessage {
            message_id: message_id.into(),
            role: UserRole::User,
            text: "go".into(),
            attachments: vec![],
        },
        provider: None,
        model: None,
        service_tier: None,
        model_options: None,
        assistant_delivery_mode: Some(AssistantDeliveryMode::Streaming),
        dispatch_mode: Default::default(),
        runtime_mode: RuntimeMode::ApprovalRequired,
        interaction_mode: InteractionMode::Default,
        created_at: AT.into(),
    })
}

fn approve(command_id: &str, asked: &Event) -> ClientCommand {
    let EventBody::ThreadActivityAppended(asked) = &asked.body else {
        unreachable!()
    };
    ClientCommand::ThreadApprovalRespond(ThreadApprovalRespondCommand {
        command_id: command_id.into(),
        thread_id: "t1".into(),
        request_id: asked.activity.payload["requestId"]
            .as_str()
            .unwrap()
            .to_string(),
        decision: ApprovalDecision::Accept,
        created_at: AT.into(),
    })
}

/// A ThreadSession that panics mid-turn (waiting on an approval) under its supervisor: the
/// turn ends visibly (an activity, then session `error`), and a turn start sent while it
/// restarts, which reaches nobody, is taken up by the next incarnation from the log and runs
/// to its end.
#[actix::test]
async fn a_session_panic_mid_turn_ends_the_turn_and_the_restart_takes_up_what_it_missed() {
    let (mut rig, supervisor, deps) =
        Rig::start_supervised("approval.jsonrpc", Duration::from_millis(500)).await;
    rig.client(turn_start("turn-1", "m1")).await;
    let request = rig
        .until(|e| matches!(e.body, EventBody::ThreadTurnStartRequested(_)))
        .await;
    supervisor.do_send(Tell(React(Arc::new(request))));
    rig.until(|e| kind(e) == "activity:approval.requested")
        .await;

    supervisor.do_send(Tell(InjectPanic));
    // The next incarnation starts a fresh codex; the recording opens a new conversation.
    deps.settings.provider_threads.clear().unwrap();
    rig.client(turn_start("turn-2", "m2")).await;
    let missed = rig
        .until(|e| matches!(e.body, EventBody::ThreadTurnStartRequested(_)))
        .await;
    // Routed as the registry would, while the session is down: it is dropped.
    supervisor.do_send(Tell(React(Arc::new(missed.clone()))));

    let restarted = rig
        .until(|e| kind(e) == "activity:provider.session.restarted")
        .await;
    assert!(restarted.sequence > missed.sequence);
    // The question the dead turn asked is closed, so no client shows it.
    let cancelled = rig.seen.iter().any(|e| match &e.body {
        EventBody::ThreadActivityAppended(p) => {
            e.sequence > missed.sequence
                && p.activity.kind == "approval.resolved"
                && p.activity.payload["decision"] == "cancel"
        }
        _ => false,
    });
    assert!(
        cancelled,
        "{:#?}",
        rig.seen.iter().map(kind).collect::<Vec<_>>()
    );
    let after = rig.until(|e| kind(e).starts_with("session:")).await;
    assert_eq!(kind(&after), "session:Error");

    // The missed turn start is acted on: a new codex asks again, and the turn completes.
    let asked = rig
        .until(|e| kind(e) == "activity:approval.requested")
        .await;
    rig.client(approve("yes-2", &asked)).await;
    let answer = rig
        .until(|e| matches!(e.body, EventBody::ThreadApprovalResponseRequested(_)))
        .await;
    supervisor.do_send(Tell(React(Arc::new(answer))));
    rig.until(|e| matches!(e.body, EventBody::ThreadTurnDiffCompleted(_)))
        .await;
    let kinds: Vec<String> = rig.seen.iter().map(kind).collect();
    let from = kinds
        .iter()
        .position(|k| k == "activity:provider.session.restarted")
        .unwrap();
    let tail = &kinds[from..];
    for want in [
        "session:Error",
        "session:Starting",
        "session:Running",
        "activity:approval.resolved",
        "session:Ready",
    ] {
        assert!(tail.iter().any(|k| k == want), "{want} missing: {kinds:#?}");
    }
    // The turn start was taken up once.
    assert_eq!(
        tail.iter().filter(|k| *k == "session:Running").count(),
        1,
        "{kinds:#?}"
    );
}

/// An internal command the Engine cannot take (it is down, restarting) is not dropped: the
/// session sends it again under the same commandId until it is recorded.
#[actix::test]
async fn an_internal_command_the_engine_could_not_take_is_retried_until_recorded() {
    let (mut rig, deps) = Rig::build("approval.jsonrpc").await;
    // The rig's Engine ends; a new one fails at first and comes back after a second.
    rig._engine_supervisor.do_send(Shutdown);
    let deadline = Instant::now() + DEADLINE;
    while rig
        .engine
        .send(Ask(ThreadContext {
            thread_id: "t1".into(),
            message_id: None,
        }))
        .await
        .is_ok_and(|r| r.is_ok())
    {
        assert!(Instant::now() < deadline, "the first engine did not stop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (log, bus) = (rig.event_log.clone(), rig.bus.clone());
    let mut incarnations = 0;
    let policy = RestartPolicy {
        initial_backoff: Duration::from_secs(1),
        ..RestartPolicy::default()
    };
    let supervisor = Supervisor::new("engine", policy, move |guard| {
        incarnations += 1;
        if incarnations == 1 {
            return Engine::broken(
                guard,
                log.clone(),
                bus.clone(),
                Watermark::default(),
                "down for the test".into(),
            );
        }
        let state = load_state(&log).unwrap();
        Engine::new(
            guard,
            log.clone(),
            bus.clone(),
            Watermark::default(),
            state,
            1000,
        )
    });
    let engine = supervisor.handle();
    let _supervisor = supervisor.start();
    let deps = Arc::new(ProviderDeps {
        engine,
        settings: deps.settings.clone(),
    });
    let session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps).start();
    // An interrupt with no turn: the session records a failure activity at once.
    session.do_send(React(Arc::new(Event {
        sequence: 1_000,
        event_id: "e".into(),
        aggregate_kind: crate::orchestration::events::AggregateKind::Thread,
        aggregate_id: "t1".into(),
        occurred_at: AT.into(),
        command_id: None,
        causation_event_id: None,
        correlation_id: None,
        metadata: Default::default(),
        body: EventBody::ThreadTurnInterruptRequested(
            crate::orchestration::events::ThreadTurnInterruptRequestedPayload {
                thread_id: "t1".into(),
                turn_id: None,
                created_at: AT.into(),
            },
        ),
    })));
    rig.until(|e| kind(e) == "activity:provider.turn.interrupt.failed")
        .await;
}

#[test]
fn internal_command_retries_back_off_and_are_capped() {
    use super::commands::retry_delay;
    assert_eq!(retry_delay(0), Duration::from_millis(50));
    assert_eq!(retry_delay(1), Duration::from_millis(100));
    assert_eq!(retry_delay(30), Duration::from_secs(2));
}

fn thread_request(sequence: u64, body: EventBody) -> Arc<Event> {
    Arc::new(Event {
        sequence,
        event_id: format!("e{sequence}"),
        aggregate_kind: crate::orchestration::events::AggregateKind::Thread,
        aggregate_id: "t1".into(),
        occurred_at: AT.into(),
        command_id: None,
        causation_event_id: None,
        correlation_id: None,
        metadata: Default::default(),
        body,
    })
}

/// A turn waiting out a long crash backoff (8 s, after six crashes) still reads its mailbox: an interrupt ends
/// it at once.
#[actix::test]
async fn an_interrupt_during_the_crash_backoff_is_read_at_once() {
    let (mut rig, deps) = Rig::build("approval.jsonrpc").await;
    let mut session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps);
    session.crashes = 6;
    assert_eq!(restart_delay(session.crashes), Duration::from_secs(8));
    let session = session.start();
    rig.client(turn_start("turn", "m1")).await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadTurnStartRequested(_))
    })
    .await;
    rig.until(|e| kind(e) == "session:Starting").await;
    session.do_send(React(thread_request(
        1_000_000,
        EventBody::ThreadTurnInterruptRequested(
            crate::orchestration::events::ThreadTurnInterruptRequestedPayload {
                thread_id: "t1".into(),
                turn_id: None,
                created_at: AT.into(),
            },
        ),
    )));
    let interrupted = tokio::time::timeout(
        Duration::from_secs(3),
        rig.until(|e| kind(e) == "activity:turn.interrupted"),
    )
    .await;
    assert!(interrupted.is_ok(), "the interrupt waited for the backoff");
    let after = rig.until(|e| kind(e).starts_with("session:")).await;
    assert_eq!(kind(&after), "session:Ready");
}

/// codex may send hundreds of events before it answers `turn/start` (more than the
/// [`OWNER_WINDOW`] it reads ahead): the launch is no wait of the mailbox, so they are read
/// and the answer arrives at once, not at the request timeout.
///
/// [`OWNER_WINDOW`]: crate::runtime::codex::OWNER_WINDOW
#[actix::test]
async fn hundreds_of_codex_events_during_the_launch_do_not_hold_up_the_turn() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codex");
    let recorded = std::fs::read_to_string(fixtures.join("approval.jsonrpc")).unwrap();
    let noise =
        r#"<< {"method": "remoteControl/status/changed", "params": {"status": "disabled"}}"#;
    let mut busy = String::new();
    for line in recorded.lines() {
        busy.push_str(line);
        busy.push('\n');
        if line.starts_with(">> ") && line.contains(r#""method": "turn/start""#) {
            for _ in 0..crate::runtime::codex::OWNER_WINDOW + 200 {
                busy.push_str(noise);
                busy.push('\n');
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("busy.jsonrpc");
    std::fs::write(&recording, busy).unwrap();
    let (mut rig, session) = Rig::start(recording.to_str().unwrap()).await;
    rig.client(turn_start("turn", "m1")).await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadTurnStartRequested(_))
    })
    .await;
    let running = tokio::time::timeout(
        Duration::from_secs(5),
        rig.until(|e| kind(e) == "session:Running"),
    )
    .await;
    assert!(
        running.is_ok(),
        "the turn start waited for its request timeout"
    );
    rig.until(|e| kind(e) == "activity:approval.requested")
        .await;
}

/// What a session that panics had queued for the Engine, sent or not, is sent by the next
/// incarnation: the outbox outlives the incarnation (the factory hands each the same one).
#[actix::test]
async fn commands_a_panicked_session_had_not_recorded_are_sent_by_the_next_incarnation() {
    let (mut rig, deps) = Rig::build("approval.jsonrpc").await;
    // The Engine is down for a second: the session's command waits in its outbox.
    rig._engine_supervisor.do_send(Shutdown);
    let deadline = Instant::now() + DEADLINE;
    while rig
        .engine
        .send(Ask(ThreadContext {
            thread_id: "t1".into(),
            message_id: None,
        }))
        .await
        .is_ok_and(|r| r.is_ok())
    {
        assert!(Instant::now() < deadline, "the first engine did not stop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (log, bus) = (rig.event_log.clone(), rig.bus.clone());
    let mut engines = 0;
    let policy = RestartPolicy {
        initial_backoff: Duration::from_millis(1500),
        ..RestartPolicy::default()
    };
    let engine_supervisor = Supervisor::new("engine", policy, move |guard| {
        engines += 1;
        if engines == 1 {
            return Engine::broken(
                guard,
                log.clone(),
                bus.clone(),
                Watermark::default(),
                "down for the test".into(),
            );
        }
        let state = load_state(&log).unwrap();
        Engine::new(
            guard,
            log.clone(),
            bus.clone(),
            Watermark::default(),
            state,
            1000,
        )
    });
    let engine = engine_supervisor.handle();
    let _engine_supervisor = engine_supervisor.start();
    let deps = Arc::new(ProviderDeps {
        engine,
        settings: deps.settings.clone(),
    });
    let outbox = SharedOutbox::default();
    let factory_outbox = outbox.clone();
    let mut incarnations = 0;
    let policy = RestartPolicy {
        initial_backoff: Duration::from_millis(50),
        ..RestartPolicy::default()
    };
    let session = Supervisor::new("thread-session t1", policy, move |guard| {
        incarnations += 1;
        let session = ThreadSession::new(guard, "t1".into(), deps.clone())
            .with_outbox(factory_outbox.clone());
        if incarnations > 1 {
            session.restarted()
        } else {
            session
        }
    })
    .start();
    // An interrupt with no turn: the session queues a failure activity, which the Engine
    // cannot take yet.
    session.do_send(Tell(React(thread_request(
        1_000,
        EventBody::ThreadTurnInterruptRequested(
            crate::orchestration::events::ThreadTurnInterruptRequestedPayload {
                thread_id: "t1".into(),
                turn_id: None,
                created_at: AT.into(),
            },
        ),
    ))));
    let deadline = Instant::now() + DEADLINE;
    while outbox.lock().len() == 0 {
        assert!(Instant::now() < deadline, "nothing was queued");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    session.do_send(Tell(InjectPanic));
    let recorded = tokio::time::timeout(
        Duration::from_secs(10),
        rig.until(|e| kind(e) == "activity:provider.turn.interrupt.failed"),
    )
    .await;
    assert!(
        recorded.is_ok(),
        "the queued activity was lost with the panic"
    );
    let deadline = Instant::now() + DEADLINE;
    while outbox.lock().len() > 0 {
        assert!(Instant::now() < deadline, "the outbox did not empty");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

mod fake_driver;
