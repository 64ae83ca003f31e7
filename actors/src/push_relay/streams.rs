//! Named streams within one subscription. A subscriber that opens a stream has chosen parts of
//! what is published over the whole: from then on it gets the items for everyone, the items of
//! its open streams, and no longer the items meant for subscribers without streams.
//!
//! Each open stream counts its own unacknowledged items. Past [`DEFAULT_STREAM_BOUND`] (or the
//! relay's own) the stream is not delivered to any more: it is stale, its owner is sent
//! [`StreamOverflowed`] once, and nothing of it is sent until it is opened again, with a fresh
//! first item standing in for what it missed. The subscriber's own bounds stay the last resort.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;

use super::{PushItem, SubscriberId};

/// A stream's unacknowledged items before it goes stale (DP Code's 1,024-item stream buffer).
pub const DEFAULT_STREAM_BOUND: u64 = 1_024;

/// Who an item is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach<'a> {
    /// Every subscriber.
    All,
    /// Only subscribers that never opened a stream.
    WithoutStreams,
    /// Only subscribers with this stream open.
    Stream(&'a str),
}

/// Opens (or opens afresh) `stream` for `subscriber`: `first`, when given, is delivered before
/// anything published later; `overflowed` is told when the stream falls behind.
pub struct OpenStream<T: PushItem> {
    pub subscriber: SubscriberId,
    pub stream: String,
    pub first: Option<T>,
    pub overflowed: Recipient<StreamOverflowed>,
}

impl<T: PushItem> Message for OpenStream<T> {
    type Result = ();
}

/// Stops delivering `stream` to `subscriber`; the subscriber still counts as one that chose
/// streams.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct CloseStream {
    pub subscriber: SubscriberId,
    pub stream: String,
}

/// `stream` fell more than the stream bound behind and has stopped until it is opened again.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub struct StreamOverflowed {
    pub stream: String,
    /// The items it had in flight when it stopped.
    pub in_flight: u64,
}

struct Stream {
    stale: bool,
    overflowed: Recipient<StreamOverflowed>,
}

/// A subscriber's streams: which are open, and how many of each stream's items are in flight
/// (counted for closed streams too, until acknowledged, so reopening cannot undercount).
#[derive(Default)]
pub(super) struct Streams {
    chosen: bool,
    open: HashMap<Arc<str>, Stream>,
    in_flight: HashMap<Arc<str>, u64>,
}

pub(super) enum StreamAdmission {
    Skip,
    /// Deliver, counting against this stream when there is one.
    Deliver(Option<Arc<str>>),
}

impl Streams {
    pub(super) fn open(&mut self, name: Arc<str>, overflowed: Recipient<StreamOverflowed>) {
        self.chosen = true;
        self.open.insert(
            name,
            Stream {
                stale: false,
                overflowed,
            },
        );
    }

    pub(super) fn close(&mut self, name: &str) {
        self.open.remove(name);
    }

    pub(super) fn admit(&mut self, reach: Reach<'_>, bound: u64) -> StreamAdmission {
        match reach {
            Reach::All => StreamAdmission::Deliver(None),
            Reach::WithoutStreams if self.chosen => StreamAdmission::Skip,
            Reach::WithoutStreams => StreamAdmission::Deliver(None),
            Reach::Stream(name) => {
                let Some(key) = self.open.get_key_value(name).map(|(k, _)| Arc::clone(k)) else {
                    return StreamAdmission::Skip;
                };
                let Some(stream) = self.open.get_mut(name) else {
                    return StreamAdmission::Skip;
                };
                if stream.stale {
                    return StreamAdmission::Skip;
                }
                let in_flight = self.in_flight.get(name).copied().unwrap_or(0);
                if in_flight >= bound {
                    stream.stale = true;
                    stream.overflowed.do_send(StreamOverflowed {
                        stream: name.to_string(),
                        in_flight,
                    });
                    return StreamAdmission::Skip;
                }
                StreamAdmission::Deliver(Some(key))
            }
        }
    }

    pub(super) fn sent(&mut self, name: &Arc<str>) {
        *self.in_flight.entry(Arc::clone(name)).or_insert(0) += 1;
    }

    pub(super) fn acked(&mut self, name: &str) {
        if let Some(count) = self.in_flight.get_mut(name) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.in_flight.remove(name);
            }
        }
    }
}
