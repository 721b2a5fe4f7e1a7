//! The starter courses of `courses/`, embedded in the binary so that a fresh
//! instance has them without the source tree (read from disk in debug builds).

use rust_embed::RustEmbed;
use std::collections::BTreeMap;

use crate::folder::Files;

#[derive(RustEmbed)]
#[folder = "../../courses"]
#[allow_missing = true]
struct StarterCourses;

/// Each starter course folder as a map of relative paths to text, in folder order.
pub fn starter_courses() -> Vec<Files> {
    let mut by_course: BTreeMap<String, Files> = BTreeMap::new();
    for path in StarterCourses::iter() {
        let Some((course, rest)) = path.split_once('/') else { continue };
        let Some(file) = StarterCourses::get(&path) else { continue };
        let Ok(text) = String::from_utf8(file.data.into_owned()) else { continue };
        by_course.entry(course.to_string()).or_default().insert(rest.to_string(), text);
    }
    by_course.into_values().filter(|files| files.contains_key("course.toml")).collect()
}
