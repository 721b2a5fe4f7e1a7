//! The fonts embedded in the PDFs Sanad writes (attestations, the library's
//! Arabic documents), once in the binary for every crate that draws text.
//! Amiri (Arabic) and Noto Serif (Latin) are under the SIL Open Font Licence
//! (`crates/platform/fonts/OFL.txt`). [`Face`] and [`shape`] turn text into
//! the glyphs a PDF draws, the same for every document.

use krilla::color::rgb;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};

/// Amiri, regular: Arabic script with its joined forms.
pub static AMIRI_REGULAR: &[u8] = include_bytes!("../fonts/Amiri-Regular.ttf");
/// Amiri, bold.
pub static AMIRI_BOLD: &[u8] = include_bytes!("../fonts/Amiri-Bold.ttf");
/// Noto Serif, regular: French and English text.
pub static NOTO_SERIF_REGULAR: &[u8] = include_bytes!("../fonts/NotoSerif-Regular.ttf");
/// Noto Serif, bold.
pub static NOTO_SERIF_BOLD: &[u8] = include_bytes!("../fonts/NotoSerif-Bold.ttf");

/// An A4 sheet upright (width, height), in points; a landscape page swaps them.
pub const A4: (f32, f32) = (595.28, 841.89);

/// A colour as red, green and blue.
pub type Colour = (u8, u8, u8);
/// Text.
pub const INK: Colour = (0x1e, 0x29, 0x33);
/// Headings, rules and links: the SPA's accent.
pub const ACCENT: Colour = (0x1f, 0x5c, 0x66);
/// What is said in passing.
pub const MUTED: Colour = (0x5b, 0x67, 0x70);

/// Paint `colour`, opaque.
pub fn fill(colour: Colour) -> Fill {
    Fill { paint: rgb::Color::new(colour.0, colour.1, colour.2).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

/// A line `width` points wide in `colour`.
pub fn stroke(colour: Colour, width: f32) -> Stroke {
    Stroke { paint: rgb::Color::new(colour.0, colour.1, colour.2).into(), width, ..Default::default() }
}

/// A font as krilla embeds it and rustybuzz shapes with it.
pub struct Face {
    /// What krilla embeds (and subsets) in the PDF.
    pub pdf: Font,
    /// What rustybuzz shapes with.
    pub shaper: rustybuzz::Face<'static>,
}

impl Face {
    /// One of the fonts above (or any font built into the binary).
    pub fn load(data: &'static [u8]) -> Self {
        Self {
            pdf: Font::new(data.into(), 0).expect("embedded font parses"),
            shaper: rustybuzz::Face::from_slice(data, 0).expect("embedded font parses"),
        }
    }

    /// Whether the font draws `c`.
    pub fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }
}

/// Text shaped in one direction at one size.
pub struct Shaped {
    /// In visual order, each with the byte range of the text it shows.
    pub glyphs: Vec<KrillaGlyph>,
    /// Its advance, in points.
    pub width: f32,
}

/// Shapes `text` (one run of one direction: Arabic letters join, ligatures
/// form) with `face` at `size` points.
pub fn shape(text: &str, rtl: bool, face: &Face, size: f32) -> Shaped {
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl { rustybuzz::Direction::RightToLeft } else { rustybuzz::Direction::LeftToRight });
    buffer.guess_segment_properties();
    let output = rustybuzz::shape(&face.shaper, &[], buffer);
    let units = face.shaper.units_per_em() as f32;

    // A glyph stands for the text from its cluster to the next cluster in
    // logical order (a ligature covers several characters): this is what
    // the PDF's text layer gives back on copy or search.
    let mut starts: Vec<usize> = output.glyph_infos().iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let end_of = |start: usize| match starts.binary_search(&start) {
        Ok(i) => starts.get(i + 1).copied().unwrap_or(text.len()),
        Err(_) => text.len(),
    };

    let mut width = 0.0;
    let glyphs = output
        .glyph_infos()
        .iter()
        .zip(output.glyph_positions())
        .map(|(info, position)| {
            let start = info.cluster as usize;
            let advance = position.x_advance as f32 / units;
            width += advance * size;
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                advance,
                position.x_offset as f32 / units,
                position.y_offset as f32 / units,
                position.y_advance as f32 / units,
                start..end_of(start),
                None,
            )
        })
        .collect();
    Shaped { glyphs, width }
}
