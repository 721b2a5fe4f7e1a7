//! The directory as CSV, the format coordinators keep it in a spreadsheet:
//!
//! ```text
//! territory,kind,name,address,phone,hours,services,verified_at,notes,name_ar,address_ar,hours_ar,services_ar,notes_ar
//! ```
//!
//! `territory`, `kind` and `name` are required; every other column may be
//! left out. The first nine columns are the French texts (and the shared
//! ones: phone, date of the last check); `name_ar`, `address_ar`,
//! `hours_ar`, `services_ar` and `notes_ar` are the same texts in Arabic,
//! served to readers of Arabic and searched by `?q=`. A file without the
//! Arabic columns (the format before them) still imports, and keeps the
//! Arabic texts already stored; an empty Arabic cell serves the French text.
//!
//! Services (French and Arabic) are joined with ` / `. The format is
//! documented for coordinators in `docs/directory-format.md`. Reading is forgiving about what
//! spreadsheets do (a UTF-8 byte-order mark, CRLF line ends, `;` as the
//! separator in a French locale, columns in another order, blank lines) and
//! strict about the rest: every problem names its line and column. Writing
//! neutralises cells a spreadsheet would run as a formula.

use sanad_platform::FieldCode;
use sanad_platform::FieldError;
use sanad_platform::spreadsheet;
use std::collections::HashMap;

use super::model::{ArabicTexts, ServiceInput};

/// The columns, in the order they are written.
pub const HEADER: [&str; COLUMN_COUNT] = [
    "territory",
    "kind",
    "name",
    "address",
    "phone",
    "hours",
    "services",
    "verified_at",
    "notes",
    "name_ar",
    "address_ar",
    "hours_ar",
    "services_ar",
    "notes_ar",
];
/// How many columns a file has when it has them all.
pub const COLUMN_COUNT: usize = 14;
/// Joins the services of one entry in their cell.
pub const SERVICES_SEPARATOR: &str = " / ";
/// Most rows one file may hold.
const MAX_ROWS: usize = 5000;
/// Errors reported before giving up: enough to fix a file in one pass, few
/// enough to read.
pub(crate) const MAX_ERRORS: usize = 50;

/// One data row of a file: its line number (the header is line 1) and its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvRow {
    pub line: u64,
    pub input: ServiceInput,
    /// The optional columns the file has no header for: an import keeps the
    /// stored values of those, so a file of a few columns updates only them.
    pub absent: Vec<&'static str>,
}

/// An error at `line` in `column` (or on the whole line when `column` is empty).
pub fn line_error(line: u64, column: &str, code: FieldCode, message: impl std::fmt::Display) -> FieldError {
    if column.is_empty() {
        FieldError::new(&format!("line {line}"), code, format!("line {line}: {message}"))
    } else {
        FieldError::new(&format!("line {line}.{column}"), code, format!("line {line}: {column} {message}"))
    }
}

/// Reads a file; every structural problem (encoding, header, cell count) is
/// an error naming its line. Field values are not checked here.
pub fn parse(bytes: &[u8]) -> Result<Vec<CsvRow>, Vec<FieldError>> {
    let text = decode(bytes)?;
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.trim().is_empty() {
        return Err(vec![missing_header()]);
    }
    // A spreadsheet in a French locale separates with ";" (the comma is the decimal mark).
    let delimiter = if first_line.contains(';') && !first_line.contains(',') { b';' } else { b',' };
    let mut reader = ::csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(vec![csv_error(text, &e)]),
        None => return Err(vec![missing_header()]),
    };
    let columns = Columns::of(&header)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in records {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(csv_error(text, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if let Some(e) = columns.check_width(&record, line) {
            errors.push(e);
            continue;
        }
        if rows.len() == MAX_ROWS {
            errors.push(line_error(line, "", FieldCode::OutOfRange, format!("a file may hold at most {MAX_ROWS} services")));
            break;
        }
        rows.push(columns.row(&record, line));
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// The text of a file: UTF-8, without a byte-order mark.
fn decode(bytes: &[u8]) -> Result<&str, Vec<FieldError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64;
        vec![line_error(line, "", FieldCode::InvalidFormat, "is not UTF-8 text; save the file as \"CSV UTF-8\"")]
    })
}

fn missing_header() -> FieldError {
    line_error(1, "", FieldCode::Required, format!("must be the header: {}", HEADER.join(",")))
}

/// Where each known column of a file is, from its header.
#[derive(Debug)]
struct Columns {
    at: HashMap<&'static str, usize>,
    /// How many cells the header has.
    width: usize,
    /// The optional columns the header does not name.
    absent: Vec<&'static str>,
}

impl Columns {
    /// Reads the header: known names in any order and case, unnamed columns
    /// ignored; an unknown or repeated name, or a missing required one, is an error.
    fn of(header: &::csv::StringRecord) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut at: HashMap<&'static str, usize> = HashMap::new();
        for (position, name) in header.iter().enumerate() {
            let name = name.trim().to_lowercase();
            if name.is_empty() {
                // Spreadsheets add unnamed trailing columns; their cells are ignored.
                continue;
            }
            match HEADER.iter().find(|h| **h == name) {
                Some(known) if at.contains_key(known) => {
                    errors.push(line_error(1, "", FieldCode::InvalidFormat, format!("column {known:?} appears twice")));
                }
                Some(known) => {
                    at.insert(known, position);
                }
                None => {
                    errors.push(line_error(1, "", FieldCode::UnknownValue, format!("column {name:?} is not one of {}", HEADER.join(", "))))
                }
            }
        }
        for required in ["territory", "kind", "name"] {
            if !at.contains_key(required) {
                errors.push(line_error(1, "", FieldCode::Required, format!("the header has no {required:?} column")));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let absent = HEADER.into_iter().filter(|h| !at.contains_key(h)).collect();
        Ok(Columns { at, width: header.len(), absent })
    }

    /// An error when `record` has filled cells past the header's.
    fn check_width(&self, record: &::csv::StringRecord, line: u64) -> Option<FieldError> {
        let width = self.width;
        // Most often an unquoted comma inside a cell, which shifted every cell after it.
        record.iter().skip(width).any(|cell| !cell.trim().is_empty()).then(|| {
            line_error(
                line,
                "",
                FieldCode::InvalidFormat,
                format!("has {} cells but the header has {width}; put quotes around cells that contain a comma", record.len()),
            )
        })
    }

    /// The service a data row describes (formula guards undone).
    fn row(&self, record: &::csv::StringRecord, line: u64) -> CsvRow {
        let cell = |name: &str| self.at.get(name).and_then(|at| record.get(*at)).map(spreadsheet::restore).unwrap_or_default();
        let services = cell("services");
        let verified_at = cell("verified_at");
        let list = |cell: String| cell.split('/').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>();
        CsvRow {
            line,
            absent: self.absent.clone(),
            input: ServiceInput {
                territory: cell("territory"),
                kind: cell("kind"),
                name: cell("name"),
                address: cell("address"),
                phone: cell("phone"),
                hours: cell("hours"),
                services: list(services),
                notes: cell("notes"),
                arabic: ArabicTexts {
                    name: cell("name_ar"),
                    address: cell("address_ar"),
                    hours: cell("hours_ar"),
                    services: list(cell("services_ar")),
                    notes: cell("notes_ar"),
                },
                verified_at: Some(verified_at).filter(|d| !d.trim().is_empty()),
            },
        }
    }
}

fn csv_error(text: &str, e: &::csv::Error) -> FieldError {
    let line = e.position().map_or(1, |p| line_at(text, p.byte()));
    line_error(line, "", FieldCode::InvalidFormat, "cannot be read as CSV")
}

/// The line (from 1) of the record the reader reports at byte `offset`.
/// The reader's own line count is wrong after CRLF and blank lines, and its
/// offset points just after the previous record's first terminator byte, so
/// the record starts after the line breaks that follow.
fn line_at(text: &str, offset: u64) -> u64 {
    let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(text.len());
    let start = offset + text.as_bytes()[offset..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
    1 + text.as_bytes()[..start].iter().filter(|b| **b == b'\n').count() as u64
}

/// Writes a file: the header, then one line per row of cells in [`HEADER`]
/// order, each neutralised (`platform::spreadsheet`); CRLF line ends.
pub fn write(rows: &[[String; COLUMN_COUNT]]) -> Vec<u8> {
    let header = HEADER.map(String::from);
    spreadsheet::write(&std::iter::once(&header).chain(rows).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanad_platform::spreadsheet::{neutralize, restore};

    fn lines_of(errors: &[FieldError]) -> Vec<String> {
        errors.iter().map(|e| e.message.clone()).collect()
    }

    #[test]
    fn quoted_commas_bom_and_crlf() {
        let file = "\u{feff}territory,kind,name,address,phone,hours,services,verified_at,notes\r\n\
                    rabat,tribunal,\"Tribunal de première instance, cellule\",\"1, avenue X\r\nRabat\",+212 5 00 00 01 01,8h30-16h30,\"écoute / orientation\",2025-01-15,\"dit \"\"bonjour\"\"\"\r\n\
                    \r\n\
                    ,,,,,,,,\r\n\
                    sale,police,Commissariat,,,,,,\r\n";
        let rows = parse(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        let r = &rows[0].input;
        assert_eq!(r.territory, "rabat");
        assert_eq!(r.name, "Tribunal de première instance, cellule");
        assert_eq!(r.address, "1, avenue X\r\nRabat");
        assert_eq!(r.services, vec!["écoute", "orientation"]);
        assert_eq!(r.verified_at.as_deref(), Some("2025-01-15"));
        assert_eq!(r.notes, "dit \"bonjour\"");
        // The quoted line break counts as a line; blank lines are skipped but counted.
        assert_eq!(rows[1].line, 6);
        assert_eq!(rows[1].input.kind, "police");
        assert_eq!(rows[1].input.verified_at, None);
        // A file of the format before the Arabic columns: they are absent (kept on import).
        assert_eq!(rows[0].absent, vec!["name_ar", "address_ar", "hours_ar", "services_ar", "notes_ar"]);
        assert_eq!(rows[0].input.arabic, ArabicTexts::default());
    }

    #[test]
    fn semicolons_and_columns_in_any_order() {
        let file = "Name;Kind;Territory\nUPE Kénitra;upe_cape;kenitra\n";
        let rows = parse(file.as_bytes()).unwrap();
        assert_eq!(rows[0].input.name, "UPE Kénitra");
        assert_eq!(rows[0].input.territory, "kenitra");
    }

    #[test]
    fn bad_files_name_the_line() {
        let errors = parse(b"").unwrap_err();
        assert_eq!(errors[0].field, "line 1");
        let errors = parse(b"territory,kind,nom\n").unwrap_err();
        assert_eq!(
            lines_of(&errors),
            vec![
                "line 1: column \"nom\" is not one of territory, kind, name, address, phone, hours, services, verified_at, notes, \
                 name_ar, address_ar, hours_ar, services_ar, notes_ar",
                "line 1: the header has no \"name\" column"
            ]
        );
        let errors = parse(b"territory,kind,name\nrabat,police,A\nrabat,police,B, annexe\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "line 3");
        assert!(errors[0].message.starts_with("line 3: has 4 cells but the header has 3"), "{}", errors[0].message);
        // Blank lines count, with LF or CRLF line ends.
        let errors = parse(b"territory,kind,name\n\n\nrabat,police,A,x\n").unwrap_err();
        assert_eq!(errors[0].field, "line 4");
        let errors = parse(b"territory,kind,name\r\n\r\nrabat,police,A,x\r\n").unwrap_err();
        assert_eq!(errors[0].field, "line 3");
        let errors = parse(b"territory,kind,name\nrabat,police,Commissariat\nrabat,police,H\xF4pital\n").unwrap_err();
        assert_eq!(errors[0].field, "line 3");
        assert!(errors[0].message.contains("UTF-8"));
    }

    #[test]
    fn export_neutralises_formulas_and_import_restores_them() {
        let row = [
            "rabat".to_string(),
            "association".into(),
            "=HYPERLINK(\"http://evil\")".into(),
            "@SUM(A1)".into(),
            "+212 5 00 00 01 01".into(),
            "-".into(),
            "écoute / orientation".into(),
            "2025-01-15".into(),
            "a, b".into(),
            "=مستشفى".into(),
            String::new(),
            "الإثنين – الجمعة".into(),
            "الإنصات / التوجيه".into(),
            String::new(),
        ];
        let bytes = write(std::slice::from_ref(&row));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("territory,kind,name,address,phone,hours,services,verified_at,notes,name_ar,"), "{text}");
        assert!(text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "{text}");
        assert!(text.contains(",'@SUM(A1),'+212 5 00 00 01 01,'-,"), "{text}");
        assert!(!text.contains(",=") && !text.contains(",+") && !text.contains(",@"), "{text}");
        let back = parse(&bytes).unwrap();
        let r = &back[0].input;
        assert_eq!(r.name, row[2]);
        assert_eq!(r.address, row[3]);
        assert_eq!(r.phone, row[4]);
        assert_eq!(r.hours, row[5]);
        assert_eq!(r.services, vec!["écoute", "orientation"]);
        assert_eq!(r.notes, "a, b");
        assert_eq!(r.arabic.name, row[9]);
        assert_eq!(r.arabic.hours, row[11]);
        assert_eq!(r.arabic.services, vec!["الإنصات", "التوجيه"]);
        assert!(back[0].absent.is_empty());
        // A quote the author typed is kept.
        assert_eq!(restore("'bonjour"), "'bonjour");
    }

    #[test]
    fn full_width_and_lookalike_formula_starts_are_neutralised() {
        for cell in [
            "＝HYPERLINK(\"http://evil\")",
            "＋212 5 00 00 01 01",
            "－1+1",
            "＠SUM(A1)",
            "﹦1+1",
            "−1",
            "\t=1+1",
            "\r=1+1",
            "  =1+1",
            "\u{3000}＝1+1",
        ] {
            assert_eq!(neutralize(cell), format!("'{cell}"), "{cell:?}");
            assert_eq!(restore(&neutralize(cell)), cell, "{cell:?}");
        }
        for cell in ["Rabat", "1+1", "a=b", "", "'déjà cité", "2025-01-15"] {
            assert_eq!(neutralize(cell), cell, "{cell:?}");
        }
        let row: [String; COLUMN_COUNT] =
            ["rabat", "association", "＝HYPERLINK(\"http://evil\")", "", "", "", "", "", "", "", "", "", "", ""].map(String::from);
        let text = String::from_utf8(write(std::slice::from_ref(&row))).unwrap();
        assert!(text.contains("\"'＝HYPERLINK(\"\"http://evil\"\")\""), "{text}");
        assert_eq!(parse(text.as_bytes()).unwrap()[0].input.name, row[2]);
    }
}
