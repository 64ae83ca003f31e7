//! `orchestration.getSnapshot` as a job handed out by the Engine: the durable model's rows (a
//! clone that shares them) and where their history is read from. The asker encodes it on a
//! blocking thread as it streams; nothing is encoded on the Engine's thread, so dispatch goes
//! on while a snapshot of any size is written.

use actix::prelude::*;

use crate::orchestration::thread_lists::HistorySource;
use crate::orchestration::ReadModel;

use super::Engine;

/// Asks for a [`SnapshotJob`] as of the last durable event.
#[derive(Message)]
#[rtype(result = "Result<SnapshotJob, String>")]
pub struct TakeSnapshotJob;

/// A snapshot consistent as of `model.snapshot_sequence`: the rows as they were when it was
/// taken (later changes copy their row, [`ReadModel::thread_mut`]) and the threads' lists.
pub struct SnapshotJob {
    pub model: ReadModel,
    pub history: Box<dyn HistorySource + Send>,
}

impl Handler<TakeSnapshotJob> for Engine {
    type Result = Result<SnapshotJob, String>;

    fn handle(&mut self, _msg: TakeSnapshotJob, ctx: &mut Self::Context) -> Self::Result {
        // The open batch first: no snapshot shows an event a crash could take back.
        self.settle(ctx)?;
        let model = self.model.clone();
        // No batch is open now: the store's lists are at the rows' sequence, and the reader
        // keeps seeing them so while the Engine writes on (`store::history_as_of`).
        let history = Box::new(self.captures.open(self.log.history()));
        Ok(SnapshotJob { model, history })
    }
}
