//! A supervised registry as its callers see it: requests go straight to the running child
//! through its [`ChildHandle`]; while it restarts they are answered with the reason at once.
//! Also the Engine's reactor: the one recipient of its durable domain events, fanning them out
//! to the supervised registries that react to them.

use std::future::Future;

use actix::dev::ToEnvelope;
use actix::prelude::*;
use t3rs_actors::{Ask, ChildHandle, ChildUnavailable, Shutdown, Supervisor, Tell};

use crate::orchestration::events::EventBody;
use crate::runtime::engine::DomainEvent;
use crate::runtime::providers::ProviderRegistry;
use crate::runtime::terminals::{TerminalRegistry, ThreadDeleted};

/// The way to a registry under a [`Supervisor`], stable across its restarts.
pub struct Supervised<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    handle: ChildHandle<A>,
    /// Kept so the supervisor lives as long as any caller.
    supervisor: Addr<Supervisor<A>>,
}

impl<A> Clone for Supervised<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    fn clone(&self) -> Self {
        Self {
            handle: self.handle.clone(),
            supervisor: self.supervisor.clone(),
        }
    }
}

impl<A> Supervised<A>
where
    A: Actor<Context = Context<A>> + Handler<Shutdown>,
{
    pub fn new(supervisor: Addr<Supervisor<A>>, handle: ChildHandle<A>) -> Self {
        Self { handle, supervisor }
    }

    /// A request answered with a serialised result or an error (a message, or a reply error
    /// that may carry a cause); a registry that is down answers with why.
    pub fn send<M, E>(
        &self,
        msg: M,
    ) -> impl Future<Output = Result<Result<String, E>, MailboxError>> + 'static
    where
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
        M: Message<Result = Result<String, E>> + Send + 'static,
        E: From<String> + Send + 'static,
    {
        let asked = self.handle.send(Ask(msg));
        async move {
            match asked.await {
                Ok(Ok(answer)) => Ok(answer),
                Ok(Err(unavailable)) => Ok(Err(unavailable.to_string().into())),
                Err(err) => Err(err),
            }
        }
    }

    /// Any message, answered by the running child or refused with [`ChildUnavailable`].
    pub fn ask<M>(
        &self,
        msg: M,
    ) -> impl Future<Output = Result<M::Result, ChildUnavailable>> + 'static
    where
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
        M: Message + Send + 'static,
        M::Result: Send + 'static,
    {
        let asked = self.handle.send(Ask(msg));
        async move {
            match asked.await {
                Ok(answer) => answer,
                // `ChildHandle::send` never fails at the mailbox (see its documentation).
                Err(_) => Err(ChildUnavailable {
                    name: "registry".into(),
                    reason: "it stopped".into(),
                }),
            }
        }
    }

    /// Fire-and-forget; dropped with a warning while the child is down.
    pub fn tell<M>(&self, msg: M)
    where
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
        M: Message + Send + 'static,
        M::Result: Send + 'static,
    {
        self.handle.do_send(Tell(msg));
    }

    /// The supervisor (tests stop it; nothing else needs it).
    pub fn supervisor(&self) -> &Addr<Supervisor<A>> {
        &self.supervisor
    }
}

/// The Engine's reactor: durable provider requests go to the ProviderRegistry; a deleted
/// thread also closes its terminals (a typed message, never a match on push JSON).
pub struct Reactors {
    pub providers: ChildHandle<ProviderRegistry>,
    pub terminals: ChildHandle<TerminalRegistry>,
}

impl Actor for Reactors {
    type Context = Context<Self>;
}

impl Handler<DomainEvent> for Reactors {
    type Result = ();

    fn handle(&mut self, event: DomainEvent, _ctx: &mut Self::Context) {
        if matches!(event.0.body, EventBody::ThreadDeleted(_)) {
            self.terminals.do_send(Tell(ThreadDeleted {
                thread_id: event.0.aggregate_id.clone(),
            }));
        }
        self.providers.do_send(Tell(event));
    }
}

#[cfg(test)]
mod tests;
