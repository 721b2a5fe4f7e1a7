//! CSV files people open in a spreadsheet: every cell a spreadsheet would run
//! as a formula is written as text. One rule for every export (the directory,
//! cohort dashboards, field-session reports).

/// Whether a spreadsheet could take a cell starting with `c` for a formula:
/// `= + - @`, their full-width forms (`＝ ＋ － ＠`, which an Asian input
/// method types and some spreadsheets read as the ASCII ones), the small
/// forms and the minus sign, and a tab or carriage return.
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠' | '﹦' | '﹢' | '﹣' | '﹫' | '−' | '\t' | '\r')
}

/// Whether a spreadsheet could run `cell` as a formula: it starts with a
/// formula character, after any spaces (which spreadsheets skip).
fn runs_as_formula(cell: &str) -> bool {
    cell.trim_start_matches([' ', '\u{3000}']).starts_with(is_formula_start)
}

/// A cell as written: one a spreadsheet would run as a formula (`=HYPERLINK(...)`,
/// `＝HYPERLINK(...)`, but also `+212 ...`) gets a leading `'`, which
/// spreadsheets show as text.
pub fn neutralize(cell: &str) -> String {
    if runs_as_formula(cell) { format!("'{cell}") } else { cell.to_string() }
}

/// Undoes [`neutralize`], so that an exported file imports unchanged.
pub fn restore(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if runs_as_formula(rest) => rest.to_string(),
        _ => cell.to_string(),
    }
}

/// Writes rows (the first is the header) as CSV with CRLF line ends (RFC 4180),
/// every cell neutralised.
pub fn write<R: AsRef<[S]>, S: AsRef<str>>(rows: &[R]) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        // Writing to a Vec cannot fail; a failure would only drop the line.
        let _ = out.write_record(row.as_ref().iter().map(|c| neutralize(c.as_ref())));
    }
    out.into_inner().unwrap_or_default()
}

/// [`write`] as a string (the cells are UTF-8, so is the file).
pub fn csv<R: AsRef<[S]>, S: AsRef<str>>(rows: &[R]) -> String {
    String::from_utf8(write(rows)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text_and_read_back_unchanged() {
        for hostile in ["=HYPERLINK(\"http://x\")", "＝1+1", "+212 600", "-2", "@SUM(A1)", "  =1", "\t=1"] {
            let cell = neutralize(hostile);
            assert!(cell.starts_with('\''), "{hostile}");
            assert_eq!(restore(&cell), hostile);
        }
        assert_eq!(neutralize("Léa Benali"), "Léa Benali");
        assert_eq!(restore("'quoted"), "'quoted");
        let text = csv(&[vec!["name", "score"], vec!["=1+1", "3"]]);
        assert_eq!(text, "name,score\r\n'=1+1,3\r\n");
    }
}
