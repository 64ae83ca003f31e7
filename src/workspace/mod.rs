//! The user's project directories: editors, file search, confined writes.
pub mod browse;
pub mod editors;
pub mod files;
pub mod search;

/// What is wrong with a path given as a workspace root.
#[derive(Debug)]
pub enum RootProblem {
    Empty,
    NotAbsolute,
    Unreadable(std::io::Error),
    NotAFolder,
}

/// A workspace root must be an existing folder given by an absolute path; it is returned
/// canonical, so two spellings of one folder compare equal. Callers word the problem for
/// their audience (a command's field, a git or terminal request).
pub fn resolve_workspace_root(root: &str) -> Result<std::path::PathBuf, RootProblem> {
    if root.trim().is_empty() {
        return Err(RootProblem::Empty);
    }
    let path = std::path::Path::new(root);
    if !path.is_absolute() {
        return Err(RootProblem::NotAbsolute);
    }
    let canonical = std::fs::canonicalize(path).map_err(RootProblem::Unreadable)?;
    if !canonical.is_dir() {
        return Err(RootProblem::NotAFolder);
    }
    Ok(canonical)
}

/// A project's `workspaceRoot` must be an existing folder given by an absolute path: every
/// turn, terminal and git call runs there, and a typo is better refused when the project is
/// added than found later by each of them.
pub fn check_workspace_root(root: &str) -> Result<(), String> {
    resolve_workspace_root(root)
        .map(drop)
        .map_err(|problem| match problem {
            RootProblem::Empty => "workspaceRoot: must not be empty".into(),
            RootProblem::NotAbsolute => format!("workspaceRoot: `{root}` is not an absolute path"),
            RootProblem::Unreadable(err) if err.kind() == std::io::ErrorKind::NotFound => {
                format!("workspaceRoot: `{root}` does not exist")
            }
            RootProblem::Unreadable(err) => {
                format!("workspaceRoot: `{root}` cannot be read ({err})")
            }
            RootProblem::NotAFolder => format!("workspaceRoot: `{root}` is not a folder"),
        })
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
