//! The Engine's commands as actor messages: dispatches, the scheduled flush, the checkpoint
//! and shutdown.

use actix::prelude::*;
use t3rs_actors::Shutdown;

use super::{
    Checkpoint, Dispatch, DispatchError, DispatchPublished, Dispatched, Engine, FlushBatch,
};

fn stopped_engine() -> DispatchError {
    DispatchError::Storage("the engine stopped".into())
}

impl Handler<Dispatch> for Engine {
    type Result = ResponseFuture<Result<u64, DispatchError>>;

    fn handle(&mut self, msg: Dispatch, ctx: &mut Self::Context) -> Self::Result {
        let rx = self.dispatch(&msg.0, ctx);
        Box::pin(async move {
            rx.await
                .unwrap_or_else(|_| Err(stopped_engine()))
                .map(|dispatched| dispatched.sequence)
        })
    }
}

impl Handler<DispatchPublished> for Engine {
    type Result = ResponseFuture<Result<Dispatched, DispatchError>>;

    fn handle(&mut self, msg: DispatchPublished, ctx: &mut Self::Context) -> Self::Result {
        let rx = self.dispatch(&msg.0, ctx);
        Box::pin(async move { rx.await.unwrap_or_else(|_| Err(stopped_engine())) })
    }
}

impl Handler<FlushBatch> for Engine {
    type Result = ();

    fn handle(&mut self, _msg: FlushBatch, ctx: &mut Self::Context) {
        // A capped batch or a read may have flushed already.
        self.flush_scheduled = false;
        if self.pending() && !self.flush_now() {
            ctx.stop();
        }
    }
}

impl Handler<Checkpoint> for Engine {
    type Result = u64;

    fn handle(&mut self, _msg: Checkpoint, ctx: &mut Self::Context) -> u64 {
        if self.pending() && !self.flush_now() {
            ctx.stop();
        }
        if self.events_since_snapshot > 0 {
            self.snapshot();
        }
        self.wait_for_snapshot();
        // The durable sequence (a poisoned model is ahead of it).
        self.watermark.get()
    }
}

impl Handler<Shutdown> for Engine {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}
