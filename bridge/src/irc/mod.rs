//! IRC wire primitives: parsing client lines, building server lines within the
//! 512-byte limit, nick and channel rules, splitting long texts, and showing room
//! text without the control characters IRC clients act on.

pub mod formatting;
pub mod limits;
pub mod line;
pub mod names;
pub mod numeric;
pub mod split;
pub mod tags;
pub mod visible;
