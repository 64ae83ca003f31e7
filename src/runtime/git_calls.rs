//! Runs one decoded `git.*` call in a repository and serialises its answer ("" for methods that
//! return nothing). Called on the repository's own ProjectActor, which serialises git per repo.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use t3rs_actors::process_runner::RunError;

use crate::git::{
    branches, last_line, pull_requests, remotes, stacked, status, worktrees, GitError,
};
use crate::orchestration::model::ProjectScript;
use crate::protocol::git::GitCall;
use crate::protocol::reply_error::ReplyError;

pub(super) fn json<T: Serialize>(value: &T) -> Result<String, ReplyError> {
    serde_json::to_string(value).map_err(|e| ReplyError::wrapped("encoding the answer failed", e))
}

/// A git failure as a reply: git's own words (or why it could not run) are the wrapped cause
/// (DP Code's `cause`, dpcode.md §8); a refusal t3rs decided itself has none.
pub(super) fn message(err: GitError) -> ReplyError {
    match &err {
        GitError::Refused(_) => ReplyError::new(err.to_string()),
        GitError::Failed { message, .. } => ReplyError::wrapped(err.to_string(), message),
        GitError::Spawn(why) => ReplyError::wrapped(err.to_string(), why),
    }
}

/// What a git call may need besides the repository.
pub struct GitEnv<'a> {
    /// Where worktrees go by default: `<state dir>/worktrees`.
    pub worktrees_root: &'a Path,
    /// The codex CLI that writes commit messages, when there is one, and its model.
    pub codex: Option<&'a Path>,
    pub commit_model: Option<&'a str>,
    /// The project's scripts; those marked runOnWorktreeCreate run in each new worktree.
    pub scripts: &'a [ProjectScript],
    /// The `cwd` as the client sent it (some answers echo it).
    pub request_cwd: &'a str,
    /// `git.status`'s per-file line counts, kept by the project actor between polls.
    pub status_cache: &'a status::NumstatCache,
}

/// Runs the setup scripts in a new worktree, in order; the first failure stops the rest. Each
/// may run for `process_deadlines.setup_script_secs`; then it and everything it started (a dev
/// server left in the background included) is killed. A script that exits leaves nothing
/// behind either: its process group is killed when it ends.
fn run_setup_scripts(worktree: &Path, scripts: &[ProjectScript]) -> Result<(), String> {
    let deadline = crate::spawn::deadlines().setup_script;
    for script in scripts.iter().filter(|s| s.run_on_worktree_create) {
        let output = crate::spawn::command("sh")
            .arg("-c")
            .arg(&script.command)
            .cwd(worktree)
            .label(format!("setup script '{}'", script.name))
            .run(&crate::spawn::limits(deadline))
            .map_err(|e| match e {
                RunError::TimedOut { .. } => e.to_string(),
                other => format!("setup script '{}': {other}", script.name),
            })?;
        if !output.status.success() {
            return Err(format!(
                "setup script '{}' failed ({}): {}",
                script.name,
                output.status,
                last_line(&output.stderr)
            ));
        }
    }
    Ok(())
}

/// `progress` receives a stacked action's `git.actionProgress` events as they happen.
pub fn run(
    root: &Path,
    env: &GitEnv,
    call: GitCall,
    mut progress: impl FnMut(Value),
) -> Result<String, ReplyError> {
    match call {
        GitCall::Status => json(&status::status_with(root, env.status_cache).map_err(message)?),
        GitCall::Pull => json(&status::pull(root).map_err(message)?),
        GitCall::ListBranches => json(&branches::list_branches(root).map_err(message)?),
        GitCall::CreateBranch { branch, publish } => {
            branches::create_branch(root, &branch, publish).map_err(message)?;
            Ok(String::new())
        }
        GitCall::Checkout { branch } => {
            branches::checkout(root, &branch).map_err(message)?;
            Ok(String::new())
        }
        GitCall::Init => {
            branches::init(root).map_err(message)?;
            Ok(String::new())
        }
        GitCall::CreateWorktree {
            branch,
            new_branch,
            path,
        } => {
            let created = worktrees::create_worktree(
                root,
                &branch,
                Some(&new_branch),
                path.as_deref().map(Path::new),
                env.worktrees_root,
            )
            .map_err(message)?;
            // The worktree stays: it exists and git knows it; the error says what is missing.
            run_setup_scripts(Path::new(&created.path), env.scripts).map_err(|e| {
                ReplyError::new(format!("Worktree created at {}, but {e}", created.path))
            })?;
            json(&serde_json::json!({ "worktree": created }))
        }
        GitCall::RemoveWorktree { path, force } => {
            worktrees::remove_worktree(root, Path::new(&path), force).map_err(message)?;
            Ok(String::new())
        }
        GitCall::ResolvePullRequest { reference } => json(
            &pull_requests::resolve_pull_request(root, Path::new("gh"), &reference)
                .map_err(message)?,
        ),
        GitCall::PreparePullRequestThread { reference, mode } => json(
            &pull_requests::prepare_pull_request_thread(
                root,
                Path::new("gh"),
                &reference,
                mode,
                env.worktrees_root,
            )
            .map_err(message)?,
        ),
        GitCall::GithubRepository => json(&remotes::github_repository(root).map_err(message)?),
        GitCall::RunStackedAction {
            action_id,
            action,
            commit_message,
            feature_branch,
        } => {
            let input = stacked::StackedActionInput {
                action_id: action_id.unwrap_or_default(),
                cwd: root.to_string_lossy().into_owned(),
                action,
                commit_message,
                feature_branch: Some(feature_branch),
                gh_program: None,
                message_writer: env.codex.map(|codex| stacked::MessageWriter {
                    codex: codex.to_path_buf(),
                    model: env.commit_model.map(str::to_string),
                }),
            };
            let mut report = |step: stacked::StackedProgress| match serde_json::to_value(&step) {
                Ok(value) => progress(value),
                Err(err) => log::warn!("progress not encoded: {err}"),
            };
            json(&stacked::run_stacked_action(root, &input, &mut report).map_err(message)?)
        }
        GitCall::Extra(call) => super::git_extra_calls::run(root, env, call),
    }
}
