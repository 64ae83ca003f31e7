//! The name of a new feature branch: `feature/<slug of the commit subject>`, made unique among
//! the local branches.

/// Longest generated feature-branch fragment, so branch names stay readable.
const MAX_BRANCH_FRAGMENT_CHARS: usize = 64;

/// A branch name fragment: lowercase `[a-z0-9/_-]`, dashes collapsed, at most 64 chars.
fn sanitize_branch_fragment(raw: &str) -> String {
    let lowered = raw.trim().to_lowercase().replace(['\'', '"', '`'], "");
    let mut out = String::new();
    for c in lowered.chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '/' | '_' | '-') {
            c
        } else {
            '-'
        };
        let last = out.chars().last();
        if (c == '-' && last == Some('-')) || (c == '/' && last == Some('/')) {
            continue;
        }
        out.push(c);
    }
    let is_edge = |c: char| matches!(c, '.' | '/' | '_' | '-');
    let trimmed: String = out
        .trim_matches(is_edge)
        .chars()
        .take(MAX_BRANCH_FRAGMENT_CHARS)
        .collect();
    let trimmed = trimmed.trim_end_matches(is_edge);
    if trimmed.is_empty() {
        "update".to_string()
    } else {
        trimmed.to_string()
    }
}

pub(super) fn sanitize_feature_branch_name(raw: &str) -> String {
    let fragment = sanitize_branch_fragment(raw);
    if fragment.starts_with("feature/") {
        fragment
    } else {
        format!("feature/{fragment}")
    }
}

/// `preferred`, or `preferred-2`, `-3`… whichever no local branch has (case-insensitively, as
/// refs collide on case-insensitive filesystems).
pub(super) fn unique_branch_name(existing: &[&str], preferred: &str) -> String {
    let taken = |name: &str| existing.iter().any(|e| e.eq_ignore_ascii_case(name));
    if !taken(preferred) {
        return preferred.to_string();
    }
    let mut suffix = 2;
    loop {
        let candidate = format!("{preferred}-{suffix}");
        if !taken(&candidate) {
            return candidate;
        }
        suffix += 1;
    }
}
