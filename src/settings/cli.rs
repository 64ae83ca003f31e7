//! The command line's shape: `t3rs` (serve), and its `pair`, `auth` and `doctor` subcommands.
//! The server's own options are [`super::ServeArgs`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::ServeArgs;

#[derive(Debug, Parser)]
#[command(
    name = "t3rs",
    version,
    about = "Drive coding agents (codex) in your projects from the browser.",
    long_about = "t3rs serves the T3 Code WebSocket protocol and its own web client.\n\
                  Running `t3rs` with no subcommand is the same as `t3rs serve`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server (the default).
    Serve(Box<ServeArgs>),
    /// Print a one-time pairing link (and a QR code) that signs one more browser or device in
    /// to the running server.
    Pair(PairArgs),
    /// List or revoke the signed-in browsers and devices of the running server.
    Auth(AuthArgs),
    /// Check the state directory, the store, codex, git and gh; exit 0 when healthy, else 1
    /// with the reasons. `--rebuild-from-snapshot` starts a new log from the newest valid
    /// snapshot when the log is missing.
    Doctor(DoctorArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub control: ControlArgs,
    /// The codex CLI to check. [default: `codex` on PATH]
    #[arg(long, env = "T3CODE_CODEX_BIN")]
    pub codex_bin: Option<PathBuf>,
    /// When the event log is empty or missing but snapshots remain, start a new log at the
    /// newest snapshot whose checksum holds (refused while a server holds the state directory).
    #[arg(long)]
    pub rebuild_from_snapshot: bool,
    /// The server's `disk_reserve_bytes`: with less free, its store is read-only.
    /// [default: 67108864]
    #[arg(long, env = "T3CODE_DISK_RESERVE_BYTES")]
    pub disk_reserve_bytes: Option<u64>,
}

/// Where the running server is: its state directory (the control socket lives there).
#[derive(Debug, Clone, Default, Args)]
pub struct ControlArgs {
    /// The running server's state directory.
    /// [default: $XDG_STATE_HOME/t3rs, else ~/.local/state/t3rs]
    #[arg(long, env = "T3CODE_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
    /// Config file whose `state_dir` to use. [default: $XDG_CONFIG_HOME/t3rs/t3rs.toml]
    #[arg(long, env = "T3CODE_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct PairArgs {
    /// A name for the device, shown by `t3rs auth list`.
    #[arg(long)]
    pub label: Option<String>,
    /// The paired device may manage access too (pair others, revoke sessions).
    #[arg(long)]
    pub owner: bool,
    #[command(flatten)]
    pub control: ControlArgs,
}

#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: AuthCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuthCommand {
    /// The signed-in sessions and the pairing links not used yet.
    List(ControlArgs),
    /// Sign a session out (its open sockets close with 4001), or every session with --others.
    Revoke {
        /// The session id, as `t3rs auth list` prints it.
        #[arg(required_unless_present = "others", conflicts_with = "others")]
        id: Option<String>,
        /// Every session (the command line has none of its own to keep).
        #[arg(long)]
        others: bool,
        #[command(flatten)]
        control: ControlArgs,
    },
}

impl Cli {
    pub fn serve_args(self) -> ServeArgs {
        match self.command {
            Some(Command::Serve(args)) => *args,
            _ => self.serve,
        }
    }
}
