//! Keybindings, pure: the rule types and their validation ([`rule`]), the shortcut and
//! `when` parsers ([`parse`]), the defaults and how the user's rules merge over them.
//!
//! The user's file on disk (tolerant loading, backfill, atomic upsert) belongs to the runtime
//! (`t3rs::runtime::keybindings_file`); `protocol::keybindings` re-exports the wire types.

pub mod parse;
pub mod rule;

use serde::Serialize;

use rule::{KeybindingRule, ResolvedKeybindingRule, ServerConfigIssue, MAX_KEYBINDINGS_COUNT};

pub use parse::{compile_rule, encode_shortcut, parse_shortcut, parse_when};

/// A default rule in `const`-friendly form; see [`default_rules`] for the owned version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultKeybinding {
    pub key: &'static str,
    pub command: &'static str,
    pub when: Option<&'static str>,
}

impl DefaultKeybinding {
    pub fn to_rule(&self) -> KeybindingRule {
        KeybindingRule::new(self.key, self.command, self.when)
    }
}

const fn default_binding(
    key: &'static str,
    command: &'static str,
    when: Option<&'static str>,
) -> DefaultKeybinding {
    DefaultKeybinding { key, command, when }
}

/// The bindings T3 Code ships with, in its order (later rules take precedence in the client).
pub const DEFAULT_KEYBINDINGS: &[DefaultKeybinding] = &[
    default_binding("mod+j", "terminal.toggle", None),
    default_binding("mod+d", "terminal.split", Some("terminalFocus")),
    default_binding("mod+n", "terminal.new", Some("terminalFocus")),
    default_binding("mod+w", "terminal.close", Some("terminalFocus")),
    default_binding("mod+d", "diff.toggle", Some("!terminalFocus")),
    default_binding("mod+n", "chat.new", Some("!terminalFocus")),
    default_binding("mod+shift+o", "chat.new", Some("!terminalFocus")),
    default_binding("mod+shift+n", "chat.newLocal", Some("!terminalFocus")),
    default_binding("mod+o", "editor.openFavorite", None),
];

pub fn default_rules() -> Vec<KeybindingRule> {
    DEFAULT_KEYBINDINGS
        .iter()
        .map(DefaultKeybinding::to_rule)
        .collect()
}

pub fn default_resolved() -> Vec<ResolvedKeybindingRule> {
    compile_rules(&default_rules())
}

/// Resolves every rule that parses, silently skipping the rest (callers that need to report
/// bad entries check them before this).
pub fn compile_rules(rules: &[KeybindingRule]) -> Vec<ResolvedKeybindingRule> {
    rules.iter().filter_map(compile_rule).collect()
}

/// Keeps the last `MAX_KEYBINDINGS_COUNT` entries: later rules win in the client, so the
/// oldest are the ones to lose.
pub fn cap_latest<T>(mut items: Vec<T>) -> Vec<T> {
    if items.len() > MAX_KEYBINDINGS_COUNT {
        items.drain(..items.len() - MAX_KEYBINDINGS_COUNT);
    }
    items
}

/// Defaults first, then the user's rules. A command the user bound replaces every default
/// binding of that command, so a rebind does not leave the old shortcut active.
pub fn merge_with_defaults(custom: Vec<ResolvedKeybindingRule>) -> Vec<ResolvedKeybindingRule> {
    if custom.is_empty() {
        return default_resolved();
    }
    let mut merged: Vec<ResolvedKeybindingRule> = default_resolved()
        .into_iter()
        .filter(|default| !custom.iter().any(|c| c.command == default.command))
        .collect();
    merged.extend(custom);
    cap_latest(merged)
}

/// The resolved keybindings in effect plus any problems found in the user's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeybindingsState {
    pub keybindings: Vec<ResolvedKeybindingRule>,
    pub issues: Vec<ServerConfigIssue>,
}

#[cfg(test)]
mod tests {
    use super::rule::validate_rule;
    use super::*;

    fn resolved(key: &str, command: &str, when: Option<&str>) -> ResolvedKeybindingRule {
        compile_rule(&KeybindingRule::new(key, command, when)).unwrap()
    }

    #[test]
    fn defaults_are_valid_and_complete() {
        assert_eq!(DEFAULT_KEYBINDINGS.len(), 9);
        for rule in default_rules() {
            assert_eq!(validate_rule(&rule).as_ref(), Ok(&rule));
        }
        assert_eq!(default_resolved().len(), 9);
    }

    #[test]
    fn merge_empty_custom_gives_defaults() {
        assert_eq!(merge_with_defaults(Vec::new()), default_resolved());
    }

    #[test]
    fn merge_drops_overridden_defaults_and_appends_custom() {
        let custom = vec![
            resolved("mod+k", "chat.new", None),
            resolved("mod+1", "script.test.run", None),
        ];
        let merged = merge_with_defaults(custom.clone());
        // Both default chat.new bindings are gone; the other 7 defaults stay, in order.
        assert_eq!(merged.len(), 7 + 2);
        assert!(!merged[..7].iter().any(|r| r.command == "chat.new"));
        let default_commands: Vec<&str> = merged[..7].iter().map(|r| r.command.as_str()).collect();
        assert_eq!(
            default_commands,
            [
                "terminal.toggle",
                "terminal.split",
                "terminal.new",
                "terminal.close",
                "diff.toggle",
                "chat.newLocal",
                "editor.openFavorite"
            ]
        );
        assert_eq!(&merged[7..], &custom[..]);
    }

    #[test]
    fn merge_caps_keeping_latest() {
        let custom: Vec<ResolvedKeybindingRule> = (0..300)
            .map(|i| resolved(&format!("f{i}"), &format!("script.s{i}.run"), None))
            .collect();
        let merged = merge_with_defaults(custom);
        assert_eq!(merged.len(), MAX_KEYBINDINGS_COUNT);
        assert_eq!(merged[0].command, "script.s44.run");
        assert_eq!(merged[MAX_KEYBINDINGS_COUNT - 1].command, "script.s299.run");
    }

    #[test]
    fn state_json_shape() {
        let state = KeybindingsState {
            keybindings: vec![],
            issues: vec![ServerConfigIssue::InvalidEntry {
                message: "m".into(),
                index: 0,
            }],
        };
        assert_eq!(
            serde_json::to_value(&state).unwrap(),
            serde_json::json!({
                "keybindings": [],
                "issues": [{"kind": "keybindings.invalid-entry", "message": "m", "index": 0}]
            })
        );
    }
}
