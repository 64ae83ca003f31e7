//! The session's side of an ACP driver: the [`ProviderDriver`] a thread session holds, each
//! call a message to the [`AcpDriver`] actor (a dead actor reads as an ended session).

use actix::prelude::*;

use super::{AcpDriver, AcpDriverFactory};
use crate::provider::driver::{
    ready, Answer, DriverFactory, DriverFuture, DriverInfo, Effect, OpenConversation, Opened,
    ProviderDriver, ProviderError, TurnInput,
};
use crate::runtime::driver_messages::{
    Close, Connect, Disconnect, Interrupt, Open, Respond, StartTurn, Stop,
};

/// The session's side of the driver.
pub struct AcpDriverHandle {
    pub(super) addr: Addr<AcpDriver>,
    pub(super) factory: AcpDriverFactory,
}

fn gone<T>(result: Result<Result<T, ProviderError>, MailboxError>) -> Result<T, ProviderError> {
    result.unwrap_or_else(|_| Err(ProviderError::gone("the ACP session ended")))
}

impl ProviderDriver for AcpDriverHandle {
    fn info(&self) -> DriverInfo {
        self.factory.info()
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
        let request = self.addr.send(Open {
            generation,
            request,
        });
        Box::pin(async move { gone(request.await) })
    }

    fn start_turn(
        &self,
        generation: u64,
        conversation: String,
        input: TurnInput,
    ) -> DriverFuture<String> {
        let request = self.addr.send(StartTurn {
            generation,
            conversation,
            input,
        });
        Box::pin(async move { gone(request.await) })
    }

    fn interrupt(&self, generation: u64, _: String, _: String) -> DriverFuture<()> {
        let request = self.addr.send(Interrupt { generation });
        Box::pin(async move { gone(request.await) })
    }

    fn steer(&self, _: u64, _: String, _: String, _: TurnInput) -> DriverFuture<()> {
        ready(Err(ProviderError::Unsupported(
            "ACP agents' running turns take no more input here".into(),
        )))
    }

    fn rollback(&self, _: u64, _: String, _: String) -> DriverFuture<()> {
        ready(Err(ProviderError::Unsupported(
            "an ACP agent's conversation cannot be rolled back".into(),
        )))
    }

    fn answer(&self, request_id: String, answer: Answer) -> DriverFuture<Vec<Effect>> {
        let request = self.addr.send(Respond { request_id, answer });
        Box::pin(async move { gone(request.await) })
    }

    fn stop(&self, reason: String) -> DriverFuture<Vec<Effect>> {
        let request = self.addr.send(Stop { reason });
        Box::pin(async move { request.await.unwrap_or_else(|_| Ok(Vec::new())) })
    }

    fn close(&self) {
        self.addr.do_send(Close);
    }
}
