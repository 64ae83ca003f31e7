//! Keybinding wire types: the rules users write, the resolved form clients match against, and
//! the config issues reported alongside them. `validate_rule` is the boundary check for a rule
//! arriving from a client (or read from the config file).

use serde::{Deserialize, Serialize};

use super::parse::{parse_shortcut, parse_when};
use crate::field_error::FieldError;

pub const MAX_KEYBINDING_VALUE_LENGTH: usize = 64;
pub const MAX_KEYBINDING_WHEN_LENGTH: usize = 256;
pub const MAX_WHEN_EXPRESSION_DEPTH: usize = 64;
pub const MAX_SCRIPT_ID_LENGTH: usize = 24;
pub const MAX_KEYBINDINGS_COUNT: usize = 256;

/// Commands that exist regardless of the project; `script.<id>.run` is accepted on top.
pub const STATIC_KEYBINDING_COMMANDS: &[&str] = &[
    "terminal.toggle",
    "terminal.split",
    "terminal.new",
    "terminal.close",
    "diff.toggle",
    "chat.new",
    "chat.newLocal",
    "editor.openFavorite",
];

/// One entry of the user's keybindings file, as written there and as sent by clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeybindingRule {
    pub key: String,
    pub command: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl KeybindingRule {
    pub fn new(key: impl Into<String>, command: impl Into<String>, when: Option<&str>) -> Self {
        Self {
            key: key.into(),
            command: command.into(),
            when: when.map(str::to_string),
        }
    }
}

/// A parsed key chord. `mod_key` is the platform primary modifier (Cmd on macOS, Ctrl
/// elsewhere), resolved by the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeybindingShortcut {
    pub key: String,
    pub meta_key: bool,
    pub ctrl_key: bool,
    pub shift_key: bool,
    pub alt_key: bool,
    pub mod_key: bool,
}

/// Parsed `when` expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum KeybindingWhenNode {
    Identifier {
        name: String,
    },
    Not {
        node: Box<KeybindingWhenNode>,
    },
    And {
        left: Box<KeybindingWhenNode>,
        right: Box<KeybindingWhenNode>,
    },
    Or {
        left: Box<KeybindingWhenNode>,
        right: Box<KeybindingWhenNode>,
    },
}

impl KeybindingWhenNode {
    pub fn identifier(name: impl Into<String>) -> Self {
        Self::Identifier { name: name.into() }
    }

    // A constructor for a `not` node; `std::ops::Not` would negate `self`, which is not this.
    #[allow(clippy::should_implement_trait)]
    pub fn not(node: Self) -> Self {
        Self::Not {
            node: Box::new(node),
        }
    }

    pub fn and(left: Self, right: Self) -> Self {
        Self::And {
            left: Box::new(left),
            right: Box::new(right),
        }
    }

    pub fn or(left: Self, right: Self) -> Self {
        Self::Or {
            left: Box::new(left),
            right: Box::new(right),
        }
    }
}

/// A rule after parsing, in the shape clients consume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedKeybindingRule {
    pub command: String,
    pub shortcut: KeybindingShortcut,
    #[serde(rename = "whenAst", default, skip_serializing_if = "Option::is_none")]
    pub when_ast: Option<KeybindingWhenNode>,
}

/// A non-fatal problem with the user's config, reported to clients next to the config that
/// was applied despite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ServerConfigIssue {
    #[serde(rename = "keybindings.malformed-config")]
    MalformedConfig { message: String },
    #[serde(rename = "keybindings.invalid-entry")]
    InvalidEntry { message: String, index: usize },
}

/// JS measures string length in UTF-16 code units; counting the same way keeps the limits
/// identical to what the T3 Code client accepts.
fn js_length(value: &str) -> usize {
    value.encode_utf16().count()
}

fn is_valid_script_id(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && id.len() <= MAX_SCRIPT_ID_LENGTH
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether `command` is one the client knows how to run.
pub fn is_valid_command(command: &str) -> bool {
    if STATIC_KEYBINDING_COMMANDS.contains(&command) {
        return true;
    }
    command
        .strip_prefix("script.")
        .and_then(|rest| rest.strip_suffix(".run"))
        .is_some_and(is_valid_script_id)
}

fn validate_command(command: &str) -> Result<(), FieldError> {
    if is_valid_command(command) {
        return Ok(());
    }
    let script_id = command
        .strip_prefix("script.")
        .and_then(|rest| rest.strip_suffix(".run"));
    let message = match script_id {
        Some(id) => format!(
            "invalid script id '{id}' in '{command}'; expected 1 to {MAX_SCRIPT_ID_LENGTH} \
             characters of a-z, 0-9 and '-', starting with a letter or digit"
        ),
        None => format!(
            "unknown command '{command}'; expected one of {}, or script.<id>.run",
            STATIC_KEYBINDING_COMMANDS.join(", ")
        ),
    };
    Err(FieldError::new("command", message))
}

/// Checks a rule and returns it normalized (key and `when` trimmed). Field names in errors
/// are relative to the rule (`key`, `command`, `when`); callers add their own prefix.
pub fn validate_rule(raw: &KeybindingRule) -> Result<KeybindingRule, FieldError> {
    let key = raw.key.trim();
    let key_len = js_length(key);
    if key_len == 0 || key_len > MAX_KEYBINDING_VALUE_LENGTH {
        return Err(FieldError::new(
            "key",
            format!(
                "must be 1 to {MAX_KEYBINDING_VALUE_LENGTH} characters after trimming, got {key_len}"
            ),
        ));
    }
    if parse_shortcut(key).is_none() {
        return Err(FieldError::new(
            "key",
            format!(
                "'{key}' is not a valid shortcut; expected modifiers (mod, cmd, meta, ctrl, \
                 alt, option, shift) and exactly one key joined by '+', e.g. 'mod+shift+o'"
            ),
        ));
    }

    validate_command(&raw.command)?;

    let when = match raw.when.as_deref() {
        None => None,
        Some(when) => {
            let when = when.trim();
            let when_len = js_length(when);
            if when_len == 0 || when_len > MAX_KEYBINDING_WHEN_LENGTH {
                return Err(FieldError::new(
                    "when",
                    format!(
                        "must be 1 to {MAX_KEYBINDING_WHEN_LENGTH} characters after trimming, \
                         got {when_len}"
                    ),
                ));
            }
            if parse_when(when).is_none() {
                return Err(FieldError::new(
                    "when",
                    format!(
                        "'{when}' is not a valid when-expression; expected identifiers combined \
                         with '!', '&&', '||' and balanced parentheses, nested at most \
                         {MAX_WHEN_EXPRESSION_DEPTH} deep"
                    ),
                ));
            }
            Some(when.to_string())
        }
    };

    Ok(KeybindingRule {
        key: key.to_string(),
        command: raw.command.clone(),
        when,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(key: &str, command: &str, when: Option<&str>) -> KeybindingRule {
        KeybindingRule::new(key, command, when)
    }

    #[test]
    fn rule_json_omits_absent_when() {
        let value = serde_json::to_value(rule("mod+j", "terminal.toggle", None)).unwrap();
        assert_eq!(value, json!({"key": "mod+j", "command": "terminal.toggle"}));
        let value = serde_json::to_value(rule("mod+d", "diff.toggle", Some("!a"))).unwrap();
        assert_eq!(
            value,
            json!({"key": "mod+d", "command": "diff.toggle", "when": "!a"})
        );
    }

    #[test]
    fn resolved_rule_json_shape() {
        let resolved = ResolvedKeybindingRule {
            command: "chat.new".into(),
            shortcut: KeybindingShortcut {
                key: "o".into(),
                meta_key: false,
                ctrl_key: true,
                shift_key: true,
                alt_key: false,
                mod_key: true,
            },
            when_ast: Some(KeybindingWhenNode::or(
                KeybindingWhenNode::identifier("a"),
                KeybindingWhenNode::not(KeybindingWhenNode::identifier("b")),
            )),
        };
        let value = serde_json::to_value(&resolved).unwrap();
        assert_eq!(
            value,
            json!({
                "command": "chat.new",
                "shortcut": {
                    "key": "o", "metaKey": false, "ctrlKey": true,
                    "shiftKey": true, "altKey": false, "modKey": true
                },
                "whenAst": {
                    "type": "or",
                    "left": {"type": "identifier", "name": "a"},
                    "right": {"type": "not", "node": {"type": "identifier", "name": "b"}}
                }
            })
        );
        let back: ResolvedKeybindingRule = serde_json::from_value(value).unwrap();
        assert_eq!(back, resolved);

        let without_when = ResolvedKeybindingRule {
            when_ast: None,
            ..resolved
        };
        let value = serde_json::to_value(&without_when).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 2);
        assert!(value.get("whenAst").is_none());
    }

    #[test]
    fn issue_json_shape() {
        let malformed = ServerConfigIssue::MalformedConfig {
            message: "bad".into(),
        };
        assert_eq!(
            serde_json::to_value(&malformed).unwrap(),
            json!({"kind": "keybindings.malformed-config", "message": "bad"})
        );
        let invalid = ServerConfigIssue::InvalidEntry {
            message: "worse".into(),
            index: 3,
        };
        assert_eq!(
            serde_json::to_value(&invalid).unwrap(),
            json!({"kind": "keybindings.invalid-entry", "message": "worse", "index": 3})
        );
    }

    #[test]
    fn validate_trims_key_and_when() {
        let out = validate_rule(&rule(
            "  mod+j ",
            "terminal.toggle",
            Some(" !terminalFocus "),
        ))
        .unwrap();
        assert_eq!(
            out,
            rule("mod+j", "terminal.toggle", Some("!terminalFocus"))
        );
    }

    #[test]
    fn validate_accepts_script_commands() {
        assert!(validate_rule(&rule("mod+r", "script.build-1.run", None)).is_ok());
        assert!(validate_rule(&rule("mod+r", "script.abcdefghijklmnopqrstuvwx.run", None)).is_ok());
        for bad in [
            "script..run",
            "script.-x.run",
            "script.Build.run",
            "script.a_b.run",
            "script.abcdefghijklmnopqrstuvwxy.run",
        ] {
            let err = validate_rule(&rule("mod+r", bad, None)).unwrap_err();
            assert_eq!(err.field, "command", "{bad}");
        }
    }

    #[test]
    fn validate_errors_name_the_field() {
        let long = "a".repeat(70);
        let err = validate_rule(&rule(&long, "terminal.toggle", None)).unwrap_err();
        assert_eq!(err.field, "key");
        assert_eq!(
            err.to_string(),
            "key: must be 1 to 64 characters after trimming, got 70"
        );

        let err = validate_rule(&rule("   ", "terminal.toggle", None)).unwrap_err();
        assert_eq!(err.field, "key");

        let err = validate_rule(&rule("mod+a+b", "terminal.toggle", None)).unwrap_err();
        assert_eq!(err.field, "key");
        assert!(err.message.contains("'mod+a+b' is not a valid shortcut"));

        let err = validate_rule(&rule("mod+j", "foo", None)).unwrap_err();
        assert_eq!(err.field, "command");
        assert!(err
            .message
            .starts_with("unknown command 'foo'; expected one of terminal.toggle"));
        assert!(err.message.ends_with("or script.<id>.run"));

        let err = validate_rule(&rule("mod+j", "terminal.toggle", Some("  "))).unwrap_err();
        assert_eq!(err.field, "when");

        let err = validate_rule(&rule("mod+j", "terminal.toggle", Some("&& x"))).unwrap_err();
        assert_eq!(err.field, "when");
        assert!(err
            .message
            .contains("'&& x' is not a valid when-expression"));

        let err =
            validate_rule(&rule("mod+j", "terminal.toggle", Some(&"a".repeat(257)))).unwrap_err();
        assert_eq!(err.field, "when");

        assert_eq!(
            validate_rule(&rule("mod+j", "foo", None))
                .unwrap_err()
                .under("body")
                .field,
            "body.command"
        );
    }

    #[test]
    fn key_length_counts_like_js() {
        // 33 astral characters are 66 UTF-16 units: over the limit, as in the JS client.
        let key = "😀".repeat(33);
        let err = validate_rule(&rule(&key, "terminal.toggle", None)).unwrap_err();
        assert!(err.message.ends_with("got 66"));
    }
}
