//! `threadRetention {enabled, archiveAfterDays}` (issue 17, dpcode.md §3): the maintenance
//! sweep that archives threads inactive for more than `archiveAfterDays` days. Off by default,
//! and it archives, never deletes (DP Code's deletes after 7 days; t3rs keeps the thread).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::field_error::{json_kind, FieldError};

pub const DEFAULT_ARCHIVE_AFTER_DAYS: u32 = 30;
/// Ten years: beyond it, "never" is what is meant, and that is `enabled: false`.
pub const MAX_ARCHIVE_AFTER_DAYS: u32 = 3_650;
const KEYS: &[&str] = &["enabled", "archiveAfterDays"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRetention {
    pub enabled: bool,
    pub archive_after_days: u32,
}

impl Default for ThreadRetention {
    fn default() -> Self {
        ThreadRetention {
            enabled: false,
            archive_after_days: DEFAULT_ARCHIVE_AFTER_DAYS,
        }
    }
}

/// `threadRetention` in a patch: only the keys given change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadRetentionPatch {
    pub enabled: Option<bool>,
    pub archive_after_days: Option<u32>,
}

impl ThreadRetention {
    pub fn merged(self, patch: &ThreadRetentionPatch) -> ThreadRetention {
        ThreadRetention {
            enabled: patch.enabled.unwrap_or(self.enabled),
            archive_after_days: patch.archive_after_days.unwrap_or(self.archive_after_days),
        }
    }
}

pub fn decode_retention(value: &Value, field: &str) -> Result<ThreadRetentionPatch, FieldError> {
    let Value::Object(map) = value else {
        return Err(FieldError::new(
            field,
            format!("expected an object, got {}", json_kind(value)),
        ));
    };
    let mut patch = ThreadRetentionPatch::default();
    for (key, value) in map {
        let at = format!("{field}.{key}");
        match key.as_str() {
            "enabled" => match value {
                Value::Bool(on) => patch.enabled = Some(*on),
                other => {
                    return Err(FieldError::new(
                        at,
                        format!("expected a boolean, got {}", json_kind(other)),
                    ))
                }
            },
            "archiveAfterDays" => {
                let days = value
                    .as_u64()
                    .filter(|d| (1..=u64::from(MAX_ARCHIVE_AFTER_DAYS)).contains(d));
                match days.and_then(|d| u32::try_from(d).ok()) {
                    Some(days) => patch.archive_after_days = Some(days),
                    None => {
                        return Err(FieldError::new(
                            at,
                            format!(
                                "must be a whole number of days from 1 to \
                                 {MAX_ARCHIVE_AFTER_DAYS}, got {value}"
                            ),
                        ))
                    }
                }
            }
            other => {
                return Err(FieldError::new(
                    at,
                    format!("unknown key '{other}'; expected one of {}", KEYS.join(", ")),
                ))
            }
        }
    }
    Ok(patch)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let patch = decode_retention(&json!({"enabled": true}), "body.threadRetention").unwrap();
        let merged = ThreadRetention::default().merged(&patch);
        assert_eq!(
            merged,
            ThreadRetention {
                enabled: true,
                archive_after_days: 30
            }
        );
        let patch = decode_retention(&json!({"archiveAfterDays": 7}), "f").unwrap();
        assert_eq!(merged.merged(&patch).archive_after_days, 7);
        assert!(merged.merged(&patch).enabled);
    }

    #[test]
    fn bad_fields_are_named() {
        let err = |v: Value| {
            decode_retention(&v, "body.threadRetention")
                .unwrap_err()
                .field
        };
        assert_eq!(err(json!(true)), "body.threadRetention");
        assert_eq!(
            err(json!({"enabled": "yes"})),
            "body.threadRetention.enabled"
        );
        for days in [
            json!(0),
            json!(-1),
            json!(1.5),
            json!("30"),
            json!(3_651),
            json!(null),
        ] {
            assert_eq!(
                err(json!({"archiveAfterDays": days})),
                "body.threadRetention.archiveAfterDays"
            );
        }
        assert_eq!(
            err(json!({"deleteAfterDays": 3})),
            "body.threadRetention.deleteAfterDays"
        );
    }
}
