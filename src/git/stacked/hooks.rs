//! A commit whose hooks the user watches: `git commit` runs with git's trace2 event stream
//! (`GIT_TRACE2_EVENT`) in a private temp file, which says when each hook starts and exits;
//! git's output is read as it is written, and each line is reported with the hook that was
//! running then (DP Code does the same, S/git/Layers/GitCore.ts:446-560).
//!
//! The trace is read whenever output arrives, so the order is right as long as a hook's
//! first output follows its start in the trace (git records the start before it spawns the
//! hook). A hook's last lines and its exit can arrive together; an exit read with output is
//! applied after that output's stderr lines, so they stay the hook's. git runs commit hooks
//! with their stdout on stderr, so stdout is git's own and belongs to no hook.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde_json::Value;

use super::types::{OutputStreamName, ProgressEvent};
use crate::git::{run_observed, GitError, Output, OutputStream};

/// Longest hook line reported (DP Code's `MAX_PROGRESS_TEXT_LENGTH`).
const MAX_LINE_CHARS: usize = 500;
/// Lines reported per commit; a hook that prints more is summarised by one last line.
const MAX_LINES: usize = 1_000;
/// An unterminated line is reported (cut) once it is this long.
const MAX_PARTIAL_BYTES: usize = 64 * 1024;

/// What the trace2 stream said about one hook.
enum HookEvent {
    Started {
        hook: String,
    },
    Exited {
        hook: String,
        code: Option<i32>,
        duration_ms: Option<u64>,
    },
}

/// Reads the trace file as it grows and keeps the hooks that are running.
struct Trace {
    file: Option<std::fs::File>,
    partial: String,
    /// trace2 `child_id` → hook name, for hooks started and not yet exited.
    running: HashMap<i64, String>,
}

impl Trace {
    /// The new complete lines' hook events, in order. Only the top-level git's own events
    /// count: git commands a hook runs write here too, under a nested session id (`a/b`).
    fn read_events(&mut self) -> Vec<HookEvent> {
        let Some(file) = self.file.as_mut() else {
            return Vec::new();
        };
        let mut grown = Vec::new();
        if file.read_to_end(&mut grown).is_err() {
            return Vec::new();
        }
        self.partial.push_str(&String::from_utf8_lossy(&grown));
        let Some(end) = self.partial.rfind('\n') else {
            return Vec::new();
        };
        let complete: String = self.partial.drain(..=end).collect();
        let mut events = Vec::new();
        for line in complete.lines() {
            let Ok(record) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let top_level = record["sid"].as_str().is_some_and(|sid| !sid.contains('/'));
            if !top_level {
                continue;
            }
            let Some(child) = record["child_id"].as_i64() else {
                continue;
            };
            match record["event"].as_str() {
                Some("child_start") if record["child_class"] == "hook" => {
                    let hook = record["hook_name"]
                        .as_str()
                        .map(str::trim)
                        .filter(|h| !h.is_empty())
                        .unwrap_or("hook")
                        .to_string();
                    self.running.insert(child, hook.clone());
                    events.push(HookEvent::Started { hook });
                }
                // git's child_exit names no class; the id says whether it was a hook.
                Some("child_exit") => {
                    if let Some(hook) = self.running.remove(&child) {
                        events.push(HookEvent::Exited {
                            hook,
                            code: record["code"].as_i64().and_then(|c| i32::try_from(c).ok()),
                            duration_ms: record["t_rel"]
                                .as_f64()
                                .filter(|t| t.is_finite() && *t >= 0.0)
                                .map(|t| (t * 1000.0).round() as u64),
                        });
                    }
                }
                _ => {}
            }
        }
        events
    }
}

/// Turns output chunks and trace events into progress events.
struct Reporter<'a> {
    emit: &'a mut dyn FnMut(ProgressEvent),
    trace: Trace,
    current: Option<String>,
    partial: [Vec<u8>; 2],
    lines: usize,
}

impl Reporter<'_> {
    fn apply(&mut self, event: HookEvent) {
        match event {
            HookEvent::Started { hook } => {
                self.current = Some(hook.clone());
                (self.emit)(ProgressEvent::HookStarted { hook_name: hook });
            }
            HookEvent::Exited {
                hook,
                code,
                duration_ms,
            } => {
                if self.current.as_deref() == Some(hook.as_str()) {
                    self.current = None;
                }
                (self.emit)(ProgressEvent::HookFinished {
                    hook_name: hook,
                    exit_code: code,
                    duration_ms,
                });
            }
        }
    }

    /// Applies the trace's news around `lines`: starts before them, a trailing exit after the
    /// stderr lines (git sends a hook's stdout to stderr too) and before the stdout ones, which
    /// are git's own.
    fn report(&mut self, lines: Vec<(OutputStreamName, String)>) {
        let mut events = self.trace.read_events();
        let trailing_exit = match events.last() {
            Some(HookEvent::Exited { .. }) if !lines.is_empty() => events.pop(),
            _ => None,
        };
        for event in events {
            self.apply(event);
        }
        let (stdout, stderr): (Vec<_>, Vec<_>) = lines
            .into_iter()
            .partition(|(stream, _)| *stream == OutputStreamName::Stdout);
        for (stream, text) in stderr {
            let hook = self.current.clone();
            self.line(hook, stream, &text);
        }
        if let Some(exit) = trailing_exit {
            self.apply(exit);
        }
        for (stream, text) in stdout {
            self.line(None, stream, &text);
        }
    }

    fn line(&mut self, hook: Option<String>, stream: OutputStreamName, raw: &str) {
        let stripped = strip_ansi_escapes::strip_str(raw);
        let text = stripped.trim();
        if text.is_empty() || self.lines > MAX_LINES {
            return;
        }
        self.lines += 1;
        let text = if self.lines > MAX_LINES {
            format!("… more output than the {MAX_LINES} lines shown")
        } else {
            text.chars().take(MAX_LINE_CHARS).collect::<String>()
        };
        (self.emit)(ProgressEvent::HookOutput {
            hook_name: hook,
            stream,
            text,
        });
    }

    /// Splits a chunk into complete lines, keeping the rest for the next chunk.
    fn chunk(&mut self, stream: OutputStream, bytes: &[u8]) {
        let (index, name) = match stream {
            OutputStream::Stdout => (0, OutputStreamName::Stdout),
            OutputStream::Stderr => (1, OutputStreamName::Stderr),
        };
        let buffer = &mut self.partial[index];
        buffer.extend_from_slice(bytes);
        let mut lines = Vec::new();
        while let Some(end) = buffer.iter().position(|b| *b == b'\n' || *b == b'\r') {
            let line: Vec<u8> = buffer.drain(..=end).collect();
            lines.push((name, String::from_utf8_lossy(&line).into_owned()));
        }
        // A hook that never ends its line must not grow this buffer without bound.
        if buffer.len() > MAX_PARTIAL_BYTES {
            let line = std::mem::take(buffer);
            lines.push((name, String::from_utf8_lossy(&line).into_owned()));
        }
        self.report(lines);
    }

    /// The end: unterminated last lines, the trace's last events, and a finish for any hook
    /// whose exit the trace never recorded (so every start has its finish).
    fn finish(&mut self) {
        let mut lines = Vec::new();
        for (index, name) in [(0, OutputStreamName::Stdout), (1, OutputStreamName::Stderr)] {
            let rest = std::mem::take(&mut self.partial[index]);
            if !rest.is_empty() {
                lines.push((name, String::from_utf8_lossy(&rest).into_owned()));
            }
        }
        self.report(lines);
        for event in self.trace.read_events() {
            self.apply(event);
        }
        let mut open: Vec<String> = self.trace.running.drain().map(|(_, h)| h).collect();
        open.sort();
        for hook in open {
            (self.emit)(ProgressEvent::HookFinished {
                hook_name: hook,
                exit_code: None,
                duration_ms: None,
            });
        }
    }
}

/// Runs `git <args>` (a commit) in `cwd`, reporting its hooks and their output through `emit`.
/// Without a trace file (a temp dir that cannot be written) the output is still reported,
/// outside any hook.
pub(super) fn run_with_hooks(
    cwd: &Path,
    args: &[&str],
    emit: &mut dyn FnMut(ProgressEvent),
) -> Result<Output, GitError> {
    let trace_file = tempfile::Builder::new()
        .prefix("t3rs-git-trace2-")
        .suffix(".json")
        .tempfile()
        .ok();
    let reader = trace_file.as_ref().and_then(|f| {
        let mut file = f.reopen().ok()?;
        file.seek(SeekFrom::Start(0)).ok()?;
        Some(file)
    });
    let mut reporter = Reporter {
        emit,
        trace: Trace {
            file: reader,
            partial: String::new(),
            running: HashMap::new(),
        },
        current: None,
        partial: [Vec::new(), Vec::new()],
        lines: 0,
    };
    let trace_path = trace_file.as_ref().map(|f| f.path().as_os_str().to_owned());
    let env: Vec<(&str, &OsStr)> = match &trace_path {
        Some(path) => vec![("GIT_TRACE2_EVENT", path.as_os_str())],
        None => Vec::new(),
    };
    let out = run_observed(cwd, args, &env, None, &mut |stream, bytes| {
        reporter.chunk(stream, bytes)
    });
    reporter.finish();
    out
}
