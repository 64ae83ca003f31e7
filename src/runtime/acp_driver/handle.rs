//! What the shared [`crate::runtime::mailbox_driver::MailboxDriver`] asks of the ACP actor that
//! ACP has no answer for: a rollback (an ACP agent cannot forget turns; the session then starts
//! the conversation over).

use actix::prelude::*;

use super::AcpDriver;
use crate::provider::driver::ProviderError;
use crate::runtime::driver_messages::RollBack;

impl Handler<RollBack> for AcpDriver {
    type Result = Result<(), ProviderError>;

    fn handle(&mut self, _msg: RollBack, _ctx: &mut Self::Context) -> Self::Result {
        Err(ProviderError::Unsupported(
            "an ACP agent's conversation cannot be rolled back".into(),
        ))
    }
}
