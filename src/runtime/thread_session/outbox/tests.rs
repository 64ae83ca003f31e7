use super::*;
use crate::orchestration::commands::RevertCompleteCommand;

fn command(turn_count: u64) -> InternalCommand {
    InternalCommand::ThreadRevertComplete(RevertCompleteCommand {
        command_id: format!("c{turn_count}"),
        thread_id: "t1".into(),
        turn_count,
        created_at: "2026-01-01T00:00:00.000Z".into(),
    })
}

fn text(outbox: &mut Outbox, message_id: &str, piece: &str) {
    outbox.push_text(message_id.into(), Some("turn".into()), None, piece.into());
}

/// The text of a `Send`, or a panic naming what came instead.
fn sent_text(next: Next) -> (String, String) {
    match next {
        Next::Send(Outgoing::Text {
            message_id, text, ..
        }) => (message_id, text),
        other => panic!("expected text, got {other:?}"),
    }
}

fn sent_turn_count(next: Next) -> u64 {
    match next {
        Next::Send(Outgoing::Command(InternalCommand::ThreadRevertComplete(c))) => c.turn_count,
        other => panic!("expected a command, got {other:?}"),
    }
}

#[test]
fn an_empty_outbox_has_nothing_to_do() {
    let mut outbox = Outbox::default();
    assert!(matches!(outbox.next(Instant::now()), Next::Idle));
}

#[test]
fn one_command_at_a_time_in_order() {
    let mut outbox = Outbox::default();
    let now = Instant::now();
    outbox.push_command(command(1));
    outbox.push_command(command(2));
    assert_eq!(sent_turn_count(outbox.next(now)), 1);
    // Nothing else leaves while the first is in flight.
    assert!(matches!(outbox.next(now), Next::Idle));
    outbox.sent();
    assert_eq!(sent_turn_count(outbox.next(now)), 2);
    outbox.sent();
    assert!(matches!(outbox.next(now), Next::Idle));
}

#[test]
fn text_for_the_same_message_merges_while_it_waits_in_line() {
    let mut outbox = Outbox::default();
    let now = Instant::now();
    outbox.push_command(command(1));
    let _ = outbox.next(now);
    text(&mut outbox, "m1", "Hel");
    text(&mut outbox, "m1", "lo");
    text(&mut outbox, "m2", "other");
    outbox.sent();
    assert_eq!(sent_text(outbox.next(now)), ("m1".into(), "Hello".into()));
    outbox.sent();
    // Alone in line now, the second message waits out the interval since the first.
    assert!(matches!(outbox.next(now), Next::Wait(_)));
    outbox.waited();
    let later = now + TEXT_INTERVAL;
    assert_eq!(sent_text(outbox.next(later)), ("m2".into(), "other".into()));
}

#[test]
fn text_alone_waits_out_the_interval_since_the_last_text() {
    let mut outbox = Outbox::default();
    let start = Instant::now();
    text(&mut outbox, "m1", "a");
    // The first text of all leaves at once.
    assert_eq!(sent_text(outbox.next(start)), ("m1".into(), "a".into()));
    outbox.sent();
    text(&mut outbox, "m1", "b");
    let later = start + Duration::from_millis(4);
    match outbox.next(later) {
        Next::Wait(wait) => assert_eq!(wait, TEXT_INTERVAL - Duration::from_millis(4)),
        other => panic!("expected a wait, got {other:?}"),
    }
    // While the wait is scheduled, more text merges and nothing leaves.
    text(&mut outbox, "m1", "c");
    assert!(matches!(outbox.next(later), Next::Idle));
    outbox.waited();
    let after = start + TEXT_INTERVAL;
    assert_eq!(sent_text(outbox.next(after)), ("m1".into(), "bc".into()));
}

#[test]
fn text_with_news_behind_it_leaves_at_once() {
    let mut outbox = Outbox::default();
    let start = Instant::now();
    text(&mut outbox, "m1", "a");
    let _ = outbox.next(start);
    outbox.sent();
    text(&mut outbox, "m1", "b");
    outbox.push_command(command(7));
    let soon = start + Duration::from_millis(1);
    assert_eq!(sent_text(outbox.next(soon)), ("m1".into(), "b".into()));
    outbox.sent();
    assert_eq!(sent_turn_count(outbox.next(soon)), 7);
}

#[test]
fn text_becomes_an_assistant_delta_for_its_thread() {
    let outgoing = Outgoing::Text {
        message_id: "m1".into(),
        turn_id: Some("turn".into()),
        answered_by: Some(ModelSelection::codex("gpt-5.4")),
        text: "hi".into(),
    };
    let InternalCommand::ThreadMessageAssistantDelta(delta) = outgoing.into_command("t1") else {
        panic!("expected an assistant delta");
    };
    assert_eq!(
        (delta.thread_id.as_str(), delta.message_id.as_str()),
        ("t1", "m1")
    );
    assert_eq!(
        (delta.delta.as_str(), delta.turn_id.as_deref()),
        ("hi", Some("turn"))
    );
    assert_eq!(delta.answered_by, Some(ModelSelection::codex("gpt-5.4")));
}
