//! The envelope decoder, every type: whatever arrives on a room topic is parsed,
//! validated and (when signed) verified without panicking, and the two-step path a
//! room takes (parse, then verify) agrees with the one-step one.
use party_core::envelope::{decode, parse};

const TOPIC: &str = "party-2026-v1/party/calc-study";
const NOW: u64 = 1_767_225_600_000;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let whole = decode(TOPIC, data, NOW);
        let stepped = parse(data).and_then(|parsed| parsed.verify(TOPIC, NOW, &|_| false));
        assert_eq!(whole.is_ok(), stepped.is_ok());
    });
}
