//! The shell a terminal runs and what it starts with: the user's shell, the environment it
//! inherits (less what no child inherits and what describes a desktop wrapper), its working
//! directory, and whether a command is running in it.

use std::collections::BTreeMap;

use t3rs_actors::pty::PtySpec;

/// Variables a shell must not inherit besides what no child inherits (`crate::spawn`): the
/// ones that describe a desktop wrapper's own process, not the user's shell.
const HIDDEN_ENV: &[&str] = &["PORT", "ELECTRON_RENDERER_PORT", "ELECTRON_RUN_AS_NODE"];

/// The user's shell: `$SHELL`, then bash, then sh.
pub(super) fn shell_candidates() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(shell) = std::env::var("SHELL") {
        if !shell.trim().is_empty() {
            out.push(shell);
        }
    }
    for fallback in ["/bin/bash", "/bin/sh"] {
        if !out.iter().any(|s| s == fallback) {
            out.push(fallback.to_string());
        }
    }
    out
}

/// Whether the shell has a child process right now (a command is running in it). Linux lists a
/// task's children in /proc; elsewhere this reports false.
pub(super) fn has_running_child(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|children| !children.trim().is_empty())
        .unwrap_or(false)
}

pub(super) fn check_cwd(cwd: &str) -> Result<(), String> {
    match std::fs::metadata(cwd) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(format!("Terminal cwd is not a directory: {cwd}")),
        Err(_) => Err(format!("Terminal cwd does not exist: {cwd}")),
    }
}

/// The pty spec for `shell` in `cwd` at `cols`×`rows`, with the terminal's own `env` on top.
pub(super) fn shell_spec(
    shell: &str,
    cwd: &str,
    cols: u16,
    rows: u16,
    env: &BTreeMap<String, String>,
) -> PtySpec {
    let mut spec = PtySpec::new(shell, cwd);
    if shell.ends_with("zsh") {
        spec.args = vec!["-o".into(), "nopromptsp".into()];
    }
    spec.cols = cols;
    spec.rows = rows;
    spec.scrub = crate::spawn::env_scrub();
    spec.env_remove = HIDDEN_ENV.iter().map(Into::into).collect();
    spec.env.push(("TERM".into(), "xterm-256color".into()));
    spec.env.push(("COLORTERM".into(), "truecolor".into()));
    spec.env
        .extend(env.iter().map(|(k, v)| (k.into(), v.into())));
    spec
}
