//! Files in an S3-compatible bucket (moto): what one instance stores another
//! serves byte for byte, and `sanad files migrate` moves a data directory's
//! files into the bucket, resumably.

use reqwest::{Method, StatusCode};
use sanad_library::files::{Bucket, FileStore, Migrated};
use sanad_platform::Role;
use sanad_tests::{Backend, Client, S3Server, TestServer, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(instances_share_the_bucket, local_files_migrate_into_the_bucket);

fn meta(title: &str) -> String {
    json!({"title": title, "description": "Document de travail.", "type": "guide", "audience": ["professionals"], "language": "fr", "themes": ["pec"], "tags": ["médiation"]}).to_string()
}

/// A PDF with text to find, and a PNG-typed file larger than one chunk of a stream.
fn files(word: &str) -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    let pdf = sanad_library::pdfgen::text_pdf("Fiche", &[format!("Le mot {word} est ici.")]);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    png.extend(word.as_bytes());
    vec![("files", "fiche.pdf", pdf, "application/pdf"), ("files", "grand.png", png, "image/png")]
}

async fn publish(trainer: &mut Client, word: &str) -> String {
    let (st, created) = trainer.multipart("/api/v1/library/resources", &[("metadata", meta(word))], files(word)).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_string()
}

/// Downloads every file of resource `id` through `client`, checks the
/// headers, and returns (name, bytes) in order.
async fn download_all(client: &mut Client, id: &str) -> Vec<(String, Vec<u8>)> {
    let (st, full) = client.get(&format!("/api/v1/library/resources/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{full}");
    let mut out = Vec::new();
    for file in full["files"].as_array().unwrap() {
        let (st, bytes) = client
            .send_bytes(Method::GET, &format!("/api/v1/library/resources/{id}/files/{}", file["id"].as_str().unwrap()), None, None)
            .await;
        assert_eq!(st, StatusCode::OK);
        let h = &client.last_headers;
        assert_eq!(h["content-length"].to_str().unwrap(), bytes.len().to_string(), "the length is announced");
        assert_eq!(h["content-type"], "application/octet-stream");
        assert!(h["content-disposition"].to_str().unwrap().starts_with("attachment"), "{:?}", h["content-disposition"]);
        assert_eq!(h["x-content-type-options"], "nosniff");
        out.push((file["name"].as_str().unwrap().to_string(), bytes));
    }
    out
}

fn expected(word: &str) -> Vec<(String, Vec<u8>)> {
    files(word).into_iter().map(|(_, name, bytes, _)| (name.to_string(), bytes)).collect()
}

fn search_ids(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

async fn instances_share_the_bucket(backend: Backend) {
    let Some(s3) = S3Server::start("instances_share_the_bucket").await else { return };
    let prefix = format!("shared-{}", uuid::Uuid::new_v4().simple());
    let a = TestServer::start_with(backend, s3.options(&prefix)).await;
    let b = a.another_instance_with(s3.options(&prefix)).await;
    let mut trainer = a.user_with_role("trainer@example.org", Role::Trainer).await;
    let id = publish(&mut trainer, "zorblaxique").await;
    assert!(!a.data_dir.path().join("files").exists(), "nothing written to the data directory");

    // Uploaded through A, downloaded through B: the same bytes.
    let mut at_b = b.sign_in("trainer@example.org", "correct horse battery 9").await;
    assert_eq!(download_all(&mut at_b, &id).await, expected("zorblaxique"));
    // The PDF's text was extracted from the upload although no file is on disk.
    b.index_now().await;
    let (_, found) = at_b.get("/api/v1/library/resources?q=zorblaxique").await;
    assert_eq!(search_ids(&found), vec![id.clone()], "{found}");

    // The same content published again through B is stored once.
    publish(&mut at_b, "zorblaxique").await;
    let store = FileStore::Bucket(Bucket::open(&s3.url(&prefix), &s3.settings()).unwrap());
    for (_, bytes) in expected("zorblaxique") {
        let hash = sanad_library::files::content_hash(&bytes);
        assert_eq!(store.get(&hash).await.unwrap().len, bytes.len() as u64);
    }
    // A bucket that does not exist stops the start (checked, not found at the first upload).
    let missing = FileStore::Bucket(Bucket::open("s3://no-such-bucket/x", &s3.settings()).unwrap());
    let err = missing.check().await.unwrap_err().to_string();
    assert!(err.contains("s3://no-such-bucket/x"), "{err}");
    assert!(store.check().await.is_ok());
    b.stop().await;
    a.stop().await;
}

async fn local_files_migrate_into_the_bucket(backend: Backend) {
    let Some(s3) = S3Server::start("local_files_migrate_into_the_bucket").await else { return };
    let prefix = format!("migrated-{}", uuid::Uuid::new_v4().simple());
    // Files on one machine's disk, as today.
    let local = TestServer::start(backend).await;
    let mut trainer = local.user_with_role("trainer@example.org", Role::Trainer).await;
    let first = publish(&mut trainer, "premier").await;
    let second = publish(&mut trainer, "second").await;

    let store = FileStore::local(local.data_dir.path().join("files"));
    let bucket = Bucket::open(&s3.url(&prefix), &s3.settings()).unwrap();
    let done = store.migrate_to(&bucket, |_| {}).await.unwrap();
    assert_eq!(done, Migrated { copied: 4, present: 0 });
    // A second run (after an interruption, say) finds everything there.
    let again = store.migrate_to(&bucket, |_| {}).await.unwrap();
    assert_eq!(again, Migrated { copied: 0, present: 4 });
    // A file whose content does not match its name is refused, not copied.
    let bogus = format!("{}{}", "ab", "0".repeat(62));
    std::fs::create_dir_all(local.data_dir.path().join("files/ab")).unwrap();
    std::fs::write(local.data_dir.path().join("files/ab").join(&bogus), b"altered").unwrap();
    let err = store.migrate_to(&bucket, |_| {}).await.unwrap_err().to_string();
    assert!(err.contains(&bogus), "{err}");
    assert!(FileStore::Bucket(bucket.clone()).get(&bogus).await.is_err(), "not copied");

    // An instance on the bucket serves what the disk held.
    let on_bucket = local.another_instance_with(s3.options(&prefix)).await;
    let mut reader = on_bucket.sign_in("trainer@example.org", "correct horse battery 9").await;
    assert_eq!(download_all(&mut reader, &first).await, expected("premier"));
    assert_eq!(download_all(&mut reader, &second).await, expected("second"));
    on_bucket.stop().await;
    local.stop().await;
}
