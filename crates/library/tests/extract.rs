//! The PDF extractor on broken input: whatever the bytes, the parent gets
//! text or nothing, within its time bound, and never crashes.

use proptest::prelude::*;
use sanad_library::extract::Extractor;
use std::time::{Duration, Instant};

fn extractor() -> Extractor {
    Extractor::program(env!("CARGO_BIN_EXE_sanad-pdf-text").into())
}

fn run(bytes: &[u8]) -> (Option<String>, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.pdf");
    std::fs::write(&path, bytes).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let started = Instant::now();
    let text = rt.block_on(extractor().pdf_text(&path));
    (text, started.elapsed())
}

fn valid_pdf() -> Vec<u8> {
    sanad_library::pdfgen::text_pdf("Fiche pratique", &["Le mot zorblaxique et la prévention des violences.".to_string()])
}

#[test]
fn a_valid_pdf_gives_its_text() {
    let (text, _) = run(&valid_pdf());
    let text = text.expect("text");
    assert!(text.contains("zorblaxique") && text.contains("prévention"), "{text}");
}

#[test]
fn garbage_gives_nothing() {
    for bytes in [&b""[..], b"%PDF-", b"%PDF-1.4\n1 0 obj << /Length 99999999 >> stream\n", b"not a pdf at all"] {
        let (text, took) = run(bytes);
        assert!(text.is_none() || text.as_deref() == Some(""), "{bytes:?} -> {text:?}");
        assert!(took < Duration::from_secs(31));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Flip, cut and splice bytes of a valid PDF: the parent always comes back.
    #[test]
    fn broken_pdfs_never_take_the_parent_down(cuts in proptest::collection::vec((0usize..2000, any::<u8>()), 1..40), truncate in 0usize..2000) {
        let mut bytes = valid_pdf();
        for (at, b) in cuts {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        bytes.truncate(truncate.max(8).min(bytes.len()));
        let (_, took) = run(&bytes);
        prop_assert!(took < Duration::from_secs(31));
    }
}
