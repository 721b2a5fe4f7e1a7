//! The attestation PDF: one A4 landscape page, French on the left (left to
//! right), Arabic on the right (right to left), a QR code of the public
//! verification page between them with the code under it.
//!
//! Text goes through real OpenType shaping (rustybuzz, the shaper krilla
//! uses) after the Unicode bidi algorithm has cut each line into directional
//! runs, so Arabic letters join and a Latin name or digits inside Arabic read
//! the right way. Fonts are embedded (subset) from the crate: Noto Serif for
//! Latin, Amiri for Arabic, both under the SIL Open Font License
//! (`crates/platform/fonts/OFL.txt`, `sanad_platform::fonts`).
//!
//! Rendering takes about 30 ms of CPU in a release build (shaping, font
//! subsetting, deflate; 60 ms for the first, which parses the fonts):
//! async callers run [`render`] on the blocking pool (`spawn_blocking`).

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::KrillaGlyph;
use sanad_platform::print::{self, ACCENT, INK, MUTED, Shaped, fill, stroke};
use unicode_bidi::{BidiInfo, Direction, Level};

use super::code::AttestationCode;

/// What an attestation says. Titles may be missing in one language (a course
/// written only in French): the other language's title is then printed in
/// both halves.
#[derive(Debug, Clone)]
pub struct AttestationDocument {
    /// The learner's name as they gave it, in any script.
    pub holder_name: String,
    /// The course title in French, if the course has one.
    pub course_title_fr: Option<String>,
    /// The course title in Arabic, if the course has one.
    pub course_title_ar: Option<String>,
    /// Length of the course in whole hours (callers round); 0 prints
    /// "less than an hour".
    pub hours: u32,
    /// The day the course was completed.
    pub completed_on: NaiveDate,
    /// The verification code, printed under the QR code.
    pub code: AttestationCode,
    /// The public page that confirms the attestation; the QR code points here.
    pub verification_url: String,
}

/// Why an attestation could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Neither a French nor an Arabic title was given.
    #[error("the attestation has no course title")]
    NoCourseTitle,
    /// The verification URL does not fit in a QR code.
    #[error("the verification URL is too long for a QR code")]
    UrlTooLong,
    /// krilla refused to write the document (a font it cannot embed).
    #[error("the attestation PDF could not be written: {0}")]
    Pdf(String),
}

/// Renders the attestation as a one-page PDF. CPU-bound: run it on the
/// blocking pool from async code.
pub fn render(doc: &AttestationDocument) -> Result<Vec<u8>, RenderError> {
    let title_fr = non_blank(&doc.course_title_fr);
    let title_ar = non_blank(&doc.course_title_ar);
    // Each title keeps its own language's quotes wherever it is printed.
    let quoted_fr = |title| format!("«\u{a0}{title}\u{a0}»");
    let quoted_ar = |title| format!("«{title}»");
    let (title_fr, title_ar) = match (title_fr, title_ar) {
        (Some(fr), Some(ar)) => (quoted_fr(fr), quoted_ar(ar)),
        (Some(fr), None) => (quoted_fr(fr), quoted_fr(fr)),
        (None, Some(ar)) => (quoted_ar(ar), quoted_ar(ar)),
        (None, None) => return Err(RenderError::NoCourseTitle),
    };
    let qr = qrcode::QrCode::with_error_correction_level(doc.verification_url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| RenderError::UrlTooLong)?;

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("Attestation de formation — {}", doc.holder_name.trim()))
            .language("fr".to_owned())
            .creator("Sanad".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid size");
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();

    draw_frame(&mut surface);
    let duration = [format!("Durée\u{a0}: {}", hours_fr(doc.hours)), format!("المدة: {}", hours_ar(doc.hours))];
    let date = [format!("Achevée le {}", date_fr(doc.completed_on)), format!("تاريخ الإتمام: {}", date_ar(doc.completed_on))];
    let body = Body {
        name: doc.holder_name.trim(),
        title: [&title_fr, &title_ar],
        duration: duration.each_ref().map(String::as_str),
        date: date.each_ref().map(String::as_str),
    };
    draw_body(&mut surface, &body);
    for (half, verify) in HALVES.iter().zip(VERIFY) {
        draw_small_print(&mut surface, half, verify, &doc.verification_url);
    }
    draw_qr(&mut surface, &qr, doc.code.as_str());

    surface.finish();
    page.finish();
    document.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

fn non_blank(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

// ---------------------------------------------------------------- the page

/// A4 landscape, in points.
const PAGE_WIDTH: f32 = print::A4.1;
const PAGE_HEIGHT: f32 = print::A4.0;
/// Distance from the page edge to each column's outer side.
const MARGIN_X: f32 = 64.0;
/// Each half's text column; the gap between the columns holds the rule.
const COLUMN_WIDTH: f32 = 318.0;
/// Side of the QR code.
const QR_SIZE: f32 = 84.0;

/// The double border, the platform name and the rule between the halves.
fn draw_frame(surface: &mut Surface) {
    surface.set_fill(None);
    for (inset, width) in [(22.0, 1.6), (28.0, 0.5)] {
        surface.set_stroke(Some(stroke(ACCENT, width)));
        let mut border = PathBuilder::new();
        border.push_rect(Rect::from_ltrb(inset, inset, PAGE_WIDTH - inset, PAGE_HEIGHT - inset).expect("the border is inside the page"));
        surface.draw_path(&border.finish().expect("a rectangle is a path"));
    }

    // "Sanad · سند" centred at the top, each name in its script's font.
    let brand = Line::shape("Sanad\u{a0}\u{a0}·\u{a0}\u{a0}سند", Style::LATIN_BOLD, 15.0);
    surface.set_stroke(None);
    surface.set_fill(Some(fill(ACCENT)));
    brand.draw(surface, PAGE_WIDTH / 2.0 - brand.width / 2.0, 66.0);

    surface.set_fill(None);
    surface.set_stroke(Some(stroke(ACCENT, 0.5)));
    let mut rules = PathBuilder::new();
    rules.move_to(PAGE_WIDTH / 2.0 - 60.0, 78.0);
    rules.line_to(PAGE_WIDTH / 2.0 + 60.0, 78.0);
    rules.move_to(PAGE_WIDTH / 2.0, BODY_TOP + 10.0);
    rules.line_to(PAGE_WIDTH / 2.0, BODY_BOTTOM - 10.0);
    surface.draw_path(&rules.finish().expect("two segments are a path"));
    surface.set_stroke(None);
}

/// One language's column.
#[derive(Clone, Copy)]
struct Half {
    /// Horizontal centre of the column: every line is centred on it.
    center: f32,
    rtl: bool,
}

/// The two columns, French on the left, Arabic on the right: every
/// [`Bilingual`] text is drawn in them in that order.
const HALVES: [Half; 2] =
    [Half { center: MARGIN_X + COLUMN_WIDTH / 2.0, rtl: false }, Half { center: PAGE_WIDTH - MARGIN_X - COLUMN_WIDTH / 2.0, rtl: true }];

/// A text in French and in Arabic, in the order of [`HALVES`].
type Bilingual<'a> = [&'a str; 2];

/// What the body says of this attestation (the rest is fixed words).
struct Body<'a> {
    /// The same in both halves, in its own script.
    name: &'a str,
    title: Bilingual<'a>,
    duration: Bilingual<'a>,
    date: Bilingual<'a>,
}

/// Room for a paragraph: its preferred size, the smallest it may shrink to,
/// and the width and count of its lines.
#[derive(Clone, Copy)]
struct Frame {
    size: f32,
    min_size: f32,
    width: f32,
    max_lines: usize,
}

impl Frame {
    const fn new(size: f32, min_size: f32, max_lines: usize) -> Self {
        Self { size, min_size, width: COLUMN_WIDTH, max_lines }
    }

    const fn width(self, width: f32) -> Self {
        Self { width, ..self }
    }
}

impl Half {
    /// Wraps and shrinks a paragraph to its frame. A name or a title may be
    /// in the other half's language: `own_direction` sets it in the direction
    /// of its first letter, not the half's (no comma thrown to the far end).
    fn layout(&self, text: &str, bold: bool, frame: Frame, own_direction: bool) -> Vec<Line> {
        let rtl = match unicode_bidi::get_base_direction(text) {
            Direction::Rtl if own_direction => true,
            Direction::Ltr if own_direction => false,
            _ => self.rtl,
        };
        fit(text, Style { rtl, bold }, frame)
    }

    /// Draws lines centred on the column from the baseline `top`; returns
    /// the baseline after the last line.
    fn draw(&self, surface: &mut Surface, lines: &[Line], top: f32, color: (u8, u8, u8)) -> f32 {
        surface.set_fill(Some(fill(color)));
        let leading = leading(lines);
        for (i, line) in lines.iter().enumerate() {
            line.draw(surface, self.center - line.width / 2.0, top + i as f32 * leading);
        }
        top + lines.len() as f32 * leading
    }

    /// Lays out and draws a paragraph; returns the baseline after it.
    fn paragraph(&self, surface: &mut Surface, text: &str, bold: bool, frame: Frame, top: f32, color: (u8, u8, u8)) -> f32 {
        let lines = self.layout(text, bold, frame, false);
        self.draw(surface, &lines, top, color)
    }
}

/// Distance between baselines: the tallest piece sets it.
fn leading(lines: &[Line]) -> f32 {
    lines.iter().map(|l| l.height).fold(0.0, f32::max) * 1.35
}

/// Top and bottom of the band the two halves' text shares, between the
/// platform name and the QR code.
const BODY_TOP: f32 = 100.0;
const BODY_BOTTOM: f32 = 420.0;

/// One row of the body: a paragraph in each half, level with each other.
struct Row {
    halves: [Vec<Line>; 2],
    /// Baseline distance from the previous row's last line.
    gap: f32,
    color: (u8, u8, u8),
}

impl Row {
    /// Distance between baselines, the same in both halves.
    fn leading(&self) -> f32 {
        self.halves.iter().map(|lines| leading(lines)).fold(0.0, f32::max)
    }

    fn line_count(&self) -> usize {
        self.halves.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// From the first baseline to the last.
    fn extent(&self) -> f32 {
        self.line_count().saturating_sub(1) as f32 * self.leading()
    }
}

/// The body in rows, each row level across the halves (a half with fewer
/// lines is centred in the row), the whole block centred in its band; a
/// long name or title that makes the block too tall tightens the gaps.
fn draw_body(surface: &mut Surface, body: &Body) {
    let row = |text: Bilingual, bold, frame, gap, color| Row {
        halves: std::array::from_fn(|i| HALVES[i].layout(text[i], bold, frame, false)),
        gap,
        color,
    };
    let own_row = |text: Bilingual, frame, gap| Row {
        halves: std::array::from_fn(|i| HALVES[i].layout(text[i], true, frame, true)),
        gap,
        color: INK,
    };
    let rows = [
        row(HEADING, true, Frame::new(26.0, 18.0, 1), 0.0, ACCENT),
        row(AWARDED_TO, false, Frame::new(12.5, 9.0, 2), 44.0, MUTED),
        own_row([body.name; 2], Frame::new(22.0, 12.0, 2), 40.0),
        row(FOR_COMPLETING, false, Frame::new(12.5, 9.0, 2), 38.0, MUTED),
        own_row(body.title, Frame::new(15.0, 10.0, 3), 32.0),
        row(body.duration, false, Frame::new(12.5, 9.0, 1), 30.0, INK),
        row(body.date, false, Frame::new(12.5, 9.0, 1), 20.0, INK),
    ];
    // Ascent of the heading and descent of the last line, roughly.
    let ascent = rows[0].leading() / 1.35 * 0.8;
    let descent = rows[rows.len() - 1].leading() / 1.35 * 0.3;
    let extents: f32 = rows.iter().map(Row::extent).sum();
    let gaps: f32 = rows.iter().map(|r| r.gap).sum();
    let room = BODY_BOTTOM - BODY_TOP - ascent - descent - extents;
    let squeeze = (room / gaps).min(1.0);
    let height = ascent + extents + gaps * squeeze + descent;
    let mut baseline = BODY_TOP + (BODY_BOTTOM - BODY_TOP - height).max(0.0) / 2.0 + ascent;
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            baseline += row.gap * squeeze;
        }
        for (half, lines) in HALVES.iter().zip(&row.halves) {
            let own = lines.len().saturating_sub(1) as f32 * leading(lines);
            half.draw(surface, lines, baseline + (row.extent() - own) / 2.0, row.color);
        }
        baseline += row.extent();
    }
}

/// How to verify, at the bottom of each half, in a narrower column clear of
/// the QR code.
fn draw_small_print(surface: &mut Surface, half: &Half, verify: &str, url: &str) {
    let column = Half { center: if half.rtl { half.center + 16.0 } else { half.center - 16.0 }, ..*half };
    let narrow = |size, min_size| Frame::new(size, min_size, 2).width(250.0);
    let after = column.paragraph(surface, verify, false, narrow(9.0, 7.0), 466.0, MUTED);
    // The URL reads left to right whatever the half.
    let url_column = Half { rtl: false, ..column };
    url_column.paragraph(surface, url, false, narrow(8.5, 6.0), after + 2.0, ACCENT);
}

/// The QR code of the verification URL, as vector squares, centred at the
/// bottom between the halves, with the code written under it.
fn draw_qr(surface: &mut Surface, qr: &qrcode::QrCode, code: &str) {
    let modules = qr.width();
    let module = QR_SIZE / modules as f32;
    let left = PAGE_WIDTH / 2.0 - QR_SIZE / 2.0;
    let top = 430.0;
    let colors = qr.to_colors();
    let mut path = PathBuilder::new();
    for y in 0..modules {
        // One rectangle per horizontal run of dark modules: fewer path
        // operators, and no hairline seams between neighbours in viewers.
        let mut x = 0;
        while x < modules {
            if colors[y * modules + x] == qrcode::Color::Dark {
                let start = x;
                while x < modules && colors[y * modules + x] == qrcode::Color::Dark {
                    x += 1;
                }
                path.push_rect(
                    Rect::from_xywh(left + start as f32 * module, top + y as f32 * module, (x - start) as f32 * module, module)
                        .expect("modules have a positive size"),
                );
            } else {
                x += 1;
            }
        }
    }
    surface.set_stroke(None);
    surface.set_fill(Some(fill(INK)));
    if let Some(path) = path.finish() {
        surface.draw_path(&path);
    }
    let code_line = Line::shape(code, Style::LATIN_BOLD, 11.0);
    code_line.draw(surface, PAGE_WIDTH / 2.0 - code_line.width / 2.0, top + QR_SIZE + 18.0);
}

// ---------------------------------------------------------------- words

/// The fixed sentences of the page, French then Arabic.
const HEADING: Bilingual = ["Attestation de formation", "شهادة تكوين"];
const AWARDED_TO: Bilingual = ["Cette attestation est délivrée à", "تمنح هذه الشهادة إلى"];
const FOR_COMPLETING: Bilingual = ["pour avoir suivi avec succès la formation", "لإتمام التكوين بنجاح"];
const VERIFY: Bilingual =
    ["Pour vérifier cette attestation, scannez le code QR ou rendez-vous sur", "للتحقق من هذه الشهادة، امسح رمز QR أو افتح الرابط"];

const MONTHS_FR: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/// Month names as written in Morocco.
const MONTHS_AR: [&str; 12] = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"];

fn date_fr(date: NaiveDate) -> String {
    let day = match date.day() {
        1 => "1er".to_owned(),
        d => d.to_string(),
    };
    format!("{day} {} {}", MONTHS_FR[date.month0() as usize], date.year())
}

fn date_ar(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), MONTHS_AR[date.month0() as usize], date.year())
}

fn hours_fr(hours: u32) -> String {
    match hours {
        0 => "moins d'une heure".to_owned(),
        h => format!("{h}\u{a0}h"),
    }
}

/// Arabic counts agree with the number: one hour, two hours (dual), 3-10
/// hours (plural), 11 and more (singular accusative).
fn hours_ar(hours: u32) -> String {
    match hours {
        0 => "أقل من ساعة".to_owned(),
        1 => "ساعة واحدة".to_owned(),
        2 => "ساعتان".to_owned(),
        h if (3..=10).contains(&(h % 100)) => format!("{h} ساعات"),
        h => format!("{h} ساعة"),
    }
}

// ---------------------------------------------------------------- text

/// A font with the size it is set at.
struct Face {
    font: print::Face,
    /// Size relative to the nominal size: Amiri's letters are small on their
    /// body, so Arabic is set larger to match Noto Serif's visual weight.
    scale: f32,
}

impl Face {
    fn load(data: &'static [u8], scale: f32) -> Self {
        Self { font: print::Face::load(data), scale }
    }

    fn has(&self, c: char) -> bool {
        self.font.has(c)
    }
}

struct Faces {
    serif: Face,
    serif_bold: Face,
    amiri: Face,
    amiri_bold: Face,
}

/// Parsed once per process; the font files are part of the binary.
static FACES: LazyLock<Faces> = LazyLock::new(|| Faces {
    serif: Face::load(print::NOTO_SERIF_REGULAR, 1.0),
    serif_bold: Face::load(print::NOTO_SERIF_BOLD, 1.0),
    amiri: Face::load(print::AMIRI_REGULAR, 1.2),
    amiri_bold: Face::load(print::AMIRI_BOLD, 1.2),
});

/// How a paragraph is set: its base direction and weight. Fonts follow the
/// script: Arabic letters in Amiri, other letters in Noto Serif, digits,
/// spaces and punctuation in the font of the letters around them.
#[derive(Clone, Copy)]
struct Style {
    rtl: bool,
    bold: bool,
}

impl Style {
    const LATIN_BOLD: Style = Style { rtl: false, bold: true };

    /// (Latin face, Arabic face) for the weight.
    fn faces(self) -> (&'static Face, &'static Face) {
        let faces: &'static Faces = &FACES;
        if self.bold { (&faces.serif_bold, &faces.amiri_bold) } else { (&faces.serif, &faces.amiri) }
    }
}

/// A run of shaped glyphs in one font and one direction.
struct Piece {
    face: &'static Face,
    /// The run's text: glyphs' clusters point into it (the PDF's text layer).
    text: String,
    glyphs: Vec<KrillaGlyph>,
    /// Font size of this piece (nominal size times the face's scale).
    size: f32,
    width: f32,
}

/// One line of text, shaped, its pieces in visual order (left to right on
/// the page).
struct Line {
    /// The line's text in logical order.
    text: String,
    nominal_size: f32,
    pieces: Vec<Piece>,
    width: f32,
    /// The largest font size in the line.
    height: f32,
}

impl Line {
    /// Shapes a line: the bidi algorithm orders its directional runs, each run
    /// is split where the script (so the font) changes, and each piece is
    /// shaped in its run's direction.
    fn shape(text: &str, style: Style, size: f32) -> Line {
        let mut pieces = Vec::new();
        let base = if style.rtl { Level::rtl() } else { Level::ltr() };
        let bidi = BidiInfo::new(text, Some(base));
        for paragraph in &bidi.paragraphs {
            let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
            for run in runs {
                let run_rtl = levels[run.start].is_rtl();
                let mut segments = font_segments(&text[run], style);
                if run_rtl {
                    segments.reverse();
                }
                for (face, segment) in segments {
                    pieces.push(shape_piece(segment, run_rtl, face, size * face.scale));
                }
            }
        }
        Line {
            text: text.to_owned(),
            nominal_size: size,
            width: pieces.iter().map(|p| p.width).sum(),
            height: pieces.iter().map(|p| p.size).fold(size, f32::max),
            pieces,
        }
    }

    /// Draws the line with its left end at `x` on the baseline `y`.
    fn draw(&self, surface: &mut Surface, x: f32, y: f32) {
        let mut x = x;
        for piece in &self.pieces {
            surface.draw_glyphs(Point::from_xy(x, y), &piece.glyphs, piece.face.font.pdf.clone(), &piece.text, piece.size, false);
            x += piece.width;
        }
    }
}

/// Whether a character is a letter of the Arabic script.
fn is_arabic(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06ff}' | '\u{0750}'..='\u{077f}' | '\u{08a0}'..='\u{08ff}'
        | '\u{fb50}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}')
        && c.is_alphabetic()
}

/// Cuts a bidi run where the font changes. Letters choose by script (and a
/// letter Noto Serif lacks goes to Amiri if Amiri has it); digits, spaces,
/// punctuation and marks follow the letter before them, or the first letter
/// after them, or, in a run without letters, the paragraph's direction.
fn font_segments(text: &str, style: Style) -> Vec<(&'static Face, &str)> {
    let (latin, arabic) = style.faces();
    let letter_face = |c: char| {
        if !c.is_alphabetic() {
            None
        } else if is_arabic(c) || (!latin.has(c) && arabic.has(c)) {
            Some(arabic)
        } else {
            Some(latin)
        }
    };
    let default = text.chars().find_map(letter_face).unwrap_or(if style.rtl { arabic } else { latin });
    let mut segments = Vec::new();
    let (mut open, mut start) = (default, 0);
    for (at, c) in text.char_indices() {
        if let Some(face) = letter_face(c)
            && !std::ptr::eq(face, open)
        {
            if at > start {
                segments.push((open, &text[start..at]));
            }
            (open, start) = (face, at);
        }
    }
    if start < text.len() {
        segments.push((open, &text[start..]));
    }
    segments
}

fn shape_piece(text: &str, rtl: bool, face: &'static Face, size: f32) -> Piece {
    let Shaped { glyphs, width } = print::shape(text, rtl, &face.font, size);
    Piece { face, text: text.to_owned(), glyphs, size, width }
}

/// Wraps `text` at spaces into the frame, trying smaller sizes down to its
/// minimum; at the minimum, what still does not fit is cut with "…".
fn fit(text: &str, style: Style, frame: Frame) -> Vec<Line> {
    let mut size = frame.size;
    loop {
        let lines = wrap(text, style, size, frame.width);
        if lines.len() <= frame.max_lines && lines.iter().all(|l| l.width <= frame.width) {
            return balance(text, style, size, frame.width, lines);
        }
        if size - 0.5 < frame.min_size {
            return truncate(lines, style, frame);
        }
        size -= 0.5;
    }
}

/// Evens out wrapped lines (no last line with a lone word): the narrowest
/// width that still gives the same number of lines.
fn balance(text: &str, style: Style, size: f32, width: f32, lines: Vec<Line>) -> Vec<Line> {
    if lines.len() < 2 {
        return lines;
    }
    let (mut narrow, mut wide) = (width / 2.0, width);
    let mut best = lines;
    while wide - narrow > 2.0 {
        let middle = (narrow + wide) / 2.0;
        let tried = wrap(text, style, size, middle);
        if tried.len() == best.len() && tried.iter().all(|l| l.width <= middle) {
            wide = middle;
            best = tried;
        } else {
            narrow = middle;
        }
    }
    best
}

/// Greedy wrapping at spaces. Words are measured once each and a line's
/// width is their sum plus the spaces (nothing joins or kerns across a
/// space); only the chosen lines are shaped whole.
fn wrap(text: &str, style: Style, size: f32, width: f32) -> Vec<Line> {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let widths: Vec<f32> = words.iter().map(|w| Line::shape(w, style, size).width).collect();
    let space = Line::shape(" ", style, size).width;
    let mut lines = Vec::new();
    let (mut first, mut line_width) = (0, 0.0);
    for (i, word_width) in widths.iter().enumerate() {
        if i > first && line_width + space + word_width > width {
            lines.push(Line::shape(&words[first..i].join(" "), style, size));
            (first, line_width) = (i, *word_width);
        } else if i == first {
            line_width = *word_width;
        } else {
            line_width += space + word_width;
        }
    }
    lines.push(Line::shape(&words[first..].join(" "), style, size));
    lines
}

/// Keeps the frame's first lines; the last one, if text was left out, and
/// any line still too wide (one endless word) lose characters until they
/// fit with "…".
fn truncate(mut lines: Vec<Line>, style: Style, frame: Frame) -> Vec<Line> {
    let cut = lines.len() > frame.max_lines;
    lines.truncate(frame.max_lines);
    let last = lines.len().saturating_sub(1);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if line.width <= frame.width && !(cut && i == last) {
                return line;
            }
            let mut kept = line.text.clone();
            loop {
                let candidate = format!("{}…", kept.trim_end());
                let shaped = Line::shape(&candidate, style, line.nominal_size);
                if shaped.width <= frame.width || kept.is_empty() {
                    return shaped;
                }
                kept.pop();
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AttestationDocument {
        AttestationDocument {
            holder_name: "Fatima Zahra El Idrissi".to_owned(),
            course_title_fr: Some("Écoute et orientation de l'enfant".to_owned()),
            course_title_ar: Some("الإنصات للطفل وتوجيهه".to_owned()),
            hours: 6,
            completed_on: NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
            code: AttestationCode::parse("7KQ2-M9XD-4TRA-WZ3P").unwrap(),
            verification_url: "https://sanad.example.org/verifier/7KQ2-M9XD-4TRA-WZ3P".to_owned(),
        }
    }

    #[test]
    fn renders_a_pdf() {
        let pdf = render(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }

    #[test]
    fn a_missing_title_takes_the_other_language() {
        let mut doc = sample();
        doc.course_title_ar = None;
        assert!(render(&doc).unwrap().starts_with(b"%PDF"));
        doc.course_title_fr = Some("  ".to_owned());
        assert!(matches!(render(&doc), Err(RenderError::NoCourseTitle)));
    }

    #[test]
    fn words_agree_with_numbers() {
        assert_eq!(hours_ar(1), "ساعة واحدة");
        assert_eq!(hours_ar(2), "ساعتان");
        assert_eq!(hours_ar(6), "6 ساعات");
        assert_eq!(hours_ar(12), "12 ساعة");
        assert_eq!(hours_ar(103), "103 ساعات");
        assert_eq!(hours_fr(6), "6\u{a0}h");
        let d = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        assert_eq!(date_fr(d), "1er août 2026");
        assert_eq!(date_ar(d), "1 غشت 2026");
    }

    #[test]
    fn arabic_is_shaped_into_joined_forms_right_to_left() {
        let line = Line::shape("سند", Style { rtl: true, bold: false }, 12.0);
        assert_eq!(line.pieces.len(), 1);
        let glyphs = &line.pieces[0].glyphs;
        // Visual order: the last letter (dal, bytes 4..6) comes first on the page.
        assert_eq!(glyphs.first().unwrap().text_range, 4..6);
        assert_eq!(glyphs.last().unwrap().text_range, 0..2);
        // The initial seen is a joined form, not the isolated letter's glyph.
        let isolated = FACES.amiri.font.shaper.glyph_index('س').unwrap().0 as u32;
        assert_ne!(glyphs.last().unwrap().glyph_id.to_u32(), isolated);
    }

    #[test]
    fn a_latin_name_in_arabic_reads_left_to_right_in_the_latin_font() {
        let line = Line::shape("إلى Fatima 6", Style { rtl: true, bold: false }, 12.0);
        let pieces: Vec<(&str, bool)> = line.pieces.iter().map(|p| (p.text.trim(), std::ptr::eq(p.face, &FACES.serif))).collect();
        // Right to left: the Arabic word is rightmost, the name with its
        // number keeps its own order, in Noto Serif.
        assert_eq!(pieces, [("Fatima 6", true), ("إلى", false)]);
        let name = &line.pieces[0].glyphs;
        assert_eq!(name.first().unwrap().text_range.start, 0);
    }

    #[test]
    fn an_arabic_name_in_french_takes_amiri() {
        let line = Line::shape("à محمد أمين", Style { rtl: false, bold: true }, 12.0);
        let faces: Vec<bool> = line.pieces.iter().map(|p| std::ptr::eq(p.face, &FACES.amiri_bold)).collect();
        assert_eq!(faces, [false, true]);
        assert_eq!(line.pieces[1].text, "محمد أمين");
        assert!(line.pieces[1].size > 12.0, "Amiri is scaled up");
    }

    #[test]
    fn long_text_wraps_balanced_and_shrinks_within_its_frame() {
        let title = "Prise en charge des enfants victimes de violence : l'écoute, le signalement et l'orientation";
        let lines = fit(title, Style::LATIN_BOLD, Frame::new(15.0, 10.0, 3));
        assert!(lines.len() > 1 && lines.len() <= 3);
        assert!(lines.iter().all(|l| l.width <= COLUMN_WIDTH));
        let words: Vec<&str> = lines.iter().flat_map(|l| l.text.split(' ')).collect();
        assert_eq!(words.join(" "), title);
        // Balanced: no line is less than half as wide as the widest.
        let widest = lines.iter().map(|l| l.width).fold(0.0, f32::max);
        assert!(lines.iter().all(|l| l.width > widest / 2.0));

        let endless = "mot ".repeat(60);
        let style = Style { rtl: false, bold: false };
        let lines = fit(&endless, style, Frame::new(12.0, 9.0, 2).width(100.0));
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.width <= 100.0 && l.nominal_size == 9.0));
        assert!(lines[1].text.ends_with('…'));
        let word = "a".repeat(80);
        let lines = fit(&word, style, Frame::new(12.0, 9.0, 1).width(100.0));
        assert!(lines[0].width <= 100.0 && lines[0].text.ends_with('…'));
    }

    #[test]
    fn a_title_in_the_other_language_keeps_its_own_direction() {
        let arabic_half = Half { center: 0.0, rtl: true };
        let title = "« Écoute et orientation, premiers pas »";
        let lines = arabic_half.layout(title, true, Frame::new(15.0, 10.0, 3), true);
        // Left to right: the opening quote is leftmost, the comma stays put.
        assert!(lines[0].pieces[0].text.starts_with('«'), "{:?}", lines[0].pieces[0].text);
        let forced = arabic_half.layout(title, true, Frame::new(15.0, 10.0, 3), false);
        assert!(!forced[0].pieces[0].text.starts_with('«'));
    }
}
