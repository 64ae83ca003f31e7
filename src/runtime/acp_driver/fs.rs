//! Serving an ACP agent's `fs/read_text_file` and `fs/write_text_file` inside the thread's
//! working directory, with `projects.writeFile`'s confinement ([`crate::workspace::files`]):
//! every step walked from the root's open directory, so neither `..`, an absolute path
//! elsewhere, nor a symlink (even one swapped in meanwhile) reaches outside it. The I/O runs on
//! the blocking pool; the answer goes back through the actor like any other reply.

use std::path::Path;

use actix::prelude::*;
use serde_json::Value;

use super::AcpDriver;
use crate::provider::acp_events::{lines_of, FsDone, FsRequest};
use crate::provider::driver::DriverEventBody;
use crate::provider::jsonrpc::{INTERNAL_ERROR, INVALID_PARAMS};
use crate::runtime::now_iso;
use crate::workspace::files::{read_file, write_file, WorkspaceError};

/// The largest file an agent may read or write through t3rs (the image-attachment limit): the
/// whole text travels in one JSON-RPC line and sits in memory meanwhile.
pub const AGENT_FILE_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The agent's path (ACP wants absolute ones) relative to `root`, either as given or
/// canonicalised (a cwd under a symlinked directory is often sent resolved). A relative path is
/// taken relative to `root`; `..` in what remains is refused by the confined walk.
fn relative_to(root: &Path, verb: &str, path: &str) -> Result<String, (i64, String)> {
    let asked = Path::new(path);
    if !asked.is_absolute() {
        return Ok(path.to_string());
    }
    let canonical = std::fs::canonicalize(root).ok();
    let inside = asked.strip_prefix(root).ok().or_else(|| {
        canonical
            .as_deref()
            .and_then(|c| asked.strip_prefix(c).ok())
    });
    match inside.and_then(Path::to_str) {
        Some(relative) => Ok(relative.to_string()),
        None => Err((
            INVALID_PARAMS,
            format!(
                "t3rs could not {verb} {path}: it is outside the thread's working directory {}",
                root.display()
            ),
        )),
    }
}

/// ACP's "resource not found": what SDK clients answer for a missing file, which agents take
/// as "does not exist yet" rather than a failure.
const RESOURCE_NOT_FOUND: i64 = -32002;

fn refusal(verb: &str, path: &str, err: WorkspaceError) -> (i64, String) {
    let code = match &err {
        WorkspaceError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            RESOURCE_NOT_FOUND
        }
        WorkspaceError::Io { .. } => INTERNAL_ERROR,
        _ => INVALID_PARAMS,
    };
    (code, format!("t3rs could not {verb} {path}: {err}"))
}

/// Carries out one request (blocking).
fn perform(root: &Path, request: &FsRequest) -> Result<FsDone, (i64, String)> {
    let path = request.path();
    match request {
        FsRequest::Read { line, limit, .. } => {
            let relative = relative_to(root, "read", path)?;
            let content = read_file(root, &relative, AGENT_FILE_MAX_BYTES as u64)
                .map_err(|err| refusal("read", path, err))?;
            Ok(FsDone::Read {
                content: lines_of(&content, *line, *limit),
            })
        }
        FsRequest::Write { content, .. } => {
            let relative = relative_to(root, "write", path)?;
            if content.len() > AGENT_FILE_MAX_BYTES {
                return Err((
                    INVALID_PARAMS,
                    format!(
                        "t3rs could not write {path}: {} bytes is more than the {AGENT_FILE_MAX_BYTES}-byte limit",
                        content.len()
                    ),
                ));
            }
            let shown =
                write_file(root, &relative, content).map_err(|err| refusal("write", path, err))?;
            Ok(FsDone::Wrote { shown })
        }
    }
}

impl AcpDriver {
    /// Answers the agent's fs request `id` once the I/O is done, unless the process that asked
    /// is gone by then (a newer one must not get its answer).
    pub(super) fn serve_fs(
        &mut self,
        id: Value,
        method: String,
        request: Result<FsRequest, (i64, String)>,
        ctx: &mut Context<Self>,
    ) {
        let asker = (
            self.generation,
            self.live.as_ref().map(|(serial, _)| *serial),
        );
        let root = self.cwd.clone();
        let work = async move {
            let request = request?;
            let Some(root) = root else {
                return Err((
                    INTERNAL_ERROR,
                    format!(
                        "t3rs could not serve {}: the thread has no working directory",
                        request.path()
                    ),
                ));
            };
            tokio::task::spawn_blocking(move || perform(Path::new(&root), &request))
                .await
                .unwrap_or_else(|err| {
                    Err((
                        INTERNAL_ERROR,
                        format!("t3rs could not serve the request: {err}"),
                    ))
                })
        };
        ctx.spawn(work.into_actor(self).map(move |done, act, _ctx| {
            let current = (act.generation, act.live.as_ref().map(|(serial, _)| *serial));
            if current != asker || asker.1.is_none() {
                return;
            }
            let effects = act.translator.fs_answer(id, &method, done, &now_iso());
            let effects = act.keep(effects);
            act.tell(DriverEventBody::Runtime(effects), None);
        }));
    }
}
