//! Editors a workspace can be opened in, which of them are installed, and how to launch one.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The editor names are wire types (`t3rs_core::protocol::editor`); installing and launching
/// them is this module's.
pub use t3rs_core::protocol::editor::EditorId;

/// The program that opens `editor` on this platform.
pub fn launch_command(editor: EditorId) -> &'static str {
    match editor {
        EditorId::Cursor => "cursor",
        EditorId::Vscode => "code",
        EditorId::Zed => "zed",
        EditorId::FileManager => file_manager_command(),
    }
}

fn file_manager_command() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

#[cfg(unix)]
fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    // `metadata` follows symlinks, which is what matters for launchers like
    // /usr/local/bin/code that link into an application bundle.
    match std::fs::metadata(path) {
        Ok(meta) => meta.is_file() && meta.permissions().mode() & 0o111 != 0,
        Err(_) => false,
    }
}

#[cfg(not(unix))]
fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file())
}

/// PATH entries are sometimes written quoted (copied from shell profiles); the reference
/// strips the quotes and skips blank entries rather than treating them as the cwd.
fn clean_path_entry(entry: PathBuf) -> Option<PathBuf> {
    match entry.to_str() {
        Some(text) => {
            let cleaned = text.trim().trim_matches('"');
            (!cleaned.is_empty()).then(|| PathBuf::from(cleaned))
        }
        None => (!entry.as_os_str().is_empty()).then_some(entry),
    }
}

/// Whether `cmd` resolves to an executable regular file. `path_env` is the PATH value to
/// search; `None` means the current process's PATH. A command containing '/' is a path and
/// is checked directly instead of being searched for.
pub fn is_command_available(cmd: &str, path_env: Option<&OsStr>) -> bool {
    if cmd.is_empty() {
        return false;
    }
    if cmd.contains('/') || (cfg!(windows) && cmd.contains('\\')) {
        return is_executable_file(Path::new(cmd));
    }
    let process_path;
    let path_value = match path_env {
        Some(value) => value,
        None => match std::env::var_os("PATH") {
            Some(value) => {
                process_path = value;
                process_path.as_os_str()
            }
            None => return false,
        },
    };
    std::env::split_paths(path_value)
        .filter_map(clean_path_entry)
        .any(|dir| is_executable_file(&dir.join(cmd)))
}

/// Editors whose launcher is installed, in [`EditorId::ALL`] order.
pub fn available_editors(path_env: Option<&OsStr>) -> Vec<EditorId> {
    EditorId::ALL
        .into_iter()
        .filter(|editor| is_command_available(launch_command(*editor), path_env))
        .collect()
}

/// True when `target` ends in `:<line>` or `:<line>:<col>`; the latter always ends in the
/// former, so checking the last `:digits` suffix is enough.
fn has_line_suffix(target: &str) -> bool {
    let without_digits = target.trim_end_matches(|c: char| c.is_ascii_digit());
    without_digits.len() < target.len() && without_digits.ends_with(':')
}

/// `shell.openInEditor`: starts the editor on `target` and returns at once (the editor lives on
/// its own; t3rs does not wait for it or keep it).
pub fn open_in_editor(editor: EditorId, target: &str) -> Result<(), String> {
    if !is_command_available(launch_command(editor), None) {
        return Err(format!(
            "{} is not installed (no `{}` on PATH).",
            editor.label(),
            launch_command(editor)
        ));
    }
    let (command, args) = editor_launch(editor, target);
    // Detached: its own process group (closing t3rs does not close the editor), the scrubbed
    // environment, stdio on /dev/null, reaped when it exits.
    crate::spawn::command(&command)
        .args(&args)
        .spawn_detached()
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Program and arguments to open `target` in `editor`. VS Code and Cursor only honour a
/// `file:line:col` target when given `--goto`; otherwise they'd open a file with that name.
pub fn editor_launch(editor: EditorId, target: &str) -> (String, Vec<String>) {
    let command = launch_command(editor).to_string();
    let goto = matches!(editor, EditorId::Cursor | EditorId::Vscode) && has_line_suffix(target);
    let args = if goto {
        vec!["--goto".to_string(), target.to_string()]
    } else {
        vec![target.to_string()]
    };
    (command, args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write_file(dir: &Path, name: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn editor_ids_serialize_kebab_case() {
        let json = serde_json::to_value(EditorId::ALL).unwrap();
        assert_eq!(
            json,
            serde_json::json!(["cursor", "vscode", "zed", "file-manager"])
        );
        for editor in EditorId::ALL {
            let text = serde_json::to_string(&editor).unwrap();
            assert_eq!(text, format!("\"{}\"", editor.as_str()));
            let back: EditorId = serde_json::from_str(&text).unwrap();
            assert_eq!(back, editor);
        }
        assert!(serde_json::from_str::<EditorId>("\"fileManager\"").is_err());
    }

    #[test]
    fn editor_commands() {
        assert_eq!(launch_command(EditorId::Cursor), "cursor");
        assert_eq!(launch_command(EditorId::Vscode), "code");
        assert_eq!(launch_command(EditorId::Zed), "zed");
        let expected = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        assert_eq!(launch_command(EditorId::FileManager), expected);
    }

    #[test]
    fn only_executable_files_on_path_are_available() {
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "code", 0o755);
        write_file(dir.path(), "zed", 0o644);
        std::fs::create_dir(dir.path().join("cursor")).unwrap();
        let path = dir.path().as_os_str();

        assert!(is_command_available("code", Some(path)));
        assert!(!is_command_available("zed", Some(path)));
        assert!(!is_command_available("cursor", Some(path)));
        assert!(!is_command_available("missing", Some(path)));
        assert!(!is_command_available("", Some(path)));
        assert_eq!(available_editors(Some(path)), vec![EditorId::Vscode]);
    }

    #[test]
    fn path_search_handles_multiple_quoted_and_empty_entries() {
        let empty = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "zed", 0o700);
        write_file(dir.path(), "cursor", 0o755);

        let joined = format!("{}::\"{}\"", empty.path().display(), dir.path().display());
        let path = OsStr::new(&joined);
        assert!(is_command_available("zed", Some(path)));
        assert_eq!(
            available_editors(Some(path)),
            vec![EditorId::Cursor, EditorId::Zed]
        );
        assert!(available_editors(Some(OsStr::new(""))).is_empty());
    }

    #[test]
    fn command_with_slash_is_checked_directly() {
        let dir = tempfile::tempdir().unwrap();
        let exe = write_file(dir.path(), "tool", 0o755);
        let plain = write_file(dir.path(), "notes", 0o644);
        let empty_path = Some(OsStr::new(""));

        assert!(is_command_available(exe.to_str().unwrap(), empty_path));
        assert!(!is_command_available(plain.to_str().unwrap(), empty_path));
        assert!(!is_command_available(
            dir.path().to_str().unwrap(),
            empty_path
        ));
        // A bare name is never resolved against the directory it happens to live in.
        assert!(!is_command_available("tool", empty_path));
    }

    #[test]
    fn launch_uses_goto_for_line_targets() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            editor_launch(EditorId::Vscode, "/w/src/main.rs:12"),
            ("code".to_string(), s(&["--goto", "/w/src/main.rs:12"]))
        );
        assert_eq!(
            editor_launch(EditorId::Cursor, "/w/src/main.rs:12:5"),
            ("cursor".to_string(), s(&["--goto", "/w/src/main.rs:12:5"]))
        );
        assert_eq!(
            editor_launch(EditorId::Vscode, "/w/project"),
            ("code".to_string(), s(&["/w/project"]))
        );
        assert_eq!(
            editor_launch(EditorId::Vscode, "/w/file:"),
            ("code".to_string(), s(&["/w/file:"]))
        );
        assert_eq!(
            editor_launch(EditorId::Cursor, "/w/v1.2"),
            ("cursor".to_string(), s(&["/w/v1.2"]))
        );
        assert_eq!(
            editor_launch(EditorId::Zed, "/w/src/main.rs:12"),
            ("zed".to_string(), s(&["/w/src/main.rs:12"]))
        );
        let (cmd, args) = editor_launch(EditorId::FileManager, "/w/project:3");
        assert_eq!(cmd, launch_command(EditorId::FileManager));
        assert_eq!(args, s(&["/w/project:3"]));
    }
}
