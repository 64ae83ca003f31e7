//! The full read of the event log, beside start-up rather than in front of it: start-up replays
//! only the tail after the newest snapshot, so damage earlier in the log would otherwise go
//! unnoticed until something read it. Every event is read in order: sled checks each stored
//! message's CRC as it reads it from disk, and each event must decode and carry the sequence it
//! is stored under, without gaps. The first problem marks the store damaged
//! ([`StoreHealth::mark_damaged`]): writes are refused from then on, reads still work. `t3rs
//! doctor` runs the same check ([`check_log`]) on a stopped server.

use std::fmt;
use std::thread::JoinHandle;
use std::time::Instant;

use super::event_log::EventLog;
use super::health::StoreHealth;
use crate::orchestration::Event;

/// What a full read of a sound log found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// Events read.
    pub count: u64,
    /// The first and last sequence (both 0 when the log is empty).
    pub first: u64,
    pub last: u64,
}

/// The first problem a full read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Where: the sequence of the bad event, or the one expected next when the store could not
    /// say which (a failed read).
    pub sequence: u64,
    pub what: String,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at sequence {} ({})", self.sequence, self.what)
    }
}

/// Reads every event in order. Each read must succeed (sled verifies the CRC of what it reads
/// from disk), each value must decode as an [`Event`] whose `sequence` is its key, and the keys
/// must be contiguous from the first one: `base + 1` for a log rebuilt from a snapshot, else 1.
pub fn check_log(log: &EventLog) -> Result<Verified, Damage> {
    let base = log
        .log_base()
        .map_err(|e| Damage {
            sequence: 0,
            what: format!("its start cannot be read: {e}"),
        })?
        .map_or(0, |base| base.sequence);
    let mut expected = base + 1;
    let mut count = 0u64;
    for item in log.iter_after(0) {
        let (sequence, bytes) = item.map_err(|e| Damage {
            sequence: expected,
            what: format!("the store cannot read the events from there on: {e}"),
        })?;
        if sequence != expected {
            return Err(Damage {
                sequence: expected,
                what: if sequence > expected {
                    format!("events {expected} to {} are missing", sequence - 1)
                } else {
                    format!("event {sequence} is before the log's start at {expected}")
                },
            });
        }
        // The whole event, as replay reads it (~0.8 µs more per event than its sequence alone:
        // 2.6 s instead of 1.7 s for 1M events).
        let event: Event = serde_json::from_slice(&bytes).map_err(|e| Damage {
            sequence,
            what: format!("its event cannot be decoded: {e}"),
        })?;
        if event.sequence != sequence {
            return Err(Damage {
                sequence,
                what: format!("the event stored there says it is event {}", event.sequence),
            });
        }
        expected += 1;
        count += 1;
    }
    Ok(Verified {
        count,
        first: if count == 0 { 0 } else { base + 1 },
        last: expected - 1,
    })
}

/// The reason writes are refused after `damage`.
pub fn refusal(damage: &Damage) -> String {
    format!(
        "the event log is damaged {damage}; writes are refused to keep it from getting worse \
         (reads still work). Stop t3rs and run `t3rs doctor` to see what is damaged, then \
         restore the state directory's db/ from a backup"
    )
}

/// Starts the full read on a low-priority thread "t3rs-verify"; damage marks `health`.
pub fn spawn(log: EventLog, health: StoreHealth) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("t3rs-verify".into())
        .spawn(move || {
            lower_priority();
            let started = Instant::now();
            match check_log(&log) {
                Ok(done) => log::info!(
                    "event log verified: {} events ({}..={}) in {:.2?}",
                    done.count,
                    done.first,
                    done.last,
                    started.elapsed()
                ),
                Err(damage) => health.mark_damaged(refusal(&damage)),
            }
        })
        .expect("spawn the t3rs-verify thread")
}

/// Nice 10 for this thread only (Linux keeps a nice value per thread), so the read yields the
/// CPU to start-up and to requests.
fn lower_priority() {
    // SAFETY: setpriority takes integers only and touches no memory of ours; `who` 0 with
    // PRIO_PROCESS is the calling thread on Linux.
    let rc = unsafe { nix::libc::setpriority(nix::libc::PRIO_PROCESS, 0, 10) };
    if rc != 0 {
        log::debug!(
            "could not lower the verifier's priority: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(test)]
mod tests;
