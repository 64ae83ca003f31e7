//! Command line, environment and config file, merged with precedence
//! flag > environment > file > default. clap reads flags and environment together (a flag wins);
//! every option is optional there so that "not given" can fall through to the file.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

pub const DEFAULT_PORT: u16 = 3773;
pub const DEFAULT_HOST: &str = "127.0.0.1";
/// Eight 10 MB images as base64 data URLs (≤ 14,000,000 chars each) plus the rest of a turn.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;
pub const DEFAULT_PUSH_QUEUE_LIMIT: u64 = 10_000;
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 10_000;
pub const DEFAULT_PUSH_QUEUE_BYTES: usize = 4 * 1024 * 1024;
pub const DEFAULT_PROVIDER_IDLE_SECS: u64 = 30 * 60;
pub const DEFAULT_TERMINAL_HISTORY_BYTES: usize = 1024 * 1024;

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
    Serve(ServeArgs),
}

impl Cli {
    pub fn serve_args(self) -> ServeArgs {
        match self.command {
            Some(Command::Serve(args)) => args,
            None => self.serve,
        }
    }
}

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
    /// Require `?token=<token>` on every WebSocket upgrade.
    #[arg(
        long,
        visible_alias = "token",
        env = "T3CODE_AUTH_TOKEN",
        hide_env_values = true
    )]
    pub auth_token: Option<String>,
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
    /// Largest accepted WebSocket message in bytes.
    #[arg(long, env = "T3CODE_MAX_MESSAGE_BYTES")]
    pub max_message_bytes: Option<usize>,
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
    pub cwd: Option<PathBuf>,
    pub no_browser: Option<bool>,
    pub allow_origins: Option<Vec<String>>,
    pub codex_bin: Option<PathBuf>,
    pub max_message_bytes: Option<usize>,
    pub push_queue_limit: Option<u64>,
    pub snapshot_every: Option<u64>,
    pub auto_bootstrap_project_from_cwd: Option<bool>,
    pub push_queue_bytes: Option<usize>,
    pub terminal_history_bytes: Option<usize>,
    pub provider_idle_secs: Option<u64>,
    pub web_dir: Option<PathBuf>,
}

/// Everything the server needs, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub state_dir: PathBuf,
    pub auth_token: Option<String>,
    pub cwd: PathBuf,
    pub no_browser: bool,
    pub allow_origins: Vec<String>,
    pub codex_bin: PathBuf,
    pub max_message_bytes: usize,
    pub push_queue_limit: u64,
    pub snapshot_every: u64,
    pub auto_bootstrap: bool,
    pub push_queue_bytes: usize,
    pub terminal_history_bytes: usize,
    pub provider_idle: std::time::Duration,
    /// Where the browser client's built files are.
    pub web_dir: PathBuf,
    /// The file the settings were read from, if any.
    pub config_file: Option<PathBuf>,
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
        "refusing to listen on {host} without an auth token: anyone on that network could drive \
         agents on this machine. Set --auth-token (or T3CODE_AUTH_TOKEN), or use --host 127.0.0.1"
    )]
    PublicWithoutToken { host: String },
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
        let auth_token = args.auth_token.or(file.auth_token);
        if auth_token.as_deref().is_some_and(|t| t.is_empty()) {
            return Err(SettingsError::EmptyToken);
        }
        if auth_token.is_none() && !is_loopback_host(&host)? {
            return Err(SettingsError::PublicWithoutToken { host });
        }
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
            cwd,
            no_browser: args.no_browser.or(file.no_browser).unwrap_or(false),
            allow_origins,
            codex_bin: args
                .codex_bin
                .or(file.codex_bin)
                .unwrap_or_else(|| PathBuf::from("codex")),
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
            auto_bootstrap: args
                .auto_bootstrap_project_from_cwd
                .or(file.auto_bootstrap_project_from_cwd)
                .unwrap_or(true),
            config_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_with_file(file: &Path) -> ServeArgs {
        ServeArgs {
            config: Some(file.to_path_buf()),
            state_dir: Some(PathBuf::from("/tmp/t3rs-test-state")),
            cwd: Some(PathBuf::from("/")),
            ..ServeArgs::default()
        }
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t3rs.toml");
        std::fs::write(
            &file,
            "port = 4000\nhost = \"127.0.0.1\"\nno_browser = true\n",
        )
        .unwrap();
        let from_file = Settings::resolve(args_with_file(&file)).unwrap();
        assert_eq!(from_file.port, 4000);
        assert!(from_file.no_browser);
        assert_eq!(from_file.max_message_bytes, DEFAULT_MAX_MESSAGE_BYTES);
        let flagged = Settings::resolve(ServeArgs {
            port: Some(5000),
            ..args_with_file(&file)
        })
        .unwrap();
        assert_eq!(flagged.port, 5000);
    }

    #[test]
    fn unknown_file_key_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t3rs.toml");
        std::fs::write(&file, "prot = 1\n").unwrap();
        let err = Settings::resolve(args_with_file(&file))
            .unwrap_err()
            .to_string();
        assert!(err.contains("prot"), "{err}");
    }

    #[test]
    fn public_host_needs_a_token() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t3rs.toml");
        std::fs::write(&file, "").unwrap();
        let err = Settings::resolve(ServeArgs {
            host: Some("0.0.0.0".into()),
            ..args_with_file(&file)
        })
        .unwrap_err();
        assert!(matches!(err, SettingsError::PublicWithoutToken { .. }));
        assert!(Settings::resolve(ServeArgs {
            host: Some("0.0.0.0".into()),
            auth_token: Some("s3cret".into()),
            ..args_with_file(&file)
        })
        .is_ok());
        assert!(is_loopback_host("localhost").unwrap());
        assert!(is_loopback_host("::1").unwrap());
    }

    #[test]
    fn documented_config_file_names_exactly_the_real_keys() {
        let doc = include_str!("../config/t3rs.toml");
        let uncommented: String = doc
            .lines()
            .filter_map(|l| l.strip_prefix('#'))
            .filter(|l| {
                l.split_once(" = ")
                    .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let parsed: FileConfig = toml::from_str(&uncommented).unwrap();
        // Every key is documented with an example value, so every field is Some.
        let debug = format!("{parsed:?}");
        assert!(!debug.contains("None"), "undocumented key in {debug}");
    }

    #[test]
    fn origins_normalise() {
        assert_eq!(
            normalize_origin("HTTP://LocalHost:5173/").as_deref(),
            Some("http://localhost:5173")
        );
        assert_eq!(
            normalize_origin("https://example.com").as_deref(),
            Some("https://example.com:443")
        );
        assert_eq!(
            normalize_origin("http://[::1]").as_deref(),
            Some("http://[::1]:80")
        );
        assert_eq!(normalize_origin("null"), None);
        assert_eq!(normalize_origin("file:///x"), None);
    }
}
