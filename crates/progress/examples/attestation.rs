//! Writes a sample attestation PDF, to look at the layout:
//! `cargo run -p sanad-progress --example attestation -- /tmp/attestation.pdf ["Holder name"] [fr|ar]`
//! (the last argument keeps the course title in that language only).

use chrono::NaiveDate;
use sanad_progress::attestation::{AttestationCode, AttestationDocument, render};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "attestation.pdf".to_owned());
    let holder_name = args.next().unwrap_or_else(|| "Fatima Zahra El Idrissi".to_owned());
    let only = args.next();
    let keep = |language: &str| only.as_deref().is_none_or(|only| only == language);
    let code = AttestationCode::generate();
    let doc = AttestationDocument {
        holder_name,
        course_title_fr: keep("fr")
            .then(|| "Prise en charge des enfants victimes de violence : l'écoute, le signalement et l'orientation".to_owned()),
        course_title_ar: keep("ar").then(|| "التكفل بالأطفال ضحايا العنف: الإصغاء والتبليغ والتوجيه".to_owned()),
        hours: 6,
        completed_on: NaiveDate::from_ymd_opt(2026, 3, 12).expect("a real date"),
        verification_url: format!("https://sanad.example.org/certificates/{code}"),
        code,
    };
    std::fs::write(&path, render(&doc)?)?;
    println!("{path}");
    Ok(())
}
