//! Where a search reads its candidates' messages: a [`HistorySource`] the index was given (the
//! store's reader, once history lives in the store), or until then the model's own rows.
//!
//! The rows are the Engine's `Arc<Thread>`s, shared, not copied: the index keeps the row of
//! each thread it was last told about, so a search off the Engine's thread reads the text the
//! model holds. The cost is the Engine's: the next change to such a thread copies its row once
//! (`Arc::make_mut`), which the store's reader will not need.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::orchestration::model::{Message, Thread};
use crate::orchestration::thread_lists::{HistoryError, HistorySource};
use crate::orchestration::ReadModel;

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

/// The model's rows, as last applied.
#[derive(Default)]
pub(super) struct ModelRows {
    rows: RwLock<HashMap<String, Arc<Thread>>>,
}

impl ModelRows {
    pub(super) fn replace_all(&self, model: &ReadModel) {
        let rows = model
            .threads
            .iter()
            .filter(|(_, t)| t.deleted_at.is_none())
            .map(|(id, t)| (id.clone(), Arc::clone(t)))
            .collect();
        *self.rows.write().unwrap_or_else(|e| e.into_inner()) = rows;
    }

    /// The model's row for `thread_id` now (gone if the model has none); with
    /// `messages_changed` false, a row already held is kept.
    pub(super) fn refresh(
        &self,
        thread_id: &str,
        row: Option<&Arc<Thread>>,
        messages_changed: bool,
    ) {
        let mut rows = self.rows.write().unwrap_or_else(|e| e.into_inner());
        match row {
            Some(_) if !messages_changed && rows.contains_key(thread_id) => {}
            Some(row) => {
                rows.insert(thread_id.to_string(), Arc::clone(row));
            }
            None => {
                rows.remove(thread_id);
            }
        }
    }

    fn row(&self, thread_id: &str) -> Option<Arc<Thread>> {
        self.rows
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(thread_id)
            .cloned()
    }
}

impl Messages for ModelRows {
    fn with_messages(
        &self,
        thread_id: &str,
        each: &mut dyn FnMut(&[Message]),
    ) -> Result<(), HistoryError> {
        match self.row(thread_id) {
            Some(row) => each(&row.messages),
            None => each(&[]),
        }
        Ok(())
    }
}

/// What the index reads messages from.
#[derive(Clone)]
pub(super) enum Source {
    Rows(Arc<ModelRows>),
    Reader(Arc<dyn HistorySource + Send + Sync>),
}

impl Default for Source {
    fn default() -> Self {
        Source::Rows(Arc::default())
    }
}

impl Source {
    pub(super) fn messages(&self) -> &dyn Messages {
        match self {
            Source::Rows(rows) => rows.as_ref(),
            Source::Reader(reader) => reader,
        }
    }
}
