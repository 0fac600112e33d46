//! Typed access to the fields of an untrusted JSON object, with errors that name the
//! field and what it should have been.

use serde_json::{Map, Value};

use super::DecodeError;
use crate::ids::IdError;

pub(super) type Object = Map<String, Value>;

pub(super) fn as_object(value: &Value) -> Result<&Object, DecodeError> {
    value.as_object().ok_or(DecodeError::NotObject)
}

pub(super) fn opt_str<'a>(
    obj: &'a Object,
    field: &'static str,
) -> Result<Option<&'a str>, DecodeError> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(DecodeError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

pub(super) fn req_str<'a>(obj: &'a Object, field: &'static str) -> Result<&'a str, DecodeError> {
    opt_str(obj, field)?.ok_or(DecodeError::Missing(field))
}

pub(super) fn req_id<T>(
    obj: &Object,
    field: &'static str,
    parse: fn(&str) -> Result<T, IdError>,
) -> Result<T, DecodeError> {
    parse(req_str(obj, field)?).map_err(|error| DecodeError::Id { field, error })
}

pub(super) fn opt_id<T>(
    obj: &Object,
    field: &'static str,
    parse: fn(&str) -> Result<T, IdError>,
) -> Result<Option<T>, DecodeError> {
    opt_str(obj, field)?
        .map(|s| parse(s).map_err(|error| DecodeError::Id { field, error }))
        .transpose()
}

/// A non-negative JSON integer, if present.
pub(super) fn opt_u64(obj: &Object, field: &'static str) -> Result<Option<u64>, DecodeError> {
    match obj.get(field) {
        None => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or(DecodeError::WrongType {
            field,
            expected: "a non-negative integer",
        }),
    }
}

pub(super) fn req_u64(obj: &Object, field: &'static str) -> Result<u64, DecodeError> {
    opt_u64(obj, field)?.ok_or(DecodeError::Missing(field))
}

/// `t`: the sender's clock in Unix ms, a non-negative JSON integer.
pub(super) fn req_time(obj: &Object) -> Result<u64, DecodeError> {
    obj.get("t")
        .ok_or(DecodeError::Missing("t"))?
        .as_u64()
        .ok_or(DecodeError::WrongType {
            field: "t",
            expected: "a non-negative integer (Unix ms)",
        })
}
