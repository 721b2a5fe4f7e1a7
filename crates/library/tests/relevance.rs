//! The relevance set (`crates/library/search/relevance.toml`) run against the
//! search: prints MRR@10 and the top-3 rate, and fails under the floor.

use sanad_library::search::{DocKind, Filters, IndexDoc, LibraryIndex};
use serde::Deserialize;

#[derive(Deserialize)]
struct Set {
    doc: Vec<Doc>,
    query: Vec<Case>,
}

#[derive(Deserialize)]
struct Doc {
    key: String,
    language: String,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct Case {
    q: String,
    expect: Vec<String>,
}

const MRR_FLOOR: f64 = 0.95;
const TOP3_FLOOR: f64 = 0.95;

fn index_doc(key: &str, language: &str, title: &str, body: String, n: u64) -> IndexDoc {
    IndexDoc {
        id: key.to_string(),
        kind: DocKind::Resource,
        language: language.to_string(),
        title: title.to_string(),
        body,
        type_code: 1,
        lang_code: 1,
        created: n,
        summary: key.to_string(),
        ..IndexDoc::default()
    }
}

#[test]
fn relevance_stays_above_the_floor() {
    let set: Set = toml::from_str(include_str!("../search/relevance.toml")).unwrap();
    assert!(set.query.len() >= 40, "at least 40 queries");
    let index = LibraryIndex::in_ram().unwrap();
    let mut n = 0;
    for d in sanad_library::demo::resources().unwrap() {
        n += 1;
        let m = &d.metadata;
        let mut body = format!("{}\n{}", m.description, m.tags.join(" · "));
        for p in d.pages.iter().flatten() {
            body.push('\n');
            body.push_str(p);
        }
        index.put(&d.key, Some(&index_doc(&d.key, &m.language, &m.title, body, n))).unwrap();
    }
    for d in &set.doc {
        n += 1;
        index.put(&d.key, Some(&index_doc(&d.key, &d.language, &d.title, d.body.clone(), n))).unwrap();
    }
    index.commit(1).unwrap();
    let (mut rr, mut top3, mut misses) = (0.0, 0, Vec::new());
    for case in &set.query {
        let found = index.search(&case.q, Filters::default(), 10, None).unwrap();
        let keys: Vec<&str> = found.hits.iter().map(|(_, summary, _)| summary.as_str()).collect();
        let rank = keys.iter().position(|k| case.expect.iter().any(|e| e == k));
        match rank {
            Some(r) => {
                rr += 1.0 / (r as f64 + 1.0);
                if r > 0 {
                    println!("  {:?}: rank {} {:?}", case.q, r + 1, &keys[..keys.len().min(4)]);
                }
                if r < 3 {
                    top3 += 1;
                } else {
                    misses.push(format!("{:?}: rank {} {:?}", case.q, r + 1, &keys[..keys.len().min(4)]));
                }
            }
            None => misses.push(format!("{:?}: not found {:?}", case.q, &keys[..keys.len().min(4)])),
        }
    }
    let count = set.query.len() as f64;
    let (mrr, top3_rate) = (rr / count, top3 as f64 / count);
    println!("relevance: {} queries, MRR@10 {mrr:.3}, top-3 {:.1}%", set.query.len(), top3_rate * 100.0);
    for m in &misses {
        println!("  {m}");
    }
    assert!(mrr >= MRR_FLOOR && top3_rate >= TOP3_FLOOR, "relevance under the floor: MRR@10 {mrr:.3}, top-3 {top3_rate:.3}; {misses:#?}");
}
