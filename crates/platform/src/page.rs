//! Keyset pagination, the one way every list pages: the `limit` rule, opaque
//! cursors and cutting a page from its rows.
//!
//! A list fetches [`fetch_limit`] rows (one more than it shows, to know
//! whether a next page exists) after the cursor's key, then
//! [`Page::from_rows`] keeps `limit` of them and names the last one's key as
//! the next cursor. Keys are the list's sort order ending in a unique id:
//! a bare UUID v7 ([`encode_cursor`]) or any serializable tuple
//! ([`encode_key`]: search `(score, doc)`, directory `(territory, kind,
//! name, id)`). Cursors are opaque to clients; a cursor that does not decode
//! is a 400 naming the field `cursor`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::{Error, FieldCode};

/// Default page size when `?limit=` is absent.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page a client may ask for.
pub const MAX_LIMIT: u32 = 100;
/// The format of [`encode_key`] cursors: its first byte. A change of format
/// takes the next number, so a cursor from before is refused, not misread.
const KEY_CURSOR_V1: u8 = 1;

/// Checks `?limit=`: absent means the default; 1..=100 otherwise.
pub fn limit(requested: Option<u32>) -> Result<u32, Error> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) => checked(n),
    }
}

/// Checks `?limit=` of a list that answered whole before it was paged, and
/// still does when the client asks for no page (no `limit`, no `cursor`), so
/// clients written before paging keep seeing every row. `None`: the whole
/// list. A cursor without a limit pages by [`DEFAULT_LIMIT`].
pub fn optional_limit(requested: Option<u32>, cursor: Option<&str>) -> Result<Option<u32>, Error> {
    match (requested, cursor.filter(|c| !c.is_empty())) {
        (None, None) => Ok(None),
        (None, Some(_)) => Ok(Some(DEFAULT_LIMIT)),
        (Some(n), _) => checked(n).map(Some),
    }
}

fn checked(n: u32) -> Result<u32, Error> {
    if (1..=MAX_LIMIT).contains(&n) { Ok(n) } else { Err(Error::invalid("limit", FieldCode::OutOfRange, "must be between 1 and 100")) }
}

/// How many rows to fetch for a page of `limit`: one more, which tells
/// whether a next page exists.
pub fn fetch_limit(limit: u32) -> i64 {
    i64::from(limit) + 1
}

fn bad_cursor() -> Error {
    Error::invalid("cursor", FieldCode::InvalidFormat, "is not a cursor from this list")
}

/// Encodes the id of the last row of a page as an opaque cursor (lists in
/// UUID v7 order).
pub fn encode_cursor(last: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(last.as_bytes())
}

/// Decodes a cursor made by [`encode_cursor`]; anything else is a field error.
pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<Uuid>, Error> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    let bytes: [u8; 16] = bytes.try_into().map_err(|_| bad_cursor())?;
    Ok(Some(Uuid::from_bytes(bytes)))
}

/// Encodes the sort key of the last row of a page (any serializable value,
/// usually a tuple ending in the row's id) as an opaque, versioned cursor:
/// base64url of a format byte and the key as JSON. Floats are best passed
/// as their bits (`f32::to_bits`) so the key comes back exactly.
pub fn encode_key<K: Serialize>(key: &K) -> String {
    let mut bytes = vec![KEY_CURSOR_V1];
    // A key of plain values always serializes; an empty cursor would only
    // restart the list.
    serde_json::to_writer(&mut bytes, key).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a cursor made by [`encode_key`] for a key of type `K`; a cursor
/// of another format, list or key type is a field error.
pub fn decode_key<K: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<K>, Error> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    match bytes.split_first() {
        Some((&KEY_CURSOR_V1, json)) => serde_json::from_slice(json).map(Some).map_err(|_| bad_cursor()),
        _ => Err(bad_cursor()),
    }
}

/// One page of a list: its rows and the cursor of the next page (`None` on
/// the last page). Services turn it into their documented `{items, next_cursor}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows of this page, in list order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` when this page is the last.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page of `rows` fetched with [`fetch_limit`]`(limit)`: a row past
    /// `limit` means there is a next page, starting after the last row kept,
    /// whose cursor `cursor_of` makes.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, cursor_of: impl FnOnce(&T) -> String) -> Self {
        let limit = limit as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(cursor_of)
        } else {
            None
        };
        Page { items: rows, next_cursor }
    }

    /// The page of a whole list held in memory, for lists that are small and
    /// fetched whole (ordered in Rust, not SQL): the rows whose `key` comes
    /// after `after` in ascending key order, `limit` of them (all with
    /// `None`). `rows` must be sorted by `key`; the next cursor is the last
    /// kept row's key, encoded by `cursor_of`.
    pub fn from_sorted<K: Ord>(
        rows: Vec<T>,
        key: impl Fn(&T) -> K,
        after: Option<&K>,
        limit: Option<u32>,
        cursor_of: impl FnOnce(&T) -> String,
    ) -> Self {
        let rest: Vec<T> = match after {
            Some(after) => rows.into_iter().filter(|r| key(r) > *after).collect(),
            None => rows,
        };
        match limit {
            Some(limit) => Self::from_rows(rest, limit, cursor_of),
            None => Page { items: rest, next_cursor: None },
        }
    }

    /// The same page with each row turned into `f(row)`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
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

    #[test]
    fn key_cursors_round_trip_exactly() {
        let id = crate::ids::new_id();
        let key = (0.1f32.to_bits(), 42u64);
        assert_eq!(decode_key::<(u32, u64)>(Some(&encode_key(&key))).unwrap(), Some(key));
        let named = ("sale".to_string(), "ecoute".to_string(), id);
        assert_eq!(decode_key::<(String, String, Uuid)>(Some(&encode_key(&named))).unwrap(), Some(named));
        assert_eq!(decode_key::<(u32, u64)>(None).unwrap(), None);
        assert_eq!(decode_key::<(u32, u64)>(Some("")).unwrap(), None);
    }

    #[test]
    fn garbage_key_cursors_are_a_cursor_field_error() {
        let refused = |c: &str| match decode_key::<(u32, u64)>(Some(c)) {
            Err(Error::Invalid(errors)) => errors.len() == 1 && errors[0].field == "cursor",
            _ => false,
        };
        assert!(refused("%%%"));
        assert!(refused("YWJj"));
        // A UUID cursor, another list's key, another format version.
        assert!(refused(&encode_cursor(crate::ids::new_id())));
        assert!(refused(&encode_key(&("sale", 3))));
        assert!(refused(&URL_SAFE_NO_PAD.encode(b"\x02[1,2]")));
    }

    #[test]
    fn a_page_keeps_limit_rows_and_names_the_last() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |last| last.to_string());
        assert_eq!(page, Page { items: vec![1, 2], next_cursor: Some("2".into()) });
        let last = Page::from_rows(vec![1, 2], 2, |last| last.to_string());
        assert_eq!(last, Page { items: vec![1, 2], next_cursor: None });
        assert_eq!(last.map(|n| n * 10).items, vec![10, 20]);
        assert_eq!(fetch_limit(20), 21);
    }

    #[test]
    fn a_sorted_list_pages_after_its_key() {
        let rows = vec![1, 3, 5, 7];
        let first = Page::from_sorted(rows.clone(), |r| *r, None, Some(2), |r| r.to_string());
        assert_eq!(first, Page { items: vec![1, 3], next_cursor: Some("3".into()) });
        let second = Page::from_sorted(rows.clone(), |r| *r, Some(&3), Some(2), |r| r.to_string());
        assert_eq!(second, Page { items: vec![5, 7], next_cursor: None });
        // The cursor's row gone: the page still starts after its key.
        let gone = Page::from_sorted(vec![1, 5, 7], |r| *r, Some(&3), Some(2), |r| r.to_string());
        assert_eq!(gone.items, vec![5, 7]);
        assert_eq!(Page::from_sorted(rows, |r| *r, None, None, |r| r.to_string()).items.len(), 4);
        assert_eq!(optional_limit(None, None).unwrap(), None);
        assert_eq!(optional_limit(None, Some("x")).unwrap(), Some(20));
        assert!(optional_limit(Some(0), None).is_err());
    }
}
