//! Cutting untrusted text (a child's output, git's, a client's strings) to a length without
//! splitting a character: `String::truncate` and `&s[..n]` panic when byte `n` falls inside
//! a multi-byte character, so t3rs cuts text only through these functions. `clippy.toml`
//! refuses `String::truncate` elsewhere.

/// The longest prefix of `text` that is at most `max_bytes` long and ends on a character
/// boundary (the whole text when it is short enough).
pub fn prefix_within(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut cut = max_bytes;
    // A UTF-8 character is at most 4 bytes, so this steps back at most 3 times.
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// Shortens `text` in place to at most `max_bytes`, cutting at a character boundary.
#[allow(clippy::disallowed_methods)] // The one place that may call it: the cut is on a boundary.
pub fn truncate_within(text: &mut String, max_bytes: usize) {
    let keep = prefix_within(text, max_bytes).len();
    text.truncate(keep);
}

/// At most `max_chars` characters of `text`; a cut one ends in `...` (counted in the limit
/// when it is at least 3).
pub fn ellipsize_chars(text: &str, max_chars: usize) -> String {
    if text.chars().nth(max_chars).is_none() {
        return text.to_string();
    }
    let keep = max_chars.saturating_sub(3);
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests;
