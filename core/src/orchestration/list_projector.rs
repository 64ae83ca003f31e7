//! The list half of the projector: what an event does to a thread's messages, proposed plans,
//! activities and checkpoints, written to the store ([`HistoryKv`]) rather than to the row, and
//! the row's [`ListSummary`] kept in step. The rules are v0.0.4's, item for item, as the full
//! projector ([`super::full_model::projector`]) applies them to lists in memory: upserts by id,
//! each list's order and cap, and a revert's choice of what survives. The property tests hold
//! the two equal.

use std::collections::HashSet;

use chrono::DateTime;

use super::events::{Event, EventBody, ThreadMessageSentPayload, ThreadTurnDiffCompletedPayload};
use super::full_model::projector::{
    checkpoint_state, new_message, retained_messages, update_message, MAX_THREAD_ACTIVITIES,
    MAX_THREAD_CHECKPOINTS, MAX_THREAD_MESSAGES, MAX_THREAD_PROPOSED_PLANS,
};
use super::history_kv::*;
use super::model::*;
use super::thread_lists::HistoryError;

/// The thread whose lists `event` changes, if it changes any.
pub fn list_thread(event: &Event) -> Option<&str> {
    Some(match &event.body {
        EventBody::ThreadCreated(p) => &p.thread_id,
        EventBody::ThreadMessageSent(p) => &p.thread_id,
        EventBody::ThreadProposedPlanUpserted(p) => &p.thread_id,
        EventBody::ThreadTurnDiffCompleted(p) => &p.thread_id,
        EventBody::ThreadReverted(p) => &p.thread_id,
        EventBody::ThreadActivityAppended(p) => &p.thread_id,
        _ => return None,
    })
}

/// Applies `event`'s list changes to `thread` (which the head projector already updated).
pub fn apply(
    thread: &mut Thread,
    kv: &mut impl HistoryKv,
    event: &Event,
) -> Result<(), HistoryError> {
    let mut lists = Lists {
        kv,
        thread_id: thread.id.clone(),
        summary: &mut thread.history,
    };
    match &event.body {
        EventBody::ThreadCreated(_) => lists.wipe(),
        EventBody::ThreadMessageSent(p) => lists.message(p, event.sequence),
        EventBody::ThreadProposedPlanUpserted(p) => lists.plan(&p.proposed_plan),
        EventBody::ThreadActivityAppended(p) => lists.activity(&p.activity),
        EventBody::ThreadTurnDiffCompleted(p) => lists.checkpoint(p, event.sequence),
        EventBody::ThreadReverted(p) => {
            let tip = lists.revert(p.turn_count)?;
            thread.latest_turn = tip.map(|checkpoint| LatestTurn {
                turn_id: checkpoint.turn_id.clone(),
                state: checkpoint_state(checkpoint.status),
                requested_at: checkpoint.completed_at.clone(),
                started_at: Some(checkpoint.completed_at.clone()),
                completed_at: Some(checkpoint.completed_at.clone()),
                assistant_message_id: checkpoint.assistant_message_id.clone(),
            });
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The message with the latest `createdAt` as an instant (ties: the last one), skipping times
/// that do not parse: retention's reckoning.
pub fn newest_by_time<'a>(messages: impl Iterator<Item = &'a Message>) -> Option<(String, String)> {
    messages.fold(None, newer)
}

struct Lists<'a, K: HistoryKv> {
    kv: &'a mut K,
    thread_id: String,
    summary: &'a mut ListSummary,
}

fn bump(count: &mut u32, up: bool) {
    *count = if up {
        count.saturating_add(1)
    } else {
        count.saturating_sub(1)
    };
}

fn over(count: u32, cap: usize) -> bool {
    usize::try_from(count).unwrap_or(usize::MAX) > cap
}

impl<K: HistoryKv> Lists<'_, K> {
    fn put(&mut self, list: List, item_id: &str, order: Vec<u8>, value: Vec<u8>) {
        let t = &self.thread_id;
        self.kv.put(item_key(t, list, &order), value);
        self.kv.put(index_key(t, list, item_id), order);
    }

    fn remove(&mut self, list: List, item_id: &str, order: &[u8]) {
        let t = &self.thread_id;
        self.kv.delete(item_key(t, list, order));
        self.kv.delete(index_key(t, list, item_id));
    }

    /// The list's items with their order keys, oldest first.
    fn all<T: serde::de::DeserializeOwned>(
        &self,
        list: List,
    ) -> Result<Vec<(Vec<u8>, T)>, HistoryError> {
        let prefix = items_prefix(&self.thread_id, list);
        self.kv
            .scan(&prefix)?
            .into_iter()
            .map(|(key, raw)| {
                let order = key.get(prefix.len()..).unwrap_or_default().to_vec();
                Ok((order, decode(list_name(list), &raw)?))
            })
            .collect()
    }

    fn oldest<T: serde::de::DeserializeOwned>(
        &self,
        list: List,
    ) -> Result<Option<(Vec<u8>, T)>, HistoryError> {
        let prefix = items_prefix(&self.thread_id, list);
        match self.kv.first(&prefix)? {
            Some((key, raw)) => {
                let order = key.get(prefix.len()..).unwrap_or_default().to_vec();
                Ok(Some((order, decode(list_name(list), &raw)?)))
            }
            None => Ok(None),
        }
    }

    /// A re-created thread starts with empty lists.
    fn wipe(&mut self) -> Result<(), HistoryError> {
        for key in thread_keys(self.kv, &self.thread_id)? {
            self.kv.delete(key);
        }
        *self.summary = ListSummary::default();
        Ok(())
    }

    fn message(&mut self, p: &ThreadMessageSentPayload, sequence: u64) -> Result<(), HistoryError> {
        let t = self.thread_id.clone();
        match read_item::<Message>(self.kv, &t, List::Messages, &p.message_id)? {
            Some((order, mut existing)) => {
                update_message(&mut existing, p);
                self.kv
                    .put(item_key(&t, List::Messages, &order), encode(&existing));
            }
            None => {
                let message = new_message(p);
                self.put(
                    List::Messages,
                    &message.id,
                    message_key(sequence),
                    encode(&message),
                );
                bump(&mut self.summary.messages, true);
                if message.role == MessageRole::User {
                    self.summary.latest_user_message =
                        Some((message.id.clone(), message.created_at.clone()));
                    let candidates = self.summary.newest_user_message.take();
                    self.summary.newest_user_message = newer(candidates, &message);
                }
            }
        }
        let mut dropped = Vec::new();
        while over(self.summary.messages, MAX_THREAD_MESSAGES) {
            let Some((order, oldest)) = self.oldest::<Message>(List::Messages)? else {
                break;
            };
            self.remove(List::Messages, &oldest.id, &order);
            bump(&mut self.summary.messages, false);
            dropped.push(oldest);
        }
        self.after_messages_removed(&dropped)
    }

    /// Re-reads the user-message times when a removed message was one of them.
    fn after_messages_removed(&mut self, removed: &[Message]) -> Result<(), HistoryError> {
        let named = |slot: &Option<(String, String)>, m: &Message| {
            slot.as_ref().is_some_and(|(id, _)| *id == m.id)
        };
        if !removed.iter().any(|m| {
            named(&self.summary.latest_user_message, m)
                || named(&self.summary.newest_user_message, m)
        }) {
            return Ok(());
        }
        let messages: Vec<Message> = self
            .all::<Message>(List::Messages)?
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        let user = |m: &&Message| m.role == MessageRole::User;
        self.summary.latest_user_message = messages
            .iter()
            .rev()
            .find(user)
            .map(|m| (m.id.clone(), m.created_at.clone()));
        self.summary.newest_user_message = newest_by_time(messages.iter().filter(user));
        Ok(())
    }

    fn plan(&mut self, plan: &ProposedPlan) -> Result<(), HistoryError> {
        let t = self.thread_id.clone();
        if let Some((order, _)) =
            read_item::<ProposedPlan>(self.kv, &t, List::ProposedPlans, &plan.id)?
        {
            self.kv.delete(item_key(&t, List::ProposedPlans, &order));
            bump(&mut self.summary.proposed_plans, false);
        }
        self.put(List::ProposedPlans, &plan.id, plan_key(plan), encode(plan));
        bump(&mut self.summary.proposed_plans, true);
        while over(self.summary.proposed_plans, MAX_THREAD_PROPOSED_PLANS) {
            let Some((order, oldest)) = self.oldest::<ProposedPlan>(List::ProposedPlans)? else {
                break;
            };
            self.remove(List::ProposedPlans, &oldest.id, &order);
            bump(&mut self.summary.proposed_plans, false);
        }
        self.reread_last_plan()
    }

    fn reread_last_plan(&mut self) -> Result<(), HistoryError> {
        let prefix = items_prefix(&self.thread_id, List::ProposedPlans);
        self.summary.last_plan_turn = match self.kv.last(&prefix)? {
            Some((_, raw)) => Some(decode::<ProposedPlan>("proposed plan", &raw)?.turn_id),
            None => None,
        };
        Ok(())
    }

    fn activity(&mut self, activity: &Activity) -> Result<(), HistoryError> {
        let t = self.thread_id.clone();
        if let Some((order, _)) =
            read_item::<Activity>(self.kv, &t, List::Activities, &activity.id)?
        {
            self.kv.delete(item_key(&t, List::Activities, &order));
            bump(&mut self.summary.activities, false);
            self.forget_request(&activity.id);
        }
        let order = activity_key(activity);
        if REQUEST_KINDS.contains(&activity.kind.as_str()) {
            let at = self
                .summary
                .requests
                .partition_point(|(key, _)| key.as_slice() < order.as_slice());
            self.summary
                .requests
                .insert(at, (order.clone(), activity.clone()));
        }
        self.put(List::Activities, &activity.id, order, encode(activity));
        bump(&mut self.summary.activities, true);
        while over(self.summary.activities, MAX_THREAD_ACTIVITIES) {
            let Some((order, oldest)) = self.oldest::<Activity>(List::Activities)? else {
                break;
            };
            self.remove(List::Activities, &oldest.id, &order);
            bump(&mut self.summary.activities, false);
            self.forget_request(&oldest.id);
        }
        Ok(())
    }

    fn forget_request(&mut self, activity_id: &str) {
        self.summary.requests.retain(|(_, a)| a.id != activity_id);
    }

    fn checkpoint(
        &mut self,
        p: &ThreadTurnDiffCompletedPayload,
        sequence: u64,
    ) -> Result<(), HistoryError> {
        let t = self.thread_id.clone();
        if let Some((order, _)) =
            read_item::<CheckpointSummary>(self.kv, &t, List::Checkpoints, &p.turn_id)?
        {
            self.kv.delete(item_key(&t, List::Checkpoints, &order));
            bump(&mut self.summary.checkpoints, false);
        }
        let checkpoint = CheckpointSummary {
            turn_id: p.turn_id.clone(),
            checkpoint_turn_count: p.checkpoint_turn_count,
            checkpoint_ref: p.checkpoint_ref.clone(),
            status: p.status,
            files: p.files.clone(),
            assistant_message_id: p.assistant_message_id.clone(),
            completed_at: p.completed_at.clone(),
        };
        self.put(
            List::Checkpoints,
            &checkpoint.turn_id,
            checkpoint_key(checkpoint.checkpoint_turn_count, sequence),
            encode(&checkpoint),
        );
        bump(&mut self.summary.checkpoints, true);
        while over(self.summary.checkpoints, MAX_THREAD_CHECKPOINTS) {
            let Some((order, oldest)) = self.oldest::<CheckpointSummary>(List::Checkpoints)? else {
                break;
            };
            self.remove(List::Checkpoints, &oldest.turn_id, &order);
            bump(&mut self.summary.checkpoints, false);
        }
        Ok(())
    }

    /// Drops what a revert to `turn_count` undoes; returns the newest checkpoint left.
    fn revert(&mut self, turn_count: u64) -> Result<Option<CheckpointSummary>, HistoryError> {
        let mut kept_checkpoints = Vec::new();
        for (order, checkpoint) in self.all::<CheckpointSummary>(List::Checkpoints)? {
            if checkpoint.checkpoint_turn_count <= turn_count {
                kept_checkpoints.push(checkpoint);
            } else {
                self.remove(List::Checkpoints, &checkpoint.turn_id, &order);
                bump(&mut self.summary.checkpoints, false);
            }
        }
        let retained_turns: HashSet<&str> = kept_checkpoints
            .iter()
            .map(|c| c.turn_id.as_str())
            .collect();
        let keeps_turn = |turn_id: &Option<String>| match turn_id {
            None => true,
            Some(id) => retained_turns.contains(id.as_str()),
        };

        let messages = self.all::<Message>(List::Messages)?;
        let plain: Vec<Message> = messages.iter().map(|(_, m)| m.clone()).collect();
        let keep = retained_messages(&plain, &retained_turns, turn_count);
        let mut removed = Vec::new();
        for ((order, message), kept) in messages.into_iter().zip(keep) {
            if !kept {
                self.remove(List::Messages, &message.id, &order);
                bump(&mut self.summary.messages, false);
                removed.push(message);
            }
        }
        self.after_messages_removed(&removed)?;

        for (order, plan) in self.all::<ProposedPlan>(List::ProposedPlans)? {
            if !keeps_turn(&plan.turn_id) {
                self.remove(List::ProposedPlans, &plan.id, &order);
                bump(&mut self.summary.proposed_plans, false);
            }
        }
        self.reread_last_plan()?;

        for (order, activity) in self.all::<Activity>(List::Activities)? {
            if !keeps_turn(&activity.turn_id) {
                self.remove(List::Activities, &activity.id, &order);
                bump(&mut self.summary.activities, false);
            }
        }
        self.summary
            .requests
            .retain(|(_, activity)| keeps_turn(&activity.turn_id));
        Ok(kept_checkpoints.pop())
    }
}

fn newer(current: Option<(String, String)>, message: &Message) -> Option<(String, String)> {
    let Ok(at) = DateTime::parse_from_rfc3339(&message.created_at) else {
        return current;
    };
    match &current {
        Some((_, best)) => match DateTime::parse_from_rfc3339(best) {
            Ok(best) if at < best => current,
            _ => Some((message.id.clone(), message.created_at.clone())),
        },
        None => Some((message.id.clone(), message.created_at.clone())),
    }
}
