//! Validated identifiers. Everything that arrives from the network or a user becomes
//! one of these before the rest of core looks at it, so no other code re-checks shapes.

mod avatar_seed;
mod display_name;
mod error;
mod handle;
mod message_id;
mod peer_id;
mod room_name;

pub use crate::secret::AgentSecret;
pub use avatar_seed::AvatarSeed;
pub use display_name::DisplayName;
pub use error::{IdError, IdKind, IdProblem};
pub use handle::Handle;
pub use message_id::MessageId;
pub use peer_id::PeerId;
pub use room_name::RoomName;

/// The string plumbing every identifier shares: `parse` is the only way in, so a value
/// of the type is always valid; serde goes through `parse` too.
macro_rules! string_id {
    ($name:ident, $kind:expr, $validate:path) => {
        impl $name {
            /// Validates `s`; the error says what is wrong with it.
            pub fn parse(s: &str) -> Result<Self, $crate::ids::IdError> {
                $validate(s).map_err(|problem| $crate::ids::IdError {
                    kind: $kind,
                    problem,
                })?;
                Ok(Self(s.to_owned()))
            }

            /// The identifier as it appears on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ids::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ids::IdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $validate(&s).map_err(|problem| $crate::ids::IdError {
                    kind: $kind,
                    problem,
                })?;
                Ok(Self(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}
pub(crate) use string_id;

/// Checks that `s` has `min..=max` characters, counted as Unicode scalar values.
fn check_length(s: &str, min: usize, max: usize) -> Result<(), IdProblem> {
    if s.is_empty() {
        return Err(IdProblem::Empty);
    }
    let actual = s.chars().count();
    if actual < min || actual > max {
        return Err(IdProblem::Length { min, max, actual });
    }
    Ok(())
}

/// Checks every character of `s` against `allowed`, naming the first offender.
fn check_chars(
    s: &str,
    allowed: fn(char) -> bool,
    description: &'static str,
) -> Result<(), IdProblem> {
    match s.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        Some((position, ch)) => Err(IdProblem::Char {
            ch,
            position,
            allowed: description,
        }),
        None => Ok(()),
    }
}
