//! Randomness from the OS: core is sans-IO and takes every random value as an argument.

use party_core::ids::PeerId;

/// The OS could not give us randomness (no entropy source: nothing else can fix it).
#[derive(Debug)]
pub struct RandomError(getrandom::Error);

impl std::fmt::Display for RandomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot get randomness from the OS: {}", self.0)
    }
}

impl std::error::Error for RandomError {}

/// Fills `buf` from the operating system's CSPRNG.
pub fn fill(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(RandomError)
}

/// `N` bytes from the operating system's CSPRNG.
pub fn bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut buf = [0u8; N];
    fill(&mut buf)?;
    Ok(buf)
}

/// A fresh per-connection peer id (the `from` of our envelopes).
pub fn peer_id() -> Result<PeerId, RandomError> {
    Ok(PeerId::from_bytes(bytes()?))
}

/// A fresh, secret MQTT client id (see `party_core::connection::mqtt_client_id`).
pub fn client_id() -> Result<String, RandomError> {
    Ok(party_core::connection::mqtt_client_id(bytes()?))
}

/// Seed for a room's own jitter (history reply delays).
pub fn entropy() -> Result<u64, RandomError> {
    Ok(u64::from_le_bytes(bytes()?))
}

/// A uniform value in `[0, 1)` for jitter. Only timing depends on it, so if the OS
/// has no randomness to give, the middle of the range is as good as any.
pub fn unit() -> f64 {
    bytes::<8>().map_or(0.5, |b| {
        (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_draws_differ() {
        assert_ne!(bytes::<32>().unwrap(), bytes::<32>().unwrap());
        assert_ne!(peer_id().unwrap(), peer_id().unwrap());
        assert!((0.0..1.0).contains(&unit()));
    }
}
