use super::*;
use nix::errno::Errno;
use nix::sys::signal::kill;

fn sh(script: &str) -> ProcessSpec {
    ProcessSpec::new("sh", EnvScrub::default()).args(["-c", script])
}

/// Members of the group that are still running (not zombies), from /proc.
fn running_members(pgid: i32) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...; comm may hold spaces, so split after ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2) == Some(&pgid.to_string().as_str()) && fields.first() != Some(&"Z") {
            found.push(stat);
        }
    }
    found
}

/// Nothing of the group runs any more, and once the zombies are reaped (by whoever adopted
/// them; this container's init takes up to ~2 s) `kill(-pgid, 0)` finds no process.
fn group_is_gone(pgid: i32) -> bool {
    // SIGKILL is sent before the run returns; dying takes the kernel a moment.
    let mut running = running_members(pgid);
    let until = Instant::now() + Duration::from_secs(1);
    while !running.is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
        running = running_members(pgid);
    }
    assert!(
        running.is_empty(),
        "still running in group {pgid}: {running:?}"
    );
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        if kill(Pid::from_raw(-pgid), None) == Err(Errno::ESRCH) {
            return true;
        }
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_deadline_kills_the_whole_group_and_names_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pgid");
    // The shell records its pid (= the group) and waits on two sleeps, one backgrounded.
    let script = format!("echo $$ > {}; sleep 1000 & sleep 1000", pid_file.display());
    let started = Instant::now();
    let err = sh(&script)
        .label("the sleeper")
        .run(&RunLimits::new(Duration::from_millis(500)))
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.to_string(), "the sleeper did not finish within 500ms");
    assert!(err.is_timeout());
    let pgid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        group_is_gone(pgid),
        "process group {pgid} still has members"
    );
}

#[test]
fn a_background_grandchild_holding_the_pipe_does_not_hold_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pgid");
    let script = format!("echo $$ > {}; echo hello; sleep 1000 &", pid_file.display());
    let started = Instant::now();
    let out = sh(&script)
        .run(&RunLimits::new(Duration::from_secs(30)))
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert_eq!(out.stdout, b"hello\n");
    assert!(out.status.success());
    let pgid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        group_is_gone(pgid),
        "the backgrounded sleep is still running"
    );
}

#[test]
fn output_is_bounded_and_the_rest_is_drained() {
    // 1 MiB on each stream; a writer that blocked on a full pipe would never exit.
    let script = "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; echo done >&2";
    let mut limits = RunLimits::new(Duration::from_secs(30));
    limits.stdout_bytes = 1000;
    limits.stderr_bytes = 10;
    let out = sh(script).run(&limits).unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout.len(), 1000);
    assert_eq!(out.stdout_dropped, 1048576 - 1000);
    assert_eq!(out.stderr.len(), 10);
    assert_eq!(out.stderr_dropped, 1048576 + 5 - 10);
}

#[test]
fn output_and_exit_code_come_back() {
    let out = sh("echo out; echo err >&2; exit 3")
        .run(&RunLimits::new(Duration::from_secs(30)))
        .unwrap();
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.stderr, b"err\n");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn the_environment_loses_exact_names_and_prefixes_but_keeps_what_is_set() {
    std::env::set_var("PR_TEST_SECRET", "s1");
    std::env::set_var("PR_TESTPREFIX_ONE", "s2");
    std::env::set_var("PR_TESTPREFIX_TWO", "s3");
    std::env::set_var("PR_TEST_KEPT", "visible");
    let scrub = EnvScrub::new(["PR_TEST_SECRET"], ["PR_TESTPREFIX_"]);
    assert!(scrub.removes(OsStr::new("PR_TEST_SECRET")));
    assert!(scrub.removes(OsStr::new("PR_TESTPREFIX_ANY")));
    assert!(!scrub.removes(OsStr::new("PR_TEST_SECRET_NOT")));
    let out = ProcessSpec::new("env", scrub)
        .env("PR_TEST_SET", "explicit")
        .run(&RunLimits::new(Duration::from_secs(30)))
        .unwrap();
    let env = String::from_utf8(out.stdout).unwrap();
    assert!(!env.contains("PR_TEST_SECRET="), "{env}");
    assert!(!env.contains("PR_TESTPREFIX_"), "{env}");
    assert!(!env.contains("s2") && !env.contains("=s1\n"), "{env}");
    assert!(env.contains("PR_TEST_KEPT=visible\n"), "{env}");
    assert!(env.contains("PR_TEST_SET=explicit\n"), "{env}");
    assert!(env.contains("PATH="), "{env}");
}

#[test]
fn each_child_leads_its_own_group() {
    let out = sh("ps -o pgid= -p $$")
        .run(&RunLimits::new(Duration::from_secs(30)))
        .unwrap();
    let pgid: i32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert_ne!(pgid, nix::unistd::getpgrp().as_raw());
}

#[test]
fn a_missing_program_and_a_missing_directory_are_named() {
    let limits = RunLimits::new(Duration::from_secs(5));
    let err = ProcessSpec::new("/nonexistent/tool", EnvScrub::default())
        .run(&limits)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "/nonexistent/tool is not installed or not on PATH"
    );
    let err = sh("true").cwd("/nonexistent/dir").run(&limits).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/dir does not exist"),
        "{err}"
    );
}

#[test]
fn a_detached_child_is_in_its_own_group_and_reaped() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let pid = sh(&format!("touch {}", marker.display()))
        .spawn_detached()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    while !marker.exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(marker.exists());
    assert!(group_is_gone(pid as i32));
}

#[test]
fn stdin_is_fed_and_a_probe_ends_at_its_answer_line() {
    // `cat` echoes its input, then would wait for more: the run ends at the answer line.
    // Without the stop it would time out, an error.
    let spec = sh("cat; sleep 30")
        .stdin(b"noise\n{\"id\":1,\"result\":{}}\n".to_vec())
        .done_at_line_with(&b"\"id\":1"[..]);
    let out = spec.run(&RunLimits::new(Duration::from_secs(20))).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("{\"id\":1,\"result\":{}}"), "{text:?}");
}

#[test]
fn an_observer_sees_each_pipes_output_while_it_runs_even_past_the_bound() {
    // The second line is written only after the observer has seen the first (the script waits
    // for the marker file the observer creates), so observation happens during the run.
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("seen");
    let script = format!(
        "echo one; echo warn >&2; while [ ! -e '{}' ]; do sleep 0.01; done; echo two",
        marker.display()
    );
    let mut limits = RunLimits::new(Duration::from_secs(10));
    limits.stdout_bytes = 2;
    let mut seen: Vec<(OutputStream, Vec<u8>)> = Vec::new();
    let out = sh(&script)
        .run_observed(&limits, &mut |stream, chunk| {
            if chunk.windows(3).any(|w| w == b"one") {
                std::fs::write(&marker, "").unwrap();
            }
            seen.push((stream, chunk.to_vec()));
        })
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"on", "the answer keeps its bound");
    let joined = |want: OutputStream| {
        seen.iter()
            .filter(|(s, _)| *s == want)
            .flat_map(|(_, c)| c.clone())
            .collect::<Vec<u8>>()
    };
    assert_eq!(joined(OutputStream::Stdout), b"one\ntwo\n");
    assert_eq!(joined(OutputStream::Stderr), b"warn\n");
}
