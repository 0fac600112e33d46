//! When a client tries a lost broker again. Shared by every client (browser, CLI,
//! bridge) so they all back off alike; randomness comes from the caller.

use crate::limits::RECONNECT_BACKOFF_MS;

/// Exponential backoff with jitter, reset once a connection is usable again.
#[derive(Clone, Debug, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    pub fn new() -> Self {
        Self::default()
    }

    /// The delay before the next attempt, in ms. `unit` in `[0, 1)` (random, from the
    /// caller) picks a point in the upper half of the current window, so the delay is
    /// never below half the window and clients that failed together spread out.
    pub fn next_delay_ms(&mut self, unit: f64) -> u64 {
        let (first, max) = RECONNECT_BACKOFF_MS;
        let window = first.saturating_mul(1u64 << self.failures.min(32)).min(max);
        self.failures = self.failures.saturating_add(1);
        let half = window / 2;
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        half + (half as f64 * unit) as u64
    }

    /// The connection works again: the next loss starts from the first delay.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_doubles_per_failure_up_to_the_cap() {
        let (first, max) = RECONNECT_BACKOFF_MS;
        let mut backoff = Backoff::new();
        assert_eq!(backoff.next_delay_ms(1.0), first);
        assert_eq!(backoff.next_delay_ms(1.0), 2 * first);
        for _ in 0..100 {
            assert!(backoff.next_delay_ms(1.0) <= max);
        }
        assert_eq!(backoff.next_delay_ms(1.0), max);
    }

    #[test]
    fn jitter_stays_in_the_upper_half_of_the_window() {
        let first = RECONNECT_BACKOFF_MS.0;
        for unit in [0.0, 0.25, 0.999, -3.0, f64::NAN] {
            let delay = Backoff::new().next_delay_ms(unit);
            assert!((first / 2..=first).contains(&delay), "{unit}: {delay}");
        }
    }

    #[test]
    fn reset_starts_again_from_the_first_delay() {
        let mut backoff = Backoff::new();
        for _ in 0..5 {
            backoff.next_delay_ms(1.0);
        }
        backoff.reset();
        assert_eq!(backoff.next_delay_ms(1.0), RECONNECT_BACKOFF_MS.0);
    }
}
