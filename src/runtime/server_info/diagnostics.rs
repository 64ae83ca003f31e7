//! `server.getDiagnostics` in DP Code's shape (C/server.ts `ServerDiagnosticsResult`): this
//! process (pid, uptime, memory), its descendants (agents, shells, git) with their RSS, biggest
//! first and at most [`MAX_CHILD_PROCESSES`] of them, the read model's counts, and, beyond DP
//! Code, the store's state: whether it takes writes and, if not, why (see `store::health` and
//! `runtime::engine::write_gate`). Everything is read from /proc, never from `ps`.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::ServerInfo;
use crate::store::health::StoreHealth;

/// DP Code's caps: children listed, and characters of one child's arguments.
pub const MAX_CHILD_PROCESSES: usize = 80;
const MAX_ARGS_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildProcess {
    pub pid: u32,
    pub ppid: u32,
    pub rss_bytes: u64,
    pub virtual_size_bytes: u64,
    pub command: String,
    pub args: String,
}

/// One row of the process table.
struct Row {
    pid: u32,
    ppid: u32,
}

/// Every process's (pid, ppid); processes that vanish while being read are skipped.
fn process_table() -> Vec<Row> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some(Row {
                pid,
                ppid: parent_of(&stat)?,
            })
        })
        .collect()
}

/// The ppid from `/proc/<pid>/stat`: the second field after the command, which is in
/// parentheses and may itself hold spaces and parentheses.
fn parent_of(stat: &str) -> Option<u32> {
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// `VmRSS` and `VmSize` of a process, in bytes (0 for what it lacks, e.g. a zombie).
fn memory_of(pid: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |k| k.saturating_mul(1024))
    };
    (kib("VmRSS:"), kib("VmSize:"))
}

/// Every descendant of `root` (not `root` itself), biggest RSS first.
pub fn descendants(root: u32) -> Vec<ChildProcess> {
    let table = process_table();
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for row in &table {
        children.entry(row.ppid).or_default().push(row.pid);
    }
    let mut found = Vec::new();
    let mut stack: Vec<(u32, u32)> = children
        .get(&root)
        .map(|c| c.iter().map(|pid| (*pid, root)).collect())
        .unwrap_or_default();
    while let Some((pid, ppid)) = stack.pop() {
        // A pid reused into a cycle cannot loop the walk: the table is a snapshot, bounded.
        if found.len() >= table.len() {
            break;
        }
        if let Some(grandchildren) = children.get(&pid) {
            stack.extend(grandchildren.iter().map(|c| (*c, pid)));
        }
        let name = pid.to_string();
        let (rss_bytes, virtual_size_bytes) = memory_of(&name);
        let command = std::fs::read_to_string(format!("/proc/{name}/comm"))
            .map(|c| c.trim().to_string())
            .unwrap_or_default();
        let args = std::fs::read(format!("/proc/{name}/cmdline"))
            .map(|raw| {
                let joined = raw
                    .split(|b| *b == 0)
                    .filter(|a| !a.is_empty())
                    .map(String::from_utf8_lossy)
                    .collect::<Vec<_>>()
                    .join(" ");
                t3rs_core::text::ellipsize_chars(&redact(&joined), MAX_ARGS_CHARS)
            })
            .unwrap_or_default();
        found.push(ChildProcess {
            pid,
            ppid,
            rss_bytes,
            virtual_size_bytes,
            command,
            args,
        });
    }
    found.sort_by(|a, b| b.rss_bytes.cmp(&a.rss_bytes).then(a.pid.cmp(&b.pid)));
    found
}

/// Arguments as DP Code shows them: the value after a secret-looking flag, a bearer token and
/// an `sk-…` key are replaced by `[redacted]`.
pub fn redact(args: &str) -> String {
    const SECRET_FLAGS: [&str; 7] = [
        "apikey",
        "api-key",
        "api_key",
        "auth",
        "authorization",
        "password",
        "secret",
    ];
    let is_secret_flag = |flag: &str| {
        let name = flag.trim_start_matches('-').to_ascii_lowercase();
        flag.starts_with('-')
            && (SECRET_FLAGS.contains(&name.as_str()) || name == "key" || name == "token")
    };
    let mut out: Vec<String> = Vec::new();
    let mut hide_next = false;
    for word in args.split(' ') {
        if hide_next && !word.is_empty() {
            out.push("[redacted]".to_string());
            hide_next = false;
            continue;
        }
        if let Some((flag, _)) = word.split_once('=') {
            if is_secret_flag(flag) {
                out.push(format!("{flag}=[redacted]"));
                continue;
            }
        }
        if is_secret_flag(word) || word.eq_ignore_ascii_case("bearer") {
            hide_next = true;
            out.push(word.to_string());
            continue;
        }
        if word.starts_with("sk-") && word.len() >= 11 {
            out.push("[redacted]".to_string());
            continue;
        }
        out.push(word.to_string());
    }
    out.join(" ")
}

/// The whole answer. `projection` is (live projects, live threads).
pub fn report(info: &ServerInfo, projection: (usize, usize), health: &StoreHealth) -> Value {
    let me = std::process::id();
    let (rss, virtual_size) = memory_of("self");
    let all = descendants(me);
    let total_rss: u64 = all.iter().map(|c| c.rss_bytes).sum();
    let block = health.write_block();
    json!({
        "generatedAt": crate::runtime::now_iso(),
        "process": {
            "pid": me,
            "uptimeSeconds": info.uptime_seconds(),
            // DP Code's memory shape; the heap fields are V8's, which a Rust server has none
            // of, so they are 0 and the process's virtual size is added.
            "memory": {
                "rssBytes": rss,
                "heapTotalBytes": 0,
                "heapUsedBytes": 0,
                "externalBytes": 0,
                "arrayBuffersBytes": 0,
                "virtualSizeBytes": virtual_size,
            },
        },
        "childProcesses": all.iter().take(MAX_CHILD_PROCESSES).collect::<Vec<_>>(),
        "childProcessTotalCount": all.len(),
        "childProcessTotalRssBytes": total_rss,
        "projection": { "projectCount": projection.0, "threadCount": projection.1 },
        "store": {
            "readOnly": block.is_some(),
            "readOnlyReason": block,
            "damage": health.damage(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_is_read_past_a_command_with_parentheses() {
        assert_eq!(parent_of("42 (a) b (c)) S 7 42 42 0"), Some(7));
        assert_eq!(parent_of("garbage"), None);
    }

    #[test]
    fn secrets_in_arguments_are_redacted() {
        assert_eq!(
            redact("codex --api-key abc --token=xyz -v Bearer t0k sk-1234567890 keep"),
            "codex --api-key [redacted] --token=[redacted] -v Bearer [redacted] [redacted] keep"
        );
    }

    #[test]
    fn a_child_and_its_child_are_found_with_their_rss() {
        #[allow(clippy::disallowed_methods)] // a test's own child, to be found
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & wait"])
            .spawn()
            .unwrap();
        let me = std::process::id();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let found = loop {
            let found = descendants(me);
            let mine = |c: &ChildProcess| c.command == "sleep" && c.ppid == child.id();
            if found.iter().any(mine) || std::time::Instant::now() > deadline {
                break found;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        let sleep = found
            .iter()
            .find(|c| c.command == "sleep" && c.ppid == child.id())
            .cloned();
        if let Some(sleep) = &sleep {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(sleep.pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let _ = child.kill();
        let _ = child.wait();
        let sh = found
            .iter()
            .find(|c| c.pid == child.id())
            .expect("sh listed");
        assert_eq!(sh.ppid, me);
        assert!(sh.rss_bytes > 0, "{sh:?}");
        let sleep = sleep.expect("sleep listed");
        assert_eq!(sleep.ppid, child.id());
        assert_eq!(sleep.args, "sleep 30");
    }
}
