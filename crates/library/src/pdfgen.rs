//! Small but real PDF documents for the demo library: pages of text in
//! Helvetica with the WinAnsi encoding (French accents, quotes, dashes), so
//! that the demo files open in any reader and their words are found by search.
//! Arabic documents are shaped and laid out right to left by [`arabic`].

pub mod arabic;

/// WinAnsi byte for a character, when it has one.
fn win_ansi(c: char) -> Option<u8> {
    match c {
        ' '..='~' => Some(c as u8),
        '\u{a0}'..='\u{ff}' => Some(c as u32 as u8),
        '€' => Some(0x80),
        '‚' => Some(0x82),
        '„' => Some(0x84),
        '…' => Some(0x85),
        '‘' => Some(0x91),
        '’' => Some(0x92),
        '“' => Some(0x93),
        '”' => Some(0x94),
        '•' => Some(0x95),
        '–' => Some(0x96),
        '—' => Some(0x97),
        'œ' => Some(0x9c),
        'Œ' => Some(0x8c),
        _ => None,
    }
}

fn escape_line(line: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    for c in line.chars() {
        let b = win_ansi(c).unwrap_or(b'?');
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            0x80..=0xff => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
            _ => out.push(b),
        }
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// A PDF with one page per entry of `pages` (long pages continue on more pages).
pub fn text_pdf(title: &str, pages: &[String]) -> Vec<u8> {
    const LINES_PER_PAGE: usize = 48;
    let mut page_streams: Vec<Vec<u8>> = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let mut lines = if n == 0 { vec![title.to_string(), String::new()] } else { vec![] };
        lines.extend(wrap(page, 92));
        for chunk in lines.chunks(LINES_PER_PAGE) {
            let mut s = b"BT /F1 10 Tf 14 TL 50 790 Td\n".to_vec();
            for line in chunk {
                s.push(b'(');
                s.extend(escape_line(line));
                s.extend_from_slice(b") Tj T*\n");
            }
            s.extend_from_slice(b"ET");
            page_streams.push(s);
        }
    }
    if page_streams.is_empty() {
        page_streams.push(b"BT ET".to_vec());
    }
    // Objects: 1 catalog, 2 pages, 3 font, then (page, contents) pairs.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..page_streams.len()).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), page_streams.len()).into_bytes());
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
    for (i, stream) in page_streams.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        let mut o = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        o.extend_from_slice(stream);
        o.extend_from_slice(b"\nendstream");
        objects.push(o);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pdfs_read_back_with_their_accents() {
        let pdf = text_pdf(
            "Évaluation des outils",
            &["La prévention des violences sexuelles – l’écoute « active » (œuvre).".to_string(), "Deuxième page.".into()],
        );
        assert_eq!(crate::files::detect(&pdf), Some("application/pdf"));
        let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
        let text = crate::extract::normalize(&text);
        for word in ["Évaluation", "prévention", "violences", "sexuelles", "écoute", "Deuxième"] {
            assert!(text.contains(word), "{word} in {text}");
        }
    }
}
