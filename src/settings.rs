//! Command line, environment and config file, merged with precedence
//! flag > environment > file > default. clap reads flags and environment together (a flag wins);
//! every option is optional there so that "not given" can fall through to the file.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

pub const DEFAULT_PORT: u16 = 3773;
pub const DEFAULT_HOST: &str = "127.0.0.1";
/// Eight 10 MB images as base64 data URLs (≤ 14,000,000 chars each) plus the rest of a turn.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;
pub const DEFAULT_MAX_REQUESTS_IN_FLIGHT: usize = 256;
/// Bytes per continuation frame of a streamed `orchestration.getSnapshot`.
pub const DEFAULT_SNAPSHOT_FRAME_BYTES: usize = 64 * 1024;
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
pub const DEFAULT_PUSH_QUEUE_LIMIT: u64 = 10_000;
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 10_000;
/// The store's page cache, where the threads' recently read history stays (`store::Store`).
pub const DEFAULT_HISTORY_CACHE_BYTES: u64 = 8 * 1024 * 1024;
pub const DEFAULT_PUSH_QUEUE_BYTES: usize = 4 * 1024 * 1024;
pub const DEFAULT_PROVIDER_IDLE_SECS: u64 = 30 * 60;
pub const DEFAULT_TERMINAL_HISTORY_BYTES: usize = 1024 * 1024;
/// Failed authentication attempts allowed per remote address per minute.
pub const DEFAULT_AUTH_RATE_LIMIT: u32 = 20;

mod cli;
pub use cli::{AuthArgs, AuthCommand, Cli, Command, ControlArgs, DoctorArgs, PairArgs};

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on. Non-loopback addresses require an auth token.
    #[arg(long, env = "T3CODE_HOST")]
    pub host: Option<String>,
    /// Port to listen on (0 picks a free one; the chosen port is printed).
    #[arg(long, env = "T3CODE_PORT")]
    pub port: Option<u16>,
    /// Where the event store, keybindings and lock file live.
    /// [default: $XDG_STATE_HOME/t3rs, else ~/.local/state/t3rs]
    #[arg(long, env = "T3CODE_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
    /// A static token that admits `?token=<token>` (T3 Code v0.0.4 clients), beside paired
    /// sessions. Other local users can read a flag's value in the process list: prefer
    /// --auth-token-file or the environment.
    #[arg(
        long,
        visible_alias = "token",
        env = "T3CODE_AUTH_TOKEN",
        hide_env_values = true
    )]
    pub auth_token: Option<String>,
    /// Read the static token from this file (first line), out of sight of the process list.
    #[arg(long, env = "T3CODE_AUTH_TOKEN_FILE")]
    pub auth_token_file: Option<PathBuf>,
    /// Turn authentication off: any local program, and any page your browser opens that gets
    /// past the Host and Origin checks, may drive agents. Loopback binds only.
    #[arg(long, env = "T3CODE_NO_AUTH", num_args = 0..=1, default_missing_value = "true")]
    pub no_auth: Option<bool>,
    /// A Host name the server answers to besides loopback and --host (repeatable), e.g. a
    /// reverse proxy's name: NAME admits any port or none, NAME:PORT only that port.
    #[arg(
        long = "allowed-host",
        env = "T3CODE_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// Failed authentication attempts allowed per remote address per minute (then 429).
    #[arg(long, env = "T3CODE_AUTH_RATE_LIMIT")]
    pub auth_rate_limit: Option<u32>,
    /// The project directory announced to clients. [default: the current directory]
    #[arg(long, env = "T3CODE_CWD")]
    pub cwd: Option<PathBuf>,
    /// Do not open a browser at start.
    #[arg(long, env = "T3CODE_NO_BROWSER", num_args = 0..=1, default_missing_value = "true")]
    pub no_browser: Option<bool>,
    /// Config file (TOML). [default: $XDG_CONFIG_HOME/t3rs/t3rs.toml when it exists]
    #[arg(long, env = "T3CODE_CONFIG")]
    pub config: Option<PathBuf>,
    /// A browser origin allowed to open WebSockets besides the server's own (repeatable),
    /// e.g. http://localhost:5173.
    #[arg(
        long = "allow-origin",
        env = "T3CODE_ALLOW_ORIGINS",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,
    /// The codex CLI to run. [default: `codex` on PATH]
    #[arg(long, env = "T3CODE_CODEX_BIN")]
    pub codex_bin: Option<PathBuf>,
    /// The Claude Code CLI to run; wins over `providers.claudeAgent.binaryPath` in the
    /// settings. [default: the settings' binaryPath, `claude`]
    #[arg(long, env = "T3CODE_CLAUDE_BIN")]
    pub claude_bin: Option<PathBuf>,
    /// Largest accepted WebSocket message in bytes.
    #[arg(long, env = "T3CODE_MAX_MESSAGE_BYTES")]
    pub max_message_bytes: Option<usize>,
    /// Requests one connection may have awaiting their replies; past it a request gets an
    /// error reply naming the limit. [default: 256]
    #[arg(long, env = "T3CODE_MAX_REQUESTS_IN_FLIGHT")]
    pub max_requests_in_flight: Option<usize>,
    /// Bytes per WebSocket frame of `orchestration.getSnapshot`'s reply, which is sent as one
    /// message in continuation frames as it is encoded (at least 64). [default: 65536]
    #[arg(long, env = "T3CODE_SNAPSHOT_FRAME_BYTES")]
    pub snapshot_frame_bytes: Option<usize>,
    /// WebSocket connections open at once; past it an upgrade gets HTTP 503. [default: 512]
    #[arg(long, env = "T3CODE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Bytes kept free on the state directory's filesystem: with less, the store is read-only
    /// until space is back. [default: 67108864]
    #[arg(long, env = "T3CODE_DISK_RESERVE_BYTES")]
    pub disk_reserve_bytes: Option<u64>,
    /// Pushes a connection may have outstanding before it is disconnected as too slow.
    #[arg(long, env = "T3CODE_PUSH_QUEUE_LIMIT")]
    pub push_queue_limit: Option<u64>,
    /// Bytes of pushes a connection may have outstanding before it is disconnected as too slow.
    #[arg(long, env = "T3CODE_PUSH_QUEUE_BYTES")]
    pub push_queue_bytes: Option<usize>,
    /// Bytes of scrollback kept (and persisted) per terminal.
    #[arg(long, env = "T3CODE_TERMINAL_HISTORY_BYTES")]
    pub terminal_history_bytes: Option<usize>,
    /// Seconds a thread's codex process may sit idle before it is stopped (the next turn
    /// resumes the same conversation).
    #[arg(long, env = "T3CODE_PROVIDER_IDLE_SECS")]
    pub provider_idle_secs: Option<u64>,
    /// The built browser client (index.html and assets/) served at `/`.
    #[arg(long, env = "T3CODE_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Snapshot the read model every N events (start-up replays at most N events).
    #[arg(long, env = "T3CODE_SNAPSHOT_EVERY")]
    pub snapshot_every: Option<u64>,
    /// Bytes of the store's cache, where recently read thread history stays.
    #[arg(long, env = "T3CODE_HISTORY_CACHE_BYTES")]
    pub history_cache_bytes: Option<u64>,
    /// Make sure a project for --cwd and a thread in it exist at start, and name them in the
    /// welcome. [default: true]
    #[arg(long, env = "T3CODE_AUTO_BOOTSTRAP_PROJECT_FROM_CWD", num_args = 0..=1, default_missing_value = "true")]
    pub auto_bootstrap_project_from_cwd: Option<bool>,
}

/// The config file's keys; see `config/t3rs.toml` for each one documented.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct FileConfig {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub state_dir: Option<PathBuf>,
    pub auth_token: Option<String>,
    pub auth_token_file: Option<PathBuf>,
    pub no_auth: Option<bool>,
    pub allowed_hosts: Option<Vec<String>>,
    pub auth_rate_limit: Option<u32>,
    pub cwd: Option<PathBuf>,
    pub no_browser: Option<bool>,
    pub allow_origins: Option<Vec<String>>,
    pub codex_bin: Option<PathBuf>,
    pub max_message_bytes: Option<usize>,
    pub push_queue_limit: Option<u64>,
    pub snapshot_every: Option<u64>,
    pub history_cache_bytes: Option<u64>,
    pub auto_bootstrap_project_from_cwd: Option<bool>,
    pub push_queue_bytes: Option<usize>,
    pub terminal_history_bytes: Option<usize>,
    pub provider_idle_secs: Option<u64>,
    pub web_dir: Option<PathBuf>,
    pub max_requests_in_flight: Option<usize>,
    pub snapshot_frame_bytes: Option<usize>,
    pub max_connections: Option<usize>,
    pub disk_reserve_bytes: Option<u64>,

    // ── Process deadlines (the `[process_deadlines]` table; keep tables last) ──
    pub process_deadlines: Option<crate::spawn::DeadlinesConfig>,
}

/// Everything the server needs, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub state_dir: PathBuf,
    pub auth_token: Option<String>,
    /// Authentication off (loopback only).
    pub no_auth: bool,
    /// `--allowed-host` entries, parsed.
    pub allowed_hosts: Vec<crate::auth::hosts::AllowedHost>,
    pub auth_rate_limit: u32,
    pub cwd: PathBuf,
    pub no_browser: bool,
    pub allow_origins: Vec<String>,
    pub codex_bin: PathBuf,
    /// Whether `codex_bin` was given (flag, environment or file): it then wins over the
    /// settings' `providers.codex.binaryPath`.
    pub codex_bin_set: bool,
    /// `--claude-bin`: wins over the settings' `providers.claudeAgent.binaryPath`.
    pub claude_bin: Option<PathBuf>,
    pub max_message_bytes: usize,
    pub push_queue_limit: u64,
    pub snapshot_every: u64,
    pub history_cache_bytes: u64,
    pub auto_bootstrap: bool,
    pub push_queue_bytes: usize,
    pub terminal_history_bytes: usize,
    pub provider_idle: std::time::Duration,
    /// Where the browser client's built files are.
    pub web_dir: PathBuf,
    /// The file the settings were read from, if any.
    pub config_file: Option<PathBuf>,
    /// Requests one connection may have awaiting their replies.
    pub max_requests_in_flight: usize,
    /// Bytes per continuation frame of a streamed `getSnapshot`.
    pub snapshot_frame_bytes: usize,
    /// WebSocket connections open at once.
    pub max_connections: usize,
    /// Bytes kept free on the state directory's filesystem (see `store::space`).
    pub disk_reserve_bytes: u64,

    // ── Process deadlines ──
    /// How long git, gh, setup scripts and `codex exec` may run (config file only).
    pub process_deadlines: crate::spawn::Deadlines,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read config file {path}: {source}")]
    ReadConfig {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is invalid: {message}")]
    ParseConfig { path: PathBuf, message: String },
    #[error("cannot determine the state directory: set --state-dir, T3CODE_STATE_DIR, XDG_STATE_HOME or HOME")]
    NoStateDir,
    #[error("cannot determine the current directory: {0}")]
    NoCwd(std::io::Error),
    #[error("cwd {path} is not a directory")]
    CwdNotDir { path: PathBuf },
    #[error(
        "refusing --no-auth on {host}: anyone who can reach that address could drive agents on \
         this machine. Drop --no-auth (browsers pair with `t3rs pair`), or use --host 127.0.0.1"
    )]
    PublicWithoutAuth { host: String },
    #[error("cannot read the auth token file {path}: {message}")]
    TokenFile { path: PathBuf, message: String },
    #[error(
        "--no-auth and an auth token are both set (flag, T3CODE_AUTH_TOKEN or the config file); \
         drop one"
    )]
    NoAuthWithToken,
    #[error("--auth-token and --auth-token-file both given; use one")]
    TwoTokens,
    #[error("allowed-host '{0}' is not a host name like name or name:port")]
    BadAllowedHost(String),
    #[error("--host {host} does not resolve: {message}")]
    BadHost { host: String, message: String },
    #[error("auth token must not be empty")]
    EmptyToken,
    #[error("max_message_bytes must be at least 1024, got {0}")]
    TinyMessages(usize),
    #[error("allow-origin '{0}' is not an origin like http://host:port")]
    BadOrigin(String),
}

fn default_config_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let path = base.join("t3rs").join("t3rs.toml");
    path.is_file().then_some(path)
}

/// The first line of a token file; the file must not be readable by other users.
fn read_token_file(path: &Path) -> Result<String, SettingsError> {
    use std::os::unix::fs::PermissionsExt;
    let fail = |message: String| SettingsError::TokenFile {
        path: path.to_path_buf(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(fail(format!(
            "it is readable by other users (mode {:o}); chmod 600 it",
            meta.permissions().mode() & 0o777
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    Ok(text.lines().next().unwrap_or_default().trim().to_string())
}

/// The state directory a command line names, else the config file's, else the default; for
/// the commands that talk to a running server.
pub fn control_state_dir(args: &ControlArgs) -> Result<PathBuf, SettingsError> {
    if let Some(dir) = &args.state_dir {
        return Ok(dir.clone());
    }
    let config = args.config.clone().or_else(default_config_file);
    if let Some(path) = config {
        if let Some(dir) = read_file_config(&path)?.state_dir {
            return Ok(dir);
        }
    }
    default_state_dir()
}

fn default_state_dir() -> Result<PathBuf, SettingsError> {
    if let Some(xdg) = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from) {
        if xdg.is_absolute() {
            return Ok(xdg.join("t3rs"));
        }
    }
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".local").join("state").join("t3rs"))
        .ok_or(SettingsError::NoStateDir)
}

fn read_file_config(path: &Path) -> Result<FileConfig, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::ReadConfig {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| SettingsError::ParseConfig {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// `make install` puts the client in `<prefix>/share/t3rs/web` beside `<prefix>/bin`; a binary
/// run from the source tree uses `web/dist`, where `make run` builds it.
fn default_web_dir() -> PathBuf {
    let installed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|p| p.join("share/t3rs/web")))
        .filter(|dir| dir.join("index.html").is_file());
    installed.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/web/dist")))
}

/// Normalises an origin to `scheme://host:port` (lowercase, default port filled in).
pub fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().to_ascii_lowercase();
    let (scheme, rest) = origin.split_once("://")?;
    let default_port = match scheme {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        _ => return None,
    };
    let authority = rest.split('/').next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let has_port = match authority.rfind(':') {
        Some(i) => !authority[i..].contains(']'),
        None => false,
    };
    let scheme = if default_port == 443 { "https" } else { "http" };
    Some(if has_port {
        format!("{scheme}://{authority}")
    } else {
        format!("{scheme}://{authority}:{default_port}")
    })
}

/// True when every address `host` names is a loopback address.
pub fn is_loopback_host(host: &str) -> Result<bool, SettingsError> {
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(ip.is_loopback());
    }
    let addrs: Vec<SocketAddr> = (host, 0)
        .to_socket_addrs()
        .map_err(|e| SettingsError::BadHost {
            host: host.to_string(),
            message: e.to_string(),
        })?
        .collect();
    Ok(!addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback()))
}

impl Settings {
    /// Merges flags/env (already combined by clap) over the config file over defaults.
    pub fn resolve(args: ServeArgs) -> Result<Settings, SettingsError> {
        let config_file = args.config.clone().or_else(default_config_file);
        let file = match &config_file {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let host = args
            .host
            .or(file.host)
            .unwrap_or_else(|| DEFAULT_HOST.to_string());
        let token_file = args.auth_token_file.or(file.auth_token_file);
        let auth_token = match (args.auth_token.or(file.auth_token), token_file) {
            (Some(_), Some(_)) => return Err(SettingsError::TwoTokens),
            (token, None) => token,
            (None, Some(path)) => Some(read_token_file(&path)?),
        };
        if auth_token.as_deref().is_some_and(|t| t.is_empty()) {
            return Err(SettingsError::EmptyToken);
        }
        let no_auth = args.no_auth.or(file.no_auth).unwrap_or(false);
        if no_auth && auth_token.is_some() {
            return Err(SettingsError::NoAuthWithToken);
        }
        if no_auth && !is_loopback_host(&host)? {
            return Err(SettingsError::PublicWithoutAuth { host });
        }
        let allowed_hosts = if args.allowed_hosts.is_empty() {
            file.allowed_hosts.unwrap_or_default()
        } else {
            args.allowed_hosts
        };
        let allowed_hosts = allowed_hosts
            .into_iter()
            .map(|h| {
                crate::auth::hosts::AllowedHost::parse(&h).ok_or(SettingsError::BadAllowedHost(h))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let state_dir = match args.state_dir.or(file.state_dir) {
            Some(dir) => dir,
            None => default_state_dir()?,
        };
        let cwd = match args.cwd.or(file.cwd) {
            Some(dir) => dir,
            None => std::env::current_dir().map_err(SettingsError::NoCwd)?,
        };
        let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
        if !cwd.is_dir() {
            return Err(SettingsError::CwdNotDir { path: cwd });
        }
        let max_message_bytes = args
            .max_message_bytes
            .or(file.max_message_bytes)
            .unwrap_or(DEFAULT_MAX_MESSAGE_BYTES);
        if max_message_bytes < 1024 {
            return Err(SettingsError::TinyMessages(max_message_bytes));
        }
        let origins = if args.allow_origins.is_empty() {
            file.allow_origins.unwrap_or_default()
        } else {
            args.allow_origins
        };
        let allow_origins = origins
            .into_iter()
            .map(|o| normalize_origin(&o).ok_or(SettingsError::BadOrigin(o)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Settings {
            host,
            port: args.port.or(file.port).unwrap_or(DEFAULT_PORT),
            state_dir,
            auth_token,
            no_auth,
            allowed_hosts,
            auth_rate_limit: args
                .auth_rate_limit
                .or(file.auth_rate_limit)
                .unwrap_or(DEFAULT_AUTH_RATE_LIMIT)
                .max(1),
            cwd,
            no_browser: args.no_browser.or(file.no_browser).unwrap_or(false),
            allow_origins,
            codex_bin_set: args.codex_bin.is_some() || file.codex_bin.is_some(),
            codex_bin: args
                .codex_bin
                .or(file.codex_bin)
                .unwrap_or_else(|| PathBuf::from("codex")),
            claude_bin: args.claude_bin,
            max_message_bytes,
            push_queue_limit: args
                .push_queue_limit
                .or(file.push_queue_limit)
                .unwrap_or(DEFAULT_PUSH_QUEUE_LIMIT)
                .max(1),
            snapshot_every: args
                .snapshot_every
                .or(file.snapshot_every)
                .unwrap_or(DEFAULT_SNAPSHOT_EVERY)
                .max(1),
            history_cache_bytes: args
                .history_cache_bytes
                .or(file.history_cache_bytes)
                .unwrap_or(DEFAULT_HISTORY_CACHE_BYTES)
                .max(1024 * 1024),
            push_queue_bytes: args
                .push_queue_bytes
                .or(file.push_queue_bytes)
                .unwrap_or(DEFAULT_PUSH_QUEUE_BYTES)
                .max(64 * 1024),
            terminal_history_bytes: args
                .terminal_history_bytes
                .or(file.terminal_history_bytes)
                .unwrap_or(DEFAULT_TERMINAL_HISTORY_BYTES)
                .max(1024),
            web_dir: args
                .web_dir
                .or(file.web_dir)
                .unwrap_or_else(default_web_dir),
            provider_idle: std::time::Duration::from_secs(
                args.provider_idle_secs
                    .or(file.provider_idle_secs)
                    .unwrap_or(DEFAULT_PROVIDER_IDLE_SECS)
                    .max(1),
            ),
            max_requests_in_flight: args
                .max_requests_in_flight
                .or(file.max_requests_in_flight)
                .unwrap_or(DEFAULT_MAX_REQUESTS_IN_FLIGHT)
                .max(1),
            snapshot_frame_bytes: args
                .snapshot_frame_bytes
                .or(file.snapshot_frame_bytes)
                .unwrap_or(DEFAULT_SNAPSHOT_FRAME_BYTES)
                .max(crate::server::MIN_SNAPSHOT_FRAME_BYTES),
            max_connections: args
                .max_connections
                .or(file.max_connections)
                .unwrap_or(DEFAULT_MAX_CONNECTIONS)
                .max(1),
            disk_reserve_bytes: args
                .disk_reserve_bytes
                .or(file.disk_reserve_bytes)
                .unwrap_or(crate::store::space::DEFAULT_RESERVE_BYTES),
            auto_bootstrap: args
                .auto_bootstrap_project_from_cwd
                .or(file.auto_bootstrap_project_from_cwd)
                .unwrap_or(true),
            process_deadlines: crate::spawn::Deadlines::from_config(
                file.process_deadlines.as_ref(),
            )
            .map_err(|message| SettingsError::ParseConfig {
                path: config_file.clone().unwrap_or_default(),
                message,
            })?,
            config_file,
        })
    }
}

#[cfg(test)]
mod tests;
