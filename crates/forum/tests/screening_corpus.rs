//! Measures the standard screening pipeline on the corpus under
//! `screening/corpus/` (French, Arabic, Darija): posts that must be held,
//! with the kinds expected, and ordinary posts that must pass. Prints
//! precision and recall per kind, per language and for the decision to hold,
//! lists every case the screener got wrong, and fails below the floors.
//!
//! `screening/corpus/holdout/` holds cases written after the detectors were
//! tuned, measured separately (see the crate's README).
//!
//! Run: `cargo test -p sanad-forum --test screening_corpus -- --nocapture`

use sanad_forum::screening::{ALL_KINDS, Screener};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    kinds: Vec<String>,
    #[serde(default)]
    title: String,
    text: String,
}

/// True and false positives and false negatives.
#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn add(&mut self, expected: bool, found: bool) {
        match (expected, found) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { f64::from(self.tp) / f64::from(self.tp + self.fp) }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { f64::from(self.tp) / f64::from(self.tp + self.fn_) }
    }
}

/// What one run over a set of corpus files measured.
#[derive(Default)]
struct Report {
    /// Held or not, against should be held or not.
    held: Counts,
    /// Per kind, over every (post, kind) pair.
    kinds: BTreeMap<&'static str, Counts>,
    /// All kinds together.
    all_kinds: Counts,
    /// Held or not, per language (file name).
    languages: BTreeMap<String, Counts>,
    posts: (u32, u32),
    wrong: Vec<String>,
}

fn run(dir: &Path) -> Report {
    let screener = Screener::standard();
    let known: BTreeSet<&str> = ALL_KINDS.iter().map(|k| k.name).collect();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    let mut report = Report::default();
    for file in files {
        let language = file.file_stem().expect("stem").to_string_lossy().into_owned();
        let corpus: Corpus =
            toml::from_str(&std::fs::read_to_string(&file).expect("read")).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, case) in corpus.case.iter().enumerate() {
            let expected: BTreeSet<&str> = case.kinds.iter().map(String::as_str).collect();
            for kind in &expected {
                assert!(known.contains(kind), "{}: case {}: unknown kind {kind}", file.display(), n + 1);
            }
            let findings = screener.screen(&case.title, &case.text);
            let found: BTreeSet<&str> = findings.iter().map(|f| f.kind.name).collect();
            report.held.add(!expected.is_empty(), !found.is_empty());
            report.languages.entry(language.clone()).or_default().add(!expected.is_empty(), !found.is_empty());
            if expected.is_empty() {
                report.posts.1 += 1;
            } else {
                report.posts.0 += 1;
            }
            for kind in &known {
                let counts = report.kinds.entry(kind).or_default();
                counts.add(expected.contains(kind), found.contains(kind));
                report.all_kinds.add(expected.contains(kind), found.contains(kind));
            }
            if expected != found {
                let passages: Vec<String> = findings.iter().map(|f| format!("{}={:?}", f.kind.name, f.passage)).collect();
                report.wrong.push(format!(
                    "{language} #{}: expected {expected:?}, found {found:?} {passages:?}\n    {}",
                    n + 1,
                    if case.title.is_empty() { case.text.clone() } else { format!("[{}] {}", case.title, case.text) }
                ));
            }
        }
    }
    report
}

fn print(name: &str, report: &Report) {
    println!("\n== {name}: {} posts to hold, {} to pass", report.posts.0, report.posts.1);
    println!("{:<16} {:>9} {:>9} {:>5} {:>5} {:>5}", "", "precision", "recall", "tp", "fp", "fn");
    let line = |label: &str, c: &Counts| {
        println!("{label:<16} {:>9.3} {:>9.3} {:>5} {:>5} {:>5}", c.precision(), c.recall(), c.tp, c.fp, c.fn_);
    };
    line("held (posts)", &report.held);
    for (language, counts) in &report.languages {
        line(&format!("  {language}"), counts);
    }
    line("kinds (all)", &report.all_kinds);
    for (kind, counts) in &report.kinds {
        line(&format!("  {kind}"), counts);
    }
    if !report.wrong.is_empty() {
        println!("-- {} posts not screened as expected:", report.wrong.len());
        for wrong in &report.wrong {
            println!("  {wrong}");
        }
    }
}

/// Fails when a figure is under its floor; the floors sit a little under what
/// the pipeline reaches, so that a change that loses ground is seen.
fn check(report: &Report, held: (f64, f64), kinds: (f64, f64), per_kind: (f64, f64)) {
    let mut low = Vec::new();
    let mut floor = |label: String, c: &Counts, (p, r): (f64, f64)| {
        if c.precision() < p {
            low.push(format!("{label} precision {:.3} < {p}", c.precision()));
        }
        if c.recall() < r {
            low.push(format!("{label} recall {:.3} < {r}", c.recall()));
        }
    };
    floor("held".into(), &report.held, held);
    floor("kinds".into(), &report.all_kinds, kinds);
    for (kind, counts) in &report.kinds {
        floor(format!("kind {kind}"), counts, per_kind);
    }
    assert!(low.is_empty(), "under the floors: {low:#?}");
}

#[test]
fn corpus_meets_its_floors() {
    let report = run(&Path::new(env!("CARGO_MANIFEST_DIR")).join("screening/corpus"));
    print("corpus", &report);
    check(&report, (0.98, 0.98), (0.97, 0.97), (0.9, 0.9));
}

#[test]
fn holdout_meets_its_floors() {
    let report = run(&Path::new(env!("CARGO_MANIFEST_DIR")).join("screening/corpus/holdout"));
    print("holdout", &report);
    check(&report, (0.95, 0.95), (0.95, 0.95), (0.75, 0.75));
}
