//! Keyset pagination: opaque cursors and the `limit` rule shared by every list.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::Error;

/// Default page size when `?limit=` is absent.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page a client may ask for.
pub const MAX_LIMIT: u32 = 100;

/// Checks `?limit=`: absent means the default; 1..=100 otherwise.
pub fn limit(requested: Option<u32>) -> Result<u32, Error> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(Error::invalid("limit", "out_of_range", "must be between 1 and 100")),
    }
}

/// Encodes the id of the last row of a page as an opaque cursor.
pub fn encode_cursor(last: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(last.as_bytes())
}

/// Decodes a cursor made by [`encode_cursor`]; anything else is a field error.
pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<Uuid>, Error> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| Error::invalid("cursor", "invalid_format", "is not a cursor from this list"))?;
    let bytes: [u8; 16] = bytes.try_into().map_err(|_| Error::invalid("cursor", "invalid_format", "is not a cursor from this list"))?;
    Ok(Some(Uuid::from_bytes(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = crate::ids::new_id();
        assert_eq!(decode_cursor(Some(&encode_cursor(id))).unwrap(), Some(id));
        assert_eq!(decode_cursor(None).unwrap(), None);
        assert!(decode_cursor(Some("%%%")).is_err());
        assert!(decode_cursor(Some("YWJj")).is_err());
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
        assert_eq!(limit(None).unwrap(), 20);
    }
}
