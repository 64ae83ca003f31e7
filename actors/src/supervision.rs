//! Supervision: a [`Supervisor`] owns one child actor, restarts it with exponential backoff when it
//! ends abnormally (stop or panic), and gives up after `max_restarts` within `window`, telling its
//! parent why. Callers hold the supervisor's address, which outlives every child incarnation, and
//! reach the child through [`Ask`] / [`Tell`]; while the child is down they get
//! [`ChildUnavailable`] at once instead of hanging.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use tokio::sync::watch;

use crate::panic_capture;

/// When and how often to restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestartPolicy {
    /// Delay before the first restart; doubled for each further restart in the window.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Failures allowed inside `window`; the failure after these makes the supervisor give up.
    pub max_restarts: u32,
    pub window: Duration,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            max_restarts: 5,
            window: Duration::from_secs(60),
        }
    }
}

impl RestartPolicy {
    /// Delay before restart number `attempt` (1-based) inside the current window.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }
}

/// How a child incarnation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildOutcome {
    /// The child finished its work on purpose; it is not restarted.
    Completed,
    /// The child stopped or panicked; the text says why.
    Failed(String),
}

/// Sent by a [`ChildGuard`] to its supervisor when the child it lives in is dropped.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ChildEnded {
    generation: u64,
    outcome: ChildOutcome,
}

/// What a supervisor tells its parent, so the parent can log it and show it to users.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub enum SupervisorEvent {
    /// A failed child will be started again after `delay`.
    Restarting {
        name: String,
        attempt: u32,
        delay: Duration,
        reason: String,
    },
    /// The child failed more than the policy allows; it stays down.
    GaveUp { name: String, reason: String },
    /// The child completed on purpose; the supervisor has stopped.
    Completed { name: String },
}

/// Held by every child incarnation (a field of the actor struct). When the actor is dropped,
/// whether it stopped, completed or panicked, the guard tells the supervisor. Record intent
/// with [`ChildGuard::complete`] or [`ChildGuard::fail`] before stopping.
pub struct ChildGuard {
    notify: Option<Recipient<ChildEnded>>,
    generation: u64,
    panics_at_start: u64,
    outcome: Option<ChildOutcome>,
}

impl ChildGuard {
    /// A guard that reports to nobody, for running a supervisable actor on its own (tests,
    /// tools) without a supervisor.
    pub fn detached() -> Self {
        Self {
            notify: None,
            generation: 0,
            panics_at_start: panic_capture::panic_count(),
            outcome: None,
        }
    }

    /// The child is done on purpose: do not restart it.
    pub fn complete(&mut self) {
        self.outcome = Some(ChildOutcome::Completed);
    }

    /// The child is about to stop because of `reason`: restart it (policy permitting).
    pub fn fail(&mut self, reason: impl Into<String>) {
        self.outcome = Some(ChildOutcome::Failed(reason.into()));
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let Some(notify) = self.notify.take() else {
            return;
        };
        let outcome = match self.outcome.take() {
            Some(outcome) => outcome,
            None => match panic_capture::panic_since(self.panics_at_start) {
                Some(message) => ChildOutcome::Failed(format!("panicked: {message}")),
                None => ChildOutcome::Failed("stopped unexpectedly".to_string()),
            },
        };
        notify.do_send(ChildEnded {
            generation: self.generation,
            outcome,
        });
    }
}

/// Asks a supervised child to stop on purpose (the supervisor does not restart it). Every
/// supervised actor handles it, usually with `ctx.stop()` after `guard.complete()`.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Shutdown;

/// Sends `M` to the current child and returns its answer, or [`ChildUnavailable`] while the
/// child is restarting, has been given up on, or dies before answering.
pub struct Ask<M>(pub M);

impl<M> Message for Ask<M>
where
    M: Message,
    M::Result: 'static,
{
    type Result = Result<M::Result, ChildUnavailable>;
}

/// Fire-and-forget `M` to the current child; dropped (with a warning) while none is running.
pub struct Tell<M>(pub M);

impl<M: Message> Message for Tell<M> {
    type Result = ();
}

/// The supervised child cannot take the message right now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} is unavailable: {reason}")]
pub struct ChildUnavailable {
    pub name: String,
    pub reason: String,
}

type Factory<A> = Box<dyn FnMut(ChildGuard) -> A>;

/// What [`ChildHandle::send`] answers: the shape of `Addr<Supervisor<A>>::send(Ask(M))`.
pub type Asked<T> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Result<T, ChildUnavailable>, MailboxError>>>,
>;

/// Where a supervised child is right now: on its way, its address, or why there is none.
enum Slot<A: Actor> {
    Starting,
    Running(Addr<A>),
    Down(String),
}

/// How long a caller waits for a supervisor's first child before it is told the child is
/// unavailable (the first child starts as soon as its supervisor runs).
const FIRST_START_WAIT: Duration = Duration::from_secs(10);

/// A caller's way to the current child of a [`Supervisor`] without a second mailbox trip
/// through the supervisor: the supervisor writes the child's address here whenever it starts
/// one and clears it when the child ends. Cheap to clone; valid across restarts. Made before
/// the supervisor (see [`Supervisor::with_handle`]), so actors that need each other can be
/// handed each other's way in before either runs; a message sent before the first child exists
/// waits for it.
pub struct ChildHandle<A: Actor> {
    name: Arc<str>,
    slot: Arc<watch::Sender<Slot<A>>>,
}

impl<A: Actor> Clone for ChildHandle<A> {
    fn clone(&self) -> Self {
        Self {
            name: Arc::clone(&self.name),
            slot: Arc::clone(&self.slot),
        }
    }
}

impl<A: Actor> ChildHandle<A> {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Arc::from(name.into()),
            slot: Arc::new(watch::Sender::new(Slot::Starting)),
        }
    }

    fn set(&self, slot: Slot<A>) {
        self.slot.send_replace(slot);
    }

    /// The child's address now; `None` while the first one is still on its way.
    fn current(&self) -> Option<Result<Addr<A>, ChildUnavailable>> {
        match &*self.slot.borrow() {
            Slot::Starting => None,
            Slot::Running(addr) if addr.connected() => Some(Ok(addr.clone())),
            Slot::Running(_) => Some(Err(self.unavailable("it stopped".to_string()))),
            Slot::Down(reason) => Some(Err(self.unavailable(reason.clone()))),
        }
    }

    /// The child's address, waiting (boundedly) for the first one.
    async fn reach(&self) -> Result<Addr<A>, ChildUnavailable> {
        if let Some(now) = self.current() {
            return now;
        }
        let mut changes = self.slot.subscribe();
        let started = async move {
            // The `Ref` it returns is dropped here; `current` reads the value again.
            let _ = changes
                .wait_for(|slot| !matches!(slot, Slot::Starting))
                .await;
        };
        match tokio::time::timeout(FIRST_START_WAIT, started).await {
            Ok(()) => self
                .current()
                .unwrap_or_else(|| Err(self.unavailable("it has not started".to_string()))),
            Err(_) => {
                Err(self.unavailable(format!("it did not start within {FIRST_START_WAIT:?}")))
            }
        }
    }

    fn unavailable(&self, reason: String) -> ChildUnavailable {
        ChildUnavailable {
            name: self.name.to_string(),
            reason,
        }
    }

    /// Sends `M` to the current child, answering as `Addr<Supervisor<A>>::send(Ask(M))` does
    /// (the outer `Result` is always `Ok`: every failure is a [`ChildUnavailable`]), so a caller
    /// can hold either. A running child gets the message now, at the call, not when the future
    /// is first polled: one caller's messages reach it in the order they were sent.
    pub fn send<M>(&self, msg: Ask<M>) -> Asked<M::Result>
    where
        A: Handler<M>,
        A::Context: actix::dev::ToEnvelope<A, M>,
        M: Message + Send + 'static,
        M::Result: Send + 'static,
    {
        let stopped = self.unavailable("it stopped before answering".to_string());
        match self.current() {
            Some(Ok(child)) => {
                let request = child.send(msg.0);
                Box::pin(async move { Ok(request.await.map_err(|_| stopped)) })
            }
            Some(Err(unavailable)) => Box::pin(async move { Ok(Err(unavailable)) }),
            None => {
                // Only before the first incarnation: wait for it, then send.
                let handle = self.clone();
                Box::pin(async move {
                    let child = match handle.reach().await {
                        Ok(child) => child,
                        Err(unavailable) => return Ok(Err(unavailable)),
                    };
                    Ok(child.send(msg.0).await.map_err(|_| stopped))
                })
            }
        }
    }

    /// Fire-and-forget `M` to the current child; dropped (with a warning) while none runs.
    pub fn do_send<M>(&self, msg: Tell<M>)
    where
        A: Handler<M>,
        A::Context: actix::dev::ToEnvelope<A, M>,
        M: Message + Send + 'static,
        M::Result: Send + 'static,
    {
        match self.current() {
            Some(Ok(child)) => child.do_send(msg.0),
            Some(Err(unavailable)) => log::warn!("message dropped: {unavailable}"),
            None => log::warn!("message dropped: {} has not started yet", self.name),
        }
    }
}

/// Supervises one child actor of type `A`, built by a factory for every incarnation so each
/// restart starts from fresh state.
pub struct Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    name: String,
    factory: Factory<A>,
    policy: RestartPolicy,
    parent: Option<Recipient<SupervisorEvent>>,
    child: Option<Addr<A>>,
    generation: u64,
    failures: VecDeque<Instant>,
    down_reason: Option<String>,
    gave_up: bool,
    handle: ChildHandle<A>,
}

impl<A> fmt::Debug for Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Supervisor")
            .field("name", &self.name)
            .field("generation", &self.generation)
            .field("running", &self.child.is_some())
            .field("gave_up", &self.gave_up)
            .finish()
    }
}

impl<A> Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    pub fn new(
        name: impl Into<String>,
        policy: RestartPolicy,
        factory: impl FnMut(ChildGuard) -> A + 'static,
    ) -> Self {
        panic_capture::install();
        let name = name.into();
        let name_for_handle = name.clone();
        Self {
            name,
            factory: Box::new(factory),
            policy,
            parent: None,
            child: None,
            generation: 0,
            failures: VecDeque::new(),
            down_reason: None,
            gave_up: false,
            handle: ChildHandle::new(name_for_handle),
        }
    }

    /// Keeps `handle` pointing at the current child (instead of a handle of its own).
    pub fn with_handle(mut self, handle: ChildHandle<A>) -> Self {
        self.handle = handle;
        self
    }

    /// A handle that reaches the current child directly.
    pub fn handle(&self) -> ChildHandle<A> {
        self.handle.clone()
    }

    /// Where restart and give-up notices go.
    pub fn with_parent(mut self, parent: Recipient<SupervisorEvent>) -> Self {
        self.parent = Some(parent);
        self
    }

    fn spawn_child(&mut self, ctx: &mut Context<Self>) {
        self.generation += 1;
        let guard = ChildGuard {
            notify: Some(ctx.address().recipient()),
            generation: self.generation,
            panics_at_start: panic_capture::panic_count(),
            outcome: None,
        };
        let child = (self.factory)(guard).start();
        self.handle.set(Slot::Running(child.clone()));
        self.child = Some(child);
        self.down_reason = None;
    }

    fn tell_parent(&self, event: SupervisorEvent) {
        match &event {
            SupervisorEvent::Restarting {
                name,
                attempt,
                delay,
                reason,
            } => log::warn!("{name} failed ({reason}); restart {attempt} in {delay:?}"),
            SupervisorEvent::GaveUp { name, reason } => log::error!("{name}: {reason}"),
            SupervisorEvent::Completed { name } => log::debug!("{name} completed"),
        }
        if let Some(parent) = &self.parent {
            parent.do_send(event);
        }
    }

    fn unavailable(&self) -> ChildUnavailable {
        ChildUnavailable {
            name: self.name.clone(),
            reason: self
                .down_reason
                .clone()
                .unwrap_or_else(|| "not running".to_string()),
        }
    }
}

impl<A> Actor for Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.spawn_child(ctx);
    }

    fn stopping(&mut self, _ctx: &mut Self::Context) -> Running {
        // Mark the running child's end as expected, then ask it to stop.
        self.generation += 1;
        self.handle
            .set(Slot::Down("its supervisor stopped".to_string()));
        if let Some(child) = self.child.take() {
            child.do_send(Shutdown);
        }
        Running::Stop
    }
}

impl<A> Handler<ChildEnded> for Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    type Result = ();

    fn handle(&mut self, msg: ChildEnded, ctx: &mut Self::Context) {
        if msg.generation != self.generation {
            return; // an incarnation we already replaced or shut down on purpose
        }
        self.child = None;
        self.handle.set(Slot::Down("not running".to_string()));
        let reason = match msg.outcome {
            ChildOutcome::Completed => {
                self.tell_parent(SupervisorEvent::Completed {
                    name: self.name.clone(),
                });
                ctx.stop();
                return;
            }
            ChildOutcome::Failed(reason) => reason,
        };
        let now = Instant::now();
        while let Some(first) = self.failures.front() {
            if now.duration_since(*first) > self.policy.window {
                self.failures.pop_front();
            } else {
                break;
            }
        }
        self.failures.push_back(now);
        let failures = self.failures.len() as u32;
        if failures > self.policy.max_restarts {
            self.gave_up = true;
            let why = format!(
                "gave up after {failures} failures within {:?}; last: {reason}",
                self.policy.window
            );
            self.down_reason = Some(why.clone());
            self.handle.set(Slot::Down(why.clone()));
            self.tell_parent(SupervisorEvent::GaveUp {
                name: self.name.clone(),
                reason: why,
            });
            return;
        }
        let delay = self.policy.backoff(failures);
        self.down_reason = Some(format!("restarting after failure: {reason}"));
        self.handle
            .set(Slot::Down(format!("restarting after failure: {reason}")));
        self.tell_parent(SupervisorEvent::Restarting {
            name: self.name.clone(),
            attempt: failures,
            delay,
            reason,
        });
        ctx.run_later(delay, |act, ctx| act.spawn_child(ctx));
    }
}

impl<A, M> Handler<Ask<M>> for Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown> + Handler<M>,
    M: Message + Send + 'static,
    M::Result: Send + 'static,
    A::Context: actix::dev::ToEnvelope<A, M>,
{
    type Result = ResponseFuture<Result<M::Result, ChildUnavailable>>;

    fn handle(&mut self, msg: Ask<M>, _ctx: &mut Self::Context) -> Self::Result {
        let unavailable = self.unavailable();
        match self.child.clone() {
            Some(child) => Box::pin(async move {
                child.send(msg.0).await.map_err(|_| ChildUnavailable {
                    reason: "it stopped before answering".to_string(),
                    ..unavailable
                })
            }),
            None => Box::pin(async move { Err(unavailable) }),
        }
    }
}

impl<A, M> Handler<Tell<M>> for Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown> + Handler<M>,
    M: Message + Send + 'static,
    M::Result: Send + 'static,
    A::Context: actix::dev::ToEnvelope<A, M>,
{
    type Result = ();

    fn handle(&mut self, msg: Tell<M>, _ctx: &mut Self::Context) {
        match &self.child {
            Some(child) => child.do_send(msg.0),
            None => log::warn!("{}: message dropped: {}", self.name, self.unavailable()),
        }
    }
}

impl<A> Handler<Shutdown> for Supervisor<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

#[cfg(test)]
mod tests;
