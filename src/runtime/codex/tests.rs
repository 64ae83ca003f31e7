use super::*;
use crate::testkit::{real_codex, FakeModel};
use serde_json::json;
use t3rs_actors::harness::{probe, ProbeRx};

const DEADLINE: Duration = Duration::from_secs(30);

/// codex pointed at the scripted model through a throw-away CODEX_HOME.
fn spec(model: &FakeModel, dir: &std::path::Path, cwd: &std::path::Path) -> CodexSpec {
    let mut spec = CodexSpec::new(real_codex(), cwd);
    spec.env = vec![
        ("CODEX_HOME".into(), model.codex_home(dir).into()),
        ("FAKE_KEY".into(), "unused".into()),
    ];
    spec
}

/// `thread/start` in `work`, then a one-word turn; returns the thread id and turn/start's answer.
async fn start_turn(codex: &Addr<CodexAppServer>, work: &std::path::Path) -> (String, Value) {
    let thread = codex
        .send(CodexRequest {
            method: "thread/start".into(),
            params: json!({ "cwd": work, "approvalPolicy": "never", "sandbox": "danger-full-access" }),
        })
        .await
        .unwrap()
        .unwrap();
    let thread_id = thread["thread"]["id"].as_str().unwrap().to_string();
    let turn = codex
        .send(CodexRequest {
            method: "turn/start".into(),
            params: json!({ "threadId": thread_id, "input": [{ "type": "text", "text": "go" }] }),
        })
        .await
        .unwrap()
        .unwrap();
    (thread_id, turn)
}

async fn until_notification(rx: &mut ProbeRx<FromCodex>, wanted: &str) -> Vec<CodexEvent> {
    let mut seen = Vec::new();
    loop {
        let event = rx.next(DEADLINE).await.unwrap().event;
        let done = matches!(&event, CodexEvent::Notification { method, .. } if method == wanted);
        seen.push(event);
        if done {
            return seen;
        }
    }
}

#[actix::test]
async fn a_real_codex_turn_streams_through_the_actor() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let model = FakeModel::start(
        dir.path(),
        json!([{ "text": "Hello there, friend.", "chunks": 3 }]),
    );
    let (events, mut rx) = probe::<FromCodex>();
    let codex = CodexAppServer::new(spec(&model, dir.path(), &work), events).start();
    // Asked before initialize is answered: queued, then sent.
    let (_, turn) = start_turn(&codex, &work).await;
    assert_eq!(turn["turn"]["status"], "inProgress");
    let seen = until_notification(&mut rx, "turn/completed").await;
    assert!(
        matches!(seen.first(), Some(CodexEvent::Ready { .. })),
        "{:?}",
        seen.first()
    );
    let text: String = seen
        .iter()
        .filter_map(|e| match e {
            CodexEvent::Notification { method, params } if method == "item/agentMessage/delta" => {
                params["delta"].as_str().map(str::to_string)
            }
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello there, friend.");

    let err = codex
        .send(CodexRequest {
            method: "no/such/method".into(),
            params: json!({}),
        })
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, CodexError::Rpc { ref method, .. } if method == "no/such/method"),
        "{err}"
    );

    codex.do_send(Shutdown);
    let (exit, _) = rx
        .next_matching(DEADLINE, |e| matches!(e.event, CodexEvent::Exited(_)))
        .await
        .unwrap();
    let exit = exit.event;
    assert!(matches!(exit, CodexEvent::Exited(_)));
}

#[actix::test]
async fn a_missing_binary_is_reported_not_fatal() {
    let (events, mut rx) = probe::<FromCodex>();
    let codex = CodexAppServer::new(
        CodexSpec::new("/nonexistent/codex", std::env::temp_dir()),
        events,
    )
    .start();
    match rx.next(DEADLINE).await.unwrap().event {
        CodexEvent::SpawnFailed { message } => {
            assert!(message.contains("not installed"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let err = codex
        .send(CodexRequest {
            method: "thread/start".into(),
            params: json!({}),
        })
        .await;
    // The actor stopped; a request either fails with the reason or finds it gone.
    assert!(
        matches!(err, Err(_) | Ok(Err(CodexError::Gone(_)))),
        "{err:?}"
    );
}

#[actix::test]
async fn codex_killed_mid_request_fails_what_waits_and_says_how_it_died() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    // A model stream that never ends keeps the turn (and codex) busy.
    let model = FakeModel::start(dir.path(), json!([{ "hang": true }]));
    let (events, mut rx) = probe::<FromCodex>();
    let codex = CodexAppServer::new(spec(&model, dir.path(), &work), events).start();
    let (thread_id, _) = start_turn(&codex, &work).await;
    until_notification(&mut rx, "turn/started").await;
    // Kill codex itself, as a crash would.
    let pid = codex.send(CodexPid).await.unwrap().unwrap().to_string();
    let pending = codex.send(CodexRequest {
        method: "thread/read".into(),
        params: json!({ "threadId": thread_id }),
    });
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid.parse().unwrap()),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let (exit, _) = rx
        .next_matching(DEADLINE, |e| matches!(e.event, CodexEvent::Exited(_)))
        .await
        .unwrap();
    let exit = exit.event;
    match exit {
        CodexEvent::Exited(report) => assert_eq!(report.signal, Some(9), "{report}"),
        other => panic!("{other:?}"),
    }
    match pending.await {
        Ok(Err(CodexError::Gone(reason))) => assert!(reason.contains("SIGKILL"), "{reason}"),
        Ok(Ok(_)) => {} // answered before the kill landed
        other => panic!("{other:?}"),
    }
}

/// Non-JSON lines from codex with a 3-byte character across both cuts t3rs makes in them
/// (2,000 bytes here, 180 in the thread's activity): reported, cut whole, no panic.
#[actix::test]
async fn unreadable_lines_with_a_character_across_the_cut_are_reported_whole() {
    let dir = tempfile::tempdir().unwrap();
    let near_180 = format!("{}€{}", "x".repeat(179), "y".repeat(40));
    let near_2000 = format!("{}€{}", "x".repeat(1_999), "y".repeat(40));
    let script = dir.path().join("codex");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n%s\\n' '{near_180}' '{near_2000}'\ncat >/dev/null\n"),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (events, mut rx) = probe::<FromCodex>();
    let codex = CodexAppServer::new(CodexSpec::new(&script, dir.path()), events).start();
    let mut lines = Vec::new();
    while lines.len() < 2 {
        match rx.next(DEADLINE).await.unwrap().event {
            CodexEvent::Unreadable { line, .. } => lines.push(line),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(lines[0], near_180);
    assert_eq!(
        lines[1],
        "x".repeat(1_999),
        "cut before the € at bytes 1,999–2,001"
    );
    let mut detail = lines[0].clone();
    t3rs_core::text::truncate_within(&mut detail, 180);
    assert_eq!(detail, "x".repeat(179), "cut before the € at bytes 179–181");
    codex.do_send(Shutdown);
}

/// An owner whose mailbox can be held shut, as a ThreadSession's is while it waits.
struct HeldOwner {
    seen: tokio::sync::mpsc::UnboundedSender<CodexEvent>,
}

impl Actor for HeldOwner {
    type Context = Context<Self>;
}

impl Handler<FromCodex> for HeldOwner {
    type Result = ();

    fn handle(&mut self, msg: FromCodex, _ctx: &mut Self::Context) {
        let _ = self.seen.send(msg.event);
    }
}

#[derive(Message)]
#[rtype(result = "()")]
struct HoldUntil(oneshot::Receiver<()>);

impl Handler<HoldUntil> for HeldOwner {
    type Result = ();

    fn handle(&mut self, msg: HoldUntil, ctx: &mut Self::Context) {
        ctx.wait(actix::fut::wrap_future(async move {
            let _ = msg.0.await;
        }));
    }
}

/// While the owner waits, codex's notifications wait in the pipe (codex cannot finish writing
/// them), not in the owner's mailbox; released, the owner gets every one in order.
#[actix::test]
async fn a_waiting_owner_leaves_codex_output_in_the_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("wrote-everything");
    let script = dir.path().join("codex");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ni=0\nwhile [ $i -lt 20000 ]; do printf '{{\"method\":\"n\",\"params\":{{\"i\":%d,\"pad\":\"%060d\"}}}}\\n' $i 0; i=$((i+1)); done\ntouch {}\ncat >/dev/null\n",
            done.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel();
    let owner = HeldOwner { seen: seen_tx }.start();
    let (release, held) = oneshot::channel();
    owner.send(HoldUntil(held)).await.unwrap();
    let codex = CodexAppServer::new(
        CodexSpec::new(&script, dir.path()),
        owner.clone().recipient(),
    )
    .start();
    // 20,000 lines of ~100 bytes: 2 MB, several times the pipe, the reader's buffers and the
    // owner's window together.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(!done.exists(), "codex wrote 2 MB while its owner waited");
    release.send(()).unwrap();
    let mut next = 0;
    while next < 20_000 {
        match tokio::time::timeout(DEADLINE, seen.recv())
            .await
            .unwrap()
            .unwrap()
        {
            CodexEvent::Notification { method, params } => {
                assert_eq!(method, "n");
                assert_eq!(params["i"], next);
                next += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    let deadline = Instant::now() + DEADLINE;
    while !done.exists() {
        assert!(Instant::now() < deadline, "codex never finished writing");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    codex.do_send(Shutdown);
}
