//! A thread's history lists (messages, proposed plans, activities, checkpoints) as something
//! read on demand, rather than held in every row of the read model: the store keeps them and
//! readers (snapshots, subscriptions, search) ask for one thread at a time.

use super::full_model::FullModel;
use super::history_kv::{decode, items_prefix, read_item, read_lists, HistoryRead, List};
use super::model::{Activity, CheckpointSummary, Message, ProposedPlan};

/// One thread's lists, each oldest first, as a v0.0.4 snapshot shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThreadLists {
    pub messages: Vec<Message>,
    pub proposed_plans: Vec<ProposedPlan>,
    pub activities: Vec<Activity>,
    pub checkpoints: Vec<CheckpointSummary>,
}

/// One thread's lists as their items' JSON, each oldest first: what a snapshot copies out
/// without decoding (the store keeps each item in its wire form).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawLists {
    pub messages: Vec<Vec<u8>>,
    pub proposed_plans: Vec<Vec<u8>>,
    pub activities: Vec<Vec<u8>>,
    pub checkpoints: Vec<Vec<u8>>,
}

fn encoded<T: serde::Serialize>(items: &[T]) -> Vec<Vec<u8>> {
    items.iter().map(super::history_kv::encode).collect()
}

/// A history read failed (the store could not be read, or what it holds does not decode).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HistoryError(pub String);

/// Where a thread's history is read from.
pub trait HistorySource {
    /// The thread's lists; empty lists for a thread with no history (or no such thread).
    fn lists(&self, thread_id: &str) -> Result<ThreadLists, HistoryError>;
    /// One message of the thread, by id.
    fn message(&self, thread_id: &str, message_id: &str) -> Result<Option<Message>, HistoryError>;
    /// The thread's newest message.
    fn newest_message(&self, thread_id: &str) -> Result<Option<Message>, HistoryError> {
        Ok(self.lists(thread_id)?.messages.pop())
    }

    /// The thread's lists as their items' JSON (by default, the lists encoded).
    fn raw_lists(&self, thread_id: &str) -> Result<RawLists, HistoryError> {
        let lists = self.lists(thread_id)?;
        Ok(RawLists {
            messages: encoded(&lists.messages),
            proposed_plans: encoded(&lists.proposed_plans),
            activities: encoded(&lists.activities),
            checkpoints: encoded(&lists.checkpoints),
        })
    }
}

/// Any store of the lists answers from its entries.
impl<K: HistoryRead + ?Sized> HistorySource for K {
    fn lists(&self, thread_id: &str) -> Result<ThreadLists, HistoryError> {
        read_lists(self, thread_id)
    }

    fn message(&self, thread_id: &str, message_id: &str) -> Result<Option<Message>, HistoryError> {
        Ok(read_item::<Message>(self, thread_id, List::Messages, message_id)?.map(|(_, m)| m))
    }

    fn newest_message(&self, thread_id: &str) -> Result<Option<Message>, HistoryError> {
        match self.last(&items_prefix(thread_id, List::Messages))? {
            Some((_, raw)) => decode("message", &raw).map(Some),
            None => Ok(None),
        }
    }

    /// The stored values as they are: each is the item's wire JSON.
    fn raw_lists(&self, thread_id: &str) -> Result<RawLists, HistoryError> {
        let values = |list: List| -> Result<Vec<Vec<u8>>, HistoryError> {
            Ok(self
                .scan(&items_prefix(thread_id, list))?
                .into_iter()
                .map(|(_, value)| value)
                .collect())
        };
        Ok(RawLists {
            messages: values(List::Messages)?,
            proposed_plans: values(List::ProposedPlans)?,
            activities: values(List::Activities)?,
            checkpoints: values(List::Checkpoints)?,
        })
    }
}

/// A full model answers from its rows' own lists.
impl HistorySource for FullModel {
    fn lists(&self, thread_id: &str) -> Result<ThreadLists, HistoryError> {
        Ok(match self.threads.get(thread_id) {
            Some(thread) => ThreadLists {
                messages: thread.messages.clone(),
                proposed_plans: thread.proposed_plans.clone(),
                activities: thread.activities.clone(),
                checkpoints: thread.checkpoints.clone(),
            },
            None => ThreadLists::default(),
        })
    }

    fn message(&self, thread_id: &str, message_id: &str) -> Result<Option<Message>, HistoryError> {
        Ok(self.threads.get(thread_id).and_then(|thread| {
            thread
                .messages
                .iter()
                .rev()
                .find(|m| m.id == message_id)
                .cloned()
        }))
    }

    fn newest_message(&self, thread_id: &str) -> Result<Option<Message>, HistoryError> {
        Ok(self
            .threads
            .get(thread_id)
            .and_then(|thread| thread.messages.last().cloned()))
    }
}
