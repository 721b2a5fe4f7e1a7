//! Search benchmark: generates a corpus of resources in French and Arabic,
//! indexes it with Sanad's tantivy index and with SQLite FTS5 in the same
//! run, and measures indexing rate, index size, resident memory and query
//! latency (p50/p99) for typical queries. Run from the project root:
//!
//!     cargo run --release -p sanad-library --example search_bench -- 100000
//!
//! (bench/library.sh does exactly that and prints the table for bench/README.md.)
//!
//! With `SANAD_BENCH_PG` set to a PostgreSQL URL, PostgreSQL full-text search
//! (`french` configuration over `unaccent`, `ts_rank_cd`, GIN index) runs
//! beside them on the same corpus. Each engine's mean reciprocal rank on the
//! relevance set (`crates/library/search/relevance.toml`) is printed too.

use sanad_library::search::{DocKind, Filters, IndexDoc, LibraryIndex};
use serde::Deserialize;
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
                kind: DocKind::Resource,
                group: String::new(),
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
    let runs = std::env::var("SANAD_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(60);
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
    let only = std::env::var("SANAD_BENCH_QUERY").ok();
    for (label, q) in QUERIES.iter().filter(|(l, _)| only.as_deref().is_none_or(|o| l.contains(o))) {
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
    if std::env::var_os("SANAD_BENCH_TANTIVY_ONLY").is_some() {
        // A quick look while tuning the query: Sanad's figures only.
        for (label, p50, p99, total) in &tantivy_lat {
            println!("{label:24} {p50:7.2} / {p99:7.2} ms  {total} hits");
        }
        return Ok(());
    }

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
    drop(index);

    // ---- PostgreSQL full-text search, same corpus ----
    let pg_url = std::env::var("SANAD_BENCH_PG").ok().filter(|u| !u.is_empty());
    if let Some(url) = &pg_url {
        let mut pg = sqlx::PgConnection::connect(url).await?;
        pg_setup(&mut pg).await?;
        let t = Instant::now();
        for chunk in docs.chunks(2000) {
            let titles: Vec<&str> = chunk.iter().map(|d| d.title.as_str()).collect();
            let bodies: Vec<&str> = chunk.iter().map(|d| d.body.as_str()).collect();
            let kinds: Vec<i64> = chunk.iter().map(|d| d.type_code as i64).collect();
            let langs: Vec<i64> = chunk.iter().map(|d| d.lang_code as i64).collect();
            sqlx::query(
                "INSERT INTO bench_docs (title, body, kind, lang, tsv) SELECT t, b, k, l, \
                 setweight(to_tsvector('french', bench_unaccent(t)), 'A') || setweight(to_tsvector('french', bench_unaccent(b)), 'B') \
                 FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS u(t, b, k, l)",
            )
            .bind(&titles)
            .bind(&bodies)
            .bind(&kinds)
            .bind(&langs)
            .execute(&mut pg)
            .await?;
        }
        sqlx::query("CREATE INDEX bench_docs_tsv ON bench_docs USING GIN (tsv)").execute(&mut pg).await?;
        sqlx::query("ANALYZE bench_docs").execute(&mut pg).await?;
        let pg_rate = n as f64 / t.elapsed().as_secs_f64();
        let pg_size: i64 = sqlx::query_scalar("SELECT pg_total_relation_size('bench_docs')").fetch_one(&mut pg).await?;
        println!();
        println!("PostgreSQL full-text: indexing {pg_rate:.0} docs/s, table + GIN index {:.1} MiB", pg_size as f64 / 1048576.0);
        println!();
        println!("| query | PostgreSQL p50 / p99 (ms) | hits |");
        println!("|---|---|---|");
        for (label, q) in QUERIES {
            let mut times = Vec::with_capacity(runs);
            let mut total = 0i64;
            for _ in 0..runs {
                let t = Instant::now();
                total = pg_search(&mut pg, q).await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(|a, b| a.total_cmp(b));
            println!("| {label} | {:.2} / {:.2} | {total} |", percentile(&times, 0.5), percentile(&times, 0.99));
        }
        sqlx::query("DROP TABLE bench_docs").execute(&mut pg).await?;
    }

    relevance(pg_url.as_deref()).await
}

/// The table, the immutable `unaccent` wrapper an index expression needs, and a clean slate.
async fn pg_setup(pg: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    sqlx::query("CREATE EXTENSION IF NOT EXISTS unaccent").execute(&mut *pg).await?;
    sqlx::query(
        "CREATE OR REPLACE FUNCTION bench_unaccent(text) RETURNS text AS $$ SELECT public.unaccent('public.unaccent', $1) $$ \
         LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT",
    )
    .execute(&mut *pg)
    .await?;
    sqlx::query("DROP TABLE IF EXISTS bench_docs").execute(&mut *pg).await?;
    sqlx::query(
        "CREATE TABLE bench_docs (id BIGSERIAL PRIMARY KEY, key TEXT, title TEXT, body TEXT, kind BIGINT, lang BIGINT, tsv TSVECTOR)",
    )
    .execute(&mut *pg)
    .await?;
    Ok(())
}

/// The words of `q` (any of them, as PostgreSQL's `french` configuration sees them over `unaccent`).
const PG_QUERY: &str = "replace(plainto_tsquery('french', bench_unaccent($1))::text, '&', '|')::tsquery";

/// A page of 20 with headlines, and the facet counts: what Sanad's search answers.
async fn pg_search(pg: &mut sqlx::PgConnection, q: &str) -> anyhow::Result<i64> {
    if q.is_empty() {
        let _rows: Vec<(String,)> = sqlx::query_as("SELECT title FROM bench_docs ORDER BY id DESC LIMIT 20").fetch_all(&mut *pg).await?;
        let facets: Vec<(i64, i64)> = sqlx::query_as("SELECT kind, COUNT(*) FROM bench_docs GROUP BY kind").fetch_all(&mut *pg).await?;
        return Ok(facets.iter().map(|(_, c)| c).sum());
    }
    let page = format!(
        "SELECT title, ts_headline('french', body, q, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30') FROM \
         (SELECT title, body, {PG_QUERY} AS q, ts_rank_cd(tsv, {PG_QUERY}) AS rank FROM bench_docs WHERE tsv @@ {PG_QUERY} \
          ORDER BY rank DESC LIMIT 20) AS best"
    );
    let _rows: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(page.as_str())).bind(q).fetch_all(&mut *pg).await?;
    let facets_sql = format!("SELECT kind, COUNT(*) FROM bench_docs WHERE tsv @@ {PG_QUERY} GROUP BY kind");
    let facets: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(facets_sql.as_str())).bind(q).fetch_all(&mut *pg).await?;
    Ok(facets.iter().map(|(_, c)| c).sum())
}

#[derive(Deserialize)]
struct RelevanceSet {
    doc: Vec<RelevanceDoc>,
    query: Vec<RelevanceCase>,
}

#[derive(Deserialize)]
struct RelevanceDoc {
    key: String,
    language: String,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct RelevanceCase {
    q: String,
    expect: Vec<String>,
}

/// MRR@10 and top-3 rate of a list of ranked answers.
fn score(set: &RelevanceSet, answers: &[Vec<String>]) -> (f64, f64) {
    let mut rr = 0.0;
    let mut top3 = 0;
    for (case, keys) in set.query.iter().zip(answers) {
        if let Some(r) = keys.iter().take(10).position(|k| case.expect.contains(k)) {
            rr += 1.0 / (r as f64 + 1.0);
            if r < 3 {
                top3 += 1;
            }
        }
    }
    let n = set.query.len() as f64;
    (rr / n, top3 as f64 / n)
}

/// The relevance set (the demo library plus its own documents) on each engine.
async fn relevance(pg_url: Option<&str>) -> anyhow::Result<()> {
    let set: RelevanceSet = toml::from_str(include_str!("../search/relevance.toml"))?;
    let mut corpus: Vec<(String, String, String, String)> = Vec::new();
    for d in sanad_library::demo::resources()? {
        let m = &d.metadata;
        let mut body = format!("{}\n{}", m.description, m.tags.join(" · "));
        for p in d.pages.iter().flatten() {
            body.push('\n');
            body.push_str(p);
        }
        corpus.push((d.key.clone(), m.language.clone(), m.title.clone(), body));
    }
    corpus.extend(set.doc.iter().map(|d| (d.key.clone(), d.language.clone(), d.title.clone(), d.body.clone())));

    let index = LibraryIndex::in_ram()?;
    for (i, (key, language, title, body)) in corpus.iter().enumerate() {
        let doc = IndexDoc {
            id: key.clone(),
            kind: DocKind::Resource,
            language: language.clone(),
            title: title.clone(),
            body: body.clone(),
            created: i as u64,
            summary: key.clone(),
            ..IndexDoc::default()
        };
        index.put(key, Some(&doc))?;
    }
    index.commit(1)?;
    let mut answers = Vec::new();
    for case in &set.query {
        let found = index.search(&case.q, Filters::default(), 10, None)?;
        answers.push(found.hits.into_iter().map(|(_, key, _)| key).collect());
    }
    let tantivy = score(&set, &answers);
    // CPU per search on a library of the demo's size (sequential; page, facets and snippets).
    let passes = 20;
    let t = Instant::now();
    for _ in 0..passes {
        for case in &set.query {
            index.search(&case.q, Filters::default(), 20, None)?;
        }
    }
    let per_query_us = t.elapsed().as_secs_f64() * 1e6 / (passes * set.query.len()) as f64;

    let mut fts = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
    sqlx::query("CREATE VIRTUAL TABLE rel USING fts5(key UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')")
        .execute(&mut fts)
        .await?;
    for (key, _, title, body) in &corpus {
        sqlx::query("INSERT INTO rel (key, title, body) VALUES ($1, $2, $3)").bind(key).bind(title).bind(body).execute(&mut fts).await?;
    }
    let mut answers = Vec::new();
    for case in &set.query {
        // Any word (all words required would leave most partial queries empty), title weighted 3x.
        let m = case
            .q
            .split(|c: char| !c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c))
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" OR ");
        let keys: Vec<String> = if m.is_empty() {
            Vec::new()
        } else {
            sqlx::query_scalar("SELECT key FROM rel WHERE rel MATCH $1 ORDER BY bm25(rel, 0.0, 3.0, 1.0) LIMIT 10")
                .bind(&m)
                .fetch_all(&mut fts)
                .await?
        };
        answers.push(keys);
    }
    let fts5 = score(&set, &answers);

    println!();
    println!("Relevance set: {} queries over {} documents", set.query.len(), corpus.len());
    println!("tantivy: {per_query_us:.0} µs of CPU per search at this size (sequential, {passes} passes over the set)");
    println!();
    println!("| engine | MRR@10 | top-3 |");
    println!("|---|---|---|");
    println!("| tantivy (Sanad) | {:.3} | {:.1}% |", tantivy.0, tantivy.1 * 100.0);
    println!("| SQLite FTS5 (any word, bm25) | {:.3} | {:.1}% |", fts5.0, fts5.1 * 100.0);
    if let Some(url) = pg_url {
        let mut pg = sqlx::PgConnection::connect(url).await?;
        pg_setup(&mut pg).await?;
        for (key, _, title, body) in &corpus {
            sqlx::query(
                "INSERT INTO bench_docs (key, title, body, kind, lang, tsv) VALUES ($1, $2, $3, 0, 0, \
                 setweight(to_tsvector('french', bench_unaccent($2)), 'A') || setweight(to_tsvector('french', bench_unaccent($3)), 'B'))",
            )
            .bind(key)
            .bind(title)
            .bind(body)
            .execute(&mut pg)
            .await?;
        }
        let sql = format!("SELECT key FROM bench_docs WHERE tsv @@ {PG_QUERY} ORDER BY ts_rank_cd(tsv, {PG_QUERY}) DESC, id LIMIT 10");
        let mut answers = Vec::new();
        for case in &set.query {
            let keys: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(&case.q).fetch_all(&mut pg).await?;
            answers.push(keys);
        }
        let pgs = score(&set, &answers);
        println!("| PostgreSQL (french + unaccent, any word, ts_rank_cd) | {:.3} | {:.1}% |", pgs.0, pgs.1 * 100.0);
        sqlx::query("DROP TABLE bench_docs").execute(&mut pg).await?;
    }
    Ok(())
}
