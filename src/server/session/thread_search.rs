//! `orchestration.searchThreads`: the search (which reads candidate threads' history) runs on
//! the blocking pool, never on this connection's thread or the Engine's.

use actix_web_actors::ws;

use super::{off_thread, Session};
use crate::protocol::reply_error::ReplyError;
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
                let result = off_thread("the thread search", move || {
                    index
                        .try_search(&params)
                        .map_err(|e| ReplyError::wrapped("reading the threads' history failed", e))
                })
                .await?;
                serde_json::to_string(&result)
                    .map_err(|e| ReplyError::wrapped("encoding the answer failed", e))
            },
            ctx,
        )
    }
}
