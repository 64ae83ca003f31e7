//! Which threads the retention sweep archives (DP Code's `getInactiveThreadIdsForRetention`,
//! S/threadRetention.ts:191-208, with one difference: DP Code deletes them, t3rs archives).
//! Pure: the caller passes `now`, so the policy is tested with any clock.

use chrono::{DateTime, Duration, Utc};

use super::model::{LatestTurnState, ReadModel, SessionStatus, Thread};

/// When a thread last saw its user, as DP Code reckons it: its newest user message, else its
/// `updatedAt`, else its `createdAt` (S/threadRetention.ts:39-45). `None` when none parses.
pub fn last_activity(thread: &Thread) -> Option<DateTime<Utc>> {
    let parse = |at: &str| {
        DateTime::parse_from_rfc3339(at)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let newest_user_message = thread
        .history
        .newest_user_message
        .as_ref()
        .and_then(|(_, at)| parse(at));
    newest_user_message
        .or_else(|| parse(&thread.updated_at))
        .or_else(|| parse(&thread.created_at))
}

/// A thread with work under way or waiting for its user: a session starting or running, a
/// turn running, or an approval or question nobody answered (S/threadRetention.ts:47-61).
pub fn is_busy(thread: &Thread) -> bool {
    if let Some(session) = &thread.session {
        if matches!(
            session.status,
            SessionStatus::Starting | SessionStatus::Running
        ) || session.active_turn_id.is_some()
        {
            return true;
        }
    }
    if thread
        .latest_turn
        .as_ref()
        .is_some_and(|turn| turn.state == LatestTurnState::Running)
    {
        return true;
    }
    let open = super::shell::OpenRequests::of(thread.history.requests.iter().map(|(_, a)| a));
    open.approvals || open.user_input
}

/// The live, unarchived, idle threads whose last activity is more than `archive_after_days`
/// days before `now`, in the model's order. Deleted and archived threads are never chosen, nor
/// one whose times do not parse.
pub fn threads_to_archive(
    model: &ReadModel,
    now: DateTime<Utc>,
    archive_after_days: u32,
) -> Vec<String> {
    let cutoff = now - Duration::days(i64::from(archive_after_days));
    model
        .threads
        .values()
        .filter(|t| t.deleted_at.is_none() && !t.is_archived() && !is_busy(t))
        .filter(|t| last_activity(t).is_some_and(|at| at < cutoff))
        .map(|t| t.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::orchestration::test_support::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn thread_created(h: &mut Harness, id: &str, created_at: &str) {
        let mut command = create_thread(id, "p1");
        command["createdAt"] = json!(created_at);
        h.ok(client(command));
    }

    fn session(h: &mut Harness, id: &str, status: &str, active_turn: Option<&str>) {
        h.ok(internal(
            json!({"type": "thread.session.set", "commandId": format!("s-{id}"),
            "threadId": id, "session": {"threadId": id, "status": status,
            "providerName": "codex", "runtimeMode": "full-access", "activeTurnId": active_turn,
            "lastError": null, "updatedAt": "2020-01-01T00:00:00.000Z"},
            "createdAt": "2020-01-01T00:00:00.000Z"}),
        ));
    }

    #[test]
    fn old_idle_threads_are_chosen_and_recent_busy_archived_and_deleted_ones_are_not() {
        let mut h = Harness::new();
        h.ok(client(create_project("p1")));
        let old = "2020-01-01T00:00:00.000Z";
        for id in [
            "old", "running", "starting", "asking", "archived", "deleted", "answered",
        ] {
            thread_created(&mut h, id, old);
        }
        thread_created(&mut h, "recent", "2026-03-25T00:00:00.000Z");
        session(&mut h, "running", "running", Some("turn-1"));
        session(&mut h, "starting", "starting", None);
        for (id, resolved) in [("asking", false), ("answered", true)] {
            h.ok(internal(
                json!({"type": "thread.activity.append", "commandId": format!("q-{id}"),
                "threadId": id, "activity": {"id": format!("q-{id}"), "tone": "approval",
                "kind": "approval.requested", "summary": "Command approval requested",
                "payload": {"requestId": "r1"}, "turnId": null, "createdAt": old},
                "createdAt": old}),
            ));
            if resolved {
                h.ok(internal(json!({"type": "thread.activity.append",
                    "commandId": format!("r-{id}"), "threadId": id,
                    "activity": {"id": format!("r-{id}"), "tone": "approval",
                    "kind": "approval.resolved", "summary": "Approved",
                    "payload": {"requestId": "r1", "decision": "accept"}, "turnId": null,
                    "createdAt": old}, "createdAt": old})));
            }
        }
        h.ok(client(
            json!({"type": "thread.archive", "commandId": "a", "threadId": "archived"}),
        ));
        h.ok(client(
            json!({"type": "thread.delete", "commandId": "d", "threadId": "deleted"}),
        ));
        // Session and activity events move `updatedAt` to the harness's clock or the event's
        // time; the policy reads the time of the newest user message first, else updatedAt.
        let now = at("2026-04-01T00:00:00.000Z");
        let chosen = threads_to_archive(&h.model, now, 30);
        assert_eq!(chosen, ["old", "answered"]);
        // With a longer horizon nothing of 2020 is spared, the recent thread still is.
        assert_eq!(
            threads_to_archive(&h.model, now, 3_000),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_recent_user_message_keeps_an_old_thread() {
        let mut h = Harness::new();
        h.ok(client(create_project("p1")));
        thread_created(&mut h, "t", "2020-01-01T00:00:00.000Z");
        let mut turn = turn_start("t", "m1", "hi");
        turn["createdAt"] = json!("2026-03-30T00:00:00.000Z");
        h.ok(client(turn));
        let thread = &h.model.threads["t"];
        assert_eq!(last_activity(thread), Some(at("2026-03-30T00:00:00.000Z")));
        let now = at("2026-04-01T00:00:00.000Z");
        assert!(threads_to_archive(&h.model, now, 30).is_empty());
        // 31 days later it is chosen: the boundary is "more than" the horizon.
        assert!(threads_to_archive(&h.model, at("2026-04-29T00:00:00.000Z"), 30).is_empty());
        assert_eq!(
            threads_to_archive(&h.model, at("2026-04-29T00:00:00.001Z"), 30),
            ["t"]
        );
    }
}
