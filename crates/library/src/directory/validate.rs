//! The rules a service's fields must satisfy, whether typed in the SPA or read
//! from a CSV row, and the derived values stored beside them (folded name and
//! search text) or computed for display (tap-to-call link, staleness).

use chrono::{Months, NaiveDate};
use sanad_platform::FieldCode;
use sanad_platform::FieldError;
pub use sanad_platform::folding::fold;
use std::collections::HashMap;

use super::model::{ArabicTexts, ServiceFields, ServiceInput, ServiceKind};

/// Longest name, address, hours text or single service.
const MAX_LINE: usize = 200;
/// Longest address.
const MAX_ADDRESS: usize = 400;
/// Longest phone text (several numbers allowed).
const MAX_PHONE: usize = 80;
/// Longest notes.
const MAX_NOTES: usize = 2000;
/// Most services per entry.
const MAX_SERVICES: usize = 30;

/// The text `?q=` searches: name, services and address, in French and in
/// Arabic, folded (Arabic diacritics, hamza and alef forms, taa marbuta and
/// alef maqsura written one way, as the library's analyzers do).
pub fn search_text(fields: &ServiceFields) -> String {
    let a = &fields.arabic;
    fold(&format!("{} {} {} {} {} {}", fields.name, fields.services.join(" "), fields.address, a.name, a.services.join(" "), a.address))
}

/// The known territories, found by code or by name in any language
/// (`Salé`, `sale`, `سلا`), folded.
#[derive(Clone, Debug, Default)]
pub struct Territories {
    by_folded: HashMap<String, String>,
    codes: Vec<String>,
}

impl Territories {
    /// From `(code, names...)` rows in display order.
    pub fn new(rows: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        let mut t = Territories::default();
        for (code, names) in rows {
            for name in names.iter().chain(std::iter::once(&code)) {
                t.by_folded.entry(fold(name)).or_insert_with(|| code.clone());
            }
            t.codes.push(code);
        }
        t
    }

    /// The code `typed` names, if any.
    pub fn resolve(&self, typed: &str) -> Option<&str> {
        self.by_folded.get(&fold(typed)).map(String::as_str)
    }

    /// The codes, for error messages.
    pub fn list(&self) -> String {
        self.codes.join(", ")
    }
}

/// Parses a verification date: ISO `YYYY-MM-DD`, or `DD/MM/YYYY` because
/// spreadsheets in a French locale rewrite ISO dates that way on save.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y")).ok()
}

/// Whether an entry verified on `verified_at` is more than twelve months old on `today`.
pub fn is_stale(verified_at: NaiveDate, today: NaiveDate) -> bool {
    today.checked_sub_months(Months::new(12)).is_some_and(|limit| verified_at < limit)
}

/// The `tel:` link of the first number in `phone`: digits with a leading `+`.
/// Moroccan national numbers (`05 37 ...`, ten digits) become `+212 5 37 ...`
/// and `00` becomes `+`, so the link works from any phone, including one
/// roaming on a foreign network.
pub fn phone_uri(phone: &str) -> Option<String> {
    let first = phone.split(['/', ',', ';']).map(str::trim).find(|p| p.chars().any(|c| c.is_ascii_digit()))?;
    let digits: String = first.chars().filter(char::is_ascii_digit).collect();
    let number = if first.starts_with('+') {
        format!("+{digits}")
    } else if let Some(rest) = digits.strip_prefix("00").filter(|r| r.len() > 4) {
        format!("+{rest}")
    } else if digits.len() == 10 && digits.starts_with('0') {
        format!("+212{}", &digits[1..])
    } else {
        digits
    };
    Some(format!("tel:{number}"))
}

/// Trims and joins the lines of a one-line field (an address pasted with its
/// line breaks is still one address).
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_length(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) {
    if value.chars().count() > max {
        errors.push(FieldError::new(field, FieldCode::TooLong, format!("must be at most {max} characters")));
    }
}

fn check_controls(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    if value.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(FieldError::new(field, FieldCode::ControlCharacters, "must not contain control characters"));
    }
}

/// Checks `input` against the rules; every offending field is named, with a
/// message that reads after the field's name (`kind "hopital" is not one of ...`).
pub fn check(input: &ServiceInput, territories: &Territories, today: NaiveDate) -> Result<ServiceFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let territory = check_territory(&input.territory, territories, &mut errors);
    let kind = check_kind(&input.kind, &mut errors);
    let name = one_line(&input.name);
    let name_key = fold(&name);
    check_name(&name, &name_key, &mut errors);
    let address = one_line(&input.address);
    check_line("address", &address, MAX_ADDRESS, &mut errors);
    let phone = one_line(&input.phone);
    check_phone(&phone, &mut errors);
    let hours = one_line(&input.hours);
    check_line("hours", &hours, MAX_LINE, &mut errors);
    let services = check_services(&input.services, &mut errors);
    // Notes keep their line breaks; only Windows line ends are normalised.
    let notes = input.notes.replace("\r\n", "\n").trim().to_string();
    check_line("notes", &notes, MAX_NOTES, &mut errors);
    let arabic = check_arabic(&input.arabic, &mut errors);
    let verified_at = check_date(input.verified_at.as_deref(), today, &mut errors);
    match kind {
        Some(kind) if errors.is_empty() => {
            Ok(ServiceFields { territory, kind, name, name_key, address, phone, hours, services, notes, arabic, verified_at })
        }
        _ => Err(errors),
    }
}

/// The Arabic texts, by the rules of the French ones (fields `name_ar` ...).
fn check_arabic(typed: &ArabicTexts, errors: &mut Vec<FieldError>) -> ArabicTexts {
    let name = one_line(&typed.name);
    check_line("name_ar", &name, MAX_LINE, errors);
    let address = one_line(&typed.address);
    check_line("address_ar", &address, MAX_ADDRESS, errors);
    let hours = one_line(&typed.hours);
    check_line("hours_ar", &hours, MAX_LINE, errors);
    let mut service_errors = Vec::new();
    let services = check_services(&typed.services, &mut service_errors);
    errors.extend(service_errors.into_iter().map(|e| FieldError { field: "services_ar".into(), ..e }));
    let notes = typed.notes.replace("\r\n", "\n").trim().to_string();
    check_line("notes_ar", &notes, MAX_NOTES, errors);
    ArabicTexts { name, address, hours, services, notes }
}

/// A text field's length and characters.
fn check_line(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) {
    check_length(field, value, max, errors);
    check_controls(field, value, errors);
}

/// The code of the typed territory (empty when there is none).
fn check_territory(typed: &str, territories: &Territories, errors: &mut Vec<FieldError>) -> String {
    let typed = typed.trim();
    if typed.is_empty() {
        errors.push(FieldError::new("territory", FieldCode::Required, "must not be empty"));
        return String::new();
    }
    match territories.resolve(typed) {
        Some(code) => code.to_string(),
        None => {
            errors.push(FieldError::new("territory", FieldCode::UnknownValue, format!("{typed:?} is not one of {}", territories.list())));
            String::new()
        }
    }
}

fn check_kind(typed: &str, errors: &mut Vec<FieldError>) -> Option<ServiceKind> {
    let typed = typed.trim();
    if typed.is_empty() {
        errors.push(FieldError::new("kind", FieldCode::Required, "must not be empty"));
        return None;
    }
    let kind = ServiceKind::parse_lenient(typed);
    if kind.is_none() {
        errors.push(FieldError::new("kind", FieldCode::UnknownValue, format!("{typed:?} is not one of {}", ServiceKind::list())));
    }
    kind
}

/// A name must have letters or digits: its folded form is its identity.
fn check_name(name: &str, name_key: &str, errors: &mut Vec<FieldError>) {
    if name.is_empty() {
        errors.push(FieldError::new("name", FieldCode::Required, "must not be empty"));
    } else if name_key.is_empty() {
        errors.push(FieldError::new("name", FieldCode::InvalidFormat, "must contain letters or digits"));
    }
    check_line("name", name, MAX_LINE, errors);
}

/// Digits and the punctuation numbers are written with; empty is allowed.
fn check_phone(phone: &str, errors: &mut Vec<FieldError>) {
    if phone.is_empty() {
        return;
    }
    if let Some(bad) = phone.chars().find(|c| !(c.is_ascii_digit() || " +-.()/,;".contains(*c))) {
        errors.push(FieldError::new(
            "phone",
            FieldCode::InvalidFormat,
            format!("{phone:?} has {bad:?}; use digits, spaces and + - . ( ), several numbers separated by /"),
        ));
    } else if !phone.chars().any(|c| c.is_ascii_digit()) {
        errors.push(FieldError::new("phone", FieldCode::InvalidFormat, format!("{phone:?} has no digits")));
    }
    check_length("phone", phone, MAX_PHONE, errors);
}

/// The services, each on one line, blanks dropped.
fn check_services(typed: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let services: Vec<String> = typed.iter().map(|s| one_line(s)).filter(|s| !s.is_empty()).collect();
    if services.len() > MAX_SERVICES {
        errors.push(FieldError::new("services", FieldCode::TooLong, format!("must list at most {MAX_SERVICES} services")));
    }
    for s in &services {
        if s.contains('/') {
            // "/" separates services in the CSV; one inside a service would split it on the next import.
            errors.push(FieldError::new(
                "services",
                FieldCode::InvalidFormat,
                format!("{s:?} must not contain \"/\"; list it as two services"),
            ));
        }
        check_line("services", s, MAX_LINE, errors);
    }
    services
}

/// The verification date, if one was typed: a real date, not in the future.
fn check_date(typed: Option<&str>, today: NaiveDate, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let typed = typed.map(str::trim).filter(|s| !s.is_empty())?;
    match parse_date(typed) {
        None => {
            errors.push(FieldError::new("verified_at", FieldCode::InvalidFormat, format!("{typed:?} is not a date like 2025-03-31")));
            None
        }
        Some(d) if d > today => {
            errors.push(FieldError::new("verified_at", FieldCode::OutOfRange, format!("{typed:?} is in the future")));
            None
        }
        Some(d) => Some(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn territories() -> Territories {
        Territories::new([
            ("sale".to_string(), vec!["Salé".to_string(), "سلا".to_string()]),
            ("kenitra".to_string(), vec!["Kénitra".to_string()]),
            ("skhirat-temara".to_string(), vec!["Skhirat-Témara".to_string()]),
            ("rabat".to_string(), vec!["Rabat".to_string()]),
        ])
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn input() -> ServiceInput {
        ServiceInput {
            territory: "Salé".into(),
            kind: "Hospital-Unit".into(),
            name: "  Unité   hospitalière\n de Salé ".into(),
            phone: "05 37 00 00 01 / 0600000000".into(),
            services: vec!["écoute".into(), " ".into(), "certificat médical".into()],
            verified_at: Some("15/03/2025".into()),
            ..ServiceInput::default()
        }
    }

    #[test]
    fn a_good_input_is_normalised() {
        let f = check(&input(), &territories(), today()).unwrap();
        assert_eq!(f.territory, "sale");
        assert_eq!(f.kind, ServiceKind::HospitalUnit);
        assert_eq!(f.name, "Unité hospitalière de Salé");
        assert_eq!(f.name_key, "unite hospitaliere de sale");
        assert_eq!(f.services, vec!["écoute", "certificat médical"]);
        assert_eq!(f.verified_at, NaiveDate::from_ymd_opt(2025, 3, 15));
        assert!(search_text(&f).contains("certificat medical"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ServiceInput {
            territory: "casablanca".into(),
            kind: "hopital".into(),
            name: " ".into(),
            phone: "05 37 AB".into(),
            verified_at: Some("31/02/2025".into()),
            ..ServiceInput::default()
        };
        let errors = check(&bad, &territories(), today()).unwrap_err();
        let fields: Vec<(&str, FieldCode)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("territory", FieldCode::UnknownValue),
                ("kind", FieldCode::UnknownValue),
                ("name", FieldCode::Required),
                ("phone", FieldCode::InvalidFormat),
                ("verified_at", FieldCode::InvalidFormat)
            ]
        );
        assert!(errors[1].message.starts_with("\"hopital\" is not one of tribunal, hospital_unit"), "{}", errors[1].message);
        let future = ServiceInput { verified_at: Some("2025-06-02".into()), ..input() };
        assert_eq!(check(&future, &territories(), today()).unwrap_err()[0].code, FieldCode::OutOfRange);
        let slash = ServiceInput { services: vec!["écoute/orientation".into()], ..input() };
        assert_eq!(check(&slash, &territories(), today()).unwrap_err()[0].field, "services");
        let dashes = ServiceInput { name: "---".into(), ..input() };
        assert_eq!(check(&dashes, &territories(), today()).unwrap_err()[0].code, FieldCode::InvalidFormat);
    }

    #[test]
    fn tap_to_call_links() {
        assert_eq!(phone_uri("+212 5 00-00-01-01").as_deref(), Some("tel:+212500000101"));
        assert_eq!(phone_uri("05 37 00 00 01 / 0600000000").as_deref(), Some("tel:+212537000001"));
        assert_eq!(phone_uri("00212 537 000 001").as_deref(), Some("tel:+212537000001"));
        assert_eq!(phone_uri("19").as_deref(), Some("tel:19"));
        assert_eq!(phone_uri(""), None);
        assert_eq!(phone_uri(" / "), None);
    }

    #[test]
    fn staleness_is_twelve_months() {
        let today = today();
        assert!(!is_stale(NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(), today));
        assert!(is_stale(NaiveDate::from_ymd_opt(2024, 5, 31).unwrap(), today));
    }
}
