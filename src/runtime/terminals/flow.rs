//! `terminal.ackOutput` flow control (DP Code's, S/terminal/Layers/Manager.ts:73-83, 1184):
//! opt-in, per connection. A connection that has acknowledged output once has every later
//! output byte of the terminal counted against it until it acknowledges that byte; while any
//! such connection is [`HIGH_WATERMARK`] or more bytes behind, the terminal's pty is not read
//! (the shell blocks on a full pty, which is the point: an acking slow client cannot grow the
//! server's memory). Reads resume once every holding connection is back to [`LOW_WATERMARK`],
//! or when one has not acknowledged anything for [`RESUME_AFTER`] (its count is then forgiven,
//! as DP Code's watchdog does, so a stalled client cannot freeze the terminal), or when it
//! closes (a closed connection stops counting). Connections that never acknowledge are not
//! counted at all: the push bus bounds them as before.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// DP Code's numbers.
pub const HIGH_WATERMARK: u64 = 100_000;
pub const LOW_WATERMARK: u64 = 5_000;
pub const RESUME_AFTER: Duration = Duration::from_secs(10);

/// Overrides [`RESUME_AFTER`] (milliseconds), for tests that would otherwise wait 10 s. Not a
/// setting: it is read once, at the first terminal.
pub const RESUME_AFTER_ENV: &str = "T3RS_TERMINAL_ACK_RESUME_MS";

/// One WebSocket connection, as flow control knows it.
pub type ConnectionId = u64;

/// A new id for a connection (unique within the process).
pub fn next_connection_id() -> ConnectionId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The watchdog's window: [`RESUME_AFTER`], or the override.
pub fn resume_after() -> Duration {
    static WINDOW: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *WINDOW.get_or_init(|| {
        std::env::var(RESUME_AFTER_ENV)
            .ok()
            .and_then(|ms| ms.parse::<u64>().ok())
            .map_or(RESUME_AFTER, Duration::from_millis)
    })
}

#[derive(Debug)]
struct Acker {
    unacked: u64,
    /// Over the high watermark and not yet back to the low one.
    holding: bool,
    /// The last acknowledgement, or when holding began if later: the watchdog counts from it.
    since: Instant,
}

/// One terminal's acking connections.
#[derive(Debug)]
pub struct OutputFlow {
    ackers: HashMap<ConnectionId, Acker>,
    window: Duration,
}

impl OutputFlow {
    pub fn new(window: Duration) -> OutputFlow {
        OutputFlow {
            ackers: HashMap::new(),
            window,
        }
    }

    /// `bytes` of output went out to every connection.
    pub fn output(&mut self, bytes: u64, now: Instant) {
        for acker in self.ackers.values_mut() {
            acker.unacked = acker.unacked.saturating_add(bytes);
            if !acker.holding && acker.unacked >= HIGH_WATERMARK {
                acker.holding = true;
                acker.since = now;
            }
        }
    }

    /// `connection` has processed `bytes` more (its first ack opts it in).
    pub fn ack(&mut self, connection: ConnectionId, bytes: u64, now: Instant) {
        let acker = self.ackers.entry(connection).or_insert(Acker {
            unacked: 0,
            holding: false,
            since: now,
        });
        acker.unacked = acker.unacked.saturating_sub(bytes);
        acker.since = now;
        if acker.unacked <= LOW_WATERMARK {
            acker.holding = false;
        }
    }

    /// A closed connection stops counting.
    pub fn closed(&mut self, connection: ConnectionId) {
        self.ackers.remove(&connection);
    }

    /// Forgives every holding connection silent for the window.
    pub fn expire(&mut self, now: Instant) {
        for acker in self.ackers.values_mut() {
            if acker.holding && now.saturating_duration_since(acker.since) >= self.window {
                acker.holding = false;
                acker.unacked = 0;
            }
        }
    }

    /// Whether the pty must not be read now.
    pub fn paused(&self) -> bool {
        self.ackers.values().any(|a| a.holding)
    }

    /// When the watchdog must next look (the earliest holding connection's window end).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.ackers
            .values()
            .filter(|a| a.holding)
            .map(|a| a.since + self.window)
            .min()
    }
}

/// One terminal's flow, shared by its actor (acks, closes, the watchdog) and its pty's reader
/// (which counts each chunk as it sends it on, and asks before each read), so the count is
/// taken at the source and the reader stops at once, not after a mailbox of chunks.
#[derive(Clone)]
pub struct SharedFlow(Arc<Mutex<OutputFlow>>);

impl SharedFlow {
    pub fn new(window: Duration) -> SharedFlow {
        SharedFlow(Arc::new(Mutex::new(OutputFlow::new(window))))
    }

    /// `change` on the flow; a poisoned lock (a panic elsewhere) is taken over as is.
    pub fn with<T>(&self, change: impl FnOnce(&mut OutputFlow) -> T) -> T {
        let mut flow = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut flow)
    }
}

impl t3rs_actors::pty::ReadGate for SharedFlow {
    fn sent(&self, bytes: usize) {
        self.with(|flow| flow.output(bytes as u64, Instant::now()));
    }

    fn holds(&self) -> bool {
        self.with(|flow| flow.paused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_acking_connections_count_and_hold() {
        let t0 = Instant::now();
        let mut flow = OutputFlow::new(RESUME_AFTER);
        flow.output(1_000_000, t0);
        assert!(!flow.paused(), "nobody acked: nothing counts");
        flow.ack(1, 1, t0);
        flow.output(99_999, t0);
        assert!(!flow.paused());
        flow.output(1, t0);
        assert!(flow.paused());
        // Back under the high watermark is not enough: the low one resumes.
        flow.ack(1, 90_000, t0);
        assert!(flow.paused());
        flow.ack(1, 5_000, t0);
        assert!(!flow.paused());
    }

    #[test]
    fn the_slowest_holds_and_a_close_releases() {
        let t0 = Instant::now();
        let mut flow = OutputFlow::new(RESUME_AFTER);
        flow.ack(1, 1, t0);
        flow.ack(2, 1, t0);
        flow.output(150_000, t0);
        flow.ack(1, 150_000, t0);
        assert!(flow.paused(), "connection 2 is still behind");
        flow.closed(2);
        assert!(!flow.paused());
    }

    #[test]
    fn a_silent_holder_is_forgiven_after_the_window_and_acks_restart_it() {
        let t0 = Instant::now();
        let window = Duration::from_secs(10);
        let mut flow = OutputFlow::new(window);
        flow.ack(1, 1, t0);
        flow.output(200_000, t0 + Duration::from_secs(1));
        assert_eq!(flow.next_deadline(), Some(t0 + Duration::from_secs(11)));
        // An ack that leaves it behind moves the deadline.
        flow.ack(1, 10_000, t0 + Duration::from_secs(5));
        assert_eq!(flow.next_deadline(), Some(t0 + Duration::from_secs(15)));
        flow.expire(t0 + Duration::from_secs(14));
        assert!(flow.paused());
        flow.expire(t0 + Duration::from_secs(15));
        assert!(!flow.paused());
        assert_eq!(flow.next_deadline(), None);
        // Forgiven, still counted: it holds again after another 100,000 bytes.
        flow.output(HIGH_WATERMARK, t0 + Duration::from_secs(16));
        assert!(flow.paused());
    }
}
