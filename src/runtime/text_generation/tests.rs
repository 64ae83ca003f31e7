use super::*;
use crate::protocol::settings::ModelSelection;

#[test]
fn the_request_selection_wins_and_its_model_can_be_replaced() {
    let settings = ServerSettings::default();
    let w = writer(&settings, &ModelChoice::default()).unwrap();
    assert_eq!(
        (w.provider, w.model.as_str()),
        (AgentKind::Codex, "gpt-5.4-mini")
    );
    let choice = ModelChoice {
        selection: Some(ModelSelection {
            provider: AgentKind::ClaudeAgent,
            model: "claude-haiku-4-5".into(),
            options: None,
        }),
        model: None,
    };
    let w = writer(&settings, &choice).unwrap();
    assert_eq!(w.provider, AgentKind::ClaudeAgent);
    assert_eq!(w.binary, PathBuf::from("claude"));
    let choice = ModelChoice {
        model: Some("m2".into()),
        ..choice
    };
    assert_eq!(writer(&settings, &choice).unwrap().model, "m2");
}

#[test]
fn other_providers_are_refused_by_name() {
    let choice = ModelChoice {
        selection: Some(ModelSelection {
            provider: AgentKind::Gemini,
            model: "g".into(),
            options: None,
        }),
        model: None,
    };
    let err = writer(&ServerSettings::default(), &choice).unwrap_err();
    assert!(err.contains("'gemini'"), "{err}");
}

#[test]
fn recaps_are_one_clipped_line() {
    assert_eq!(clean_recap("Recap:  a\n b ", None), "a b");
    assert_eq!(clean_recap("  ", Some("old  one")), "old one");
    assert_eq!(clean_recap("", None), "No meaningful recap yet.");
    let long = clean_recap(&"é".repeat(500), None);
    assert_eq!(long.chars().count(), 240);
    assert!(long.ends_with("..."));
}

#[test]
fn sections_are_cut_on_characters() {
    assert_eq!(limit_section("ééé", 2), "éé\n\n[truncated]");
    assert_eq!(limit_section("ééé", 3), "ééé");
    assert_eq!(
        clean_summary("```md\n## Summary\n- x\n```"),
        "## Summary\n- x"
    );
}
