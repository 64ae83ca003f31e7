//! Whether the Engine may write its next batch, and what happens when a write fails.
//!
//! Before a batch takes its first command, the gate asks [`StoreHealth`]: damage found by the
//! log's verification, or less free space than the reserve, makes the store read-only. Such a
//! command is refused without a receipt (a retry once space is back is applied), reads go on,
//! and the next batch asks again, so freeing space resumes writes without a restart.
//!
//! A write that fails anyway (the disk filled between the check and the write, or any other I/O
//! error) leaves sled unable to write again through this handle, and a fresh Engine on the same
//! handle would read back the lost batch from sled's memory. So the gate raises a fatal exit 75
//! instead of a restart: systemd starts a new process, which opens the store from disk (read-only
//! if the disk is still full). A flush that does not return within [`FLUSH_DEADLINE`] does the
//! same from a watchdog thread, because the Engine's own thread is stuck in it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::runtime::root::{FatalSignal, EXIT_STORE_CANNOT_WRITE};
use crate::store::health::StoreHealth;

/// How long one batch's write and flush may take before the store counts as unable to write.
pub const FLUSH_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct WriteGate {
    health: Option<StoreHealth>,
    fatal: Option<FatalSignal>,
    /// The answer for the open batch, asked once when it takes its first command.
    batch_block: Option<Option<String>>,
    /// Why writes were last refused, kept to log the change back to writable once.
    read_only: Option<String>,
    watchdog: Option<Watchdog>,
}

impl WriteGate {
    pub fn new(health: StoreHealth, fatal: FatalSignal) -> WriteGate {
        WriteGate {
            health: Some(health),
            watchdog: Some(Watchdog::start(fatal.clone(), FLUSH_DEADLINE)),
            fatal: Some(fatal),
            batch_block: None,
            read_only: None,
        }
    }

    /// Why the open batch must not be written, if it must not.
    pub fn block(&mut self) -> Option<String> {
        if let Some(answer) = &self.batch_block {
            return answer.clone();
        }
        let answer = self.health.as_ref().and_then(StoreHealth::write_block);
        match (&answer, &self.read_only) {
            (Some(reason), None) => log::warn!("{reason}"),
            (None, Some(_)) => {
                log::info!("the store is writable again");
                if let Some(health) = &self.health {
                    health.space().ensure_ballast();
                }
            }
            _ => {}
        }
        self.read_only.clone_from(&answer);
        self.batch_block = Some(answer.clone());
        answer
    }

    /// Why no snapshot should be written now: a snapshot is about as large as the model, and
    /// a full disk is better left to the event log, which needs far less.
    pub fn snapshot_block(&self) -> Option<String> {
        self.health.as_ref().and_then(StoreHealth::write_block)
    }

    /// The open batch is written (or dropped): the next one asks again.
    pub fn batch_done(&mut self) {
        self.batch_block = None;
    }

    /// Runs one batch's write under the flush deadline.
    pub fn timed<T>(&self, write: impl FnOnce() -> T) -> T {
        let _armed = self.watchdog.as_ref().map(Watchdog::arm);
        write()
    }

    /// A write failed: true when the process is to exit (the server's Engine), false where no
    /// fatal signal was given (tests) and the supervisor's restart is the way out.
    pub fn write_failed(&self, error: &str) -> bool {
        match &self.fatal {
            Some(fatal) => {
                fatal.raise(
                    format!(
                        "the event store cannot write ({error}); sled cannot write again after \
                         a failed write, so t3rs exits for the service manager to start it \
                         afresh. Everything acknowledged is on disk"
                    ),
                    EXIT_STORE_CANNOT_WRITE,
                );
                true
            }
            None => false,
        }
    }
}

/// A thread that raises the fatal exit when a write has been running past its deadline.
struct Watchdog {
    /// Milliseconds since `epoch` at which the running write started; 0 while idle.
    started: Arc<AtomicU64>,
    epoch: Instant,
}

struct Armed<'a>(&'a AtomicU64);

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Release);
    }
}

impl Watchdog {
    fn start(fatal: FatalSignal, deadline: Duration) -> Watchdog {
        let started = Arc::new(AtomicU64::new(0));
        let epoch = Instant::now();
        // Weak: the thread ends with the Engine incarnation that owns the watchdog.
        let watched = Arc::downgrade(&started);
        let spawned = std::thread::Builder::new()
            .name("t3rs-flush-watchdog".into())
            .spawn(move || watch(&watched, epoch, deadline, &fatal));
        if let Err(err) = spawned {
            log::warn!("no flush watchdog ({err}): a stuck flush would hang the engine");
        }
        Watchdog { started, epoch }
    }

    fn arm(&self) -> Armed<'_> {
        // +1 so that a write starting in the epoch's first millisecond is not read as idle.
        let now = self.epoch.elapsed().as_millis() as u64 + 1;
        self.started.store(now, Ordering::Release);
        Armed(&self.started)
    }
}

fn watch(
    started: &std::sync::Weak<AtomicU64>,
    epoch: Instant,
    deadline: Duration,
    fatal: &FatalSignal,
) {
    let tick = (deadline / 10).max(Duration::from_millis(10));
    loop {
        std::thread::sleep(tick);
        let Some(started) = started.upgrade() else {
            return;
        };
        let since = started.load(Ordering::Acquire);
        if since == 0 {
            continue;
        }
        let running = (epoch.elapsed().as_millis() as u64 + 1).saturating_sub(since);
        if running > deadline.as_millis() as u64 {
            fatal.raise(
                format!(
                    "a write to the event store has not returned in {}s; t3rs exits for the \
                     service manager to start it afresh. Everything acknowledged is on disk",
                    deadline.as_secs()
                ),
                EXIT_STORE_CANNOT_WRITE,
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_past_its_deadline_raises_exit_75_and_a_quick_one_does_not() {
        let (fatal, receiver) = FatalSignal::new();
        let dog = Watchdog::start(fatal, Duration::from_millis(100));
        {
            let _armed = dog.arm();
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(*receiver.borrow(), None, "a quick write is not fatal");
        let _armed = dog.arm();
        let deadline = Instant::now() + Duration::from_secs(30);
        while receiver.borrow().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let raised = receiver.borrow().clone().expect("a stuck write is fatal");
        assert_eq!(raised.code, EXIT_STORE_CANNOT_WRITE);
        assert!(
            raised.reason.contains("has not returned"),
            "{}",
            raised.reason
        );
    }

    #[test]
    fn a_full_disk_blocks_each_batch_until_space_is_back() {
        use crate::store::space::DiskSpace;
        let dir = tempfile::tempdir().unwrap();
        let (fatal, _receiver) = FatalSignal::new();
        let mut gate = WriteGate::new(
            StoreHealth::new(DiskSpace::new(dir.path(), u64::MAX / 2)),
            fatal.clone(),
        );
        let reason = gate.block().expect("blocked");
        assert!(reason.contains("read-only"), "{reason}");
        gate.batch_done();
        let mut gate = WriteGate::new(StoreHealth::new(DiskSpace::new(dir.path(), 0)), fatal);
        assert_eq!(gate.block(), None);
    }
}
