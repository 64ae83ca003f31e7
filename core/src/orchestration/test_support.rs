//! Builders shared by the orchestration tests.

use serde_json::{json, Value};

use super::*;

pub const T0: &str = "2026-01-01T00:00:00.000Z";
pub const NOW: &str = "2026-01-02T00:00:00.000Z";

pub fn client(value: Value) -> Command {
    Command::Client(decode_client_command(value).expect("valid command"))
}

pub fn internal(value: Value) -> Command {
    Command::Internal(serde_json::from_value(value).expect("valid internal command"))
}

pub fn create_project(id: &str) -> Value {
    json!({"type": "project.create", "commandId": format!("cmd-create-{id}"), "projectId": id,
           "title": "Project", "workspaceRoot": "/work", "createdAt": T0})
}

pub fn create_thread(id: &str, project: &str) -> Value {
    json!({"type": "thread.create", "commandId": format!("cmd-create-{id}"), "threadId": id,
           "projectId": project, "title": "Thread", "model": "gpt-5.4",
           "runtimeMode": "full-access", "branch": null, "worktreePath": null, "createdAt": T0})
}

pub fn turn_start(thread: &str, message: &str, text: &str) -> Value {
    json!({"type": "thread.turn.start", "commandId": format!("cmd-turn-{message}"),
           "threadId": thread,
           "message": {"messageId": message, "role": "user", "text": text, "attachments": []},
           "runtimeMode": "full-access", "interactionMode": "default", "createdAt": T0})
}

/// Decides with a deterministic clock and ids, then projects; returns the events.
pub struct Harness {
    pub model: ReadModel,
    /// The threads' lists, as the store would hold them.
    pub kv: history_kv::MemoryKv,
    pub sequence: u64,
    pub next_id: u64,
}

impl Harness {
    pub fn new() -> Self {
        Harness {
            model: ReadModel::default(),
            kv: history_kv::MemoryKv::default(),
            sequence: 0,
            next_id: 0,
        }
    }

    pub fn decide(&mut self, command: &Command) -> Result<Vec<EventDraft>, InvariantError> {
        let counter = &mut self.next_id;
        let mut next = || {
            *counter += 1;
            format!("evt-{counter}")
        };
        let mut ctx = DecideContext {
            now: NOW.to_string(),
            next_id: &mut next,
        };
        decide(command, &self.model, &mut ctx)
    }

    pub fn run(&mut self, command: Command) -> Result<Vec<Event>, InvariantError> {
        let drafts = self.decide(&command)?;
        Ok(drafts
            .into_iter()
            .map(|draft| {
                self.sequence += 1;
                let event = draft.into_event(self.sequence);
                project(&mut self.model, &mut self.kv, &event).expect("memory store");
                // As the write path does for every thread a batch touches.
                tail_replay::write_meta(
                    &self.model,
                    &mut self.kv,
                    tail_replay::event_thread(&event),
                );
                event
            })
            .collect())
    }

    pub fn ok(&mut self, command: Command) -> Vec<Event> {
        self.run(command).expect("accepted")
    }

    /// A project `p1` with a thread `t1`.
    pub fn with_thread() -> Self {
        let mut h = Harness::new();
        h.ok(client(create_project("p1")));
        h.ok(client(create_thread("t1", "p1")));
        h
    }

    /// The thread with its lists read back from the store.
    pub fn thread(&self, id: &str) -> FullThread {
        let row = &self.model.threads[id];
        let lists = history_kv::read_lists(&self.kv, id).expect("memory store");
        FullThread::of(row, lists)
    }

    /// The whole model with every thread's lists.
    pub fn full(&self) -> FullModel {
        FullModel::assemble(&self.model, &self.kv).expect("memory store")
    }
}
