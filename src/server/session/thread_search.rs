//! `orchestration.searchThreads`: the scan runs on the blocking pool, never on this
//! connection's thread or the Engine's.

use actix_web_actors::ws;

use super::Session;
use crate::protocol::thread_search::SearchThreadsParams;

impl Session {
    pub(super) fn search_threads(
        &mut self,
        id: String,
        params: SearchThreadsParams,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let index = self.app.runtime.thread_search.clone();
        self.reply_later(
            id,
            async move {
                let result = tokio::task::spawn_blocking(move || index.search(&params))
                    .await
                    .map_err(|e| format!("the thread search failed: {e}"))?;
                serde_json::to_string(&result).map_err(|e| e.to_string())
            },
            ctx,
        )
    }
}
