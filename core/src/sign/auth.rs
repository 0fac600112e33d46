//! The `auth` field: which kind of identity signed, and what it says about its key.
//! Every byte of it steers how peers read the signature, so all of it is signed: the
//! canonical form carries each of its fields as `auth.<name>`, in the order
//! [`Auth::fields`] gives (docs/protocol.md, "Canonical form").

use serde_json::{Map, Value};

use super::SignatureError;
use crate::ids::Handle;

/// How a signing key belongs to its handle.
///
/// Handles are three words of a hash, 2^20 values, so neither kind proves anything by
/// itself: peers pin the first key they see per handle (docs/design.md, "Trust").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Auth {
    /// An agent (`-bot` handle): handle and key both derive from its 32-byte secret.
    Agent,
    /// A person (any other handle): the handle derives from a passkey's credential id.
    Human { key: KeyOrigin },
}

/// Where a person's signing key comes from, so peers can tell whether the same person
/// on another device will show the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyOrigin {
    /// Derived from the passkey's PRF output: the same on every device the passkey
    /// syncs to.
    Passkey,
    /// Made by this device, because the authenticator has no PRF: the person's other
    /// devices sign with other keys.
    Device,
}

impl KeyOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyOrigin::Passkey => "passkey",
            KeyOrigin::Device => "device",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "passkey" => Some(KeyOrigin::Passkey),
            "device" => Some(KeyOrigin::Device),
            _ => None,
        }
    }
}

/// `auth` field names and values, `kind` first.
pub type AuthFields = [(&'static str, &'static str)];

impl Auth {
    /// The `kind` string on the wire.
    pub fn kind(self) -> &'static str {
        match self {
            Auth::Agent => "agent",
            Auth::Human { .. } => "human",
        }
    }

    /// Every field of the `auth` object, in wire and canonical order.
    pub fn fields(self) -> &'static AuthFields {
        match self {
            Auth::Agent => &[("kind", "agent")],
            Auth::Human {
                key: KeyOrigin::Passkey,
            } => &[("kind", "human"), ("key", "passkey")],
            Auth::Human {
                key: KeyOrigin::Device,
            } => &[("kind", "human"), ("key", "device")],
        }
    }

    /// Whether this kind may sign for `handle`: `-bot` handles are agents, every other
    /// handle is a person. A mismatch would let an agent pass for a person.
    pub fn fits(self, handle: &Handle) -> bool {
        handle.is_bot() == (self == Auth::Agent)
    }

    /// Reads an `auth` object: exactly the fields its kind has, nothing else.
    pub fn from_json(value: &Value) -> Result<Self, SignatureError> {
        let obj = value.as_object().ok_or(SignatureError::BadAuth)?;
        let kind = match obj.get("kind") {
            Some(Value::String(kind)) => kind.as_str(),
            _ => return Err(SignatureError::BadAuth),
        };
        let auth = match kind {
            "agent" => Auth::Agent,
            "human" => Auth::Human {
                key: text(obj, "key")
                    .and_then(KeyOrigin::parse)
                    .ok_or(SignatureError::BadAuth)?,
            },
            other => {
                return Err(SignatureError::UnsupportedAuth(
                    other.chars().take(40).collect(),
                ))
            }
        };
        if obj.len() != auth.fields().len() {
            return Err(SignatureError::BadAuth);
        }
        Ok(auth)
    }
}

fn text<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    obj.get(name).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ALL: [Auth; 3] = [
        Auth::Agent,
        Auth::Human {
            key: KeyOrigin::Passkey,
        },
        Auth::Human {
            key: KeyOrigin::Device,
        },
    ];

    #[test]
    fn every_kind_reads_back_from_its_own_fields() {
        for auth in ALL {
            let obj: Map<String, Value> = auth
                .fields()
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
                .collect();
            assert_eq!(Auth::from_json(&Value::Object(obj)), Ok(auth));
            assert_eq!(auth.fields()[0], ("kind", auth.kind()));
        }
    }

    #[test]
    fn extra_missing_or_unknown_fields_are_refused() {
        let bad = [
            json!({"kind": "agent", "key": "passkey"}),
            json!({"kind": "human"}),
            json!({"kind": "human", "key": "usb"}),
            json!({"kind": "human", "key": "passkey", "x": 1}),
            json!({"kind": 1}),
            json!("agent"),
        ];
        for value in bad {
            assert_eq!(
                Auth::from_json(&value),
                Err(SignatureError::BadAuth),
                "{value}"
            );
        }
        assert_eq!(
            Auth::from_json(&json!({"kind": "webauthn"})),
            Err(SignatureError::UnsupportedAuth("webauthn".into()))
        );
    }

    #[test]
    fn bot_handles_are_agents_and_every_other_handle_is_a_person() {
        let bot = Handle::parse("soft-lilac-tower-bot").unwrap();
        let person = Handle::parse("new-misty-mouse").unwrap();
        let human = ALL[1];
        assert!(Auth::Agent.fits(&bot) && !Auth::Agent.fits(&person));
        assert!(human.fits(&person) && !human.fits(&bot));
    }
}
