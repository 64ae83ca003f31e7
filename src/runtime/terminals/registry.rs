//! The router of `terminal.*` requests: one supervised [`TerminalActor`] per (thread,
//! terminal), the per-thread limit, and the close of a deleted thread's terminals (told by the
//! Engine's reactor, see `runtime::supervised::Reactors`).

use std::collections::HashMap;

use actix::prelude::*;
use t3rs_actors::{Ask, ChildGuard, RestartPolicy, Shutdown, Supervisor};

use super::actor::{CloseTerminal, TerminalActor};
use super::environment::check_cwd;
use super::history;
use super::{
    CloseAllTerminals, Key, TerminalClear, TerminalClose, TerminalDeps, TerminalOpen,
    TerminalResize, TerminalRestart, TerminalWrite, ThreadDeleted, MAX_TERMINALS_PER_THREAD,
};
use crate::protocol::terminal::TerminalOpenParams;

pub struct TerminalRegistry {
    guard: ChildGuard,
    deps: TerminalDeps,
    live: HashMap<Key, Addr<Supervisor<TerminalActor>>>,
}

impl TerminalRegistry {
    pub fn new(guard: ChildGuard, deps: TerminalDeps) -> Self {
        Self {
            guard,
            deps,
            live: HashMap::new(),
        }
    }

    fn terminal(
        &self,
        thread_id: &str,
        terminal_id: &str,
    ) -> Result<Addr<Supervisor<TerminalActor>>, String> {
        self.live
            .get(&(thread_id.to_string(), terminal_id.to_string()))
            .cloned()
            .ok_or_else(|| format!("Unknown terminal thread: {thread_id}, terminal: {terminal_id}"))
    }

    fn close_keys(
        &mut self,
        keys: Vec<Key>,
        delete_history: bool,
    ) -> ResponseFuture<Result<String, String>> {
        let closing: Vec<_> = keys.iter().filter_map(|k| self.live.remove(k)).collect();
        let history = self.deps.history.clone();
        let orphans: Vec<Key> = if delete_history { keys } else { Vec::new() };
        Box::pin(async move {
            for terminal in closing {
                let _ = terminal.send(Ask(CloseTerminal { delete_history })).await;
            }
            // History of terminals that were not live (e.g. after a restart) goes too.
            for key in orphans {
                let _ = history::delete(&history, &key);
            }
            Ok(String::new())
        })
    }

    fn thread_keys(&self, thread_id: &str) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .live
            .keys()
            .filter(|(t, _)| t == thread_id)
            .cloned()
            .collect();
        // Persisted histories of terminals not open right now belong to the thread as well.
        for terminal in history::stored_terminals(&self.deps.history, thread_id) {
            let key = (thread_id.to_string(), terminal);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }
}

fn forward<M>(
    terminal: Result<Addr<Supervisor<TerminalActor>>, String>,
    msg: M,
) -> ResponseFuture<Result<String, String>>
where
    M: Message<Result = Result<String, String>> + Send + 'static,
    TerminalActor: Handler<M>,
{
    Box::pin(async move {
        match terminal?.send(Ask(msg)).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(unavailable)) => Err(unavailable.to_string()),
            Err(_) => Err("the terminal stopped".to_string()),
        }
    })
}

impl Actor for TerminalRegistry {
    type Context = Context<Self>;
}

impl Handler<TerminalOpen> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalOpen, _ctx: &mut Self::Context) -> Self::Result {
        let params = &msg.0;
        if let Err(err) = check_cwd(&params.cwd) {
            return Box::pin(async move { Err(err) });
        }
        let key = (params.thread_id.clone(), params.terminal_id.clone());
        if let Some(existing) = self.live.get(&key) {
            return forward(Ok(existing.clone()), msg);
        }
        let open = self
            .live
            .keys()
            .filter(|(t, _)| *t == params.thread_id)
            .count();
        if open >= MAX_TERMINALS_PER_THREAD {
            let thread = params.thread_id.clone();
            return Box::pin(async move {
                Err(format!(
                    "Thread {thread} already has {open} terminals open (the limit is {MAX_TERMINALS_PER_THREAD}); close one first."
                ))
            });
        }
        let deps = self.deps.clone();
        let first = params.clone();
        let name = format!("terminal {}/{}", key.0, key.1);
        let supervisor = Supervisor::new(name, RestartPolicy::default(), move |guard| {
            TerminalActor::new(guard, deps.clone(), &first)
        })
        .start();
        self.live.insert(key, supervisor.clone());
        // The new actor already started its shell; opening it again returns the snapshot.
        forward(Ok(supervisor), msg)
    }
}

impl Handler<TerminalWrite> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalWrite, _ctx: &mut Self::Context) -> Self::Result {
        forward(self.terminal(&msg.0.thread_id, &msg.0.terminal_id), msg)
    }
}

impl Handler<TerminalResize> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalResize, _ctx: &mut Self::Context) -> Self::Result {
        forward(self.terminal(&msg.0.thread_id, &msg.0.terminal_id), msg)
    }
}

impl Handler<TerminalClear> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalClear, _ctx: &mut Self::Context) -> Self::Result {
        forward(self.terminal(&msg.0.thread_id, &msg.0.terminal_id), msg)
    }
}

impl Handler<TerminalRestart> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalRestart, ctx: &mut Self::Context) -> Self::Result {
        let p = &msg.0;
        let key = (p.thread_id.clone(), p.terminal_id.clone());
        if self.live.contains_key(&key) {
            return forward(self.terminal(&key.0, &key.1), msg);
        }
        // Restarting a terminal that is not open opens it fresh.
        let open = TerminalOpen(TerminalOpenParams {
            thread_id: p.thread_id.clone(),
            terminal_id: p.terminal_id.clone(),
            cwd: p.cwd.clone(),
            cols: Some(p.cols),
            rows: Some(p.rows),
            env: p.env.clone(),
        });
        let opened = self.handle(open, ctx);
        let terminal = self.terminal(&key.0, &key.1);
        Box::pin(async move {
            opened.await?;
            forward(terminal, msg).await
        })
    }
}

impl Handler<TerminalClose> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(
        &mut self,
        TerminalClose(msg): TerminalClose,
        _ctx: &mut Self::Context,
    ) -> Self::Result {
        let keys = match msg.terminal_id {
            Some(terminal_id) => vec![(msg.thread_id, terminal_id)],
            None => self.thread_keys(&msg.thread_id),
        };
        self.close_keys(keys, msg.delete_history)
    }
}

impl Handler<CloseAllTerminals> for TerminalRegistry {
    type Result = ResponseFuture<usize>;

    fn handle(&mut self, _msg: CloseAllTerminals, _ctx: &mut Self::Context) -> Self::Result {
        let keys: Vec<Key> = self.live.keys().cloned().collect();
        let count = keys.len();
        let closing = self.close_keys(keys, false);
        Box::pin(async move {
            let _ = closing.await;
            count
        })
    }
}

/// A deleted thread takes its terminals (and their history) with it.
impl Handler<ThreadDeleted> for TerminalRegistry {
    type Result = ();

    fn handle(&mut self, msg: ThreadDeleted, ctx: &mut Self::Context) {
        let thread_id = msg.thread_id;
        let keys = self.thread_keys(&thread_id);
        if !keys.is_empty() {
            log::info!(
                "thread {thread_id} deleted: closing its {} terminal(s)",
                keys.len()
            );
            self.close_keys(keys, true)
                .into_actor(self)
                .map(|_, _, _| ())
                .spawn(ctx);
        }
    }
}

impl Handler<Shutdown> for TerminalRegistry {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

/// A registry that ends (a restart, a shutdown) ends its terminals: nothing else could reach
/// them.
impl Drop for TerminalRegistry {
    fn drop(&mut self) {
        for (_, terminal) in self.live.drain() {
            terminal.do_send(Shutdown);
        }
    }
}
