//! A commit message for the staged changes, written by `codex exec` (read-only sandbox,
//! ephemeral session) from the staged diff. The caller falls back to a deterministic summary
//! when codex is missing, fails or is slow.

use std::path::Path;
use std::time::Duration;

use super::run_ok;

/// Enough of the diff for a good summary without sending a whole vendored tree to the model.
const DIFF_MAX_CHARS: usize = 24_000;

fn prompt(cwd: &Path) -> Result<String, String> {
    let stat = run_ok(cwd, ["diff", "--cached", "--stat"]).map_err(|e| e.to_string())?;
    let mut diff = run_ok(cwd, ["diff", "--cached", "--no-color"]).map_err(|e| e.to_string())?;
    if diff.chars().count() > DIFF_MAX_CHARS {
        diff = diff.chars().take(DIFF_MAX_CHARS).collect();
        diff.push_str("\n[diff truncated]\n");
    }
    Ok(format!(
        "Write a git commit message for the staged changes below. The first line is an \
         imperative summary of at most 72 characters; add a blank line and a short body only \
         if it helps. Reply with the commit message alone, no quotes or code fences.\n\n\
         {stat}\n{diff}"
    ))
}

/// The message codex proposes, as (subject, body).
pub fn generate(
    codex: &Path,
    model: Option<&str>,
    cwd: &Path,
    timeout: Duration,
) -> Result<(String, String), String> {
    let prompt = prompt(cwd)?;
    // The one-shot runner every generated text shares (codex and anything it started go at
    // the deadline).
    let text = crate::runtime::text_generation::codex_exec(codex, model, cwd, &prompt, timeout)?;
    parse(&text).ok_or_else(|| "codex wrote an empty commit message".to_string())
}

fn parse(text: &str) -> Option<(String, String)> {
    let cleaned: Vec<&str> = text
        .trim()
        .lines()
        .filter(|l| !l.trim_start().starts_with("```"))
        .collect();
    let mut lines = cleaned.into_iter();
    let subject = lines
        .by_ref()
        .map(|l| l.trim().trim_matches('"').trim())
        .find(|l| !l.is_empty())?;
    let subject: String = subject.chars().take(72).collect();
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    Some((subject, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_quotes_and_long_subjects_are_cleaned() {
        assert_eq!(
            parse("```\n\"Add the greeting\"\n\nBecause.\n```\n"),
            Some(("Add the greeting".into(), "Because.".into()))
        );
        let long = "x".repeat(100);
        assert_eq!(parse(&long).unwrap().0.len(), 72);
        assert_eq!(parse("  \n```\n```"), None);
    }

    #[test]
    fn a_missing_codex_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let repo = crate::git::branches::tests::new_repo(dir.path());
        let err = generate(
            Path::new("/nonexistent/codex"),
            None,
            &repo,
            Duration::from_secs(1),
        );
        assert!(err.unwrap_err().contains("not installed"));
    }
}
