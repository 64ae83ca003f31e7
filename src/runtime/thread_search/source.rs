//! Where a search reads its candidates' messages: the store's reader ([`HistorySource`]), one
//! thread at a time, off the Engine's thread.

use std::sync::Arc;

use crate::orchestration::model::Message;
use crate::orchestration::thread_lists::{HistoryError, HistorySource};

/// A thread's messages, lent to `each` (oldest first; none for an unknown thread).
pub(super) trait Messages {
    fn with_messages(
        &self,
        thread_id: &str,
        each: &mut dyn FnMut(&[Message]),
    ) -> Result<(), HistoryError>;
}

impl Messages for Arc<dyn HistorySource + Send + Sync> {
    fn with_messages(
        &self,
        thread_id: &str,
        each: &mut dyn FnMut(&[Message]),
    ) -> Result<(), HistoryError> {
        each(&self.lists(thread_id)?.messages);
        Ok(())
    }
}

/// A store of the lists in memory that tests project into and the index reads from.
#[cfg(test)]
#[derive(Clone, Default)]
pub(super) struct SharedKv(
    pub(super) Arc<std::sync::RwLock<crate::orchestration::history_kv::MemoryKv>>,
);

#[cfg(test)]
impl SharedKv {
    pub(super) fn write(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, crate::orchestration::history_kv::MemoryKv> {
        self.0.write().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
impl HistorySource for SharedKv {
    fn lists(
        &self,
        thread_id: &str,
    ) -> Result<crate::orchestration::thread_lists::ThreadLists, HistoryError> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .lists(thread_id)
    }

    fn message(&self, thread_id: &str, message_id: &str) -> Result<Option<Message>, HistoryError> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .message(thread_id, message_id)
    }

    fn newest_message(&self, thread_id: &str) -> Result<Option<Message>, HistoryError> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .newest_message(thread_id)
    }
}

/// What the index reads messages from: the store's reader.
#[derive(Clone)]
pub(super) struct Source(pub(super) Arc<dyn HistorySource + Send + Sync>);

impl Source {
    pub(super) fn messages(&self) -> &dyn Messages {
        &self.0
    }
}
