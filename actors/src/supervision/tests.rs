use super::*;
use crate::harness::probe;

struct Flaky {
    guard: ChildGuard,
    fail_in_started: bool,
}

impl Actor for Flaky {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Self::Context) {
        if self.fail_in_started {
            self.guard.fail("could not open its resource");
            ctx.stop();
        }
    }
}

#[derive(Message)]
#[rtype(result = "u32")]
struct Echo(u32);

#[derive(Message)]
#[rtype(result = "()")]
struct Explode;

#[derive(Message)]
#[rtype(result = "()")]
struct Finish;

impl Handler<Echo> for Flaky {
    type Result = u32;
    fn handle(&mut self, msg: Echo, _ctx: &mut Self::Context) -> u32 {
        msg.0 + 1
    }
}

impl Handler<Explode> for Flaky {
    type Result = ();
    fn handle(&mut self, _msg: Explode, _ctx: &mut Self::Context) {
        panic!("boom in handler");
    }
}

impl Handler<Finish> for Flaky {
    type Result = ();
    fn handle(&mut self, _msg: Finish, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

impl Handler<Shutdown> for Flaky {
    type Result = ();
    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

fn quick_policy(max_restarts: u32) -> RestartPolicy {
    RestartPolicy {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        max_restarts,
        window: Duration::from_secs(30),
    }
}

const DEADLINE: Duration = Duration::from_secs(5);

#[test]
fn backoff_doubles_and_caps() {
    let policy = RestartPolicy {
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(1),
        max_restarts: 3,
        window: Duration::from_secs(10),
    };
    assert_eq!(policy.backoff(1), Duration::from_millis(100));
    assert_eq!(policy.backoff(2), Duration::from_millis(200));
    assert_eq!(policy.backoff(4), Duration::from_millis(800));
    assert_eq!(policy.backoff(5), Duration::from_secs(1));
    assert_eq!(policy.backoff(200), Duration::from_secs(1));
}

#[actix::test]
async fn panicking_child_is_restarted_and_process_survives() {
    let (events, mut rx) = probe::<SupervisorEvent>();
    let sup = Supervisor::new("flaky", quick_policy(3), |guard| Flaky {
        guard,
        fail_in_started: false,
    })
    .with_parent(events)
    .start();

    assert_eq!(sup.send(Ask(Echo(1))).await.unwrap(), Ok(2));
    sup.do_send(Tell(Explode));
    match rx.next(DEADLINE).await.unwrap() {
        SupervisorEvent::Restarting {
            name,
            attempt,
            reason,
            ..
        } => {
            assert_eq!(name, "flaky");
            assert_eq!(attempt, 1);
            assert!(reason.contains("boom in handler"), "reason: {reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // The fresh incarnation answers once it is up.
    let mut answered = false;
    for _ in 0..200 {
        if let Ok(Ok(v)) = sup.send(Ask(Echo(41))).await {
            assert_eq!(v, 42);
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(answered, "restarted child never answered");
}

#[actix::test]
async fn a_handle_reaches_each_incarnation_directly_and_says_when_there_is_none() {
    let (events, mut rx) = probe::<SupervisorEvent>();
    let handle = ChildHandle::new("flaky");
    // Sent before the supervisor exists: it waits for the first child.
    let early = handle.send(Ask(Echo(1)));
    let policy = RestartPolicy {
        initial_backoff: Duration::from_millis(300),
        ..quick_policy(3)
    };
    let sup = Supervisor::new("flaky", policy, |guard| Flaky {
        guard,
        fail_in_started: false,
    })
    .with_handle(handle.clone())
    .with_parent(events)
    .start();
    assert_eq!(early.await.unwrap(), Ok(2));
    assert_eq!(handle.send(Ask(Echo(2))).await.unwrap(), Ok(3));
    handle.do_send(Tell(Explode));
    assert!(matches!(
        rx.next(DEADLINE).await.unwrap(),
        SupervisorEvent::Restarting { .. }
    ));
    // Down during the backoff: refused at once, with the supervisor's reason.
    let down = handle.send(Ask(Echo(1))).await.unwrap().unwrap_err();
    assert!(down.reason.contains("boom in handler"), "{down:?}");
    let mut answered = false;
    for _ in 0..400 {
        if let Ok(Ok(v)) = handle.send(Ask(Echo(41))).await {
            assert_eq!(v, 42);
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(answered, "the handle never reached the restarted child");
    sup.do_send(Shutdown);
    let mut closed = false;
    for _ in 0..200 {
        if let Ok(Err(gone)) = handle.send(Ask(Echo(1))).await {
            if gone.reason == "its supervisor stopped" {
                closed = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(closed, "a stopped supervisor's handle must say so");
}

#[actix::test]
async fn gives_up_after_limit_and_says_why() {
    let (events, mut rx) = probe::<SupervisorEvent>();
    let sup = Supervisor::new("opener", quick_policy(2), |guard| Flaky {
        guard,
        fail_in_started: true,
    })
    .with_parent(events)
    .start();

    let seen = rx.take(3, DEADLINE).await.unwrap();
    assert!(matches!(
        seen[0],
        SupervisorEvent::Restarting { attempt: 1, .. }
    ));
    assert!(matches!(
        seen[1],
        SupervisorEvent::Restarting { attempt: 2, .. }
    ));
    match &seen[2] {
        SupervisorEvent::GaveUp { name, reason } => {
            assert_eq!(name, "opener");
            assert!(reason.contains("3 failures"), "{reason}");
            assert!(reason.contains("could not open its resource"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    rx.assert_quiet(Duration::from_millis(100)).await.unwrap();
    let err = sup.send(Ask(Echo(1))).await.unwrap().unwrap_err();
    assert!(err.reason.contains("gave up"), "{err}");
}

#[actix::test]
async fn completed_child_is_not_restarted() {
    let (events, mut rx) = probe::<SupervisorEvent>();
    let sup = Supervisor::new("job", quick_policy(3), |guard| Flaky {
        guard,
        fail_in_started: false,
    })
    .with_parent(events)
    .start();
    sup.do_send(Tell(Finish));
    assert_eq!(
        rx.next(DEADLINE).await.unwrap(),
        SupervisorEvent::Completed {
            name: "job".to_string()
        }
    );
    rx.assert_quiet(Duration::from_millis(100)).await.unwrap();
}

#[actix::test]
async fn failures_outside_the_window_are_forgotten() {
    let (events, mut rx) = probe::<SupervisorEvent>();
    let policy = RestartPolicy {
        window: Duration::from_millis(1),
        ..quick_policy(1)
    };
    let sup = Supervisor::new("slow-flaky", policy, |guard| Flaky {
        guard,
        fail_in_started: false,
    })
    .with_parent(events)
    .start();
    for _ in 0..3 {
        // Wait until the child is up, then crash it; each crash is alone in its window.
        for _ in 0..200 {
            if let Ok(Ok(_)) = sup.send(Ask(Echo(0))).await {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(3)).await;
        sup.do_send(Tell(Explode));
        assert!(matches!(
            rx.next(DEADLINE).await.unwrap(),
            SupervisorEvent::Restarting { attempt: 1, .. }
        ));
    }
}
