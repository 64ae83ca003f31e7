//! One thread as the search index holds it: its title, and every message's text case-folded in
//! one string with the messages in order, so a query term is found with one SIMD scan per
//! thread instead of one per message. Snippets show text as written: an ASCII message is
//! rebuilt from its folded bytes and a bitmap of the capitals (an eighth of its size); any
//! other message keeps its own copy.

use std::borrow::Cow;

use crate::orchestration::model::{Message, Thread};
use t3rs_core::text::truncate_within;

/// Ends every message in the corpus. A query's terms never contain it (they are split at
/// control characters), so no match runs from one message into the next.
pub(super) const SEPARATOR: char = '\0';

/// Lower case, one character for one: a character whose lower case is several characters
/// (`İ`) stays as it is, so a character's index is the same in the folded and the original
/// text, which is how a match in the folded text finds its snippet in the original.
pub(super) fn fold(text: &str) -> String {
    if text.is_ascii() {
        let mut folded = text.to_ascii_lowercase();
        if folded.contains(SEPARATOR) {
            folded = folded.replace(SEPARATOR, " ");
        }
        return folded;
    }
    text.chars()
        .map(|c| {
            if c == SEPARATOR {
                return ' ';
            }
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        })
        .collect()
}

#[derive(Clone, Debug)]
pub(super) struct Span {
    pub(super) message_id: String,
    pub(super) folded_start: usize,
    /// The text as written, when it is not ASCII (else the capitals bitmap restores it).
    pub(super) original: Option<Box<str>>,
}

#[derive(Clone, Debug)]
pub(super) struct ThreadDoc {
    pub(super) thread_id: String,
    pub(super) project_id: String,
    pub(super) title: String,
    pub(super) title_folded: String,
    pub(super) archived: bool,
    /// When the newest message was written, else when the thread was created: ties rank the
    /// more recently active thread first.
    pub(super) active_at: String,
    pub(super) folded: String,
    /// Bit `i` set: byte `i` of `folded` was an ASCII capital.
    capitals: Vec<u64>,
    pub(super) spans: Vec<Span>,
}

impl ThreadDoc {
    pub(super) fn of(thread: &Thread, messages: &[Message]) -> ThreadDoc {
        let bytes: usize = messages.iter().map(|m| m.text.len() + 1).sum();
        let mut doc = ThreadDoc {
            thread_id: thread.id.clone(),
            project_id: thread.project_id.clone(),
            title: String::new(),
            title_folded: String::new(),
            archived: false,
            active_at: String::new(),
            folded: String::with_capacity(bytes),
            capitals: Vec::with_capacity(bytes.div_ceil(64)),
            spans: Vec::with_capacity(messages.len()),
        };
        doc.meta(thread, messages.last());
        for message in messages {
            doc.push(message);
        }
        // Built once and then mostly read: no growth slack kept.
        doc.folded.shrink_to_fit();
        doc.capitals.shrink_to_fit();
        doc
    }

    /// Title and archive state, which meta updates and (un)archiving change.
    pub(super) fn meta(&mut self, thread: &Thread, newest: Option<&Message>) {
        if self.title != thread.title {
            self.title.clone_from(&thread.title);
            self.title_folded = fold(&thread.title);
        }
        self.archived = thread.is_archived();
        self.active_at = newest.map_or_else(|| thread.created_at.clone(), |m| m.updated_at.clone());
    }

    fn push(&mut self, message: &Message) {
        let start = self.folded.len();
        let ascii = message.text.is_ascii();
        self.spans.push(Span {
            message_id: message.id.clone(),
            folded_start: start,
            original: (!ascii).then(|| message.text.clone().into_boxed_str()),
        });
        if ascii && !message.text.contains(SEPARATOR) {
            // Folded in place: no temporary copy of the text.
            self.folded.push_str(&message.text);
            if let Some(tail) = self.folded.get_mut(start..) {
                tail.make_ascii_lowercase();
            }
        } else {
            self.folded.push_str(&fold(&message.text));
        }
        self.folded.push(SEPARATOR);
        self.capitals.resize(self.folded.len().div_ceil(64), 0);
        if ascii {
            for (i, byte) in message.text.bytes().enumerate() {
                if byte.is_ascii_uppercase() {
                    let bit = start + i;
                    if let Some(word) = self.capitals.get_mut(bit / 64) {
                        *word |= 1 << (bit % 64);
                    }
                }
            }
        }
    }

    /// Drops the newest message (its text is the corpus's tail from `start`).
    fn pop_newest(&mut self, start: usize) {
        self.spans.pop();
        // Span starts are character starts (each follows a separator).
        truncate_within(&mut self.folded, start);
        self.capitals.truncate(start.div_ceil(64));
        if let Some(last) = self.capitals.last_mut() {
            if start % 64 != 0 {
                *last &= (1u64 << (start % 64)) - 1;
            }
        }
    }

    /// Brings the message `message_id` up to date with `thread`. The newest message (where
    /// streaming text lands) is rewritten in place at the corpus's end; anything else (an
    /// older message changed, the message cap dropped the oldest) rebuilds the thread.
    /// `newest` is the thread's newest message and `count` how many it has; `all` reads them
    /// all, for a rebuild.
    pub(super) fn message(
        &mut self,
        thread: &Thread,
        newest: Option<&Message>,
        count: usize,
        all: impl FnOnce() -> Vec<Message>,
        message_id: &str,
    ) {
        let newest_in_model = newest;
        let newest_here = self.spans.last();
        match (newest_in_model, newest_here) {
            (Some(message), Some(span))
                if message.id == message_id && span.message_id == message_id =>
            {
                let start = span.folded_start;
                self.pop_newest(start);
                self.push(message);
            }
            (Some(message), _) if message.id == message_id && self.spans.len() + 1 == count => {
                self.push(message)
            }
            _ => {
                *self = ThreadDoc::of(thread, &all());
                return;
            }
        }
        if self.spans.len() != count {
            *self = ThreadDoc::of(thread, &all());
        } else {
            self.meta(thread, newest);
        }
    }

    /// The message holding byte `at` of the folded corpus.
    pub(super) fn message_at(&self, at: usize) -> usize {
        self.spans
            .partition_point(|span| span.folded_start <= at)
            .saturating_sub(1)
    }

    /// Where message `index` ends in the folded corpus (its separator).
    pub(super) fn folded_end(&self, index: usize) -> usize {
        self.spans
            .get(index + 1)
            .map_or(self.folded.len(), |next| next.folded_start)
            .saturating_sub(SEPARATOR.len_utf8())
    }

    /// Message `index` as written.
    pub(super) fn original_text(&self, index: usize) -> Cow<'_, str> {
        let Some(span) = self.spans.get(index) else {
            return Cow::Borrowed("");
        };
        if let Some(original) = &span.original {
            return Cow::Borrowed(original);
        }
        let folded = self.folded_text(index);
        let restored = folded
            .bytes()
            .enumerate()
            .map(|(i, byte)| {
                let bit = span.folded_start + i;
                let capital = self
                    .capitals
                    .get(bit / 64)
                    .is_some_and(|word| word & (1 << (bit % 64)) != 0);
                if capital {
                    byte.to_ascii_uppercase() as char
                } else {
                    byte as char
                }
            })
            .collect();
        Cow::Owned(restored)
    }

    /// Message `index`, folded.
    pub(super) fn folded_text(&self, index: usize) -> &str {
        let Some(span) = self.spans.get(index) else {
            return "";
        };
        self.folded
            .get(span.folded_start..self.folded_end(index))
            .unwrap_or("")
    }
}
