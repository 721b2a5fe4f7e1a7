//! The vocabularies of the library. A value's position is its code in the
//! search index's fast fields, so new values are only ever appended.

/// Kinds of resource.
pub const TYPES: &[&str] = &[
    "guide",
    "manual",
    "practice_sheet",
    "comic",
    "poster",
    "booklet",
    "video",
    "audio",
    "play",
    "puppet_show",
    "kit",
    "training_module",
    "pathway",
    "directory",
    "presentation",
    "charter",
    "report",
];
/// Who a resource is for.
pub const AUDIENCES: &[&str] = &["children_8_12", "children_12_15", "youth_15_18", "parents", "professionals"];
/// Languages a resource is written in.
pub const LANGUAGES: &[&str] = &["fr", "ar", "en"];
/// Themes.
pub const THEMES: &[&str] = &["concepts", "pec", "prevention", "wellbeing", "advocacy"];
/// Territories (code 0 in the index means "no territory").
pub const TERRITORIES: &[&str] = &["sale", "kenitra", "skhirat-temara", "rabat"];

/// The code of `value` in `vocabulary`, starting at 1 (0 is "none").
pub fn code(vocabulary: &[&str], value: &str) -> Option<u64> {
    vocabulary.iter().position(|v| *v == value).map(|p| p as u64 + 1)
}

/// The value of a code made by [`code`].
pub fn value(vocabulary: &'static [&'static str], code: u64) -> Option<&'static str> {
    code.checked_sub(1).and_then(|i| vocabulary.get(i as usize)).copied()
}
