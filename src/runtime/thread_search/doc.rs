//! One candidate thread's messages as a search reads them: every message's text case-folded
//! into one string, messages in order, so a query term is found with one SIMD scan per thread
//! instead of one per message. Built for one search from the messages the history source
//! gave, and dropped once the thread is scored: the index itself holds no text.

use crate::orchestration::model::Message;

/// Ends every message in the corpus. A query's terms never contain it (they are split at
/// control characters), so no match runs from one message into the next.
pub(super) const SEPARATOR: char = '\0';

/// Lower case, one character for one: a character whose lower case is several characters
/// (`İ`) stays as it is, so a character's index is the same in the folded and the original
/// text, which is how a match in the folded text finds its snippet in the original.
pub(super) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appended to `out`.
pub(super) fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() && !text.contains(SEPARATOR) {
        // Folded in place: no temporary copy of the text.
        let start = out.len();
        out.push_str(text);
        if let Some(tail) = out.get_mut(start..) {
            tail.make_ascii_lowercase();
        }
        return;
    }
    out.extend(text.chars().map(|c| {
        if c == SEPARATOR {
            return ' ';
        }
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(one), None) => one,
            _ => c,
        }
    }));
}

pub(super) struct Corpus<'a> {
    pub(super) messages: &'a [Message],
    pub(super) folded: String,
    /// Where each message starts in `folded`.
    starts: Vec<usize>,
}

impl<'a> Corpus<'a> {
    pub(super) fn of(messages: &'a [Message]) -> Corpus<'a> {
        let bytes: usize = messages.iter().map(|m| m.text.len() + 1).sum();
        let mut corpus = Corpus {
            messages,
            folded: String::with_capacity(bytes),
            starts: Vec::with_capacity(messages.len()),
        };
        for message in messages {
            corpus.starts.push(corpus.folded.len());
            fold_into(&message.text, &mut corpus.folded);
            corpus.folded.push(SEPARATOR);
        }
        corpus
    }

    /// Where message `index` starts in the folded corpus.
    pub(super) fn start(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(self.folded.len())
    }

    /// The message holding byte `at` of the folded corpus.
    pub(super) fn message_at(&self, at: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= at)
            .saturating_sub(1)
    }

    /// Where message `index` ends in the folded corpus (its separator).
    pub(super) fn folded_end(&self, index: usize) -> usize {
        self.starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.folded.len())
            .saturating_sub(SEPARATOR.len_utf8())
    }

    /// Message `index` as written.
    pub(super) fn original_text(&self, index: usize) -> &str {
        self.messages.get(index).map_or("", |m| m.text.as_str())
    }

    /// Message `index`, folded.
    pub(super) fn folded_text(&self, index: usize) -> &str {
        self.folded
            .get(self.start(index)..self.folded_end(index))
            .unwrap_or("")
    }
}
