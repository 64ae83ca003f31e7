//! `t3rs doctor`: what an operator checks before blaming the server — the state directory
//! (lock, permissions), the store (readable, log and snapshot sequences, checksums, every event
//! readable), codex, git and gh. Prints one line per check; exits 0 when healthy, else 1 with
//! the reasons on stderr (warnings, e.g. gh missing, do not fail). `--rebuild-from-snapshot` is
//! the way out of a lost log (start-up refuses with exit 78): the log restarts at the newest
//! snapshot whose checksum holds.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use t3rs_actors::process_runner::RunLimits;

use crate::settings::{control_state_dir, DoctorArgs};
use crate::state_dir::{LockError, StateDirLock};
use crate::store::event_log::EventLog;
use crate::store::history::BUILT_KEY;
use crate::store::snapshot_body::{self, SnapshotBody};
use crate::store::snapshots::LogBase;
use crate::store::space::{human, DiskSpace, DEFAULT_RESERVE_BYTES};
use crate::store::Store;

const PROBE_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Report {
    problems: Vec<String>,
}

impl Report {
    fn ok(&self, what: &str) {
        println!("ok    {what}");
    }
    fn warn(&self, what: &str) {
        println!("warn  {what}");
    }
    fn fail(&mut self, what: String) {
        println!("FAIL  {what}");
        self.problems.push(what);
    }
}

pub fn run(args: DoctorArgs) -> ExitCode {
    let state_dir = match control_state_dir(&args.control) {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("t3rs doctor: {err}");
            return ExitCode::from(2);
        }
    };
    if args.rebuild_from_snapshot {
        return match rebuild_from_snapshot(&state_dir) {
            Ok(message) => {
                println!("{message}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("t3rs doctor: {err}");
                ExitCode::FAILURE
            }
        };
    }
    let mut report = Report::default();
    check_state_dir(&state_dir, &mut report);
    check_space(
        &state_dir,
        args.disk_reserve_bytes.unwrap_or(DEFAULT_RESERVE_BYTES),
        &mut report,
    );
    let codex = args
        .codex_bin
        .clone()
        .unwrap_or_else(|| "codex".into())
        .into_os_string();
    probe(&mut report, "codex (agent CLI)", &codex, true);
    probe(&mut report, "git", "git".as_ref(), true);
    probe(&mut report, "gh (pull requests)", "gh".as_ref(), false);
    if report.problems.is_empty() {
        println!("healthy");
        ExitCode::SUCCESS
    } else {
        eprintln!("t3rs doctor: unhealthy: {}", report.problems.join("; "));
        ExitCode::FAILURE
    }
}

/// A server's store is read-only while less than its reserve is free (see `store::space`).
fn check_space(state_dir: &Path, reserve: u64, report: &mut Report) {
    if !state_dir.exists() {
        return;
    }
    let space = DiskSpace::new(state_dir, reserve);
    match (space.check(), space.free()) {
        (Err(short), _) => report.fail(short.to_string()),
        (Ok(()), Some(free)) => report.ok(&format!(
            "disk: {} free on {} (the store turns read-only below {})",
            human(free),
            state_dir.display(),
            human(reserve)
        )),
        (Ok(()), None) => report.warn(&format!(
            "disk: the free space on {} cannot be read",
            state_dir.display()
        )),
    }
}

fn check_state_dir(state_dir: &Path, report: &mut Report) {
    let meta = match std::fs::metadata(state_dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            report.warn(&format!(
                "state directory {} does not exist yet (the first start creates it)",
                state_dir.display()
            ));
            return;
        }
        Err(e) => {
            report.fail(format!(
                "state directory {} cannot be read: {e}",
                state_dir.display()
            ));
            return;
        }
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        report.ok(&format!(
            "state directory {} (mode {mode:04o})",
            state_dir.display()
        ));
    } else {
        report.fail(format!(
            "state directory {} has mode {mode:04o}; other users can read it (chmod 700 it)",
            state_dir.display()
        ));
    }
    match StateDirLock::acquire(state_dir) {
        Ok(lock) => {
            report.ok("no server is running on it (lock free)");
            check_store(state_dir, report);
            drop(lock);
        }
        Err(LockError::Held { holder, .. }) => {
            report.ok(&format!(
                "a server{holder} holds the lock; the store is checked by that server, not here"
            ));
        }
        Err(err) => report.fail(err.to_string()),
    }
}

fn check_store(state_dir: &Path, report: &mut Report) {
    let db_existed = state_dir.join("db").exists();
    check_opened_store(state_dir, db_existed, report);
    // Opening made an empty store where there was none; a check leaves nothing behind.
    if !db_existed {
        let _ = std::fs::remove_dir_all(state_dir.join("db"));
    }
}

fn check_opened_store(state_dir: &Path, db_existed: bool, report: &mut Report) {
    let store = match Store::open(state_dir) {
        Ok(store) => store,
        Err(err) => return report.fail(format!("store: {err}")),
    };
    let log = match EventLog::open(&store) {
        Ok(log) => log,
        Err(err) => return report.fail(format!("store: {err}")),
    };
    let durable = match log.last_sequence() {
        Ok(sequence) => sequence,
        Err(err) => return report.fail(format!("event log: {err}")),
    };
    match crate::store::verify::check_log(&log) {
        Ok(verified) => report.ok(&format!(
            "event log readable: {} events, sequences {}..={durable}{}",
            verified.count,
            verified.first,
            match log.log_base() {
                Ok(Some(base)) => format!(" (rebuilt from the snapshot at {})", base.sequence),
                _ => String::new(),
            }
        )),
        Err(damage) => report.fail(format!(
            "event log damaged {damage}; restore {} from a backup",
            state_dir.join("db").display()
        )),
    }
    let snapshots = match log.snapshot_report() {
        Ok(snapshots) => snapshots,
        Err(err) => return report.fail(format!("snapshots: {err}")),
    };
    if snapshots.is_empty() {
        report.ok("no snapshots (start-up replays the log)");
    }
    for snapshot in &snapshots {
        match &snapshot.verdict {
            Ok(()) if snapshot.ahead => {}
            Ok(()) => report.ok(&format!("snapshot {}: checksum ok", snapshot.sequence)),
            Err(why) => report.warn(&format!(
                "snapshot {}: {why}; start-up skips it",
                snapshot.sequence
            )),
        }
    }
    if let Some(newest) = snapshots.first() {
        if newest.ahead && durable == 0 {
            report.fail(format!(
                "the event log is {} but snapshots hold a model at sequence {}; the server \
                 refuses to start (exit 78). Restore db/ from a backup or run `t3rs doctor \
                 --rebuild-from-snapshot`",
                if db_existed { "empty" } else { "missing" },
                newest.sequence
            ));
        } else if newest.ahead && newest.verdict.is_ok() {
            report.fail(format!(
                "snapshot {} (checksum ok) is ahead of the log, which ends at {durable}: \
                 acknowledged events are missing from the log and the server refuses to start \
                 (exit 78). Restore db/ from a backup or run `t3rs doctor --rebuild-from-snapshot`",
                newest.sequence
            ));
        }
    }
}

fn probe(report: &mut Report, what: &str, program: &std::ffi::OsStr, required: bool) {
    let shown = program.to_string_lossy();
    match crate::spawn::command(program)
        .arg("--version")
        .run(&RunLimits::new(PROBE_DEADLINE))
    {
        Ok(out) if out.status.success() => {
            let version = String::from_utf8_lossy(&out.stdout);
            report.ok(&format!(
                "{what}: {shown} {}",
                version.lines().next().unwrap_or("").trim()
            ));
        }
        Ok(out) => {
            let message = format!(
                "{what}: `{shown} --version` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
            if required {
                report.fail(message)
            } else {
                report.warn(&message)
            }
        }
        Err(err) => {
            let message = if err.is_not_found() {
                format!("{what}: {shown} not found on PATH")
            } else {
                format!("{what}: {err}")
            };
            if required {
                report.fail(message)
            } else {
                report.warn(&message)
            }
        }
    }
}

/// Starts a new, empty log at the newest snapshot whose checksum holds, when the log is empty
/// or missing. Events up to that sequence then live only in that snapshot, which is never
/// pruned; `replayEvents` from before it returns events after it.
fn rebuild_from_snapshot(state_dir: &Path) -> Result<String, String> {
    let lock = StateDirLock::acquire(state_dir).map_err(|e| match e {
        LockError::Held { holder, .. } => format!(
            "a server{holder} is running on {}; stop it first",
            state_dir.display()
        ),
        other => other.to_string(),
    })?;
    let store = Store::open(state_dir).map_err(|e| e.to_string())?;
    let log = EventLog::open(&store).map_err(|e| e.to_string())?;
    let durable = log.last_sequence().map_err(|e| e.to_string())?;
    if durable > 0 {
        return Err(format!(
            "the event log is not empty (last sequence {durable}); nothing to rebuild"
        ));
    }
    let sequences = log.snapshot_report().map_err(|e| e.to_string())?;
    let mut refused = Vec::new();
    for status in sequences {
        let sequence = status.sequence;
        let body = match log.read_snapshot(sequence) {
            Ok(body) => body,
            Err(why) => {
                refused.push(format!("{sequence}: {why}"));
                continue;
            }
        };
        let decoded = snapshot_body::decode(&body);
        match &decoded {
            Ok(model) if model.sequence() == sequence => {}
            Ok(_) => {
                refused.push(format!("{sequence}: its model is at another sequence"));
                continue;
            }
            Err(e) => {
                refused.push(format!("{sequence}: unreadable ({e})"));
                continue;
            }
        }
        let bytes = std::fs::read(
            log.snapshot_dir()
                .join(crate::store::snapshots::file_name(sequence)),
        )
        .map_err(|e| e.to_string())?;
        let (header, _) =
            crate::store::snapshots::verify(sequence, &bytes).map_err(|e| e.to_string())?;
        log.set_log_base(&LogBase {
            sequence,
            last_event_sha256: header.last_event_sha256,
        })
        .map_err(|e| e.to_string())?;
        let lists = match decoded {
            // An earlier t3rs's snapshot holds the lists: they move into the store, and the
            // base snapshot becomes one of the rows (the name and the covered event stay).
            Ok(SnapshotBody::Full(full)) => {
                let (rows, lists) = full.split();
                log.history().build_from(lists).map_err(|e| e.to_string())?;
                let body = snapshot_body::encode_rows(&rows).map_err(|e| e.to_string())?;
                log.save_snapshot(sequence, &body)
                    .map_err(|e| e.to_string())?;
                "the threads' lists came from the snapshot"
            }
            _ => {
                let history = log.history();
                let kept = history.tree().len() > 1;
                history
                    .tree()
                    .insert(BUILT_KEY, &b"1"[..])
                    .map_err(|e| e.to_string())?;
                log.flush().map_err(|e| e.to_string())?;
                if kept {
                    "the threads' lists are the ones the store still holds"
                } else {
                    "the threads' lists were not in the store and are not in the snapshot: \
                     threads show no earlier messages"
                }
            }
        };
        drop(lock);
        return Ok(format!(
            "the log now starts at sequence {sequence} from snapshot {}; the next event is {}. \
             Events before it are only in that snapshot (replayEvents returns later ones); \
             {lists}",
            log.snapshot_dir()
                .join(crate::store::snapshots::file_name(sequence))
                .display(),
            sequence + 1
        ));
    }
    Err(if refused.is_empty() {
        "there is no snapshot to rebuild from".to_string()
    } else {
        format!("no snapshot can be used: {}", refused.join("; "))
    })
}
