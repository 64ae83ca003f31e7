//! The session's side of a driver whose actor takes [`crate::runtime::driver_messages`] (Claude
//! Code's and ACP's): the [`ProviderDriver`] a thread session holds, each call a message to the
//! actor, a dead actor read as an ended session. Written once, so the two drivers cannot drift.

use std::sync::Arc;

use actix::dev::ToEnvelope;
use actix::prelude::*;

use crate::provider::driver::{
    ready, Answer, DriverFuture, DriverInfo, Effect, OpenConversation, Opened, ProviderDriver,
    ProviderError, TurnInput,
};
use crate::runtime::driver_messages::{
    Close, Connect, Disconnect, Interrupt, Open, Respond, RollBack, StartTurn, Stop,
};

pub struct MailboxDriver<A: Actor> {
    addr: Addr<A>,
    info: Arc<dyn Fn() -> DriverInfo + Send + Sync>,
    /// How an ended session is said ("the ACP session ended").
    ended: &'static str,
    /// Why a steer is refused: neither agent takes input into a running turn here.
    no_steer: &'static str,
}

impl<A: Actor> MailboxDriver<A> {
    pub fn new(
        addr: Addr<A>,
        info: Arc<dyn Fn() -> DriverInfo + Send + Sync>,
        ended: &'static str,
        no_steer: &'static str,
    ) -> Self {
        MailboxDriver {
            addr,
            info,
            ended,
            no_steer,
        }
    }

    /// Sends `msg` and answers what the actor answers (or that the session ended).
    fn ask<M, T>(&self, msg: M) -> DriverFuture<T>
    where
        M: Message<Result = Result<T, ProviderError>> + Send + 'static,
        T: Send + 'static,
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
    {
        let request = self.addr.send(msg);
        let ended = self.ended;
        Box::pin(async move {
            request
                .await
                .unwrap_or_else(|_| Err(ProviderError::gone(ended)))
        })
    }
}

impl<A> ProviderDriver for MailboxDriver<A>
where
    A: Actor<Context = Context<A>>
        + Handler<Connect>
        + Handler<Disconnect>
        + Handler<Open>
        + Handler<StartTurn>
        + Handler<Interrupt>
        + Handler<RollBack>
        + Handler<Respond>
        + Handler<Stop>
        + Handler<Close>,
{
    fn info(&self) -> DriverInfo {
        (self.info)()
    }

    fn connect(&self, generation: u64, cwd: &str) {
        self.addr.do_send(Connect {
            generation,
            cwd: cwd.to_string(),
        });
    }

    fn disconnect(&self) {
        self.addr.do_send(Disconnect);
    }

    fn open(&self, generation: u64, request: OpenConversation) -> DriverFuture<Opened> {
        self.ask(Open {
            generation,
            request,
        })
    }

    fn start_turn(
        &self,
        generation: u64,
        conversation: String,
        input: TurnInput,
    ) -> DriverFuture<String> {
        self.ask(StartTurn {
            generation,
            conversation,
            input,
        })
    }

    fn interrupt(&self, generation: u64, _: String, _: String) -> DriverFuture<()> {
        self.ask(Interrupt { generation })
    }

    fn steer(&self, _: u64, _: String, _: String, _: TurnInput) -> DriverFuture<()> {
        ready(Err(ProviderError::Unsupported(self.no_steer.into())))
    }

    fn rollback(
        &self,
        generation: u64,
        conversation: String,
        before_turn: String,
    ) -> DriverFuture<()> {
        self.ask(RollBack {
            generation,
            conversation,
            before_turn,
        })
    }

    fn answer(&self, request_id: String, answer: Answer) -> DriverFuture<Vec<Effect>> {
        self.ask(Respond { request_id, answer })
    }

    fn stop(&self, reason: String) -> DriverFuture<Vec<Effect>> {
        // A stopped agent whose actor is gone has nothing left open.
        let request = self.addr.send(Stop { reason });
        Box::pin(async move { request.await.unwrap_or_else(|_| Ok(Vec::new())) })
    }

    fn close(&self) {
        self.addr.do_send(Close);
    }
}
