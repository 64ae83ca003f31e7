//! One search over the index's documents: every term must occur in the thread (its title or
//! any message), case-insensitively, as a substring; threads are ranked by where and how
//! often their terms occur, and the best `limit` come back with a snippet.

use std::cmp::Ordering;
use std::sync::Arc;

use memchr::memmem::Finder;

use super::doc::{fold, ThreadDoc, SEPARATOR};
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
    doc: Arc<ThreadDoc>,
    score: f64,
    title_hit: bool,
    message: Option<MessageMatch>,
}

fn word_start(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|before| before.chars().next_back())
        .map_or(true, |c| !c.is_alphanumeric())
}

/// The messages holding `finder`'s term: how many, and the newest match. One scan, jumping
/// to the next message after each hit.
fn message_hits(doc: &ThreadDoc, finder: &Finder) -> (usize, Option<MessageMatch>) {
    let haystack = doc.folded.as_bytes();
    let (mut from, mut count, mut newest) = (0, 0, None);
    while let Some(found) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
        let at = from + found;
        let index = doc.message_at(at);
        count += 1;
        newest = Some(MessageMatch { index, at });
        from = doc.folded_end(index) + SEPARATOR.len_utf8();
    }
    (count, newest)
}

fn score(doc: &Arc<ThreadDoc>, finders: &[Finder], phrase: Option<&Finder>) -> Option<Candidate> {
    let mut candidate = Candidate {
        doc: Arc::clone(doc),
        score: 0.0,
        title_hit: false,
        message: None,
    };
    for (i, finder) in finders.iter().enumerate() {
        let title = finder.find(doc.title_folded.as_bytes());
        let (count, newest) = message_hits(doc, finder);
        if title.is_none() && count == 0 {
            return None;
        }
        if let Some(at) = title {
            candidate.title_hit = true;
            candidate.score += TITLE_WEIGHT;
            if word_start(&doc.title_folded, at) {
                candidate.score += TITLE_WORD_START;
            }
            if at == 0 {
                candidate.score += TITLE_PREFIX;
            }
        }
        if count > 0 {
            candidate.score += MESSAGE_WEIGHT * (1.0 + (count as f64).ln());
        }
        if i == 0 {
            candidate.message = newest;
        }
    }
    if phrase.is_some_and(|p| p.find(doc.title_folded.as_bytes()).is_some()) {
        candidate.score += PHRASE_IN_TITLE;
    }
    Some(candidate)
}

/// Up to `SNIPPET_BEFORE` characters before the match and `SNIPPET_AFTER` from it, of the
/// message as written, whitespace runs shown as one space; cut ends get an ellipsis.
fn snippet(doc: &ThreadDoc, found: &MessageMatch) -> String {
    let folded = doc.folded_text(found.index);
    let start = doc.spans.get(found.index).map_or(0, |s| s.folded_start);
    let offset = found.at.saturating_sub(start);
    let match_char = folded
        .get(..offset)
        .map_or(0, |before| before.chars().count());
    let original = doc.original_text(found.index);
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

fn rank(a: &Candidate, b: &Candidate) -> Ordering {
    b.score
        .partial_cmp(&a.score)
        .unwrap_or(Ordering::Equal)
        .then_with(|| b.doc.active_at.cmp(&a.doc.active_at))
        .then_with(|| a.doc.thread_id.cmp(&b.doc.thread_id))
}

pub(super) fn search(docs: &[Arc<ThreadDoc>], params: &SearchThreadsParams) -> SearchThreadsResult {
    let terms = terms(&params.query);
    if terms.is_empty() {
        return SearchThreadsResult {
            results: Vec::new(),
            truncated: false,
        };
    }
    let finders: Vec<Finder> = terms
        .iter()
        .map(|t| Finder::new(t.as_bytes()).into_owned())
        .collect();
    let phrase_text = terms.join(" ");
    let phrase = (terms.len() > 1).then(|| Finder::new(phrase_text.as_bytes()));
    let mut candidates: Vec<Candidate> = docs
        .iter()
        .filter(|doc| params.include_archived || !doc.archived)
        .filter_map(|doc| score(doc, &finders, phrase.as_ref()))
        .collect();
    let limit = params.limit.max(1);
    let truncated = candidates.len() > limit;
    if truncated {
        candidates.select_nth_unstable_by(limit - 1, rank);
        candidates.truncate(limit);
    }
    candidates.sort_by(rank);
    let results = candidates
        .into_iter()
        .map(|c| {
            let (matched_in, snippet) = match (&c.message, c.title_hit) {
                (Some(found), false) => (MatchedIn::Message, snippet(&c.doc, found)),
                _ => (MatchedIn::Title, c.doc.title.clone()),
            };
            ThreadSearchHit {
                thread_id: c.doc.thread_id.clone(),
                project_id: c.doc.project_id.clone(),
                title: c.doc.title.clone(),
                snippet,
                matched_in,
                score: (c.score * 1000.0).round() / 1000.0,
            }
        })
        .collect();
    SearchThreadsResult { results, truncated }
}
