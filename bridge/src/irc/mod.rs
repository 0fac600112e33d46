//! IRC wire primitives: parsing client lines, building server lines within the
//! 512-byte limit, nick and channel rules, and splitting long texts.

pub mod line;
pub mod names;
pub mod numeric;
pub mod split;
pub mod tags;
