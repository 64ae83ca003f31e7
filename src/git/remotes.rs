//! DP Code's `git.githubRepository` (dpcode.md §4; S/wsRpc.ts:140-172): which GitHub
//! repository a checkout belongs to, read from the remotes' configured URLs alone (no network,
//! no `gh`). The URL is the one written in the config, before any `url.<base>.insteadOf`
//! rewrite: the user named that repository, wherever the bytes actually travel.

use std::path::Path;

use serde::Serialize;

use super::{config_get, run, GitError};

/// `{nameWithOwner, url}` of a GitHub repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GithubRepository {
    pub name_with_owner: String,
    pub url: String,
}

/// `git.githubRepository`'s result: `{repository: {nameWithOwner, url} | null}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GithubRepositoryResult {
    pub repository: Option<GithubRepository>,
}

/// A GitHub remote: its name and the repository it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubRemote {
    pub remote: String,
    pub repository: GithubRepository,
}

/// The first GitHub remote in DP Code's order: the current branch's remote, then
/// `remote.pushDefault`, then `origin`, then every other remote as `git remote` lists them.
pub fn github_remote(cwd: &Path) -> Result<Option<GithubRemote>, GitError> {
    let mut candidates: Vec<String> = Vec::new();
    let branch = run(cwd, ["branch", "--show-current"])?;
    let branch = branch.stdout.trim();
    if branch.is_empty() {
        // Detached HEAD, or not a repository at all: `git remote` says which below.
    } else if let Some(remote) = config_get(cwd, &format!("branch.{branch}.remote"))? {
        candidates.push(remote);
    }
    if let Some(remote) = config_get(cwd, "remote.pushDefault")? {
        candidates.push(remote);
    }
    candidates.push("origin".into());
    let listed = run(cwd, ["remote"])?;
    if listed.code != Some(0) {
        return Err(GitError::Refused(format!(
            "{} is not a git repository: {}",
            cwd.display(),
            listed.message()
        )));
    }
    candidates.extend(listed.stdout.lines().map(|l| l.trim().to_string()));

    let mut seen: Vec<&str> = Vec::new();
    for remote in &candidates {
        if remote.is_empty() || remote == "." || seen.contains(&remote.as_str()) {
            continue;
        }
        seen.push(remote);
        let Some(url) = config_get(cwd, &format!("remote.{remote}.url"))? else {
            continue;
        };
        if let Some(name_with_owner) = parse_github_remote_url(&url) {
            return Ok(Some(GithubRemote {
                remote: remote.clone(),
                repository: GithubRepository {
                    url: format!("https://github.com/{name_with_owner}"),
                    name_with_owner,
                },
            }));
        }
    }
    Ok(None)
}

/// `git.githubRepository`.
pub fn github_repository(cwd: &Path) -> Result<GithubRepositoryResult, GitError> {
    Ok(GithubRepositoryResult {
        repository: github_remote(cwd)?.map(|r| r.repository),
    })
}

/// `owner/name` from a github.com remote URL in any of the forms git takes: `https://`,
/// `http://`, `git://`, `ssh://[user@]github.com[:port]/`, and scp-like `git@github.com:`
/// (a trailing `.git` and `/` are dropped). Anything else, GitHub Enterprise hosts included,
/// is not github.com and gives None.
pub fn parse_github_remote_url(url: &str) -> Option<String> {
    let url = url.trim();
    let path = if let Some((scheme, rest)) = url.split_once("://") {
        if !["https", "http", "git", "ssh"].contains(&scheme.to_ascii_lowercase().as_str()) {
            return None;
        }
        let (authority, path) = rest.split_once('/')?;
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = host.split_once(':').map_or(host, |(h, _port)| h);
        if !host.eq_ignore_ascii_case("github.com") {
            return None;
        }
        path
    } else {
        // scp-like: [user@]github.com:owner/name
        let (authority, path) = url.split_once(':')?;
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if !host.eq_ignore_ascii_case("github.com") || path.starts_with('/') {
            return None;
        }
        path
    };
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, name) = path.split_once('/')?;
    let valid = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (valid(owner) && valid(name)).then(|| format!("{owner}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::branches::tests::{git, new_repo};

    #[test]
    fn every_url_form_git_takes_is_read() {
        for url in [
            "https://github.com/acme/widgets.git",
            "https://github.com/acme/widgets",
            "https://github.com/acme/widgets/",
            "http://github.com/acme/widgets.git",
            "https://token@github.com/acme/widgets.git",
            "git://github.com/acme/widgets.git",
            "ssh://git@github.com/acme/widgets.git",
            "ssh://git@github.com:22/acme/widgets",
            "git@github.com:acme/widgets.git",
            "git@GitHub.com:acme/widgets",
            "github.com:acme/widgets",
        ] {
            assert_eq!(
                parse_github_remote_url(url).as_deref(),
                Some("acme/widgets"),
                "{url}"
            );
        }
    }

    #[test]
    fn other_hosts_and_odd_paths_are_not_github() {
        for url in [
            "https://gitlab.com/acme/widgets.git",
            "https://github.com.evil.test/acme/widgets",
            "git@ghe.corp:acme/widgets.git",
            "/srv/git/widgets.git",
            "file:///srv/git/widgets.git",
            "https://github.com/acme",
            "https://github.com/acme/wid gets",
            "https://github.com/../widgets",
            "git@github.com:/acme/widgets",
            "",
        ] {
            assert_eq!(parse_github_remote_url(url), None, "{url}");
        }
    }

    #[test]
    fn the_first_github_remote_wins_and_insteadof_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let repo = new_repo(dir.path());
        assert_eq!(github_repository(&repo).unwrap().repository, None);
        git(&repo, &["remote", "add", "aaa", "/srv/not-github.git"]);
        git(
            &repo,
            &["remote", "add", "fork", "git@github.com:me/widgets.git"],
        );
        let found = github_remote(&repo).unwrap().unwrap();
        assert_eq!(found.remote, "fork");
        git(
            &repo,
            &[
                "remote",
                "add",
                "origin",
                "https://github.com/acme/widgets.git",
            ],
        );
        // The pushes go elsewhere; the configured name still says which repository it is.
        git(
            &repo,
            &[
                "config",
                "url./srv/mirror.git.insteadOf",
                "https://github.com/acme/widgets.git",
            ],
        );
        let found = github_remote(&repo).unwrap().unwrap();
        assert_eq!(found.remote, "origin");
        assert_eq!(
            found.repository,
            GithubRepository {
                name_with_owner: "acme/widgets".into(),
                url: "https://github.com/acme/widgets".into()
            }
        );
    }

    #[test]
    fn outside_a_repository_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(github_repository(dir.path()).is_err());
    }
}
