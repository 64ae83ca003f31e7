//! The index against models built by the real decider and projector: ranking, snippets, and
//! that each kind of event keeps the index equal to one built afresh.

use serde_json::{json, Value};

use super::source::SharedKv;
use super::*;
use crate::orchestration::{decide, decode_client_command, project, Command, DecideContext};
use crate::protocol::thread_search::MatchedIn;

const T0: &str = "2026-01-01T00:00:00.000Z";

struct World {
    model: ReadModel,
    kv: SharedKv,
    index: ThreadSearch,
    sequence: u64,
}

impl World {
    fn new() -> World {
        let kv = SharedKv::default();
        let world = World {
            model: ReadModel::default(),
            kv: kv.clone(),
            index: ThreadSearch::reading(Arc::new(kv)),
            sequence: 0,
        };
        world.index.rebuild(&world.model);
        world
    }

    /// Decides and projects `command`, then applies its touches, as the Engine's flush does.
    fn run(&mut self, command: Command) {
        let mut n = self.sequence;
        let mut ids = || {
            n += 1;
            format!("e{n}")
        };
        let mut ctx = DecideContext {
            now: T0.into(),
            next_id: &mut ids,
        };
        let drafts = decide(&command, &self.model, &mut ctx).expect("accepted");
        let mut touches = Vec::new();
        for draft in drafts {
            self.sequence += 1;
            let event = draft.into_event(self.sequence);
            project(&mut self.model, &mut *self.kv.write(), &event).expect("memory store");
            touches.extend(Touch::of(&event));
        }
        self.index.apply(&touches, &self.model);
    }

    fn client(&mut self, value: Value) {
        self.run(Command::Client(
            decode_client_command(value).expect("valid"),
        ));
    }

    fn internal(&mut self, value: Value) {
        self.run(Command::Internal(
            serde_json::from_value(value).expect("valid"),
        ));
    }

    fn thread(&mut self, id: &str, title: &str) {
        self.client(
            json!({"type": "thread.create", "commandId": format!("c-{id}"),
            "threadId": id, "projectId": "p", "title": title, "model": "m",
            "runtimeMode": "full-access", "branch": null, "worktreePath": null, "createdAt": T0}),
        );
    }

    fn say(&mut self, thread: &str, message: &str, text: &str) {
        self.client(
            json!({"type": "thread.turn.start", "commandId": format!("s-{message}"),
            "threadId": thread, "message": {"messageId": message, "role": "user", "text": text,
            "attachments": []}, "runtimeMode": "full-access", "interactionMode": "default",
            "createdAt": T0}),
        );
    }

    fn stream(&mut self, thread: &str, message: &str, delta: &str, n: usize) {
        self.internal(json!({"type": "thread.message.assistant.delta",
            "commandId": format!("d-{message}-{n}"), "threadId": thread, "messageId": message,
            "delta": delta, "turnId": "turn-1", "createdAt": T0}));
    }

    fn find(&self, query: &str, include_archived: bool) -> SearchThreadsResult {
        self.index.search(&SearchThreadsParams {
            query: query.into(),
            limit: 20,
            include_archived,
        })
    }

    fn ids(&self, query: &str) -> Vec<String> {
        self.find(query, false)
            .results
            .into_iter()
            .map(|r| r.thread_id)
            .collect()
    }

    /// The incrementally kept index answers as one built from the model now does.
    fn assert_fresh(&self, queries: &[&str]) {
        let fresh = ThreadSearch::reading(Arc::new(self.kv.clone()));
        fresh.rebuild(&self.model);
        for query in queries {
            for archived in [false, true] {
                let params = SearchThreadsParams {
                    query: query.to_string(),
                    limit: 20,
                    include_archived: archived,
                };
                assert_eq!(self.index.search(&params), fresh.search(&params), "{query}");
            }
        }
    }
}

fn world() -> World {
    let mut w = World::new();
    w.client(
        json!({"type": "project.create", "commandId": "p", "projectId": "p",
        "title": "P", "workspaceRoot": "/w", "createdAt": T0}),
    );
    w
}

#[test]
fn title_matches_outrank_message_matches_and_all_terms_must_match() {
    let mut w = world();
    w.thread("in-title", "Deploy the API");
    w.thread("in-messages", "Chores");
    w.say("in-messages", "m1", "how do we deploy?");
    w.say("in-messages", "m2", "deploy again, the API is down");
    w.thread("unrelated", "Lunch");
    w.say("unrelated", "m3", "sandwiches");
    assert_eq!(w.ids("deploy"), ["in-title", "in-messages"]);
    let result = w.find("DEPLOY", false);
    assert_eq!(result.results[0].matched_in, MatchedIn::Title);
    assert_eq!(result.results[0].snippet, "Deploy the API");
    assert_eq!(result.results[1].matched_in, MatchedIn::Message);
    // The newest matching message gives the snippet, as written.
    assert_eq!(result.results[1].snippet, "deploy again, the API is down");
    assert!(result.results[0].score > result.results[1].score);
    assert!(!result.truncated);
    // Both words must occur; the thread with both in the title ranks first.
    assert_eq!(w.ids("api deploy"), ["in-title", "in-messages"]);
    assert_eq!(w.ids("deploy sandwiches"), Vec::<String>::new());
    // Substrings of words match; a missing word matches nothing.
    assert_eq!(w.ids("sandw"), ["unrelated"]);
    assert!(w.ids("kubernetes").is_empty());
}

#[test]
fn more_matching_messages_rank_higher_and_limit_truncates() {
    let mut w = world();
    for (t, count) in [("one", 1), ("three", 3), ("two", 2)] {
        w.thread(t, "T");
        for i in 0..count {
            w.say(t, &format!("{t}-{i}"), "needle here");
        }
    }
    assert_eq!(w.ids("needle"), ["three", "two", "one"]);
    let top = w.index.search(&SearchThreadsParams {
        query: "needle".into(),
        limit: 2,
        include_archived: false,
    });
    assert!(top.truncated);
    let ids: Vec<&str> = top.results.iter().map(|r| r.thread_id.as_str()).collect();
    assert_eq!(ids, ["three", "two"]);
}

#[test]
fn snippets_are_whole_characters_around_the_match() {
    let mut w = world();
    w.thread("t", "T");
    let before = "é".repeat(300);
    let after = "ü".repeat(300);
    w.say(
        "t",
        "m",
        &format!("{before} İstanbul Straße  \n\n trip {after}"),
    );
    let result = w.find("straße", false);
    let snippet = &result.results[0].snippet;
    assert!(
        snippet.starts_with('…') && snippet.ends_with('…'),
        "{snippet}"
    );
    assert!(snippet.contains("İstanbul Straße trip"), "{snippet}");
    // 40 characters before the match, 100 from it, plus the two ellipses (whitespace runs
    // are shown as one space).
    assert!(
        snippet.chars().count() <= 142,
        "{}",
        snippet.chars().count()
    );
    // A character whose lower case is longer keeps its place: found by its own spelling.
    assert_eq!(w.ids("i̇stanbul").len() + w.ids("İstanbul").len(), 1);
    assert_eq!(w.ids("STRASSE"), Vec::<String>::new());
    // A NUL in a message cannot join it to the next one (it is the corpus's separator).
    w.say("t", "m2", "Null\u{0}Byte");
    w.say("t", "m3", "after");
    let result = w.find("byte", false);
    assert_eq!(result.results[0].snippet, "Null Byte");
    assert!(w.ids("byteafter").is_empty());
    w.assert_fresh(&["byte", "null", "after"]);
}

#[test]
fn streaming_titles_archive_delete_and_revert_keep_the_index_current() {
    let mut w = world();
    w.thread("a", "Alpha");
    w.thread("b", "Beta");
    w.say("a", "u1", "first question");
    // Streamed text lands piece by piece; a word split across deltas is found whole.
    for (n, delta) in ["The Ans", "wer is ", "Forty-Two"].iter().enumerate() {
        w.stream("a", "a1", delta, n);
    }
    assert_eq!(w.ids("answer"), ["a"]);
    // Rewritten in place three times, the snippet still shows the capitals as written.
    assert_eq!(
        w.find("answer", false).results[0].snippet,
        "The Answer is Forty-Two"
    );
    w.internal(
        json!({"type": "thread.message.assistant.complete", "commandId": "done",
        "threadId": "a", "messageId": "a1", "turnId": "turn-1", "createdAt": T0}),
    );
    w.say("a", "u2", "second question");
    w.assert_fresh(&["answer", "question", "alpha", "forty"]);

    w.client(
        json!({"type": "thread.meta.update", "commandId": "rename", "threadId": "b",
        "title": "Gamma ray"}),
    );
    assert_eq!(w.ids("gamma"), ["b"]);
    assert!(w.ids("beta").is_empty());

    w.client(json!({"type": "thread.archive", "commandId": "arch", "threadId": "b"}));
    assert!(w.ids("gamma").is_empty());
    assert_eq!(w.find("gamma", true).results.len(), 1);
    w.client(json!({"type": "thread.unarchive", "commandId": "unarch", "threadId": "b"}));
    assert_eq!(w.ids("gamma"), ["b"]);

    // A revert to turn 0 drops the thread's messages (none of its turns is kept).
    w.internal(
        json!({"type": "thread.revert.complete", "commandId": "rev", "threadId": "a",
        "turnCount": 0, "createdAt": T0}),
    );
    assert!(
        w.ids("answer").is_empty(),
        "{:?}",
        w.model.threads["a"].history
    );
    w.assert_fresh(&["answer", "question", "gamma"]);

    w.client(json!({"type": "thread.delete", "commandId": "del", "threadId": "b"}));
    assert!(w.find("gamma", true).results.is_empty());
    w.assert_fresh(&["gamma", "alpha"]);
}

#[test]
fn an_older_message_changing_rebuilds_its_thread() {
    let mut w = world();
    w.thread("t", "T");
    w.stream("t", "a1", "early ", 0);
    w.say("t", "u1", "later");
    // a1 is no longer the newest message: its next delta rebuilds the document.
    w.stream("t", "a1", "bird", 1);
    assert_eq!(w.ids("early bird"), ["t"]);
    w.assert_fresh(&["early", "bird", "later"]);
}
