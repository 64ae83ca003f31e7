//! The bounded index (issue 18) against generated models built by the real decider and
//! projector: it answers as a brute-force scan of the model's messages does, its candidates
//! never miss a thread that matches, a search during the background build finds the same,
//! and its size follows the number of threads, not their text.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde_json::{json, Value};

use super::doc::fold;
use super::source::SharedKv;
use super::*;
use crate::orchestration::full_model::projector::project_full;
use crate::orchestration::thread_lists::ThreadLists;
use crate::orchestration::{
    decide, decode_client_command, project, Command, DecideContext, FullModel, FullThread,
};
use crate::protocol::thread_search::MatchedIn;

const T0: &str = "2026-01-01T00:00:00.000Z";
const WAIT: Duration = Duration::from_secs(30);

struct World {
    model: ReadModel,
    /// The same events through v0.0.4's projector: every thread's lists, for the checks.
    full: FullModel,
    kv: SharedKv,
    index: ThreadSearch,
    sequence: u64,
    commands: u64,
}

impl World {
    fn new() -> World {
        let kv = SharedKv::default();
        let mut w = World {
            model: ReadModel::default(),
            full: FullModel::default(),
            kv: kv.clone(),
            index: ThreadSearch::reading(Arc::new(kv)),
            sequence: 0,
            commands: 0,
        };
        w.index.rebuild(&w.model);
        w.client(
            json!({"type": "project.create", "commandId": "p", "projectId": "p",
            "title": "P", "workspaceRoot": "/w", "createdAt": T0}),
        );
        w
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
            project_full(&mut self.full, &event);
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

    fn next_command(&mut self) -> String {
        self.commands += 1;
        format!("c{}", self.commands)
    }

    fn thread(&mut self, id: &str, title: &str) {
        let command = self.next_command();
        self.client(json!({"type": "thread.create", "commandId": command,
            "threadId": id, "projectId": "p", "title": title, "model": "m",
            "runtimeMode": "full-access", "branch": null, "worktreePath": null, "createdAt": T0}));
    }

    fn say(&mut self, thread: &str, message: &str, text: &str) {
        let command = self.next_command();
        self.client(json!({"type": "thread.turn.start", "commandId": command,
            "threadId": thread, "message": {"messageId": message, "role": "user", "text": text,
            "attachments": []}, "runtimeMode": "full-access", "interactionMode": "default",
            "createdAt": T0}));
    }

    fn stream(&mut self, thread: &str, message: &str, delta: &str) {
        let command = self.next_command();
        self.internal(json!({"type": "thread.message.assistant.delta",
            "commandId": command, "threadId": thread, "messageId": message,
            "delta": delta, "turnId": "turn-1", "createdAt": T0}));
    }

    fn simple(&mut self, kind: &str, thread: &str) {
        let command = self.next_command();
        self.client(json!({"type": kind, "commandId": command, "threadId": thread}));
    }

    fn revert(&mut self, thread: &str) {
        let command = self.next_command();
        self.internal(
            json!({"type": "thread.revert.complete", "commandId": command, "threadId": thread,
            "turnCount": 0, "createdAt": T0}),
        );
    }
}

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "deploy",
    "Deploy",
    "API",
    "pipeline",
    "kubernetes",
    "lunch",
    "Straße",
    "İstanbul",
    "naïve",
    "café",
    "日本語",
    "emoji🎉",
    "fix",
    "bug",
    "tests",
    "CI",
    "fails",
    "again",
    "the",
    "a",
    "is",
    "plan",
    "step",
    "zebra",
    "quartz",
    "jumps",
    "over",
    "lazy",
    "dog",
    "Ωmega",
    "x",
    "yy",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            out.push_str(if rng.below(9) == 0 { ",  \n" } else { " " });
        }
        out.push_str(rng.pick(WORDS));
    }
    out
}

/// `text` cut into 1-4 pieces at character boundaries.
fn pieces(rng: &mut Rng, text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut cuts: Vec<usize> = (0..rng.below(4)).map(|_| rng.below(chars.len())).collect();
    cuts.push(0);
    cuts.push(chars.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| chars[w[0]..w[1]].iter().collect())
        .collect()
}

/// A world of `threads` threads with user and streamed messages, renames, archives, deletes
/// and reverts, all applied incrementally to its index.
fn generated(seed: u64, threads: usize) -> World {
    let mut rng = Rng(seed);
    let mut w = World::new();
    for t in 0..threads {
        let id = format!("t{t:03}");
        let words = 1 + rng.below(3);
        let title = sentence(&mut rng, words);
        w.thread(&id, &title);
        for m in 0..rng.below(12) {
            let words = 1 + rng.below(15);
            let text = sentence(&mut rng, words);
            if rng.below(2) == 0 {
                w.say(&id, &format!("{id}-u{m}"), &text);
            } else {
                for piece in pieces(&mut rng, &text) {
                    w.stream(&id, &format!("{id}-a{m}"), &piece);
                }
            }
        }
        match rng.below(10) {
            0 => w.simple("thread.archive", &id),
            1 => w.simple("thread.delete", &id),
            2 => w.revert(&id),
            3 => {
                let command = w.next_command();
                let title = sentence(&mut rng, 2);
                w.client(json!({"type": "thread.meta.update", "commandId": command,
                    "threadId": id, "title": title}));
            }
            _ => {}
        }
    }
    w
}

/// A query made of pieces of the world's text (so most match something), words, and noise.
fn query(rng: &mut Rng, model: &FullModel) -> String {
    let threads: Vec<&Arc<FullThread>> = model.threads.values().collect();
    let mut parts = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let thread = threads[rng.below(threads.len())];
        let source = match thread.messages.len() {
            0 => thread.title.clone(),
            n if rng.below(4) > 0 => thread.messages[rng.below(n)].text.clone(),
            _ => thread.title.clone(),
        };
        let chars: Vec<char> = source.chars().collect();
        let part: String = match rng.below(6) {
            0 => rng.pick(WORDS).to_string(),
            1 => "qqqzz".to_string(),
            _ if chars.is_empty() => "deploy".to_string(),
            _ => {
                let start = rng.below(chars.len());
                let len = 1 + rng.below(8);
                chars[start..(start + len).min(chars.len())]
                    .iter()
                    .collect()
            }
        };
        parts.push(if rng.below(3) == 0 {
            part.to_uppercase()
        } else {
            part
        });
    }
    parts.join(" ")
}

/// What the search must answer, computed the slow way from the model's rows: (thread id,
/// score) best first, and whether more matched than `limit`.
fn brute_force(model: &FullModel, params: &SearchThreadsParams) -> (Vec<(String, f64)>, bool) {
    let terms = query::terms(&params.query);
    if terms.is_empty() {
        return (Vec::new(), false);
    }
    let mut found: Vec<(f64, String, String)> = Vec::new();
    for thread in model.threads.values() {
        if thread.deleted_at.is_some() || (thread.is_archived() && !params.include_archived) {
            continue;
        }
        let title = fold(&thread.title);
        let texts: Vec<String> = thread.messages.iter().map(|m| fold(&m.text)).collect();
        let mut score = 0.0;
        let mut all = true;
        for term in &terms {
            let count = texts.iter().filter(|t| t.contains(term.as_str())).count();
            let at = title.find(term.as_str());
            if at.is_none() && count == 0 {
                all = false;
                break;
            }
            if let Some(at) = at {
                score += 10.0;
                let before = title[..at].chars().next_back();
                if before.map_or(true, |c| !c.is_alphanumeric()) {
                    score += 4.0;
                }
                if at == 0 {
                    score += 2.0;
                }
            }
            if count > 0 {
                score += 1.0 + (count as f64).ln();
            }
        }
        if !all {
            continue;
        }
        if terms.len() > 1 && title.contains(&terms.join(" ")) {
            score += 6.0;
        }
        let active = thread
            .messages
            .last()
            .map_or_else(|| thread.created_at.clone(), |m| m.updated_at.clone());
        found.push((score, active, thread.id.clone()));
    }
    found.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    let truncated = found.len() > params.limit;
    found.truncate(params.limit);
    let rounded = |s: f64| (s * 1000.0).round() / 1000.0;
    let found = found.into_iter().map(|(s, _, id)| (id, rounded(s)));
    (found.collect(), truncated)
}

fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `result` is what the brute force finds, with snippets from the right messages.
fn assert_answers(model: &FullModel, params: &SearchThreadsParams, result: &SearchThreadsResult) {
    let (expected, truncated) = brute_force(model, params);
    let got: Vec<(String, f64)> = result
        .results
        .iter()
        .map(|r| (r.thread_id.clone(), r.score))
        .collect();
    assert_eq!(got, expected, "{params:?}");
    assert_eq!(result.truncated, truncated, "{params:?}");
    let Some(first) = query::terms(&params.query).into_iter().next() else {
        return;
    };
    for hit in &result.results {
        let thread = &model.threads[&hit.thread_id];
        assert_eq!(hit.title, thread.title);
        match hit.matched_in {
            MatchedIn::Title => assert_eq!(hit.snippet, thread.title),
            MatchedIn::Message => {
                // From the newest message holding the first term, as written.
                let message = thread
                    .messages
                    .iter()
                    .rev()
                    .find(|m| fold(&m.text).contains(&first))
                    .expect("a message holds the first term");
                let shown = collapse(hit.snippet.trim_matches('…'));
                assert!(collapse(&message.text).contains(&shown), "{hit:?}");
                assert!(fold(&hit.snippet).contains(&first), "{hit:?}");
            }
        }
    }
}

fn params(rng: &mut Rng, model: &FullModel) -> SearchThreadsParams {
    SearchThreadsParams {
        query: query(rng, model),
        limit: 1 + rng.below(25),
        include_archived: rng.below(3) == 0,
    }
}

#[test]
fn searches_answer_as_a_brute_force_scan_of_the_models_messages() {
    for seed in [1, 2, 3] {
        let w = generated(0x9E37_79B9 ^ seed, 80);
        // Built afresh, on a background thread, and reading a history source: all the same.
        let fresh = ThreadSearch::reading(Arc::new(w.kv.clone()));
        fresh.rebuild(&w.model);
        let started = ThreadSearch::reading(Arc::new(w.kv.clone()));
        started.start(&w.model);
        assert!(started.wait_built(WAIT));
        let reader = ThreadSearch::reading(Arc::new(w.full.clone()));
        reader.rebuild(&w.model);
        let mut rng = Rng(seed);
        for _ in 0..300 {
            let params = params(&mut rng, &w.full);
            let result = w.index.search(&params);
            assert_answers(&w.full, &params, &result);
            assert_eq!(fresh.search(&params), result, "{params:?}");
            assert_eq!(started.search(&params), result, "{params:?}");
            assert_eq!(reader.try_search(&params), Ok(result), "{params:?}");
        }
    }
}

#[test]
fn signatures_skip_most_threads_that_do_not_match() {
    let w = generated(77, 80);
    let mut rng = Rng(5);
    let (mut candidates, mut matches) = (0, 0);
    for _ in 0..300 {
        let params = params(&mut rng, &w.full);
        let Some(prepared) = query::prepare(&params.query) else {
            continue;
        };
        candidates += w.index.candidates(&prepared, true).len();
        matches += brute_force(
            &w.full,
            &SearchThreadsParams {
                limit: 1000,
                include_archived: true,
                ..params
            },
        )
        .0
        .len();
    }
    // Small threads fill few bits: the candidates are mostly real matches.
    assert!(candidates >= matches);
    assert!(candidates < matches * 2 + 300, "{candidates} for {matches}");
}

#[test]
fn a_revert_rebuilds_the_signature_and_a_delete_leaves_the_index() {
    let mut w = World::new();
    w.thread("t", "Title");
    w.say("t", "u1", "zyzzyva quixotic");
    let probe = |w: &World| {
        let prepared = query::prepare("zyzzyva").expect("terms");
        w.index.candidates(&prepared, true).len()
    };
    assert_eq!(probe(&w), 1);
    w.revert("t");
    // Its messages are gone, and so are their grams (not just filtered out when read).
    assert!(w.full.threads["t"].messages.is_empty());
    assert_eq!(probe(&w), 0);
    w.say("t", "u2", "zyzzyva again");
    assert_eq!(probe(&w), 1);
    w.simple("thread.delete", "t");
    assert_eq!(w.index.status().0, 0);
    assert_eq!(probe(&w), 0);
}

#[test]
fn the_index_grows_with_threads_not_with_their_text() {
    let mut w = World::new();
    for t in 0..50 {
        w.thread(&format!("t{t:03}"), "Same title");
        w.say(&format!("t{t:03}"), &format!("m{t:03}-0000"), "hello");
    }
    let small = w.index.index_bytes();
    let mut rng = Rng(9);
    for t in 0..50 {
        for m in 1..110 {
            let text = sentence(&mut rng, 40);
            w.say(&format!("t{t:03}"), &format!("m{t:03}-{m:04}"), &text);
        }
    }
    let big = w.index.index_bytes();
    let text: usize = w
        .full
        .threads
        .values()
        .flat_map(|t| &t.messages)
        .map(|m| m.text.len())
        .sum();
    assert!(text > 1_000_000, "{text}");
    // The same to within string slack, while the text grew a thousandfold.
    assert!(big <= small + small / 20, "{small} → {big}");
    assert!(big <= 50 * (SIGNATURE_BYTES + 1024), "{big}");
    // And the index still finds what the text holds.
    let params = SearchThreadsParams {
        query: "quartz jumps".into(),
        limit: 100,
        include_archived: false,
    };
    assert_answers(&w.full, &params, &w.index.search(&params));
}

/// A history source whose reads on the index's build thread wait until opened.
struct Gated {
    model: SharedKv,
    open: Mutex<bool>,
    opened: Condvar,
}

impl HistorySource for Gated {
    fn lists(&self, thread_id: &str) -> Result<ThreadLists, HistoryError> {
        if std::thread::current().name() == Some("search-index") {
            let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            let _open = self
                .opened
                .wait_while(open, |open| !*open)
                .unwrap_or_else(|e| e.into_inner());
        }
        self.model.lists(thread_id)
    }

    fn message(&self, thread_id: &str, message_id: &str) -> Result<Option<Message>, HistoryError> {
        self.model.message(thread_id, message_id)
    }
}

#[test]
fn a_search_during_the_build_reads_every_thread_and_finds_the_same() {
    let w = generated(4242, 60);
    let gated = Arc::new(Gated {
        model: w.kv.clone(),
        open: Mutex::new(false),
        opened: Condvar::new(),
    });
    let index = ThreadSearch::reading(gated.clone());
    index.start(&w.model);
    // The build is held at its first thread: nothing is built, every thread is a candidate.
    assert!(!index.wait_built(Duration::from_millis(50)));
    assert_eq!(index.status(), (w.index.status().0, true));
    let all = query::prepare("qqqzz").expect("terms");
    assert_eq!(
        index.candidates(&all, true).len(),
        w.index.status().0,
        "unbuilt threads are all read"
    );
    let mut rng = Rng(11);
    let asked: Vec<SearchThreadsParams> = (0..100).map(|_| params(&mut rng, &w.full)).collect();
    let during: Vec<SearchThreadsResult> = asked.iter().map(|p| index.search(p)).collect();
    {
        *gated.open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        gated.opened.notify_all();
    }
    assert!(index.wait_built(WAIT));
    assert!(!index.status().1);
    assert_eq!(index.candidates(&all, true).len(), 0);
    for (params, during) in asked.iter().zip(during) {
        assert_answers(&w.full, params, &during);
        assert_eq!(index.search(params), during, "{params:?}");
    }
}

#[test]
fn updates_during_the_build_are_kept_and_an_older_build_stops() {
    let mut w = generated(99, 30);
    let gated = Arc::new(Gated {
        model: w.kv.clone(),
        open: Mutex::new(false),
        opened: Condvar::new(),
    });
    let index = ThreadSearch::reading(gated.clone());
    index.start(&w.model);
    // A message arrives while the build waits; the build's read (of the older model) must
    // not lose it.
    w.say("t001", "late", "xylophone concerto");
    let touches = [Touch::Message {
        thread_id: "t001".into(),
        message_id: "late".into(),
        append: false,
    }];
    index.apply_from(&touches, &w.model, &w.kv);
    // A second start (a new Engine incarnation) supersedes the first build.
    index.start(&w.model);
    index.apply_from(&touches, &w.model, &w.kv);
    {
        *gated.open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        gated.opened.notify_all();
    }
    assert!(index.wait_built(WAIT));
    let prepared = query::prepare("xylophone").expect("terms");
    let ids: Vec<String> = index
        .candidates(&prepared, true)
        .iter()
        .map(|e| e.thread_id.clone())
        .collect();
    assert_eq!(ids, ["t001"]);
}

/// A history source that counts the threads read from it.
struct Counting {
    model: SharedKv,
    reads: std::sync::atomic::AtomicUsize,
}

impl HistorySource for Counting {
    fn lists(&self, thread_id: &str) -> Result<ThreadLists, HistoryError> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.model.lists(thread_id)
    }

    fn message(&self, thread_id: &str, message_id: &str) -> Result<Option<Message>, HistoryError> {
        self.model.message(thread_id, message_id)
    }
}

#[test]
fn a_word_in_every_thread_reads_only_the_threads_that_can_rank() {
    // The bench's shape, small: every thread says the same, so every thread ties.
    let mut w = World::new();
    for t in 0..40 {
        let id = format!("t{t:02}");
        w.thread(&id, &id);
        for turn in 0..6 {
            w.say(
                &id,
                &format!("{id}-{turn}-u"),
                &format!("Please do step {turn} of the plan."),
            );
            for _ in 0..3 {
                w.stream(&id, &format!("{id}-{turn}-a"), "Some streamed words. ");
            }
        }
    }
    // One thread says it more often: it must come first however the others tie.
    w.say("t33", "extra", "streamed streamed");
    let counting = Arc::new(Counting {
        model: w.kv.clone(),
        reads: Default::default(),
    });
    let index = ThreadSearch::reading(counting.clone());
    index.rebuild(&w.model);
    for (query, limit) in [
        ("streamed", 5),
        ("streamed", 40),
        ("step 5 plan", 3),
        ("t1", 20),
        ("zebra", 5),
    ] {
        for index in [&index, &w.index] {
            let params = SearchThreadsParams {
                query: query.into(),
                limit,
                include_archived: false,
            };
            assert_answers(&w.full, &params, &index.search(&params));
        }
    }
    counting.reads.store(0, std::sync::atomic::Ordering::SeqCst);
    let params = SearchThreadsParams {
        query: "streamed".into(),
        limit: 5,
        include_archived: false,
    };
    let result = index.search(&params);
    assert_eq!(result.results[0].thread_id, "t33");
    assert!(result.truncated);
    // The best five by their bounds, and one more to know the answer is truncated.
    assert_eq!(counting.reads.load(std::sync::atomic::Ordering::SeqCst), 6);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the text and however it was streamed, every piece of a message is found
    /// in its thread's signature (and so the thread is a candidate).
    #[test]
    fn candidates_never_miss_a_thread_that_matches(
        messages in prop::collection::vec(("\\PC{0,30}", any::<bool>(), 0usize..4), 1..6),
        pick in any::<prop::sample::Index>(),
        start in any::<prop::sample::Index>(),
        len in 1usize..10,
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 3),
    ) {
        let mut w = World::new();
        w.thread("t", "T");
        for (i, (text, streamed, n_cuts)) in messages.iter().enumerate() {
            if *streamed {
                let chars: Vec<char> = text.chars().collect();
                let mut at: Vec<usize> =
                    cuts.iter().take(*n_cuts).map(|c| c.index(chars.len() + 1)).collect();
                at.push(0);
                at.push(chars.len());
                at.sort_unstable();
                for w2 in at.windows(2) {
                    let piece: String = chars[w2[0]..w2[1]].iter().collect();
                    w.stream("t", &format!("a{i}"), &piece);
                }
            } else {
                w.say("t", &format!("u{i}"), text);
            }
        }
        let thread = &w.full.threads["t"];
        prop_assume!(!thread.messages.is_empty());
        let message = &thread.messages[pick.index(thread.messages.len())];
        let chars: Vec<char> = message.text.chars().collect();
        prop_assume!(!chars.is_empty());
        let from = start.index(chars.len());
        let piece: String = chars[from..(from + len).min(chars.len())].iter().collect();
        let Some(prepared) = query::prepare(&piece) else {
            return Ok(());
        };
        let entries = w.index.inner.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = &entries["t"];
        prop_assert!(entry.built);
        prop_assert!(query::is_candidate(entry, &prepared), "{piece:?} of {:?}", message.text);
        drop(entries);
        let found = w.index.search(&SearchThreadsParams {
            query: piece.clone(),
            limit: 10,
            include_archived: false,
        });
        prop_assert_eq!(found.results.len(), 1, "{:?}", piece);
    }
}

/// The bench store's shape (1,000 threads × 55 turns: "Please do step N of the plan." and a
/// streamed "Some streamed words. " × 10), measured: run with
/// `cargo test --lib thread_search::tests_bounded::measure -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check: prints sizes and timings"]
fn measure_the_bench_shape() {
    let mut model = ReadModel::default();
    let kv = SharedKv::default();
    let mut sequence = 0;
    let mut event = |model: &mut ReadModel, body: Value| {
        sequence += 1;
        let event: Event = serde_json::from_value(json!({
            "sequence": sequence, "eventId": format!("e{sequence}"), "aggregateKind": "thread",
            "aggregateId": body["payload"]["threadId"], "occurredAt": T0, "commandId": null,
            "causationEventId": null, "correlationId": null, "metadata": {},
            "type": body["type"], "payload": body["payload"]}))
        .expect("event");
        project(model, &mut *kv.write(), &event).expect("memory store");
    };
    let started = Instant::now();
    for t in 0..1000 {
        let thread = format!("t{t}");
        event(
            &mut model,
            json!({"type": "thread.created", "payload": {"threadId": thread,
            "projectId": "bench", "title": thread, "model": "gpt-5.4",
            "runtimeMode": "full-access", "interactionMode": "default", "branch": null,
            "worktreePath": null, "createdAt": T0, "updatedAt": T0}}),
        );
        for turn in 0..55 {
            for (id, role, text) in [
                (
                    format!("{thread}-{turn}-u"),
                    "user",
                    format!("Please do step {turn} of the plan."),
                ),
                (
                    format!("{thread}-{turn}-a"),
                    "assistant",
                    "Some streamed words. ".repeat(10),
                ),
            ] {
                event(
                    &mut model,
                    json!({"type": "thread.message-sent", "payload": {
                    "threadId": thread, "messageId": id, "role": role, "text": text,
                    "turnId": null, "streaming": false, "createdAt": T0, "updatedAt": T0}}),
                );
            }
        }
    }
    let full = FullModel::assemble(&model, &*kv.0.read().unwrap_or_else(|e| e.into_inner()))
        .expect("memory store");
    let text: usize = full
        .threads
        .values()
        .flat_map(|t| &t.messages)
        .map(|m| m.text.len())
        .sum();
    println!(
        "model: {} threads, {text} bytes of text, built in {:?}",
        model.threads.len(),
        started.elapsed()
    );
    let counting = Arc::new(Counting {
        model: kv.clone(),
        reads: Default::default(),
    });
    let index = ThreadSearch::reading(counting.clone());
    let started = Instant::now();
    index.start(&model);
    let returned = started.elapsed();
    assert!(index.wait_built(Duration::from_secs(600)));
    println!(
        "start returned in {returned:?}, background build done in {:?}; index {} bytes",
        started.elapsed(),
        index.index_bytes()
    );
    let fill: f64 = index
        .inner
        .entries
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .values()
        .map(|e| e.grams.signature.fill())
        .sum::<f64>()
        / 1000.0;
    println!("signature fill, mean: {:.1}%", fill * 100.0);
    for (word, expected) in [
        ("streamed", 20),
        ("t999", 1),
        ("zebra", 0),
        ("step 54 plan", 20),
    ] {
        let params = SearchThreadsParams {
            query: word.into(),
            limit: 20,
            include_archived: false,
        };
        let prepared = query::prepare(word).expect("terms");
        let candidates = index.candidates(&prepared, false).len();
        let mut times = Vec::new();
        counting.reads.store(0, std::sync::atomic::Ordering::SeqCst);
        for _ in 0..10 {
            let started = Instant::now();
            let result = index.search(&params);
            times.push(started.elapsed());
            assert_eq!(result.results.len(), expected, "{word}");
        }
        times.sort_unstable();
        let reads = counting.reads.load(std::sync::atomic::Ordering::SeqCst) / 10;
        println!(
            "{word:?}: {candidates} candidates, {reads} read, p50 {:?}, max {:?}",
            times[5], times[9]
        );
    }
}
