//! Attestation codes: 80 random bits written as 16 Crockford base32 symbols in
//! four groups (`7KQ2-M9XD-4TRA-WZ3P`). The alphabet has no I, L, O or U, so a
//! code read off paper is not mistyped for a look-alike; parsing accepts what
//! people type (lower case, spaces, dashes anywhere) and refuses the rest.

use std::fmt;
use std::str::FromStr;

/// Crockford's base32 alphabet: digits and capitals without I, L, O, U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random bytes behind a code: 80 bits, 16 symbols of 5 bits.
const RANDOM_BYTES: usize = 10;
/// Symbols in a code, dashes aside.
const SYMBOLS: usize = RANDOM_BYTES * 8 / 5;
/// Symbols between two dashes.
const GROUP: usize = 4;

/// A verification code of an attestation, always in its canonical form:
/// upper case, grouped by four with dashes. This form is what the database
/// keeps, what URLs carry and what the PDF prints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttestationCode(String);

/// Why a typed code is not a code. Callers answer 400 (or 404 on a public
/// lookup, where a malformed code is simply one that does not exist).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// A character outside the alphabet, spaces and dashes.
    #[error("an attestation code has no character {0:?}")]
    Character(char),
    /// Too few or too many symbols.
    #[error("an attestation code has {SYMBOLS} letters and digits, not {0}")]
    Length(usize),
}

impl AttestationCode {
    /// A fresh code from the OS random generator (80 bits).
    pub fn generate() -> Self {
        let bytes = sanad_platform::secret::random_bytes::<RANDOM_BYTES>();
        Self::from_symbols(&encode(&bytes))
    }

    /// Reads a code as a person typed it: case, spaces and dashes do not
    /// matter; any other character, or a wrong count of symbols, is an error.
    pub fn parse(typed: &str) -> Result<Self, CodeError> {
        let mut symbols = Vec::with_capacity(SYMBOLS);
        for c in typed.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let upper = c.to_ascii_uppercase();
            if !upper.is_ascii() || !ALPHABET.contains(&(upper as u8)) {
                return Err(CodeError::Character(c));
            }
            symbols.push(upper as u8);
        }
        if symbols.len() != SYMBOLS {
            return Err(CodeError::Length(symbols.len()));
        }
        Ok(Self::from_symbols(&symbols))
    }

    /// The canonical form, e.g. `7KQ2-M9XD-4TRA-WZ3P`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Groups `SYMBOLS` alphabet bytes with dashes.
    fn from_symbols(symbols: &[u8]) -> Self {
        let groups: Vec<&str> = symbols.chunks(GROUP).map(|group| std::str::from_utf8(group).expect("alphabet is ASCII")).collect();
        Self(groups.join("-"))
    }
}

/// Base32 of the bytes, most significant bit first (`bytes.len() * 8` must be
/// a multiple of 5, as it is for `RANDOM_BYTES`).
fn encode(bytes: &[u8]) -> Vec<u8> {
    let mut symbols = Vec::with_capacity(bytes.len() * 8 / 5);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            symbols.push(ALPHABET[((buffer >> bits) & 31) as usize]);
        }
    }
    symbols
}

impl fmt::Display for AttestationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AttestationCode {
    type Err = CodeError;

    fn from_str(typed: &str) -> Result<Self, Self::Err> {
        Self::parse(typed)
    }
}

impl AsRef<str> for AttestationCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generated_codes_are_grouped_canonical_and_distinct() {
        let codes: HashSet<AttestationCode> = (0..1000).map(|_| AttestationCode::generate()).collect();
        assert_eq!(codes.len(), 1000);
        for code in &codes {
            let text = code.as_str();
            assert_eq!(text.len(), 19, "{text}");
            let groups: Vec<&str> = text.split('-').collect();
            assert_eq!(groups.len(), 4, "{text}");
            assert!(groups.iter().all(|g| g.len() == 4), "{text}");
            assert!(!text.contains(['I', 'L', 'O', 'U']), "{text}");
            assert_eq!(&AttestationCode::parse(text).unwrap(), code);
        }
    }

    #[test]
    fn every_symbol_appears_so_all_80_bits_are_used() {
        let mut seen = HashSet::new();
        for _ in 0..200 {
            seen.extend(AttestationCode::generate().as_str().bytes().filter(|&b| b != b'-'));
        }
        assert_eq!(seen.len(), 32);
    }

    #[test]
    fn encoding_is_big_endian_base32() {
        assert_eq!(encode(&[0; 10]), b"0000000000000000");
        assert_eq!(encode(&[0xff; 10]), b"ZZZZZZZZZZZZZZZZ");
        // 0x00 0x44 0x32 0x14 0xC7 = 00000 00001 00010 00011 00100 00101 00110 00111
        assert_eq!(encode(&[0x00, 0x44, 0x32, 0x14, 0xc7]), b"01234567");
    }

    #[test]
    fn parsing_tolerates_case_spaces_and_dashes() {
        let canonical = AttestationCode::parse("7KQ2-M9XD-4TRA-WZ3P").unwrap();
        assert_eq!(canonical.as_str(), "7KQ2-M9XD-4TRA-WZ3P");
        for typed in
            ["7kq2-m9xd-4tra-wz3p", "7KQ2M9XD4TRAWZ3P", " 7KQ2 M9XD 4TRA WZ3P ", "7kq2m9xd-4TRA wz3p", "7-K-Q-2-M9XD--4TRA\tWZ3P\n"]
        {
            assert_eq!(AttestationCode::parse(typed).as_ref(), Ok(&canonical), "{typed:?}");
            assert_eq!(typed.parse::<AttestationCode>().as_ref(), Ok(&canonical));
        }
        assert_eq!(canonical.to_string(), "7KQ2-M9XD-4TRA-WZ3P");
    }

    #[test]
    fn parsing_refuses_other_characters_and_lengths() {
        // Letters outside the alphabet: no silent mapping of O to 0 or I/L to 1.
        assert_eq!(AttestationCode::parse("OKQ2-M9XD-4TRA-WZ3P"), Err(CodeError::Character('O')));
        assert_eq!(AttestationCode::parse("7KQ2-M9XD-4TRA-WZ3i"), Err(CodeError::Character('i')));
        assert_eq!(AttestationCode::parse("7KQ2-M9XD-4TRA-WZ3u"), Err(CodeError::Character('u')));
        assert_eq!(AttestationCode::parse("7KQ2_M9XD_4TRA_WZ3P"), Err(CodeError::Character('_')));
        assert_eq!(AttestationCode::parse("7KQ2/../4TRA-WZ3P"), Err(CodeError::Character('/')));
        assert_eq!(AttestationCode::parse("7KQ2-M9XD-4TRA-WZ3É"), Err(CodeError::Character('É')));
        // Arabic-Indic digits are digits, but not ours.
        assert_eq!(AttestationCode::parse("٧KQ2-M9XD-4TRA-WZ3P"), Err(CodeError::Character('٧')));
        assert_eq!(AttestationCode::parse(""), Err(CodeError::Length(0)));
        assert_eq!(AttestationCode::parse(" - - "), Err(CodeError::Length(0)));
        assert_eq!(AttestationCode::parse("7KQ2-M9XD-4TRA-WZ3"), Err(CodeError::Length(15)));
        assert_eq!(AttestationCode::parse("7KQ2-M9XD-4TRA-WZ3P-0"), Err(CodeError::Length(17)));
        assert!(CodeError::Length(3).to_string().contains("16"));
    }
}
