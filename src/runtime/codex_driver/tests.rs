use super::*;
use crate::orchestration::model::{
    AssistantDeliveryMode, CodexModelOptions, ProviderModelOptions, ReasoningEffort,
};
use crate::provider::driver::{ImageInput, ModelSelection};

fn input(text: &str, images: Vec<ImageInput>) -> TurnInput {
    TurnInput {
        text: text.into(),
        images,
        model_selection: ModelSelection::codex("gpt-5"),
        model_options: None,
        interaction_mode: InteractionMode::Default,
        runtime_mode: RuntimeMode::FullAccess,
        delivery: AssistantDeliveryMode::Buffered,
    }
}

#[test]
fn a_turn_becomes_turn_start_params_text_first_then_images() {
    let image = ImageInput {
        name: "a.png".into(),
        path: "/state/attachments/a.png".into(),
    };
    let params = turn_params(&input("look", vec![image]));
    assert_eq!(
        params,
        json!({
            "input": [
                { "type": "text", "text": "look", "text_elements": [] },
                { "type": "localImage", "path": "/state/attachments/a.png" },
            ],
            "model": "gpt-5",
            "collaborationMode": { "mode": "default", "settings": { "model": "gpt-5" } },
        })
    );
}

#[test]
fn blank_text_is_left_out_and_plan_mode_and_effort_are_passed() {
    let mut turn = input("  ", vec![]);
    turn.interaction_mode = InteractionMode::Plan;
    turn.model_options = Some(ProviderModelOptions {
        codex: Some(CodexModelOptions {
            reasoning_effort: Some(ReasoningEffort::High),
            fast_mode: None,
        }),
    });
    let params = turn_params(&turn);
    assert_eq!(params["input"], json!([]));
    assert_eq!(params["effort"], json!("high"));
    assert_eq!(params["collaborationMode"]["mode"], "plan");
}

#[test]
fn codex_declares_what_it_does() {
    let info = codex_info();
    assert_eq!(info.name, "codex");
    let caps = info.capabilities;
    assert!(caps.resume && caps.rollback && caps.plan_mode && caps.user_input && caps.images);
    assert!(caps.steer && caps.model_list);
}

#[test]
fn a_steer_names_the_running_turn_and_carries_the_message() {
    let params = steer_params("thread-1", "turn-7", &input("also this", Vec::new()));
    assert_eq!(params["threadId"], "thread-1");
    assert_eq!(params["expectedTurnId"], "turn-7");
    assert_eq!(params["input"][0]["text"], "also this");
    // What codex's own schema says a steer is.
    let typed: crate::provider::codex_protocol::TurnSteerParams =
        serde_json::from_value(params).unwrap();
    assert_eq!(typed.expected_turn_id.as_deref(), Some("turn-7"));
}
