//! Arabic PDFs for the demo library: A4 pages of right-to-left text in
//! Amiri (embedded and subset, SIL Open Font License, `crates/platform/fonts/OFL.txt`, `sanad_platform::fonts`),
//! through the same steps as the attestations: the Unicode bidi algorithm
//! cuts each line into directional runs (digits and Latin words inside
//! Arabic read the right way), rustybuzz shapes each run so that letters
//! join, and krilla writes the glyphs with their text, so readers and the
//! library's extractor find the words. Glyphs are placed where the visual
//! order puts them but written in reading order (cluster by cluster, right
//! to left within an Arabic run), so that extractors that follow the
//! content stream, as the library's does, read the words forwards.

use std::sync::LazyLock;

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::KrillaGlyph;
use sanad_platform::print::{self, ACCENT, Face, INK, Shaped, fill};
use unicode_bidi::{BidiInfo, Level};

/// A4 portrait, in points.
const PAGE_WIDTH: f32 = print::A4.0;
const PAGE_HEIGHT: f32 = print::A4.1;
const MARGIN: f32 = 56.0;
const TITLE_SIZE: f32 = 20.0;
const BODY_SIZE: f32 = 14.0;
/// Baseline to baseline, as a multiple of the size (Amiri's marks sit high and low).
const LEADING: f32 = 1.9;

static REGULAR: LazyLock<Face> = LazyLock::new(|| Face::load(print::AMIRI_REGULAR));
static BOLD: LazyLock<Face> = LazyLock::new(|| Face::load(print::AMIRI_BOLD));

/// One directional run of a line, shaped.
struct Run {
    text: String,
    /// Where the run starts in the line's text: its place in reading order.
    start: usize,
    rtl: bool,
    /// In visual order (left to right).
    glyphs: Vec<KrillaGlyph>,
    width: f32,
}

impl Run {
    /// The glyphs in reading order, each piece with its distance from the
    /// run's left end: a left-to-right run whole (one piece keeps extractors
    /// from seeing gaps between its letters), a right-to-left one cluster by
    /// cluster from its right end.
    fn pieces(&self, size: f32) -> Vec<(f32, &[KrillaGlyph])> {
        if !self.rtl {
            return vec![(0.0, &self.glyphs[..])];
        }
        let mut out = Vec::new();
        let (mut x, mut first, mut first_x) = (0.0, 0, 0.0);
        for (i, g) in self.glyphs.iter().enumerate() {
            if i > first && g.text_range != self.glyphs[first].text_range {
                out.push((first_x, &self.glyphs[first..i]));
                (first, first_x) = (i, x);
            }
            x += g.x_advance * size;
        }
        if first < self.glyphs.len() {
            out.push((first_x, &self.glyphs[first..]));
        }
        out.reverse();
        out
    }
}

/// A line of text, its runs in visual order (left to right on the page).
struct Line {
    runs: Vec<Run>,
    width: f32,
    size: f32,
    face: &'static Face,
}

impl Line {
    /// Shapes `text` as one line of a right-to-left paragraph.
    fn shape(text: &str, face: &'static Face, size: f32) -> Line {
        let bidi = BidiInfo::new(text, Some(Level::rtl()));
        let mut runs = Vec::new();
        for paragraph in &bidi.paragraphs {
            let (levels, visual) = bidi.visual_runs(paragraph, paragraph.range.clone());
            for range in visual {
                let rtl = levels[range.start].is_rtl();
                let start = range.start;
                runs.push(Run { start, ..shape_run(&text[range], rtl, face, size) });
            }
        }
        Line { width: runs.iter().map(|r| r.width).sum(), runs, size, face }
    }

    /// Draws the line with its right end at `right`, on the baseline `y`.
    fn draw(&self, surface: &mut Surface, right: f32, y: f32) {
        let mut lefts = Vec::with_capacity(self.runs.len());
        let mut x = right - self.width;
        for run in &self.runs {
            lefts.push(x);
            x += run.width;
        }
        let mut reading: Vec<usize> = (0..self.runs.len()).collect();
        reading.sort_by_key(|i| self.runs[*i].start);
        for i in reading {
            let run = &self.runs[i];
            for (offset, glyphs) in run.pieces(self.size) {
                let at = Point::from_xy(lefts[i] + offset, y);
                surface.draw_glyphs(at, glyphs, self.face.pdf.clone(), &run.text, self.size, false);
            }
        }
    }
}

/// Shapes one run in one direction; each glyph keeps the byte range of the
/// text it shows (its cluster), which krilla writes for text extraction.
fn shape_run(text: &str, rtl: bool, face: &'static Face, size: f32) -> Run {
    let Shaped { glyphs, width } = print::shape(text, rtl, face, size);
    Run { text: text.to_owned(), start: 0, rtl, glyphs, width }
}

/// The lines of a paragraph no wider than `width`, cut between words (each
/// word measured once, shaped alone: Arabic letters join within words only).
fn wrap(paragraph: &str, face: &'static Face, size: f32, width: f32) -> Vec<Line> {
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    let space = Line::shape(" ", face, size).width;
    let mut lines = Vec::new();
    let (mut first, mut line_width) = (0, 0.0);
    for (i, word) in words.iter().enumerate() {
        let word_width = Line::shape(word, face, size).width;
        if i > first && line_width + space + word_width > width {
            lines.push(Line::shape(&words[first..i].join(" "), face, size));
            (first, line_width) = (i, word_width);
        } else if i == first {
            line_width = word_width;
        } else {
            line_width += space + word_width;
        }
    }
    if first < words.len() {
        lines.push(Line::shape(&words[first..].join(" "), face, size));
    }
    lines
}

/// A right-to-left PDF: `title` in bold on the first page, then each entry
/// of `pages` from the top of a new page (a long one continues on more
/// pages), its paragraphs separated by blank lines.
pub fn arabic_pdf(title: &str, pages: &[String]) -> Vec<u8> {
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(title.to_owned()).language("ar".to_owned()).creator("Sanad".to_owned()));
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid size");
    for (n, text) in pages.iter().enumerate() {
        // (line, colour, space before it) in reading order.
        let mut lines: Vec<(Line, (u8, u8, u8), f32)> = Vec::new();
        if n == 0 {
            for (i, line) in wrap(title, &BOLD, TITLE_SIZE, width).into_iter().enumerate() {
                lines.push((line, ACCENT, if i == 0 { 0.0 } else { TITLE_SIZE * LEADING }));
            }
        }
        for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            for (i, line) in wrap(&paragraph.replace('\n', " "), &REGULAR, BODY_SIZE, width).into_iter().enumerate() {
                let before = if i == 0 && !lines.is_empty() { BODY_SIZE * LEADING * 1.6 } else { BODY_SIZE * LEADING };
                lines.push((line, INK, before));
            }
        }
        let mut lines = lines.into_iter().peekable();
        while lines.peek().is_some() {
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            let mut y = MARGIN + TITLE_SIZE;
            let mut first = true;
            while let Some((_, _, before)) = lines.peek() {
                let next = if first { y } else { y + before };
                if !first && next > PAGE_HEIGHT - MARGIN {
                    break;
                }
                let (line, color, _) = lines.next().expect("peeked");
                surface.set_fill(Some(fill(color)));
                line.draw(&mut surface, PAGE_WIDTH - MARGIN, next);
                (y, first) = (next, false);
            }
            surface.finish();
            page.finish();
        }
    }
    document.finish().expect("the embedded Amiri font can be written")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_pdfs_are_pdfs_with_joined_right_to_left_text() {
        let long = "التكفل بالأطفال ضحايا العنف يبدأ بالاستقبال والإنصات. ".repeat(80);
        let pdf = arabic_pdf("دليل الاستقبال والإنصات", &["الصفحة الأولى: 12 إلى 15 سنة، UPE.".to_string(), long]);
        assert_eq!(crate::files::detect(&pdf), Some("application/pdf"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/ToUnicode"), "glyphs carry their text");
        let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
        assert!(pages.len() >= 3, "the long page continues on another: {} pages", pages.len());
        // The text comes back in reading order, letters in their plain forms.
        let first = crate::extract::normalize(&pages[0]);
        for word in ["دليل", "الاستقبال", "الصفحة", "الأولى", "12", "15", "UPE"] {
            assert!(first.contains(word), "{word} in {first}");
        }
        // Shaping joins letters: the glyphs of a word are contextual forms, fewer or other than its letters.
        let line = Line::shape("الاستقبال", &REGULAR, BODY_SIZE);
        let glyphs: Vec<u32> = line.runs.iter().flat_map(|r| r.glyphs.iter().map(|g| g.glyph_id.to_u32())).collect();
        let isolated: Vec<u32> = "الاستقبال".chars().rev().map(|c| REGULAR.shaper.glyph_index(c).map_or(0, |g| u32::from(g.0))).collect();
        assert_ne!(glyphs, isolated, "letters are joined, not isolated forms");
        // Digits and Latin inside Arabic are their own left-to-right runs.
        let mixed = Line::shape("من 12 إلى 15 سنة", &REGULAR, BODY_SIZE);
        assert!(mixed.runs.len() >= 3, "{}", mixed.runs.len());
    }

    /// Every Arabic demo resource has pages, and they render; with
    /// `SANAD_ARABIC_PDF_DIR` set, the PDFs are written there to look at
    /// (`pdftoppm -png -r 60 file.pdf page`).
    #[test]
    fn every_arabic_demo_resource_renders() {
        let out = std::env::var_os("SANAD_ARABIC_PDF_DIR");
        let arabic: Vec<_> = crate::demo::resources().unwrap().into_iter().filter(|r| r.metadata.language == "ar").collect();
        assert!(arabic.len() >= 10);
        for r in arabic {
            let pages = r.pages.unwrap_or_else(|| panic!("{} has no document", r.key));
            let pdf = arabic_pdf(&r.metadata.title, &pages);
            assert_eq!(crate::files::detect(&pdf), Some("application/pdf"), "{}", r.key);
            if let Some(dir) = &out {
                std::fs::write(std::path::Path::new(dir).join(format!("{}.pdf", r.key)), &pdf).unwrap();
            }
        }
    }
}
