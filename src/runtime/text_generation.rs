//! One-shot text generation: a prompt in, one answer out, through the provider of the
//! settings' `textGenerationModelSelection` — codex through `codex exec` (read-only sandbox,
//! ephemeral session, as commit messages are written), Claude Code through `claude -p` (no
//! tools, no saved session). Any other provider is refused, naming it. The child inherits the
//! server's scrubbed environment (so its own login and `CODEX_HOME`), reads the prompt on
//! stdin, and is killed with everything it started at the deadline. DP Code's
//! `server.generateThreadRecap` and `git.summarizeDiff` (S/git/textGenerationShared.ts) use it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::protocol::settings::{AgentKind, ServerSettings};
use crate::protocol::text_generation::{
    ModelChoice, SummarizeDiffParams, ThreadRecapParams, PATCH_PROMPT_MAX_CHARS,
};
use crate::spawn;

/// The most of an answer kept; a recap or a summary is far shorter.
const ANSWER_MAX_BYTES: usize = 64 * 1024;
/// DP Code's recap length (sanitizeThreadRecap): longer ones are clipped with "...".
const RECAP_MAX_CHARS: usize = 240;

/// Who writes the text, and with which model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    pub provider: AgentKind,
    pub binary: PathBuf,
    pub model: String,
}

/// The request's selection, else the settings'; the request's `textGenerationModel` replaces
/// the selection's model.
pub fn writer(settings: &ServerSettings, choice: &ModelChoice) -> Result<Writer, String> {
    let selection = choice
        .selection
        .as_ref()
        .unwrap_or(&settings.text_generation_model_selection);
    let provider = selection.provider;
    if !matches!(provider, AgentKind::Codex | AgentKind::ClaudeAgent) {
        return Err(format!(
            "Text generation through provider '{}' is not supported by t3rs; select codex or \
             claudeAgent in textGenerationModelSelection.",
            provider.as_str()
        ));
    }
    let config = settings.provider(provider);
    if !config.enabled {
        return Err(format!(
            "Provider '{}' is disabled in settings (providers.{}.enabled); text generation \
             needs it.",
            provider.as_str(),
            provider.as_str()
        ));
    }
    Ok(Writer {
        provider,
        binary: PathBuf::from(config.binary_path),
        model: choice
            .model
            .clone()
            .unwrap_or_else(|| selection.model.clone()),
    })
}

/// Runs `prompt` once in `cwd`; the answer, trimmed.
pub fn generate(
    writer: &Writer,
    cwd: &Path,
    prompt: &str,
    timeout: Duration,
) -> Result<String, String> {
    let answer = match writer.provider {
        AgentKind::ClaudeAgent => claude_print(writer, cwd, prompt, timeout)?,
        _ => codex_exec(&writer.binary, Some(&writer.model), cwd, prompt, timeout)?,
    };
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(format!(
            "{} answered with no text",
            writer.provider.as_str()
        ));
    }
    Ok(answer.to_string())
}

fn last_line(bytes: &[u8]) -> String {
    crate::git::last_line(bytes)
}

/// `codex exec` with the prompt on stdin; its final message, read from `-o`.
pub fn codex_exec(
    codex: &Path,
    model: Option<&str>,
    cwd: &Path,
    prompt: &str,
    timeout: Duration,
) -> Result<String, String> {
    let out_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out_file = out_dir.path().join("answer.txt");
    let model_args: Vec<&str> = match model {
        Some(model) => vec!["-m", model],
        None => Vec::new(),
    };
    let output = spawn::command(codex)
        .label("codex exec")
        .args(model_args)
        .args([
            "exec",
            "--ephemeral",
            "--skip-git-repo-check",
            "--sandbox",
            "read-only",
            "--color",
            "never",
            "-C",
        ])
        .arg(cwd)
        .arg("-o")
        .arg(&out_file)
        .arg("-")
        .stdin(prompt.as_bytes().to_vec())
        .cwd(cwd)
        .run(&spawn::limits(timeout))
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "codex exec {}: {}",
            output.status,
            last_line(&output.stderr)
        ));
    }
    let mut text = std::fs::read_to_string(&out_file)
        .map_err(|e| format!("codex exec wrote no answer: {e}"))?;
    t3rs_core::text::truncate_within(&mut text, ANSWER_MAX_BYTES);
    Ok(text)
}

/// `claude -p`: print mode, plain text, no tools, nothing saved.
fn claude_print(
    writer: &Writer,
    cwd: &Path,
    prompt: &str,
    timeout: Duration,
) -> Result<String, String> {
    let mut limits = spawn::limits(timeout);
    limits.stdout_bytes = ANSWER_MAX_BYTES;
    let output = spawn::command(&writer.binary)
        .label("claude -p")
        .args([
            "-p",
            "--output-format",
            "text",
            "--no-session-persistence",
            "--model",
            &writer.model,
            "--tools=",
        ])
        .stdin(prompt.as_bytes().to_vec())
        .cwd(cwd)
        .run(&limits)
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        let detail = match last_line(&output.stderr) {
            line if line.is_empty() => last_line(&output.stdout),
            line => line,
        };
        return Err(format!("claude -p {}: {detail}", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The first `max` characters, marked when cut (DP Code's limitSection).
fn limit_section(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    match chars.next() {
        Some(_) => format!("{head}\n\n[truncated]"),
        None => head,
    }
}

/// DP Code's diff summary prompt, asking for the markdown itself rather than JSON.
pub fn diff_summary_prompt(params: &SummarizeDiffParams) -> String {
    [
        "You write GitHub-style engineering summaries for git diffs.",
        "Reply with the summary alone, as markdown, no code fences around it.",
        "Rules:",
        "- include headings '## Summary' and '## Files Changed'",
        "- under each heading, use concise bullet points",
        "- describe only changes directly supported by the diff",
        "- mention risks or follow-ups only when clearly implied by the patch",
        "- do not invent tests, tickets, or product context",
        "",
        "Diff patch:",
        &limit_section(&params.patch, PATCH_PROMPT_MAX_CHARS),
    ]
    .join("\n")
}

/// DP Code's recap prompt (buildThreadRecapPrompt), answered in plain text.
pub fn thread_recap_prompt(params: &ThreadRecapParams) -> String {
    let previous = params.previous_recap.as_deref().unwrap_or("(none)");
    let state = params.current_state.as_deref().unwrap_or("(none)");
    [
        "You are writing a compact live recap for a coding chat's side panel.",
        "Reply with the recap text alone: no title, no prefix, no bullets, no markdown.",
        "Goal:",
        "Help the user quickly remember what happened in this chat, especially the latest \
         concrete work and the current next step.",
        "",
        "Rules:",
        "- use the same language as the active chat",
        "- maximum 220 characters; prefer 150-190 characters",
        "- one compact paragraph; mention the current work area first",
        "- prioritize recent completed changes over old context",
        "- include the next step, blocker, or pending decision if useful",
        "- ignore tool noise unless it changed the outcome",
        "- do not invent completed work, files, tests, or decisions",
        "- if there is no meaningful new information, return the previous recap unchanged",
        "",
        "Previous recap:",
        &limit_section(previous.trim(), 600),
        "",
        "New material:",
        &limit_section(&params.new_material, 5_000),
        "",
        "Current state:",
        &limit_section(state.trim(), 1_500),
    ]
    .join("\n")
}

/// The answer as a summary: fences a model added anyway are dropped.
pub fn clean_summary(raw: &str) -> String {
    let kept: Vec<&str> = raw
        .trim()
        .lines()
        .filter(|l| !l.trim_start().starts_with("```"))
        .collect();
    kept.join("\n").trim().to_string()
}

/// DP Code's sanitizeThreadRecap: one line, no "Recap:" prefix, at most 240 characters (the
/// previous recap when the answer is empty).
pub fn clean_recap(raw: &str, previous: Option<&str>) -> String {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut text = squash(raw);
    if let (Some(head), Some(rest)) = (text.get(..6), text.get(6..)) {
        if head.eq_ignore_ascii_case("recap:") {
            text = rest.trim().to_string();
        }
    }
    if text.is_empty() {
        text = previous.map(squash).unwrap_or_default();
    }
    if text.is_empty() {
        return "No meaningful recap yet.".to_string();
    }
    if text.chars().count() <= RECAP_MAX_CHARS {
        return text;
    }
    let clipped: String = text.chars().take(RECAP_MAX_CHARS - 3).collect();
    format!("{}...", clipped.trim_end())
}

#[cfg(test)]
mod tests;
