use std::collections::HashSet;

use serde_json::json;

use super::*;
use crate::orchestration::model::{ActivityTone, MessageRole};
use crate::orchestration::test_support::Harness;

fn at(i: usize) -> String {
    format!("2026-01-01T00:{:02}:{:02}.000Z", i / 60, i % 60)
}

fn message(i: usize) -> Message {
    Message {
        id: format!("m{i}"),
        role: if i % 2 == 0 {
            MessageRole::User
        } else {
            MessageRole::Assistant
        },
        text: format!("message {i}"),
        attachments: None,
        turn_id: None,
        streaming: false,
        created_at: at(i),
        updated_at: at(i),
        answered_by: None,
    }
}

fn activity(i: usize) -> Activity {
    Activity {
        id: format!("a{i}"),
        tone: ActivityTone::Info,
        kind: "tool.completed".into(),
        summary: format!("activity {i}"),
        payload: json!({}),
        turn_id: None,
        sequence: None,
        created_at: at(i),
    }
}

/// A thread with messages and activities at the even and odd seconds of `0..n`.
fn thread(n: usize) -> FullThread {
    let mut t = Harness::with_thread().thread("t1");
    for i in 0..n {
        t.messages.push(message(2 * i));
        t.activities.push(activity(2 * i + 1));
    }
    t
}

fn lists(t: &FullThread) -> ThreadLists {
    ThreadLists {
        messages: t.messages.clone(),
        proposed_plans: t.proposed_plans.clone(),
        activities: t.activities.clone(),
        checkpoints: t.checkpoints.clone(),
    }
}

fn window(t: &FullThread, limit: usize) -> (FullThread, Option<HistoryCursor>) {
    super::window(&t.head(), &lists(t), limit)
}

fn page(t: &FullThread, cursor: &HistoryCursor, limit: usize) -> Page {
    super::page(&lists(t), cursor, limit)
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &String) -> Vec<String> {
    items.iter().map(|i| id(i).clone()).collect()
}

#[test]
fn a_window_holds_the_newest_messages_and_what_happened_alongside_them() {
    let t = thread(10);
    let (w, cursor) = window(&t, 3);
    assert_eq!(ids(&w.messages, |m| &m.id), ["m14", "m16", "m18"]);
    // Activities at or after the oldest message of the window.
    assert_eq!(ids(&w.activities, |a| &a.id), ["a15", "a17", "a19"]);
    assert!(cursor.is_some());
    assert_eq!(w.title, t.title);
    // A window as large as the thread is the thread, with no cursor.
    let (all, none) = window(&t, 50);
    assert_eq!(all.messages, t.messages);
    assert_eq!(all.activities, t.activities);
    assert!(none.is_none());
}

#[test]
fn paging_back_hands_out_every_item_exactly_once_while_the_thread_grows() {
    let mut t = thread(25);
    let (w, mut cursor) = window(&t, 4);
    let mut seen_m: Vec<String> = ids(&w.messages, |m| &m.id);
    let mut seen_a: Vec<String> = ids(&w.activities, |a| &a.id);
    let mut pages = 0;
    while let Some(c) = cursor {
        // The thread goes on between pages: new items arrive at the end.
        let n = t.messages.len() + t.activities.len();
        t.messages.push(message(1000 + n));
        t.activities.push(activity(1001 + n));
        let round_trip = HistoryCursor::decode(&c.encode()).expect("decodes");
        let p = page(&t, &round_trip, 7);
        assert!(p.messages.len() <= 7);
        seen_m.extend(ids(&p.messages, |m| &m.id));
        seen_a.extend(ids(&p.activities, |a| &a.id));
        cursor = p.cursor;
        pages += 1;
        assert!(pages < 100, "paging does not end");
    }
    let want_m: HashSet<String> = (0..25).map(|i| format!("m{}", 2 * i)).collect();
    let want_a: HashSet<String> = (0..25).map(|i| format!("a{}", 2 * i + 1)).collect();
    assert_eq!(seen_m.len(), 25, "{seen_m:?}");
    assert_eq!(seen_a.len(), 25, "{seen_a:?}");
    assert_eq!(seen_m.into_iter().collect::<HashSet<_>>(), want_m);
    assert_eq!(seen_a.into_iter().collect::<HashSet<_>>(), want_a);
}

#[test]
fn a_list_with_nothing_handed_out_keeps_its_items_for_the_pages() {
    // Activities all older than the window's messages: none in the window, all in the pages.
    let mut t = thread(0);
    for i in 0..5 {
        t.activities.push(activity(i));
    }
    for i in 10..20 {
        t.messages.push(message(i));
    }
    let (w, cursor) = window(&t, 4);
    assert!(w.activities.is_empty());
    let mut cursor = cursor.expect("older messages remain");
    let mut activities = Vec::new();
    loop {
        let p = page(&t, &cursor, 4);
        activities.extend(ids(&p.activities, |a| &a.id));
        match p.cursor {
            Some(next) => cursor = next,
            None => break,
        }
    }
    assert_eq!(activities, ["a0", "a1", "a2", "a3", "a4"]);
}

#[test]
fn items_fallen_off_the_front_end_the_paging_instead_of_repeating() {
    let mut t = thread(10);
    let (_, cursor) = window(&t, 2);
    let cursor = cursor.expect("older remain");
    // Everything older than the window fell off at the cap.
    t.messages.drain(..8);
    t.activities.drain(..8);
    let p = page(&t, &cursor, 5);
    assert!(p.messages.is_empty());
    assert!(p.activities.is_empty());
    assert!(p.cursor.is_none());
}

#[test]
fn a_cursor_is_checked_when_decoded() {
    assert!(HistoryCursor::decode("nope").is_none());
    assert!(HistoryCursor::decode("{\"m\":\"start\"}").is_none());
}
