//! DP Code's events as a v0.0.4 client must see them. T3 Code's v0.0.4 client decodes every
//! `orchestration.domainEvent` push and every `replayEvents` item with its own schemas and drops
//! an event whose `type` it does not know, so DP Code's `thread.archived` / `thread.unarchived`
//! travel there as a `thread.meta-updated` carrying an extra `archivedAt` (a time, or `null`),
//! with the same sequence, eventId and envelope. The log keeps the real event (DP Code's
//! channels carry it); only these two types are re-encoded, so a replay page still copies the
//! stored bytes of every other event.

use std::borrow::Cow;

use serde_json::{json, Value};

use super::events::{Event, EventBody};

/// The v0.0.4 rendering of `event`, when it is one v0.0.4 does not know; `None` when the event
/// goes out as it is.
pub fn v004_event_json(event: &Event) -> Option<String> {
    let (thread_id, updated_at, archived_at) = match &event.body {
        EventBody::ThreadArchived(p) => (
            &p.thread_id,
            &p.updated_at,
            Value::String(p.archived_at.clone()),
        ),
        EventBody::ThreadUnarchived(p) => (&p.thread_id, &p.updated_at, Value::Null),
        _ => return None,
    };
    let mut value = serde_json::to_value(event).ok()?;
    let object = value.as_object_mut()?;
    object.insert("type".into(), json!("thread.meta-updated"));
    object.insert(
        "payload".into(),
        json!({"threadId": thread_id, "updatedAt": updated_at, "archivedAt": archived_at}),
    );
    Some(value.to_string())
}

/// Whether stored event bytes may be an archive event. JSON escapes every quote inside a
/// string, so the unescaped `"type":"thread.archived"` occurs only as the event's own type;
/// a false positive would only cost a decode.
fn may_need_rendering(stored: &str) -> bool {
    stored.contains("\"type\":\"thread.archived\"")
        || stored.contains("\"type\":\"thread.unarchived\"")
}

/// A stored event as a v0.0.4 client must receive it: the stored text itself, except for the
/// archive events, decoded and re-encoded.
pub fn v004_stored_event(stored: &str) -> Result<Cow<'_, str>, String> {
    if !may_need_rendering(stored) {
        return Ok(Cow::Borrowed(stored));
    }
    let event: Event =
        serde_json::from_str(stored).map_err(|e| format!("a stored event does not decode: {e}"))?;
    Ok(match v004_event_json(&event) {
        Some(rendered) => Cow::Owned(rendered),
        None => Cow::Borrowed(stored),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::orchestration::test_support::*;

    fn archived_pair() -> (Event, Event) {
        let mut h = Harness::with_thread();
        let archived = h
            .ok(client(
                json!({"type": "thread.archive", "commandId": "a", "threadId": "t1"}),
            ))
            .remove(0);
        let unarchived = h
            .ok(client(
                json!({"type": "thread.unarchive", "commandId": "u", "threadId": "t1"}),
            ))
            .remove(0);
        (archived, unarchived)
    }

    #[test]
    fn archive_events_become_meta_updates_with_archived_at() {
        let (archived, unarchived) = archived_pair();
        let rendered: Value =
            serde_json::from_str(&v004_event_json(&archived).expect("rendered")).unwrap();
        let original = serde_json::to_value(&archived).unwrap();
        assert_eq!(rendered["type"], "thread.meta-updated");
        for key in [
            "sequence",
            "eventId",
            "aggregateKind",
            "aggregateId",
            "occurredAt",
            "commandId",
        ] {
            assert_eq!(rendered[key], original[key], "{key}");
        }
        assert_eq!(
            rendered["payload"],
            json!({"threadId": "t1", "updatedAt": NOW, "archivedAt": NOW})
        );
        let rendered: Value =
            serde_json::from_str(&v004_event_json(&unarchived).expect("rendered")).unwrap();
        assert_eq!(rendered["type"], "thread.meta-updated");
        assert_eq!(
            rendered["payload"],
            json!({"threadId": "t1", "updatedAt": NOW, "archivedAt": null})
        );
    }

    #[test]
    fn stored_events_pass_through_unless_they_are_archive_events() {
        let (archived, _) = archived_pair();
        let mut h = Harness::with_thread();
        // A message whose text names the type is still copied as it is.
        let message = h
            .ok(client(turn_start(
                "t1",
                "m1",
                "\"type\":\"thread.archived\"",
            )))
            .remove(0);
        let stored = serde_json::to_string(&message).unwrap();
        assert!(matches!(v004_stored_event(&stored), Ok(Cow::Borrowed(_))));
        let stored = serde_json::to_string(&archived).unwrap();
        let rendered = v004_stored_event(&stored).expect("renders");
        assert!(
            rendered.contains("\"type\":\"thread.meta-updated\""),
            "{rendered}"
        );
        assert!(v004_stored_event("{\"type\":\"thread.archived\"").is_err());
    }
}
