use super::*;
use crate::keybindings::{compile_rule, default_resolved};
use serde_json::json;

fn rule(key: &str, command: &str, when: Option<&str>) -> KeybindingRule {
    KeybindingRule::new(key, command, when)
}

fn read_rules(path: &Path) -> Vec<KeybindingRule> {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn missing_file_loads_defaults_without_issues() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = KeybindingsFile::new(dir.path().join("keybindings.json"));
    let state = file.load().unwrap();
    assert_eq!(state.keybindings, default_resolved());
    assert!(state.issues.is_empty());
    assert!(!file.path().exists());
}

#[test]
fn sync_writes_defaults_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("keybindings.json");
    let mut file = KeybindingsFile::new(&path);
    file.sync_defaults_on_startup().unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("[\n  {\n    \"key\": \"mod+j\""), "{text}");
    assert!(text.ends_with("]\n"));
    assert_eq!(read_rules(&path), default_rules());
    assert_eq!(
        dir_entries(&dir.path().join("nested")),
        ["keybindings.json"]
    );
    assert_eq!(file.load().unwrap().keybindings, default_resolved());
}

#[test]
fn malformed_file_is_an_issue_and_upsert_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    let original = "[{\"key\": \"mod+j\", \"command\": \"terminal.toggle\"";
    fs::write(&path, original).unwrap();

    let mut file = KeybindingsFile::new(&path);
    let state = file.load().unwrap();
    assert_eq!(state.keybindings, default_resolved());
    assert_eq!(state.issues.len(), 1);
    match &state.issues[0] {
        ServerConfigIssue::MalformedConfig { message } => {
            assert!(message.starts_with("expected JSON array"), "{message}")
        }
        other => panic!("unexpected issue {other:?}"),
    }

    let err = file
        .upsert(rule("mod+k", "terminal.toggle", None))
        .unwrap_err();
    assert!(matches!(err, KeybindingsError::Malformed { .. }));
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("fix or remove the file"), "{message}");
    assert_eq!(fs::read_to_string(&path).unwrap(), original);

    file.sync_defaults_on_startup().unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), original);
}

#[test]
fn non_array_json_is_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    fs::write(&path, "{\"key\": \"mod+j\"}").unwrap();
    let state = KeybindingsFile::new(&path).load().unwrap();
    assert_eq!(
        state.issues,
        vec![ServerConfigIssue::MalformedConfig {
            message: "expected JSON array, found an object".into()
        }]
    );
    assert_eq!(state.keybindings, default_resolved());
}

#[test]
fn invalid_entries_become_indexed_issues() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    let config = json!([
        {"key": " mod+k ", "command": "chat.new", "extra": true},
        {"key": "mod+k", "command": "nope"},
        42,
        {"key": "mod+a+b", "command": "diff.toggle"},
        {"key": "mod+l", "command": "diff.toggle", "when": null},
        {"key": "mod+l", "command": "diff.toggle", "when": "(a"},
        {"command": "diff.toggle"},
    ]);
    fs::write(&path, config.to_string()).unwrap();
    let state = KeybindingsFile::new(&path).load().unwrap();

    let indexes: Vec<usize> = state
        .issues
        .iter()
        .map(|issue| match issue {
            ServerConfigIssue::InvalidEntry { index, .. } => *index,
            other => panic!("unexpected issue {other:?}"),
        })
        .collect();
    assert_eq!(indexes, [1, 2, 3, 4, 5, 6]);
    let ServerConfigIssue::InvalidEntry { message, .. } = &state.issues[0] else {
        unreachable!()
    };
    assert!(
        message.starts_with("command: unknown command 'nope'"),
        "{message}"
    );

    // The one valid entry (trimmed) replaces both chat.new defaults and comes last.
    let last = state.keybindings.last().unwrap();
    assert_eq!(
        Some(last),
        compile_rule(&rule("mod+k", "chat.new", None)).as_ref()
    );
    assert_eq!(
        state
            .keybindings
            .iter()
            .filter(|r| r.command == "chat.new")
            .count(),
        1
    );
    assert_eq!(state.keybindings.len(), 8);
}

#[test]
fn upsert_replaces_same_command_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    fs::write(
        &path,
        json!([
            {"key": "mod+n", "command": "chat.new", "when": "!terminalFocus"},
            {"key": "mod+1", "command": "script.test.run"},
            {"key": "mod+shift+o", "command": "chat.new", "when": "!terminalFocus"},
            {"key": "mod+2", "command": "bogus"},
        ])
        .to_string(),
    )
    .unwrap();

    let mut file = KeybindingsFile::new(&path);
    let state = file.upsert(rule("mod+k", "chat.new", None)).unwrap();
    assert!(state.issues.is_empty());
    assert_eq!(
        state
            .keybindings
            .iter()
            .filter(|r| r.command == "chat.new")
            .count(),
        1
    );

    let expected = vec![
        rule("mod+1", "script.test.run", None),
        rule("mod+k", "chat.new", None),
    ];
    assert_eq!(read_rules(&path), expected);
    assert_eq!(dir_entries(dir.path()), ["keybindings.json"]);

    let mut fresh = KeybindingsFile::new(&path);
    let reloaded = fresh.load().unwrap();
    assert_eq!(reloaded, state);
    assert_eq!(file.load().unwrap(), state);
}

#[test]
fn upsert_creates_missing_file_and_caps_to_latest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("keybindings.json");
    let many: Vec<KeybindingRule> = (0..MAX_KEYBINDINGS_COUNT)
        .map(|i| rule(&format!("f{i}"), &format!("script.s{i}.run"), None))
        .collect();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, serde_json::to_string(&many).unwrap()).unwrap();

    let mut file = KeybindingsFile::new(&path);
    file.upsert(rule("mod+j", "terminal.toggle", None)).unwrap();
    let written = read_rules(&path);
    assert_eq!(written.len(), MAX_KEYBINDINGS_COUNT);
    assert_eq!(written[0].command, "script.s1.run");
    assert_eq!(written.last().unwrap().command, "terminal.toggle");

    let other = dir.path().join("b").join("keybindings.json");
    let state = KeybindingsFile::new(&other)
        .upsert(rule("mod+j", "terminal.toggle", None))
        .unwrap();
    assert_eq!(read_rules(&other), [rule("mod+j", "terminal.toggle", None)]);
    assert_eq!(state.keybindings.len(), 9);
}

#[test]
fn load_is_cached_until_invalidated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    let mut file = KeybindingsFile::new(&path);
    let before = file.load().unwrap();
    fs::write(&path, "not json").unwrap();
    assert_eq!(file.load().unwrap(), before);
    file.invalidate();
    assert_eq!(file.load().unwrap().issues.len(), 1);
}

#[test]
fn sync_appends_missing_defaults_but_skips_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    let custom = vec![
        // Same chord and context as the terminal.toggle default, written differently.
        rule("MOD+J", "script.build.run", None),
        rule("mod+d", "diff.toggle", Some("!terminalFocus")),
    ];
    fs::write(&path, serde_json::to_string(&custom).unwrap()).unwrap();

    let mut file = KeybindingsFile::new(&path);
    file.sync_defaults_on_startup().unwrap();
    let written = read_rules(&path);
    // Entries come back trimmed/validated; MOD+J is kept as the user wrote it.
    assert_eq!(&written[..2], &custom[..]);
    let appended: Vec<&str> = written[2..].iter().map(|r| r.command.as_str()).collect();
    assert_eq!(
        appended,
        [
            "terminal.split",
            "terminal.new",
            "terminal.close",
            "chat.new",
            "chat.new",
            "chat.newLocal",
            "editor.openFavorite"
        ]
    );

    // Nothing missing any more: the file is not rewritten.
    fs::write(&path, serde_json::to_string(&written).unwrap()).unwrap();
    let before = fs::read_to_string(&path).unwrap();
    file.sync_defaults_on_startup().unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn sync_leaves_file_with_invalid_entries_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    let original = "[{\"key\": \"mod+k\", \"command\": \"nope\"}]";
    fs::write(&path, original).unwrap();
    let mut file = KeybindingsFile::new(&path);
    file.sync_defaults_on_startup().unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), original);
    assert_eq!(file.load().unwrap().issues.len(), 1);
}

#[cfg(unix)]
#[test]
fn write_keeps_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keybindings.json");
    fs::write(&path, "[]").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    KeybindingsFile::new(&path)
        .upsert(rule("mod+j", "terminal.toggle", None))
        .unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}
