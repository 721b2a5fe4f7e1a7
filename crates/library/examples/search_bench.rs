//! Search benchmark: generates a corpus of resources in French and Arabic,
//! indexes it with Sanad's tantivy index and with SQLite FTS5 in the same
//! run, and measures indexing rate, index size, resident memory and query
//! latency (p50/p99) for typical queries. Run from the project root:
//!
//!     cargo run --release -p sanad-library --example search_bench -- 100000
//!
//! (bench/library.sh does exactly that and prints the table for bench/README.md.)

use sanad_library::search::{Filters, IndexDoc, LibraryIndex};
use sqlx::Connection;
use std::time::Instant;

const FR_WORDS: &[&str] = &[
    "prévention",
    "violences",
    "sexuelles",
    "enfant",
    "enfants",
    "écoute",
    "accueil",
    "orientation",
    "famille",
    "parents",
    "protection",
    "droits",
    "signalement",
    "tribunal",
    "hôpital",
    "association",
    "territoire",
    "circuit",
    "prise",
    "charge",
    "confidentialité",
    "éducateur",
    "travailleur",
    "social",
    "autoprotection",
    "mallette",
    "séance",
    "cascade",
    "pairs",
    "handicap",
    "risques",
    "ligne",
    "évaluation",
    "formation",
    "guide",
    "fiche",
    "pratique",
    "entretien",
    "révélation",
    "soutien",
    "psychologique",
    "épuisement",
    "supervision",
    "plaidoyer",
    "capitalisation",
    "annuaire",
    "services",
    "coordination",
    "document",
    "liaison",
    "intérêt",
    "supérieur",
    "convention",
    "négligence",
    "maltraitance",
];
const AR_WORDS: &[&str] = &[
    "العنف",
    "الأطفال",
    "الطفل",
    "الحماية",
    "الوقاية",
    "الأسرة",
    "الاستماع",
    "الاستقبال",
    "التوجيه",
    "المحكمة",
    "المستشفى",
    "الجمعية",
    "إرشادات",
    "آمنة",
    "الحقوق",
    "المصلحة",
    "الفضلى",
    "التكفل",
    "الإعاقة",
    "المخاطر",
    "الإنترنت",
    "التكوين",
    "الدليل",
    "بطاقة",
    "الدعم",
    "النفسي",
    "الإنهاك",
    "المهني",
    "الترافع",
    "الخدمات",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
    fn words(&mut self, v: &[&str], n: usize) -> String {
        (0..n).map(|_| self.pick(v)).collect::<Vec<_>>().join(" ")
    }
}

fn corpus(n: usize) -> Vec<IndexDoc> {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    (0..n)
        .map(|i| {
            let arabic = rng.next().is_multiple_of(3);
            let words = if arabic { AR_WORDS } else { FR_WORDS };
            let title = rng.words(words, 6);
            let body = rng.words(words, 120);
            IndexDoc {
                id: format!("{i:08}"),
                language: if arabic { "ar".into() } else { "fr".into() },
                title: title.clone(),
                body,
                type_code: rng.next() % 17 + 1,
                lang_code: if arabic { 2 } else { 1 },
                territory_code: rng.next() % 5,
                audience_codes: vec![rng.next() % 5 + 1, rng.next() % 5 + 1],
                theme_codes: vec![rng.next() % 5 + 1],
                created: i as u64,
                summary: format!("{{\"id\":\"00000000-0000-0000-0000-{i:012}\",\"title\":\"{title}\"}}"),
            }
        })
        .collect()
}

fn rss_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

const QUERIES: &[(&str, &str)] = &[
    ("fr: two words", "violences sexuelles"),
    ("fr: accent-free", "evaluation"),
    ("fr: typo", "prevension"),
    ("fr: phrase", "\"prise charge\""),
    ("fr: three words", "écoute enfant famille"),
    ("ar: word", "العنف"),
    ("ar: diacritics", "العُنْف"),
    ("ar: two words", "حماية الأطفال"),
    ("empty query (newest)", ""),
];

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs = 60;
    println!(
        "corpus: {n} resources (one third Arabic), {runs} runs per query, this machine: {} cores",
        std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1)
    );
    let docs = corpus(n);
    let dir = tempfile::tempdir()?;

    // ---- tantivy ----
    let rss_before = rss_kib("VmRSS:");
    let (index, _) = LibraryIndex::open(&dir.path().join("index"), 200_000_000, 2)?;
    let t = Instant::now();
    for d in &docs {
        index.put(&d.id, Some(d))?;
    }
    index.commit(1)?;
    let secs = t.elapsed().as_secs_f64();
    let tantivy_rate = n as f64 / secs;
    let tantivy_size = index.disk_size();
    let mut tantivy_lat = Vec::new();
    for (label, q) in QUERIES {
        let mut times = Vec::with_capacity(runs);
        let mut total = 0;
        for run in 0..runs {
            let filters = if run % 2 == 0 {
                Filters::default()
            } else {
                Filters { language: Some(if q.chars().any(|c| c > '\u{600}') { 2 } else { 1 }), ..Filters::default() }
            };
            let t = Instant::now();
            let r = index.search(q, filters, 20, None)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            total = r.found.total;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        tantivy_lat.push((label, percentile(&times, 0.5), percentile(&times, 0.99), total));
    }
    let tantivy_rss = rss_kib("VmRSS:").saturating_sub(rss_before);
    let tantivy_hwm = rss_kib("VmHWM:");

    // ---- SQLite FTS5, same corpus, same run ----
    let db_path = dir.path().join("fts.db");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", db_path.display())).await?;
    sqlx::query(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, lang UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
    )
    .execute(&mut conn)
    .await?;
    let t = Instant::now();
    let mut tx = conn.begin().await?;
    for d in &docs {
        sqlx::query("INSERT INTO docs (title, body, kind, lang) VALUES ($1, $2, $3, $4)")
            .bind(&d.title)
            .bind(&d.body)
            .bind(d.type_code as i64)
            .bind(d.lang_code as i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let fts_rate = n as f64 / t.elapsed().as_secs_f64();
    let fts_size = std::fs::metadata(&db_path)?.len();
    let mut fts_lat = Vec::new();
    for (_, q) in QUERIES {
        // FTS5 has no stemming for Arabic or French, no typo tolerance; the phrase keeps its quotes.
        let fts_q = if q.is_empty() {
            None
        } else {
            Some(
                q.split_whitespace()
                    .map(|w| if w.starts_with('"') { w.to_string() } else { format!("\"{w}\"") })
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        };
        let mut times = Vec::with_capacity(runs);
        let mut total = 0i64;
        for _ in 0..runs {
            let t = Instant::now();
            match &fts_q {
                Some(m) => {
                    let _rows: Vec<(String, String)> = sqlx::query_as("SELECT title, snippet(docs, 1, '<mark>', '</mark>', '…', 20) FROM docs WHERE docs MATCH $1 ORDER BY bm25(docs, 3.0, 1.0) LIMIT 20")
                        .bind(m)
                        .fetch_all(&mut conn)
                        .await?;
                    let facets: Vec<(i64, i64)> = sqlx::query_as("SELECT kind, COUNT(*) FROM docs WHERE docs MATCH $1 GROUP BY kind")
                        .bind(m)
                        .fetch_all(&mut conn)
                        .await?;
                    total = facets.iter().map(|(_, c)| c).sum();
                }
                None => {
                    let _rows: Vec<(String,)> =
                        sqlx::query_as("SELECT title FROM docs ORDER BY rowid DESC LIMIT 20").fetch_all(&mut conn).await?;
                    let facets: Vec<(i64, i64)> =
                        sqlx::query_as("SELECT kind, COUNT(*) FROM docs GROUP BY kind").fetch_all(&mut conn).await?;
                    total = facets.iter().map(|(_, c)| c).sum();
                }
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        fts_lat.push((percentile(&times, 0.5), percentile(&times, 0.99), total));
    }

    println!();
    println!("| | tantivy (Sanad's index) | SQLite FTS5 |");
    println!("|---|---|---|");
    println!("| indexing rate | {:.0} docs/s | {:.0} docs/s |", tantivy_rate, fts_rate);
    println!("| index size | {:.1} MiB | {:.1} MiB |", tantivy_size as f64 / 1048576.0, fts_size as f64 / 1048576.0);
    println!(
        "| resident memory added by the index (after queries) | {:.0} MiB (process peak {:.0} MiB) | (same process) |",
        tantivy_rss as f64 / 1024.0,
        tantivy_hwm as f64 / 1024.0
    );
    println!();
    println!("| query | tantivy p50 / p99 (ms) | hits | FTS5 p50 / p99 (ms) | hits |");
    println!("|---|---|---|---|---|");
    for ((label, p50, p99, total), (f50, f99, ftotal)) in tantivy_lat.iter().zip(&fts_lat) {
        println!("| {label} | {p50:.2} / {p99:.2} | {total} | {f50:.2} / {f99:.2} | {ftotal} |");
    }
    let worst = tantivy_lat.iter().map(|(_, _, p99, _)| *p99).fold(0.0, f64::max);
    println!();
    println!("tantivy worst p99: {worst:.2} ms (target < 15 ms); indexing {tantivy_rate:.0} docs/s (target >= 5000)");
    Ok(())
}
