//! Identicons drawn locally from the avatar seed: no image service, and nothing from
//! the network ever reaches an `<img src>`. Pure, so every client draws the same one.

use crate::ids::AvatarSeed;

/// A 5×5 mirror-symmetric pattern and a hue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Identicon {
    /// Hue in degrees, `0..360`.
    pub hue: u16,
    /// `cells[row][col]`: filled or not; `cells[r][c] == cells[r][4 - c]`.
    pub cells: [[bool; 5]; 5],
}

impl Identicon {
    /// Hue from seed bytes 0–1 (big-endian, mod 360); the 15 cells of columns 0–2 from
    /// the bits of bytes 2–3 (bit `row * 3 + col`, least significant first); columns
    /// 3–4 mirror columns 1–0.
    pub fn from_seed(seed: &AvatarSeed) -> Self {
        Self::from_bytes(&seed.to_bytes())
    }

    /// The same identicon from a seed's leading hex (at least 8 characters), as a
    /// share link carries it (v1 writes only 16 of the 32).
    pub fn from_hex_prefix(hex: &str) -> Option<Self> {
        let prefix = hex.get(..8)?;
        let mut bytes = [0u8; 4];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(prefix.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8]) -> Self {
        let hue = u16::from_be_bytes([bytes[0], bytes[1]]) % 360;
        let bits = u16::from_be_bytes([bytes[2], bytes[3]]);
        let mut cells = [[false; 5]; 5];
        for (row, cells_row) in cells.iter_mut().enumerate() {
            for col in 0..3 {
                let filled = bits >> (row * 3 + col) & 1 == 1;
                cells_row[col] = filled;
                cells_row[4 - col] = filled;
            }
        }
        Identicon { hue, cells }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(hex: &str) -> AvatarSeed {
        AvatarSeed::parse(hex).unwrap()
    }

    #[test]
    fn identicons_are_mirror_symmetric() {
        for hex in [
            "66687aadf862bd776c8fc18b8e9f8e20",
            "af9613760f72635fbdb44a5a0a63c39f",
            "ffffffffffffffffffffffffffffffff",
        ] {
            let icon = Identicon::from_seed(&seed(hex));
            for row in icon.cells {
                for col in 0..5 {
                    assert_eq!(row[col], row[4 - col]);
                }
            }
            assert!(icon.hue < 360);
        }
    }

    #[test]
    fn the_same_seed_always_draws_the_same_icon() {
        let icon = Identicon::from_seed(&seed("0168ffff000000000000000000000000"));
        // 0x0168 = 360 -> hue 0; all 15 bits set -> every cell filled.
        assert_eq!(icon.hue, 0);
        assert_eq!(icon.cells, [[true; 5]; 5]);
        let icon = Identicon::from_seed(&seed("00b40001000000000000000000000000"));
        // hue 180; only bit 0 set -> row 0, columns 0 and 4.
        assert_eq!(icon.hue, 180);
        let mut expected = [[false; 5]; 5];
        expected[0][0] = true;
        expected[0][4] = true;
        assert_eq!(icon.cells, expected);
    }
}
