//! The directory of services of each territory (annuaire des acteurs et des
//! services): courts, hospital units, UPE/CAPE, police, associations,
//! shelters, legal aid and psychological support, with how to reach them and
//! when the entry was last checked. Public to read; trainers and admins keep
//! it current by hand, by marking entries verified, or by CSV round trips
//! through a spreadsheet.

pub mod api;
pub mod csv;
pub mod model;
pub mod service;
pub mod store;
pub mod validate;

pub use api::DirectoryApi;
pub use service::Directory;

/// The demo directory of the four territories, loaded into an empty
/// directory when demo content is on (`crates/library/demo/directory.csv`).
pub const DEMO_CSV: &str = include_str!("../../demo/directory.csv");

#[cfg(test)]
mod tests {
    use super::model::ServiceKind;
    use super::validate::{self, Territories};
    use std::collections::HashSet;

    /// The demo file must load, or a fresh instance with demo content would not start.
    #[test]
    fn the_demo_directory_is_valid() {
        let territories = Territories::new(["sale", "kenitra", "skhirat-temara", "rabat"].map(|code| (code.to_string(), Vec::new())));
        let rows = super::csv::parse(super::DEMO_CSV.as_bytes()).expect("demo CSV parses");
        assert!(rows.len() >= 8, "{} rows", rows.len());
        let today = chrono::Utc::now().date_naive();
        let mut identities = HashSet::new();
        let mut kinds = HashSet::new();
        for row in &rows {
            let fields = validate::check(&row.input, &territories, today).unwrap_or_else(|e| panic!("line {}: {e:?}", row.line));
            assert!(identities.insert((fields.territory.clone(), fields.kind, fields.name_key.clone())), "line {} repeats", row.line);
            kinds.insert(fields.kind);
            // Every demo entry reads in Arabic too: each text the French row has.
            let ar = &fields.arabic;
            let arabic = |t: &str| t.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c));
            assert!(arabic(&ar.name) && arabic(&ar.address) && arabic(&ar.hours), "line {}: {ar:?}", row.line);
            assert_eq!(ar.services.len(), fields.services.len(), "line {}: services_ar", row.line);
            assert_eq!(ar.notes.is_empty(), fields.notes.is_empty(), "line {}: notes_ar", row.line);
        }
        assert!(kinds.contains(&ServiceKind::Tribunal) && kinds.contains(&ServiceKind::HospitalUnit), "{kinds:?}");
    }
}
