//! What `git status` does not say about the current branch, measured beside it (thrown away
//! if status names another branch): how far a branch without upstream is ahead of its base
//! (the same base [`super::base_branch_for_no_upstream`] picks), or the upstream's branch name
//! on its remote. Two git processes at once (the refs, the branch config) and a `rev-list`
//! when there is a base, instead of one process per question: on a busy machine each process
//! start competes with `git status` itself.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::super::branches::DEFAULT_BRANCH_CANDIDATES;
use super::super::run;
use super::commits_ahead;

pub(super) struct BranchFacts {
    pub branch: String,
    pub ahead_of_base: Option<u64>,
    pub upstream_branch: Option<String>,
}

/// `refs/heads/<name>` without `refs/heads/`; None when empty.
pub(super) fn short_merge_branch(merge: &str) -> Option<String> {
    let merge = merge.trim();
    let name = merge.strip_prefix("refs/heads/").unwrap_or(merge).trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// The refs the answer needs: local branches, origin's, which one is checked out.
#[derive(Default)]
struct Refs {
    current: Option<String>,
    current_upstream: Option<String>,
    /// Full names of `refs/heads/*` and `refs/remotes/origin/*`.
    names: HashSet<String>,
    /// What `refs/remotes/origin/HEAD` points at.
    origin_head: Option<String>,
}

fn parse_refs(stdout: &str) -> Refs {
    let mut refs = Refs::default();
    for line in stdout.lines() {
        let mut fields = line.split('\0');
        let (Some(head), Some(name), Some(upstream), Some(symref)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if name == "refs/remotes/origin/HEAD" && !symref.is_empty() {
            refs.origin_head = Some(symref.to_string());
        }
        if head == "*" {
            if let Some(branch) = name.strip_prefix("refs/heads/") {
                refs.current = Some(branch.to_string());
                refs.current_upstream = (!upstream.is_empty()).then(|| upstream.to_string());
            }
        }
        refs.names.insert(name.to_string());
    }
    refs
}

/// `branch.<name>.<key>` values from `git config -z --get-regexp` (`key\nvalue\0`); the last
/// one wins, as `git config --get` answers.
fn parse_branch_config(stdout: &str) -> HashMap<String, String> {
    let mut values = HashMap::new();
    for record in stdout.split('\0').filter(|r| !r.is_empty()) {
        let (key, value) = record.split_once('\n').unwrap_or((record, ""));
        values.insert(key.to_string(), value.to_string());
    }
    values
}

pub(super) fn branch_facts(cwd: &Path) -> Option<BranchFacts> {
    let (refs, config) = std::thread::scope(|scope| {
        let config = scope.spawn(|| {
            run(
                cwd,
                [
                    "config",
                    "-z",
                    "--get-regexp",
                    r"^branch\..*\.(merge|gh-merge-base)$",
                ],
            )
        });
        let refs = run(
            cwd,
            [
                "for-each-ref",
                "--format=%(HEAD)%00%(refname)%00%(upstream)%00%(symref)",
                "refs/heads",
                "refs/remotes/origin",
            ],
        );
        (refs, config.join())
    });
    let refs = refs.ok().filter(|o| o.code == Some(0))?;
    let refs = parse_refs(&refs.stdout);
    // Exit 1 is "no such keys".
    let config = match config {
        Ok(Ok(out)) if out.code == Some(0) => parse_branch_config(&out.stdout),
        _ => HashMap::new(),
    };
    let branch = refs.current.clone()?;
    if refs.current_upstream.is_some() {
        return Some(BranchFacts {
            upstream_branch: config
                .get(&format!("branch.{branch}.merge"))
                .and_then(|m| short_merge_branch(m)),
            branch,
            ahead_of_base: None,
        });
    }
    let ahead = base(&refs, &config, &branch).map_or(0, |base| commits_ahead(cwd, &base));
    Some(BranchFacts {
        branch,
        ahead_of_base: Some(ahead),
        upstream_branch: None,
    })
}

/// [`super::base_branch_for_no_upstream`]'s choice, from the refs and config already read:
/// `gh-merge-base`, origin's default, main, master; a local branch, else `origin/<name>`.
fn base(refs: &Refs, config: &HashMap<String, String>, branch: &str) -> Option<String> {
    let configured = config
        .get(&format!("branch.{branch}.gh-merge-base"))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let origin_default = refs
        .origin_head
        .as_deref()
        .and_then(|r| r.strip_prefix("refs/remotes/origin/"))
        .filter(|b| !b.is_empty())
        .map(str::to_string);
    let candidates = configured
        .into_iter()
        .chain(origin_default)
        .chain(DEFAULT_BRANCH_CANDIDATES.iter().map(|s| s.to_string()));
    for candidate in candidates {
        let name = candidate.strip_prefix("origin/").unwrap_or(&candidate);
        if name.is_empty() || name == branch {
            continue;
        }
        if refs.names.contains(&format!("refs/heads/{name}")) {
            return Some(name.to_string());
        }
        if refs.names.contains(&format!("refs/remotes/origin/{name}")) {
            return Some(format!("origin/{name}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::branches::tests::{commit_file, git, new_repo, repo_with_origin};
    use crate::git::status::base_branch_for_no_upstream;

    /// The facts agree with the per-question lookups they replace.
    #[test]
    fn facts_match_the_one_question_lookups() {
        let dir = tempfile::tempdir().unwrap();
        let (repo, _bare) = repo_with_origin(dir.path());
        git(&repo, &["checkout", "-q", "-b", "feature"]);
        commit_file(&repo, "f.txt", "f\n", "f1");
        commit_file(&repo, "g.txt", "g\n", "f2");
        let facts = branch_facts(&repo).unwrap();
        assert_eq!(facts.branch, "feature");
        assert_eq!(facts.ahead_of_base, Some(2));
        assert_eq!(
            base_branch_for_no_upstream(&repo, "feature").as_deref(),
            Some("main")
        );

        git(
            &repo,
            &["config", "branch.feature.gh-merge-base", "origin/side"],
        );
        git(&repo, &["push", "-q", "origin", "HEAD~1:refs/heads/side"]);
        git(&repo, &["fetch", "-q", "origin"]);
        let facts = branch_facts(&repo).unwrap();
        assert_eq!(
            base_branch_for_no_upstream(&repo, "feature").as_deref(),
            Some("origin/side")
        );
        assert_eq!(facts.ahead_of_base, Some(1));

        git(&repo, &["checkout", "-q", "main"]);
        let facts = branch_facts(&repo).unwrap();
        assert_eq!(facts.ahead_of_base, None);
        assert_eq!(facts.upstream_branch.as_deref(), Some("main"));

        git(&repo, &["checkout", "-q", "--detach"]);
        assert!(branch_facts(&repo).is_none());

        // Unborn: no refs yet; the caller falls back to asking one question at a time.
        let fresh = new_repo(&dir.path().join("fresh"));
        assert!(branch_facts(&fresh).is_none());
    }

    #[test]
    fn config_records_keep_the_last_value() {
        let parsed =
            parse_branch_config("branch.a.merge\nrefs/heads/a\0branch.a.merge\nrefs/heads/b\0");
        assert_eq!(parsed["branch.a.merge"], "refs/heads/b");
        assert_eq!(short_merge_branch("refs/heads/x/y").as_deref(), Some("x/y"));
        assert_eq!(short_merge_branch(" "), None);
    }
}
