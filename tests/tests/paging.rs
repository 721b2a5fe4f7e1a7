//! Lists that answered whole before they were paged (a trainer's courses,
//! resources due for review): without `limit` or `cursor` they still do;
//! with them they page by key, and the pages together are the whole list.

use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, assert_problem, on_both_backends};
use serde_json::Value;

on_both_backends!(newly_paged_lists_page_and_stay_whole_by_default);

/// The ids of `path` read whole, then page by page with `limit`: both in the same order.
async fn whole_and_paged(c: &mut Client, path: &str, limit: u32) -> (Vec<Value>, Vec<Value>) {
    let (st, whole) = c.get(path).await;
    assert_eq!(st, StatusCode::OK, "{whole}");
    assert!(whole["next_cursor"].is_null(), "a list read whole has no next page: {whole}");
    let whole: Vec<Value> = whole["items"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let (st, page) = c.get(&url).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit as usize);
        paged.extend(items.iter().map(|i| i["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
        assert!(paged.len() <= whole.len(), "paging never ends");
    }
    (whole, paged)
}

async fn newly_paged_lists_page_and_stay_whole_by_default(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;

    for (who, path) in [(&mut admin, "/api/v1/authoring/courses"), (&mut trainer, "/api/v1/library/review-due")] {
        let (whole, paged) = whole_and_paged(who, path, 2).await;
        assert!(whole.len() > 2, "{path}: the demo content makes more than one page: {whole:?}");
        assert_eq!(paged, whole, "{path}: the pages, in order, are the whole list");

        let (st, first) = who.get(&format!("{path}?limit=1")).await;
        assert_eq!((st, first["items"].as_array().unwrap().len()), (StatusCode::OK, 1));
        let (st, body) = who.get(&format!("{path}?cursor=not-a-cursor")).await;
        assert_problem(who, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
        assert_eq!(body["errors"][0]["field"], "cursor", "{body}");
        let (st, body) = who.get(&format!("{path}?limit=0")).await;
        assert_problem(who, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
        assert_eq!(body["errors"][0]["field"], "limit", "{body}");
    }
    srv.stop().await;
}
