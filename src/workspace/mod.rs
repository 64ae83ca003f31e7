//! The user's project directories: editors, file search, confined writes.
pub mod editors;
pub mod files;
pub mod search;

/// A project's `workspaceRoot` must be an existing folder given by an absolute path: every
/// turn, terminal and git call runs there, and a typo is better refused when the project is
/// added than found later by each of them.
pub fn check_workspace_root(root: &str) -> Result<(), String> {
    let path = std::path::Path::new(root);
    if root.trim().is_empty() {
        return Err("workspaceRoot: must not be empty".into());
    }
    if !path.is_absolute() {
        return Err(format!("workspaceRoot: `{root}` is not an absolute path"));
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(format!("workspaceRoot: `{root}` is not a folder")),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Err(format!("workspaceRoot: `{root}` does not exist"))
        }
        Err(err) => Err(format!("workspaceRoot: `{root}` cannot be read ({err})")),
    }
}

#[cfg(test)]
mod tests {
    use super::check_workspace_root;

    #[test]
    fn workspace_roots_must_be_existing_absolute_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_string_lossy().to_string();
        assert_eq!(check_workspace_root(&root), Ok(()));
        let file = dir.path().join("f.txt");
        std::fs::write(&file, "x").unwrap();
        let file = file.to_string_lossy().to_string();
        assert_eq!(
            check_workspace_root(&file),
            Err(format!("workspaceRoot: `{file}` is not a folder"))
        );
        let missing = format!("{root}/missing");
        assert_eq!(
            check_workspace_root(&missing),
            Err(format!("workspaceRoot: `{missing}` does not exist"))
        );
        assert_eq!(
            check_workspace_root("relative/dir"),
            Err("workspaceRoot: `relative/dir` is not an absolute path".into())
        );
        assert_eq!(
            check_workspace_root("  "),
            Err("workspaceRoot: must not be empty".into())
        );
    }
}
