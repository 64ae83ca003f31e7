//! A thread's history in pages: the window a `subscribeThread {limit}` snapshot carries (the
//! newest `limit` messages and what happened alongside them) and the older pages
//! `getThreadHistory` returns from its cursor.
//!
//! The cursor holds, for each of the thread's lists (messages, activities, proposed plans,
//! checkpoints), where the part already handed out begins, by item id rather than by index: new
//! items arrive at the end and the oldest fall off the front at the read model's caps, and
//! neither moves an id. So paging back from a snapshot while the thread goes on hands out every
//! older item exactly once, and what is newer arrives as events instead.
//!
//! Messages are paged by count; the other lists go with them by time: a page takes the items
//! created at or after its oldest message (the last page takes all that is left).

use serde::{Deserialize, Serialize};

use super::full_model::FullThread;
use super::model::{Activity, CheckpointSummary, Message, ProposedPlan, Thread};
use super::thread_lists::ThreadLists;

/// `getThreadHistory`'s page size when none is asked for, and the largest.
pub const HISTORY_LIMIT_DEFAULT: usize = 100;
pub const HISTORY_LIMIT_MAX: usize = 500;

/// Where the handed-out part of one list begins.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Boundary {
    /// Everything before the item with this id is still to come.
    Before(String),
    /// The items up to and including this id are still to come (nothing of the list was
    /// handed out; the id is its newest item when the window was cut).
    Through(String),
    /// Nothing older is left.
    Start,
}

/// The opaque `historyCursor`: a boundary per list.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct HistoryCursor {
    pub(super) m: Boundary,
    pub(super) a: Boundary,
    pub(super) p: Boundary,
    pub(super) c: Boundary,
}

impl HistoryCursor {
    /// The wire form: a string the client hands back unchanged.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(raw: &str) -> Option<HistoryCursor> {
        serde_json::from_str(raw).ok()
    }

    pub(super) fn exhausted(&self) -> bool {
        [&self.m, &self.a, &self.p, &self.c]
            .iter()
            .all(|b| **b == Boundary::Start)
    }
}

/// One page of a thread's history, each list oldest first (the caller orders the wire form).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub messages: Vec<Message>,
    pub activities: Vec<Activity>,
    pub proposed_plans: Vec<ProposedPlan>,
    pub checkpoints: Vec<CheckpointSummary>,
    pub cursor: Option<HistoryCursor>,
}

/// The thread (its row and its lists) with its newest `limit` messages and the items alongside
/// them, and the cursor to the rest (none when nothing older exists).
pub fn window(
    row: &Thread,
    lists: &ThreadLists,
    limit: usize,
) -> (FullThread, Option<HistoryCursor>) {
    let everything = HistoryCursor {
        m: through(&lists.messages, |m| &m.id),
        a: through(&lists.activities, |a| &a.id),
        p: through(&lists.proposed_plans, |p| &p.id),
        c: through(&lists.checkpoints, |c| &c.turn_id),
    };
    let page = page(lists, &everything, limit);
    let windowed = FullThread::of(
        row,
        ThreadLists {
            messages: page.messages,
            proposed_plans: page.proposed_plans,
            activities: page.activities,
            checkpoints: page.checkpoints,
        },
    );
    (windowed, page.cursor)
}

/// The page before `cursor`: at most `limit` messages and the items that go with them.
pub fn page(thread: &ThreadLists, cursor: &HistoryCursor, limit: usize) -> Page {
    let end = resolve(&thread.messages, &cursor.m, |m| &m.id);
    let start = end.saturating_sub(limit.max(1));
    let messages = thread.messages[start..end].to_vec();
    // The oldest message of the page bounds the other lists; the last page takes the rest.
    let since = (start > 0).then(|| messages.first().map(|m| m.created_at.as_str()));
    let since = since.flatten();
    let m = match thread.messages.get(start) {
        Some(first) if start > 0 => Boundary::Before(first.id.clone()),
        _ => Boundary::Start,
    };
    let (activities, a) = take_since(&thread.activities, &cursor.a, since, |a| {
        (&a.id, a.created_at.as_str())
    });
    let (proposed_plans, p) = take_since(&thread.proposed_plans, &cursor.p, since, |p| {
        (&p.id, p.created_at.as_str())
    });
    let (checkpoints, c) = take_since(&thread.checkpoints, &cursor.c, since, |c| {
        (&c.turn_id, c.completed_at.as_str())
    });
    let next = HistoryCursor { m, a, p, c };
    Page {
        messages,
        activities,
        proposed_plans,
        checkpoints,
        cursor: (!next.exhausted()).then_some(next),
    }
}

fn through<T>(items: &[T], id: impl Fn(&T) -> &String) -> Boundary {
    match items.last() {
        Some(last) => Boundary::Through(id(last).clone()),
        None => Boundary::Start,
    }
}

/// The index the still-to-come part of `items` ends at (exclusive). A boundary item that is no
/// longer there fell off the front at the read model's cap, after everything older did, or was
/// reverted away (which the subscriber hears of as an event): nothing older is handed out.
fn resolve<T>(items: &[T], boundary: &Boundary, id: impl Fn(&T) -> &String) -> usize {
    let find = |wanted: &str| items.iter().rposition(|item| id(item) == wanted);
    match boundary {
        Boundary::Start => 0,
        Boundary::Before(wanted) => find(wanted).unwrap_or(0),
        Boundary::Through(wanted) => find(wanted).map_or(0, |i| i + 1),
    }
}

/// The items before `boundary` created at or after `since` (all of them without `since`), and
/// the boundary after taking them.
fn take_since<T: Clone>(
    items: &[T],
    boundary: &Boundary,
    since: Option<&str>,
    key: impl Fn(&T) -> (&String, &str),
) -> (Vec<T>, Boundary) {
    let end = resolve(items, boundary, |item| key(item).0);
    let mut start = end;
    while start > 0 {
        let (_, created_at) = key(&items[start - 1]);
        if since.is_some_and(|since| !at_or_after(created_at, since)) {
            break;
        }
        start -= 1;
    }
    let next = match items.get(start) {
        _ if start == 0 => Boundary::Start,
        Some(first) if start < end => Boundary::Before(key(first).0.clone()),
        _ => boundary.clone(),
    };
    (items[start..end].to_vec(), next)
}

/// `a >= b` for two timestamps: as instants when both are RFC 3339, else as text.
pub(super) fn at_or_after(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a >= b,
        _ => a >= b,
    }
}

#[cfg(test)]
mod tests;
