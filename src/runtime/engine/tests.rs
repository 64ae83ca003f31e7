//! The Engine on a real temp store under its supervisor: reads see only flushed state, a failed
//! flush poisons the incarnation, batches are capped, an unreadable receipt refuses its command.

use super::*;
use crate::orchestration::commands::{ProjectCreateCommand, ThreadCreateCommand};
use crate::orchestration::model::{InteractionMode, RuntimeMode};
use crate::orchestration::ClientCommand;
use crate::store::Store;
use std::time::Duration;
use t3rs_actors::{Ask, RestartPolicy, Supervisor};

const AT: &str = "2026-01-01T00:00:00.000Z";
const DEADLINE: Duration = Duration::from_secs(20);

struct Rig {
    dir: tempfile::TempDir,
    store: Store,
    log: EventLog,
    engine: EngineHandle,
    _supervisor: Addr<Supervisor<Engine>>,
}

impl Rig {
    fn start() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state")).unwrap();
        let log = EventLog::open(&store).unwrap();
        let bus = PushBus::new(100_000).start();
        let factory_log = log.clone();
        let supervisor = Supervisor::new("engine", RestartPolicy::default(), move |guard| {
            let state = load_state(&factory_log).unwrap();
            Engine::new(
                guard,
                factory_log.clone(),
                bus.clone(),
                Watermark::default(),
                state,
                1000,
            )
        });
        let engine = supervisor.handle();
        Rig {
            dir,
            store,
            log,
            engine,
            _supervisor: supervisor.start(),
        }
    }

    /// The served snapshot, once an incarnation answers (after a restart, the next one).
    async fn snapshot(&self) -> String {
        let deadline = std::time::Instant::now() + DEADLINE;
        loop {
            if let Ok(Ok(Ok(model))) = self.engine.send(Ask(GetSnapshot)).await {
                return serde_json::to_string(&model).unwrap();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the engine never came back"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn snapshot_sequences(&self) -> Vec<u64> {
        match std::fs::read_dir(self.dir.path().join("state/snapshots")) {
            Ok(entries) => entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".json")?.parse().ok()
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

fn project(id: &str) -> Dispatch {
    Dispatch(Command::Client(ClientCommand::ProjectCreate(
        ProjectCreateCommand {
            command_id: format!("c-{id}"),
            project_id: id.into(),
            title: id.into(),
            workspace_root: format!("/work/{id}"),
            default_model: None,
            created_at: AT.into(),
        },
    )))
}

fn thread(id: &str, project_id: &str) -> Dispatch {
    Dispatch(Command::Client(ClientCommand::ThreadCreate(
        ThreadCreateCommand {
            model_selection: None,
            command_id: format!("c-{id}"),
            thread_id: id.into(),
            project_id: project_id.into(),
            title: id.into(),
            model: "fake-model".into(),
            runtime_mode: RuntimeMode::FullAccess,
            interaction_mode: InteractionMode::Default,
            branch: None,
            worktree_path: None,
            created_at: AT.into(),
        },
    )))
}

fn context(thread_id: &str) -> ThreadContext {
    ThreadContext {
        thread_id: thread_id.into(),
        message_id: None,
    }
}

#[actix_rt::test]
async fn reads_see_only_flushed_state() {
    let rig = Rig::start();
    assert!(matches!(
        rig.engine.send(Ask(project("p0"))).await,
        Ok(Ok(Ok(_)))
    ));
    // Sent in one mailbox drain: the reads come after the dispatches and see them, flushed.
    let created = rig.engine.send(Ask(project("p1")));
    let threaded = rig.engine.send(Ask(thread("t1", "p1")));
    let snapshot = rig.engine.send(Ask(GetSnapshot));
    let info = rig.engine.send(Ask(context("t1")));
    assert!(matches!(created.await, Ok(Ok(Ok(_)))));
    assert!(matches!(threaded.await, Ok(Ok(Ok(_)))));
    let snapshot = serde_json::to_string(&snapshot.await.unwrap().unwrap().unwrap()).unwrap();
    assert!(snapshot.contains("\"p1\"") && snapshot.contains("\"t1\""));
    assert!(matches!(info.await, Ok(Ok(Some(_)))));

    // Now the flush fails: nothing decided in that batch may be shown by a read.
    rig.engine.send(Ask(FailWrites)).await.unwrap().unwrap();
    let created = rig.engine.send(Ask(project("p2")));
    let threaded = rig.engine.send(Ask(thread("t2", "p2")));
    let snapshot = rig.engine.send(Ask(GetSnapshot));
    let info = rig.engine.send(Ask(context("t2")));
    assert!(
        matches!(created.await, Ok(Ok(Err(DispatchError::Storage(_))))),
        "the failed flush is reported"
    );
    let _ = threaded.await;
    let snapshot = snapshot.await;
    assert!(
        !matches!(&snapshot, Ok(Ok(Ok(model))) if model.projects.contains_key("p2")),
        "a snapshot showed an event that was never stored: {snapshot:?}"
    );
    let info = info.await;
    assert!(
        !matches!(info, Ok(Ok(Some(_)))),
        "a thread that was never stored was described: {info:?}"
    );
    // The next incarnation reloads the truth from disk.
    let snapshot = rig.snapshot().await;
    assert!(snapshot.contains("\"t1\"") && !snapshot.contains("\"p2\""));
}

#[actix_rt::test]
async fn a_failed_flush_poisons_the_incarnation_no_snapshot_of_lost_events() {
    let rig = Rig::start();
    assert!(matches!(
        rig.engine.send(Ask(project("p1"))).await,
        Ok(Ok(Ok(_)))
    ));
    rig.engine.send(Ask(FailWrites)).await.unwrap().unwrap();
    let lost = rig.engine.send(Ask(project("p2")));
    let checkpoint = rig.engine.send(Ask(Checkpoint));
    assert!(matches!(lost.await, Ok(Ok(Err(DispatchError::Storage(_))))));
    let _ = checkpoint.await;
    let durable = rig.log.last_sequence().unwrap();
    assert_eq!(durable, 1);
    let snapshot = rig.snapshot().await;
    assert!(snapshot.contains("\"p1\"") && !snapshot.contains("\"p2\""));
    let sequences = rig.snapshot_sequences();
    assert!(
        sequences.iter().all(|s| *s <= durable),
        "a snapshot ahead of the log ({durable}) was written: {sequences:?}"
    );
}

#[actix_rt::test]
async fn batches_are_capped_at_1000_commands() {
    let rig = Rig::start();
    // Once the engine runs, a send reaches its mailbox at the call: the burst is one drain.
    assert!(matches!(
        rig.engine.send(Ask(project("first"))).await,
        Ok(Ok(Ok(_)))
    ));
    let sent: Vec<_> = (0..2_500)
        .map(|n| rig.engine.send(Ask(project(&format!("p{n}")))))
        .collect();
    for reply in sent {
        assert!(matches!(reply.await, Ok(Ok(Ok(_)))));
    }
    let batches = rig.engine.send(Ask(FlushedBatches)).await.unwrap().unwrap();
    assert_eq!(batches.iter().sum::<usize>(), 2_501, "{batches:?}");
    assert_eq!(batches.iter().max(), Some(&BATCH_CAP), "{batches:?}");
}

#[actix_rt::test]
async fn an_unreadable_receipt_refuses_its_command() {
    let rig = Rig::start();
    let receipts = rig.store.db().open_tree("receipts").unwrap();
    receipts.insert(b"c-p1", &b"{\"stat"[..]).unwrap();
    let outcome = rig.engine.send(Ask(project("p1"))).await;
    match outcome {
        Ok(Ok(Err(DispatchError::Storage(message)))) => {
            assert!(
                message.contains("c-p1") && message.contains("damaged"),
                "{message}"
            )
        }
        other => panic!("a command whose receipt is unreadable was answered: {other:?}"),
    }
    assert!(!rig.snapshot().await.contains("\"p1\""));
}

/// Test hook: every later flush of this incarnation fails, as a full or broken disk would.
#[derive(Message)]
#[rtype(result = "()")]
struct FailWrites;

impl Handler<FailWrites> for Engine {
    type Result = ();

    fn handle(&mut self, _msg: FailWrites, _ctx: &mut Self::Context) {
        self.fail_writes = true;
    }
}

/// Test hook: the number of commands in each batch flushed so far.
#[derive(Message)]
#[rtype(result = "Vec<usize>")]
struct FlushedBatches;

impl Handler<FlushedBatches> for Engine {
    type Result = MessageResult<FlushedBatches>;

    fn handle(&mut self, _msg: FlushedBatches, _ctx: &mut Self::Context) -> Self::Result {
        MessageResult(self.flushed.clone())
    }
}
