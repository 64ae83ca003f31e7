//! The connection cap: a slot per open WebSocket, taken before the upgrade and given back when
//! the connection's Session is dropped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How many WebSocket connections may be open at once, and how many are.
#[derive(Debug)]
pub struct ConnectionSlots {
    max: usize,
    open: AtomicUsize,
}

impl ConnectionSlots {
    pub fn new(max: usize) -> Arc<ConnectionSlots> {
        Arc::new(ConnectionSlots {
            max,
            open: AtomicUsize::new(0),
        })
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// A slot, or `None` when `max` connections are open.
    pub fn take(self: &Arc<Self>) -> Option<ConnectionSlot> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < self.max).then_some(open + 1)
            })
            .ok()
            .map(|_| ConnectionSlot(Arc::clone(self)))
    }
}

/// One open connection's place; dropping it frees the place.
#[derive(Debug)]
pub struct ConnectionSlot(Arc<ConnectionSlots>);

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_and_given_back() {
        let slots = ConnectionSlots::new(2);
        let a = slots.take().unwrap();
        let _b = slots.take().unwrap();
        assert!(slots.take().is_none());
        drop(a);
        assert!(slots.take().is_some());
    }
}
