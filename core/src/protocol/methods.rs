//! The method table: every `_tag` the protocol defines, declared once with its `Method`
//! variant, its parameters and its decoder. [`method_table!`] turns the table into the
//! [`Method`] enum, [`Method::name`], [`KNOWN_METHODS`] and [`decode_method`], so the four
//! cannot disagree. Adding a method is one entry here plus its handler in the server's session
//! routing (an exhaustive `match` on `Method`, so the compiler asks for it).

use serde_json::Value;

use super::editor::EditorId;
use super::git::{GitCall, StackedAction, COMMIT_MESSAGE_MAX_CHARS};
use super::git_extras::{self as gx, git_extra, GitExtraCall};
use super::git_github;
use super::keybindings::{validate_rule, KeybindingRule};
use super::params::{
    bounded_text, decode_fields, integer_in, GitParams, OpenInEditorParams, ReplayParams,
    SearchParams, TerminalParams, TurnDiffParams, WriteFileParams, SEARCH_LIMIT_MAX,
    SEARCH_QUERY_MAX_CHARS, TERMINAL_ID_MAX_CHARS, TERMINAL_WRITE_MAX_CHARS,
    WRITE_FILE_PATH_MAX_CHARS,
};
use super::server_fs::{
    decode_browse, decode_list_directories, decode_search_local, decode_terminal_ack, BrowseParams,
    ListDirectoriesParams, SearchLocalParams, TerminalAckParams,
};
use super::settings::{decode_patch, decode_provider_ref, ProviderRef, SettingsPatch};
use super::subscriptions;
use super::terminal::{
    TerminalClearParams, TerminalCloseParams, TerminalOpenParams, TerminalResizeParams,
    TerminalRestartParams, TerminalWriteParams,
};
use super::text_generation::{
    decode_summarize_diff, decode_thread_recap, decode_transcribe_voice, SummarizeDiffParams,
    ThreadRecapParams, TranscribeVoiceParams,
};
use super::thread_search::{decode_search_threads, SearchThreadsParams};
use crate::field_error::FieldError;
use crate::orchestration::history::HistoryCursor;
use crate::orchestration::{decode_client_command, ClientCommand};

/// The table's grammar, one entry per `Method` variant:
///
/// ```text
/// /// docs
/// Variant(PayloadType)            => { "wire.name" => decoder, },
/// Variant { field: Type, … }      => { "wire.a" [field: pattern] => decoder, "wire.b" [...] => … },
/// Variant                         => { "wire.name" => decoder, },
/// ```
///
/// A variant reached by several names gives each name the fields that tell it apart (`[…]`,
/// matched by `Method::name`; the compiler checks the patterns cover the variant). A decoder is
/// any `FnOnce(Value) -> Result<Method, FieldError>` given the request's `body`.
macro_rules! method_table {
    (@pattern $variant:ident) => { Method::$variant { .. } };
    (@pattern $variant:ident $($refine:tt)+) => { Method::$variant { $($refine)+, .. } };
    (
        $(
            $(#[$meta:meta])*
            $variant:ident
            $( ( $payload:ty ) )?
            $( { $( $(#[$field_meta:meta])* $field:ident : $field_ty:ty ),* $(,)? } )?
            => {
                $( $name:literal $( [ $($refine:tt)+ ] )? => $decode:expr ),+ $(,)?
            }
        ),* $(,)?
    ) => {
        /// A decoded method call.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Method {
            $(
                $(#[$meta])*
                $variant
                $( ( $payload ) )?
                $( { $( $(#[$field_meta])* $field : $field_ty ),* } )?,
            )*
        }

        /// Every method of T3 Code v0.0.4's WebSocket API (`projects.list/add/remove` are named
        /// in its docs but never routed, so they are unknown here as well), then the DP Code
        /// methods t3rs serves, in table order.
        pub const KNOWN_METHODS: &[&str] = &[ $( $( $name, )+ )* ];

        impl Method {
            /// The wire name (`_tag`) this call was decoded from.
            pub fn name(&self) -> &'static str {
                match self {
                    $( $( method_table!(@pattern $variant $( $($refine)+ )?) => $name, )+ )*
                }
            }
        }

        /// Decodes a request's `body` for the method named `tag`; errors name the failing
        /// field under `body`.
        #[allow(clippy::redundant_closure_call)]
        pub fn decode_method(tag: &str, body: Value) -> Result<Method, FieldError> {
            match tag {
                $( $( $name => ($decode)(body), )+ )*
                other => Err(FieldError::new(
                    "body._tag",
                    format!("unknown method '{other}'"),
                )),
            }
        }
    };
}

method_table! {
    OrchestrationGetSnapshot => {
        "orchestration.getSnapshot" => |_| Ok(Method::OrchestrationGetSnapshot),
    },
    OrchestrationDispatchCommand(Box<ClientCommand>) => {
        "orchestration.dispatchCommand" => dispatch_command,
    },
    /// `getTurnDiff`, or `getFullThreadDiff` (`full`, from 0).
    OrchestrationGetTurnDiff {
        thread_id: String,
        from_turn_count: u64,
        to_turn_count: u64,
        full: bool,
    } => {
        "orchestration.getTurnDiff" [full: false] => |body| turn_diff(body, false),
        "orchestration.getFullThreadDiff" [full: true] => |body| turn_diff(body, true),
    },
    OrchestrationReplayEvents { from_sequence_exclusive: u64 } => {
        "orchestration.replayEvents" => replay_events,
    },
    /// DP Code's subscriptions (dpcode.md §2).
    OrchestrationGetShellSnapshot { include_archived: bool } => {
        "orchestration.getShellSnapshot" => subscriptions::shell(false),
    },
    OrchestrationSubscribeShell { include_archived: bool } => {
        "orchestration.subscribeShell" => subscriptions::shell(true),
    },
    OrchestrationUnsubscribeShell => {
        "orchestration.unsubscribeShell" => |_| Ok(Method::OrchestrationUnsubscribeShell),
    },
    OrchestrationSubscribeThread { thread_id: String, limit: Option<usize> } => {
        "orchestration.subscribeThread" => subscriptions::subscribe_thread,
    },
    OrchestrationUnsubscribeThread { thread_id: String } => {
        "orchestration.unsubscribeThread" => subscriptions::unsubscribe_thread,
    },
    OrchestrationGetThreadHistory { thread_id: String, before: Box<HistoryCursor>, limit: usize } => {
        "orchestration.getThreadHistory" => subscriptions::thread_history,
    },
    /// DP Code (dpcode.md §7, issue 17): threads by title and message text, ranked.
    OrchestrationSearchThreads(SearchThreadsParams) => {
        "orchestration.searchThreads" => |body| decode_search_threads(body)
            .map(Method::OrchestrationSearchThreads),
    },
    ProjectsSearchEntries { cwd: String, query: String, limit: usize } => {
        "projects.searchEntries" => search_entries,
    },
    ProjectsWriteFile { cwd: String, relative_path: String, contents: String } => {
        "projects.writeFile" => write_file,
    },
    ShellOpenInEditor { cwd: String, editor: EditorId } => {
        "shell.openInEditor" => open_in_editor,
    },
    /// `git.*`: the repository (`cwd`) and what to do in it.
    Git { cwd: String, call: GitCall } => {
        "git.status" [call: GitCall::Status] => git(|_| Ok(GitCall::Status)),
        "git.pull" [call: GitCall::Pull] => git(|_| Ok(GitCall::Pull)),
        "git.listBranches" [call: GitCall::ListBranches] => git(|_| Ok(GitCall::ListBranches)),
        "git.createBranch" [call: GitCall::CreateBranch { .. }] => git(git_create_branch),
        "git.checkout" [call: GitCall::Checkout { .. }] => git(git_checkout),
        "git.init" [call: GitCall::Init] => git(|_| Ok(GitCall::Init)),
        "git.createWorktree" [call: GitCall::CreateWorktree { .. }] => git(git_create_worktree),
        "git.removeWorktree" [call: GitCall::RemoveWorktree { .. }] => git(git_remove_worktree),
        "git.runStackedAction" [call: GitCall::RunStackedAction { .. }] => git(git_stacked_action),
        "git.resolvePullRequest" [call: GitCall::ResolvePullRequest { .. }] => git_github::resolve_pull_request,
        "git.preparePullRequestThread" [call: GitCall::PreparePullRequestThread { .. }] => git_github::prepare_pull_request_thread,
        "git.githubRepository" [call: GitCall::GithubRepository] => git(|_| Ok(GitCall::GithubRepository)),
        // DP Code (dpcode.md §4), in git_extras.rs.
        "git.stashAndCheckout" [call: GitCall::Extra(GitExtraCall::StashAndCheckout { .. })] => git_extra(gx::stash_and_checkout),
        "git.stashDrop" [call: GitCall::Extra(GitExtraCall::StashDrop)] => git_extra(gx::stash_drop),
        "git.stashInfo" [call: GitCall::Extra(GitExtraCall::StashInfo)] => git_extra(gx::stash_info),
        "git.stageFiles" [call: GitCall::Extra(GitExtraCall::StageFiles { .. })] => git_extra(gx::stage_files),
        "git.unstageFiles" [call: GitCall::Extra(GitExtraCall::UnstageFiles { .. })] => git_extra(gx::unstage_files),
        "git.readWorkingTreeDiff" [call: GitCall::Extra(GitExtraCall::ReadWorkingTreeDiff { .. })] => git_extra(gx::read_working_tree_diff),
        "git.createDetachedWorktree" [call: GitCall::Extra(GitExtraCall::CreateDetachedWorktree { .. })] => git_extra(gx::create_detached_worktree),
        "git.removeIndexLock" [call: GitCall::Extra(GitExtraCall::RemoveIndexLock)] => git_extra(gx::remove_index_lock),
    },
    TerminalOpen(TerminalOpenParams) => { "terminal.open" => terminal_open },
    TerminalWrite(TerminalWriteParams) => { "terminal.write" => terminal_write },
    TerminalResize(TerminalResizeParams) => { "terminal.resize" => terminal_resize },
    TerminalClear(TerminalClearParams) => { "terminal.clear" => terminal_clear },
    TerminalRestart(TerminalRestartParams) => { "terminal.restart" => terminal_restart },
    TerminalClose(TerminalCloseParams) => { "terminal.close" => terminal_close },
    ServerGetConfig => {
        "server.getConfig" => |_| Ok(Method::ServerGetConfig),
    },
    ServerUpsertKeybinding(KeybindingRule) => {
        "server.upsertKeybinding" => upsert_keybinding,
    },
    /// DP Code's settings (dpcode.md §3).
    ServerGetSettings => {
        "server.getSettings" => |_| Ok(Method::ServerGetSettings),
    },
    ServerUpdateSettings(SettingsPatch) => {
        "server.updateSettings" => update_settings,
    },
    ServerRefreshProviders => {
        "server.refreshProviders" => |_| Ok(Method::ServerRefreshProviders),
    },
    /// DP Code's provider discovery (dpcode.md §5).
    ProviderListModels(ProviderRef) => {
        "provider.listModels" => |body: Value| decode_provider_ref(&body).map(Method::ProviderListModels),
    },
    ProviderGetComposerCapabilities(ProviderRef) => {
        "provider.getComposerCapabilities" => |body: Value| {
            decode_provider_ref(&body).map(Method::ProviderGetComposerCapabilities)
        },
    },
    /// DP Code's one-shot text generation and voice (dpcode.md §3, §4).
    ServerGenerateThreadRecap(ThreadRecapParams) => {
        "server.generateThreadRecap" => |body: Value| {
            decode_thread_recap(&body).map(Method::ServerGenerateThreadRecap)
        },
    },
    GitSummarizeDiff(SummarizeDiffParams) => {
        "git.summarizeDiff" => |body: Value| decode_summarize_diff(&body).map(Method::GitSummarizeDiff),
    },
    ServerTranscribeVoice(Box<TranscribeVoiceParams>) => {
        "server.transcribeVoice" => |body: Value| {
            decode_transcribe_voice(&body).map(|p| Method::ServerTranscribeVoice(Box::new(p)))
        },
    },
    /// DP Code's server description and health (dpcode.md §3).
    ServerGetEnvironment => {
        "server.getEnvironment" => |_| Ok(Method::ServerGetEnvironment),
    },
    ServerGetDiagnostics => {
        "server.getDiagnostics" => |_| Ok(Method::ServerGetDiagnostics),
    },
    ServerListWorktrees => {
        "server.listWorktrees" => |_| Ok(Method::ServerListWorktrees),
    },
    /// DP Code's folder browsing (dpcode.md §6): names under the home directory.
    FilesystemBrowse(BrowseParams) => {
        "filesystem.browse" => |body| decode_browse(body).map(Method::FilesystemBrowse),
    },
    ProjectsListDirectories(ListDirectoriesParams) => {
        "projects.listDirectories" => |body| {
            decode_list_directories(body).map(Method::ProjectsListDirectories)
        },
    },
    ProjectsSearchLocalEntries(SearchLocalParams) => {
        "projects.searchLocalEntries" => |body| {
            decode_search_local(body).map(Method::ProjectsSearchLocalEntries)
        },
    },
    /// DP Code's terminal flow control (dpcode.md §6).
    TerminalAckOutput(TerminalAckParams) => {
        "terminal.ackOutput" => |body| decode_terminal_ack(body).map(Method::TerminalAckOutput),
    },
}

// The decoders the table names, in its order.

fn dispatch_command(body: Value) -> Result<Method, FieldError> {
    let Value::Object(mut body) = body else {
        return Err(FieldError::new("body", "expected an object"));
    };
    let command = body
        .remove("command")
        .ok_or_else(|| FieldError::new("body.command", "missing"))?;
    let command = decode_client_command(command).map_err(|e| e.under("body.command"))?;
    Ok(Method::OrchestrationDispatchCommand(Box::new(command)))
}

/// `getTurnDiff` reads `fromTurnCount`; `getFullThreadDiff` (`full`) starts at 0.
fn turn_diff(body: Value, full: bool) -> Result<Method, FieldError> {
    let params: TurnDiffParams = decode_fields(body)?;
    let thread_id = bounded_text("body.threadId", &params.thread_id, 256)?;
    let to = integer_in("body.toTurnCount", &params.to_turn_count, 0, u64::MAX)?;
    let from = match (full, &params.from_turn_count) {
        (true, _) => 0,
        (false, Some(value)) => integer_in("body.fromTurnCount", value, 0, u64::MAX)?,
        (false, None) => return Err(FieldError::new("body.fromTurnCount", "missing")),
    };
    if from > to {
        return Err(FieldError::new(
            "body.fromTurnCount",
            "fromTurnCount must be less than or equal to toTurnCount",
        ));
    }
    Ok(Method::OrchestrationGetTurnDiff {
        thread_id,
        from_turn_count: from,
        to_turn_count: to,
        full,
    })
}

fn replay_events(body: Value) -> Result<Method, FieldError> {
    let params: ReplayParams = decode_fields(body)?;
    Ok(Method::OrchestrationReplayEvents {
        from_sequence_exclusive: integer_in(
            "body.fromSequenceExclusive",
            &params.from_sequence_exclusive,
            0,
            u64::MAX,
        )?,
    })
}

fn search_entries(body: Value) -> Result<Method, FieldError> {
    let params: SearchParams = decode_fields(body)?;
    Ok(Method::ProjectsSearchEntries {
        cwd: bounded_text("body.cwd", &params.cwd, 4096)?,
        query: bounded_text("body.query", &params.query, SEARCH_QUERY_MAX_CHARS)?,
        limit: integer_in("body.limit", &params.limit, 1, SEARCH_LIMIT_MAX as u64)? as usize,
    })
}

fn write_file(body: Value) -> Result<Method, FieldError> {
    let params: WriteFileParams = decode_fields(body)?;
    Ok(Method::ProjectsWriteFile {
        cwd: bounded_text("body.cwd", &params.cwd, 4096)?,
        relative_path: bounded_text(
            "body.relativePath",
            &params.relative_path,
            WRITE_FILE_PATH_MAX_CHARS,
        )?,
        contents: params.contents,
    })
}

fn open_in_editor(body: Value) -> Result<Method, FieldError> {
    let params: OpenInEditorParams = decode_fields(body)?;
    Ok(Method::ShellOpenInEditor {
        cwd: bounded_text("body.cwd", &params.cwd, 4096)?,
        editor: params.editor,
    })
}

/// A `git.*` decoder: the shared fields, the repository (`cwd`), then `call`'s own fields.
fn git(
    call: impl FnOnce(&GitParams) -> Result<GitCall, FieldError>,
) -> impl FnOnce(Value) -> Result<Method, FieldError> {
    move |body| {
        let p: GitParams = decode_fields(body)?;
        let cwd = bounded_text("body.cwd", &p.cwd, 4096)?;
        let call = call(&p)?;
        Ok(Method::Git { cwd, call })
    }
}

/// A required git name (branch, path).
fn git_name(value: &Option<String>, field: &str) -> Result<String, FieldError> {
    match value {
        Some(v) => bounded_text(field, v, 1024),
        None => Err(FieldError::new(field, "missing")),
    }
}

fn git_create_branch(p: &GitParams) -> Result<GitCall, FieldError> {
    Ok(GitCall::CreateBranch {
        branch: git_name(&p.branch, "body.branch")?,
        publish: p.publish.unwrap_or(false),
    })
}

fn git_checkout(p: &GitParams) -> Result<GitCall, FieldError> {
    Ok(GitCall::Checkout {
        branch: git_name(&p.branch, "body.branch")?,
    })
}

fn git_create_worktree(p: &GitParams) -> Result<GitCall, FieldError> {
    Ok(GitCall::CreateWorktree {
        branch: git_name(&p.branch, "body.branch")?,
        new_branch: git_name(&p.new_branch, "body.newBranch")?,
        path: match &p.path {
            Some(path) => Some(bounded_text("body.path", path, 4096)?),
            None => None,
        },
    })
}

fn git_remove_worktree(p: &GitParams) -> Result<GitCall, FieldError> {
    Ok(GitCall::RemoveWorktree {
        path: git_name(&p.path, "body.path")?,
        force: p.force.unwrap_or(false),
    })
}

fn git_stacked_action(p: &GitParams) -> Result<GitCall, FieldError> {
    let raw = p
        .action
        .as_deref()
        .ok_or_else(|| FieldError::new("body.action", "missing"))?;
    let action = StackedAction::parse(raw).ok_or_else(|| {
        FieldError::new(
            "body.action",
            format!(
                "unknown action '{raw}'; expected commit, push, create_pr, commit_push or commit_push_pr"
            ),
        )
    })?;
    Ok(GitCall::RunStackedAction {
        action_id: git_github::action_id(p.action_id.as_deref())?,
        action,
        commit_message: match &p.commit_message {
            Some(m) => Some(bounded_text(
                "body.commitMessage",
                m,
                COMMIT_MESSAGE_MAX_CHARS,
            )?),
            None => None,
        },
        feature_branch: p.feature_branch.unwrap_or(false),
    })
}

fn terminal_open(body: Value) -> Result<Method, FieldError> {
    let p: TerminalParams = decode_fields(body)?;
    Ok(Method::TerminalOpen(TerminalOpenParams {
        thread_id: p.thread_id()?,
        terminal_id: p.terminal_id()?,
        cwd: p.cwd()?,
        cols: p.cols()?,
        rows: p.rows()?,
        env: p.env()?,
    }))
}

fn terminal_write(body: Value) -> Result<Method, FieldError> {
    let p: TerminalParams = decode_fields(body)?;
    let data = p
        .data
        .clone()
        .ok_or_else(|| FieldError::new("body.data", "missing"))?;
    let chars = data.chars().count();
    if chars == 0 || chars > TERMINAL_WRITE_MAX_CHARS {
        return Err(FieldError::new(
            "body.data",
            format!("must be 1 to {TERMINAL_WRITE_MAX_CHARS} characters, got {chars}"),
        ));
    }
    Ok(Method::TerminalWrite(TerminalWriteParams {
        thread_id: p.thread_id()?,
        terminal_id: p.terminal_id()?,
        data,
    }))
}

fn terminal_resize(body: Value) -> Result<Method, FieldError> {
    let p: TerminalParams = decode_fields(body)?;
    Ok(Method::TerminalResize(TerminalResizeParams {
        thread_id: p.thread_id()?,
        terminal_id: p.terminal_id()?,
        cols: TerminalParams::required(p.cols()?, "body.cols")?,
        rows: TerminalParams::required(p.rows()?, "body.rows")?,
    }))
}

fn terminal_clear(body: Value) -> Result<Method, FieldError> {
    let p: TerminalParams = decode_fields(body)?;
    Ok(Method::TerminalClear(TerminalClearParams {
        thread_id: p.thread_id()?,
        terminal_id: p.terminal_id()?,
    }))
}

fn terminal_restart(body: Value) -> Result<Method, FieldError> {
    let p: TerminalParams = decode_fields(body)?;
    Ok(Method::TerminalRestart(TerminalRestartParams {
        thread_id: p.thread_id()?,
        terminal_id: p.terminal_id()?,
        cwd: p.cwd()?,
        cols: TerminalParams::required(p.cols()?, "body.cols")?,
        rows: TerminalParams::required(p.rows()?, "body.rows")?,
        env: p.env()?,
    }))
}

fn terminal_close(body: Value) -> Result<Method, FieldError> {
    let p: TerminalParams = decode_fields(body)?;
    Ok(Method::TerminalClose(TerminalCloseParams {
        thread_id: p.thread_id()?,
        terminal_id: match &p.terminal_id {
            Some(id) => Some(bounded_text("body.terminalId", id, TERMINAL_ID_MAX_CHARS)?),
            None => None,
        },
        delete_history: p.delete_history.unwrap_or(false),
    }))
}

fn upsert_keybinding(body: Value) -> Result<Method, FieldError> {
    let raw: KeybindingRule = decode_fields(body)?;
    let rule = validate_rule(&raw).map_err(|e| e.under("body"))?;
    Ok(Method::ServerUpsertKeybinding(rule))
}

/// The patch is the body (`_tag` aside), or DP Code's `{patch}` wrapping it.
fn update_settings(body: Value) -> Result<Method, FieldError> {
    let Value::Object(mut body) = body else {
        return Err(FieldError::new("body", "expected an object"));
    };
    body.remove("_tag");
    let patch = match body.remove("patch") {
        Some(patch) if body.is_empty() => decode_patch(&patch, "body.patch")?,
        Some(patch) => {
            body.insert("patch".into(), patch);
            decode_patch(&Value::Object(body), "body")?
        }
        None => decode_patch(&Value::Object(body), "body")?,
    };
    Ok(Method::ServerUpdateSettings(patch))
}

/// Push channels.
pub mod channels {
    pub const SERVER_WELCOME: &str = "server.welcome";
    pub const SERVER_CONFIG_UPDATED: &str = "server.configUpdated";
    pub const ORCHESTRATION_DOMAIN_EVENT: &str = "orchestration.domainEvent";
    pub const TERMINAL_EVENT: &str = "terminal.event";
    /// DP Code's channel for the steps of `git.runStackedAction`.
    pub const GIT_ACTION_PROGRESS: &str = "git.actionProgress";
    /// DP Code's settings channel: `{settings}` after every change.
    pub const SERVER_SETTINGS_UPDATED: &str = "server.settingsUpdated";
    /// DP Code's provider statuses: `{providers}` at start-up and after each check.
    pub const SERVER_PROVIDER_STATUSES_UPDATED: &str = "server.providerStatusesUpdated";
    /// DP Code's shell stream: `{kind:"snapshot"…}` after an overflow, then row changes.
    pub const ORCHESTRATION_SHELL_EVENT: &str = "orchestration.shellEvent";
    /// DP Code's thread stream: `{kind:"event", event}` for a subscribed thread.
    pub const ORCHESTRATION_THREAD_EVENT: &str = "orchestration.threadEvent";
    /// DP Code's maintenance reports (`{task: "thread-retention", state, at, …}`).
    pub const SERVER_MAINTENANCE_UPDATED: &str = "server.maintenanceUpdated";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_name_is_distinct() {
        let mut names = KNOWN_METHODS.to_vec();
        names.sort_unstable();
        names.dedup();
        // No name twice (the table is the one place they are declared).
        assert_eq!(names.len(), KNOWN_METHODS.len());
    }

    #[test]
    fn update_settings_takes_the_patch_bare_or_wrapped() {
        let bare =
            serde_json::json!({"_tag": "server.updateSettings", "enableAssistantStreaming": true});
        let wrapped = serde_json::json!({"_tag": "server.updateSettings", "patch": {"enableAssistantStreaming": true}});
        let a = decode_method("server.updateSettings", bare).unwrap();
        let b = decode_method("server.updateSettings", wrapped).unwrap();
        assert_eq!(a, b);
        let e = decode_method(
            "server.updateSettings",
            serde_json::json!({"_tag": "server.updateSettings", "patch": {"nope": 1}}),
        )
        .unwrap_err();
        assert_eq!(e.field, "body.patch.nope");
        let e = decode_method(
            "server.updateSettings",
            serde_json::json!({"_tag": "server.updateSettings", "nope": 1}),
        )
        .unwrap_err();
        assert_eq!(e.field, "body.nope");
    }
}
