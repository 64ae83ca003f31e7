//! Failed authentication attempts per remote address: past the limit in a minute, every
//! attempt from that address is answered 429 until the oldest failure leaves the window.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered at most; a flood of fresh addresses forgets the stalest first.
const MAX_ADDRESSES: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    failures: HashMap<IpAddr, VecDeque<Instant>>,
}

impl RateLimiter {
    pub fn new(limit: u32) -> RateLimiter {
        RateLimiter {
            limit: limit.max(1) as usize,
            failures: HashMap::new(),
        }
    }

    fn prune(queue: &mut VecDeque<Instant>, now: Instant) {
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            queue.pop_front();
        }
    }

    /// `Err(seconds to wait)` when `ip` has used up its failures for now.
    pub fn check(&mut self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let Some(queue) = self.failures.get_mut(&ip) else {
            return Ok(());
        };
        Self::prune(queue, now);
        if queue.len() < self.limit {
            return Ok(());
        }
        let oldest = queue.front().copied().unwrap_or(now);
        let wait = WINDOW.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs().max(1))
    }

    pub fn record_failure(&mut self, ip: IpAddr, now: Instant) {
        if self.failures.len() >= MAX_ADDRESSES && !self.failures.contains_key(&ip) {
            self.failures.retain(|_, q| {
                Self::prune(q, now);
                !q.is_empty()
            });
            if self.failures.len() >= MAX_ADDRESSES {
                if let Some(stalest) = self
                    .failures
                    .iter()
                    .min_by_key(|(_, q)| q.back().copied())
                    .map(|(ip, _)| *ip)
                {
                    self.failures.remove(&stalest);
                }
            }
        }
        let queue = self.failures.entry(ip).or_default();
        Self::prune(queue, now);
        queue.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_for_a_minute_per_address() {
        let mut limiter = RateLimiter::new(3);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.check(a, t0), Ok(()), "attempt {i}");
            limiter.record_failure(a, t0);
        }
        assert_eq!(limiter.check(a, t0), Err(60));
        assert_eq!(limiter.check(a, t0 + Duration::from_secs(45)), Err(15));
        assert_eq!(limiter.check(b, t0), Ok(()));
        assert_eq!(limiter.check(a, t0 + WINDOW), Ok(()));
    }
}
