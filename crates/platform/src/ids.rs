//! Identifiers: UUID v7 everywhere, so ids sort by creation time and keyset
//! cursors can page on them alone.

use uuid::Uuid;

/// A new time-ordered identifier.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
