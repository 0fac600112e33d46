//! The `auth` field: how the signing key is tied to the handle.

/// How a signing key is authorized for its handle.
///
/// Only agents exist today: an agent's key and handle both derive from its secret, but
/// the handle hashes the secret, so peers cannot check one against the other; they pin
/// the first key they see per handle instead. A later kind will carry a human's
/// passkey assertion delegating to a per-session key (DESIGN §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Auth {
    Agent,
}

impl Auth {
    /// The `kind` string on the wire.
    pub fn kind(self) -> &'static str {
        match self {
            Auth::Agent => "agent",
        }
    }

    /// The kind for a wire `kind` string; `None` for kinds this version cannot check.
    pub fn from_kind(kind: &str) -> Option<Self> {
        match kind {
            "agent" => Some(Auth::Agent),
            _ => None,
        }
    }
}
