//! DP Code's pull request methods (dpcode.md §4; S/git/Layers/GitManager.ts:1521-1660):
//! `git.resolvePullRequest` reads a pull request through `gh pr view`, and
//! `git.preparePullRequestThread` checks one out, in the repository itself (`gh pr checkout`)
//! or in a worktree at `git.createWorktree`'s default place. The reference was validated at the
//! boundary (a number or a pull URL), so `gh` can never read it as an option.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use t3rs_core::protocol::git::{PullRequestReference, PullRequestThreadMode};

use super::branches::worktree_paths;
use super::remotes::github_remote;
use super::{gh, is_repo, run, run_ok, worktrees, GitError};

/// What `gh pr view` is asked for (DP Code's field list).
const PR_FIELDS: &str =
    "number,title,url,baseRefName,headRefName,state,mergedAt,isCrossRepository,headRepository,headRepositoryOwner";

/// `{number, title, url, baseBranch, headBranch, state: open|closed|merged}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedPullRequest {
    pub number: u64,
    pub title: String,
    pub url: String,
    pub base_branch: String,
    pub head_branch: String,
    pub state: &'static str,
}

/// `git.resolvePullRequest`'s result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvePullRequestResult {
    pub pull_request: ResolvedPullRequest,
}

/// `git.preparePullRequestThread`'s result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreparedPullRequestThread {
    pub pull_request: ResolvedPullRequest,
    pub branch: String,
    pub worktree_path: Option<String>,
}

/// `gh pr view --json …`'s answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPullRequest {
    number: u64,
    title: String,
    url: String,
    base_ref_name: String,
    head_ref_name: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    merged_at: Option<String>,
    #[serde(default)]
    is_cross_repository: Option<bool>,
}

/// A pull request and where its head lives.
struct Viewed {
    pr: ResolvedPullRequest,
    cross_repository: bool,
}

fn refused(message: impl Into<String>) -> GitError {
    GitError::Refused(message.into())
}

/// Reads `gh pr view`'s JSON, refusing what DP Code's schema would (blank names, number 0).
fn parse_view(stdout: &str) -> Result<Viewed, GitError> {
    let raw: RawPullRequest = serde_json::from_str(stdout.trim()).map_err(|e| {
        refused(format!(
            "GitHub CLI returned invalid pull request JSON: {e}"
        ))
    })?;
    let non_blank = |what: &str, value: &str| {
        let value = value.trim();
        if value.is_empty() {
            Err(refused(format!(
                "GitHub CLI returned a pull request without a {what}"
            )))
        } else {
            Ok(value.to_string())
        }
    };
    if raw.number == 0 {
        return Err(refused("GitHub CLI returned pull request number 0"));
    }
    let merged = raw
        .merged_at
        .as_deref()
        .is_some_and(|m| !m.trim().is_empty());
    let state = match raw.state.as_deref() {
        _ if merged => "merged",
        Some("MERGED") => "merged",
        Some("CLOSED") => "closed",
        _ => "open",
    };
    Ok(Viewed {
        pr: ResolvedPullRequest {
            number: raw.number,
            title: non_blank("title", &raw.title)?,
            url: raw.url.trim().to_string(),
            base_branch: non_blank("base branch", &raw.base_ref_name)?,
            head_branch: non_blank("head branch", &raw.head_ref_name)?,
            state,
        },
        cross_repository: raw.is_cross_repository.unwrap_or(false),
    })
}

fn gh_run(cwd: &Path, gh_program: &Path, args: &[&str]) -> Result<String, GitError> {
    gh::run(cwd, gh_program, args, crate::spawn::deadlines().gh).map_err(|err| {
        let text = err.to_string();
        let lower = text.to_lowercase();
        if lower.contains("could not resolve to a pullrequest")
            || lower.contains("no pull requests found")
            || lower.contains("pull request not found")
        {
            refused(format!(
                "Pull request not found. Check the PR number or URL and try again. ({text})"
            ))
        } else {
            err
        }
    })
}

fn view(cwd: &Path, gh_program: &Path, reference: &str) -> Result<Viewed, GitError> {
    if !is_repo(cwd) {
        return Err(refused(format!(
            "{} is not a git repository",
            cwd.display()
        )));
    }
    let out = gh_run(
        cwd,
        gh_program,
        &["pr", "view", reference, "--json", PR_FIELDS],
    )?;
    parse_view(&out)
}

/// `git.resolvePullRequest`.
pub fn resolve_pull_request(
    cwd: &Path,
    gh_program: &Path,
    reference: &PullRequestReference,
) -> Result<ResolvePullRequestResult, GitError> {
    let viewed = view(cwd, gh_program, &reference.as_gh_arg())?;
    Ok(ResolvePullRequestResult {
        pull_request: viewed.pr,
    })
}

/// The local branch a worktree checks the pull request out on: its own head branch, or for a
/// fork's pull request (whose head name may clash with ours) `t3code/pr-<n>/<head>`, DP Code's
/// name.
fn worktree_branch(viewed: &Viewed) -> String {
    if !viewed.cross_repository {
        return viewed.pr.head_branch.clone();
    }
    let head: String = viewed
        .pr
        .head_branch
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let head = head.trim_matches(|c| c == '-' || c == '/' || c == '.');
    let head = if head.is_empty() { "head" } else { head };
    format!("t3code/pr-{}/{head}", viewed.pr.number)
}

/// A branch name git accepts (it comes from GitHub, so it is checked before git sees it).
fn checked_branch(cwd: &Path, name: &str) -> Result<String, GitError> {
    let out = run(cwd, ["check-ref-format", "--branch", name])?;
    if out.code == Some(0) && !name.starts_with('-') {
        Ok(name.to_string())
    } else {
        Err(refused(format!(
            "the pull request's branch '{name}' is not a valid branch name here"
        )))
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `git.preparePullRequestThread`.
pub fn prepare_pull_request_thread(
    cwd: &Path,
    gh_program: &Path,
    reference: &PullRequestReference,
    mode: PullRequestThreadMode,
    worktrees_root: &Path,
) -> Result<PreparedPullRequestThread, GitError> {
    let reference = reference.as_gh_arg();
    let viewed = view(cwd, gh_program, &reference)?;
    match mode {
        PullRequestThreadMode::Local => {
            gh_run(cwd, gh_program, &["pr", "checkout", &reference, "--force"])?;
            let current = run_ok(cwd, ["branch", "--show-current"])?;
            let branch = match current.trim() {
                "" => viewed.pr.head_branch.clone(),
                current => current.to_string(),
            };
            Ok(PreparedPullRequestThread {
                pull_request: viewed.pr,
                branch,
                worktree_path: None,
            })
        }
        PullRequestThreadMode::Worktree => prepare_worktree(cwd, viewed, worktrees_root),
    }
}

fn prepare_worktree(
    cwd: &Path,
    viewed: Viewed,
    worktrees_root: &Path,
) -> Result<PreparedPullRequestThread, GitError> {
    let branch = checked_branch(cwd, &worktree_branch(&viewed))?;
    let top = canonical(Path::new(
        run_ok(cwd, ["rev-parse", "--show-toplevel"])?.trim(),
    ));
    // Already checked out: its worktree is the thread's; the main checkout cannot be.
    let existing = |path: PathBuf, pr: ResolvedPullRequest| {
        if canonical(&path) == top {
            Err(refused(
                "This PR branch is already checked out in the main repo. Use Local, or switch the main repo off that branch before creating a worktree thread.",
            ))
        } else {
            Ok(PreparedPullRequestThread {
                pull_request: pr,
                branch: branch.clone(),
                worktree_path: Some(path.to_string_lossy().into_owned()),
            })
        }
    };
    // One `git worktree list`, not the whole branch listing.
    if let Some(path) = worktree_paths(cwd).get(&branch) {
        return existing(PathBuf::from(path), viewed.pr);
    }

    // GitHub keeps every pull request's head, a fork's included, at refs/pull/<n>/head of the
    // base repository. No '+': a local branch that moved on its own is refused, not reset.
    let remote = github_remote(cwd)?
        .map(|r| r.remote)
        .unwrap_or_else(|| "origin".to_string());
    let refspec = format!("refs/pull/{}/head:refs/heads/{branch}", viewed.pr.number);
    run_ok(
        cwd,
        [
            "fetch",
            "--quiet",
            "--no-tags",
            "--",
            remote.as_str(),
            refspec.as_str(),
        ],
    )?;
    if !viewed.cross_repository {
        // The branch tracks the pull request's head, so pull and push work from the thread.
        run_ok(
            cwd,
            [
                "config",
                &format!("branch.{branch}.remote"),
                remote.as_str(),
            ],
        )?;
        run_ok(
            cwd,
            [
                "config",
                &format!("branch.{branch}.merge"),
                &format!("refs/heads/{}", viewed.pr.head_branch),
            ],
        )?;
    }
    let created = worktrees::create_worktree(cwd, &branch, None, None, worktrees_root)?;
    Ok(PreparedPullRequestThread {
        pull_request: viewed.pr,
        branch: created.branch,
        worktree_path: Some(created.path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewed(json: &str) -> Viewed {
        match parse_view(json) {
            Ok(v) => v,
            Err(e) => panic!("{json}: {e}"),
        }
    }

    #[test]
    fn gh_states_become_dp_codes() {
        let base = r#""number":3,"title":"T","url":"u","baseRefName":"main","headRefName":"f""#;
        assert_eq!(
            viewed(&format!("{{{base},\"state\":\"OPEN\"}}")).pr.state,
            "open"
        );
        assert_eq!(
            viewed(&format!("{{{base},\"state\":\"CLOSED\"}}")).pr.state,
            "closed"
        );
        assert_eq!(
            viewed(&format!("{{{base},\"state\":\"MERGED\"}}")).pr.state,
            "merged"
        );
        assert_eq!(
            viewed(&format!(
                "{{{base},\"state\":\"CLOSED\",\"mergedAt\":\"2024-01-01\"}}"
            ))
            .pr
            .state,
            "merged"
        );
        assert_eq!(viewed(&format!("{{{base}}}")).pr.state, "open");
    }

    #[test]
    fn blank_or_broken_answers_are_errors() {
        for bad in [
            "",
            "[]",
            r#"{"number":0,"title":"T","url":"u","baseRefName":"main","headRefName":"f"}"#,
            r#"{"number":1,"title":" ","url":"u","baseRefName":"main","headRefName":"f"}"#,
            r#"{"number":1,"title":"T","url":"u","baseRefName":"main","headRefName":""}"#,
        ] {
            assert!(parse_view(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_forks_pull_request_gets_its_own_branch_name() {
        let fork = viewed(
            r#"{"number":9,"title":"T","url":"u","baseRefName":"main","headRefName":"main","isCrossRepository":true}"#,
        );
        assert_eq!(worktree_branch(&fork), "t3code/pr-9/main");
        let odd = viewed(
            r#"{"number":9,"title":"T","url":"u","baseRefName":"main","headRefName":"..","isCrossRepository":true}"#,
        );
        assert_eq!(worktree_branch(&odd), "t3code/pr-9/head");
        let own = viewed(
            r#"{"number":9,"title":"T","url":"u","baseRefName":"main","headRefName":"feat/x"}"#,
        );
        assert_eq!(worktree_branch(&own), "feat/x");
    }
}
