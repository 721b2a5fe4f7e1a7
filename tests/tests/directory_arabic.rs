//! The directory in Arabic: texts served in the reader's language with the
//! language of each, Arabic search with Arabic letter folding, the Arabic
//! CSV columns (and files without them), the Arabic fields of the API.

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Options, TestServer, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(arabic_readers_get_arabic_texts_and_search_them, arabic_columns_of_the_csv_and_the_api);

const SERVICES: &str = "/api/v1/directory/services";

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

/// The share of Arabic letters among the letters of `text`.
fn arabic_share(text: &str) -> f64 {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let arabic = text.chars().filter(|c| c.is_alphabetic() && ('\u{0600}'..='\u{06FF}').contains(c)).count();
    arabic as f64 / letters.max(1) as f64
}

/// GET `path` with an `Accept-Language` header.
async fn get_in(srv: &TestServer, path: &str, accept: &str) -> Value {
    let res = reqwest::Client::new().get(format!("{}{path}", srv.url())).header("Accept-Language", accept).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Every text `item` has is in `l` (an empty text is said to be French).
fn languages_are(item: &Value, l: &str) {
    for field in ["name", "address", "hours", "services", "notes"] {
        let empty = item[field] == "" || item[field] == json!([]);
        assert_eq!(item["text_languages"][field], if empty { "fr" } else { l }, "{field}: {item}");
    }
}

async fn arabic_readers_get_arabic_texts_and_search_them(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await;

    // The acceptance check of issue 9: a hospital in Salé, in Arabic.
    let page = get_in(&srv, &format!("{SERVICES}?territory=sale&q={}", enc("مستشفى")), "ar").await;
    assert!(!items(&page).is_empty(), "{page}");
    for item in items(&page) {
        let share = arabic_share(&item.to_string());
        assert!(share >= 0.30, "{share:.2} Arabic: {item}");
        languages_are(item, "ar");
        assert_eq!(item["kind"], "hospital_unit");
        assert!(item["name"].as_str().unwrap().contains("المستشفى"), "{item}");
        assert!(item["hours"].as_str().unwrap().contains("الإثنين"), "{item}");
    }
    let hospital = items(&page)[0].clone();

    // Every demo entry reads in Arabic, in every language preference that puts Arabic first.
    for accept in ["ar", "ar-MA,fr;q=0.8", "en;q=0.1, ar"] {
        let all = get_in(&srv, &format!("{SERVICES}?limit=100"), accept).await;
        assert!(items(&all).len() >= 30);
        for item in items(&all) {
            languages_are(item, "ar");
            assert!(arabic_share(&item.to_string()) >= 0.30, "{item}");
        }
    }
    // French (and English, which the directory is not written in) readers get French.
    for accept in ["fr", "en", "fr-FR,ar;q=0.5"] {
        let page = get_in(&srv, &format!("{SERVICES}?territory=sale&q={}", enc("مستشفى")), accept).await;
        assert_eq!(items(&page).len(), 1, "{page}");
        assert_eq!(items(&page)[0]["id"], hospital["id"]);
        languages_are(&items(&page)[0], "fr");
        assert!(items(&page)[0]["name"].as_str().unwrap().contains("Hôpital"));
    }
    // ?lang= wins over the header; one service too.
    let id = hospital["id"].as_str().unwrap();
    let one = get_in(&srv, &format!("{SERVICES}/{id}?lang=ar"), "fr").await;
    assert_eq!(one, hospital);
    let one = get_in(&srv, &format!("{SERVICES}/{id}"), "fr").await;
    languages_are(&one, "fr");

    // Arabic letter folding: diacritics, alef maqsura, hamza forms, taa marbuta, the article.
    let mut anon = srv.client();
    for q in ["مُسْتَشْفَى", "مستشفي", "المستشفى", "الاقليمي سلا", "المحكمه الابتدائيه", "الانصات", "تابريكت"]
    {
        let (st, page) = anon.get(&format!("{SERVICES}?territory=sale&q={}&lang=ar", enc(q))).await;
        assert_eq!(st, StatusCode::OK);
        assert!(!items(&page).is_empty(), "{q} finds nothing");
        for item in items(&page) {
            let text = format!("{} {} {}", item["name"], item["services"], item["address"]);
            assert!(arabic_share(&text) > 0.9, "{q}: {item}");
        }
    }
    let (_, court) = anon.get(&format!("{SERVICES}?territory=sale&q={}", enc("المحكمه الابتدائيه"))).await;
    assert_eq!(items(&court).len(), 1, "{court}");
    assert_eq!(items(&court)[0]["kind"], "tribunal");
    let (_, nothing) = anon.get(&format!("{SERVICES}?territory=sale&q={}", enc("مستشفى الولادة بطنجة"))).await;
    assert!(items(&nothing).is_empty(), "{nothing}");
    srv.stop().await;
}

async fn import(c: &mut sanad_tests::Client, csv: &str) -> (StatusCode, Value) {
    c.send(Method::POST, &format!("{SERVICES}/import"), None, Some((csv.as_bytes().to_vec(), "text/csv; charset=utf-8"))).await
}

async fn arabic_columns_of_the_csv_and_the_api(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;

    // The export has the Arabic columns.
    let (st, bytes) = trainer.send_bytes(Method::GET, &format!("{SERVICES}/export?territory=sale"), None, None).await;
    assert_eq!(st, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with(
            "territory,kind,name,address,phone,hours,services,verified_at,notes,name_ar,address_ar,hours_ar,services_ar,notes_ar\r\n"
        ),
        "{text}"
    );
    assert!(text.contains("المستشفى الإقليمي بسلا"), "{text}");
    // Importing the export back changes nothing.
    let (st, report) = import(&mut trainer, &text).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report, json!({"created": 0, "updated": 0, "unchanged": 9}));

    // A file in the format before the Arabic columns still imports and keeps the Arabic texts.
    let old = "territory,kind,name,address,phone,hours,services,verified_at,notes\n\
               sale,police,Brigade des mineurs – Préfecture de police de Salé,\"22, boulevard des Tilleuls, quartier Bettana\",+212 500-000-104,7j/7 24h/24,réception des plaintes,2026-03-11,\n\
               sale,association,Association Sans Traduction,,,Lun–Ven 9h–17h,écoute,,\n";
    let (st, report) = import(&mut trainer, old).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report, json!({"created": 1, "updated": 1, "unchanged": 0}));
    let (_, police) = trainer.get(&format!("{SERVICES}?territory=sale&kind=police&lang=ar")).await;
    let police = &items(&police)[0];
    assert_eq!(police["name"], "فرقة الأحداث – ولاية أمن سلا", "{police}");
    // The French services changed; the Arabic ones, not in the file, are kept.
    assert_eq!(police["services"], json!(["تلقي الشكايات", "الاستماع الملائم للطفل", "الحماية المستعجلة"]));
    // An entry without Arabic texts is served in French to an Arabic reader, and says so.
    let (_, plain) = trainer.get(&format!("{SERVICES}?territory=sale&q=Traduction&lang=ar")).await;
    let plain = &items(&plain)[0];
    assert_eq!(plain["name"], "Association Sans Traduction");
    assert_eq!(plain["text_languages"], json!({"name": "fr", "address": "fr", "hours": "fr", "services": "fr", "notes": "fr"}));

    // Arabic columns in any order, some only; bad Arabic cells name their column.
    let partial = "name_ar,territory,kind,name,hours_ar\nجمعية بدون ترجمة كاملة,sale,association,Association Sans Traduction,من الإثنين إلى الجمعة 9:00–17:00\n";
    let (st, report) = import(&mut trainer, partial).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report["updated"], 1);
    let (_, mixed) = trainer.get(&format!("{SERVICES}?territory=sale&q={}&lang=ar", enc("ترجمه"))).await;
    let mixed = &items(&mixed)[0];
    assert_eq!(mixed["name"], "جمعية بدون ترجمة كاملة");
    assert_eq!(mixed["text_languages"], json!({"name": "ar", "address": "fr", "hours": "ar", "services": "fr", "notes": "fr"}));
    let long = "ا".repeat(201);
    let bad = format!("territory,kind,name,name_ar,services_ar\nsale,association,Association X,{long},أ/ب\n");
    let (st, body) = import(&mut trainer, &bad).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["line 2.name_ar"], "{body}");

    // The API's Arabic fields: create, patch, clear.
    let (st, created) = trainer
        .send(
            Method::POST,
            &format!("{SERVICES}?lang=ar"),
            Some(json!({
                "territory": "rabat", "kind": "psychological_support", "name": "Écoute Rabat",
                "hours": "Lun–Ven 9h–17h", "services": ["écoute"],
                "name_ar": "مركز الإنصات بالرباط", "hours_ar": "من الإثنين إلى الجمعة 9:00–17:00", "services_ar": ["الإنصات", "الدعم النفسي"],
            })),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    assert_eq!(created["name"], "مركز الإنصات بالرباط");
    assert_eq!(created["services"], json!(["الإنصات", "الدعم النفسي"]));
    assert_eq!(created["text_languages"]["address"], "fr");
    let path = format!("{SERVICES}/{}", created["id"].as_str().unwrap());
    let (st, patched) =
        trainer.send(Method::PATCH, &format!("{path}?lang=ar"), Some(json!({"name_ar": null, "notes_ar": "بموعد مسبق"})), None).await;
    assert_eq!(st, StatusCode::OK, "{patched}");
    assert_eq!(patched["name"], "Écoute Rabat");
    assert_eq!(patched["notes"], "بموعد مسبق");
    assert_eq!(patched["text_languages"]["name"], "fr");
    assert_eq!(patched["hours"], "من الإثنين إلى الجمعة 9:00–17:00");
    let (_, french) = trainer.get(&format!("{path}?lang=fr")).await;
    assert_eq!(french["hours"], "Lun–Ven 9h–17h");
    // Notes only in Arabic are served to a French reader too, marked as Arabic.
    assert_eq!(french["notes"], "بموعد مسبق");
    assert_eq!(french["text_languages"]["notes"], "ar");
    srv.stop().await;
}
