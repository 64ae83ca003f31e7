//! How t3rs starts child processes: which variables no child may see, and how long each kind of
//! run-to-completion command may take. Every spawn site builds its command from [`command`] (or,
//! for the long-lived codex and terminal children, passes [`env_scrub`] to their spec), so the
//! list lives here and nowhere else. The mechanics (process groups, deadlines that kill the
//! group, bounded output) are `t3rs_actors::process_runner`'s.

use std::ffi::OsString;
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;
use t3rs_actors::process_runner::{EnvScrub, ProcessSpec, RunLimits};

/// Removed from every child's environment, by exact name: the auth token, and what systemd hands
/// the server alone (a child that wrote to `NOTIFY_SOCKET` could report the server ready or
/// stopping; the socket-activation and watchdog variables describe this process, not the child).
pub const REMOVED_NAMES: &[&str] = &[
    "T3CODE_AUTH_TOKEN",
    "NOTIFY_SOCKET",
    "WATCHDOG_USEC",
    "WATCHDOG_PID",
    "LISTEN_FDS",
    "LISTEN_PID",
    "LISTEN_FDNAMES",
];

/// Removed from every child's environment, by prefix: all of the server's own configuration
/// (`T3CODE_*`, which includes session secrets and tokens, and `T3RS_*`).
pub const REMOVED_PREFIXES: &[&str] = &["T3CODE_", "T3RS_"];

/// What no child of t3rs inherits.
pub fn env_scrub() -> EnvScrub {
    EnvScrub::new(
        REMOVED_NAMES.iter().copied(),
        REMOVED_PREFIXES.iter().copied(),
    )
}

/// A command with the scrubbed environment, ready for `run` or `spawn_detached`.
/// Why an agent's process did not start, in the words a session error shows: `cli` names the
/// program when it is missing ("Codex CLI"), `agent` the agent otherwise ("codex").
pub fn start_failure(
    cli: &str,
    agent: &str,
    bin: &std::path::Path,
    err: &std::io::Error,
) -> String {
    let bin = bin.display();
    if err.kind() == std::io::ErrorKind::NotFound {
        format!("{cli} ({bin}) is not installed or not on PATH.")
    } else {
        format!("Could not start {agent} ({bin}): {err}")
    }
}

pub fn command(program: impl Into<OsString>) -> ProcessSpec {
    ProcessSpec::new(program, env_scrub())
}

/// How long each kind of run-to-completion command may take before its process group is killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// git commands that talk to a remote: push, pull, fetch, ls-remote, clone.
    pub git_network: Duration,
    /// Every other git command.
    pub git: Duration,
    /// The GitHub CLI.
    pub gh: Duration,
    /// One worktree setup script.
    pub setup_script: Duration,
    /// `codex exec` writing a commit message.
    pub codex_exec: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            git_network: Duration::from_secs(120),
            git: Duration::from_secs(30),
            gh: Duration::from_secs(60),
            setup_script: Duration::from_secs(600),
            codex_exec: Duration::from_secs(90),
        }
    }
}

/// The config file's `[process_deadlines]` table, in whole seconds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesConfig {
    pub git_network_secs: Option<u64>,
    pub git_secs: Option<u64>,
    pub gh_secs: Option<u64>,
    pub setup_script_secs: Option<u64>,
    pub codex_exec_secs: Option<u64>,
}

impl Deadlines {
    /// The defaults with the config file's values on top. A zero deadline would fail every
    /// command, so it is refused with the key's name.
    pub fn from_config(config: Option<&DeadlinesConfig>) -> Result<Deadlines, String> {
        let mut deadlines = Deadlines::default();
        let Some(config) = config else {
            return Ok(deadlines);
        };
        for (key, value, slot) in [
            (
                "git_network_secs",
                config.git_network_secs,
                &mut deadlines.git_network,
            ),
            ("git_secs", config.git_secs, &mut deadlines.git),
            ("gh_secs", config.gh_secs, &mut deadlines.gh),
            (
                "setup_script_secs",
                config.setup_script_secs,
                &mut deadlines.setup_script,
            ),
            (
                "codex_exec_secs",
                config.codex_exec_secs,
                &mut deadlines.codex_exec,
            ),
        ] {
            match value {
                Some(0) => return Err(format!("process_deadlines.{key} must be at least 1")),
                Some(secs) => *slot = Duration::from_secs(secs),
                None => {}
            }
        }
        Ok(deadlines)
    }
}

static DEADLINES: OnceLock<Deadlines> = OnceLock::new();

/// Sets the process-wide deadlines from the settings; called once at the top of `serve`. Later
/// calls (a second server in one test process) keep the first value.
pub fn configure(settings: &crate::settings::Settings) {
    if DEADLINES.set(settings.process_deadlines).is_err()
        && DEADLINES.get() != Some(&settings.process_deadlines)
    {
        log::warn!("process deadlines were already set; keeping the first ones");
    }
}

/// The configured deadlines, or the defaults when `configure` was not called (unit tests).
pub fn deadlines() -> Deadlines {
    DEADLINES.get().copied().unwrap_or_default()
}

/// Limits for a command with this deadline (output bounds are the runner's defaults).
pub fn limits(deadline: Duration) -> RunLimits {
    RunLimits::new(deadline)
}

/// The git subcommands that contact a remote.
const GIT_NETWORK_COMMANDS: &[&str] = &["push", "pull", "fetch", "ls-remote", "clone"];

/// The git subcommand in `args`: the first argument that is neither an option nor the value of
/// `-c`/`-C` (git's global options that take one).
pub fn git_subcommand(args: &[OsString]) -> Option<&str> {
    let mut skip_value = false;
    for arg in args {
        let arg = arg.to_str()?;
        if skip_value {
            skip_value = false;
            continue;
        }
        if arg == "-c" || arg == "-C" {
            skip_value = true;
            continue;
        }
        if arg.starts_with('-') {
            continue;
        }
        return Some(arg);
    }
    None
}

/// The deadline for `git <args>`: the network one for commands that contact a remote.
pub fn git_deadline(args: &[OsString]) -> Duration {
    let deadlines = deadlines();
    match git_subcommand(args) {
        Some(sub) if GIT_NETWORK_COMMANDS.contains(&sub) => deadlines.git_network,
        _ => deadlines.git,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn secrets_and_the_servers_own_variables_are_scrubbed() {
        let scrub = env_scrub();
        for name in [
            "T3CODE_AUTH_TOKEN",
            "T3CODE_SESSION_SECRET",
            "T3CODE_ANYTHING",
            "T3RS_TEST_CODEX",
            "NOTIFY_SOCKET",
            "WATCHDOG_USEC",
            "WATCHDOG_PID",
            "LISTEN_FDS",
            "LISTEN_PID",
            "LISTEN_FDNAMES",
        ] {
            assert!(scrub.removes(OsStr::new(name)), "{name} is kept");
        }
        for name in ["PATH", "HOME", "GIT_SSH_COMMAND", "T3CODEX", "LISTEN"] {
            assert!(!scrub.removes(OsStr::new(name)), "{name} is removed");
        }
    }

    #[test]
    fn network_git_commands_get_the_network_deadline() {
        let d = Deadlines::default();
        assert_eq!(
            git_deadline(&args(&["push", "origin", "main"])),
            d.git_network
        );
        assert_eq!(
            git_deadline(&args(&["-c", "core.quotepath=false", "fetch", "--quiet"])),
            d.git_network
        );
        assert_eq!(git_deadline(&args(&["ls-remote", "origin"])), d.git_network);
        assert_eq!(git_deadline(&args(&["status", "--porcelain"])), d.git);
        assert_eq!(git_deadline(&args(&["-C", "push", "status"])), d.git);
    }

    #[test]
    fn the_config_table_overrides_defaults_and_refuses_zero() {
        let config = DeadlinesConfig {
            git_secs: Some(2),
            setup_script_secs: Some(3),
            ..DeadlinesConfig::default()
        };
        let d = Deadlines::from_config(Some(&config)).unwrap();
        assert_eq!(d.git, Duration::from_secs(2));
        assert_eq!(d.setup_script, Duration::from_secs(3));
        assert_eq!(d.gh, Duration::from_secs(60));
        let zero = DeadlinesConfig {
            gh_secs: Some(0),
            ..DeadlinesConfig::default()
        };
        let err = Deadlines::from_config(Some(&zero)).unwrap_err();
        assert!(err.contains("process_deadlines.gh_secs"), "{err}");
    }
}
