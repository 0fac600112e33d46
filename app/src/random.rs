//! Randomness from the browser's CSPRNG (crypto.getRandomValues, via getrandom): core
//! takes entropy as input and never draws its own.

use std::fmt;

/// The platform refused to give randomness; nothing secret can be made without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RandomError(String);

impl fmt::Display for RandomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "this browser gave no secure randomness: {}", self.0)
    }
}

/// `N` bytes from the CSPRNG.
pub fn bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|err| RandomError(err.to_string()))?;
    Ok(out)
}

/// A random `u64`, for core's entropy arguments.
pub fn u64() -> Result<u64, RandomError> {
    bytes::<8>().map(u64::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_draws_differ() {
        assert_ne!(bytes::<32>().unwrap(), bytes::<32>().unwrap());
    }
}
