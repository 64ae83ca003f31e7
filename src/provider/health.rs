//! Startup health check for the codex CLI: is it installed, new enough, and logged in.
//!
//! Output classification lives in pure functions so it can be tested without a codex binary;
//! [`check_codex`] only runs the two probes and feeds their outcomes through them.

use std::cmp::Ordering;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::Value;
use t3rs_actors::process_runner::RunError;

use crate::protocol::provider_status::{
    AuthStatus, ProviderKind, ProviderState, ServerProviderStatus,
};

pub const MINIMUM_CODEX_CLI_VERSION: &str = "0.37.0";

const NOT_AUTHENTICATED_MESSAGE: &str =
    "Codex CLI is not authenticated. Run `codex login` and try again.";
const TIMED_OUT_DETAIL: &str = "Timed out while running command.";

// ── Version parsing ─────────────────────────────────────────────────

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_boundary(bytes: &[u8], at: usize) -> bool {
    let before = at > 0 && is_word_byte(bytes[at - 1]);
    let after = at < bytes.len() && is_word_byte(bytes[at]);
    before != after
}

fn digit_run_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    end
}

/// Emulates the reference's `\bv?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?)\b` at one start
/// position, including its backtracking, and returns the byte range of the captured group.
fn match_version_at(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    if !is_boundary(bytes, start) {
        return None;
    }
    let mut pos = start;
    if bytes.get(pos) == Some(&b'v') {
        pos += 1;
    }
    let group_start = pos;
    // Digit runs are always taken whole: a shorter run would leave a digit next, which can
    // neither continue the pattern nor sit on a word boundary.
    let major_end = digit_run_end(bytes, pos);
    if major_end == pos || bytes.get(major_end) != Some(&b'.') {
        return None;
    }
    let minor_end = digit_run_end(bytes, major_end + 1);
    if minor_end == major_end + 1 {
        return None;
    }
    let mut core_ends = Vec::with_capacity(2);
    if bytes.get(minor_end) == Some(&b'.') {
        let patch_end = digit_run_end(bytes, minor_end + 1);
        if patch_end > minor_end + 1 {
            core_ends.push(patch_end);
        }
    }
    core_ends.push(minor_end);

    for core_end in core_ends {
        if bytes.get(core_end) == Some(&b'-') {
            let mut pre_end = core_end + 1;
            while pre_end < bytes.len()
                && (bytes[pre_end].is_ascii_alphanumeric()
                    || bytes[pre_end] == b'.'
                    || bytes[pre_end] == b'-')
            {
                pre_end += 1;
            }
            // Greedy with backtracking: the longest prerelease that ends on a boundary wins.
            let mut end = pre_end;
            while end > core_end + 1 {
                if is_boundary(bytes, end) {
                    return Some((group_start, end));
                }
                end -= 1;
            }
        }
        if is_boundary(bytes, core_end) {
            return Some((group_start, core_end));
        }
    }
    None
}

fn find_version_token(output: &str) -> Option<&str> {
    let bytes = output.as_bytes();
    (0..=bytes.len())
        .find_map(|start| match_version_at(bytes, start))
        // Every byte in the match is ASCII, so the range sits on char boundaries.
        .and_then(|(start, end)| output.get(start..end))
}

/// Splits at the first '-' and keeps only the text up to a second '-', mirroring the
/// reference's `split("-", 2)`, which silently drops anything after another hyphen.
fn split_prerelease(version: &str) -> (&str, Option<&str>) {
    let mut parts = version.split('-');
    let main = parts.next().unwrap_or("");
    let prerelease = parts.next();
    (main, prerelease)
}

fn normalize_version(version: &str) -> String {
    let (main, prerelease) = split_prerelease(version.trim());
    let mut segments: Vec<&str> = main
        .split('.')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if segments.len() == 2 {
        segments.push("0");
    }
    let joined = segments.join(".");
    match prerelease {
        Some(pre) if !pre.is_empty() => format!("{joined}-{pre}"),
        _ => joined,
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Semver {
    major: i64,
    minor: i64,
    patch: i64,
    prerelease: Vec<String>,
}

/// `Number.parseInt` semantics: an optional sign and leading digits, ignoring any tail.
fn parse_int_prefix(segment: &str) -> Option<i64> {
    let (negative, rest) = match segment.as_bytes().first() {
        Some(b'-') => (true, &segment[1..]),
        Some(b'+') => (false, &segment[1..]),
        _ => (false, segment),
    };
    let digits_end = digit_run_end(rest.as_bytes(), 0);
    let value: i64 = rest[..digits_end].parse().ok()?;
    Some(if negative { -value } else { value })
}

fn parse_semver(version: &str) -> Option<Semver> {
    let normalized = normalize_version(version);
    let (main, prerelease) = split_prerelease(&normalized);
    let segments: Vec<&str> = main.split('.').collect();
    let [major, minor, patch] = segments.as_slice() else {
        return None;
    };
    Some(Semver {
        major: parse_int_prefix(major)?,
        minor: parse_int_prefix(minor)?,
        patch: parse_int_prefix(patch)?,
        prerelease: prerelease
            .map(|pre| {
                pre.split('.')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Stand-in for JavaScript's `localeCompare`: case-insensitive first, with lowercase
/// ordered before uppercase on ties, which is how the default collation orders ASCII words.
fn locale_compare(left: &str, right: &str) -> Ordering {
    left.to_ascii_lowercase()
        .cmp(&right.to_ascii_lowercase())
        .then_with(|| {
            for (l, r) in left.bytes().zip(right.bytes()) {
                if l != r {
                    // Swapping the operands puts lowercase (larger byte) first.
                    return r.cmp(&l);
                }
            }
            Ordering::Equal
        })
}

fn is_numeric_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn compare_numeric_strings(left: &str, right: &str) -> Ordering {
    // Compared as digit strings so arbitrarily long identifiers cannot overflow.
    let l = left.trim_start_matches('0');
    let r = right.trim_start_matches('0');
    l.len().cmp(&r.len()).then_with(|| l.cmp(r))
}

fn compare_prerelease_identifier(left: &str, right: &str) -> Ordering {
    match (is_numeric_identifier(left), is_numeric_identifier(right)) {
        (true, true) => compare_numeric_strings(left, right),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => locale_compare(left, right),
    }
}

/// Semver ordering as the reference implements it; unparseable input falls back to a
/// string comparison rather than failing.
pub fn compare_codex_versions(left: &str, right: &str) -> Ordering {
    let (Some(l), Some(r)) = (parse_semver(left), parse_semver(right)) else {
        return locale_compare(left, right);
    };
    let core = l
        .major
        .cmp(&r.major)
        .then(l.minor.cmp(&r.minor))
        .then(l.patch.cmp(&r.patch));
    if core != Ordering::Equal {
        return core;
    }
    match (l.prerelease.is_empty(), r.prerelease.is_empty()) {
        (true, true) => return Ordering::Equal,
        // A release outranks any of its prereleases.
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    for (li, ri) in l.prerelease.iter().zip(r.prerelease.iter()) {
        let ord = compare_prerelease_identifier(li, ri);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    l.prerelease.len().cmp(&r.prerelease.len())
}

/// Finds the first version-looking token in `codex --version` output and normalises a
/// two-part version (`0.37`) to three parts (`0.37.0`).
pub fn parse_codex_version(output: &str) -> Option<String> {
    let token = find_version_token(output)?;
    parse_semver(token)?;
    Some(normalize_version(token))
}

pub fn is_supported(version: &str) -> bool {
    compare_codex_versions(version, MINIMUM_CODEX_CLI_VERSION) != Ordering::Less
}

pub fn upgrade_message(version: Option<&str>) -> String {
    let label = match version {
        Some(v) => format!("v{v}"),
        None => "the installed version".to_string(),
    };
    format!(
        "Codex CLI {label} is too old for t3rs. Upgrade to v{MINIMUM_CODEX_CLI_VERSION} or newer and restart t3rs."
    )
}

// ── Probe outcomes and their classification ─────────────────────────

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    /// `None` when the process was ended by a signal.
    pub code: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeOutcome {
    Completed(CommandOutput),
    NotFound,
    SpawnFailed(String),
    TimedOut,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthClassification {
    pub status: ProviderState,
    pub auth_status: AuthStatus,
    pub message: Option<String>,
}

impl AuthClassification {
    fn new(status: ProviderState, auth_status: AuthStatus, message: Option<&str>) -> Self {
        Self {
            status,
            auth_status,
            message: message.map(String::from),
        }
    }
}

fn non_empty_trimmed(value: &str) -> Option<&str> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then_some(trimmed)
}

fn detail_from_output(output: &CommandOutput) -> Option<String> {
    if let Some(stderr) = non_empty_trimmed(&output.stderr) {
        return Some(stderr.to_string());
    }
    if let Some(stdout) = non_empty_trimmed(&output.stdout) {
        return Some(stdout.to_string());
    }
    match output.code {
        Some(0) => None,
        Some(code) => Some(format!("Command exited with code {code}.")),
        None => Some("Command was terminated by a signal.".to_string()),
    }
}

fn extract_auth_boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Array(entries) => entries.iter().find_map(extract_auth_boolean),
        Value::Object(record) => {
            let direct = ["authenticated", "isAuthenticated", "loggedIn", "isLoggedIn"]
                .iter()
                .find_map(|key| record.get(*key).and_then(Value::as_bool));
            direct.or_else(|| {
                ["auth", "status", "session", "account"]
                    .iter()
                    .find_map(|key| record.get(*key).and_then(extract_auth_boolean))
            })
        }
        _ => None,
    }
}

/// Classifies `codex login status` output. Text markers are checked before JSON so that an
/// old CLI's "unknown command" error is never mistaken for a login failure.
pub fn parse_auth_status(output: &CommandOutput) -> AuthClassification {
    let lower = format!("{}\n{}", output.stdout, output.stderr).to_lowercase();
    let contains_any = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));

    if contains_any(&[
        "unknown command",
        "unrecognized command",
        "unexpected argument",
    ]) {
        return AuthClassification::new(
            ProviderState::Warning,
            AuthStatus::Unknown,
            Some("Codex CLI authentication status command is unavailable in this Codex version."),
        );
    }
    if contains_any(&[
        "not logged in",
        "login required",
        "authentication required",
        "run `codex login`",
        "run codex login",
    ]) {
        return AuthClassification::new(
            ProviderState::Error,
            AuthStatus::Unauthenticated,
            Some(NOT_AUTHENTICATED_MESSAGE),
        );
    }

    let trimmed = output.stdout.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // Invalid JSON is treated like plain text, as the reference does.
        if let Ok(json) = serde_json::from_str::<Value>(trimmed) {
            return match extract_auth_boolean(&json) {
                Some(true) => {
                    AuthClassification::new(ProviderState::Ready, AuthStatus::Authenticated, None)
                }
                Some(false) => AuthClassification::new(
                    ProviderState::Error,
                    AuthStatus::Unauthenticated,
                    Some(NOT_AUTHENTICATED_MESSAGE),
                ),
                None => AuthClassification::new(
                    ProviderState::Warning,
                    AuthStatus::Unknown,
                    Some("Could not verify Codex authentication status from JSON output (missing auth marker)."),
                ),
            };
        }
    }

    if output.code == Some(0) {
        return AuthClassification::new(ProviderState::Ready, AuthStatus::Authenticated, None);
    }
    let message = match detail_from_output(output) {
        Some(detail) => format!("Could not verify Codex authentication status. {detail}"),
        None => "Could not verify Codex authentication status.".to_string(),
    };
    AuthClassification {
        status: ProviderState::Warning,
        auth_status: AuthStatus::Unknown,
        message: Some(message),
    }
}

/// Result of the `--version` probe: `Ok(version)` when the CLI ran and is new enough (the
/// version is `None` if the output held none, which the reference also lets through), or
/// `Err((message, version))` when the provider must be reported unavailable.
pub fn classify_version_probe(
    bin_display: &str,
    outcome: &ProbeOutcome,
) -> Result<Option<String>, (String, Option<String>)> {
    let output = match outcome {
        ProbeOutcome::NotFound => {
            return Err((
                format!("Codex CLI (`{bin_display}`) is not installed or not on PATH."),
                None,
            ))
        }
        ProbeOutcome::SpawnFailed(err) => {
            return Err((
                format!("Failed to execute Codex CLI health check: {err}."),
                None,
            ))
        }
        ProbeOutcome::TimedOut => {
            return Err((
                format!("Codex CLI is installed but failed to run. {TIMED_OUT_DETAIL}"),
                None,
            ))
        }
        ProbeOutcome::Completed(output) => output,
    };
    if output.code != Some(0) {
        let message = match detail_from_output(output) {
            Some(detail) => format!("Codex CLI is installed but failed to run. {detail}"),
            None => "Codex CLI is installed but failed to run.".to_string(),
        };
        return Err((message, None));
    }
    let version = parse_codex_version(&format!("{}\n{}", output.stdout, output.stderr));
    match version {
        Some(v) if !is_supported(&v) => Err((upgrade_message(Some(&v)), Some(v))),
        other => Ok(other),
    }
}

pub fn classify_auth_probe(outcome: &ProbeOutcome) -> AuthClassification {
    let unknown = |message: String| AuthClassification {
        status: ProviderState::Warning,
        auth_status: AuthStatus::Unknown,
        message: Some(message),
    };
    match outcome {
        ProbeOutcome::Completed(output) => parse_auth_status(output),
        ProbeOutcome::NotFound => {
            unknown("Could not verify Codex authentication status: command not found.".to_string())
        }
        ProbeOutcome::SpawnFailed(err) => unknown(format!(
            "Could not verify Codex authentication status: {err}."
        )),
        ProbeOutcome::TimedOut => unknown(format!(
            "Could not verify Codex authentication status. {TIMED_OUT_DETAIL}"
        )),
    }
}

// ── Process execution ───────────────────────────────────────────────

/// Runs one probe through the process runner (scrubbed environment, own process group, the
/// whole group killed at the deadline) on a blocking thread.
pub(crate) async fn run_probe(bin: &OsStr, args: &[&str], timeout: Duration) -> ProbeOutcome {
    let command = crate::spawn::command(bin).args(args.iter().copied());
    let limits = crate::spawn::limits(timeout);
    let result = match tokio::task::spawn_blocking(move || command.run(&limits)).await {
        Ok(result) => result,
        Err(err) => return ProbeOutcome::SpawnFailed(format!("the probe thread failed: {err}")),
    };
    match result {
        Err(RunError::TimedOut { .. }) => ProbeOutcome::TimedOut,
        Err(RunError::NotFound { .. }) => ProbeOutcome::NotFound,
        Err(err) => ProbeOutcome::SpawnFailed(err.to_string()),
        Ok(output) => ProbeOutcome::Completed(CommandOutput {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code(),
        }),
    }
}

/// Runs `<bin> --version`, then `<bin> login status`, each bounded by `timeout`. Never
/// fails: every problem is reported in the returned status. codex's config is read where codex
/// reads it: `$CODEX_HOME/config.toml`, else `~/.codex/config.toml` (the probes get the
/// server's environment, less its secrets).
pub async fn check_codex(bin: &OsStr, timeout: Duration) -> ServerProviderStatus {
    let home = std::env::var_os("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".codex")));
    check_codex_with(bin, home.map(|home| home.join("config.toml")), timeout).await
}

/// [`check_codex`] with codex's config file at `config`. A config that selects a model provider
/// other than OpenAI's (an API key in the environment, a company proxy) signs in its own way:
/// `codex login status` does not speak for it, so it is not asked.
pub async fn check_codex_with(
    bin: &OsStr,
    config: Option<PathBuf>,
    timeout: Duration,
) -> ServerProviderStatus {
    let checked_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let bin_display = bin.to_string_lossy();

    let version_outcome = run_probe(bin, &["--version"], timeout).await;
    let version = match classify_version_probe(&bin_display, &version_outcome) {
        Ok(version) => version,
        Err((message, version)) => {
            log::warn!("codex health check: {message}");
            return ServerProviderStatus {
                provider: ProviderKind::Codex,
                status: ProviderState::Error,
                available: false,
                auth_status: AuthStatus::Unknown,
                checked_at,
                message: Some(message),
                version,
            };
        }
    };

    let provider = match config {
        Some(path) => tokio::task::spawn_blocking(move || configured_model_provider(&path))
            .await
            .unwrap_or(None),
        None => None,
    };
    if let Some(provider) = provider.filter(|p| p != OPENAI_PROVIDER) {
        return ServerProviderStatus {
            provider: ProviderKind::Codex,
            status: ProviderState::Ready,
            available: true,
            auth_status: AuthStatus::Unknown,
            checked_at,
            message: Some(format!(
                "Codex uses the model provider \"{provider}\" from its config.toml, which signs \
                 in its own way; `codex login` does not apply."
            )),
            version,
        };
    }

    let auth_outcome = run_probe(bin, &["login", "status"], timeout).await;
    let auth = classify_auth_probe(&auth_outcome);
    if let Some(message) = &auth.message {
        log::warn!("codex health check: {message}");
    }
    ServerProviderStatus {
        provider: ProviderKind::Codex,
        status: auth.status,
        available: true,
        auth_status: auth.auth_status,
        checked_at,
        message: auth.message,
        version,
    }
}

/// The provider name in codex's config that is signed in to with `codex login`.
const OPENAI_PROVIDER: &str = "openai";

/// The `model_provider` codex's config file at `path` selects, if it is there, parses and
/// names one.
fn configured_model_provider(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let config: toml::Table = text.parse().ok()?;
    config.get("model_provider")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests;
