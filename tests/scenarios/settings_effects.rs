//! Settings the server acts on during turns: `enableAssistantStreaming` is how a turn that names
//! no `assistantDeliveryMode` delivers its answer (v0.0.4 clients never name one).

use serde_json::json;

use crate::agent::Agent;
use crate::rig::Rig;

/// Assistant pieces pushed while streaming, since event `from`.
fn streamed_pieces(rig: &Rig, from: usize) -> usize {
    rig.events[from..]
        .iter()
        .filter(|e| e["type"] == "thread.message-sent" && e["payload"]["role"] == "assistant")
        .filter(|e| e["payload"]["streaming"] == true)
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn enable_assistant_streaming_is_the_default_delivery() {
    let agent = Agent::Codex;
    if !agent.installed() {
        eprintln!("skipped: the pinned codex is not installed (make codex)");
        return;
    }
    let steps = json!([{"text": "one two three four", "chunks": 4}]);
    let mut rig = Rig::start(agent, steps, false).await;
    rig.turn("first", json!({})).await;
    rig.turn_done().await;
    assert!(streamed_pieces(&rig, 0) <= 1, "{}", rig.story());

    rig.update_settings(json!({"enableAssistantStreaming": true}))
        .await;
    let from = rig.events.len();
    rig.turn("second", json!({})).await;
    rig.turn_done().await;
    assert!(
        streamed_pieces(&rig, from) > 1,
        "not streamed:{}",
        rig.story()
    );
}
