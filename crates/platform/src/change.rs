//! What a partial update (`PATCH`) asks of one optional field: keep it,
//! clear it, or set it. Services take [`Change`]; the API's
//! `MaybeUndefined` (absent / `null` / a value) becomes one at the edge.

use poem_openapi::types::MaybeUndefined;

/// The change a partial update asks of one optional field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Change<T> {
    /// The field was left out: the stored value stays.
    #[default]
    Keep,
    /// The field was `null`: the stored value goes.
    Clear,
    /// The field holds a new value.
    Set(T),
}

impl<T> Change<T> {
    /// The value after the change, given the `current` one.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Change::Keep => current,
            Change::Clear => None,
            Change::Set(v) => Some(v),
        }
    }

    /// The same change with the new value converted.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Change<U> {
        match self {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(v) => Change::Set(f(v)),
        }
    }
}

/// Absent keeps, `null` clears, a value sets (converted, e.g. `Text` to `String`).
impl<T, U: From<T>> From<MaybeUndefined<T>> for Change<U> {
    fn from(value: MaybeUndefined<T>) -> Self {
        match value {
            MaybeUndefined::Undefined => Change::Keep,
            MaybeUndefined::Null => Change::Clear,
            MaybeUndefined::Value(v) => Change::Set(v.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_keeps_null_clears_a_value_sets() {
        assert_eq!(Change::<String>::from(MaybeUndefined::<&str>::Undefined).apply(Some("old".into())).as_deref(), Some("old"));
        assert_eq!(Change::<String>::from(MaybeUndefined::<&str>::Null).apply(Some("old".into())), None);
        assert_eq!(Change::<String>::from(MaybeUndefined::Value("new")).apply(Some("old".into())).as_deref(), Some("new"));
        assert_eq!(Change::Set(2).map(|n| n * 2), Change::Set(4));
    }
}
