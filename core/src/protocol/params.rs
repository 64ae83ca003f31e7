//! The shared pieces of method-parameter decoding: field-naming serde decode, bounded text
//! and integers, and the raw parameter shapes the methods read. Which method reads which is
//! the method table's (`methods.rs`); nothing here knows a method name.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::field_error::{json_kind, FieldError};

/// Limits of the project methods (T3 Code v0.0.4 `project.ts`).
pub const SEARCH_QUERY_MAX_CHARS: usize = 256;
pub const SEARCH_LIMIT_MAX: usize = 200;
pub const WRITE_FILE_PATH_MAX_CHARS: usize = 512;

/// Limits of the terminal methods (T3 Code v0.0.4 `terminal.ts`).
pub const TERMINAL_ID_MAX_CHARS: usize = 128;
pub const TERMINAL_COLS: (u64, u64) = (20, 400);
pub const TERMINAL_ROWS: (u64, u64) = (5, 200);
pub const TERMINAL_WRITE_MAX_CHARS: usize = 65_536;
pub const TERMINAL_ENV_MAX_KEYS: usize = 128;
pub const TERMINAL_ENV_KEY_MAX_CHARS: usize = 128;
pub const TERMINAL_ENV_VALUE_MAX_CHARS: usize = 8_192;
pub const DEFAULT_TERMINAL_ID: &str = "default";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReplayParams {
    pub(super) from_sequence_exclusive: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TurnDiffParams {
    pub(super) thread_id: String,
    #[serde(default)]
    pub(super) from_turn_count: Option<Value>,
    pub(super) to_turn_count: Value,
}

#[derive(Deserialize)]
pub(super) struct OpenInEditorParams {
    pub(super) cwd: String,
    pub(super) editor: super::editor::EditorId,
}

#[derive(Deserialize)]
pub(super) struct SearchParams {
    pub(super) cwd: String,
    pub(super) query: String,
    pub(super) limit: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WriteFileParams {
    pub(super) cwd: String,
    pub(super) relative_path: String,
    pub(super) contents: String,
}

/// A trimmed, non-empty string of at most `max` characters.
pub(super) fn bounded_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters, got {chars}"),
        ));
    }
    Ok(trimmed.to_string())
}

/// An integer in `min..=max` (JSON numbers like 5.0 count; 5.5 does not).
pub(super) fn integer_in(
    field: &str,
    value: &Value,
    min: u64,
    max: u64,
) -> Result<u64, FieldError> {
    let n = match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        _ => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ if max == u64::MAX => Err(FieldError::new(
            field,
            format!("must be an integer greater than or equal to {min}, got {value}"),
        )),
        _ => Err(FieldError::new(
            field,
            format!("must be an integer from {min} to {max}, got {value}"),
        )),
    }
}

/// The fields every terminal method shares; numbers stay raw so range errors can name them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TerminalParams {
    pub(super) thread_id: String,
    pub(super) terminal_id: Option<String>,
    pub(super) cwd: Option<String>,
    pub(super) cols: Option<Value>,
    pub(super) rows: Option<Value>,
    pub(super) env: Option<Value>,
    pub(super) data: Option<String>,
    pub(super) delete_history: Option<bool>,
}

impl TerminalParams {
    pub(super) fn thread_id(&self) -> Result<String, FieldError> {
        bounded_text("body.threadId", &self.thread_id, 4096)
    }

    /// `terminalId`, defaulted to "default" like T3 Code.
    pub(super) fn terminal_id(&self) -> Result<String, FieldError> {
        match &self.terminal_id {
            Some(id) => bounded_text("body.terminalId", id, TERMINAL_ID_MAX_CHARS),
            None => Ok(DEFAULT_TERMINAL_ID.to_string()),
        }
    }

    pub(super) fn cwd(&self) -> Result<String, FieldError> {
        match &self.cwd {
            Some(cwd) => bounded_text("body.cwd", cwd, 4096),
            None => Err(FieldError::new("body.cwd", "missing")),
        }
    }

    pub(super) fn size(
        value: &Option<Value>,
        field: &str,
        range: (u64, u64),
    ) -> Result<Option<u16>, FieldError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) => Ok(Some(integer_in(field, v, range.0, range.1)? as u16)),
        }
    }

    pub(super) fn cols(&self) -> Result<Option<u16>, FieldError> {
        Self::size(&self.cols, "body.cols", TERMINAL_COLS)
    }

    pub(super) fn rows(&self) -> Result<Option<u16>, FieldError> {
        Self::size(&self.rows, "body.rows", TERMINAL_ROWS)
    }

    pub(super) fn required(value: Option<u16>, field: &str) -> Result<u16, FieldError> {
        value.ok_or_else(|| FieldError::new(field, "missing"))
    }

    pub(super) fn env(&self) -> Result<Option<BTreeMap<String, String>>, FieldError> {
        let map = match &self.env {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(FieldError::new(
                    "body.env",
                    format!("expected an object of strings, got {}", json_kind(other)),
                ))
            }
        };
        if map.len() > TERMINAL_ENV_MAX_KEYS {
            return Err(FieldError::new(
                "body.env",
                format!(
                    "at most {TERMINAL_ENV_MAX_KEYS} variables, got {}",
                    map.len()
                ),
            ));
        }
        let mut env = BTreeMap::new();
        for (key, value) in map {
            let valid_key = key.len() <= TERMINAL_ENV_KEY_MAX_CHARS
                && key
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_key {
                return Err(FieldError::new(
                    format!("body.env.{key}"),
                    format!(
                        "variable names must match ^[A-Za-z_][A-Za-z0-9_]*$ and be at most {TERMINAL_ENV_KEY_MAX_CHARS} characters"
                    ),
                ));
            }
            let Value::String(value) = value else {
                return Err(FieldError::new(
                    format!("body.env.{key}"),
                    format!("expected a string, got {}", json_kind(value)),
                ));
            };
            if value.chars().count() > TERMINAL_ENV_VALUE_MAX_CHARS {
                return Err(FieldError::new(
                    format!("body.env.{key}"),
                    format!("values are at most {TERMINAL_ENV_VALUE_MAX_CHARS} characters"),
                ));
            }
            env.insert(key.clone(), value.clone());
        }
        Ok(Some(env))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GitParams {
    pub(super) cwd: String,
    pub(super) branch: Option<String>,
    pub(super) new_branch: Option<String>,
    #[serde(default)]
    pub(super) path: Option<String>,
    pub(super) force: Option<bool>,
    pub(super) action: Option<String>,
    pub(super) action_id: Option<String>,
    pub(super) commit_message: Option<String>,
    pub(super) feature_branch: Option<bool>,
    /// `git.createBranch`'s DP Code `publish`.
    pub(super) publish: Option<bool>,
}

/// Typed decode of a method's fields; the error names the failing field under `body`.
pub(super) fn decode_fields<T: DeserializeOwned>(body: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(body).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." || path.is_empty() {
            "body".to_string()
        } else {
            format!("body.{path}")
        };
        FieldError::new(field, err.into_inner().to_string())
    })
}
