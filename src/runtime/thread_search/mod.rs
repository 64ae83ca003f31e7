//! `orchestration.searchThreads` (issue 17, dpcode.md §7), with an index whose memory does not
//! grow with history (issue 18): per live thread its title, archive state and a fixed-size
//! signature of its messages' grams ([`signature`]), never their text.
//!
//! A search takes the threads whose titles or signatures may hold every term, reads each
//! candidate's messages from the history source ([`source`]: the store's reader once history
//! lives there, the model's rows until then) and scores them exactly as before ([`query`]).
//!
//! The Engine starts the index when an incarnation starts: titles at once from the model, the
//! signatures on a background thread ([`build`]), so start-up does not wait for them. Until a
//! thread's signature is built it is a candidate for every search: a search during the build
//! reads more threads, and finds exactly what it would after.
//!
//! The Engine notes which threads and messages each event touches and applies those notes
//! once the batch is flushed: a search never shows text a crash could take back. A streamed
//! message adds only its new text's grams; a revert or re-creation rebuilds the thread's
//! signature. Deleted threads leave the index; archived ones stay, marked, for
//! `includeArchived`.

mod build;
mod doc;
mod query;
mod signature;
mod source;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bounded;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};

use indexmap::IndexMap;

use crate::orchestration::events::{Event, EventBody};
use crate::orchestration::model::{Message, Thread};
use crate::orchestration::thread_lists::{HistoryError, HistorySource};
use crate::orchestration::ReadModel;
use crate::protocol::thread_search::{SearchThreadsParams, SearchThreadsResult};
use doc::fold;
use signature::{Counted, Signature, SIGNATURE_BYTES};
use source::Source;

/// What an event changed, for the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touch {
    /// A message was sent or streamed into (its text is read back from the history source).
    Message {
        thread_id: String,
        message_id: String,
        /// The event only appended to the message's text (a streamed delta, or no text).
        append: bool,
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
                append: p.streaming || p.text.is_empty(),
            },
            _ => return None,
        })
    }
}

/// One live thread as the index holds it.
#[derive(Clone)]
struct Entry {
    thread_id: String,
    project_id: String,
    title: String,
    title_folded: String,
    archived: bool,
    created_at: String,
    /// What its messages hold, as far as the index was told.
    grams: Grams,
    /// False until `grams` covers the whole thread (the start-up build has not reached it, or
    /// reading it failed): until then the thread is read by every search.
    built: bool,
    /// The message appends last went to, how many bytes of its text `grams` holds, and the
    /// buckets it was counted in.
    streamed: Option<(String, usize, Counted)>,
}

/// A thread's messages, summarised in a size that does not grow with them.
#[derive(Clone, Default)]
struct Grams {
    signature: Signature,
    /// At least how many messages the thread has (each counted once, or more).
    messages: u32,
    /// At least when its newest message was last written (the latest `updatedAt` seen).
    active_bound: String,
}

impl Grams {
    fn of(messages: &[Message]) -> Grams {
        let mut grams = Grams::default();
        for message in messages {
            grams.add_new(message);
        }
        grams
    }

    fn add_new(&mut self, message: &Message) -> Counted {
        let mut counted = Counted::default();
        self.signature.add_text(&message.text, &mut counted);
        self.messages = self.messages.saturating_add(1);
        self.saw(&message.updated_at);
        counted
    }

    fn saw(&mut self, updated_at: &str) {
        if *updated_at > *self.active_bound {
            self.active_bound = updated_at.to_string();
        }
    }

    fn merge(&mut self, other: &Grams) {
        self.signature.merge(&other.signature);
        self.messages = self.messages.saturating_add(other.messages);
        self.saw(&other.active_bound);
    }
}

impl Entry {
    fn of(thread: &Thread) -> Entry {
        let mut entry = Entry {
            thread_id: thread.id.clone(),
            project_id: thread.project_id.clone(),
            title: String::new(),
            title_folded: String::new(),
            archived: false,
            created_at: thread.created_at.clone(),
            grams: Grams::default(),
            built: false,
            streamed: None,
        };
        entry.meta(thread);
        entry
    }

    /// Title and archive state, which meta updates and (un)archiving change.
    fn meta(&mut self, thread: &Thread) {
        if self.title != thread.title {
            self.title.clone_from(&thread.title);
            self.title_folded = fold(&thread.title);
        }
        self.archived = thread.is_archived();
        self.project_id.clone_from(&thread.project_id);
    }

    /// Adds `message`'s grams: after an append to the message last streamed into, only those
    /// of the new text (and the two characters before it, for grams across the join).
    fn add_message(&mut self, message: &Message, append: bool) {
        let text = &message.text;
        match self.streamed.take() {
            Some((id, len, mut counted)) if append && id == message.id => {
                let from = text.get(..len).map_or(0, |old| {
                    old.char_indices().rev().nth(1).map_or(0, |(i, _)| i)
                });
                let tail = text.get(from..).unwrap_or(text);
                self.grams.signature.add_text(tail, &mut counted);
                self.grams.saw(&message.updated_at);
                self.streamed = Some((id, text.len(), counted));
            }
            _ => {
                let counted = self.grams.add_new(message);
                self.streamed = Some((message.id.clone(), text.len(), counted));
            }
        }
    }

    /// When the thread was active at the latest: its newest message's `updatedAt` is at most
    /// the latest seen, and a thread without messages ranks by its creation.
    fn active_bound(&self) -> &str {
        self.grams
            .active_bound
            .as_str()
            .max(self.created_at.as_str())
    }

    /// Bytes this entry holds.
    fn bytes(&self) -> usize {
        std::mem::size_of::<Entry>()
            + SIGNATURE_BYTES
            + self.thread_id.capacity()
            + self.project_id.capacity()
            + self.title.capacity()
            + self.title_folded.capacity()
            + self.created_at.capacity()
            + self.grams.active_bound.capacity()
            + self
                .streamed
                .as_ref()
                .map_or(0, |(id, _, _)| id.capacity() + Counted::BYTES)
    }
}

struct Inner {
    entries: RwLock<IndexMap<String, Arc<Entry>>>,
    source: Source,
    /// Bumped by every (re)build: a background build of an older one stops, and its
    /// signatures are not merged.
    generation: AtomicU64,
    /// How many background builds are running, for whoever waits for them.
    building: Mutex<usize>,
    built: Condvar,
}

/// The index, shared by the Engine (the one writer) and the connections that search it.
#[derive(Clone)]
pub struct ThreadSearch {
    inner: Arc<Inner>,
}

impl ThreadSearch {
    /// An index that reads messages from `reader` (the store's).
    pub fn reading(reader: Arc<dyn HistorySource + Send + Sync>) -> ThreadSearch {
        ThreadSearch {
            inner: Arc::new(Inner {
                entries: RwLock::default(),
                source: Source(reader),
                generation: AtomicU64::new(0),
                building: Mutex::new(0),
                built: Condvar::new(),
            }),
        }
    }

    fn entries_write(&self) -> std::sync::RwLockWriteGuard<'_, IndexMap<String, Arc<Entry>>> {
        self.inner
            .entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Every live thread's title and archive state from `model`, replacing what the index
    /// held; the signatures are left unbuilt. Returns the new generation.
    fn reset(&self, model: &ReadModel) -> u64 {
        let generation = self.inner.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let entries: IndexMap<String, Arc<Entry>> = model
            .threads
            .values()
            .filter(|t| t.deleted_at.is_none())
            .map(|t| (t.id.clone(), Arc::new(Entry::of(t))))
            .collect();
        *self.entries_write() = entries;
        generation
    }

    /// Every live thread of `model`, replacing what the index held, signatures included,
    /// before it returns.
    pub fn rebuild(&self, model: &ReadModel) {
        let generation = self.reset(model);
        build::run(
            self,
            generation,
            &model.threads.keys().cloned().collect::<Vec<_>>(),
        );
    }

    /// As [`rebuild`](Self::rebuild), but the signatures are built on a background thread:
    /// titles are searchable at once, and every thread is read by searches until its
    /// signature is built.
    pub fn start(&self, model: &ReadModel) {
        let generation = self.reset(model);
        let ids: Vec<String> = model.threads.keys().cloned().collect();
        build::spawn(self.clone(), generation, ids);
    }

    /// Waits up to `timeout` for a background build to end; whether none is running.
    pub fn wait_built(&self, timeout: std::time::Duration) -> bool {
        let building = self
            .inner
            .building
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let (building, _) = self
            .inner
            .built
            .wait_timeout_while(building, timeout, |running| *running > 0)
            .unwrap_or_else(|e| e.into_inner());
        *building == 0
    }

    /// Applies `touches` (in event order) from `model`, which holds their events, reading
    /// messages from the index's reader.
    pub fn apply(&self, touches: &[Touch], model: &ReadModel) {
        let reader = Arc::clone(&self.inner.source.0);
        self.apply_from(touches, model, reader.as_ref());
    }

    /// Applies `touches`: titles and archive state from `model`, messages from `history`.
    pub fn apply_from(&self, touches: &[Touch], model: &ReadModel, history: &dyn HistorySource) {
        if touches.is_empty() {
            return;
        }
        let mut entries = self.entries_write();
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
                entries.swap_remove(thread_id);
                continue;
            };
            let entry = match (touch, entries.get_mut(thread_id)) {
                (Touch::Thread { .. }, _) | (_, None) => {
                    let mut entry = Entry::of(thread);
                    match history.lists(thread_id) {
                        Ok(lists) => {
                            (entry.grams, entry.built) = (Grams::of(&lists.messages), true)
                        }
                        Err(e) => log::warn!("search index: reading thread {thread_id}: {e}"),
                    }
                    entries.insert(thread_id.clone(), Arc::new(entry));
                    continue;
                }
                (_, Some(entry)) => Arc::make_mut(entry),
            };
            match touch {
                Touch::Message {
                    message_id, append, ..
                } => match history.message(thread_id, message_id) {
                    Ok(Some(message)) => entry.add_message(&message, *append),
                    Ok(None) => {}
                    Err(e) => {
                        // Unsure what it holds: read by every search until rebuilt.
                        log::warn!("search index: reading message {message_id}: {e}");
                        entry.built = false;
                    }
                },
                _ => entry.meta(thread),
            }
        }
    }

    /// Runs a search (reads candidates' messages: call it off any actor's thread).
    pub fn try_search(
        &self,
        params: &SearchThreadsParams,
    ) -> Result<SearchThreadsResult, HistoryError> {
        let Some(prepared) = query::prepare(&params.query) else {
            return Ok(SearchThreadsResult {
                results: Vec::new(),
                truncated: false,
            });
        };
        let candidates = self.candidates(&prepared, params.include_archived);
        query::search(&candidates, &prepared, self.inner.source.messages(), params)
    }

    /// [`try_search`](Self::try_search), a failed read logged and answered with no results.
    pub fn search(&self, params: &SearchThreadsParams) -> SearchThreadsResult {
        self.try_search(params).unwrap_or_else(|e| {
            log::warn!("thread search failed: {e}");
            SearchThreadsResult {
                results: Vec::new(),
                truncated: false,
            }
        })
    }

    fn candidates(&self, prepared: &query::Prepared, include_archived: bool) -> Vec<Arc<Entry>> {
        self.inner
            .entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|e| include_archived || !e.archived)
            .filter(|e| !e.built || query::is_candidate(e, prepared))
            .cloned()
            .collect()
    }

    /// What the index holds, in bytes: it grows with the number of threads, not with what
    /// they hold (for `server.getDiagnostics`).
    pub fn index_bytes(&self) -> usize {
        let entries = self.inner.entries.read().unwrap_or_else(|e| e.into_inner());
        let per_slot = std::mem::size_of::<(String, Arc<Entry>)>() + std::mem::size_of::<usize>();
        entries
            .iter()
            .map(|(id, entry)| id.capacity() + per_slot + entry.bytes())
            .sum::<usize>()
            + (entries.capacity() - entries.len()) * per_slot
    }

    /// How many threads the index holds, and whether its start-up build is still running.
    pub fn status(&self) -> (usize, bool) {
        let threads = self
            .inner
            .entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        let running = *self
            .inner
            .building
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        (threads, running > 0)
    }
}
