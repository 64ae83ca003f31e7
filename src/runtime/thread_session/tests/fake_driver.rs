//! A thread session driven through the [`ProviderDriver`] trait alone: a small in-test driver
//! streams text, asks for an approval and ends its turns; no codex runs.

use std::sync::Mutex;

use super::*;
use crate::orchestration::commands::ThreadSessionStopCommand;
use crate::orchestration::events::DispatchMode;
use crate::orchestration::model::{Activity, MessageRole};
use crate::provider::driver::{
    ready, Capabilities, DriverEvent, DriverEventBody, DriverFuture, DriverInfo, Effect,
    OpenConversation, Opened, ProviderError, TurnInput, TurnOutcome,
};

fn fake_info(steer: bool) -> DriverInfo {
    DriverInfo {
        name: "fake".into(),
        title: "Fake".into(),
        capabilities: Capabilities {
            resume: true,
            user_input: true,
            steer,
            ..Capabilities::default()
        },
    }
}

/// What the fake driver was asked, and where its events go.
#[derive(Default)]
struct Script {
    events: Option<Recipient<DriverEvent>>,
    generation: u64,
    turns: u32,
    heard: Vec<String>,
    /// Declares and does steering.
    steer: bool,
}

#[derive(Clone, Default)]
struct FakeDriver(Arc<Mutex<Script>>);

impl FakeDriver {
    fn emit(&self, effects: Vec<Effect>) {
        let script = self.0.lock().unwrap();
        if let Some(events) = &script.events {
            events.do_send(DriverEvent {
                generation: script.generation,
                body: DriverEventBody::Runtime(effects),
                hold: None,
            });
        }
    }

    fn heard(&self, what: String) {
        self.0.lock().unwrap().heard.push(what);
    }
}

fn activity(tone: ActivityTone, kind: &str, payload: serde_json::Value, turn: &str) -> Effect {
    Effect::Activity(Activity {
        id: crate::runtime::new_id(),
        tone,
        kind: kind.into(),
        summary: kind.into(),
        payload,
        turn_id: Some(turn.into()),
        sequence: None,
        created_at: now_iso(),
    })
}

fn text(turn: &str, piece: &str) -> Effect {
    Effect::AssistantText {
        message_id: format!("assistant:{turn}"),
        turn_id: Some(turn.into()),
        text: piece.into(),
    }
}

fn end(turn: &str) -> Vec<Effect> {
    vec![
        Effect::AssistantDone {
            message_id: format!("assistant:{turn}"),
            turn_id: Some(turn.into()),
        },
        Effect::TurnEnded {
            turn_id: turn.into(),
            outcome: TurnOutcome::Completed,
        },
    ]
}

impl ProviderDriver for FakeDriver {
    fn info(&self) -> DriverInfo {
        fake_info(self.0.lock().unwrap().steer)
    }

    fn connect(&self, generation: u64, cwd: &str) {
        self.0.lock().unwrap().generation = generation;
        self.heard(format!("connect {generation} {}", !cwd.is_empty()));
    }

    fn disconnect(&self) {
        self.heard("disconnect".into());
    }

    fn open(&self, _generation: u64, request: OpenConversation) -> DriverFuture<Opened> {
        self.heard(format!("open {:?}", request.resume));
        ready(Ok(Opened {
            conversation: "conversation-1".into(),
            fell_back: None,
        }))
    }

    /// Every turn: running, the same start-up warning, text in two pieces; the first asks for
    /// an approval before it ends, the others end at once.
    fn start_turn(&self, _: u64, conversation: String, input: TurnInput) -> DriverFuture<String> {
        let turn = {
            let mut script = self.0.lock().unwrap();
            script.turns += 1;
            format!("turn-{}", script.turns)
        };
        self.heard(format!("turn {conversation} {}", input.text));
        self.emit(vec![Effect::Session {
            status: SessionStatus::Running,
            active_turn_id: Some(turn.clone()),
            last_error: None,
        }]);
        let warning = json!({ "message": "model metadata is missing" });
        self.emit(vec![activity(
            ActivityTone::Info,
            "runtime.warning",
            warning,
            &turn,
        )]);
        self.emit(vec![text(&turn, "Hel"), text(&turn, "lo")]);
        if turn == "turn-1" {
            let asked = json!({ "requestId": "r1", "requestKind": "command" });
            self.emit(vec![activity(
                ActivityTone::Approval,
                "approval.requested",
                asked,
                &turn,
            )]);
        } else {
            self.emit(end(&turn));
        }
        ready(Ok(turn))
    }

    /// The turn ends interrupted.
    fn interrupt(&self, _: u64, _: String, turn: String) -> DriverFuture<()> {
        self.heard(format!("interrupt {turn}"));
        self.emit(vec![Effect::TurnEnded {
            turn_id: turn,
            outcome: TurnOutcome::Interrupted,
        }]);
        ready(Ok(()))
    }

    fn steer(&self, _: u64, _: String, turn: String, input: TurnInput) -> DriverFuture<()> {
        if !self.0.lock().unwrap().steer {
            return ready(Err(ProviderError::Unsupported("no steering".into())));
        }
        self.heard(format!("steer {turn} {}", input.text));
        ready(Ok(()))
    }

    fn rollback(&self, _: u64, _: String, _: String) -> DriverFuture<()> {
        ready(Err(ProviderError::Unsupported("no rollback".into())))
    }

    fn answer(&self, request_id: String, answer: Answer) -> DriverFuture<Vec<Effect>> {
        self.heard(format!("answer {request_id} {answer:?}"));
        if request_id != "r1" {
            return ready(Err(ProviderError::Refused(format!(
                "Unknown request {request_id}"
            ))));
        }
        // What follows the answer comes as events, after the answer's own resolution.
        self.emit(end("turn-1"));
        let resolved = json!({ "requestId": "r1", "decision": "accept" });
        ready(Ok(vec![activity(
            ActivityTone::Approval,
            "approval.resolved",
            resolved,
            "turn-1",
        )]))
    }

    fn stop(&self, _reason: String) -> DriverFuture<Vec<Effect>> {
        ready(Ok(Vec::new()))
    }

    fn close(&self) {
        self.heard("close".into());
    }
}

struct FakeFactory(FakeDriver);

impl DriverFactory for FakeFactory {
    fn info(&self) -> DriverInfo {
        fake_info(self.0 .0.lock().unwrap().steer)
    }

    fn start(&self, context: DriverContext) -> Arc<dyn ProviderDriver> {
        self.0 .0.lock().unwrap().events = Some(context.events);
        Arc::new(self.0.clone())
    }
}

fn assistant_text(seen: &[Event]) -> String {
    seen.iter()
        .filter_map(|e| match &e.body {
            EventBody::ThreadMessageSent(p) if p.role == MessageRole::Assistant => {
                Some(p.text.as_str())
            }
            _ => None,
        })
        .collect()
}

#[actix::test]
async fn a_session_runs_turns_through_a_driver_it_knows_only_by_its_trait() {
    let (mut rig, deps) = Rig::build("approval.jsonrpc").await;
    let driver = FakeDriver::default();
    let session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps)
        .with_driver_factory(Arc::new(FakeFactory(driver.clone())))
        .start();

    let asked = rig
        .start_until_asked(&session, turn_start("turn", "m1"))
        .await;
    rig.approve_and_relay(&session, &asked).await;
    rig.until(|e| kind(e) == "activity:approval.resolved").await;
    rig.until(|e| kind(e) == "session:Ready").await;
    assert_eq!(assistant_text(&rig.seen), "Hello");
    let provider = rig.seen.iter().find_map(|e| match &e.body {
        EventBody::ThreadSessionSet(p) => p.session.provider_name.clone(),
        _ => None,
    });
    assert_eq!(provider.as_deref(), Some("fake"));

    // A second turn in the same conversation: its start-up warning is the same as the
    // first's, and the thread shows it once.
    rig.client(turn_start("turn2", "m2")).await;
    rig.relay(
        &session,
        |e| matches!(&e.body, EventBody::ThreadTurnStartRequested(p) if p.message_id == "m2"),
    )
    .await;
    rig.until(|e| kind(e) == "session:Running").await;
    rig.until(|e| kind(e) == "session:Ready").await;
    assert_eq!(assistant_text(&rig.seen), "HelloHello");
    let warnings = rig
        .seen
        .iter()
        .filter(|e| kind(e) == "activity:runtime.warning")
        .count();
    assert_eq!(
        warnings,
        1,
        "{:?}",
        rig.seen.iter().map(kind).collect::<Vec<_>>()
    );
    let heard = driver.0.lock().unwrap().heard.clone();
    assert_eq!(
        heard,
        [
            "connect 1 true",
            "open None",
            "turn conversation-1 go",
            "answer r1 Approval(Accept)",
            "turn conversation-1 go",
        ]
    );
}

#[test]
fn an_identical_runtime_warning_is_recorded_once() {
    let warning = |message: &str| Activity {
        id: crate::runtime::new_id(),
        tone: ActivityTone::Info,
        kind: "runtime.warning".into(),
        summary: "Runtime warning".into(),
        payload: json!({ "message": message }),
        turn_id: None,
        sequence: None,
        created_at: AT.into(),
    };
    let mut seen = std::collections::HashSet::new();
    assert!(commands::first_of_its_kind(&mut seen, &warning("a")));
    assert!(!commands::first_of_its_kind(&mut seen, &warning("a")));
    assert!(commands::first_of_its_kind(&mut seen, &warning("b")));
    let mut other = warning("a");
    other.kind = "runtime.error".into();
    assert!(commands::first_of_its_kind(&mut seen, &other));
    assert!(commands::first_of_its_kind(&mut seen, &other));
}

fn with_mode(command: ClientCommand, mode: DispatchMode) -> ClientCommand {
    let ClientCommand::ThreadTurnStart(mut start) = command else {
        unreachable!()
    };
    start.dispatch_mode = mode;
    ClientCommand::ThreadTurnStart(start)
}

/// A session on a fake that can (or cannot) steer, with turn 1 running (waiting for its
/// approval) and a second message (`m2`, dispatched as `mode`) handed to it.
async fn follow_up_rig(
    steer: bool,
    mode: DispatchMode,
) -> (Rig, Addr<ThreadSession>, FakeDriver, Event) {
    let (mut rig, deps) = Rig::build("approval.jsonrpc").await;
    let driver = FakeDriver::default();
    driver.0.lock().unwrap().steer = steer;
    let session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps)
        .with_driver_factory(Arc::new(FakeFactory(driver.clone())))
        .start();
    rig.client(turn_start("turn", "m1")).await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadTurnStartRequested(_))
    })
    .await;
    let asked = rig
        .until(|e| kind(e) == "activity:approval.requested")
        .await;
    rig.client(with_mode(turn_start("turn2", "m2"), mode)).await;
    rig.relay(
        &session,
        |e| matches!(&e.body, EventBody::ThreadTurnStartRequested(p) if p.message_id == "m2"),
    )
    .await;
    (rig, session, driver, asked)
}

fn heard(driver: &FakeDriver) -> Vec<String> {
    driver.0.lock().unwrap().heard.clone()
}

#[actix::test]
async fn a_follow_up_queued_during_a_turn_starts_only_after_the_turn_ends() {
    let (mut rig, session, driver, asked) = follow_up_rig(false, DispatchMode::Queue).await;
    rig.until(|e| kind(e) == "activity:turn.queued").await;
    assert_eq!(heard(&driver).len(), 3, "{:?}", heard(&driver));
    rig.client(approve("approve", &asked)).await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadApprovalResponseRequested(_))
    })
    .await;
    rig.until(|e| kind(e) == "activity:turn.dequeued").await;
    rig.until(|e| kind(e) == "session:Running").await;
    rig.until(|e| kind(e) == "session:Ready").await;
    assert_eq!(
        heard(&driver),
        [
            "connect 1 true",
            "open None",
            "turn conversation-1 go",
            "answer r1 Approval(Accept)",
            "turn conversation-1 go",
        ]
    );
    // The first turn's checkpoint came before the second turn started.
    let kinds: Vec<String> = rig.seen.iter().map(kind).collect();
    let diff = kinds.iter().position(|k| k == "thread.turn-diff-completed");
    let dequeued = kinds.iter().position(|k| k == "activity:turn.dequeued");
    assert!(diff.is_some() && diff < dequeued, "{kinds:?}");
    assert!(!kinds
        .iter()
        .any(|k| k == "activity:provider.turn.start.failed"));
}

#[actix::test]
async fn a_steer_goes_to_the_running_turn_where_the_driver_steers() {
    let (rig, _session, driver, _asked) = follow_up_rig(true, DispatchMode::Steer).await;
    for _ in 0..100 {
        if heard(&driver).len() > 3 {
            break;
        }
        actix::clock::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        heard(&driver),
        [
            "connect 1 true",
            "open None",
            "turn conversation-1 go",
            "steer turn-1 go"
        ]
    );
    assert!(!rig.seen.iter().any(|e| kind(e) == "activity:turn.queued"));
}

#[actix::test]
async fn a_steer_without_steering_interrupts_the_turn_and_starts_after_it() {
    let (mut rig, _session, driver, _asked) = follow_up_rig(false, DispatchMode::Steer).await;
    rig.until(|e| kind(e) == "activity:turn.queued").await;
    rig.until(|e| kind(e) == "activity:turn.dequeued").await;
    rig.until(|e| kind(e) == "session:Ready").await;
    assert_eq!(
        heard(&driver),
        [
            "connect 1 true",
            "open None",
            "turn conversation-1 go",
            "interrupt turn-1",
            "turn conversation-1 go",
        ]
    );
}

#[actix::test]
async fn a_stop_clears_the_queue_with_an_activity() {
    let (mut rig, session, driver, _asked) = follow_up_rig(false, DispatchMode::Queue).await;
    rig.until(|e| kind(e) == "activity:turn.queued").await;
    rig.client(ClientCommand::ThreadSessionStop(ThreadSessionStopCommand {
        command_id: "stop".into(),
        thread_id: "t1".into(),
        created_at: AT.into(),
    }))
    .await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadSessionStopRequested(_))
    })
    .await;
    let cleared = rig
        .until(|e| kind(e) == "activity:turn.queue.cleared")
        .await;
    let EventBody::ThreadActivityAppended(cleared) = &cleared.body else {
        unreachable!()
    };
    assert_eq!(cleared.activity.payload["messageIds"], json!(["m2"]));
    rig.until(|e| kind(e) == "session:Stopped").await;
    actix::clock::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        heard(&driver),
        ["connect 1 true", "open None", "turn conversation-1 go"]
    );
}

/// A turn naming another agent than the session's runs on that agent's driver, in a new
/// conversation that is given the thread's earlier messages; an activity says so.
#[actix::test]
async fn a_turn_on_another_agent_switches_drivers_and_carries_the_transcript() {
    use crate::orchestration::model::{AgentKind, ModelSelection};
    use crate::runtime::driver_catalog::{AgentKey, DriverCatalog};
    let (mut rig, deps) = Rig::build("approval.jsonrpc").await;
    let first = FakeDriver::default();
    let second = FakeDriver::default();
    let claude = AgentKey {
        kind: AgentKind::ClaudeAgent,
        instance: None,
    };
    let catalog = DriverCatalog::default().with(claude, Arc::new(FakeFactory(second.clone())));
    let session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps)
        .with_driver_factory(Arc::new(FakeFactory(first.clone())))
        .with_drivers(catalog)
        .start();

    // Turn 1 on the session's own agent: it asks, is answered, ends with "Hello".
    rig.client(turn_start("turn", "m1")).await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadTurnStartRequested(_))
    })
    .await;
    let asked = rig
        .until(|e| kind(e) == "activity:approval.requested")
        .await;
    rig.client(approve("approve", &asked)).await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadApprovalResponseRequested(_))
    })
    .await;
    rig.until(|e| kind(e) == "session:Ready").await;

    // Turn 2 names claudeAgent.
    let ClientCommand::ThreadTurnStart(mut start) = turn_start("turn2", "m2") else {
        unreachable!()
    };
    start.model_selection = Some(ModelSelection {
        provider: AgentKind::ClaudeAgent,
        model: "claude-sonnet-4-6".into(),
        options: None,
        instance_id: None,
    });
    rig.client(ClientCommand::ThreadTurnStart(start)).await;
    rig.relay(
        &session,
        |e| matches!(&e.body, EventBody::ThreadTurnStartRequested(p) if p.message_id == "m2"),
    )
    .await;
    rig.until(|e| kind(e) == "activity:provider.switched").await;
    rig.until(|e| kind(e) == "activity:approval.requested" && e.sequence > asked.sequence)
        .await;
    let heard = second.0.lock().unwrap().heard.clone();
    let turn = heard
        .iter()
        .find(|h| h.starts_with("turn "))
        .unwrap_or_else(|| panic!("the second driver ran no turn: {heard:?}"));
    assert!(
        turn.contains("User: go\nAssistant: Hello") && turn.ends_with("go"),
        "{turn}"
    );
    assert_eq!(heard[0], "connect 2 true", "{heard:?}");
    let first_heard = first.0.lock().unwrap().heard.clone();
    assert!(
        first_heard.contains(&"close".to_string()),
        "{first_heard:?}"
    );
}

/// A turn on an agent the server has no driver for is refused by name, and the session says
/// so too (the thread does not look as if the turn were still coming).
#[actix::test]
async fn a_turn_on_an_agent_without_a_driver_is_a_session_error() {
    use crate::orchestration::model::{AgentKind, ModelSelection};
    use crate::runtime::driver_catalog::DriverCatalog;
    let (mut rig, deps) = Rig::build("approval.jsonrpc").await;
    let driver = FakeDriver::default();
    let session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps)
        .with_driver_factory(Arc::new(FakeFactory(driver.clone())))
        .with_drivers(DriverCatalog::default())
        .start();
    let ClientCommand::ThreadTurnStart(mut start) = turn_start("turn", "m1") else {
        unreachable!()
    };
    start.model_selection = Some(ModelSelection {
        provider: AgentKind::Cursor,
        model: "auto".into(),
        options: None,
        instance_id: None,
    });
    rig.client(ClientCommand::ThreadTurnStart(start)).await;
    rig.relay(&session, |e| {
        matches!(e.body, EventBody::ThreadTurnStartRequested(_))
    })
    .await;
    let refused = rig
        .until(|e| kind(e) == "activity:provider.turn.start.failed")
        .await;
    let EventBody::ThreadActivityAppended(refused) = &refused.body else {
        unreachable!()
    };
    let detail = refused.activity.payload["detail"].as_str().unwrap();
    assert!(detail.contains("cursor is not supported yet"), "{detail}");
    rig.until(|e| kind(e) == "session:Error").await;
    assert!(heard(&driver).is_empty(), "{:?}", heard(&driver));
}

/// Whether `e` says assistant message `id` is complete (a non-streaming message-sent).
fn completes(e: &Event, id: &str) -> bool {
    matches!(&e.body, EventBody::ThreadMessageSent(p)
        if p.role == MessageRole::Assistant && p.message_id == id && !p.streaming)
}

#[actix::test]
async fn an_answer_a_steer_left_open_is_completed_and_said_to_be_cut_short() {
    let (mut rig, _session, driver, _asked) = follow_up_rig(true, DispatchMode::Steer).await;
    for _ in 0..100 {
        if heard(&driver).iter().any(|h| h.starts_with("steer")) {
            break;
        }
        actix::clock::sleep(Duration::from_millis(20)).await;
    }
    // As codex does on a steer: the answer it was writing gets no completion; a new one starts.
    driver.emit(vec![Effect::AssistantText {
        message_id: "assistant:turn-1-steered".into(),
        turn_id: Some("turn-1".into()),
        text: "Taking the steer".into(),
    }]);
    rig.until(|e| completes(e, "assistant:turn-1")).await;
    let cut = rig
        .until(|e| kind(e) == "activity:assistant.cut-short")
        .await;
    let EventBody::ThreadActivityAppended(cut) = &cut.body else {
        unreachable!()
    };
    assert_eq!(cut.activity.payload["messageId"], "assistant:turn-1");
    assert_eq!(cut.activity.turn_id.as_deref(), Some("turn-1"));
    // The new answer is still being written.
    assert!(!rig
        .seen
        .iter()
        .any(|e| completes(e, "assistant:turn-1-steered")));
}

#[actix::test]
async fn an_answer_left_open_by_an_interrupt_is_completed_with_the_turn() {
    // This fake cannot steer: the steer interrupts turn 1, whose answer ("Hello") is open.
    let (mut rig, _session, _driver, _asked) = follow_up_rig(false, DispatchMode::Steer).await;
    rig.until(|e| completes(e, "assistant:turn-1")).await;
    rig.until(|e| matches!(e.body, EventBody::ThreadTurnDiffCompleted(_)))
        .await;
    // Not cut by a steer: nothing says so.
    assert!(!rig
        .seen
        .iter()
        .any(|e| kind(e) == "activity:assistant.cut-short"));
}
