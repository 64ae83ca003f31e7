//! The commit message a stacked action commits with: the user's own (subject and body), else
//! one codex writes, else a deterministic summary of the staged changes.

use std::path::Path;

use super::types::MessageWriter;

/// Git's conventional subject width; longer subjects get cut in most tools.
pub(super) const MAX_SUBJECT_CHARS: usize = 72;
/// Files listed in a generated commit body; beyond this the list is only noise.
const MAX_BODY_FILES: usize = 50;

/// A commit message split the way `git commit -m subject -m body` wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CommitMessage {
    pub(super) subject: String,
    pub(super) body: String,
}

/// codex may take `process_deadlines.codex_exec_secs` to write a commit message before the
/// summary is used instead.
pub(super) fn codex_message(cwd: &Path, writer: Option<&MessageWriter>) -> Option<CommitMessage> {
    let writer = writer?;
    let deadline = crate::spawn::deadlines().codex_exec;
    let model = writer.model.as_deref();
    match crate::git::commit_message::generate(&writer.codex, model, cwd, deadline) {
        Ok((subject, body)) => Some(CommitMessage { subject, body }),
        Err(err) => {
            log::info!("commit message from a summary instead of codex: {err}");
            None
        }
    }
}

/// A user-written message: first line is the subject, the rest the body.
pub(super) fn parse_custom_message(raw: &str) -> Option<CommitMessage> {
    let normalized = raw.replace("\r\n", "\n");
    let normalized = normalized.trim();
    let (subject, body) = normalized.split_once('\n').unwrap_or((normalized, ""));
    let subject = subject.trim();
    (!subject.is_empty()).then(|| CommitMessage {
        subject: subject.to_string(),
        body: body.trim().to_string(),
    })
}

/// A deterministic message naming what changed, e.g. "Update 3 files: a.rs, b.rs, c.md",
/// with the full path list in the body.
pub(super) fn summarize(changes: &[(char, String)]) -> CommitMessage {
    let verb = if changes.iter().all(|(s, _)| *s == 'A') {
        "Add"
    } else if changes.iter().all(|(s, _)| *s == 'D') {
        "Remove"
    } else {
        "Update"
    };
    let base_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    let subject = match changes {
        [] => format!("{verb} project files"),
        [(_, path)] => {
            let full = format!("{verb} {path}");
            if full.chars().count() <= MAX_SUBJECT_CHARS {
                full
            } else {
                truncate_chars(&format!("{verb} {}", base_name(path)), MAX_SUBJECT_CHARS)
            }
        }
        _ => {
            let head = format!("{verb} {} files", changes.len());
            let mut names: Vec<String> = Vec::new();
            for (i, (_, path)) in changes.iter().enumerate() {
                let name = base_name(path);
                let remaining = changes.len() - i - 1;
                let tail = if remaining > 0 {
                    format!(" and {remaining} more")
                } else {
                    String::new()
                };
                let mut candidate = names.clone();
                candidate.push(name);
                let line = format!("{head}: {}{tail}", candidate.join(", "));
                if line.chars().count() > MAX_SUBJECT_CHARS {
                    break;
                }
                names = candidate;
            }
            let listed = names.len();
            match listed {
                0 => head,
                n if n == changes.len() => format!("{head}: {}", names.join(", ")),
                n => format!(
                    "{head}: {} and {} more",
                    names.join(", "),
                    changes.len() - n
                ),
            }
        }
    };
    let mut body: Vec<String> = changes
        .iter()
        .take(MAX_BODY_FILES)
        .map(|(status, path)| format!("- {status} {path}"))
        .collect();
    if changes.len() > MAX_BODY_FILES {
        body.push(format!("- … and {} more", changes.len() - MAX_BODY_FILES));
    }
    CommitMessage {
        subject,
        body: if changes.len() > 1 {
            body.join("\n")
        } else {
            String::new()
        },
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_string()
}
