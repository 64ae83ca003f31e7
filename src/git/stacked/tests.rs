use super::branch_name::{sanitize_feature_branch_name, unique_branch_name};
use super::message::{summarize, MAX_SUBJECT_CHARS};
use super::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::git::branches::tests::git;

struct Fixture {
    dir: tempfile::TempDir,
    repo: PathBuf,
    bare: PathBuf,
}

/// A repo with one commit on `main` and a bare `origin` (not yet pushed to).
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let bare = dir.path().join("origin.git");
    fs::create_dir(&repo).unwrap();
    git(
        dir.path(),
        &["init", "-q", "--bare", "-b", "main", "origin.git"],
    );
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["config", "user.name", "Test"]);
    git(&repo, &["config", "user.email", "test@example.com"]);
    git(&repo, &["remote", "add", "origin", bare.to_str().unwrap()]);
    fs::write(repo.join("README.md"), "hello\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "init"]);
    Fixture { dir, repo, bare }
}

/// A fake `gh`: `pr list` prints the PR once `pr create` has recorded one.
fn fake_gh(dir: &Path) -> PathBuf {
    let script = dir.join("gh");
    let state = dir.join("gh-state");
    let log = dir.join("gh-log");
    let body = format!(
        r#"#!/bin/sh
echo "$@" >> '{log}'
case "$1 $2" in
  "pr list")
if [ -f '{state}' ]; then cat '{state}'; else echo '[]'; fi ;;
  "pr create")
while [ $# -gt 0 ]; do
  case "$1" in
    --head=*) head="${{1#--head=}}" ;;
    --base=*) base="${{1#--base=}}" ;;
    --title=*) title="${{1#--title=}}" ;;
  esac
  shift
done
printf '[{{"number":42,"title":"%s","url":"https://github.com/o/r/pull/42","baseRefName":"%s","headRefName":"%s"}}]' "$title" "$base" "$head" > '{state}'
echo "https://github.com/o/r/pull/42" ;;
  "repo view")
echo main ;;
  *)
echo "unexpected gh call: $*" >&2; exit 1 ;;
esac
"#,
        log = log.display(),
        state = state.display()
    );
    fs::write(&script, body).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn input(action: StackedAction) -> StackedActionInput {
    StackedActionInput {
        action_id: "a1".into(),
        cwd: String::new(),
        action,
        commit_message: None,
        feature_branch: None,
        gh_program: None,
        message_writer: None,
    }
}

fn run_collect(
    cwd: &Path,
    input: &StackedActionInput,
) -> (Result<StackedActionResult, GitError>, Vec<StackedProgress>) {
    let mut events = Vec::new();
    let result = run_stacked_action(cwd, input, &mut |p| events.push(p));
    (result, events)
}

/// Each event as one short string: `started:commit,push`, `phase:commit`, `hook:pre-commit`,
/// `out:pre-commit:stderr:text`, `hook_end:pre-commit:1`, `finished`, `failed:push`.
fn compact(events: &[StackedProgress]) -> Vec<String> {
    let step = |s: &StackedStep| s.as_str().to_string();
    events
        .iter()
        .map(|e| {
            assert_eq!(e.action_id, "a1");
            match &e.event {
                ProgressEvent::ActionStarted { phases } => format!(
                    "started:{}",
                    phases.iter().map(step).collect::<Vec<_>>().join(",")
                ),
                ProgressEvent::PhaseStarted { phase, .. } => format!("phase:{}", step(phase)),
                ProgressEvent::HookStarted { hook_name } => format!("hook:{hook_name}"),
                ProgressEvent::HookOutput {
                    hook_name,
                    stream,
                    text,
                } => format!(
                    "out:{}:{}:{text}",
                    hook_name.as_deref().unwrap_or("-"),
                    serde_json::to_value(stream).unwrap().as_str().unwrap()
                ),
                ProgressEvent::HookFinished {
                    hook_name,
                    exit_code,
                    ..
                } => format!("hook_end:{hook_name}:{exit_code:?}"),
                ProgressEvent::ActionFinished { .. } => "finished".into(),
                ProgressEvent::ActionFailed { phase, .. } => format!(
                    "failed:{}",
                    phase.as_ref().map(step).unwrap_or_else(|| "-".into())
                ),
            }
        })
        // git's own commit summary is not what these tests are about.
        .filter(|e| !e.starts_with("out:-:stdout:"))
        .collect()
}

#[test]
fn commit_only_with_generated_message_and_progress_order() {
    let f = fixture();
    fs::write(f.repo.join("a.rs"), "a").unwrap();
    fs::write(f.repo.join("b.rs"), "b").unwrap();
    fs::write(f.repo.join("README.md"), "changed\n").unwrap();
    let (result, events) = run_collect(&f.repo, &input(StackedAction::Commit));
    let result = result.unwrap();
    assert_eq!(result.commit.status, CommitStepStatus::Created);
    assert_eq!(
        result.commit.subject.as_deref(),
        Some("Update 3 files: README.md, a.rs, b.rs")
    );
    let head = git(&f.repo, &["rev-parse", "HEAD"]);
    assert_eq!(result.commit.commit_sha.as_deref(), Some(head.trim()));
    assert_eq!(git(&f.repo, &["status", "--porcelain"]), "");
    assert_eq!(result.push.status, PushStepStatus::SkippedNotRequested);
    assert_eq!(result.pr.status, PrStepStatus::SkippedNotRequested);
    assert_eq!(
        compact(&events),
        ["started:commit", "phase:commit", "phase:commit", "finished"]
    );

    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["action"], "commit");
    assert_eq!(
        json["branch"],
        serde_json::json!({"status": "skipped_not_requested"})
    );
    assert_eq!(
        json["push"],
        serde_json::json!({"status": "skipped_not_requested"})
    );
    assert!(json["commit"]["commitSha"].is_string());
    // DP Code's shape on the wire.
    let event = serde_json::to_value(&events[1]).unwrap();
    assert_eq!(
        event,
        serde_json::json!({"actionId": "a1", "action": "commit", "kind": "phase_started",
            "phase": "commit", "label": "Generating commit message..."})
    );
    let last = serde_json::to_value(events.last().unwrap()).unwrap();
    assert_eq!(last["kind"], "action_finished");
    assert_eq!(last["result"], json);
}

#[test]
fn custom_message_splits_subject_and_body() {
    let f = fixture();
    fs::write(f.repo.join("x.txt"), "x").unwrap();
    let mut inp = input(StackedAction::Commit);
    inp.commit_message = Some("  Fix the thing\n\nBecause reasons.\n".into());
    let (result, _) = run_collect(&f.repo, &inp);
    assert_eq!(
        result.unwrap().commit.subject.as_deref(),
        Some("Fix the thing")
    );
    assert_eq!(
        git(&f.repo, &["log", "-1", "--format=%B"]).trim(),
        "Fix the thing\n\nBecause reasons."
    );
}

#[test]
fn commit_push_sets_upstream_then_skips_when_up_to_date() {
    let f = fixture();
    fs::write(f.repo.join("a.txt"), "a").unwrap();
    let (result, _) = run_collect(&f.repo, &input(StackedAction::CommitPush));
    let result = result.unwrap();
    assert_eq!(result.commit.status, CommitStepStatus::Created);
    assert_eq!(result.push.status, PushStepStatus::Pushed);
    assert_eq!(result.push.set_upstream, Some(true));
    assert_eq!(result.push.upstream_branch.as_deref(), Some("origin/main"));
    assert_eq!(
        git(&f.repo, &["rev-parse", "--abbrev-ref", "@{u}"]).trim(),
        "origin/main"
    );
    assert_eq!(
        git(&f.bare, &["rev-parse", "main"]),
        git(&f.repo, &["rev-parse", "HEAD"])
    );

    let (again, events) = run_collect(&f.repo, &input(StackedAction::CommitPush));
    let again = again.unwrap();
    assert_eq!(again.commit.status, CommitStepStatus::SkippedNoChanges);
    assert_eq!(again.push.status, PushStepStatus::SkippedUpToDate);
    assert_eq!(
        compact(&events),
        [
            "started:commit,push",
            "phase:commit",
            "phase:push",
            "finished"
        ]
    );

    // A later commit goes to the existing upstream without re-setting it.
    fs::write(f.repo.join("b.txt"), "b").unwrap();
    let (third, _) = run_collect(&f.repo, &input(StackedAction::CommitPush));
    let third = third.unwrap();
    assert_eq!(third.push.status, PushStepStatus::Pushed);
    assert_eq!(third.push.set_upstream, Some(false));
    assert_eq!(
        git(&f.bare, &["rev-parse", "main"]),
        git(&f.repo, &["rev-parse", "HEAD"])
    );
}

#[test]
fn commit_push_pr_creates_then_opens_existing() {
    let f = fixture();
    git(&f.repo, &["push", "-q", "-u", "origin", "main"]);
    git(&f.repo, &["checkout", "-q", "-b", "feature/login"]);
    fs::write(f.repo.join("login.rs"), "fn login() {}").unwrap();
    let gh_program = fake_gh(f.dir.path());
    let mut inp = input(StackedAction::CommitPushPr);
    inp.commit_message = Some("Add login".into());
    inp.gh_program = Some(gh_program);

    let (result, events) = run_collect(&f.repo, &inp);
    let result = result.unwrap();
    assert_eq!(result.push.status, PushStepStatus::Pushed);
    assert_eq!(result.pr.status, PrStepStatus::Created);
    assert_eq!(result.pr.number, Some(42));
    assert_eq!(
        result.pr.url.as_deref(),
        Some("https://github.com/o/r/pull/42")
    );
    assert_eq!(result.pr.base_branch.as_deref(), Some("main"));
    assert_eq!(result.pr.head_branch.as_deref(), Some("feature/login"));
    assert_eq!(result.pr.title.as_deref(), Some("Add login"));
    let log = fs::read_to_string(f.dir.path().join("gh-log")).unwrap();
    assert!(
        log.contains("pr create --base=main --head=feature/login --title=Add login"),
        "{log}"
    );
    assert_eq!(
        compact(&events),
        [
            "started:commit,push,pr",
            "phase:commit",
            "phase:push",
            "phase:pr",
            "finished"
        ]
    );

    let (again, _) = run_collect(&f.repo, &inp);
    let again = again.unwrap();
    assert_eq!(again.commit.status, CommitStepStatus::SkippedNoChanges);
    assert_eq!(again.pr.status, PrStepStatus::OpenedExisting);
    assert_eq!(again.pr.number, Some(42));
    let log = fs::read_to_string(f.dir.path().join("gh-log")).unwrap();
    assert_eq!(log.matches("pr create").count(), 1, "{log}");
}

#[test]
fn feature_branch_is_created_from_the_subject() {
    let f = fixture();
    git(&f.repo, &["branch", "feature/feat-custom-summary-line"]);
    fs::write(f.repo.join("README.md"), "changed\n").unwrap();
    let mut inp = input(StackedAction::Commit);
    inp.feature_branch = Some(true);
    inp.commit_message = Some("feat: custom summary line\n\n- details".into());
    let (result, events) = run_collect(&f.repo, &inp);
    let result = result.unwrap();
    assert_eq!(result.branch.status, BranchStepStatus::Created);
    // The plain name is taken, so a suffix is added.
    assert_eq!(
        result.branch.name.as_deref(),
        Some("feature/feat-custom-summary-line-2")
    );
    assert_eq!(
        git(&f.repo, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "feature/feat-custom-summary-line-2"
    );
    assert_eq!(
        result.commit.subject.as_deref(),
        Some("feat: custom summary line")
    );
    // main did not move.
    assert_eq!(
        git(&f.repo, &["log", "-1", "--format=%s", "main"]).trim(),
        "init"
    );
    assert_eq!(
        compact(&events)[..3],
        ["started:branch,commit", "phase:branch", "phase:commit"]
    );
}

#[test]
fn feature_branch_without_changes_fails_in_branch_step() {
    let f = fixture();
    let mut inp = input(StackedAction::Commit);
    inp.feature_branch = Some(true);
    let (result, events) = run_collect(&f.repo, &inp);
    let err = result.unwrap_err().to_string();
    assert!(err.starts_with("branch failed:"), "{err}");
    assert!(err.contains("no changes to commit"), "{err}");
    assert_eq!(
        compact(&events),
        ["started:branch,commit", "phase:branch", "failed:branch"]
    );
}

#[test]
fn push_failure_stops_the_chain() {
    let f = fixture();
    git(&f.repo, &["push", "-q", "-u", "origin", "main"]);
    fs::remove_dir_all(&f.bare).unwrap();
    fs::write(f.repo.join("a.txt"), "a").unwrap();
    let gh_program = fake_gh(f.dir.path());
    let mut inp = input(StackedAction::CommitPushPr);
    inp.gh_program = Some(gh_program);
    let (result, events) = run_collect(&f.repo, &inp);
    let err = result.unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("push failed:"), "{text}");
    // git's own words are kept.
    assert!(text.contains("origin.git"), "{text}");
    assert_eq!(
        compact(&events),
        [
            "started:commit,push,pr",
            "phase:commit",
            "phase:commit",
            "phase:push",
            "failed:push"
        ]
    );
    assert!(matches!(
        &events.last().unwrap().event,
        ProgressEvent::ActionFailed { message, .. } if *message == text
    ));
    assert!(!f.dir.path().join("gh-log").exists());
}

#[test]
fn detached_head_push_is_refused_before_committing() {
    let f = fixture();
    git(&f.repo, &["checkout", "-q", "--detach"]);
    fs::write(f.repo.join("a.txt"), "a").unwrap();
    let (result, events) = run_collect(&f.repo, &input(StackedAction::CommitPush));
    assert!(result.unwrap_err().to_string().contains("detached HEAD"));
    assert_eq!(compact(&events), ["started:commit,push", "failed:-"]);
    assert_eq!(git(&f.repo, &["log", "-1", "--format=%s"]).trim(), "init");
}

#[test]
fn input_deserializes_from_the_wire() {
    let inp: StackedActionInput = serde_json::from_value(serde_json::json!({
        "cwd": "/x", "action": "commit_push_pr", "featureBranch": true
    }))
    .unwrap();
    assert_eq!(inp.action_id, "");
    assert_eq!(inp.action, StackedAction::CommitPushPr);
    assert_eq!(inp.feature_branch, Some(true));
    assert_eq!(inp.commit_message, None);
    assert_eq!(inp.gh_program, None);
}

#[test]
fn summary_subjects_fit() {
    let many: Vec<(char, String)> = (0..30)
        .map(|i| ('M', format!("src/some/deep/file_number_{i}.rs")))
        .collect();
    let msg = summarize(&many);
    assert!(
        msg.subject.chars().count() <= MAX_SUBJECT_CHARS,
        "{}",
        msg.subject
    );
    assert!(msg.subject.starts_with("Update 30 files: file_number_0.rs"));
    assert!(msg.subject.ends_with(" more"), "{}", msg.subject);
    assert_eq!(summarize(&[('A', "x.rs".into())]).subject, "Add x.rs");
    let long = format!("{}/y.rs", "d".repeat(100));
    assert_eq!(summarize(&[('D', long)]).subject, "Remove y.rs");
}

#[test]
fn branch_names_sanitise() {
    assert_eq!(
        sanitize_feature_branch_name("feat: custom summary line"),
        "feature/feat-custom-summary-line"
    );
    assert_eq!(
        sanitize_feature_branch_name("feature/Foo Bar"),
        "feature/foo-bar"
    );
    assert_eq!(sanitize_feature_branch_name("!!!"), "feature/update");
    assert_eq!(unique_branch_name(&["a", "a-2"], "a"), "a-3");
}

#[test]
fn a_failing_pre_commit_hook_is_reported_with_its_output_and_fails_the_commit() {
    let f = fixture();
    let hook = f.repo.join(".git/hooks/pre-commit");
    fs::write(
        &hook,
        "#!/bin/sh\necho 'lint: 2 problems'\nprintf '\\033[31mred\\033[0m\\n' >&2\ngit status --short >/dev/null\nexit 1\n",
    )
    .unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(f.repo.join("a.txt"), "a").unwrap();
    let mut inp = input(StackedAction::CommitPush);
    inp.commit_message = Some("Add a".into());
    let (result, events) = run_collect(&f.repo, &inp);
    let err = result.unwrap_err().to_string();
    assert!(err.starts_with("commit failed:"), "{err}");
    assert!(err.contains("lint: 2 problems"), "{err}");
    // Hook stdout reaches git's stderr; colour codes are stripped; the git command the hook
    // ran (its own trace2 session) is not mistaken for a hook of the commit.
    assert_eq!(
        compact(&events),
        [
            "started:commit,push",
            "phase:commit",
            "hook:pre-commit",
            "out:pre-commit:stderr:lint: 2 problems",
            "out:pre-commit:stderr:red",
            "hook_end:pre-commit:Some(1)",
            "failed:commit"
        ]
    );
    assert_eq!(git(&f.repo, &["log", "-1", "--format=%s"]).trim(), "init");
}

#[test]
fn a_passing_hook_is_finished_before_the_commit_goes_on() {
    let f = fixture();
    let hook = f.repo.join(".git/hooks/pre-commit");
    fs::write(&hook, "#!/bin/sh\necho checked\n").unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(f.repo.join("a.txt"), "a").unwrap();
    let mut inp = input(StackedAction::Commit);
    inp.commit_message = Some("Add a".into());
    let (result, events) = run_collect(&f.repo, &inp);
    assert_eq!(result.unwrap().commit.status, CommitStepStatus::Created);
    assert_eq!(
        compact(&events),
        [
            "started:commit",
            "phase:commit",
            "hook:pre-commit",
            "out:pre-commit:stderr:checked",
            "hook_end:pre-commit:Some(0)",
            "finished"
        ]
    );
    let finished = events
        .iter()
        .find_map(|e| match &e.event {
            ProgressEvent::HookFinished { duration_ms, .. } => Some(*duration_ms),
            _ => None,
        })
        .unwrap();
    assert!(finished.is_some());
}

#[test]
fn push_and_create_pr_commit_nothing_and_refuse_uncommitted_work() {
    let f = fixture();
    let gh_program = fake_gh(f.dir.path());
    git(&f.repo, &["checkout", "-q", "-b", "feature/x"]);
    fs::write(f.repo.join("x.rs"), "x").unwrap();
    git(&f.repo, &["add", "-A"]);
    git(&f.repo, &["commit", "-q", "-m", "Add x"]);

    fs::write(f.repo.join("dirty.rs"), "d").unwrap();
    let (result, events) = run_collect(&f.repo, &input(StackedAction::Push));
    assert!(result.unwrap_err().to_string().contains("before pushing"));
    assert_eq!(compact(&events), ["started:push", "failed:-"]);
    let mut pr = input(StackedAction::CreatePr);
    pr.gh_program = Some(gh_program.clone());
    let (result, _) = run_collect(&f.repo, &pr);
    assert!(result
        .unwrap_err()
        .to_string()
        .contains("before creating a PR"));
    fs::remove_file(f.repo.join("dirty.rs")).unwrap();

    // create_pr on a branch GitHub has never seen pushes it first.
    let (result, events) = run_collect(&f.repo, &pr);
    let result = result.unwrap();
    assert_eq!(result.commit.status, CommitStepStatus::SkippedNotRequested);
    assert_eq!(result.push.status, PushStepStatus::Pushed);
    assert_eq!(result.pr.status, PrStepStatus::Created);
    assert_eq!(
        compact(&events),
        ["started:push,pr", "phase:push", "phase:pr", "finished"]
    );
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["commit"]["status"], "skipped_not_requested");

    // Pushed and up to date: create_pr finds the PR and pushes nothing; push is up to date.
    let (again, events) = run_collect(&f.repo, &pr);
    assert_eq!(again.unwrap().pr.status, PrStepStatus::OpenedExisting);
    assert_eq!(compact(&events), ["started:pr", "phase:pr", "finished"]);
    let (pushed, _) = run_collect(&f.repo, &input(StackedAction::Push));
    assert_eq!(pushed.unwrap().push.status, PushStepStatus::SkippedUpToDate);
}

#[test]
fn a_feature_branch_for_push_moves_the_committed_work_off_the_original_branch() {
    let f = fixture();
    git(&f.repo, &["push", "-q", "-u", "origin", "main"]);
    fs::write(f.repo.join("y.rs"), "y").unwrap();
    git(&f.repo, &["add", "-A"]);
    git(&f.repo, &["commit", "-q", "-m", "Add y"]);
    let head = git(&f.repo, &["rev-parse", "HEAD"]).trim().to_string();
    let mut inp = input(StackedAction::Push);
    inp.feature_branch = Some(true);
    let (result, events) = run_collect(&f.repo, &inp);
    let result = result.unwrap();
    assert_eq!(result.branch.name.as_deref(), Some("feature/add-y"));
    assert_eq!(result.push.status, PushStepStatus::Pushed);
    assert_eq!(
        compact(&events),
        [
            "started:branch,push",
            "phase:branch",
            "phase:push",
            "finished"
        ]
    );
    // The work is on the new branch (and the remote); main is back at origin/main.
    assert_eq!(git(&f.bare, &["rev-parse", "feature/add-y"]).trim(), head);
    assert_eq!(
        git(&f.repo, &["rev-parse", "main"]),
        git(&f.repo, &["rev-parse", "origin/main"])
    );
    assert_eq!(
        git(&f.repo, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "feature/add-y"
    );

    // A branch with nothing to go back to keeps its commits: refused before anything moves.
    git(&f.repo, &["checkout", "-q", "-b", "local-only"]);
    let (result, events) = run_collect(&f.repo, &inp);
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("no upstream or matching remote branch"),
        "{err}"
    );
    assert_eq!(
        compact(&events),
        ["started:branch,push", "phase:branch", "failed:branch"]
    );
    assert_eq!(
        git(&f.repo, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "local-only"
    );
}

#[test]
fn a_hook_that_floods_is_cut_to_the_line_limit_and_never_ends_a_line() {
    let f = fixture();
    let hook = f.repo.join(".git/hooks/pre-commit");
    // 3,000 lines, then 200 KB without a newline.
    fs::write(
        &hook,
        "#!/bin/sh\nseq 1 3000\nhead -c 200000 /dev/zero | tr '\\0' x\nexit 0\n",
    )
    .unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(f.repo.join("a.txt"), "a").unwrap();
    let mut inp = input(StackedAction::Commit);
    inp.commit_message = Some("Add a".into());
    let (result, events) = run_collect(&f.repo, &inp);
    assert_eq!(result.unwrap().commit.status, CommitStepStatus::Created);
    let lines: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.event {
            ProgressEvent::HookOutput { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(lines.len(), 1_001, "1,000 lines and the note saying so");
    assert_eq!(lines[0], "1");
    assert!(lines[1_000].contains("more output"), "{}", lines[1_000]);
    assert!(lines.iter().all(|l| l.chars().count() <= 500));
}
