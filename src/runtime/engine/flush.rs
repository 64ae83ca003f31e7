//! The group commit: one transaction and one flush for the open batch, then (and only then)
//! the watermark moves, the pushes and reactions go out and the replies are answered. A failed
//! write poisons the incarnation (see the module above).

use t3rs_actors::push_relay::Publish;

use super::{DispatchError, DomainEvent, Engine};
use crate::store::event_log::CommandWrite;
use crate::store::StoreError;

impl Engine {
    pub(super) fn flush_now(&mut self) -> bool {
        self.flush_scheduled = false;
        let batch = std::mem::take(&mut self.batch);
        let replies = std::mem::take(&mut self.replies);
        let pushes = std::mem::take(&mut self.pushes);
        let lists = self
            .lists
            .finish(&self.model, self.log.history(), Some(&self.captures));
        let history = match lists {
            Ok(history) => history,
            Err(err) => {
                let reason = format!("the threads' history cannot be read: {err}");
                log::error!("{reason}");
                self.poisoned = Some(reason);
                sled::Batch::default()
            }
        };
        self.batch_receipts.clear();
        self.gate.batch_done();
        if let Some(reason) = &self.poisoned {
            for (reply, _) in replies {
                let _ = reply.send(Err(DispatchError::Storage(reason.clone())));
            }
            return false;
        }
        match self.write(&batch, &history) {
            Ok(()) => {
                #[cfg(test)]
                self.flushed.push(replies.len());
                let appended: u64 = batch.iter().map(|w| w.events.len() as u64).sum();
                self.watermark.set(self.next_sequence - 1);
                // Before any reply: a client told its project exists may use it at once.
                if std::mem::take(&mut self.roots_changed) {
                    if let Some(view) = &self.roots {
                        view.publish(&self.model);
                    }
                }
                // Before any reply too: a client told its message is stored can search for it.
                if let Some(search) = &self.search {
                    search.apply(&std::mem::take(&mut self.search_touches), &self.model);
                }
                for push in pushes {
                    self.bus.do_send(Publish(push));
                }
                if let Some(reactor) = &self.reactor {
                    for event in std::mem::take(&mut self.reactions) {
                        reactor.do_send(DomainEvent(event));
                    }
                }
                for (reply, outcome) in replies {
                    let _ = reply.send(outcome);
                }
                self.events_since_snapshot += appended;
                if self.events_since_snapshot >= self.snapshot_every {
                    self.snapshot();
                }
                true
            }
            Err(err) => {
                self.reactions.clear();
                self.search_touches.clear();
                self.roots_changed = false;
                log::error!("event store write failed: {err}");
                self.poisoned = Some(format!("the event store failed: {err}"));
                for (reply, _) in replies {
                    let _ = reply.send(Err(DispatchError::Storage(err.to_string())));
                }
                if self.gate.write_failed(&err.to_string()) {
                    // The process is exiting; stay up answering the reason until it does,
                    // rather than restart on a handle that cannot write.
                    return true;
                }
                self.guard.fail(format!("event store write failed: {err}"));
                false
            }
        }
    }

    fn write(&self, batch: &[CommandWrite], history: &sled::Batch) -> Result<(), StoreError> {
        #[cfg(test)]
        if self.fail_writes {
            return Err(StoreError::Aborted);
        }
        if batch.is_empty() {
            // Only repeats and refusals: nothing new to make durable.
            return Ok(());
        }
        self.gate.timed(|| {
            self.log.write_batch_with_history(batch, history)?;
            self.log.flush()
        })
    }
}
