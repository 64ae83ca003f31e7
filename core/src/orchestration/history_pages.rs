//! [`super::history`]'s windows and pages read straight from the store: each list is read
//! backwards from its boundary and only as far as the page goes, so opening a thread costs the
//! page, not the thread. The answers are those of the slice-based [`super::history::page`] on
//! the whole lists (a property test holds the two equal).

use serde::de::DeserializeOwned;

use super::full_model::FullThread;
use super::history::{at_or_after, Boundary, HistoryCursor, Page};
use super::history_kv::{decode, index_key, items_prefix, HistoryRead, List};
use super::model::{Activity, CheckpointSummary, Message, ProposedPlan, Thread};
use super::thread_lists::{HistoryError, ThreadLists};

/// The thread with its newest `limit` messages and what goes with them, and the cursor to the
/// rest, as [`super::history::window`] makes them from the whole lists.
pub fn window_from(
    kv: &(impl HistoryRead + ?Sized),
    row: &Thread,
    limit: usize,
) -> Result<(FullThread, Option<HistoryCursor>), HistoryError> {
    let t = &row.id;
    let everything = HistoryCursor {
        m: newest::<Message>(kv, t, List::Messages, |m| &m.id)?,
        a: newest::<Activity>(kv, t, List::Activities, |a| &a.id)?,
        p: newest::<ProposedPlan>(kv, t, List::ProposedPlans, |p| &p.id)?,
        c: newest::<CheckpointSummary>(kv, t, List::Checkpoints, |c| &c.turn_id)?,
    };
    let page = page_from(kv, t, &everything, limit)?;
    let windowed = FullThread::of(
        row,
        ThreadLists {
            messages: page.messages,
            proposed_plans: page.proposed_plans,
            activities: page.activities,
            checkpoints: page.checkpoints,
        },
    );
    Ok((windowed, page.cursor))
}

/// The page before `cursor`, as [`super::history::page`] makes it from the whole lists.
pub fn page_from(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
    cursor: &HistoryCursor,
    limit: usize,
) -> Result<Page, HistoryError> {
    let limit = limit.max(1);
    let (mut messages, older) =
        back::<Message>(kv, thread_id, List::Messages, &cursor.m, &mut |taken, _| {
            taken < limit
        })?;
    messages.reverse();
    let since = if older {
        messages.first().map(|m| m.created_at.clone())
    } else {
        None
    };
    let m = match messages.first() {
        Some(first) if older => Boundary::Before(first.id.clone()),
        _ => Boundary::Start,
    };
    let since = since.as_deref();
    let (activities, a) =
        since_back::<Activity>(kv, thread_id, List::Activities, &cursor.a, since, |a| {
            (&a.id, &a.created_at)
        })?;
    let (proposed_plans, p) =
        since_back::<ProposedPlan>(kv, thread_id, List::ProposedPlans, &cursor.p, since, |p| {
            (&p.id, &p.created_at)
        })?;
    let (checkpoints, c) =
        since_back::<CheckpointSummary>(kv, thread_id, List::Checkpoints, &cursor.c, since, |c| {
            (&c.turn_id, &c.completed_at)
        })?;
    let next = HistoryCursor { m, a, p, c };
    Ok(Page {
        messages,
        activities,
        proposed_plans,
        checkpoints,
        cursor: (!next.exhausted()).then_some(next),
    })
}

/// `Through` the list's newest item, or `Start` for an empty list.
fn newest<T: DeserializeOwned>(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
    list: List,
    id: impl Fn(&T) -> &String,
) -> Result<Boundary, HistoryError> {
    Ok(match kv.last(&items_prefix(thread_id, list))? {
        Some((_, raw)) => Boundary::Through(id(&decode::<T>("history item", &raw)?).clone()),
        None => Boundary::Start,
    })
}

/// Items before `boundary`, newest first, while `more(taken, item)` says so; and whether an
/// older item is left.
fn back<T: DeserializeOwned>(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
    list: List,
    boundary: &Boundary,
    more: &mut dyn FnMut(usize, &T) -> bool,
) -> Result<(Vec<T>, bool), HistoryError> {
    let prefix = items_prefix(thread_id, list);
    let end = match boundary {
        Boundary::Start => return Ok((Vec::new(), false)),
        Boundary::Before(id) | Boundary::Through(id) => {
            // A boundary item that is gone fell off the front (or was reverted away): nothing
            // older is handed out.
            let Some(order) = kv.get(&index_key(thread_id, list, id))? else {
                return Ok((Vec::new(), false));
            };
            let mut end = prefix.clone();
            end.extend_from_slice(&order);
            if matches!(boundary, Boundary::Through(_)) {
                // The first key after this one.
                end.push(0);
            }
            end
        }
    };
    let mut taken = Vec::new();
    let mut older = false;
    let mut failed = None;
    kv.scan_back(
        &prefix,
        &end,
        &mut |_, raw| match decode::<T>("history item", raw) {
            Ok(item) if more(taken.len(), &item) => {
                taken.push(item);
                true
            }
            Ok(_) => {
                older = true;
                false
            }
            Err(err) => {
                failed = Some(err);
                false
            }
        },
    )?;
    match failed {
        Some(err) => Err(err),
        None => Ok((taken, older)),
    }
}

/// [`super::history`]'s `take_since` from the store: the items before `boundary` created at or
/// after `since` (all without it), oldest first, and the boundary after taking them.
fn since_back<T: DeserializeOwned>(
    kv: &(impl HistoryRead + ?Sized),
    thread_id: &str,
    list: List,
    boundary: &Boundary,
    since: Option<&str>,
    key: impl Fn(&T) -> (&String, &String),
) -> Result<(Vec<T>, Boundary), HistoryError> {
    let (mut items, older) = back::<T>(kv, thread_id, list, boundary, &mut |_, item| {
        since.map_or(true, |since| at_or_after(key(item).1, since))
    })?;
    items.reverse();
    let next = match items.first() {
        _ if !older => Boundary::Start,
        Some(first) => Boundary::Before(key(first).0.clone()),
        None => boundary.clone(),
    };
    Ok((items, next))
}
