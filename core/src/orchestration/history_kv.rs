//! How a thread's history lists are laid out in an ordered key-value store (the `history` sled
//! tree; [`MemoryKv`] in tests), and the reads and writes the projector and the readers make.
//!
//! Every key starts with a kind byte and the thread id (length-prefixed, so one thread's keys
//! are one prefix whatever bytes its id holds):
//!
//! - `i` thread list order-key → the item's JSON (its wire form): the list itself;
//! - `x` thread list item-id → order-key: where an item is, for updates by id;
//! - `m` thread → [`ThreadMeta`]: what the in-memory row derives from the lists.
//!
//! Order keys sort as the v0.0.4 projector orders each list (see [`message_key`] and the
//! others), so a list is one prefix scan and a list's oldest item is the first key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{Activity, CheckpointSummary, LatestTurn, Message, ProposedPlan};
use super::thread_lists::{HistoryError, ThreadLists};

/// Which list of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Messages,
    ProposedPlans,
    Activities,
    Checkpoints,
}

impl List {
    fn tag(self) -> u8 {
        match self {
            List::Messages => b'm',
            List::ProposedPlans => b'p',
            List::Activities => b'a',
            List::Checkpoints => b'c',
        }
    }
}

const ITEM: u8 = b'i';
const INDEX: u8 = b'x';
const META: u8 = b'm';

fn thread_part(kind: u8, thread_id: &str) -> Vec<u8> {
    let id = thread_id.as_bytes();
    let mut key = Vec::with_capacity(6 + id.len());
    key.push(kind);
    key.extend_from_slice(&u32::try_from(id.len()).unwrap_or(u32::MAX).to_be_bytes());
    key.extend_from_slice(id);
    key
}

/// The prefix of every item of one list of a thread.
pub fn items_prefix(thread_id: &str, list: List) -> Vec<u8> {
    let mut key = thread_part(ITEM, thread_id);
    key.push(list.tag());
    key
}

pub fn item_key(thread_id: &str, list: List, order: &[u8]) -> Vec<u8> {
    let mut key = items_prefix(thread_id, list);
    key.extend_from_slice(order);
    key
}

pub fn index_key(thread_id: &str, list: List, item_id: &str) -> Vec<u8> {
    let mut key = thread_part(INDEX, thread_id);
    key.push(list.tag());
    key.extend_from_slice(item_id.as_bytes());
    key
}

pub fn meta_key(thread_id: &str) -> Vec<u8> {
    thread_part(META, thread_id)
}

/// Appends `text` so that byte order of the result is the order of the texts, whatever
/// follows: 0x00 becomes 0x00 0xFF and the text ends with 0x00 0x00.
fn push_text(key: &mut Vec<u8>, text: &str) {
    for byte in text.as_bytes() {
        key.push(*byte);
        if *byte == 0 {
            key.push(0xFF);
        }
    }
    key.extend_from_slice(&[0, 0]);
}

/// Messages keep the position they were first sent at: the sequence of that event.
pub fn message_key(position: u64) -> Vec<u8> {
    position.to_be_bytes().to_vec()
}

/// Proposed plans sort by creation time, then id.
pub fn plan_key(plan: &ProposedPlan) -> Vec<u8> {
    let mut key = Vec::new();
    push_text(&mut key, &plan.created_at);
    push_text(&mut key, &plan.id);
    key
}

/// Activities sort by their provider sequence (those without one first), then creation time,
/// then id.
pub fn activity_key(activity: &Activity) -> Vec<u8> {
    let mut key = Vec::new();
    match activity.sequence {
        None => key.push(0),
        Some(sequence) => {
            key.push(1);
            key.extend_from_slice(&sequence.to_be_bytes());
        }
    }
    push_text(&mut key, &activity.created_at);
    push_text(&mut key, &activity.id);
    key
}

/// Checkpoints sort by turn count; equal counts keep the order they were recorded in.
pub fn checkpoint_key(turn_count: u64, position: u64) -> Vec<u8> {
    let mut key = turn_count.to_be_bytes().to_vec();
    key.extend_from_slice(&position.to_be_bytes());
    key
}

/// What a thread's in-memory row derives from its lists, stored beside them in the same
/// transaction: a start-up that replays events after a snapshot takes it from here instead of
/// replaying the lists a second time.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ThreadMeta {
    pub summary: ListSummary,
    pub latest_turn: Option<LatestTurn>,
}

/// The facts about a thread's lists that its row answers without reading them.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListSummary {
    pub messages: u32,
    pub proposed_plans: u32,
    pub activities: u32,
    pub checkpoints: u32,
    /// The newest user message in list order: (id, createdAt).
    pub latest_user_message: Option<(String, String)>,
    /// The user message with the latest `createdAt` (retention's clock): (id, createdAt).
    pub newest_user_message: Option<(String, String)>,
    /// The turn of the last proposed plan; `None` when there is no plan.
    pub last_plan_turn: Option<Option<String>>,
    /// The activities that say which requests are open and which messages are queued, in list
    /// order, with their order keys. Every other activity is only in the store.
    pub requests: Vec<(Vec<u8>, Activity)>,
}

/// The activity kinds [`ListSummary::requests`] keeps.
pub const REQUEST_KINDS: [&str; 7] = [
    "approval.requested",
    "approval.resolved",
    "user-input.requested",
    "user-input.resolved",
    "turn.queued",
    "turn.dequeued",
    "turn.queue.cleared",
];

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// Reads of the ordered store.
pub trait HistoryRead {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, HistoryError>;
    /// Every entry under `prefix`, in key order.
    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, HistoryError>;
    /// The first entry under `prefix`.
    fn first(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError>;
    /// The last entry under `prefix`.
    fn last(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError>;
    /// Visits the entries under `prefix` whose keys sort before `end`, newest first, until
    /// `visit` returns false.
    fn scan_back(
        &self,
        prefix: &[u8],
        end: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), HistoryError> {
        for (key, value) in self.scan(prefix)?.iter().rev() {
            if key.as_slice() < end && !visit(key, value) {
                break;
            }
        }
        Ok(())
    }
}

/// Writes; they take effect for later reads through the same value.
pub trait HistoryKv: HistoryRead {
    fn put(&mut self, key: Vec<u8>, value: Vec<u8>);
    fn delete(&mut self, key: Vec<u8>);
}

/// The store in memory, for tests and for building a store from a model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryKv(pub BTreeMap<Vec<u8>, Vec<u8>>);

impl HistoryRead for MemoryKv {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, HistoryError> {
        Ok(self.0.get(key).cloned())
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, HistoryError> {
        Ok(self
            .0
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn first(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        Ok(self
            .0
            .range(prefix.to_vec()..)
            .next()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone())))
    }

    fn last(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        Ok(self
            .0
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .last()
            .map(|(k, v)| (k.clone(), v.clone())))
    }

    fn scan_back(
        &self,
        prefix: &[u8],
        end: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), HistoryError> {
        if end <= prefix {
            return Ok(());
        }
        for (key, value) in self.before(prefix, end) {
            if !visit(key, value) {
                break;
            }
        }
        Ok(())
    }
}

impl MemoryKv {
    fn before<'a>(
        &'a self,
        prefix: &'a [u8],
        end: &[u8],
    ) -> impl Iterator<Item = (&'a Vec<u8>, &'a Vec<u8>)> + 'a {
        self.0
            .range(prefix.to_vec()..end.to_vec())
            .rev()
            .take_while(move |(k, _)| k.starts_with(prefix))
    }
}

impl HistoryKv for MemoryKv {
    fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.0.insert(key, value);
    }

    fn delete(&mut self, key: Vec<u8>) {
        self.0.remove(&key);
    }
}

pub fn decode<T: serde::de::DeserializeOwned>(what: &str, raw: &[u8]) -> Result<T, HistoryError> {
    serde_json::from_slice(raw)
        .map_err(|e| HistoryError(format!("a stored {what} does not decode: {e}")))
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Model types are plain data: encoding cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

/// One list of a thread, oldest first.
pub fn read_list<T: serde::de::DeserializeOwned>(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
    list: List,
) -> Result<Vec<T>, HistoryError> {
    kv.scan(&items_prefix(thread_id, list))?
        .iter()
        .map(|(_, raw)| decode(list_name(list), raw))
        .collect()
}

/// What one item of `list` is called in an error.
pub fn list_name(list: List) -> &'static str {
    match list {
        List::Messages => "message",
        List::ProposedPlans => "proposed plan",
        List::Activities => "activity",
        List::Checkpoints => "checkpoint",
    }
}

/// All four lists of a thread.
pub fn read_lists(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
) -> Result<ThreadLists, HistoryError> {
    Ok(ThreadLists {
        messages: read_list::<Message>(kv, thread_id, List::Messages)?,
        proposed_plans: read_list::<ProposedPlan>(kv, thread_id, List::ProposedPlans)?,
        activities: read_list::<Activity>(kv, thread_id, List::Activities)?,
        checkpoints: read_list::<CheckpointSummary>(kv, thread_id, List::Checkpoints)?,
    })
}

/// One item by id.
pub fn read_item<T: serde::de::DeserializeOwned>(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
    list: List,
    item_id: &str,
) -> Result<Option<(Vec<u8>, T)>, HistoryError> {
    let Some(order) = kv.get(&index_key(thread_id, list, item_id))? else {
        return Ok(None);
    };
    match kv.get(&item_key(thread_id, list, &order))? {
        Some(raw) => Ok(Some((order, decode(list_name(list), &raw)?))),
        None => Err(HistoryError(format!(
            "the store's index names {} {item_id:?} of thread {thread_id:?}, which is missing",
            list_name(list)
        ))),
    }
}

/// A thread's stored meta (default when it has none).
pub fn read_meta(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
) -> Result<Option<ThreadMeta>, HistoryError> {
    match kv.get(&meta_key(thread_id))? {
        Some(raw) => decode("thread summary", &raw).map(Some),
        None => Ok(None),
    }
}

/// Every key of a thread's lists and index (not its meta), for wiping a re-created thread.
pub fn thread_keys(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
) -> Result<Vec<Vec<u8>>, HistoryError> {
    let mut keys = Vec::new();
    for kind in [ITEM, INDEX] {
        keys.extend(
            kv.scan(&thread_part(kind, thread_id))?
                .into_iter()
                .map(|(k, _)| k),
        );
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keys_sort_as_the_texts_do() {
        let texts = ["", "a", "a\0", "a\0b", "ab", "b", "\0", "\u{1}"];
        let mut by_key: Vec<&str> = texts.to_vec();
        by_key.sort_by_key(|t| {
            let mut k = Vec::new();
            push_text(&mut k, t);
            push_text(&mut k, "z");
            k
        });
        let mut by_text = texts.to_vec();
        by_text.sort();
        assert_eq!(by_key, by_text);
    }

    #[test]
    fn one_threads_prefix_never_covers_another_thread() {
        let a = items_prefix("t", List::Messages);
        let b = item_key("t\0m", List::Messages, &message_key(1));
        assert!(!b.starts_with(&a));
        assert!(!thread_part(ITEM, "tt").starts_with(&thread_part(ITEM, "t")));
    }
}
