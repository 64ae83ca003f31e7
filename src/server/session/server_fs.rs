//! Routing of DP Code's server-wide methods (dpcode.md §3: `server.getEnvironment`,
//! `server.getDiagnostics`, `server.listWorktrees`), its folder browsing (§6:
//! `filesystem.browse`, `projects.listDirectories`, `projects.searchLocalEntries`, confined to
//! the home directory, see `workspace::browse`) and `terminal.ackOutput` (§6, see
//! `runtime::terminals::flow`). Filesystem and /proc reads run on the blocking pool.

use actix_web_actors::ws;
use serde_json::{json, Value};
use t3rs_actors::Ask;

use super::Session;
use crate::protocol::envelope::encode_result;
use crate::protocol::reply_error::ReplyError;
use crate::protocol::server_fs::{
    BrowseParams, ListDirectoriesParams, SearchLocalParams, TerminalAckParams,
};
use crate::runtime::engine::GetSnapshot;
use crate::runtime::server_info::{diagnostics, environment, worktrees};
use crate::runtime::terminals::TerminalAckOutput;
use crate::workspace::browse::{self, Home};

/// `work` on the blocking pool; its answer as the reply's JSON.
async fn blocking<F>(what: &'static str, work: F) -> Result<String, ReplyError>
where
    F: FnOnce() -> Result<Value, ReplyError> + Send + 'static,
{
    super::off_thread(what, work)
        .await
        .map(|value| value.to_string())
}

/// A folder-browsing request: which of the three, with its parameters.
pub(super) enum Browse {
    Folder(BrowseParams),
    ListDirectories(ListDirectoriesParams),
    SearchLocal(SearchLocalParams),
}

impl Session {
    pub(super) fn get_environment(&mut self, id: String, ctx: &mut ws::WebsocketContext<Self>) {
        let descriptor = environment::descriptor(&self.app.runtime.server_info);
        ctx.text(encode_result(&id, Some(&descriptor)));
    }

    pub(super) fn get_diagnostics(&mut self, id: String, ctx: &mut ws::WebsocketContext<Self>) {
        let asked = self.app.runtime.engine.send(Ask(GetSnapshot));
        let log = self.app.runtime.events.log.clone();
        let info = self.app.runtime.server_info.clone();
        let health = self.app.runtime.health.clone();
        let search = self.app.runtime.thread_search.clone();
        self.reply_later(
            id,
            async move {
                // Diagnostics matter most when something is down: an Engine that cannot
                // answer leaves the counts at 0 and says why, the rest is still reported.
                let (counts, unavailable) = match super::flatten(asked.await).and_then(|m| m) {
                    Ok(model) => {
                        let projects = model.projects.values().filter(|p| p.deleted_at.is_none());
                        let threads = model.threads.values().filter(|t| t.deleted_at.is_none());
                        ((projects.count(), threads.count()), None)
                    }
                    Err(reason) => ((0, 0), Some(reason)),
                };
                blocking("reading the diagnostics", move || {
                    let mut report = diagnostics::report(&info, counts, &health);
                    report["history"] = history_report(&log);
                    if let Some(reason) = unavailable {
                        report["projection"]["unavailable"] = json!(reason);
                    }
                    // Beyond DP Code: the search index's size grows with threads, not text.
                    let (threads, building) = search.status();
                    report["searchIndex"] = json!({
                        "bytes": search.index_bytes(),
                        "threadCount": threads,
                        "building": building,
                    });
                    Ok(report)
                })
                .await
            },
            ctx,
        );
    }

    pub(super) fn list_worktrees(&mut self, id: String, ctx: &mut ws::WebsocketContext<Self>) {
        let asked = self.app.runtime.engine.send(Ask(GetSnapshot));
        self.reply_later(
            id,
            async move {
                let model = super::flatten(asked.await)??;
                let known = worktrees::KnownWorktrees::from_model(&model);
                drop(model);
                blocking("listing the worktrees", move || {
                    Ok(json!({ "worktrees": worktrees::list(known) }))
                })
                .await
            },
            ctx,
        );
    }

    pub(super) fn browse(
        &mut self,
        id: String,
        request: Browse,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let info = self.app.runtime.server_info.clone();
        self.reply_later(
            id,
            blocking("browsing folders", move || {
                let home = Home::open(info.home_dir())?;
                match &request {
                    Browse::Folder(p) => browse::browse(&home, p),
                    Browse::ListDirectories(p) => browse::list_directories(&home, p),
                    Browse::SearchLocal(p) => browse::search_local(&home, p),
                }
            }),
            ctx,
        );
    }

    pub(super) fn ack_output(
        &mut self,
        id: String,
        params: TerminalAckParams,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let connection = self.connection;
        self.terminal(id, TerminalAckOutput { connection, params }, ctx);
    }
}

/// Where the threads' history is and how much of it memory holds: the store's cache bound (the
/// only cache of history; `history_cache_bytes`) and the store's size on disk.
fn history_report(log: &crate::store::event_log::EventLog) -> serde_json::Value {
    json!({
        "cacheBoundBytes": log.cache_bytes(),
        "storeBytesOnDisk": log.size_on_disk().ok(),
    })
}
