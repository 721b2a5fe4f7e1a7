//! The PDF-text child is this very binary: it must start and read a PDF
//! within its own memory limit every time, whatever the allocator reserves.

use sanad_library::extract::Extractor;

#[tokio::test]
async fn the_server_binary_reads_pdf_text_within_its_limits_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fiche.pdf");
    std::fs::write(&path, sanad_library::pdfgen::text_pdf("Fiche", &["Le mot zorblaxique est ici.".to_string()])).unwrap();
    let extractor = Extractor::subcommand(env!("CARGO_BIN_EXE_sanad").into(), "extract-pdf");
    // One start in ten aborted before the fix: thirty in a row all read the text.
    for run in 0..30 {
        let text = extractor.pdf_text(&path).await;
        assert!(text.as_deref().is_some_and(|t| t.contains("zorblaxique")), "run {run}: {text:?}");
    }
}
