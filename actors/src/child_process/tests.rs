use super::*;
use crate::harness::probe;
use crate::process_runner::EnvScrub;

const DEADLINE: Duration = Duration::from_secs(10);

fn sh(script: &str) -> ChildSpec {
    ChildSpec::new(
        ProcessSpec::new("sh", EnvScrub::default())
            .arg("-c")
            .arg(script),
    )
}

fn stdout_only(events: Vec<ProcessEvent>) -> Vec<ProcessEvent> {
    events
        .into_iter()
        .filter(|e| !matches!(e, ProcessEvent::Stderr(_)))
        .collect()
}

/// True while the process exists and is not a zombie (zombies linger here without an init
/// that reaps them, but they run no code).
fn is_running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .map(|rest| !rest.trim_start().starts_with('Z'))
            .unwrap_or(false),
        Err(_) => false,
    }
}

#[actix::test]
async fn the_scrub_hides_named_and_prefixed_variables_from_the_child() {
    std::env::set_var("CP_SCRUB_EXACT", "cp-hidden-1");
    std::env::set_var("CP_SCRUBP_ONE", "cp-hidden-2");
    std::env::set_var("CP_SCRUB_KEPT", "kept");
    let (events, mut rx) = probe::<ProcessEvent>();
    let mut spec = sh("env; ps -o pgid= -p $$");
    spec.command.scrub = EnvScrub::new(["CP_SCRUB_EXACT"], ["CP_SCRUBP_"]);
    let (_proc, pid) = ChildProcess::spawn(spec, events).unwrap();
    let mut lines = Vec::new();
    loop {
        match rx.next(DEADLINE).await.unwrap() {
            ProcessEvent::Stdout(line) => lines.push(line),
            ProcessEvent::Exited(_) => break,
            _ => {}
        }
    }
    assert!(lines.iter().any(|l| l == "CP_SCRUB_KEPT=kept"), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("cp-hidden")), "{lines:?}");
    // Its own process group, led by itself.
    assert_eq!(
        lines.last().map(|l| l.trim()),
        Some(pid.to_string().as_str())
    );
}

#[actix::test]
async fn lines_in_order_stdin_and_exit_code_with_stderr_tail() {
    let (events, mut rx) = probe::<ProcessEvent>();
    let (proc, _) = ChildProcess::spawn(
        sh("echo one; echo two; echo oops >&2; read x; echo got:$x; exit 3"),
        events,
    )
    .unwrap();
    let first = rx
        .next_matching(DEADLINE, |e| matches!(e, ProcessEvent::Stdout(_)))
        .await
        .unwrap()
        .0;
    assert_eq!(first, ProcessEvent::Stdout("one".into()));
    proc.send(WriteLine("hello".into())).await.unwrap().unwrap();
    let mut rest = Vec::new();
    loop {
        let e = rx.next(DEADLINE).await.unwrap();
        let done = matches!(e, ProcessEvent::Exited(_));
        rest.push(e);
        if done {
            break;
        }
    }
    let rest = stdout_only(rest);
    assert_eq!(rest[0], ProcessEvent::Stdout("two".into()));
    assert_eq!(rest[1], ProcessEvent::Stdout("got:hello".into()));
    match &rest[2] {
        ProcessEvent::Exited(report) => {
            assert_eq!(report.code, Some(3));
            assert_eq!(report.last_stderr_line(), Some("oops"));
            assert_eq!(report.to_string(), "exited with code 3; last stderr: oops");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[actix::test]
async fn stop_kills_the_whole_process_group() {
    let (events, mut rx) = probe::<ProcessEvent>();
    let mut spec = sh("sleep 300 & echo $!; wait");
    spec.kill_grace = Duration::from_millis(200);
    let (proc, _) = ChildProcess::spawn(spec, events).unwrap();
    let grandchild = match rx.next(DEADLINE).await.unwrap() {
        ProcessEvent::Stdout(pid) => pid.trim().parse::<i32>().unwrap(),
        other => panic!("unexpected {other:?}"),
    };
    assert!(is_running(grandchild));
    proc.do_send(Shutdown);
    let (exit, _) = rx
        .next_matching(DEADLINE, |e| matches!(e, ProcessEvent::Exited(_)))
        .await
        .unwrap();
    match exit {
        ProcessEvent::Exited(report) => assert_eq!(report.signal, Some(15), "{report}"),
        other => panic!("unexpected {other:?}"),
    }
    // The kernel closes a dying process's pipes (ending our read) a moment before it turns
    // into a zombie; no event marks that moment, so wait for it with a deadline.
    let deadline = std::time::Instant::now() + DEADLINE;
    while is_running(grandchild) {
        assert!(
            std::time::Instant::now() < deadline,
            "grandchild {grandchild} survived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[actix::test]
async fn dropping_every_address_kills_the_process() {
    let (events, mut rx) = probe::<ProcessEvent>();
    let mut spec = sh("echo ready; exec sleep 300");
    spec.kill_grace = Duration::ZERO;
    let (proc, _) = ChildProcess::spawn(spec, events).unwrap();
    assert_eq!(
        rx.next(DEADLINE).await.unwrap(),
        ProcessEvent::Stdout("ready".into())
    );
    drop(proc);
    let (exit, _) = rx
        .next_matching(DEADLINE, |e| matches!(e, ProcessEvent::Exited(_)))
        .await
        .unwrap();
    assert!(matches!(
        exit,
        ProcessEvent::Exited(ExitReport {
            signal: Some(9),
            ..
        })
    ));
}

#[actix::test]
async fn overlong_line_is_reported_and_the_stream_goes_on() {
    let (events, mut rx) = probe::<ProcessEvent>();
    let mut spec = sh("printf '%0200d\\n' 0; echo short");
    spec.max_line_bytes = 100;
    let (_proc, _) = ChildProcess::spawn(spec, events).unwrap();
    let got = rx.take(3, DEADLINE).await.unwrap();
    assert_eq!(got[0], ProcessEvent::LineTooLong { limit: 100 });
    assert_eq!(got[1], ProcessEvent::Stdout("short".into()));
    assert!(matches!(
        got[2],
        ProcessEvent::Exited(ExitReport { code: Some(0), .. })
    ));
}

#[actix::test]
async fn missing_program_is_a_spawn_error() {
    let (events, _rx) = probe::<ProcessEvent>();
    let err = ChildProcess::spawn(
        ChildSpec::new(ProcessSpec::new(
            "/nonexistent/t3rs-no-such-binary",
            EnvScrub::default(),
        )),
        events,
    )
    .err()
    .unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}

#[actix::test]
async fn writing_after_exit_says_stdin_is_closed() {
    let (events, mut rx) = probe::<ProcessEvent>();
    let (proc, _) = ChildProcess::spawn(sh("exec 0<&-; echo closed; sleep 5"), events).unwrap();
    assert_eq!(
        rx.next(DEADLINE).await.unwrap(),
        ProcessEvent::Stdout("closed".into())
    );
    // The first write may be buffered by the pipe before the error surfaces; the writer task
    // then closes, and a later write must report it instead of vanishing.
    let mut closed = false;
    for _ in 0..200 {
        if proc.send(WriteLine("x".into())).await.unwrap().is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(closed);
    proc.do_send(Shutdown);
}

#[actix::test]
async fn an_overlong_stderr_line_is_cut_with_a_note_and_the_stream_goes_on() {
    let (events, mut rx) = probe::<ProcessEvent>();
    // 99 ASCII bytes then '€' (bytes 99–101): the cut at 100 must not split it.
    let mut spec = sh("printf '%099d€%0100d\\n' 0 0 >&2; echo short >&2");
    spec.max_stderr_line_bytes = 100;
    let (_proc, _) = ChildProcess::spawn(spec, events).unwrap();
    let got = rx.take(3, DEADLINE).await.unwrap();
    let cut = format!("{} [t3rs: line longer than 100 bytes cut]", "0".repeat(99));
    assert_eq!(got[0], ProcessEvent::Stderr(cut.clone()));
    assert_eq!(got[1], ProcessEvent::Stderr("short".into()));
    match &got[2] {
        ProcessEvent::Exited(report) => assert_eq!(report.stderr_tail, vec![cut, "short".into()]),
        other => panic!("unexpected {other:?}"),
    }
}

/// An owner whose mailbox can be held shut, as a ThreadSession's is while it waits.
struct Owner {
    seen: tokio::sync::mpsc::UnboundedSender<ProcessEvent>,
}

impl Actor for Owner {
    type Context = Context<Self>;
}

impl Handler<ProcessEvent> for Owner {
    type Result = ();

    fn handle(&mut self, event: ProcessEvent, _ctx: &mut Self::Context) {
        let _ = self.seen.send(event);
    }
}

#[derive(Message)]
#[rtype(result = "()")]
struct HoldUntil(oneshot::Receiver<()>);

impl Handler<HoldUntil> for Owner {
    type Result = ();

    fn handle(&mut self, msg: HoldUntil, ctx: &mut Self::Context) {
        ctx.wait(actix::fut::wrap_future(async move {
            let _ = msg.0.await;
        }));
    }
}

#[actix::test]
async fn a_busy_owner_holds_the_child_on_the_pipe_then_gets_every_line_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("wrote-everything");
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel();
    let owner = Owner { seen: seen_tx }.start();
    let (release, held) = oneshot::channel();
    owner.send(HoldUntil(held)).await.unwrap();
    // 2,000 lines of 10,000 bytes: 20 MB, far more than the pipe, the reader's buffer and the
    // lines it may read ahead together.
    let script = format!(
        "i=0; line=$(printf '%010000d' 0); while [ $i -lt 2000 ]; do echo \"$i $line\"; i=$((i+1)); done; touch {}",
        done.display()
    );
    let mut spec = sh(&script);
    spec.max_lines_ahead = 8;
    let (_proc, _) = ChildProcess::spawn(spec, owner.clone().recipient()).unwrap();
    // While the owner is held, the child cannot finish: its output waits in the pipe.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(!done.exists(), "the child wrote 20 MB while nobody read it");
    assert!(seen.try_recv().is_err());
    release.send(()).unwrap();
    let mut next_line = 0;
    loop {
        let event = tokio::time::timeout(DEADLINE * 3, seen.recv())
            .await
            .unwrap()
            .unwrap();
        match event {
            ProcessEvent::Stdout(line) => {
                let (n, rest) = line.split_once(' ').unwrap();
                assert_eq!(n.parse::<usize>().unwrap(), next_line);
                assert_eq!(rest.len(), 10_000);
                next_line += 1;
            }
            ProcessEvent::Exited(report) => {
                assert_eq!(report.code, Some(0), "{report}");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(next_line, 2_000);
    assert!(done.exists());
}
