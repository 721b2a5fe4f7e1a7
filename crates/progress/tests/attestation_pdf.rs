//! The attestation PDF as a reader sees it: rasterised by poppler's
//! `pdftoppm` (not blank, ink in both halves) and read back by `pdftotext`
//! (the name, the code and the Arabic title's words come back as letters,
//! which needs correctly shaped glyphs mapped to their text).
//!
//! Needs poppler-utils; without `pdftoppm` the test says so and passes
//! (CI installs poppler-utils).

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use sanad_progress::attestation::{AttestationCode, AttestationDocument, render};

const TITLE_AR: &str = "التكفل بالأطفال ضحايا العنف: الإصغاء والتبليغ والتوجيه";

fn document(holder_name: &str) -> AttestationDocument {
    let code = AttestationCode::generate();
    AttestationDocument {
        holder_name: holder_name.to_owned(),
        course_title_fr: Some("Prise en charge des enfants victimes de violence : l'écoute, le signalement et l'orientation".to_owned()),
        course_title_ar: Some(TITLE_AR.to_owned()),
        hours: 6,
        completed_on: NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
        verification_url: format!("https://sanad.example.org/certificates/{code}"),
        code,
    }
}

fn poppler_missing() -> bool {
    let missing = Command::new("pdftoppm").arg("-v").output().is_err();
    if missing {
        eprintln!("SKIPPED: pdftoppm not found; install poppler-utils to check the attestation PDF");
    }
    missing
}

/// Page 1 as 8-bit grey pixels (PGM from `pdftoppm -gray`): (width, height, pixels).
fn rasterise(pdf: &Path) -> (usize, usize, Vec<u8>) {
    let out = pdf.with_extension("");
    let status =
        Command::new("pdftoppm").args(["-gray", "-r", "50", "-f", "1", "-l", "1", "-singlefile"]).arg(pdf).arg(&out).status().unwrap();
    assert!(status.success(), "pdftoppm failed");
    let pgm = std::fs::read(out.with_extension("pgm")).unwrap();
    // "P5\n<width> <height>\n<maxval>\n" then one byte a pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(pgm[start..at].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = pgm[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height);
    (width, height, pixels)
}

fn text_of(pdf: &Path) -> String {
    let output = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_attestation_is_a_landscape_page_with_ink_in_both_halves_and_readable_text() {
    if poppler_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = document("Fatima-Zahra El Idrissi");
    let pdf = dir.path().join("attestation.pdf");
    std::fs::write(&pdf, render(&doc).unwrap()).unwrap();

    let (width, height, pixels) = rasterise(&pdf);
    assert!(width > height, "landscape: {width}x{height}");
    let dark = |x0: usize, x1: usize| {
        (0..height).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| pixels[y * width + x] < 160).count()
    };
    let total = dark(0, width);
    assert!(total > width * height / 100, "almost blank: {total} dark pixels");
    assert!(total < width * height / 3, "mostly dark: {total} dark pixels");
    // Text in the French (left) and the Arabic (right) column, not only the frame.
    let (left, right) = (dark(width / 10, width * 4 / 10), dark(width * 6 / 10, width * 9 / 10));
    assert!(left > total / 10 && right > total / 10, "left {left}, right {right}, total {total}");

    let text = text_of(&pdf);
    for expected in ["Attestation de formation", "Fatima-Zahra El Idrissi", doc.code.as_str(), "12 mars 2026"] {
        assert!(text.contains(expected), "{expected:?} not in the text layer:\n{text}");
    }
    // Arabic comes back as logical letters, word by word (lines may wrap
    // between words; pdftotext wraps right-to-left runs in embedding marks).
    let arabic_words = TITLE_AR.split_whitespace().chain("شهادة تكوين".split_whitespace());
    for word in arabic_words.map(|w| w.trim_matches(|c| c == ':' || c == '«' || c == '»')) {
        assert!(text.contains(word), "{word:?} not in the text layer:\n{text}");
    }
}

#[test]
fn an_arabic_name_reads_back_from_both_halves() {
    if poppler_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("attestation.pdf");
    std::fs::write(&pdf, render(&document("محمد أمين الإدريسي")).unwrap()).unwrap();
    let text = text_of(&pdf);
    assert_eq!(text.matches("محمد أمين الإدريسي").count(), 2, "{text}");
}
