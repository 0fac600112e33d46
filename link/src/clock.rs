//! Time for the room state machine: core keeps Unix milliseconds (the `t` of every
//! envelope is wall-clock ms), while tokio sleeps on its monotonic clock, so deadlines
//! are converted at the moment they are armed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// Now, in Unix milliseconds. A clock set before 1970 reads as 0 rather than failing:
/// core clamps timestamps anyway, and a chat tool must not die of a wrong clock.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The tokio instant at which the Unix-ms `deadline` falls, seen from `now_ms`; a
/// deadline already past is due immediately.
pub fn instant_at(deadline: u64, now_ms: u64) -> Instant {
    Instant::now() + Duration::from_millis(deadline.saturating_sub(now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_after_2024() {
        assert!(now_ms() > 1_704_067_200_000);
    }

    #[test]
    fn past_deadlines_are_due_now_and_future_ones_later() {
        let before = Instant::now();
        assert!(instant_at(10, 20) <= Instant::now());
        let later = instant_at(5_020, 20);
        assert!(later >= before + Duration::from_millis(5_000));
        assert!(later <= Instant::now() + Duration::from_millis(5_000));
    }
}
