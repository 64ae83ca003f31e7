//! One search: every term must occur in the thread (its title or any message),
//! case-insensitively, as a substring; threads are ranked by where and how often their terms
//! occur, and the best `limit` come back with a snippet.
//!
//! The index's signatures pick the candidates (a thread none of whose messages can hold a term
//! that its title lacks is skipped unread); each candidate's messages are then read from the
//! history source and scored exactly, one thread at a time, so a search holds one thread's
//! text at once.

use std::cmp::Ordering;
use std::sync::Arc;

use memchr::memmem::Finder;

use super::doc::{fold, Corpus, SEPARATOR};
use super::signature::Probe;
use super::source::Messages;
use super::Entry;
use crate::orchestration::thread_lists::HistoryError;
use crate::protocol::thread_search::{
    MatchedIn, SearchThreadsParams, SearchThreadsResult, ThreadSearchHit,
};

/// At most this many distinct terms count; the rest of a long query is ignored.
const MAX_TERMS: usize = 8;
/// A snippet shows this many characters before a match and this many from its start on.
const SNIPPET_BEFORE: usize = 40;
const SNIPPET_AFTER: usize = 100;
const ELLIPSIS: char = '…';

/// Ranking weights: a term in the title outweighs many messages; one at the start of a word
/// in it counts more, at the start of the title more still; each further matching message
/// counts less. Ties go to the thread active most recently, then by id.
const TITLE_WEIGHT: f64 = 10.0;
const TITLE_WORD_START: f64 = 4.0;
const TITLE_PREFIX: f64 = 2.0;
const PHRASE_IN_TITLE: f64 = 6.0;
const MESSAGE_WEIGHT: f64 = 1.0;

pub(super) fn terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for term in fold(query).split(|c: char| c.is_whitespace() || c.is_control()) {
        if !term.is_empty() && !terms.iter().any(|t| t == term) && terms.len() < MAX_TERMS {
            terms.push(term.to_string());
        }
    }
    terms
}

/// Where the thread's best message match is: the newest message holding the first term.
struct MessageMatch {
    index: usize,
    at: usize,
}

struct Candidate {
    entry: Arc<Entry>,
    score: f64,
    title_hit: bool,
    /// When the newest message was written, else when the thread was created: ties rank the
    /// more recently active thread first.
    active_at: String,
    /// The newest matching message's snippet, taken while its text was at hand.
    snippet: Option<String>,
}

fn word_start(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|before| before.chars().next_back())
        .map_or(true, |c| !c.is_alphanumeric())
}

/// The messages holding `finder`'s term: how many, and the newest match. One scan, jumping
/// to the next message after each hit.
fn message_hits(corpus: &Corpus, finder: &Finder) -> (usize, Option<MessageMatch>) {
    let haystack = corpus.folded.as_bytes();
    let (mut from, mut count, mut newest) = (0, 0, None);
    while let Some(found) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
        let at = from + found;
        let index = corpus.message_at(at);
        count += 1;
        newest = Some(MessageMatch { index, at });
        from = corpus.folded_end(index) + SEPARATOR.len_utf8();
    }
    (count, newest)
}

/// A thread's score from what each term found: where in its title, and in how many messages
/// (or at most how many, for a bound). The same sum in the same order either way, so a bound
/// computed from larger counts is never below the score.
fn total(title_folded: &str, hits: &[(Option<usize>, usize)], phrase_in_title: bool) -> f64 {
    let mut score = 0.0;
    for &(title, count) in hits {
        if let Some(at) = title {
            score += TITLE_WEIGHT;
            if word_start(title_folded, at) {
                score += TITLE_WORD_START;
            }
            if at == 0 {
                score += TITLE_PREFIX;
            }
        }
        if count > 0 {
            score += MESSAGE_WEIGHT * (1.0 + (count as f64).ln());
        }
    }
    if phrase_in_title {
        score += PHRASE_IN_TITLE;
    }
    score
}

fn phrase_in_title(entry: &Entry, prepared: &Prepared) -> bool {
    prepared
        .phrase
        .as_ref()
        .is_some_and(|p| p.find(entry.title_folded.as_bytes()).is_some())
}

/// The most `entry` can score, from its title and its signature's counts (unbuilt: any).
fn upper_bound(entry: &Entry, prepared: &Prepared) -> f64 {
    if !entry.built {
        return f64::INFINITY;
    }
    let grams = &entry.grams;
    let hits: Vec<(Option<usize>, usize)> = prepared
        .finders
        .iter()
        .zip(&prepared.probes)
        .map(|(finder, probe)| {
            let count = match grams.signature.bound(probe) {
                None => 0,
                // Saturated: no more than every message it was told about.
                Some(u8::MAX) => (grams.messages as usize).max(usize::from(u8::MAX)),
                Some(count) => usize::from(count),
            };
            (finder.find(entry.title_folded.as_bytes()), count)
        })
        .collect();
    total(&entry.title_folded, &hits, phrase_in_title(entry, prepared))
}

fn score(entry: &Arc<Entry>, corpus: &Corpus, prepared: &Prepared) -> Option<Candidate> {
    let mut hits = Vec::with_capacity(prepared.finders.len());
    let mut first_match = None;
    for (i, finder) in prepared.finders.iter().enumerate() {
        let title = finder.find(entry.title_folded.as_bytes());
        let (count, newest) = message_hits(corpus, finder);
        if title.is_none() && count == 0 {
            return None;
        }
        hits.push((title, count));
        if i == 0 {
            first_match = newest;
        }
    }
    let title_hit = hits.iter().any(|(title, _)| title.is_some());
    Some(Candidate {
        entry: Arc::clone(entry),
        score: total(&entry.title_folded, &hits, phrase_in_title(entry, prepared)),
        title_hit,
        active_at: corpus
            .messages
            .last()
            .map_or_else(|| entry.created_at.clone(), |m| m.updated_at.clone()),
        snippet: first_match
            .filter(|_| !title_hit)
            .map(|found| snippet(corpus, &found)),
    })
}

/// Up to `SNIPPET_BEFORE` characters before the match and `SNIPPET_AFTER` from it, of the
/// message as written, whitespace runs shown as one space; cut ends get an ellipsis.
fn snippet(corpus: &Corpus, found: &MessageMatch) -> String {
    let folded = corpus.folded_text(found.index);
    let offset = found.at.saturating_sub(corpus.start(found.index));
    let match_char = folded
        .get(..offset)
        .map_or(0, |before| before.chars().count());
    let original = corpus.original_text(found.index);
    let first = match_char.saturating_sub(SNIPPET_BEFORE);
    let mut out = String::new();
    if first > 0 {
        out.push(ELLIPSIS);
    }
    let mut chars = original.chars().skip(first);
    let mut last_space = first > 0;
    for c in chars.by_ref().take(match_char - first + SNIPPET_AFTER) {
        let space = c.is_whitespace() || c.is_control();
        if !(space && last_space) {
            out.push(if space { ' ' } else { c });
        }
        last_space = space;
    }
    if chars.next().is_some() {
        out.push(ELLIPSIS);
    }
    out.trim().to_string()
}

/// Best first: the higher score, then the thread active last, then by id.
fn order(a: (f64, &str, &str), b: (f64, &str, &str)) -> Ordering {
    b.0.partial_cmp(&a.0)
        .unwrap_or(Ordering::Equal)
        .then_with(|| b.1.cmp(a.1))
        .then_with(|| a.2.cmp(b.2))
}

impl Candidate {
    fn key(&self) -> (f64, &str, &str) {
        (self.score, &self.active_at, &self.entry.thread_id)
    }
}

fn rank(a: &Candidate, b: &Candidate) -> Ordering {
    order(a.key(), b.key())
}

/// Whether `entry` may match every term: each in its title, or possibly in its messages.
pub(super) fn is_candidate(entry: &Entry, prepared: &Prepared) -> bool {
    let terms = prepared.finders.iter().zip(&prepared.probes);
    terms.into_iter().all(|(finder, probe)| {
        finder.find(entry.title_folded.as_bytes()).is_some()
            || entry.grams.signature.may_contain(probe)
    })
}

pub(super) struct Prepared {
    finders: Vec<Finder<'static>>,
    probes: Vec<Probe>,
    phrase: Option<Finder<'static>>,
}

/// The query's terms, or `None` when it has none (nothing matches).
pub(super) fn prepare(query: &str) -> Option<Prepared> {
    let terms = terms(query);
    if terms.is_empty() {
        return None;
    }
    let phrase_text = terms.join(" ");
    Some(Prepared {
        phrase: (terms.len() > 1).then(|| Finder::new(phrase_text.as_bytes()).into_owned()),
        finders: terms
            .iter()
            .map(|t| Finder::new(t.as_bytes()).into_owned())
            .collect(),
        probes: terms.iter().map(|t| Probe::new(t)).collect(),
    })
}

/// A candidate's bound as a key [`order`] compares.
fn bound_key<'a>((bound, entry): &(f64, &'a Arc<Entry>)) -> (f64, &'a str, &'a str) {
    (*bound, entry.active_bound(), entry.thread_id.as_str())
}

/// Scores `candidates` (already filtered by [`is_candidate`] and the archive flag), reading
/// each one's messages from `source`: those whose bound (score, activity, id) ranks above the
/// `limit`-th found so far, best bound first, and past that only until one more match shows
/// the answer is truncated. A thread whose bound ranks after the `limit`-th found cannot be
/// among the results, since its real key is never above its bound.
pub(super) fn search(
    candidates: &[Arc<Entry>],
    prepared: &Prepared,
    source: &dyn Messages,
    params: &SearchThreadsParams,
) -> Result<SearchThreadsResult, HistoryError> {
    let limit = params.limit.max(1);
    let mut by_bound: Vec<(f64, &Arc<Entry>)> = candidates
        .iter()
        .map(|entry| (upper_bound(entry, prepared), entry))
        .collect();
    by_bound.sort_by(|a, b| order(bound_key(a), bound_key(b)));
    // The best `limit` found, best first, and how many matched in all.
    let mut scored: Vec<Candidate> = Vec::with_capacity(limit + 1);
    let mut matched = 0;
    for candidate in &by_bound {
        let beyond = scored.len() == limit
            && scored
                .last()
                .is_some_and(|kth| order(bound_key(candidate), kth.key()) == Ordering::Greater);
        if beyond && matched > limit {
            break;
        }
        let entry = candidate.1;
        let mut found = None;
        source.with_messages(&entry.thread_id, &mut |messages| {
            found = score(entry, &Corpus::of(messages), prepared);
        })?;
        let Some(found) = found else {
            continue;
        };
        matched += 1;
        if !beyond {
            let at = scored.partition_point(|c| rank(c, &found) == Ordering::Less);
            scored.insert(at, found);
            scored.truncate(limit);
        }
    }
    let truncated = matched > limit;
    let results = scored
        .into_iter()
        .map(|c| {
            let (matched_in, snippet) = match (c.snippet, c.title_hit) {
                (Some(snippet), false) => (MatchedIn::Message, snippet),
                _ => (MatchedIn::Title, c.entry.title.clone()),
            };
            ThreadSearchHit {
                thread_id: c.entry.thread_id.clone(),
                project_id: c.entry.project_id.clone(),
                title: c.entry.title.clone(),
                snippet,
                matched_in,
                score: (c.score * 1000.0).round() / 1000.0,
            }
        })
        .collect();
    Ok(SearchThreadsResult { results, truncated })
}
