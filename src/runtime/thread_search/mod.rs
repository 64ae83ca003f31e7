//! `orchestration.searchThreads` (issue 17, dpcode.md §7): an in-memory index of every live
//! thread's title and message text, kept current by the Engine's events and searched off the
//! Engine's thread.
//!
//! The Engine builds it from its read model when an incarnation starts (so also after a
//! restart), notes which threads and messages each event touches, and applies those notes
//! from the model once the batch is flushed: a search never shows text a crash could take back.
//! Deleted threads leave the index; archived ones stay, marked, for `includeArchived`.
//!
//! Documents are shared (`Arc`): a search takes the list under a read lock (one reference
//! count per thread) and scans without holding it, so the Engine's update never waits for a
//! scan; a document a running search still holds is copied before it changes.
//!
//! Memory: each message's text is held twice more (as written, for snippets, and folded);
//! on the bench's 1,000 threads × 110 messages that is about 40 MB.

mod doc;
mod query;
#[cfg(test)]
mod tests;

use std::sync::{Arc, RwLock};

use indexmap::IndexMap;

use crate::orchestration::events::{Event, EventBody};
use crate::orchestration::thread_lists::HistorySource;
use crate::orchestration::{Message, ReadModel};
use crate::protocol::thread_search::{SearchThreadsParams, SearchThreadsResult};
use doc::ThreadDoc;

/// A thread's messages from the store; none (and a log line) when they cannot be read, so
/// the index misses that thread's text rather than the Engine stopping.
fn messages_of(history: &dyn HistorySource, thread_id: &str) -> Vec<Message> {
    match history.lists(thread_id) {
        Ok(lists) => lists.messages,
        Err(err) => {
            log::warn!("search index: thread {thread_id}'s messages cannot be read: {err}");
            Vec::new()
        }
    }
}

/// The thread's newest message, read alone.
fn newest_message(history: &dyn HistorySource, thread_id: &str) -> Option<Message> {
    match history.newest_message(thread_id) {
        Ok(message) => message,
        Err(err) => {
            log::warn!("search index: thread {thread_id}'s messages cannot be read: {err}");
            None
        }
    }
}

/// What an event changed, for the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touch {
    /// A message was sent or streamed into (its text is read back from the model).
    Message {
        thread_id: String,
        message_id: String,
    },
    /// The title or archive state changed.
    Meta {
        thread_id: String,
    },
    /// Created, or reverted (messages removed): read the whole thread again.
    Thread {
        thread_id: String,
    },
    Deleted {
        thread_id: String,
    },
}

impl Touch {
    /// The index's part of `event`, if any.
    pub fn of(event: &Event) -> Option<Touch> {
        let thread = |id: &String| id.clone();
        Some(match &event.body {
            EventBody::ThreadCreated(p) => Touch::Thread {
                thread_id: thread(&p.thread_id),
            },
            EventBody::ThreadReverted(p) => Touch::Thread {
                thread_id: thread(&p.thread_id),
            },
            EventBody::ThreadDeleted(p) => Touch::Deleted {
                thread_id: thread(&p.thread_id),
            },
            EventBody::ThreadMetaUpdated(p) if p.title.is_some() => Touch::Meta {
                thread_id: thread(&p.thread_id),
            },
            EventBody::ThreadArchived(p) => Touch::Meta {
                thread_id: thread(&p.thread_id),
            },
            EventBody::ThreadUnarchived(p) => Touch::Meta {
                thread_id: thread(&p.thread_id),
            },
            EventBody::ThreadMessageSent(p) => Touch::Message {
                thread_id: thread(&p.thread_id),
                message_id: p.message_id.clone(),
            },
            _ => return None,
        })
    }
}

/// The index, shared by the Engine (the one writer) and the connections that search it.
#[derive(Clone, Default)]
pub struct ThreadSearch {
    docs: Arc<RwLock<IndexMap<String, Arc<ThreadDoc>>>>,
}

impl ThreadSearch {
    /// Every live thread of `model`, replacing what the index held.
    pub fn rebuild(&self, model: &ReadModel, history: &dyn HistorySource) {
        let docs: IndexMap<String, Arc<ThreadDoc>> = model
            .threads
            .values()
            .filter(|t| t.deleted_at.is_none())
            .map(|t| {
                let messages = messages_of(history, &t.id);
                (t.id.clone(), Arc::new(ThreadDoc::of(t, &messages)))
            })
            .collect();
        *self.docs.write().unwrap_or_else(|e| e.into_inner()) = docs;
    }

    /// Applies `touches` (in event order) from `model`, which holds their events.
    pub fn apply(&self, touches: &[Touch], model: &ReadModel, history: &dyn HistorySource) {
        if touches.is_empty() {
            return;
        }
        let mut docs = self.docs.write().unwrap_or_else(|e| e.into_inner());
        for touch in touches {
            let (Touch::Message { thread_id, .. }
            | Touch::Meta { thread_id }
            | Touch::Thread { thread_id }
            | Touch::Deleted { thread_id }) = touch;
            let live = model
                .threads
                .get(thread_id)
                .filter(|t| t.deleted_at.is_none());
            let Some(thread) = live else {
                docs.shift_remove(thread_id);
                continue;
            };
            let doc = match (touch, docs.get_mut(thread_id)) {
                (Touch::Thread { .. }, _) | (_, None) => {
                    let messages = messages_of(history, thread_id);
                    docs.insert(
                        thread_id.clone(),
                        Arc::new(ThreadDoc::of(thread, &messages)),
                    );
                    continue;
                }
                (_, Some(doc)) => Arc::make_mut(doc),
            };
            let newest = newest_message(history, thread_id);
            match touch {
                Touch::Message { message_id, .. } => doc.message(
                    thread,
                    newest.as_ref(),
                    usize::try_from(thread.history.messages).unwrap_or(usize::MAX),
                    || messages_of(history, thread_id),
                    message_id,
                ),
                _ => doc.meta(thread, newest.as_ref()),
            }
        }
    }

    /// Runs a search (a scan of every document: call it off any actor's thread).
    pub fn search(&self, params: &SearchThreadsParams) -> SearchThreadsResult {
        let docs: Vec<Arc<ThreadDoc>> = self
            .docs
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        query::search(&docs, params)
    }
}
