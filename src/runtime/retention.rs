//! Thread retention (issue 17, dpcode.md §3): with `threadRetention.enabled`, a sweep archives
//! every thread inactive for more than `archiveAfterDays` days — never a deleted, archived or
//! busy one (see [`threads_to_archive`]) — and never deletes anything (DP Code's deletes).
//!
//! As in DP Code (S/threadRetention.ts:20-25) a sweep runs 5 minutes after start and then
//! every 24 hours; it also runs at once whenever the setting is turned on or its days change.
//! Threads are archived through the Engine, one `thread.archive` command each (fresh
//! `thread-retention:<uuid>` command ids), in batches of 25 with a short pause between, so
//! every archive is logged, pushed and acknowledged like a user's. Progress goes out on
//! `server.maintenanceUpdated` in DP Code's shape, with `archivedCount` for its
//! `deletedCount`: `started`, one `progress` per batch, then `completed` (or `failed` when the
//! model cannot be read). A thread archived or deleted between the sweep's read and its command
//! is refused by the decider and skipped.

use std::time::Duration;

use actix::prelude::*;
use chrono::{SecondsFormat, Utc};
use serde_json::json;
use t3rs_actors::push_relay::Publish;
use t3rs_actors::Ask;

use crate::orchestration::commands::{ClientCommand, ThreadArchiveCommand};
use crate::orchestration::retention::threads_to_archive;
use crate::orchestration::Command;
use crate::protocol::methods::channels;
use crate::protocol::settings::ThreadRetention;
use crate::runtime::engine::{Dispatch, EngineHandle, GetSnapshot};
use crate::runtime::push_bus::{Push, PushBus};
use crate::runtime::settings::SettingsShare;

pub const INITIAL_SWEEP_DELAY: Duration = Duration::from_secs(5 * 60);
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
const BATCH: usize = 25;
const BATCH_PAUSE: Duration = Duration::from_millis(50);
pub const TASK: &str = "thread-retention";

pub struct RetentionDeps {
    pub engine: EngineHandle,
    pub bus: Addr<PushBus>,
    pub settings: SettingsShare,
}

/// Runs the sweeps for as long as the server runs.
pub async fn run(deps: RetentionDeps) {
    let mut changes = deps.settings.changes();
    let mut current = deps.settings.get().thread_retention;
    let mut next = tokio::time::Instant::now() + INITIAL_SWEEP_DELAY;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(next) => {
                next = tokio::time::Instant::now() + SWEEP_INTERVAL;
                if current.enabled {
                    sweep(&deps, current).await;
                }
            }
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
                let now = deps.settings.get().thread_retention;
                let was = std::mem::replace(&mut current, now);
                if now.enabled && now != was {
                    sweep(&deps, now).await;
                }
            }
        }
    }
}

fn publish(bus: &Addr<PushBus>, state: &str, details: serde_json::Value) {
    let mut data = json!({
        "task": TASK,
        "state": state,
        "at": Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
    });
    if let (Some(data), Some(details)) = (data.as_object_mut(), details.as_object()) {
        data.extend(details.clone());
    }
    match Push::new(channels::SERVER_MAINTENANCE_UPDATED, &data) {
        Ok(push) => bus.do_send(Publish(push)),
        Err(err) => log::error!("cannot encode a maintenance report: {err}"),
    }
}

/// One sweep; returns how many threads it archived.
pub async fn sweep(deps: &RetentionDeps, policy: ThreadRetention) -> usize {
    let model = match deps.engine.send(Ask(GetSnapshot)).await {
        Ok(Ok(Ok(model))) => model,
        Ok(Ok(Err(reason))) | Ok(Err(t3rs_actors::ChildUnavailable { reason, .. })) => {
            log::warn!("thread retention: cannot read the threads: {reason}");
            publish(
                &deps.bus,
                "failed",
                json!({"archivedCount": 0, "error": reason}),
            );
            return 0;
        }
        Err(_) => return 0,
    };
    let chosen = threads_to_archive(&model, Utc::now(), policy.archive_after_days);
    drop(model);
    let total = chosen.len();
    log::info!(
        "thread retention: {total} threads inactive for more than {} days",
        policy.archive_after_days
    );
    publish(
        &deps.bus,
        "started",
        json!({"archivedCount": 0, "totalCount": total}),
    );
    let mut archived = 0;
    for batch in chosen.chunks(BATCH) {
        for thread_id in batch {
            let command = Command::Client(ClientCommand::ThreadArchive(ThreadArchiveCommand {
                command_id: format!("{TASK}:{}", uuid::Uuid::new_v4()),
                thread_id: thread_id.clone(),
            }));
            match deps.engine.send(Ask(Dispatch(command))).await {
                Ok(Ok(Ok(_))) => archived += 1,
                Ok(Ok(Err(err))) => {
                    log::warn!(thread_id = thread_id.as_str(); "thread retention: not archived: {err}")
                }
                Ok(Err(err)) => log::warn!("thread retention: {err}"),
                Err(_) => return archived,
            }
        }
        publish(
            &deps.bus,
            "progress",
            json!({"archivedCount": archived, "totalCount": total}),
        );
        tokio::time::sleep(BATCH_PAUSE).await;
    }
    publish(
        &deps.bus,
        "completed",
        json!({"archivedCount": archived, "totalCount": total}),
    );
    archived
}
