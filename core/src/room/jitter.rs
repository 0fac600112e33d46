//! A tiny deterministic generator (SplitMix64) seeded by the caller's entropy: core has
//! no randomness of its own, and tests need reproducible delays.

pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform-enough value in `lo..=hi` (the modulo bias is irrelevant for jitter).
    pub(super) fn in_range(&mut self, (lo, hi): (u64, u64)) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_in_the_inclusive_range_and_vary() {
        let mut rng = Rng::new(42);
        let values: Vec<u64> = (0..1000).map(|_| rng.in_range((150, 1200))).collect();
        assert!(values.iter().all(|v| (150..=1200).contains(v)));
        assert!(values.iter().any(|&v| v < 300));
        assert!(values.iter().any(|&v| v > 1050));
    }

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }
}
