use std::time::{Duration, Instant};

use actix::prelude::*;
use t3rs_actors::{ChildGuard, ChildHandle, RestartPolicy, Shutdown, Supervisor};

use super::Supervised;

struct Flaky {
    guard: ChildGuard,
}

impl Actor for Flaky {
    type Context = Context<Self>;
}

#[derive(Message)]
#[rtype(result = "Result<String, String>")]
struct Echo(&'static str);

#[derive(Message)]
#[rtype(result = "()")]
struct Die;

impl Handler<Echo> for Flaky {
    type Result = Result<String, String>;
    fn handle(&mut self, msg: Echo, _ctx: &mut Self::Context) -> Self::Result {
        Ok(msg.0.to_string())
    }
}

impl Handler<Die> for Flaky {
    type Result = ();
    fn handle(&mut self, _msg: Die, ctx: &mut Self::Context) {
        self.guard.fail("told to die");
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

/// A supervised registry answers through its handle; while it restarts a request is answered
/// at once with the reason, and after the restart requests work again.
#[actix_rt::test]
async fn a_failed_registry_answers_why_then_comes_back() {
    let policy = RestartPolicy {
        initial_backoff: Duration::from_millis(300),
        ..RestartPolicy::default()
    };
    let handle = ChildHandle::new("flaky-registry");
    let supervisor = Supervisor::new("flaky-registry", policy, |guard| Flaky { guard })
        .with_handle(handle.clone())
        .start();
    let registry = Supervised::new(supervisor, handle);
    assert_eq!(registry.send(Echo("one")).await.unwrap(), Ok("one".into()));
    registry.ask(Die).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let refused = loop {
        match registry.send(Echo("two")).await.unwrap() {
            Err(reason) => break reason,
            Ok(_) => assert!(Instant::now() < deadline, "never saw it down"),
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert!(refused.contains("told to die"), "{refused}");
    loop {
        if registry.send(Echo("three")).await.unwrap() == Ok("three".into()) {
            break;
        }
        assert!(Instant::now() < deadline, "it did not come back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
