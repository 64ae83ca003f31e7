//! A thread's fixed-size signature: one bit per hashed 1-, 2- and 3-character gram of its
//! folded messages. A term can occur in a message only if every gram of the term is in that
//! message, so a term with a gram whose bit is clear occurs in none of the thread's messages;
//! a set bit may be another gram's (a false positive, which reading the messages removes).
//!
//! Beside the bits, a saturating count per bucket of eight bits: how many messages hold a gram
//! of that bucket. A term occurs in at most as many messages as the smallest count of its
//! grams' buckets, which bounds a thread's score before its messages are read (a search reads
//! the threads that can still reach its top `limit`, not every candidate). Counts only grow:
//! a message counted twice (streamed, or rebuilt while the build read it) loosens the bound.
//!
//! The size does not depend on how much text the thread holds: [`SIGNATURE_BYTES`] per thread,
//! so 1,000 threads cost 4 MiB whether they hold one message each or two thousand.

use super::doc::fold;

/// 2^14 bits: a thread of 110 varied messages (~5,000 distinct grams) fills about a quarter,
/// so a five-character term (three trigrams) passes a thread without it about 1.5% of the time.
const BITS_LOG2: u32 = 14;
const WORDS: usize = (1 << BITS_LOG2) / 64;
/// Bits per count bucket (8), so a bucket is a bit's index shifted right by three.
const BUCKET_SHIFT: u32 = 3;
const BUCKETS: usize = (1 << BITS_LOG2) >> BUCKET_SHIFT;
pub(super) const SIGNATURE_BYTES: usize = WORDS * 8 + BUCKETS;

/// Which count buckets a message has been counted in (so each counts it once).
#[derive(Clone)]
pub(super) struct Counted(Box<[u64; BUCKETS / 64]>);

impl Default for Counted {
    fn default() -> Self {
        Counted(Box::new([0; BUCKETS / 64]))
    }
}

impl Counted {
    pub(super) const BYTES: usize = BUCKETS / 8;
}

/// Stands for "no character" in a shorter gram (above every `char`, so no real gram has it).
const NONE: u64 = 0x1F_FFFF;

#[derive(Clone)]
pub(super) struct Signature {
    words: Box<[u64; WORDS]>,
    counts: Box<[u8; BUCKETS]>,
}

impl Default for Signature {
    fn default() -> Self {
        Signature {
            words: Box::new([0; WORDS]),
            counts: Box::new([0; BUCKETS]),
        }
    }
}

fn bit(a: u64, b: u64, c: u64) -> usize {
    let key = (a << 42) | (b << 21) | c;
    // Fibonacci hashing: the top bits of the product mix every input bit.
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS_LOG2)) as usize
}

/// Every gram of `folded` (one message or one term), as bit positions.
fn grams(folded: &str, mut each: impl FnMut(usize)) {
    let (mut a, mut b) = (NONE, NONE);
    for c in folded.chars() {
        let c = u64::from(c);
        each(bit(NONE, NONE, c));
        if b != NONE {
            each(bit(NONE, b, c));
        }
        if a != NONE {
            each(bit(a, b, c));
        }
        (a, b) = (b, c);
    }
}

/// The grams a term is checked by: all of its own (every one is in any message holding the
/// term), so each can rule a thread out and the smallest count bounds it.
fn term_bits(term: &str) -> Vec<usize> {
    let mut bits = Vec::new();
    grams(term, |i| bits.push(i));
    bits.sort_unstable();
    bits.dedup();
    bits
}

/// A folded query term, ready to be tested against signatures.
pub(super) struct Probe {
    bits: Vec<usize>,
}

impl Probe {
    pub(super) fn new(folded_term: &str) -> Probe {
        Probe {
            bits: term_bits(folded_term),
        }
    }
}

impl Signature {
    /// Adds the grams of one message's text (as written: it is folded here); `counted` is
    /// that message's (fresh for a new message, kept across appends to a streamed one).
    pub(super) fn add_text(&mut self, text: &str, counted: &mut Counted) {
        let folded = fold(text);
        grams(&folded, |i| {
            if let Some(word) = self.words.get_mut(i / 64) {
                *word |= 1 << (i % 64);
            }
            let bucket = i >> BUCKET_SHIFT;
            if let Some(seen) = counted.0.get_mut(bucket / 64) {
                if *seen & (1 << (bucket % 64)) == 0 {
                    *seen |= 1 << (bucket % 64);
                    if let Some(count) = self.counts.get_mut(bucket) {
                        *count = count.saturating_add(1);
                    }
                }
            }
        });
    }

    /// Adds what `other` holds (bits only ever gain; counts add, staying bounds).
    pub(super) fn merge(&mut self, other: &Signature) {
        for (mine, theirs) in self.words.iter_mut().zip(other.words.iter()) {
            *mine |= theirs;
        }
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts.iter()) {
            *mine = mine.saturating_add(*theirs);
        }
    }

    /// False only if no message this signature was built from holds the term.
    pub(super) fn may_contain(&self, probe: &Probe) -> bool {
        probe.bits.iter().all(|&i| {
            self.words
                .get(i / 64)
                .is_some_and(|word| word & (1 << (i % 64)) != 0)
        })
    }

    /// At most how many messages hold the term (`None`: none do; `u8::MAX`: many).
    pub(super) fn bound(&self, probe: &Probe) -> Option<u8> {
        if !self.may_contain(probe) {
            return None;
        }
        probe
            .bits
            .iter()
            .map(|&i| {
                self.counts
                    .get(i >> BUCKET_SHIFT)
                    .copied()
                    .unwrap_or(u8::MAX)
            })
            .min()
            .or(Some(u8::MAX))
    }

    /// The share of bits set, for the measurements.
    #[cfg(test)]
    pub(super) fn fill(&self) -> f64 {
        let set: u32 = self.words.iter().map(|w| w.count_ones()).sum();
        f64::from(set) / f64::from(1u32 << BITS_LOG2)
    }
}
