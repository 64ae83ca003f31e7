//! Shortcut strings (`mod+shift+o`) and `when` expressions (`!terminalFocus && a`), parsed the
//! way the T3 Code server does so a config behaves the same under either server.

use super::rule::{
    KeybindingRule, KeybindingShortcut, KeybindingWhenNode, ResolvedKeybindingRule,
    MAX_WHEN_EXPRESSION_DEPTH,
};

fn normalize_key_token(token: &str) -> String {
    match token {
        "space" => " ".to_string(),
        "esc" => "escape".to_string(),
        other => other.to_string(),
    }
}

/// Parses `mod+shift+o`-style shortcuts. Modifier names are case-insensitive aliases; exactly
/// one non-modifier key is required. A trailing `+` (`ctrl++`) means the plus key itself.
pub fn parse_shortcut(value: &str) -> Option<KeybindingShortcut> {
    // The reference turns an empty string into the `+` key (its split/pop logic leaves only the
    // trailing-plus marker); that input never passes rule validation there, so reject it here.
    if value.trim().is_empty() {
        return None;
    }
    let lowered = value.to_lowercase();
    let mut tokens: Vec<&str> = lowered.split('+').map(str::trim).collect();
    let mut trailing_empty = false;
    while tokens.last() == Some(&"") {
        tokens.pop();
        trailing_empty = true;
    }
    if trailing_empty {
        tokens.push("+");
    }
    if tokens.is_empty() || tokens.iter().any(|t| t.is_empty()) {
        return None;
    }

    let mut shortcut = KeybindingShortcut {
        key: String::new(),
        meta_key: false,
        ctrl_key: false,
        shift_key: false,
        alt_key: false,
        mod_key: false,
    };
    let mut key: Option<String> = None;
    for token in tokens {
        match token {
            "cmd" | "meta" => shortcut.meta_key = true,
            "ctrl" | "control" => shortcut.ctrl_key = true,
            "shift" => shortcut.shift_key = true,
            "alt" | "option" => shortcut.alt_key = true,
            "mod" => shortcut.mod_key = true,
            other => {
                if key.is_some() {
                    return None;
                }
                key = Some(normalize_key_token(other));
            }
        }
    }
    shortcut.key = key?;
    Some(shortcut)
}

/// The canonical string for a shortcut, used to compare shortcuts written differently
/// (`shift+mod+O` and `mod+shift+o`). `None` when the key cannot round-trip.
pub fn encode_shortcut(shortcut: &KeybindingShortcut) -> Option<String> {
    if shortcut.key.is_empty() || (shortcut.key != "+" && shortcut.key.contains('+')) {
        return None;
    }
    let mut parts: Vec<&str> = Vec::with_capacity(6);
    if shortcut.mod_key {
        parts.push("mod");
    }
    if shortcut.meta_key {
        parts.push("meta");
    }
    if shortcut.ctrl_key {
        parts.push("ctrl");
    }
    if shortcut.alt_key {
        parts.push("alt");
    }
    if shortcut.shift_key {
        parts.push("shift");
    }
    parts.push(if shortcut.key == " " {
        "space"
    } else {
        &shortcut.key
    });
    Some(parts.join("+"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum WhenToken {
    Identifier(String),
    Not,
    And,
    Or,
    LParen,
    RParen,
}

fn is_identifier_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_identifier_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn tokenize_when(expression: &str) -> Option<Vec<WhenToken>> {
    let mut tokens = Vec::new();
    let mut rest = expression;
    while let Some(current) = rest.chars().next() {
        if current.is_whitespace() {
            rest = &rest[current.len_utf8()..];
        } else if let Some(after) = rest.strip_prefix("&&") {
            tokens.push(WhenToken::And);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("||") {
            tokens.push(WhenToken::Or);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('!') {
            tokens.push(WhenToken::Not);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('(') {
            tokens.push(WhenToken::LParen);
            rest = after;
        } else if let Some(after) = rest.strip_prefix(')') {
            tokens.push(WhenToken::RParen);
            rest = after;
        } else if is_identifier_start(current) {
            // Identifier characters are all ASCII, so the byte index is a char boundary.
            let end = rest
                .find(|c: char| !is_identifier_continue(c))
                .unwrap_or(rest.len());
            tokens.push(WhenToken::Identifier(rest[..end].to_string()));
            rest = &rest[end..];
        } else {
            return None;
        }
    }
    Some(tokens)
}

/// Recursive-descent parser over the token list; precedence is `!` > `&&` > `||`, and both
/// binary operators associate to the left.
struct WhenParser {
    tokens: Vec<WhenToken>,
    index: usize,
}

impl WhenParser {
    fn peek(&self) -> Option<&WhenToken> {
        self.tokens.get(self.index)
    }

    fn parse_primary(&mut self, depth: usize) -> Option<KeybindingWhenNode> {
        // Bounds recursion so a hostile config cannot overflow the stack.
        if depth > MAX_WHEN_EXPRESSION_DEPTH {
            return None;
        }
        match self.peek()? {
            WhenToken::Identifier(name) => {
                let node = KeybindingWhenNode::identifier(name.clone());
                self.index += 1;
                Some(node)
            }
            WhenToken::LParen => {
                self.index += 1;
                let node = self.parse_or(depth + 1)?;
                if self.peek() != Some(&WhenToken::RParen) {
                    return None;
                }
                self.index += 1;
                Some(node)
            }
            _ => None,
        }
    }

    fn parse_unary(&mut self, depth: usize) -> Option<KeybindingWhenNode> {
        let mut not_count = 0;
        while self.peek() == Some(&WhenToken::Not) {
            self.index += 1;
            not_count += 1;
            if not_count > MAX_WHEN_EXPRESSION_DEPTH {
                return None;
            }
        }
        let mut node = self.parse_primary(depth)?;
        for _ in 0..not_count {
            node = KeybindingWhenNode::not(node);
        }
        Some(node)
    }

    fn parse_and(&mut self, depth: usize) -> Option<KeybindingWhenNode> {
        let mut left = self.parse_unary(depth)?;
        while self.peek() == Some(&WhenToken::And) {
            self.index += 1;
            let right = self.parse_unary(depth)?;
            left = KeybindingWhenNode::and(left, right);
        }
        Some(left)
    }

    fn parse_or(&mut self, depth: usize) -> Option<KeybindingWhenNode> {
        let mut left = self.parse_and(depth)?;
        while self.peek() == Some(&WhenToken::Or) {
            self.index += 1;
            let right = self.parse_and(depth)?;
            left = KeybindingWhenNode::or(left, right);
        }
        Some(left)
    }
}

/// Parses a `when` expression: identifiers (`[A-Za-z_][A-Za-z0-9_.-]*`) combined with `!`,
/// `&&`, `||` and parentheses. `None` for anything malformed or nested too deeply.
pub fn parse_when(expression: &str) -> Option<KeybindingWhenNode> {
    let tokens = tokenize_when(expression)?;
    if tokens.is_empty() {
        return None;
    }
    let mut parser = WhenParser { tokens, index: 0 };
    let ast = parser.parse_or(0)?;
    (parser.index == parser.tokens.len()).then_some(ast)
}

/// Resolves a rule for clients; `None` when its key or `when` does not parse.
pub fn compile_rule(rule: &KeybindingRule) -> Option<ResolvedKeybindingRule> {
    let shortcut = parse_shortcut(&rule.key)?;
    let when_ast = match rule.when.as_deref() {
        Some(when) => Some(parse_when(when)?),
        None => None,
    };
    Some(ResolvedKeybindingRule {
        command: rule.command.clone(),
        shortcut,
        when_ast,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Node = KeybindingWhenNode;

    fn id(name: &str) -> Node {
        Node::identifier(name)
    }

    fn shortcut(key: &str, mods: &str) -> KeybindingShortcut {
        KeybindingShortcut {
            key: key.to_string(),
            meta_key: mods.contains('M'),
            ctrl_key: mods.contains('C'),
            shift_key: mods.contains('S'),
            alt_key: mods.contains('A'),
            mod_key: mods.contains('D'),
        }
    }

    #[test]
    fn shortcut_table() {
        let cases: &[(&str, Option<KeybindingShortcut>)] = &[
            ("mod+shift+o", Some(shortcut("o", "DS"))),
            ("Mod+Shift+O", Some(shortcut("o", "DS"))),
            (" mod + j ", Some(shortcut("j", "D"))),
            ("cmd+k", Some(shortcut("k", "M"))),
            ("meta+k", Some(shortcut("k", "M"))),
            ("ctrl+k", Some(shortcut("k", "C"))),
            ("control+k", Some(shortcut("k", "C"))),
            ("alt+k", Some(shortcut("k", "A"))),
            ("option+k", Some(shortcut("k", "A"))),
            ("ctrl++", Some(shortcut("+", "C"))),
            ("+", Some(shortcut("+", ""))),
            ("space", Some(shortcut(" ", ""))),
            ("shift+space", Some(shortcut(" ", "S"))),
            ("esc", Some(shortcut("escape", ""))),
            ("escape", Some(shortcut("escape", ""))),
            ("f5", Some(shortcut("f5", ""))),
            ("mod+a+b", None),
            ("a+b", None),
            ("ctrl++a", None),
            ("mod+", Some(shortcut("+", "D"))),
            ("mod", None),
            ("mod+shift", None),
            ("", None),
            ("   ", None),
            ("mod++shift", None),
        ];
        for (input, expected) in cases {
            assert_eq!(&parse_shortcut(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn encode_shortcut_is_canonical() {
        let parsed = parse_shortcut("shift+alt+ctrl+meta+mod+O").unwrap();
        assert_eq!(
            encode_shortcut(&parsed).as_deref(),
            Some("mod+meta+ctrl+alt+shift+o")
        );
        assert_eq!(
            encode_shortcut(&parse_shortcut("ctrl+space").unwrap()).as_deref(),
            Some("ctrl+space")
        );
        assert_eq!(
            encode_shortcut(&parse_shortcut("ctrl++").unwrap()).as_deref(),
            Some("ctrl++")
        );
        assert_eq!(encode_shortcut(&shortcut("a+b", "C")), None);
        assert_eq!(encode_shortcut(&shortcut("", "C")), None);
    }

    #[test]
    fn when_precedence() {
        assert_eq!(
            parse_when("a || b && !c"),
            Some(Node::or(id("a"), Node::and(id("b"), Node::not(id("c")))))
        );
        assert_eq!(
            parse_when("a && b || c"),
            Some(Node::or(Node::and(id("a"), id("b")), id("c")))
        );
        assert_eq!(
            parse_when("a && b && c"),
            Some(Node::and(Node::and(id("a"), id("b")), id("c")))
        );
        assert_eq!(parse_when("!!a"), Some(Node::not(Node::not(id("a")))));
    }

    #[test]
    fn when_parens_and_identifiers() {
        assert_eq!(
            parse_when("(a || b) && !(c)"),
            Some(Node::and(Node::or(id("a"), id("b")), Node::not(id("c"))))
        );
        assert_eq!(
            parse_when("  editor.focus-1 && _x "),
            Some(Node::and(id("editor.focus-1"), id("_x")))
        );
        assert_eq!(parse_when("terminalFocus"), Some(id("terminalFocus")));
    }

    #[test]
    fn when_rejects_malformed() {
        for bad in [
            "", "   ", "(a", "a)", "((a)", "&& x", "a &&", "a ||", "a b", "!", "()", "a & b",
            "a | b", "1a", "a == b", "é",
        ] {
            assert_eq!(parse_when(bad), None, "input {bad:?}");
        }
    }

    #[test]
    fn when_depth_limit() {
        let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(
            parse_when(&nested(MAX_WHEN_EXPRESSION_DEPTH)),
            Some(id("a"))
        );
        assert_eq!(parse_when(&nested(MAX_WHEN_EXPRESSION_DEPTH + 1)), None);
        assert_eq!(parse_when(&nested(10_000)), None);

        let nots = |n: usize| format!("{}a", "!".repeat(n));
        assert!(parse_when(&nots(MAX_WHEN_EXPRESSION_DEPTH)).is_some());
        assert_eq!(parse_when(&nots(MAX_WHEN_EXPRESSION_DEPTH + 1)), None);
    }

    #[test]
    fn compile_rule_resolves_or_rejects() {
        let resolved = compile_rule(&KeybindingRule::new(
            "mod+d",
            "diff.toggle",
            Some("!terminalFocus"),
        ))
        .unwrap();
        assert_eq!(resolved.command, "diff.toggle");
        assert_eq!(resolved.shortcut, shortcut("d", "D"));
        assert_eq!(resolved.when_ast, Some(Node::not(id("terminalFocus"))));

        let no_when = compile_rule(&KeybindingRule::new("mod+j", "terminal.toggle", None)).unwrap();
        assert_eq!(no_when.when_ast, None);

        assert!(compile_rule(&KeybindingRule::new("a+b", "terminal.toggle", None)).is_none());
        assert!(
            compile_rule(&KeybindingRule::new("mod+j", "terminal.toggle", Some("(a"))).is_none()
        );
    }
}
