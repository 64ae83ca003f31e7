//! Mailbox harness: start one actor alone, hand it [`probe`] recipients instead of its real
//! collaborators, feed it messages, and assert what it sent, in order, against a deadline.
//! Every wait is bounded, so a broken actor fails its test instead of hanging it.

use std::fmt;
use std::time::Duration;

use actix::prelude::*;
use tokio::sync::mpsc;

/// Why an expectation on a probe was not met.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HarnessError {
    #[error("nothing arrived within {0:?} (got {1} of the expected messages)")]
    Timeout(Duration, usize),
    #[error("the probe's sender side is gone (the actor stopped?)")]
    Closed,
    #[error("expected silence for {0:?}, but received: {1}")]
    Unexpected(Duration, String),
}

/// Actor that forwards everything it receives to a [`ProbeRx`].
pub struct Probe<M> {
    tx: mpsc::UnboundedSender<M>,
}

impl<M: Unpin + 'static> Actor for Probe<M> {
    type Context = Context<Self>;
}

impl<M> Handler<M> for Probe<M>
where
    M: Message<Result = ()> + Unpin + Send + 'static,
{
    type Result = ();

    fn handle(&mut self, msg: M, _ctx: &mut Self::Context) {
        // The receiver may have been dropped by a test that has seen enough.
        let _ = self.tx.send(msg);
    }
}

/// The test's end of a probe.
pub struct ProbeRx<M> {
    rx: mpsc::UnboundedReceiver<M>,
}

/// A recipient to give the actor under test, and the receiver to assert on.
/// Must be called inside a running actix system (e.g. `#[actix::test]`).
pub fn probe<M>() -> (Recipient<M>, ProbeRx<M>)
where
    M: Message<Result = ()> + Unpin + Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let addr = Probe { tx }.start();
    (addr.recipient(), ProbeRx { rx })
}

/// Subscribes a probe to a push relay for everything it publishes; evictions are ignored.
/// Returns the subscription (for acks) and the deliveries to assert on.
pub async fn subscribe_probe<T: crate::push_relay::PushItem>(
    relay: &Addr<crate::push_relay::PushRelay<T>>,
) -> (
    crate::push_relay::SubscriberId,
    ProbeRx<crate::push_relay::Delivery<T>>,
) {
    let (deliveries, rx) = probe();
    let (evicted, _evictions) = probe::<crate::push_relay::Evicted>();
    let subscriber = relay
        .send(crate::push_relay::Subscribe {
            deliveries,
            evicted,
            initial: vec![],
            filter: None,
        })
        .await
        .expect("the relay is running");
    (subscriber, rx)
}

impl<M> ProbeRx<M> {
    /// The next message, or an error when none arrives within `within`.
    pub async fn next(&mut self, within: Duration) -> Result<M, HarnessError> {
        match tokio::time::timeout(within, self.rx.recv()).await {
            Ok(Some(msg)) => Ok(msg),
            Ok(None) => Err(HarnessError::Closed),
            Err(_) => Err(HarnessError::Timeout(within, 0)),
        }
    }

    /// Exactly the next `n` messages, all within one overall deadline.
    pub async fn take(&mut self, n: usize, within: Duration) -> Result<Vec<M>, HarnessError> {
        let deadline = tokio::time::Instant::now() + within;
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) => out.push(msg),
                Ok(None) => return Err(HarnessError::Closed),
                Err(_) => return Err(HarnessError::Timeout(within, out.len())),
            }
        }
        Ok(out)
    }

    /// Skips messages until one satisfies `pred`; returns it and how many were skipped.
    pub async fn next_matching(
        &mut self,
        within: Duration,
        mut pred: impl FnMut(&M) -> bool,
    ) -> Result<(M, usize), HarnessError> {
        let deadline = tokio::time::Instant::now() + within;
        let mut skipped = 0;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) if pred(&msg) => return Ok((msg, skipped)),
                Ok(Some(_)) => skipped += 1,
                Ok(None) => return Err(HarnessError::Closed),
                Err(_) => return Err(HarnessError::Timeout(within, skipped)),
            }
        }
    }

    /// Messages already delivered, without waiting.
    pub fn drain_now(&mut self) -> Vec<M> {
        let mut out = Vec::new();
        while let Ok(msg) = self.rx.try_recv() {
            out.push(msg);
        }
        out
    }
}

impl<M: fmt::Debug> ProbeRx<M> {
    /// Fails if anything arrives during `for_`.
    pub async fn assert_quiet(&mut self, for_: Duration) -> Result<(), HarnessError> {
        match tokio::time::timeout(for_, self.rx.recv()).await {
            Ok(Some(msg)) => Err(HarnessError::Unexpected(for_, format!("{msg:?}"))),
            Ok(None) | Err(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Message, Debug, PartialEq)]
    #[rtype(result = "()")]
    struct Note(u32);

    #[actix::test]
    async fn probe_keeps_order_and_times_out() {
        let (tx, mut rx) = probe::<Note>();
        for i in 0..100 {
            tx.do_send(Note(i));
        }
        let got = rx.take(100, Duration::from_secs(2)).await.unwrap();
        assert!(got.iter().enumerate().all(|(i, n)| n.0 == i as u32));
        assert_eq!(
            rx.next(Duration::from_millis(20)).await,
            Err(HarnessError::Timeout(Duration::from_millis(20), 0))
        );
        tx.do_send(Note(7));
        assert!(rx.assert_quiet(Duration::from_millis(200)).await.is_err());
    }
}
