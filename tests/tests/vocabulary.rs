//! The reference tables seeded by the migrations hold exactly the values of
//! the platform's vocabulary enums, in the same order, on both backends.

use reqwest::StatusCode;
use sanad_platform::vocabulary::{OrganizationKind, Territory};
use sanad_tests::{Backend, TestServer, on_both_backends};

on_both_backends!(seeded_reference_tables_equal_the_vocabularies);

async fn codes(server: &TestServer, path: &str) -> Vec<String> {
    let (status, body) = server.client().get(path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().expect("items").iter().map(|i| i["code"].as_str().expect("code").to_string()).collect()
}

async fn seeded_reference_tables_equal_the_vocabularies(backend: Backend) {
    let server = TestServer::start(backend).await;
    let territories: Vec<String> = Territory::ALL.iter().map(|t| t.to_string()).collect();
    assert_eq!(codes(&server, "/api/v1/reference/territories").await, territories, "migrations' territories vs Territory");
    let kinds: Vec<String> = OrganizationKind::ALL.iter().map(|k| k.to_string()).collect();
    assert_eq!(codes(&server, "/api/v1/reference/organization-kinds").await, kinds, "migrations' organization_kinds vs OrganizationKind");
    server.stop().await;
}
