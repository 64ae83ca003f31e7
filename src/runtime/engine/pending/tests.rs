//! The pending-request rule against a real Engine on a temp store: which threads a starting
//! provider side wakes, and which questions a restarted session closes.

use super::*;
use crate::orchestration::commands::{
    ActivityAppendCommand, ProjectCreateCommand, ThreadCreateCommand, ThreadSessionSetCommand,
    ThreadTurnStartCommand, TurnStartMessage, UserRole,
};
use crate::orchestration::model::{InteractionMode, RuntimeMode};
use crate::orchestration::{ClientCommand, Command, InternalCommand};
use crate::runtime::engine::{load_state, Dispatch, EngineHandle, Watermark};
use crate::runtime::push_bus::PushBus;
use crate::store::{event_log::EventLog, Store};
use t3rs_actors::{Ask, RestartPolicy, Supervisor};

const AT: &str = "2026-01-01T00:00:00.000Z";

struct Rig {
    _dir: tempfile::TempDir,
    engine: EngineHandle,
    _supervisor: Addr<Supervisor<Engine>>,
    next: u64,
}

impl Rig {
    async fn start() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state")).unwrap();
        let log = EventLog::open(&store).unwrap();
        let bus = PushBus::new(100_000).start();
        let supervisor = Supervisor::new("engine", RestartPolicy::default(), move |guard| {
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
        let mut rig = Rig {
            _dir: dir,
            engine,
            _supervisor: supervisor.start(),
            next: 0,
        };
        rig.dispatch(Command::Client(ClientCommand::ProjectCreate(
            ProjectCreateCommand {
                command_id: "p".into(),
                project_id: "p".into(),
                title: "p".into(),
                workspace_root: "/tmp".into(),
                default_model: None,
                created_at: AT.into(),
            },
        )))
        .await;
        rig
    }

    fn id(&mut self) -> String {
        self.next += 1;
        format!("c{}", self.next)
    }

    async fn dispatch(&mut self, command: Command) {
        let sent = self.engine.send(Ask(Dispatch(command))).await;
        assert!(matches!(sent, Ok(Ok(Ok(_)))), "{sent:?}");
    }

    async fn thread(&mut self, thread_id: &str) {
        let command_id = self.id();
        self.dispatch(Command::Client(ClientCommand::ThreadCreate(
            ThreadCreateCommand {
                model_selection: None,
                command_id,
                thread_id: thread_id.into(),
                project_id: "p".into(),
                title: "t".into(),
                model: "m".into(),
                runtime_mode: RuntimeMode::FullAccess,
                interaction_mode: InteractionMode::Default,
                branch: None,
                worktree_path: None,
                created_at: AT.into(),
            },
        )))
        .await;
    }

    async fn turn_start(&mut self, thread_id: &str) {
        let command_id = self.id();
        self.dispatch(Command::Client(ClientCommand::ThreadTurnStart(
            ThreadTurnStartCommand {
                model_selection: None,
                command_id: command_id.clone(),
                thread_id: thread_id.into(),
                message: TurnStartMessage {
                    message_id: format!("m-{command_id}"),
                    role: UserRole::User,
                    text: "go".into(),
                    attachments: vec![],
                },
                provider: None,
                model: None,
                service_tier: None,
                model_options: None,
                assistant_delivery_mode: None,
                dispatch_mode: Default::default(),
                runtime_mode: RuntimeMode::FullAccess,
                interaction_mode: InteractionMode::Default,
                created_at: AT.into(),
            },
        )))
        .await;
    }

    async fn session(&mut self, thread_id: &str, status: SessionStatus) {
        let command_id = self.id();
        self.dispatch(Command::Internal(InternalCommand::ThreadSessionSet(
            ThreadSessionSetCommand {
                command_id,
                thread_id: thread_id.into(),
                session: Session {
                    thread_id: thread_id.into(),
                    status,
                    provider_name: Some("codex".into()),
                    runtime_mode: RuntimeMode::FullAccess,
                    active_turn_id: None,
                    last_error: None,
                    updated_at: AT.into(),
                },
                created_at: AT.into(),
            },
        )))
        .await;
    }

    async fn activity(&mut self, thread_id: &str, kind: &str, payload: Value) {
        let command_id = self.id();
        self.dispatch(Command::Internal(InternalCommand::ThreadActivityAppend(
            ActivityAppendCommand {
                command_id: command_id.clone(),
                thread_id: thread_id.into(),
                activity: Activity {
                    id: command_id,
                    tone: ActivityTone::Approval,
                    kind: kind.into(),
                    summary: kind.into(),
                    payload,
                    turn_id: Some("turn-1".into()),
                    sequence: None,
                    created_at: AT.into(),
                },
                created_at: AT.into(),
            },
        )))
        .await;
    }
}

/// A turn start no session took up wakes its thread's session; one a session answered (a
/// session change after it, or its refusal), one whose session is active (the start-up settles
/// that turn instead), or a thread with nothing pending, does not.
#[actix::test]
async fn only_threads_with_a_turn_start_nobody_took_up_await_a_session() {
    let mut rig = Rig::start().await;
    for thread in ["lost", "done", "active", "refused", "quiet"] {
        rig.thread(thread).await;
    }
    rig.turn_start("done").await;
    rig.session("done", SessionStatus::Ready).await;
    rig.session("active", SessionStatus::Running).await;
    rig.turn_start("active").await;
    rig.turn_start("refused").await;
    rig.activity("refused", "provider.turn.start.failed", json!({}))
        .await;
    rig.session("lost", SessionStatus::Ready).await;
    rig.turn_start("lost").await;
    let awaiting = rig
        .engine
        .send(Ask(ThreadPendingRequests::awaiting_sessions()))
        .await;
    let Ok(Ok(Ok(awaiting))) = awaiting else {
        panic!("{awaiting:?}")
    };
    assert_eq!(awaiting, vec!["lost".to_string()]);
}

/// The questions codex asked that no resolution answers, in the order asked.
#[actix::test]
async fn open_questions_are_those_nobody_resolved() {
    let mut rig = Rig::start().await;
    rig.thread("t1").await;
    let approval =
        |id: &str| json!({ "requestId": id, "requestKind": "command", "requestType": "exec" });
    rig.activity("t1", "approval.requested", approval("r1"))
        .await;
    rig.activity("t1", "user-input.requested", json!({ "requestId": "r2" }))
        .await;
    rig.activity("t1", "approval.requested", approval("r3"))
        .await;
    rig.activity("t1", "approval.resolved", approval("r3"))
        .await;
    let pending = rig
        .engine
        .send(Ask(ThreadPendingRequests {
            thread_id: "t1".into(),
        }))
        .await;
    let Ok(Ok(Ok(pending))) = pending else {
        panic!("{pending:?}")
    };
    let open: Vec<(String, bool)> = pending
        .open_questions
        .iter()
        .map(|q| (q.request_id.clone(), q.approval.is_some()))
        .collect();
    assert_eq!(open, vec![("r1".into(), true), ("r2".into(), false)]);
    let closed = pending.open_questions[0].cancelled("gone", "a".into(), AT);
    assert_eq!(closed.kind, "approval.resolved");
    assert_eq!(closed.payload["decision"], "cancel");
    assert_eq!(closed.payload["requestKind"], "command");
    let closed = pending.open_questions[1].cancelled("gone", "b".into(), AT);
    assert_eq!(closed.kind, "user-input.resolved");
    assert_eq!(closed.payload["cancelled"], true);
}

/// A turn start queued behind a running turn stays pending after that turn's end until the
/// session says it started it (`turn.dequeued`).
#[actix::test]
async fn a_queued_turn_start_that_never_started_stays_pending() {
    let mut rig = Rig::start().await;
    rig.thread("t1").await;
    rig.session("t1", SessionStatus::Running).await;
    rig.turn_start("t1").await;
    let message = format!("m-c{}", rig.next);
    rig.activity("t1", "turn.queued", json!({ "messageId": message }))
        .await;
    rig.session("t1", SessionStatus::Ready).await;
    let pending = |rig: &Rig| {
        let engine = rig.engine.clone();
        async move {
            let answer = engine
                .send(Ask(ThreadPendingRequests {
                    thread_id: "t1".into(),
                }))
                .await;
            let Ok(Ok(Ok(pending))) = answer else {
                panic!("{answer:?}")
            };
            pending
        }
    };
    let found = pending(&rig).await;
    assert_eq!(found.queued, vec![message.clone()]);
    let starts: Vec<&str> = found
        .requests
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::ThreadTurnStartRequested(p) => Some(p.message_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(starts, [message.as_str()]);
    let awaiting = rig
        .engine
        .send(Ask(ThreadPendingRequests::awaiting_sessions()))
        .await;
    assert!(
        matches!(&awaiting, Ok(Ok(Ok(a))) if a == &["t1".to_string()]),
        "{awaiting:?}"
    );

    rig.activity("t1", "turn.dequeued", json!({ "messageId": message }))
        .await;
    rig.session("t1", SessionStatus::Ready).await;
    let found = pending(&rig).await;
    assert!(found.queued.is_empty());
    assert!(found.requests.is_empty(), "{:?}", found.requests);
}
