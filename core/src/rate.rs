//! Token buckets with time passed in: how often a sender may do something, as a
//! burst and then one more every so often.
//!
//! Written here rather than taken from `governor` because core reads no clock: the
//! caller hands in `now_ms` with every input, and a bucket is a plain value kept next
//! to the peer it limits (no keyed store to bound separately).

/// A burst of `burst` actions, then one more every `every_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every_ms: u64,
}

impl Rate {
    /// `per_second` actions a second, after a burst of `burst`.
    pub fn per_second(per_second: u32, burst: u32) -> Rate {
        Rate {
            burst,
            every_ms: (1_000 / u64::from(per_second.max(1))).max(1),
        }
    }
}

/// The tokens a sender has left under one `Rate`. Starts full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// Whole tokens, plus the time already earned towards the next one.
    tokens: u32,
    earned_ms: u64,
    last_ms: u64,
}

impl Bucket {
    pub fn full(rate: Rate, now_ms: u64) -> Self {
        Bucket {
            tokens: rate.burst,
            earned_ms: 0,
            last_ms: now_ms,
        }
    }

    /// Takes one token if there is one. A clock that goes back earns nothing.
    pub fn take(&mut self, rate: Rate, now_ms: u64) -> bool {
        self.refill(rate, now_ms);
        if self.tokens == 0 {
            return false;
        }
        self.tokens -= 1;
        true
    }

    /// Whether the bucket is back to its whole burst: it then remembers nothing a
    /// fresh one would not, and may be forgotten.
    pub fn is_full(&self, rate: Rate, now_ms: u64) -> bool {
        let mut probe = *self;
        probe.refill(rate, now_ms);
        probe.tokens >= rate.burst
    }

    fn refill(&mut self, rate: Rate, now_ms: u64) {
        let elapsed = now_ms.saturating_sub(self.last_ms);
        self.last_ms = self.last_ms.max(now_ms);
        if self.tokens >= rate.burst {
            self.earned_ms = 0;
            return;
        }
        let every = rate.every_ms.max(1);
        let earned = self.earned_ms.saturating_add(elapsed);
        let new_tokens = earned / every;
        let room = u64::from(rate.burst - self.tokens);
        if new_tokens >= room {
            self.tokens = rate.burst;
            self.earned_ms = 0;
        } else {
            // `new_tokens < room <= u32::MAX`, so this fits.
            self.tokens += new_tokens as u32;
            self.earned_ms = earned % every;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        burst: 3,
        every_ms: 100,
    };

    #[test]
    fn a_burst_then_one_per_period() {
        let mut bucket = Bucket::full(RATE, 0);
        assert!((0..3).all(|_| bucket.take(RATE, 0)));
        assert!(!bucket.take(RATE, 99));
        assert!(bucket.take(RATE, 100));
        assert!(!bucket.take(RATE, 150));
        assert!(bucket.take(RATE, 200), "the 50 ms earned before are kept");
    }

    #[test]
    fn a_bucket_is_full_again_once_its_burst_has_been_earned_back() {
        let mut bucket = Bucket::full(RATE, 0);
        assert!(bucket.is_full(RATE, 0));
        assert!(bucket.take(RATE, 0));
        assert!(!bucket.is_full(RATE, 99));
        assert!(bucket.is_full(RATE, 100));
    }

    #[test]
    fn per_second_spaces_tokens_evenly() {
        assert_eq!(
            Rate::per_second(8, 64),
            Rate {
                burst: 64,
                every_ms: 125
            }
        );
        assert_eq!(
            Rate::per_second(0, 1).every_ms,
            1_000,
            "never divides by zero"
        );
        assert_eq!(Rate::per_second(5_000, 1).every_ms, 1);
    }

    #[test]
    fn a_long_pause_refills_only_up_to_the_burst() {
        let mut bucket = Bucket::full(RATE, 0);
        assert!((0..3).all(|_| bucket.take(RATE, 0)));
        let taken = (0..10).filter(|_| bucket.take(RATE, 1_000_000)).count();
        assert_eq!(taken, 3);
    }

    #[test]
    fn a_clock_going_back_earns_nothing_and_never_panics() {
        let mut bucket = Bucket::full(RATE, 1_000);
        assert!((0..3).all(|_| bucket.take(RATE, 1_000)));
        assert!(!bucket.take(RATE, 0));
        assert!(!bucket.take(RATE, 1_050));
        assert!(bucket.take(RATE, 1_100));
        let mut extreme = Bucket::full(RATE, u64::MAX);
        assert!(extreme.take(RATE, 0));
        let zero = Rate {
            burst: 1,
            every_ms: 0,
        };
        let mut fast = Bucket::full(zero, 0);
        assert!(fast.take(zero, 0));
        assert!(fast.take(zero, 1));
    }
}
