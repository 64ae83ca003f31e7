use super::*;
use crate::harness::probe;

const DEADLINE: Duration = Duration::from_secs(10);

fn bash(script: &str) -> PtySpec {
    let mut spec = PtySpec::new("bash", std::env::temp_dir());
    spec.args = vec![
        "--noprofile".into(),
        "--norc".into(),
        "-c".into(),
        script.into(),
    ];
    spec
}

/// Output until `needle` has been seen (output is chunked arbitrarily).
async fn read_until(rx: &mut crate::harness::ProbeRx<PtyEvent>, needle: &str) -> String {
    let mut seen = String::new();
    while !seen.contains(needle) {
        match rx.next(DEADLINE).await.unwrap() {
            PtyEvent::Output(text) => seen.push_str(&text),
            PtyEvent::Exited { .. } => panic!("exited before {needle:?}; saw {seen:?}"),
        }
    }
    seen
}

#[actix::test]
async fn the_scrub_hides_named_and_prefixed_variables_from_the_shell() {
    std::env::set_var("PTY_SCRUB_EXACT", "pty-hidden-1");
    std::env::set_var("PTY_SCRUBP_ONE", "pty-hidden-2");
    std::env::set_var("PTY_SCRUB_KEPT", "kept");
    let (events, mut rx) = probe::<PtyEvent>();
    let mut spec = bash("env; echo END-OF-ENV");
    spec.scrub = crate::process_runner::EnvScrub::new(["PTY_SCRUB_EXACT"], ["PTY_SCRUBP_"]);
    let (_pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
    let seen = read_until(&mut rx, "END-OF-ENV").await;
    assert!(seen.contains("PTY_SCRUB_KEPT=kept"), "{seen:?}");
    assert!(!seen.contains("pty-hidden"), "{seen:?}");
}

#[actix::test]
async fn echoes_input_resizes_and_reports_exit_code() {
    let (events, mut rx) = probe::<PtyEvent>();
    let mut spec = bash("read line; echo got:$line; stty size; exit 7");
    spec.cols = 100;
    spec.rows = 40;
    let (pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
    pty.send(PtyWrite("hello\r".into())).await.unwrap().unwrap();
    let seen = read_until(&mut rx, "40 100").await;
    assert!(seen.contains("got:hello"), "{seen:?}");
    let (exit, _) = rx
        .next_matching(DEADLINE, |e| matches!(e, PtyEvent::Exited { .. }))
        .await
        .unwrap();
    assert_eq!(
        exit,
        PtyEvent::Exited {
            code: Some(7),
            signal: None
        }
    );
    assert!(pty
        .send(PtyWrite("x".into()))
        .await
        .map(|r| r.is_err())
        .unwrap_or(true));
}

#[actix::test]
async fn resize_reaches_the_process() {
    let (events, mut rx) = probe::<PtyEvent>();
    let (pty, _pid) =
        PtyProcess::spawn(bash("read a; stty size; read b; stty size"), events).unwrap();
    pty.send(PtyWrite("\r".into())).await.unwrap().unwrap();
    read_until(&mut rx, "30 120").await;
    pty.send(PtyResize { cols: 80, rows: 24 })
        .await
        .unwrap()
        .unwrap();
    pty.send(PtyWrite("\r".into())).await.unwrap().unwrap();
    read_until(&mut rx, "24 80").await;
}

#[actix::test]
async fn multibyte_characters_are_never_split() {
    let (events, mut rx) = probe::<PtyEvent>();
    let mut spec = bash("for i in $(seq 1 3000); do printf 'é€😀'; done; echo; echo END");
    spec.max_chunk = 4097; // an odd size forces splits inside characters
    let (_pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
    let seen = read_until(&mut rx, "END").await;
    assert_eq!(seen.matches("é€😀").count(), 3000);
    assert!(!seen.contains('\u{FFFD}'));
}

#[actix::test]
async fn stop_kills_the_shell_and_its_children() {
    let (events, mut rx) = probe::<PtyEvent>();
    let (pty, pid) = PtyProcess::spawn(bash("sleep 300 & echo child:$!; wait"), events).unwrap();
    let seen = read_until(&mut rx, "\n").await;
    let child: i32 = seen
        .trim()
        .trim_start_matches("child:")
        .parse()
        .unwrap_or_else(|_| panic!("{seen:?}"));
    pty.do_send(Shutdown);
    let (exit, _) = rx
        .next_matching(DEADLINE, |e| matches!(e, PtyEvent::Exited { .. }))
        .await
        .unwrap();
    assert!(
        matches!(
            exit,
            PtyEvent::Exited {
                signal: Some(_),
                ..
            }
        ),
        "{exit:?}"
    );
    for gone in [pid as i32, child] {
        let deadline = std::time::Instant::now() + DEADLINE;
        while std::fs::read_to_string(format!("/proc/{gone}/stat"))
            .map(|s| {
                !s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(false)
        {
            assert!(std::time::Instant::now() < deadline, "{gone} survived");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

#[actix::test]
async fn a_paused_pty_is_not_read_until_resumed() {
    let (events, mut rx) = probe::<PtyEvent>();
    let spec = bash("read go; head -c 3000000 /dev/zero | base64; echo FLOOD-END");
    let (pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
    pty.send(PtyPause(true)).await.unwrap();
    pty.send(PtyWrite("\r".into())).await.unwrap().unwrap();
    // Paused: only what was read before the pause arrives, never the 4 MB flood.
    let mut seen = 0;
    let window = tokio::time::Instant::now() + Duration::from_millis(700);
    while let Ok(Some(event)) = tokio::time::timeout_at(window, rx.next(DEADLINE))
        .await
        .map(Result::ok)
    {
        if let PtyEvent::Output(text) = event {
            assert!(!text.contains("FLOOD-END"));
            seen += text.len();
        }
    }
    assert!(seen < 300_000, "{seen} bytes read while paused");
    pty.send(PtyPause(false)).await.unwrap();
    read_until(&mut rx, "FLOOD-END").await;
}

/// Holds once `limit` bytes were sent, until `open` is set.
struct CountingGate {
    sent: std::sync::atomic::AtomicUsize,
    limit: usize,
    open: std::sync::atomic::AtomicBool,
}

impl ReadGate for CountingGate {
    fn sent(&self, bytes: usize) {
        self.sent
            .fetch_add(bytes, std::sync::atomic::Ordering::SeqCst);
    }

    fn holds(&self) -> bool {
        !self.open.load(std::sync::atomic::Ordering::SeqCst)
            && self.sent.load(std::sync::atomic::Ordering::SeqCst) >= self.limit
    }
}

#[actix::test]
async fn a_holding_gate_stops_the_reader_at_once_and_a_wake_resumes_it() {
    let (events, mut rx) = probe::<PtyEvent>();
    let gate = std::sync::Arc::new(CountingGate {
        sent: Default::default(),
        limit: 10_000,
        open: Default::default(),
    });
    let mut spec = bash("head -c 3000000 /dev/zero | base64; echo GATE-END");
    spec.gate = Some(Gate(gate.clone()));
    let (pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
    let mut seen = 0;
    let window = tokio::time::Instant::now() + Duration::from_millis(700);
    while let Ok(Ok(PtyEvent::Output(text))) =
        tokio::time::timeout_at(window, rx.next(DEADLINE)).await
    {
        seen += text.len();
    }
    // Counted at the source: at most one read past the limit.
    assert!((10_000..10_000 + 64 * 1024).contains(&seen), "{seen}");
    assert_eq!(seen, gate.sent.load(std::sync::atomic::Ordering::SeqCst));
    gate.open.store(true, std::sync::atomic::Ordering::SeqCst);
    pty.send(PtyWake).await.unwrap();
    read_until(&mut rx, "GATE-END").await;
}

#[test]
fn utf8_carry_keeps_incomplete_characters() {
    let mut pending = "ab€".as_bytes()[..4].to_vec(); // 'a', 'b', first 2 bytes of '€'
    assert_eq!(take_utf8(&mut pending), "ab");
    assert_eq!(pending.len(), 2);
    pending.extend_from_slice(&"€".as_bytes()[2..]);
    assert_eq!(take_utf8(&mut pending), "€");
    let mut junk = vec![0xff, b'x'];
    assert_eq!(take_utf8(&mut junk), "\u{FFFD}x");
}
