//! The fonts embedded in the PDFs Sanad writes (attestations, the library's
//! Arabic documents), once in the binary for every crate that draws text.
//! Amiri (Arabic) and Noto Serif (Latin) are under the SIL Open Font Licence
//! (`crates/platform/fonts/OFL.txt`).

/// Amiri, regular: Arabic script with its joined forms.
pub static AMIRI_REGULAR: &[u8] = include_bytes!("../fonts/Amiri-Regular.ttf");
/// Amiri, bold.
pub static AMIRI_BOLD: &[u8] = include_bytes!("../fonts/Amiri-Bold.ttf");
/// Noto Serif, regular: French and English text.
pub static NOTO_SERIF_REGULAR: &[u8] = include_bytes!("../fonts/NotoSerif-Regular.ttf");
/// Noto Serif, bold.
pub static NOTO_SERIF_BOLD: &[u8] = include_bytes!("../fonts/NotoSerif-Bold.ttf");
