//! The signature fields of an envelope in JSON: `pk`, `auth` and `sig`, which come
//! together or not at all.

use super::fields::{opt_str, Object};
use super::DecodeError;
use crate::sign::{Auth, Seal, SignatureError};

const NAMES: [&str; 3] = ["sig", "pk", "auth"];

/// Whether the object carries any signature field (complete or not).
pub(super) fn present(obj: &Object) -> bool {
    NAMES.iter().any(|name| obj.contains_key(*name))
}

/// All three absent (unsigned), or all present and well formed.
pub(super) fn parse(obj: &Object) -> Result<Option<Seal>, DecodeError> {
    let sig = opt_str(obj, "sig")?;
    let pk = opt_str(obj, "pk")?;
    let auth = obj.get("auth");
    let (sig, pk, auth) = match (sig, pk, auth) {
        (None, None, None) => return Ok(None),
        (Some(sig), Some(pk), Some(auth)) => (sig, pk, auth),
        (None, _, _) => return Err(SignatureError::Incomplete { missing: "sig" }.into()),
        (_, None, _) => return Err(SignatureError::Incomplete { missing: "pk" }.into()),
        (_, _, None) => return Err(SignatureError::Incomplete { missing: "auth" }.into()),
    };
    Ok(Some(Seal::from_wire(pk, sig, Auth::from_json(auth)?)?))
}
