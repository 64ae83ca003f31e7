//! Where a thread's conversation with its agent is kept: the agent's conversation id, stored
//! per agent (codex's under the thread's id, as before other agents existed), resumed when the
//! driver can, dropped when it cannot forget undone turns, and recorded when a driver opens one.

use actix::prelude::*;
use serde_json::json;

use super::ThreadSession;
use crate::orchestration::model::{ActivityTone, SessionStatus};
use crate::provider::driver::Opened;
use crate::runtime::driver_catalog::AgentKey;

impl ThreadSession {
    /// Where the running agent's conversation id is stored: codex's under the thread's id (as
    /// before other agents existed), any other's beside it under its kind (and an ACP
    /// instance's id, so two declared instances never share one).
    pub(super) fn conversation_key(&self) -> Vec<u8> {
        let mut key = self.thread_id.as_bytes().to_vec();
        if self.agent != AgentKey::codex() {
            key.push(0);
            key.extend_from_slice(self.agent.kind.as_str().as_bytes());
            if let Some(instance) = &self.agent.instance {
                key.push(b':');
                key.extend_from_slice(instance.as_bytes());
            }
        }
        key
    }

    /// The stored conversation, when the driver can resume one.
    pub(super) fn resumable_provider_thread(&self) -> Option<String> {
        if !self.info.capabilities.resume {
            return None;
        }
        self.stored_provider_thread()
    }

    /// Drops the agent's conversation, live and stored: the next turn opens a new one.
    pub(super) fn forget_conversation(&mut self) {
        self.retire();
        if let Err(err) = self
            .deps
            .settings
            .provider_threads
            .remove(&self.conversation_key())
        {
            log::warn!(
                "provider thread id of {} not removed: {err}",
                self.thread_id
            );
        }
    }

    pub(super) fn stored_provider_thread(&self) -> Option<String> {
        match self
            .deps
            .settings
            .provider_threads
            .get(&self.conversation_key())
        {
            Ok(Some(bytes)) => String::from_utf8(bytes.to_vec()).ok(),
            Ok(None) => None,
            Err(err) => {
                log::warn!("provider thread id of {} unreadable: {err}", self.thread_id);
                None
            }
        }
    }

    pub(super) fn opened(&mut self, generation: u64, opened: Opened, ctx: &mut Context<Self>) {
        if let Err(err) = self
            .deps
            .settings
            .provider_threads
            .insert(&self.conversation_key(), opened.conversation.as_bytes())
        {
            log::warn!("provider thread id of {} not stored: {err}", self.thread_id);
        }
        if let Some(live) = self.live.as_mut().filter(|_| generation == self.generation) {
            live.provider_thread = Some(opened.conversation.clone());
        }
        if let Some(reason) = opened.fell_back {
            let name = &self.info.name;
            self.note(
                ActivityTone::Info,
                "provider.thread.resume-failed",
                &format!("Started a new {name} conversation"),
                json!({ "detail": format!("The previous {name} conversation could not be resumed ({reason}); this turn starts a new one without its history.") }),
                None,
                ctx,
            );
        }
        // A turn being launched keeps the session `starting` until codex starts the turn: a
        // restart in between finds it active and ends it visibly (a `ready` here would hide
        // a turn that is neither running nor over).
        if self.turn.is_none() {
            self.set_session(SessionStatus::Ready, None, None, ctx);
        }
    }
}
