//! Named people: a given or family name from a gazetteer of Moroccan names
//! (Latin and Arabic script), together with an age (`9 ans`, `عمره 9
//! سنوات`, `3mrha 9 snin`), a school (`élève`, `CE2`, `المدرسة`,
//! `tlmida`), a birth date (`née le`, `مزداد`, `tzadet`) or a family
//! relation (`sa mère`, `ابنها`, `bbaha`) within a few words, or right after
//! a word naming a child (`la petite Salma`, `الطفلة سلمى`).
//!
//! A name is not held after a greeting or a thanks (`Merci Amal`, `شكرا
//! سعيد`, `@Amal`), after or before a profession (`la psychologue Amal`,
//! `Mme Bennani, juge des mineurs`), inside an institution's or a place's
//! name (`hôpital Ibn Sina`, `école Al Amal`, `Sidi Kacem`, `Hassan II`),
//! or near a word saying it was changed (`prénom modifié`, `appelons-la`,
//! `اسم مستعار`). Names that are also ordinary words (`?` in the lists)
//! count only when written with a capital (Latin script) or right after a
//! word introducing a person.

use super::kinds::Kind;
use super::lexicon::arabic_forms;
use super::text::normalize;
use super::{Detector, Hit, PostText, Token};
use sanad_platform::folding::is_mark;
use std::collections::HashMap;

const GIVEN: &str = include_str!("../../screening/names/given.txt");
const FAMILY: &str = include_str!("../../screening/names/family.txt");
const CONTEXT: &str = include_str!("../../screening/names/context.txt");

/// Month names after `né le`, `née en`.
const MONTHS: [&str; 13] =
    ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre", "premier"];

/// How many words around a name are searched for a context word.
const WINDOW: usize = 8;

/// One name of the gazetteer, under its first word.
#[derive(Debug, Clone)]
struct Name {
    /// The words after the first.
    rest: Vec<String>,
    family: bool,
    ambiguous: bool,
    /// `ى` or `ي` when the name ends with one: folding writes both `ي`, but
    /// `على` ("on") is not `علي` (Ali), nor `مني` ("from me") `منى` (Mouna).
    final_yaa: Option<char>,
}

/// A list of given and family names in Latin and Arabic script.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    names: HashMap<String, Vec<Name>>,
}

impl Gazetteer {
    /// The lists shipped with the crate (`screening/names/given.txt` and
    /// `family.txt`): some 640 given and 230 family names.
    pub fn builtin() -> Self {
        Gazetteer::default().with_list(GIVEN, false).with_list(FAMILY, true)
    }

    /// Adds the names of a list in the files' format: one name per line, `#`
    /// comments, `?` before a name that is also a common word. `family` says
    /// whether these are family names. A deployment adds its region's names so.
    pub fn with_list(mut self, list: &str, family: bool) -> Self {
        for line in list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (ambiguous, name) = match line.strip_prefix('?') {
                Some(name) => (true, name.trim()),
                None => (false, line),
            };
            self.add(name, family, ambiguous);
        }
        self
    }

    /// Adds one name (one or more words).
    pub fn add(&mut self, name: &str, family: bool, ambiguous: bool) {
        let final_yaa = name.chars().rfind(|c| !is_mark(*c)).filter(|c| matches!(c, 'ى' | 'ي'));
        let normal = normalize(name);
        let mut words = normal.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned);
        let Some(first) = words.next() else { return };
        let rest: Vec<String> = words.collect();
        let entries = self.names.entry(first).or_default();
        match entries.iter_mut().find(|n| n.rest == rest && n.family == family) {
            // The same name twice: a `?` on either line wins.
            Some(known) => known.ambiguous |= ambiguous,
            None => entries.push(Name { rest, family, ambiguous, final_yaa }),
        }
    }

    /// How many names the gazetteer holds.
    pub fn len(&self) -> usize {
        self.names.values().map(Vec::len).sum()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Context classes of a word, as bits.
mod cue {
    pub const AGE: u32 = 1;
    pub const SCHOOL: u32 = 1 << 1;
    pub const BIRTH: u32 = 1 << 2;
    pub const RELATION: u32 = 1 << 3;
    pub const CHILD: u32 = 1 << 4;
    pub const NAME_INTRO: u32 = 1 << 5;
    pub const FAMILY_INTRO: u32 = 1 << 6;
    pub const GREETING: u32 = 1 << 7;
    pub const PROFESSION: u32 = 1 << 8;
    pub const PLACE: u32 = 1 << 9;
    pub const PSEUDONYM: u32 = 1 << 10;
    pub const CONNECTOR: u32 = 1 << 11;
    pub const AGE_UNIT: u32 = 1 << 12;
    pub const GROUP: u32 = 1 << 13;
    pub const CHILDREN: u32 = 1 << 14;
    pub const NUMBER_WORD: u32 = 1 << 15;
    pub const REGNAL: u32 = 1 << 16;
    pub const CHANGED: u32 = 1 << 17;
    pub const NAME_WORD: u32 = 1 << 18;
    pub const RANGE: u32 = 1 << 19;
    pub const VOCATIVE_NEXT: u32 = 1 << 20;
    pub const PARTICLE: u32 = 1 << 21;
    pub const SPEAKER: u32 = 1 << 22;
    pub const SPEAKER_VERB: u32 = 1 << 23;
    pub const AS: u32 = 1 << 24;
    pub const PROPOSES: u32 = 1 << 25;
    pub const FAMILY: u32 = 1 << 26;
    /// The context that holds a name: the age, school, birth, relation.
    pub const CONTEXT: u32 = AGE | SCHOOL | BIRTH | RELATION;

    /// The class of a section of `context.txt`.
    pub fn named(section: &str) -> Option<u32> {
        Some(match section {
            "age" => AGE,
            "school" => SCHOOL,
            "birth" => BIRTH,
            "relation" => RELATION,
            "child" => CHILD,
            "name_intro" => NAME_INTRO,
            "family_intro" => FAMILY_INTRO,
            "greeting" => GREETING,
            "profession" => PROFESSION,
            "place" => PLACE,
            "pseudonym" => PSEUDONYM,
            "connector" => CONNECTOR,
            "age_unit" => AGE_UNIT,
            "group" => GROUP,
            "children" => CHILDREN,
            "number_word" => NUMBER_WORD,
            "regnal" => REGNAL,
            "changed" => CHANGED,
            "name_word" => NAME_WORD,
            "range" => RANGE,
            "vocative_next" => VOCATIVE_NEXT,
            "particle" => PARTICLE,
            "speaker" => SPEAKER,
            "speaker_verb" => SPEAKER_VERB,
            "as" => AS,
            "proposes" => PROPOSES,
            "family" => FAMILY,
            _ => return None,
        })
    }
}

/// Finds people named with an age, a school, a birth date or a relation ([`Kind::CHILD_NAME`]).
#[derive(Debug)]
pub struct NamedPeople {
    gazetteer: Gazetteer,
    cues: HashMap<String, u32>,
}

/// A run of name words: `Salma`, `Youssef El Amrani`, `فاطمة بنت محمد`.
#[derive(Debug)]
struct Mention {
    start: usize,
    end: usize,
    given: bool,
    family: bool,
    ambiguous: bool,
    names: usize,
}

impl NamedPeople {
    /// A detector with this gazetteer and the built-in context words.
    pub fn new(gazetteer: Gazetteer) -> Self {
        let mut cues: HashMap<String, u32> = HashMap::new();
        let mut class = 0;
        for line in CONTEXT.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()) {
            if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                class = cue::named(section).unwrap_or_else(|| panic!("context.txt: unknown section [{section}]"));
                continue;
            }
            for word in line.split_whitespace() {
                let normal = normalize(word);
                // `belle-mère`, `s'appelle`: the last word carries the meaning.
                let key = normal.rsplit(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or(&normal).to_owned();
                *cues.entry(key).or_default() |= class;
            }
        }
        NamedPeople { gazetteer, cues }
    }

    fn classes(&self, text: &PostText, token: &Token) -> u32 {
        let word = text.word(token);
        if token.arabic {
            let mut classes = 0;
            arabic_forms(word, |form| {
                classes |= self.cues.get(form).copied().unwrap_or(0);
                false
            });
            classes
        } else {
            self.cues.get(word).copied().unwrap_or(0)
        }
    }

    /// The longest name starting at token `i`: its length in tokens, whether
    /// it is a family name, whether it is also a common word.
    fn name_at(&self, text: &PostText, i: usize) -> Option<(usize, bool, bool)> {
        let tokens = text.tokens();
        let token = tokens.get(i)?;
        if token.number || in_identifier(text, token) {
            return None;
        }
        let word = text.word(token);
        let mut keys = vec![word];
        if token.arabic {
            // A name may carry one proclitic: `وفاطمة`, `لمحمد`, `بسلمى`.
            for p in ["و", "ل", "ب", "ف"] {
                if let Some(rest) = word.strip_prefix(p).filter(|r| r.chars().count() >= 3) {
                    keys.push(rest);
                }
            }
        }
        let mut best: Option<(usize, bool, bool)> = None;
        for key in keys {
            for name in self.gazetteer.names.get(key).into_iter().flatten() {
                let len = 1 + name.rest.len();
                let fits = name
                    .rest
                    .iter()
                    .enumerate()
                    .all(|(k, w)| tokens.get(i + 1 + k).is_some_and(|t| t.line == token.line && text.word(t) == w.as_str()));
                if !fits || best.is_some_and(|(l, _, _)| l >= len) {
                    continue;
                }
                if let Some(yaa) = name.final_yaa {
                    let last = &tokens[i + len - 1];
                    let typed = text.typed(last.range.clone()).chars().rfind(|c| !is_mark(*c));
                    if typed.is_some_and(|c| matches!(c, 'ى' | 'ي') && c != yaa) {
                        continue;
                    }
                }
                best = Some((len, name.family, name.ambiguous));
            }
        }
        best
    }

    fn mention_at(&self, text: &PostText, classes: &[u32], i: usize) -> Option<Mention> {
        let tokens = text.tokens();
        let (len, family, ambiguous) = self.name_at(text, i)?;
        let mut m = Mention { start: i, end: i + len, given: !family, family, ambiguous, names: 1 };
        loop {
            let mut k = m.end;
            if tokens.get(k).is_some_and(|t| t.line == tokens[i].line && classes[k] & cue::CONNECTOR != 0) {
                k += 1;
            }
            let Some((len, family, ambiguous)) = tokens.get(k).filter(|t| t.line == tokens[i].line).and_then(|_| self.name_at(text, k))
            else {
                break;
            };
            m.end = k + len;
            m.given |= !family;
            m.family |= family;
            m.ambiguous &= ambiguous;
            m.names += 1;
        }
        // `El Amrani`, `Ben Ali`, `Ait Taleb`: the particle is part of the name.
        if m.start > 0 && tokens[m.start - 1].line == tokens[i].line && classes[m.start - 1] & cue::PARTICLE != 0 {
            m.start -= 1;
        }
        Some(m)
    }

    /// Whether the mention names someone the post must not name.
    fn holds(&self, text: &PostText, classes: &[u32], m: &Mention) -> bool {
        let tokens = text.tokens();
        let line = tokens[m.start].line;
        let at = |k: Option<usize>| k.filter(|&k| k < tokens.len() && tokens[k].line == line).map_or(0, |k| classes[k]);
        let prev = at(m.start.checked_sub(1));
        let prev2 = at(m.start.checked_sub(2));
        let next = at(Some(m.end));
        if text.char_before(tokens[m.start].range.start) == Some('@') {
            return false;
        }
        // `Merci Amal`, `la psychologue Amal`, `école Al Amal`, `Hassan II`.
        if prev & (cue::GREETING | cue::PROFESSION | cue::PLACE) != 0
            || (prev & cue::CONNECTOR != 0 && prev2 & (cue::PLACE | cue::PROFESSION) != 0)
            || next & cue::REGNAL != 0
        {
            return false;
        }
        // `selon Amal`, `comme le dit Youssef`, `كما قال يوسف`, `Youssef propose`, `Amal a raison`: a colleague quoted.
        let quoted_by = prev & cue::SPEAKER != 0
            || (prev & cue::SPEAKER_VERB != 0 && (m.start.saturating_sub(4)..m.start).any(|k| classes[k] & cue::AS != 0));
        let next_word = |n: usize| tokens.get(m.end + n).filter(|t| t.sentence == tokens[m.end - 1].sentence).map(|t| text.word(t));
        if quoted_by || next & cue::PROPOSES != 0 || (next_word(0) == Some("a") && next_word(1) == Some("raison")) {
            return false;
        }
        // `Amal, tu as raison` : someone spoken to.
        let after = &text.normal()[tokens[m.end - 1].range.end..];
        if next & cue::VOCATIVE_NEXT != 0 && after.trim_start().starts_with([',', ':', '!']) {
            return false;
        }
        let from = m.start.saturating_sub(15);
        let to = (m.end + 15).min(tokens.len());
        let pseudonym = (from..to).any(|k| {
            tokens[k].line == line
                && (classes[k] & cue::PSEUDONYM != 0
                    || (classes[k] & cue::CHANGED != 0 && (k.saturating_sub(4)..k).any(|j| classes[j] & cue::NAME_WORD != 0)))
        });
        if pseudonym {
            return false;
        }
        // `Mme Bennani, juge des mineurs`: a profession right after the name.
        let context_after = (m.end..(m.end + 3).min(tokens.len())).take_while(|&k| tokens[k].sentence == tokens[m.end - 1].sentence);
        for k in context_after {
            if classes[k] & (cue::CONTEXT | cue::CHILD) != 0 || self.context(text, classes, k) {
                break;
            }
            if classes[k] & cue::PROFESSION != 0 {
                return false;
            }
        }
        // `l'enfant Salma`, `sa mère Nadia`, or in apposition: `رضا، أخو الطفلة`.
        let apposition = after.trim_start().starts_with(',')
            && (next & (cue::CHILD | cue::RELATION) != 0 || (m.end < tokens.len() && self.context(text, classes, m.end)));
        let introduced = prev & (cue::NAME_INTRO | cue::CHILD | cue::RELATION) != 0 || apposition;
        if !m.given {
            // A family name alone: only `la famille Bennani`, `Mme Bennani`, `السيد العلوي`.
            if prev & cue::FAMILY != 0 {
                return true;
            }
            if prev & cue::FAMILY_INTRO == 0 {
                return false;
            }
        } else if m.ambiguous && m.names == 1 {
            let first = &tokens[m.start];
            let capital = !first.arabic && text.capitalized(first);
            if !capital && !introduced {
                return false;
            }
        }
        // `la petite Salma`, `الطفلة سلمى`, `l'enfant, Salma`.
        if prev & cue::CHILD != 0 || (prev & cue::NAME_INTRO != 0 && prev2 & cue::CHILD != 0) {
            return true;
        }
        let from = m.start.saturating_sub(WINDOW);
        let to = (m.end + WINDOW).min(tokens.len());
        (from..to).filter(|&k| k < m.start || k >= m.end).any(|k| tokens[k].line == line && self.context(text, classes, k))
    }

    /// Whether token `k` says an age, a school, a birth or a relation.
    fn context(&self, text: &PostText, classes: &[u32], k: usize) -> bool {
        let tokens = text.tokens();
        let c = classes[k];
        if c & (cue::SCHOOL | cue::RELATION) != 0 {
            return true;
        }
        let word = text.word(&tokens[k]);
        let next = |n: usize| tokens.get(k + n).filter(|t| t.sentence == tokens[k].sentence);
        if c & cue::BIRTH != 0 || word == "ne" {
            // `né le 3 mars`, `née en 2015`, `né à Salé`: not the `ne` of `ne le dit pas`.
            let dated = |t: &Token| t.number || MONTHS.contains(&text.word(t));
            let born = word != "ne"
                || next(1).is_some_and(|t| matches!(text.word(t), "a" | "au"))
                || (next(1).is_some_and(|t| matches!(text.word(t), "le" | "en" | "vers")) && next(2).is_some_and(dated));
            if born {
                return true;
            }
        }
        if c & cue::AGE != 0 {
            // `âgé de`, `عمرها`: the word `age` alone is too common (`tranche d'âge`).
            return word != "age" || next(1).is_some_and(|t| text.word(t) == "de");
        }
        // `9 ans`, `9ans`, `neuf ans`, `٩ سنوات`, not `8-12 ans`, `les 9 ans`, `depuis 3 ans`.
        let glued = word.len() > 2 && {
            let digits = word.bytes().take_while(u8::is_ascii_digit).count();
            (1..=2).contains(&digits) && matches!(&word[digits..], "ans" | "an" | "snin" | "sna" | "yo")
        };
        let number = (tokens[k].number && word.len() <= 2) || c & cue::NUMBER_WORD != 0;
        let unit = next(1).is_some_and(|_| classes[k + 1] & cue::AGE_UNIT != 0);
        if !(glued || (number && unit)) {
            return false;
        }
        let before = |n: usize| k.checked_sub(n).filter(|&j| tokens[j].sentence == tokens[k].sentence);
        let p1 = before(1).map_or(0, |j| classes[j]);
        let p2 = before(2);
        let range = before(1).is_some_and(|j| tokens[j].number && text.normal()[tokens[j].range.end..tokens[k].range.start].contains('-'))
            || (p1 & cue::RANGE != 0 && p2.is_some_and(|j| tokens[j].number || classes[j] & cue::NUMBER_WORD != 0));
        let group = p1 & cue::GROUP != 0
            || (before(1).is_some_and(|j| text.word(&tokens[j]) == "de") && p2.is_some_and(|j| classes[j] & cue::CHILDREN != 0))
            || (before(1).is_some_and(|j| text.word(&tokens[j]) == "a") && p2.is_some_and(|j| text.word(&tokens[j]) == "y"));
        !range && !group
    }
}

/// Whether a token is part of an address, a handle or a link
/// (`nadia.elfassi82@...`, `facebook.com/yassine.benali`, `@sara_2012`):
/// those detectors report them; a name there is no person named in the text.
fn in_identifier(text: &PostText, token: &Token) -> bool {
    let glue = |c: Option<char>| c.is_some_and(|c| matches!(c, '.' | '_' | '@' | '/' | '='));
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let start = token.range.start;
    let end = token.range.end;
    let before = text.char_before(start);
    let after = text.char_at(end);
    (glue(before) && (before == Some('@') || start >= 2 && word(text.char_before(start - 1))))
        || (glue(after) && word(text.char_at(end + 1)))
}

impl Default for NamedPeople {
    fn default() -> Self {
        NamedPeople::new(Gazetteer::builtin())
    }
}

impl Detector for NamedPeople {
    fn name(&self) -> &'static str {
        "names"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        let tokens = text.tokens();
        let classes: Vec<u32> = tokens.iter().map(|t| self.classes(text, t)).collect();
        let mut i = 0;
        while i < tokens.len() {
            let Some(m) = self.mention_at(text, &classes, i) else {
                i += 1;
                continue;
            };
            if self.holds(text, &classes, &m) {
                hits.push(Hit { kind: Kind::CHILD_NAME, range: tokens[m.start].range.start..tokens[m.end - 1].range.end });
            }
            i = m.end.max(i + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        crate::screening::passages(&NamedPeople::default(), text)
    }

    #[test]
    fn the_gazetteer_loads() {
        let gazetteer = Gazetteer::builtin();
        assert!(gazetteer.len() > 800, "{}", gazetteer.len());
    }

    #[test]
    fn names_with_context_are_held() {
        assert_eq!(found("Salma, 9 ans, est élève en CE3."), ["Salma"]);
        assert_eq!(found("La petite Salma est venue seule."), ["Salma"]);
        assert_eq!(found("Sa mère, Fatima Zahra Bennani, a appelé."), ["Fatima Zahra Bennani"]);
        assert_eq!(found("الطفلة سلمى عمرها ٩ سنوات"), ["سلمى"]);
        assert_eq!(found("يوسف العمراني تلميذ بالمدرسة"), ["يوسف العمراني"]);
        assert_eq!(found("smitha salma, 3mrha 9 snin"), ["salma"]);
        assert_eq!(found("La famille Bennani est suivie."), ["Bennani"]);
        assert_eq!(found("Youssef El Amrani, né le 3 mars 2015"), ["Youssef El Amrani"]);
        assert_eq!(found("ياسمين، 14 سنة، انقطعت عن الدراسة"), ["ياسمين"]);
    }

    #[test]
    fn names_without_context_or_in_institutions_pass() {
        for text in [
            "Merci Amal pour le modèle, les enfants de 8 à 12 ans l'ont aimé.",
            "L'hôpital Ibn Sina et l'école Al Amal ont signé.",
            "Le lycée Hassan II accueille la formation.",
            "Salma (prénom modifié), 9 ans, est élève.",
            "La psychologue Amal a animé la séance pour les mères.",
            "حصل الطفل على مساعدة من أمه",
            "Les enfants de 9 ans aiment le jeu.",
            "Comme le dit Karim, il faut du temps.",
            "عمر الطفل 9 سنوات",
            "@Amal tu as la fiche pour les parents ?",
            "Amal, tu as raison : la mère doit être reçue.",
            "Elle ne le dit pas à Youssef.",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
