use super::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[test]
fn parses_version_table() {
    let cases: &[(&str, Option<&str>)] = &[
        ("codex-cli 0.169.0", Some("0.169.0")),
        ("codex-cli 0.169.0\n", Some("0.169.0")),
        ("v0.37", Some("0.37.0")),
        ("0.37", Some("0.37.0")),
        ("codex 1.2.3-alpha.1", Some("1.2.3-alpha.1")),
        ("codex v1.2.3-beta.2 (build abc)", Some("1.2.3-beta.2")),
        ("1.2.3-rc.1.", Some("1.2.3-rc.1")),
        ("1.2.3.", Some("1.2.3")),
        ("version: 0.40.0, commit 1a2b", Some("0.40.0")),
        // The reference splits on the first two hyphens only.
        ("1.2.3-alpha-1", Some("1.2.3-alpha")),
        // No word boundary before the '1', so like the reference's regex the match
        // starts at the next boundary.
        ("abc1.2.3", Some("2.3.0")),
        ("abc1", None),
        ("x1.2 then 3.4", Some("3.4.0")),
        // A two-part version glued to letters is not a token.
        ("1.2a", None),
        ("no version here", None),
        ("", None),
        ("12", None),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_codex_version(input).as_deref(),
            *expected,
            "input {input:?}"
        );
    }
}

#[test]
fn supported_version_table() {
    let cases: &[(&str, bool)] = &[
        ("0.37.0", true),
        ("0.37.1", true),
        ("0.169.0", true),
        ("1.0.0", true),
        ("0.37", true),
        ("0.36.9", false),
        ("0.9.0", false),
        ("0.37.0-alpha.1", false),
    ];
    for (input, expected) in cases {
        assert_eq!(is_supported(input), *expected, "input {input:?}");
    }
}

#[test]
fn prerelease_ordering() {
    use Ordering::*;
    let cases: &[(&str, &str, Ordering)] = &[
        ("0.37.0-alpha.1", "0.37.0", Less),
        ("0.37.0", "0.37.0-alpha.1", Greater),
        ("0.37.0-alpha.1", "0.37.0-alpha.2", Less),
        ("0.37.0-alpha.2", "0.37.0-alpha.10", Less),
        ("0.37.0-alpha", "0.37.0-alpha.1", Less),
        ("0.37.0-1", "0.37.0-alpha", Less),
        ("0.37.0-alpha", "0.37.0-beta", Less),
        ("0.37.0-rc.1", "0.37.0-rc.1", Equal),
        ("0.37", "0.37.0", Equal),
        ("0.38.0-alpha.1", "0.37.9", Greater),
    ];
    for (l, r, expected) in cases {
        assert_eq!(compare_codex_versions(l, r), *expected, "{l} vs {r}");
    }
}

fn out(stdout: &str, stderr: &str, code: i32) -> CommandOutput {
    CommandOutput {
        stdout: stdout.to_string(),
        stderr: stderr.to_string(),
        code: Some(code),
    }
}

#[test]
fn auth_classification_table() {
    use AuthStatus as A;
    use ProviderState as S;
    let cases: Vec<(CommandOutput, S, A, Option<&str>)> = vec![
        (
            out("", "error: unknown command 'login'", 2),
            S::Warning,
            A::Unknown,
            Some("Codex CLI authentication status command is unavailable in this Codex version."),
        ),
        (
            out("", "error: unexpected argument 'status' found", 2),
            S::Warning,
            A::Unknown,
            Some("Codex CLI authentication status command is unavailable in this Codex version."),
        ),
        (
            out("Not logged in", "", 1),
            S::Error,
            A::Unauthenticated,
            Some(NOT_AUTHENTICATED_MESSAGE),
        ),
        (
            out("", "Please run `codex login` first", 0),
            S::Error,
            A::Unauthenticated,
            Some(NOT_AUTHENTICATED_MESSAGE),
        ),
        (
            out("Authentication required", "", 1),
            S::Error,
            A::Unauthenticated,
            Some(NOT_AUTHENTICATED_MESSAGE),
        ),
        (
            out(r#"{"authenticated": true}"#, "", 0),
            S::Ready,
            A::Authenticated,
            None,
        ),
        (
            out(r#"{"auth": {"loggedIn": false}}"#, "", 0),
            S::Error,
            A::Unauthenticated,
            Some(NOT_AUTHENTICATED_MESSAGE),
        ),
        (
            out(r#"[{"other": 1}, {"session": {"isLoggedIn": true}}]"#, "", 1),
            S::Ready,
            A::Authenticated,
            None,
        ),
        (
            out(r#"{"user": "someone"}"#, "", 0),
            S::Warning,
            A::Unknown,
            Some("Could not verify Codex authentication status from JSON output (missing auth marker)."),
        ),
        // Invalid JSON falls through to the exit-code rule.
        (
            out("{not json", "", 0),
            S::Ready,
            A::Authenticated,
            None,
        ),
        (
            out("Logged in using ChatGPT", "", 0),
            S::Ready,
            A::Authenticated,
            None,
        ),
        (
            out("", "  something broke  ", 3),
            S::Warning,
            A::Unknown,
            Some("Could not verify Codex authentication status. something broke"),
        ),
        (
            out("", "", 3),
            S::Warning,
            A::Unknown,
            Some("Could not verify Codex authentication status. Command exited with code 3."),
        ),
    ];
    for (output, status, auth_status, message) in cases {
        let got = parse_auth_status(&output);
        assert_eq!(
            got,
            AuthClassification {
                status,
                auth_status,
                message: message.map(String::from),
            },
            "output {output:?}"
        );
    }
}

#[test]
fn version_probe_classification() {
    assert_eq!(
        classify_version_probe("codex", &ProbeOutcome::NotFound),
        Err((
            "Codex CLI (`codex`) is not installed or not on PATH.".to_string(),
            None
        ))
    );
    assert_eq!(
        classify_version_probe("codex", &ProbeOutcome::TimedOut),
        Err((
            "Codex CLI is installed but failed to run. Timed out while running command."
                .to_string(),
            None
        ))
    );
    assert_eq!(
        classify_version_probe(
            "codex",
            &ProbeOutcome::Completed(out("codex-cli 0.36.9", "", 0))
        ),
        Err((upgrade_message(Some("0.36.9")), Some("0.36.9".to_string())))
    );
    assert_eq!(
        classify_version_probe("codex", &ProbeOutcome::Completed(out("weird", "", 0))),
        Ok(None)
    );
    assert_eq!(
        classify_version_probe("codex", &ProbeOutcome::Completed(out("", "", 4))),
        Err((
            "Codex CLI is installed but failed to run. Command exited with code 4.".to_string(),
            None
        ))
    );
    assert!(upgrade_message(Some("0.36.9")).contains("too old for t3rs"));
}

fn write_script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A freshly written script can hit ETXTBSY if another test thread forks while our write
/// handle is open; retrying a few times sidesteps that unrelated race.
async fn check(bin: &Path, timeout: Duration) -> ServerProviderStatus {
    check_with_config(bin, None, timeout).await
}

/// [`check`] with codex's config file at `config` (none: no file), not the machine's own.
async fn check_with_config(
    bin: &Path,
    config: Option<&Path>,
    timeout: Duration,
) -> ServerProviderStatus {
    let config = config.map(Path::to_path_buf);
    let mut status = check_codex_with(bin.as_os_str(), config.clone(), timeout).await;
    for _ in 0..5 {
        let busy = status
            .message
            .as_deref()
            .is_some_and(|m| m.contains("os error 26"));
        if !busy {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        status = check_codex_with(bin.as_os_str(), config.clone(), timeout).await;
    }
    status
}

const LONG: Duration = Duration::from_secs(10);

fn assert_iso_millis(ts: &str) {
    let parsed = chrono::DateTime::parse_from_rfc3339(ts).unwrap();
    assert_eq!(parsed.offset().local_minus_utc(), 0);
    assert!(ts.ends_with('Z') && ts.len() == "2024-01-02T03:04:05.678Z".len());
}

#[tokio::test(flavor = "current_thread")]
async fn check_codex_ready_when_logged_in() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_script(
        dir.path(),
        "codex",
        r#"if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi
if [ "$1 $2" = "login status" ]; then echo "Logged in using ChatGPT"; exit 0; fi
exit 9"#,
    );
    let status = check(&bin, LONG).await;
    assert_eq!(status.status, ProviderState::Ready);
    assert!(status.available);
    assert_eq!(status.auth_status, AuthStatus::Authenticated);
    assert_eq!(status.message, None);
    assert_eq!(status.version.as_deref(), Some("0.169.0"));
    assert_eq!(status.provider, ProviderKind::Codex);
    assert_iso_millis(&status.checked_at);
}

#[tokio::test(flavor = "current_thread")]
async fn check_codex_reports_not_logged_in() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_script(
        dir.path(),
        "codex",
        r#"if [ "$1" = "--version" ]; then echo "codex-cli 0.40.0"; exit 0; fi
if [ "$1 $2" = "login status" ]; then echo "Not logged in" >&2; exit 1; fi
exit 9"#,
    );
    let status = check(&bin, LONG).await;
    assert_eq!(status.status, ProviderState::Error);
    assert!(status.available);
    assert_eq!(status.auth_status, AuthStatus::Unauthenticated);
    assert_eq!(status.message.as_deref(), Some(NOT_AUTHENTICATED_MESSAGE));
    assert_eq!(status.version.as_deref(), Some("0.40.0"));
}

/// A codex whose config selects a model provider of its own (an API key in the environment, a
/// company proxy) works without `codex login`: its login status does not speak for it.
#[tokio::test(flavor = "current_thread")]
async fn check_codex_with_its_own_model_provider_is_ready_without_a_login() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_script(
        dir.path(),
        "codex",
        r#"if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi
if [ "$1 $2" = "login status" ]; then echo "Not logged in" >&2; exit 1; fi
exit 9"#,
    );
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "model = \"m\"\nmodel_provider = \"proxy\"\n[model_providers.proxy]\nname = \"proxy\"\nenv_key = \"PROXY_KEY\"\n",
    )
    .unwrap();
    let status = check_with_config(&bin, Some(&config), LONG).await;
    assert_eq!(status.status, ProviderState::Ready, "{status:?}");
    assert!(status.available);
    assert_eq!(status.auth_status, AuthStatus::Unknown);
    assert!(
        status
            .message
            .as_deref()
            .is_some_and(|m| m.contains("proxy")),
        "{status:?}"
    );

    // OpenAI's own provider, named or not, is signed in to with `codex login`.
    for text in [
        "model_provider = \"openai\"\n",
        "model = \"m\"\n",
        "not toml [",
    ] {
        std::fs::write(&config, text).unwrap();
        let status = check_with_config(&bin, Some(&config), LONG).await;
        assert_eq!(status.auth_status, AuthStatus::Unauthenticated, "{text}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn check_codex_reports_failing_cli() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_script(
        dir.path(),
        "codex",
        "echo 'boom: config broken' >&2; exit 2",
    );
    let status = check(&bin, LONG).await;
    assert_eq!(status.status, ProviderState::Error);
    assert!(!status.available);
    assert_eq!(status.auth_status, AuthStatus::Unknown);
    assert_eq!(
        status.message.as_deref(),
        Some("Codex CLI is installed but failed to run. boom: config broken")
    );
    assert_eq!(status.version, None);
}

#[tokio::test(flavor = "current_thread")]
async fn check_codex_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_script(dir.path(), "codex", "exec sleep 5");
    let started = std::time::Instant::now();
    let status = check(&bin, Duration::from_millis(200)).await;
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(status.status, ProviderState::Error);
    assert!(!status.available);
    assert_eq!(
        status.message.as_deref(),
        Some("Codex CLI is installed but failed to run. Timed out while running command.")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn check_codex_rejects_old_cli() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write_script(dir.path(), "codex", "echo 'codex-cli 0.36.9'");
    let status = check(&bin, LONG).await;
    assert_eq!(status.status, ProviderState::Error);
    assert!(!status.available);
    assert_eq!(status.version.as_deref(), Some("0.36.9"));
    assert_eq!(
        status.message.as_deref(),
        Some(
            "Codex CLI v0.36.9 is too old for t3rs. Upgrade to v0.37.0 or newer and restart t3rs."
        )
    );
}

#[tokio::test(flavor = "current_thread")]
async fn check_codex_missing_binary() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("no-such-codex");
    let status = check(&bin, LONG).await;
    assert_eq!(status.status, ProviderState::Error);
    assert!(!status.available);
    assert_eq!(status.auth_status, AuthStatus::Unknown);
    assert_eq!(
        status.message,
        Some(format!(
            "Codex CLI (`{}`) is not installed or not on PATH.",
            bin.display()
        ))
    );
}
