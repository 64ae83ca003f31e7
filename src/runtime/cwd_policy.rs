//! Which directories a client may name as a `cwd` (`git.*`, `terminal.open`/`restart`,
//! `projects.searchEntries`/`writeFile`, `shell.openInEditor`): the directory itself or anything
//! below, after canonicalisation, of a live project's workspace root, a live thread's worktree
//! that git confirms belongs to the thread's project, `<state dir>/worktrees` (where t3rs
//! creates worktrees) or the server's `--cwd`. Defense in
//! depth: even a client that got in cannot steer a shell or a write at `/etc`.
//!
//! The Engine publishes the read model's roots into a [`RootsView`] after each flush that
//! changed them (before it acknowledges the command), so a Session checks synchronously and a
//! connection's requests keep their order.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::orchestration::events::EventBody;
use crate::orchestration::ReadModel;

/// The read model's roots: live projects' workspace roots and live threads' worktree paths, as
/// recorded (not canonicalised).
#[derive(Clone, Default)]
pub struct RootsView(Arc<RwLock<Arc<Vec<PathBuf>>>>, Arc<Mutex<WorktreeVerdicts>>);

/// Whether a (worktree, project root) pair is a git worktree of that project, once looked up.
type WorktreeVerdicts = HashMap<(String, String), bool>;

/// Whether `worktree` is a git worktree of the repository at `project_root`: its `.git` is a
/// file naming a directory in the project's `.git/worktrees/`. A thread's `worktreePath` is
/// the client's to set, so it admits a cwd only when git agrees.
fn is_worktree_of(worktree: &Path, project_root: &Path) -> bool {
    let dot_git = worktree.join(".git");
    let is_file = std::fs::symlink_metadata(&dot_git).is_ok_and(|m| m.is_file());
    let Some(gitdir) = is_file
        .then(|| std::fs::read_to_string(&dot_git).ok())
        .flatten()
        .and_then(|text| {
            text.lines()
                .next()
                .and_then(|l| l.strip_prefix("gitdir:"))
                .map(|p| worktree.join(p.trim()))
        })
    else {
        return false;
    };
    let registry = std::fs::canonicalize(project_root.join(".git").join("worktrees"));
    match (std::fs::canonicalize(gitdir), registry) {
        (Ok(gitdir), Ok(registry)) => gitdir.starts_with(registry),
        _ => false,
    }
}

impl RootsView {
    pub fn get(&self) -> Arc<Vec<PathBuf>> {
        match self.0.read() {
            Ok(roots) => Arc::clone(&roots),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the roots with those of `model`.
    pub fn publish(&self, model: &ReadModel) {
        let mut roots: Vec<PathBuf> = model
            .projects
            .values()
            .filter(|p| p.deleted_at.is_none())
            .map(|p| PathBuf::from(&p.workspace_root))
            .collect();
        let mut verdicts = self.1.lock().unwrap_or_else(|e| e.into_inner());
        for thread in model.threads.values().filter(|t| t.deleted_at.is_none()) {
            let (Some(worktree), Some(project)) = (
                thread.worktree_path.as_ref(),
                model
                    .projects
                    .get(&thread.project_id)
                    .filter(|p| p.deleted_at.is_none()),
            ) else {
                continue;
            };
            let key = (worktree.clone(), project.workspace_root.clone());
            let admitted = *verdicts.entry(key).or_insert_with(|| {
                is_worktree_of(Path::new(worktree), Path::new(&project.workspace_root))
            });
            if admitted {
                roots.push(PathBuf::from(worktree));
            }
        }
        drop(verdicts);
        roots.sort();
        roots.dedup();
        let roots = Arc::new(roots);
        match self.0.write() {
            Ok(mut slot) => *slot = roots,
            Err(poisoned) => *poisoned.into_inner() = roots,
        }
    }
}

/// Whether an event can change the roots (so the view must be published again).
pub fn changes_roots(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::ProjectCreated(_)
            | EventBody::ProjectMetaUpdated(_)
            | EventBody::ProjectDeleted(_)
            | EventBody::ThreadCreated(_)
            | EventBody::ThreadMetaUpdated(_)
            | EventBody::ThreadDeleted(_)
    )
}

/// The check a Session makes before routing a request that names a `cwd`.
#[derive(Clone)]
pub struct CwdPolicy {
    /// The server's `--cwd` and `<state dir>/worktrees`, canonical.
    fixed: Arc<Vec<PathBuf>>,
    model: RootsView,
}

impl CwdPolicy {
    pub fn new(server_cwd: &Path, worktrees_root: &Path, model: RootsView) -> Self {
        let fixed = [server_cwd, worktrees_root]
            .iter()
            .filter_map(|p| canonical_lenient(p))
            .collect();
        Self {
            fixed: Arc::new(fixed),
            model,
        }
    }

    /// `Ok` when `cwd` is inside an allowed root; otherwise an error naming `field`.
    pub fn check(&self, field: &str, cwd: &str) -> Result<(), String> {
        let refused = || {
            format!(
                "{field}: {cwd} is not inside a project's workspace root, a t3rs worktree or \
                 the server's --cwd"
            )
        };
        let path = Path::new(cwd);
        if !path.is_absolute() {
            return Err(format!("{field}: {cwd} is not an absolute path"));
        }
        let Some(canonical) = canonical_lenient(path) else {
            return Err(refused());
        };
        if self.fixed.iter().any(|root| canonical.starts_with(root)) {
            return Ok(());
        }
        let roots = self.model.get();
        // A canonical path that starts with a recorded root's components proves that root is
        // canonical too (every prefix of a canonical path is), so no syscall is needed...
        if roots.iter().any(|root| canonical.starts_with(root)) {
            return Ok(());
        }
        // ...only for roots recorded through a symlink or with `..`.
        if roots
            .iter()
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .any(|root| canonical.starts_with(root))
        {
            return Ok(());
        }
        Err(refused())
    }
}

/// `path` with every symlink resolved. A path whose tail does not exist yet (a project folder
/// deleted from disk, a worktree directory not yet made) is its deepest existing ancestor,
/// canonical, plus the plain names below it; a missing tail with `..` in it is `None`.
fn canonical_lenient(path: &Path) -> Option<PathBuf> {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return Some(canonical);
    }
    let mut missing = Vec::new();
    let mut at = path;
    loop {
        match at.file_name() {
            Some(name) if !matches!(at.components().next_back(), Some(Component::ParentDir)) => {
                missing.push(name.to_os_string());
            }
            _ => return None,
        }
        at = at.parent()?;
        if let Ok(mut canonical) = std::fs::canonicalize(at) {
            canonical.extend(missing.iter().rev());
            return Some(canonical);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(server_cwd: &Path, worktrees: &Path, roots: &[&Path]) -> CwdPolicy {
        let view = RootsView::default();
        *view.0.write().unwrap() = Arc::new(roots.iter().map(|p| p.to_path_buf()).collect());
        CwdPolicy::new(server_cwd, worktrees, view)
    }

    #[test]
    fn inside_an_allowed_root_only() {
        let base = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(base.path()).unwrap();
        for dir in ["cwd/sub", "state/worktrees/w1", "project/src", "elsewhere"] {
            std::fs::create_dir_all(base.join(dir)).unwrap();
        }
        let p = policy(
            &base.join("cwd"),
            &base.join("state/worktrees"),
            &[&base.join("project")],
        );
        let ok = |rel: &str| p.check("body.cwd", base.join(rel).to_str().unwrap());
        for rel in [
            "cwd",
            "cwd/sub",
            "state/worktrees/w1",
            "project",
            "project/src",
            "project/not-yet/made",
            "project/src/../src",
        ] {
            assert_eq!(ok(rel), Ok(()), "{rel}");
        }
        for rel in [
            "elsewhere",
            "state",
            "project/../elsewhere",
            "projectx",
            "cwd/../elsewhere",
        ] {
            let err = ok(rel).unwrap_err();
            assert!(err.starts_with("body.cwd: "), "{rel}: {err}");
            assert!(
                err.contains("is not inside a project's workspace root"),
                "{err}"
            );
        }
        assert_eq!(
            p.check("body.cwd", "/etc").unwrap_err(),
            "body.cwd: /etc is not inside a project's workspace root, a t3rs worktree or the \
             server's --cwd"
        );
        assert!(p
            .check("body.cwd", "relative")
            .unwrap_err()
            .contains("not an absolute path"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_resolved_both_ways() {
        let base = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(base.path()).unwrap();
        std::fs::create_dir_all(base.join("real/project")).unwrap();
        std::fs::create_dir_all(base.join("cwd")).unwrap();
        std::os::unix::fs::symlink(base.join("real/project"), base.join("link")).unwrap();
        std::os::unix::fs::symlink("/etc", base.join("real/project/etc")).unwrap();
        // A root recorded through a symlink admits its real path.
        let p = policy(&base.join("cwd"), &base.join("wt"), &[&base.join("link")]);
        let check = |rel: &str| p.check("body.cwd", base.join(rel).to_str().unwrap());
        assert_eq!(check("real/project"), Ok(()));
        assert_eq!(check("link"), Ok(()));
        // A symlink inside a root that leads out of it does not.
        assert!(check("real/project/etc").is_err());
        assert!(check("link/etc").is_err());
    }
}
