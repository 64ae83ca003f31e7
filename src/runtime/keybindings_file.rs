//! The user's keybindings JSON file: tolerant loading (bad entries become issues, not
//! failures), startup backfill of new defaults, and atomic upserts.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;
use t3rs_core::field_error::json_kind;

use crate::keybindings::parse::{encode_shortcut, parse_shortcut};
use crate::keybindings::{
    cap_latest, compile_rules, default_rules, merge_with_defaults, KeybindingsState,
};
use crate::protocol::keybindings::{
    validate_rule, KeybindingRule, ServerConfigIssue, MAX_KEYBINDINGS_COUNT,
};
use crate::store::atomic_file::AtomicWrite;

#[derive(Debug, thiserror::Error)]
pub enum KeybindingsError {
    #[error("Unable to read keybindings config at {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "Unable to parse keybindings config at {}: {detail}; fix or remove the file before \
         changing keybindings",
        .path.display()
    )]
    Malformed { path: PathBuf, detail: String },
    #[error("Unable to write keybindings config at {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// What the file held, before per-entry validation.
enum RawConfig {
    Missing,
    Malformed(String),
    Entries(Vec<Value>),
}

fn non_empty_message(message: String) -> String {
    let trimmed = message.trim();
    if trimmed.is_empty() {
        "Invalid keybindings configuration.".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Decodes one array element into a validated, trimmed rule. Unknown extra fields are
/// ignored, as the reference does; `when: null` is rejected there too.
fn decode_entry(entry: &Value) -> Result<KeybindingRule, String> {
    let Value::Object(map) = entry else {
        return Err(format!(
            "expected an object with string fields 'key' and 'command', found {}",
            json_kind(entry)
        ));
    };
    let string_field = |name: &str| match map.get(name) {
        None => Err(format!("{name}: missing")),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "{name}: expected a string, found {}",
            json_kind(other)
        )),
    };
    let key = string_field("key")?;
    let command = string_field("command")?;
    let when = match map.get("when") {
        None => None,
        Some(_) => Some(string_field("when")?),
    };
    validate_rule(&KeybindingRule { key, command, when }).map_err(|e| e.to_string())
}

/// Two rules that would fire on the same chord in the same context.
fn shortcut_context(rule: &KeybindingRule) -> Option<String> {
    let encoded = encode_shortcut(&parse_shortcut(&rule.key)?)?;
    Some(format!(
        "{encoded}\u{0}{}",
        rule.when.as_deref().unwrap_or("")
    ))
}

fn same_shortcut_context(left: &KeybindingRule, right: &KeybindingRule) -> bool {
    match (shortcut_context(left), shortcut_context(right)) {
        (Some(l), Some(r)) => l == r,
        _ => false,
    }
}

/// Owns one keybindings file and the state last derived from it. Not internally
/// synchronized: callers serialize access (`&mut self`), which also serializes upserts.
#[derive(Debug)]
pub struct KeybindingsFile {
    path: PathBuf,
    cache: Option<KeybindingsState>,
}

impl KeybindingsFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            cache: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Drops the cached state so the next [`load`](Self::load) rereads the file (e.g. after
    /// it changed on disk).
    pub fn invalidate(&mut self) {
        self.cache = None;
    }

    /// The effective keybindings (defaults merged with the user's rules) and any issues
    /// with the file. Problems in the file's content are issues, not errors; only I/O
    /// failures are errors.
    pub fn load(&mut self) -> Result<KeybindingsState, KeybindingsError> {
        if let Some(state) = &self.cache {
            return Ok(state.clone());
        }
        let (rules, issues) = match self.read_raw()? {
            RawConfig::Missing => (Vec::new(), Vec::new()),
            RawConfig::Malformed(detail) => (
                Vec::new(),
                vec![ServerConfigIssue::MalformedConfig {
                    message: non_empty_message(detail),
                }],
            ),
            RawConfig::Entries(entries) => self.decode_entries(&entries),
        };
        let state = KeybindingsState {
            keybindings: merge_with_defaults(compile_rules(&rules)),
            issues,
        };
        self.cache = Some(state.clone());
        Ok(state)
    }

    /// Makes sure the file exists and carries every default command, so defaults added in
    /// newer versions show up in the user's file. A file with issues is left untouched so
    /// the user's broken edit is not rewritten, and a default whose chord is already used in
    /// the same context is skipped rather than shadowing the user's rule.
    pub fn sync_defaults_on_startup(&mut self) -> Result<(), KeybindingsError> {
        self.invalidate();
        let entries = match self.read_raw()? {
            RawConfig::Missing => return self.write_atomically(&default_rules()),
            RawConfig::Malformed(detail) => {
                log::warn!(
                    "skipping startup keybindings default sync because {} is malformed: {detail}",
                    self.path.display()
                );
                return Ok(());
            }
            RawConfig::Entries(entries) => entries,
        };
        let (custom, issues) = self.decode_entries(&entries);
        if !issues.is_empty() {
            log::warn!(
                "skipping startup keybindings default sync because {} has {} invalid entries",
                self.path.display(),
                issues.len()
            );
            return Ok(());
        }

        let mut missing = Vec::new();
        for default in default_rules() {
            if custom.iter().any(|rule| rule.command == default.command) {
                continue;
            }
            if let Some(conflict) = custom
                .iter()
                .find(|rule| same_shortcut_context(rule, &default))
            {
                log::warn!(
                    "skipping default keybinding {} ({}) in {}: shortcut context already used by {}",
                    default.command,
                    default.key,
                    self.path.display(),
                    conflict.command
                );
                continue;
            }
            missing.push(default);
        }
        if missing.is_empty() {
            return Ok(());
        }

        let mut next = custom;
        next.extend(missing);
        if next.len() > MAX_KEYBINDINGS_COUNT {
            log::warn!(
                "truncating keybindings config {} to {MAX_KEYBINDINGS_COUNT} entries",
                self.path.display()
            );
        }
        self.write_atomically(&cap_latest(next))
    }

    /// Replaces every rule for `rule.command` with `rule` and persists the file. `rule` is
    /// expected to have passed [`validate_rule`]. Invalid entries already in the file are
    /// dropped; a file that is not a JSON array at all is an error instead, since rewriting
    /// it would throw away whatever the user was in the middle of writing.
    pub fn upsert(&mut self, rule: KeybindingRule) -> Result<KeybindingsState, KeybindingsError> {
        let existing = match self.read_raw()? {
            RawConfig::Missing => Vec::new(),
            RawConfig::Malformed(detail) => {
                return Err(KeybindingsError::Malformed {
                    path: self.path.clone(),
                    detail,
                })
            }
            RawConfig::Entries(entries) => self.decode_entries(&entries).0,
        };
        let mut next: Vec<KeybindingRule> = existing
            .into_iter()
            .filter(|entry| entry.command != rule.command)
            .collect();
        next.push(rule);
        if next.len() > MAX_KEYBINDINGS_COUNT {
            log::warn!(
                "truncating keybindings config {} to {MAX_KEYBINDINGS_COUNT} entries",
                self.path.display()
            );
        }
        let next = cap_latest(next);
        self.write_atomically(&next)?;
        let state = KeybindingsState {
            keybindings: merge_with_defaults(compile_rules(&next)),
            issues: Vec::new(),
        };
        self.cache = Some(state.clone());
        Ok(state)
    }

    fn read_raw(&self) -> Result<RawConfig, KeybindingsError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(RawConfig::Missing),
            Err(source) => {
                return Err(KeybindingsError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        Ok(match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Array(entries)) => RawConfig::Entries(entries),
            Ok(other) => {
                RawConfig::Malformed(format!("expected JSON array, found {}", json_kind(&other)))
            }
            Err(e) => RawConfig::Malformed(format!("expected JSON array ({e})")),
        })
    }

    fn decode_entries(&self, entries: &[Value]) -> (Vec<KeybindingRule>, Vec<ServerConfigIssue>) {
        let mut rules = Vec::with_capacity(entries.len());
        let mut issues = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            match decode_entry(entry) {
                Ok(rule) => rules.push(rule),
                Err(detail) => {
                    log::warn!(
                        "ignoring invalid keybinding entry {index} in {}: {detail}",
                        self.path.display()
                    );
                    issues.push(ServerConfigIssue::InvalidEntry {
                        message: non_empty_message(detail),
                        index,
                    });
                }
            }
        }
        (rules, issues)
    }

    /// Writes via a temp file in the same directory and a rename, so readers (including the
    /// user's editor) see either the old file or the new one, never a partial write.
    fn write_atomically(&mut self, rules: &[KeybindingRule]) -> Result<(), KeybindingsError> {
        self.invalidate();
        let write_error = |source: io::Error| KeybindingsError::Write {
            path: self.path.clone(),
            source,
        };
        let dir = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir).map_err(write_error)?;
        let mut json = serde_json::to_string_pretty(rules).map_err(|e| write_error(e.into()))?;
        json.push('\n');

        // The temp file is created owner-only; keep the mode the user gave the real file.
        AtomicWrite::to(&self.path)
            .keeping_permissions()
            .syncing_dir()
            .write(json.as_bytes())
            .map_err(write_error)
    }
}

#[cfg(test)]
mod tests;
