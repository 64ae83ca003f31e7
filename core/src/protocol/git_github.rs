//! Parameters of DP Code's GitHub-backed git methods (dpcode.md §4): `git.resolvePullRequest`,
//! `git.preparePullRequestThread`, and `runStackedAction`'s `actionId`. A pull request
//! reference reaches `gh` as an argument, so it is held to three shapes none of which can be
//! read as an option: a number, `#<number>`, or a GitHub pull request URL.

use serde::Deserialize;
use serde_json::Value;

use super::git::GitCall;
use super::methods::Method;
use super::params::{bounded_text, decode_fields};
use crate::field_error::FieldError;

/// Longest pull request URL accepted.
pub const PR_REFERENCE_MAX_CHARS: usize = 2_048;
/// Longest `actionId` accepted.
pub const ACTION_ID_MAX_CHARS: usize = 256;

/// A validated pull request reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullRequestReference {
    /// `12` or `#12`.
    Number(u64),
    /// `https://github.com/<owner>/<repo>/pull/<n>[/…]`.
    Url(String),
}

impl PullRequestReference {
    /// What `gh pr view` / `gh pr checkout` are given: the bare number, or the URL.
    pub fn as_gh_arg(&self) -> String {
        match self {
            PullRequestReference::Number(n) => n.to_string(),
            PullRequestReference::Url(url) => url.clone(),
        }
    }

    /// Reads a reference; the error says which shapes are accepted.
    pub fn parse(raw: &str) -> Result<PullRequestReference, String> {
        let trimmed = raw.trim();
        let digits = trimmed.strip_prefix('#').unwrap_or(trimmed);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return match digits.parse::<u64>() {
                Ok(n) if n > 0 => Ok(PullRequestReference::Number(n)),
                _ => Err(format!("'{trimmed}' is not a pull request number")),
            };
        }
        if pull_request_url(trimmed) {
            return Ok(PullRequestReference::Url(trimmed.to_string()));
        }
        Err(format!(
            "'{}' is not a pull request reference; expected a number, #<number> or a https://github.com/<owner>/<repo>/pull/<number> URL",
            trimmed.chars().take(80).collect::<String>()
        ))
    }
}

/// `https://<host>/<owner>/<repo>/pull/<digits>` with an optional trailing path; GitHub
/// Enterprise hosts count, so the host is not pinned, but nothing may be blank or unusual.
fn pull_request_url(raw: &str) -> bool {
    let Some(rest) = raw.strip_prefix("https://") else {
        return false;
    };
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let mut parts = rest.split('/');
    let (Some(host), Some(owner), Some(repo), Some(pull), Some(number)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    name_ok(host)
        && name_ok(owner)
        && name_ok(repo)
        && pull == "pull"
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && number.parse::<u64>().is_ok_and(|n| n > 0)
}

/// `git.preparePullRequestThread`'s `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullRequestThreadMode {
    /// Check the pull request out in the repository itself.
    Local,
    /// Check it out in a new (or its existing) worktree.
    Worktree,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PullRequestParams {
    cwd: String,
    reference: Option<String>,
    mode: Option<String>,
}

fn reference(p: &PullRequestParams) -> Result<PullRequestReference, FieldError> {
    let raw = p
        .reference
        .as_deref()
        .ok_or_else(|| FieldError::new("body.reference", "missing"))?;
    let raw = bounded_text("body.reference", raw, PR_REFERENCE_MAX_CHARS)?;
    PullRequestReference::parse(&raw).map_err(|e| FieldError::new("body.reference", e))
}

fn cwd(p: &PullRequestParams) -> Result<String, FieldError> {
    bounded_text("body.cwd", &p.cwd, 4096)
}

/// `git.resolvePullRequest {cwd, reference}`.
pub(super) fn resolve_pull_request(body: Value) -> Result<Method, FieldError> {
    let p: PullRequestParams = decode_fields(body)?;
    let cwd = cwd(&p)?;
    Ok(Method::Git {
        cwd,
        call: GitCall::ResolvePullRequest {
            reference: reference(&p)?,
        },
    })
}

/// `git.preparePullRequestThread {cwd, reference, mode: local|worktree}`.
pub(super) fn prepare_pull_request_thread(body: Value) -> Result<Method, FieldError> {
    let p: PullRequestParams = decode_fields(body)?;
    let cwd = cwd(&p)?;
    let reference = reference(&p)?;
    let mode = match p.mode.as_deref() {
        Some("local") => PullRequestThreadMode::Local,
        Some("worktree") => PullRequestThreadMode::Worktree,
        Some(other) => {
            return Err(FieldError::new(
                "body.mode",
                format!(
                    "unknown mode '{}'; expected local or worktree",
                    other.chars().take(40).collect::<String>()
                ),
            ))
        }
        None => return Err(FieldError::new("body.mode", "missing")),
    };
    Ok(Method::Git {
        cwd,
        call: GitCall::PreparePullRequestThread { reference, mode },
    })
}

/// `runStackedAction`'s optional `actionId`: trimmed, non-empty, bounded, printable.
pub(super) fn action_id(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = raw else { return Ok(None) };
    let id = bounded_text("body.actionId", raw, ACTION_ID_MAX_CHARS)?;
    if id.chars().any(char::is_control) {
        return Err(FieldError::new(
            "body.actionId",
            "must not contain control characters",
        ));
    }
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::git::StackedAction;
    use crate::protocol::methods::decode_method;
    use serde_json::json;

    #[test]
    fn numbers_hashes_and_urls_are_references() {
        assert_eq!(
            PullRequestReference::parse(" 42 "),
            Ok(PullRequestReference::Number(42))
        );
        assert_eq!(
            PullRequestReference::parse("#7"),
            Ok(PullRequestReference::Number(7))
        );
        let url = "https://github.com/acme/widgets/pull/12/files";
        assert_eq!(
            PullRequestReference::parse(url),
            Ok(PullRequestReference::Url(url.into()))
        );
        assert_eq!(PullRequestReference::Number(7).as_gh_arg(), "7");
    }

    #[test]
    fn nothing_else_is_a_reference_least_of_all_an_option() {
        for bad in [
            "--repo=evil/x",
            "-R",
            "0",
            "#0",
            "#",
            "#-1",
            "feature-branch",
            "99999999999999999999999",
            "http://github.com/a/b/pull/1",
            "https://github.com/a/b/issues/1",
            "https://github.com/a/b/pull/",
            "https://github.com/a/b/pull/x",
            "https://github.com//b/pull/1",
            "https://github.com/a b/c/pull/1",
            "https://github.com/a/b/pull/1\n--web",
        ] {
            assert!(
                PullRequestReference::parse(bad).is_err(),
                "{bad:?} accepted"
            );
        }
    }

    fn field(tag: &str, body: Value) -> String {
        decode_method(tag, body).unwrap_err().field
    }

    #[test]
    fn bad_input_names_its_field() {
        let tag = "git.preparePullRequestThread";
        assert_eq!(
            field(tag, json!({"cwd": "/r", "reference": "1"})),
            "body.mode"
        );
        assert_eq!(
            field(tag, json!({"cwd": "/r", "reference": "1", "mode": "cloud"})),
            "body.mode"
        );
        assert_eq!(
            field(
                tag,
                json!({"cwd": "/r", "reference": "-x", "mode": "local"})
            ),
            "body.reference"
        );
        assert_eq!(
            field(tag, json!({"cwd": " ", "reference": "1", "mode": "local"})),
            "body.cwd"
        );
        let tag = "git.resolvePullRequest";
        assert_eq!(field(tag, json!({"cwd": "/r"})), "body.reference");
        assert_eq!(
            field(tag, json!({"cwd": "/r", "reference": 5})),
            "body.reference"
        );
        assert_eq!(field(tag, json!({"reference": "5"})), "body");
        assert_eq!(
            field(
                "git.runStackedAction",
                json!({"cwd": "/r", "action": "push", "actionId": " "})
            ),
            "body.actionId"
        );
    }

    #[test]
    fn good_input_decodes() {
        let m = decode_method(
            "git.preparePullRequestThread",
            json!({"cwd": "/r", "reference": "#3", "mode": "worktree"}),
        )
        .unwrap();
        assert_eq!(
            m,
            Method::Git {
                cwd: "/r".into(),
                call: GitCall::PreparePullRequestThread {
                    reference: PullRequestReference::Number(3),
                    mode: PullRequestThreadMode::Worktree,
                },
            }
        );
        let m = decode_method(
            "git.runStackedAction",
            json!({"cwd": "/r", "action": "create_pr", "actionId": "a1"}),
        )
        .unwrap();
        assert!(matches!(
            m,
            Method::Git {
                call: GitCall::RunStackedAction {
                    action: StackedAction::CreatePr,
                    action_id: Some(ref id),
                    ..
                },
                ..
            } if id == "a1"
        ));
    }
}
