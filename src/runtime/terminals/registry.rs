//! The router of `terminal.*` requests: one supervised [`TerminalActor`] per (thread,
//! terminal), the per-thread limit, and the close of a deleted thread's terminals (told by the
//! Engine's reactor, see `runtime::supervised::Reactors`).

use std::collections::HashMap;
use std::time::Duration;

use actix::prelude::*;
use t3rs_actors::{Ask, ChildGuard, RestartPolicy, Shutdown, Supervisor, Tell};

use super::actor::{CloseTerminal, TerminalActor};
use super::environment::check_cwd;
use super::{
    CloseAllTerminals, ConnectionClosed, Key, TerminalAckOutput, TerminalClear, TerminalClose,
    TerminalDeps, TerminalOpen, TerminalResize, TerminalRestart, TerminalWrite, ThreadDeleted,
    MAX_TERMINALS_PER_THREAD,
};
use crate::protocol::terminal::TerminalOpenParams;

/// How long closing every terminal (shutdown) waits for their histories to be written.
const FLUSH_WITHIN: Duration = Duration::from_secs(1);

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

    /// Closes the live terminals among `keys`; `forget` says which histories go with them
    /// (also of terminals not live, e.g. after a restart: `Forget::Thread` drops every stored
    /// history of the thread).
    fn close_keys(
        &mut self,
        keys: Vec<Key>,
        forget: Forget,
    ) -> ResponseFuture<Result<String, String>> {
        let closing: Vec<_> = keys.iter().filter_map(|k| self.live.remove(k)).collect();
        let delete_history = !matches!(forget, Forget::Nothing);
        let history = self.deps.history.clone();
        Box::pin(async move {
            for terminal in closing {
                let _ = terminal.send(Ask(CloseTerminal { delete_history })).await;
            }
            match forget {
                Forget::Nothing => {}
                Forget::Keys => keys.iter().for_each(|key| history.delete(key)),
                Forget::Thread(thread_id) => history.delete_thread(&thread_id),
            }
            Ok(String::new())
        })
    }

    /// The live terminals of `thread_id`.
    fn thread_keys(&self, thread_id: &str) -> Vec<Key> {
        self.live
            .keys()
            .filter(|(t, _)| t == thread_id)
            .cloned()
            .collect()
    }
}

/// Which histories a close drops.
enum Forget {
    Nothing,
    /// Those of the closed keys.
    Keys,
    /// Every one of the thread's, open or not.
    Thread(String),
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

impl Handler<TerminalAckOutput> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalAckOutput, _ctx: &mut Self::Context) -> Self::Result {
        let terminal = self.terminal(&msg.params.thread_id, &msg.params.terminal_id);
        forward(terminal, msg)
    }
}

/// Every terminal forgets the closed connection's count.
impl Handler<ConnectionClosed> for TerminalRegistry {
    type Result = ();

    fn handle(&mut self, msg: ConnectionClosed, _ctx: &mut Self::Context) {
        for terminal in self.live.values() {
            terminal.do_send(Tell(msg));
        }
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
        let (keys, forget) = match msg.terminal_id {
            Some(terminal_id) => (vec![(msg.thread_id, terminal_id)], Forget::Keys),
            None => (
                self.thread_keys(&msg.thread_id),
                Forget::Thread(msg.thread_id),
            ),
        };
        let forget = if msg.delete_history {
            forget
        } else {
            Forget::Nothing
        };
        self.close_keys(keys, forget)
    }
}

impl Handler<CloseAllTerminals> for TerminalRegistry {
    type Result = ResponseFuture<usize>;

    fn handle(&mut self, _msg: CloseAllTerminals, _ctx: &mut Self::Context) -> Self::Result {
        let keys: Vec<Key> = self.live.keys().cloned().collect();
        let count = keys.len();
        let closing = self.close_keys(keys, Forget::Nothing);
        let history = self.deps.history.clone();
        Box::pin(async move {
            let _ = closing.await;
            // Their last output is handed to the writer; wait (bounded) until it is on disk.
            if !history.flush(FLUSH_WITHIN).await {
                log::warn!("terminal histories still being written after {FLUSH_WITHIN:?}");
            }
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
        }
        self.close_keys(keys, Forget::Thread(thread_id))
            .into_actor(self)
            .map(|_, _, _| ())
            .spawn(ctx);
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
