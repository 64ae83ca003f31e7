//! The one-at-a-time outbox of a thread session's internal commands, without the actor: what
//! waits, what merges, and what goes next. The actor asks [`Outbox::next`] whenever something
//! changes and carries out the answer (send it to the Engine, or look again after a wait).
//!
//! While one command is in flight (or a wait is scheduled) nothing else leaves; streamed
//! assistant text for the message at the back of the line is merged into it; and text leaves at
//! most every [`TEXT_INTERVAL`] while nothing else queues behind it. Whenever the queue is not
//! empty after [`Outbox::next`], something is in flight or a wait is scheduled.
//!
//! The line outlives the actor: a [`SharedOutbox`] is handed to every incarnation of a
//! thread's session, so what one that panicked had not yet sent (or sent without an answer)
//! is sent by the next, the unanswered command under the same commandId ([`Outbox::resume`]).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::orchestration::commands::AssistantDeltaCommand;
use crate::orchestration::model::ModelSelection;
use crate::orchestration::InternalCommand;
use crate::runtime::{new_id, now_iso};

/// Streamed text goes to the Engine at most this often per thread (about 60 updates a second).
pub const TEXT_INTERVAL: Duration = Duration::from_millis(16);

/// One entry in the line.
#[derive(Debug)]
pub(super) enum Outgoing {
    Text {
        message_id: String,
        turn_id: Option<String>,
        answered_by: Option<ModelSelection>,
        text: String,
    },
    Command(InternalCommand),
}

impl Outgoing {
    /// The internal command that carries this entry for `thread_id`.
    pub(super) fn into_command(self, thread_id: &str) -> InternalCommand {
        match self {
            Outgoing::Text {
                message_id,
                turn_id,
                answered_by,
                text,
            } => InternalCommand::ThreadMessageAssistantDelta(AssistantDeltaCommand {
                command_id: new_id(),
                thread_id: thread_id.to_string(),
                message_id,
                delta: text,
                turn_id,
                answered_by,
                created_at: now_iso(),
            }),
            Outgoing::Command(command) => command,
        }
    }
}

/// What the outbox wants done now.
// Handed straight back to the caller, never stored: boxing the entry would only add an
// allocation per command.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(super) enum Next {
    /// Nothing to send, or something is already in flight or waiting.
    Idle,
    /// Let more text gather; call [`Outbox::waited`] and ask again after this long.
    Wait(Duration),
    /// Send this; call [`Outbox::sent`] once the Engine has answered.
    Send(Outgoing),
}

#[derive(Debug, Default)]
pub(super) struct Outbox {
    queue: VecDeque<Outgoing>,
    in_flight: bool,
    /// The command in flight, once built: kept until answered, for a next incarnation.
    unanswered: Option<InternalCommand>,
    last_text_at: Option<Instant>,
    wait_scheduled: bool,
}

/// A thread's outbox, shared by the incarnations of its session (one at a time).
#[derive(Debug, Clone, Default)]
pub struct SharedOutbox(Arc<Mutex<Outbox>>);

impl SharedOutbox {
    /// The line; a panic while it was held leaves it as it was, still usable.
    pub(super) fn lock(&self) -> MutexGuard<'_, Outbox> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Outbox {
    pub(super) fn push_command(&mut self, command: InternalCommand) {
        self.queue.push_back(Outgoing::Command(command));
    }

    /// Queues streamed text, merged into the entry at the back when that is the same message
    /// (the writer is copied only for a new entry: this runs for every streamed delta).
    pub(super) fn push_text(
        &mut self,
        message_id: String,
        turn_id: Option<String>,
        answered_by: Option<&ModelSelection>,
        text: String,
    ) {
        if let Some(Outgoing::Text {
            message_id: last_id,
            text: last_text,
            ..
        }) = self.queue.back_mut()
        {
            if *last_id == message_id {
                last_text.push_str(&text);
                return;
            }
        }
        self.queue.push_back(Outgoing::Text {
            message_id,
            turn_id,
            answered_by: answered_by.cloned(),
            text,
        });
    }

    /// What to do at `now`.
    pub(super) fn next(&mut self, now: Instant) -> Next {
        if self.in_flight || self.wait_scheduled {
            return Next::Idle;
        }
        let Some(front) = self.queue.front() else {
            return Next::Idle;
        };
        // Text waits for more text only while nothing else queues behind it: the end of a
        // message (or any other news) sends what has gathered at once.
        let alone = self.queue.len() == 1;
        if let (Outgoing::Text { .. }, Some(at), true) = (front, self.last_text_at, alone) {
            let since = now.saturating_duration_since(at);
            if since < TEXT_INTERVAL {
                // Let more text gather; whatever queues behind it waits the same few ms.
                self.wait_scheduled = true;
                return Next::Wait(TEXT_INTERVAL - since);
            }
        }
        let Some(item) = self.queue.pop_front() else {
            return Next::Idle;
        };
        if let Outgoing::Text { .. } = item {
            self.last_text_at = Some(now);
        }
        self.in_flight = true;
        Next::Send(item)
    }

    /// The wait [`Next::Wait`] asked for is over.
    pub(super) fn waited(&mut self) {
        self.wait_scheduled = false;
    }

    /// The command built from the entry [`Next::Send`] handed out, as it is sent: kept until
    /// [`Outbox::sent`].
    pub(super) fn sending(&mut self, command: InternalCommand) {
        self.unanswered = Some(command);
    }

    /// The entry [`Next::Send`] handed out has been answered.
    pub(super) fn sent(&mut self) {
        self.in_flight = false;
        self.unanswered = None;
    }

    /// A new incarnation takes the line over: the wait its predecessor scheduled died with it,
    /// and the command it sent without an answer is to be sent again (returned; the line
    /// stays held until it is answered).
    pub(super) fn resume(&mut self) -> Option<InternalCommand> {
        self.wait_scheduled = false;
        match &self.unanswered {
            Some(command) => Some(command.clone()),
            None => {
                self.in_flight = false;
                None
            }
        }
    }

    /// Entries waiting to be sent, the one in flight included.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.queue.len() + usize::from(self.unanswered.is_some())
    }
}

#[cfg(test)]
mod tests;
