//! The cost of one search on the demo library, as the server runs it (the
//! same index documents, page of 20, facets and snippets), without HTTP.
//! Meant to be counted with callgrind, which gives instructions rather than
//! times, so that it can be compared on a busy machine:
//!
//!     cargo build --release -p sanad-library --example search_cost
//!     valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!         target/release/examples/search_cost signalement 200
//!     callgrind_annotate /tmp/cg.out | head -40
//!
//! Arguments: the query (default `signalement`), how many searches (default
//! 200), and `all` to search lessons and resources together (`GET /search`).
//! Compare two runs of different counts to leave out the setup.

use chrono::{TimeZone, Utc};
use sanad_library::model::ResourceRecord;
use sanad_library::search::{DocKind, Filters, LibraryIndex};
use sanad_library::service::document_of;
use uuid::Uuid;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let q = args.next().unwrap_or_else(|| "signalement".into());
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let all = args.next().as_deref() == Some("all");
    let index = LibraryIndex::in_ram()?;
    for (i, d) in sanad_library::demo::resources()?.into_iter().enumerate() {
        let m = &d.metadata;
        let at = Utc.timestamp_opt(1_700_000_000 + i as i64, 0).single().unwrap_or_default();
        let record = ResourceRecord {
            id: Uuid::from_u128(i as u128 + 1),
            title: m.title.clone(),
            description: m.description.clone(),
            kind: m.kind.clone(),
            audience: serde_json::to_string(&m.audience)?,
            language: m.language.clone(),
            territory: m.territory.clone(),
            themes: serde_json::to_string(&m.themes)?,
            tags: serde_json::to_string(&m.tags)?,
            links: "[]".into(),
            review_by: None,
            published: true,
            deleted_at: None,
            view_count: 0,
            download_count: 0,
            created_at: at,
            updated_at: at,
        };
        // The server indexes a demo PDF's text as it wrote it (see Library::load_demo).
        let texts: Vec<String> =
            d.pages.iter().map(|p| sanad_library::extract::normalize(&format!("{}\n{}", m.title, p.join("\n")))).collect();
        let doc = document_of(&record, &texts)?;
        index.put(&doc.id.clone(), Some(&doc))?;
    }
    index.commit(1)?;
    let filters = if all { Filters::default() } else { Filters { doc_kind: Some(DocKind::Resource as u64), ..Filters::default() } };
    let mut hits = 0;
    let mut snippets = 0;
    for _ in 0..runs {
        let r = index.search(&q, filters, 20, None)?;
        hits = r.hits.len();
        snippets = r.hits.iter().filter(|(_, _, s)| !s.is_empty()).count();
    }
    println!("{runs} searches for {q:?}: {hits} hits on the page, {snippets} with a snippet, of {} documents", index.num_docs());
    Ok(())
}
