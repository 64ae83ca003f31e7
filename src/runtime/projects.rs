//! One `ProjectActor` per workspace root, each on its own arbiter: file-search index builds,
//! confined writes and git commands block, and one repository's slow work must not stall
//! another's. Work on one root is
//! serialised by its actor's mailbox. The registry starts them on first use and keeps at most
//! [`MAX_LIVE_PROJECTS`], retiring the least recently used.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use actix::prelude::*;
use t3rs_actors::{Ask, ChildGuard, RestartPolicy, Shutdown, Supervisor};

use crate::orchestration::model::{AgentKind, ProjectScript};
use crate::protocol::git::GitCall;
use crate::protocol::methods::channels;
use crate::runtime::git_calls;
use crate::runtime::push_bus::{Push, PushBus};
use crate::workspace::files::write_file;
use crate::workspace::search::IndexCache;
use t3rs_actors::push_relay::Publish;

pub const MAX_LIVE_PROJECTS: usize = 64;

/// `projects.searchEntries`, answered with the serialised result.
#[derive(Message, Clone)]
#[rtype(result = "Result<String, String>")]
pub struct SearchEntries {
    pub cwd: String,
    pub query: String,
    pub limit: usize,
}

/// A `git.*` call in the repository at `cwd`, answered with the serialised result ("" for
/// methods that return nothing).
#[derive(Message, Clone)]
#[rtype(result = "Result<String, crate::protocol::reply_error::ReplyError>")]
pub struct RunGit {
    pub cwd: String,
    pub call: GitCall,
    /// The project's scripts (worktree creation runs those marked runOnWorktreeCreate).
    pub scripts: Vec<ProjectScript>,
}

/// `projects.writeFile`, answered with the serialised result; an I/O failure carries its
/// cause.
#[derive(Message, Clone)]
#[rtype(result = "Result<String, crate::protocol::reply_error::ReplyError>")]
pub struct WriteFile {
    pub cwd: String,
    pub relative_path: String,
    pub contents: String,
}

/// What every project actor needs besides its root.
#[derive(Clone)]
pub struct ProjectDeps {
    pub bus: Addr<PushBus>,
    /// Where worktrees go by default: `<state dir>/worktrees`.
    pub worktrees_root: PathBuf,
    /// The codex CLI for commit messages (until the settings say otherwise).
    pub codex_bin: Option<PathBuf>,
    /// The settings in effect: codex's binaryPath, and the model for commit messages.
    pub settings: Option<crate::runtime::settings::SettingsShare>,
}

pub struct ProjectActor {
    guard: ChildGuard,
    root: PathBuf,
    index: IndexCache,
    /// `git.status`'s line counts of the files changed at the last poll.
    status_cache: crate::git::status::NumstatCache,
    deps: ProjectDeps,
}

impl ProjectActor {
    pub fn new(guard: ChildGuard, root: PathBuf, deps: ProjectDeps) -> Self {
        Self {
            guard,
            root,
            index: IndexCache::default(),
            status_cache: Default::default(),
            deps,
        }
    }
}

impl Actor for ProjectActor {
    type Context = Context<Self>;
}

impl Handler<SearchEntries> for ProjectActor {
    type Result = Result<String, String>;

    fn handle(&mut self, msg: SearchEntries, _ctx: &mut Self::Context) -> Self::Result {
        let result = self
            .index
            .search(&self.root, &msg.query, msg.limit)
            .map_err(|e| e.to_string())?;
        serde_json::to_string(&result).map_err(|e| e.to_string())
    }
}

impl Handler<WriteFile> for ProjectActor {
    type Result = Result<String, crate::protocol::reply_error::ReplyError>;

    fn handle(&mut self, msg: WriteFile, _ctx: &mut Self::Context) -> Self::Result {
        let written = write_file(&self.root, &msg.relative_path, &msg.contents)
            .map_err(crate::workspace::files::WorkspaceError::into_reply)?;
        // A new file must be findable at once.
        self.index.invalidate(&self.root);
        Ok(serde_json::json!({ "relativePath": written }).to_string())
    }
}

impl Handler<RunGit> for ProjectActor {
    type Result = Result<String, crate::protocol::reply_error::ReplyError>;

    fn handle(&mut self, msg: RunGit, _ctx: &mut Self::Context) -> Self::Result {
        let bus = self.deps.bus.clone();
        let cwd = msg.cwd.clone();
        let progress = move |data: serde_json::Value| {
            let mut data = data;
            if let Some(object) = data.as_object_mut() {
                object.insert("cwd".into(), serde_json::Value::String(cwd.clone()));
            }
            match Push::new(channels::GIT_ACTION_PROGRESS, &data) {
                Ok(push) => bus.do_send(Publish(push)),
                Err(err) => log::warn!("git progress not encoded: {err}"),
            }
        };
        let current = self.deps.settings.as_ref().map(|s| s.get());
        let codex = match &current {
            Some(c) => Some(PathBuf::from(c.provider(AgentKind::Codex).binary_path)),
            None => self.deps.codex_bin.clone(),
        };
        // Commit messages are written by codex; another provider's selection leaves codex on
        // its own default model.
        let commit_model = current
            .as_ref()
            .map(|c| &c.text_generation_model_selection)
            .filter(|s| s.provider == AgentKind::Codex && !s.model.trim().is_empty())
            .map(|s| s.model.clone());
        let env = git_calls::GitEnv {
            worktrees_root: &self.deps.worktrees_root,
            codex: codex.as_deref(),
            commit_model: commit_model.as_deref(),
            scripts: &msg.scripts,
            request_cwd: &msg.cwd,
            status_cache: &self.status_cache,
        };
        let may_change_files = msg.call.may_change_files();
        let result = git_calls::run(&self.root, &env, msg.call, progress);
        // Branch switches and worktrees change what exists on disk; a status poll does not.
        if may_change_files {
            self.index.invalidate(&self.root);
        }
        result
    }
}

impl Handler<Shutdown> for ProjectActor {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

struct LiveProject {
    addr: Addr<Supervisor<ProjectActor>>,
    arbiter: Arbiter,
    last_used: Instant,
}

/// A retired project (evicted, or its registry ended) stops, and so does its arbiter's thread:
/// an arbiter is not stopped by being dropped.
impl Drop for LiveProject {
    fn drop(&mut self) {
        self.addr.do_send(Shutdown);
        self.arbiter.stop();
    }
}

/// Finds or starts the actor for a workspace root.
pub struct ProjectRegistry {
    guard: ChildGuard,
    live: HashMap<PathBuf, LiveProject>,
    deps: ProjectDeps,
}

impl ProjectRegistry {
    pub fn new(guard: ChildGuard, deps: ProjectDeps) -> Self {
        Self {
            guard,
            live: HashMap::new(),
            deps,
        }
    }
}

impl Actor for ProjectRegistry {
    type Context = Context<Self>;
}

impl Handler<Shutdown> for ProjectRegistry {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

/// A workspace root is canonicalised so that two spellings of one directory share one actor.
fn resolve_root(cwd: &str) -> Result<PathBuf, String> {
    use crate::workspace::{resolve_workspace_root, RootProblem};
    resolve_workspace_root(cwd).map_err(|problem| match problem {
        RootProblem::Empty | RootProblem::NotAbsolute => {
            format!("Workspace root '{cwd}' must be an absolute path.")
        }
        RootProblem::Unreadable(e) => format!("Workspace root '{cwd}' is not accessible: {e}"),
        RootProblem::NotAFolder => format!("Workspace root '{cwd}' is not a directory."),
    })
}

impl ProjectRegistry {
    fn project(&mut self, cwd: &str) -> Result<Addr<Supervisor<ProjectActor>>, String> {
        let root = resolve_root(cwd)?;
        if let Some(live) = self.live.get_mut(&root) {
            live.last_used = Instant::now();
            return Ok(live.addr.clone());
        }
        if self.live.len() >= MAX_LIVE_PROJECTS {
            if let Some(oldest) = self
                .live
                .iter()
                .min_by_key(|(_, p)| p.last_used)
                .map(|(root, _)| root.clone())
            {
                // Dropped: it stops, and its arbiter's thread with it.
                self.live.remove(&oldest);
            }
        }
        let arbiter = Arbiter::new();
        let name = format!("project {}", root.display());
        let child_root = root.clone();
        let deps = self.deps.clone();
        let addr = Supervisor::start_in_arbiter(&arbiter.handle(), move |_| {
            Supervisor::new(name, RestartPolicy::default(), move |guard| {
                ProjectActor::new(guard, child_root.clone(), deps.clone())
            })
        });
        self.live.insert(
            root,
            LiveProject {
                addr: addr.clone(),
                arbiter,
                last_used: Instant::now(),
            },
        );
        Ok(addr)
    }
}

fn forward<M, E>(
    registry: &mut ProjectRegistry,
    cwd: &str,
    msg: M,
) -> ResponseFuture<Result<String, E>>
where
    M: Message<Result = Result<String, E>> + Send + 'static,
    E: From<String> + Send + 'static,
    ProjectActor: Handler<M>,
{
    match registry.project(cwd) {
        Ok(addr) => Box::pin(async move {
            match addr.send(Ask(msg)).await {
                Ok(Ok(answer)) => answer,
                Ok(Err(unavailable)) => Err(unavailable.to_string().into()),
                Err(_) => Err("the project's worker stopped".to_string().into()),
            }
        }),
        Err(err) => Box::pin(async move { Err(err.into()) }),
    }
}

impl Handler<SearchEntries> for ProjectRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: SearchEntries, _ctx: &mut Self::Context) -> Self::Result {
        let cwd = msg.cwd.clone();
        forward(self, &cwd, msg)
    }
}

impl Handler<RunGit> for ProjectRegistry {
    type Result = ResponseFuture<Result<String, crate::protocol::reply_error::ReplyError>>;

    fn handle(&mut self, msg: RunGit, _ctx: &mut Self::Context) -> Self::Result {
        let cwd = msg.cwd.clone();
        forward(self, &cwd, msg)
    }
}

impl Handler<WriteFile> for ProjectRegistry {
    type Result = ResponseFuture<Result<String, crate::protocol::reply_error::ReplyError>>;

    fn handle(&mut self, msg: WriteFile, _ctx: &mut Self::Context) -> Self::Result {
        let cwd = msg.cwd.clone();
        forward(self, &cwd, msg)
    }
}
