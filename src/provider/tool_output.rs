//! A tool's output as it rides on its `tool.completed` activity: `payload.output` (the text) and
//! `payload.outputTruncated` (true when only the tail is kept). v0.0.4 clients ignore the extra
//! fields. The cap bounds what one activity costs the store and every snapshot that carries it;
//! the tail is what a person reads first (the error, the summary line).

use serde_json::Value;

/// The most bytes of output kept on one activity.
pub const OUTPUT_MAX_BYTES: usize = 64 * 1024;

/// Adds `output` (and `outputTruncated` when cut) to `payload`; blank output adds nothing.
pub fn attach(payload: &mut Value, output: &str) {
    if output.trim().is_empty() {
        return;
    }
    let (text, truncated) = tail(output, OUTPUT_MAX_BYTES);
    payload["output"] = text.into();
    if truncated {
        payload["outputTruncated"] = true.into();
    }
}

/// The last `max` bytes of `text` (cut on a char boundary), and whether anything was dropped.
pub fn tail(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    (&text[start..], true)
}

/// The text of a content value as Claude's tool_result and ACP's tool-call content write it:
/// a string, or a list of blocks whose text sits at `text` or `content.text`.
pub fn text_of_blocks(content: &Value) -> String {
    if let Some(s) = content.as_str() {
        return s.to_string();
    }
    let parts: Vec<&str> = content
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["text"].as_str().or_else(|| b["content"]["text"].as_str()))
        .collect();
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_tail_on_a_char_boundary_and_marks_the_cut() {
        let text = format!("{}é-end", "x".repeat(10));
        assert_eq!(tail(&text, 6), ("é-end", true));
        assert_eq!(tail("short", 64), ("short", false));
        let mut payload = json!({});
        attach(&mut payload, &"y".repeat(OUTPUT_MAX_BYTES + 10));
        assert_eq!(payload["output"].as_str().unwrap().len(), OUTPUT_MAX_BYTES);
        assert_eq!(payload["outputTruncated"], true);
        let mut blank = json!({});
        attach(&mut blank, "  \n");
        assert_eq!(blank, json!({}));
    }

    #[test]
    fn reads_strings_and_text_blocks() {
        assert_eq!(text_of_blocks(&json!("plain")), "plain");
        let blocks = json!([{"type": "text", "text": "a"}, {"type": "image"},
                            {"type": "content", "content": {"type": "text", "text": "b"}}]);
        assert_eq!(text_of_blocks(&blocks), "a\nb");
    }
}
