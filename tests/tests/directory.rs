//! The directory of services end to end: public reading with filters, search
//! and keyset pages; editing by trainers and admins only; staleness and
//! verification; CSV export and all-or-nothing import through the API.

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};
use std::collections::HashSet;

on_both_backends!(
    reading_is_public_filtered_and_paged,
    only_trainers_and_admins_edit,
    bad_input_names_the_fields_and_keeps_data,
    stale_entries_and_verification,
    csv_round_trip_through_the_api,
    bad_csv_is_refused_whole,
);

const SERVICES: &str = "/api/v1/directory/services";

async fn with_demo(backend: Backend) -> TestServer {
    TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| (e["field"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string())).collect())
        .unwrap_or_default()
}

/// Every service, following the cursors `limit` at a time.
async fn all_pages(c: &mut Client, query: &str, limit: u32) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cur) => format!("{SERVICES}?{query}&limit={limit}&cursor={cur}"),
            None => format!("{SERVICES}?{query}&limit={limit}"),
        };
        let (st, page) = c.get(&path).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        assert!(items(&page).len() <= limit as usize);
        out.extend(items(&page).iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
        assert!(out.len() < 1000, "cursor loop");
    }
    out
}

async fn import(c: &mut Client, csv: &str) -> (StatusCode, Value) {
    c.send(Method::POST, &format!("{SERVICES}/import"), None, Some((csv.as_bytes().to_vec(), "text/csv; charset=utf-8"))).await
}

async fn export(c: &mut Client, query: &str) -> (String, String) {
    let (st, bytes) = c.send_bytes(Method::GET, &format!("{SERVICES}/export{query}"), None, None).await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(c.content_type(), "text/csv; charset=utf-8");
    let disposition = c.last_headers.get("content-disposition").unwrap().to_str().unwrap().to_string();
    (disposition, String::from_utf8(bytes).unwrap())
}

fn new_service(name: &str) -> Value {
    json!({
        "territory": "rabat",
        "kind": "psychological_support",
        "name": name,
        "address": "12, rue des Tests, Rabat",
        "phone": "05 37 00 00 99",
        "hours": "Lun–Ven 9h–17h",
        "services": ["écoute", "groupe de parole"],
        "notes": "Sur rendez-vous",
    })
}

async fn reading_is_public_filtered_and_paged(backend: Backend) {
    let srv = with_demo(backend).await;
    let mut anon = srv.client();

    // Every demo service, in pages of 5, each once, in territory, kind, name order.
    let all = all_pages(&mut anon, "", 5).await;
    let (_, first) = anon.get(SERVICES).await;
    assert!(all.len() >= 20, "{} services", all.len());
    let ids: HashSet<&str> = all.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len(), "a service appeared on two pages");
    let keys: Vec<(String, String)> =
        all.iter().map(|s| (s["territory"].as_str().unwrap().to_string(), s["kind"].as_str().unwrap().to_string())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(items(&first).len(), 20, "default page size");
    for s in &all {
        assert!(s["verified_at"].as_str().unwrap().len() == 10, "{s}");
        assert!(s["stale"].is_boolean());
        if let Some(uri) = s["phone_uri"].as_str() {
            assert!(uri.starts_with("tel:") && uri[4..].trim_start_matches('+').bytes().all(|b| b.is_ascii_digit()), "{uri}");
        }
    }
    let tribunal = all.iter().find(|s| s["territory"] == "sale" && s["kind"] == "tribunal").unwrap();
    assert_eq!(tribunal["phone_uri"], "tel:+212500000101", "{tribunal}");

    // Filters.
    let rabat = all_pages(&mut anon, "territory=rabat", 100).await;
    assert!(!rabat.is_empty() && rabat.iter().all(|s| s["territory"] == "rabat"));
    assert_eq!(rabat.len(), all.iter().filter(|s| s["territory"] == "rabat").count());
    let (_, by_name) = anon.get(&format!("{SERVICES}?territory=Sal%C3%A9")).await;
    assert!(items(&by_name).iter().all(|s| s["territory"] == "sale") && !items(&by_name).is_empty(), "territory by name");
    let (_, courts) = anon.get(&format!("{SERVICES}?kind=tribunal")).await;
    assert_eq!(items(&courts).len(), 4, "one court per territory: {courts}");
    let (_, one) = anon.get(&format!("{SERVICES}?territory=kenitra&kind=police")).await;
    assert_eq!(items(&one).len(), 1);
    assert_eq!(items(&one)[0]["territory"], "kenitra");

    // Search: case and accents aside, every word must match.
    let (_, accented) = anon.get(&format!("{SERVICES}?q=H%C3%B4pital")).await;
    let (_, plain) = anon.get(&format!("{SERVICES}?q=HOPITAL")).await;
    assert!(!items(&accented).is_empty(), "{accented}");
    assert_eq!(items(&accented), items(&plain));
    // "centre hospitalier" is another name of a hospital (the thesaurus).
    let named = |s: &Value, word: &str| {
        s["name"].as_str().unwrap().to_lowercase().contains(word)
            || s["services"].to_string().to_lowercase().contains(word)
            || s["address"].as_str().unwrap().to_lowercase().contains(word)
    };
    assert!(items(&plain).iter().all(|s| named(s, "hôpital") || named(s, "hospitalier")));
    assert!(items(&plain).iter().any(|s| named(s, "hospitalier")));
    let (_, by_service) = anon.get(&format!("{SERVICES}?q=constat%20medical&territory=sale")).await;
    assert_eq!(items(&by_service).len(), 1, "{by_service}");
    assert_eq!(items(&by_service)[0]["kind"], "hospital_unit");
    let (_, nothing) = anon.get(&format!("{SERVICES}?q=zzzz%25")).await;
    assert!(items(&nothing).is_empty());
    let (_, wildcard) = anon.get(&format!("{SERVICES}?q=%25")).await;
    assert_eq!(items(&wildcard).len(), 20, "a lone % is no filter, not an error");
    // The library's analyzers and thesaurus: an Arabic name, a plural, common words.
    let (_, arabic) =
        anon.get(&format!("{SERVICES}?q={}", url::form_urlencoded::byte_serialize("مستشفى".as_bytes()).collect::<String>())).await;
    assert_eq!(items(&arabic), items(&plain), "مستشفى finds the hospitals");
    let (_, plural) = anon.get(&format!("{SERVICES}?q=h%C3%B4pitaux")).await;
    assert_eq!(items(&plural), items(&plain), "hôpitaux finds the hôpital");
    let (_, words) = anon.get(&format!("{SERVICES}?q=le%20constat%20m%C3%A9dical&territory=sale")).await;
    assert_eq!(items(&words), items(&by_service), "common words never narrow");

    // One service; unknown ids and bad filters are problems.
    let id = tribunal["id"].as_str().unwrap();
    let (st, one) = anon.get(&format!("{SERVICES}/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(&one, tribunal);
    let got = anon.get(&format!("{SERVICES}/{}", uuid::Uuid::now_v7())).await;
    assert_problem(&anon, StatusCode::NOT_FOUND, (got.0, &got.1));
    let got = anon.get(&format!("{SERVICES}/not-a-uuid")).await;
    assert_problem(&anon, StatusCode::BAD_REQUEST, (got.0, &got.1));
    for (query, field) in [("territory=casablanca", "territory"), ("kind=hopital", "kind"), ("cursor=abc", "cursor"), ("limit=0", "limit")]
    {
        let (st, body) = anon.get(&format!("{SERVICES}?{query}")).await;
        assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    srv.stop().await;

    // No demo directory when demo content is off.
    let empty = TestServer::start(backend).await;
    let (_, none) = empty.client().get(SERVICES).await;
    assert!(items(&none).is_empty());
    empty.stop().await;
}

async fn only_trainers_and_admins_edit(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut anon = srv.client();
    let mut learner = srv.learner("learner@example.org").await;
    let mut moderator = srv.user_with_role("moderator@example.org", Role::Moderator).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;

    let got = anon.post(SERVICES, new_service("Écoute Rabat")).await;
    assert_problem(&anon, StatusCode::UNAUTHORIZED, (got.0, &got.1));
    for c in [&mut learner, &mut moderator] {
        let got = c.post(SERVICES, new_service("Écoute Rabat")).await;
        assert_problem(c, StatusCode::FORBIDDEN, (got.0, &got.1));
    }
    let (st, created) = trainer.post(SERVICES, new_service("Écoute Rabat")).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    assert_eq!(created["phone_uri"], "tel:+212537000099");
    assert_eq!(created["services"], json!(["écoute", "groupe de parole"]));
    assert_eq!(created["verified_at"], srv.clock().now().date_naive().to_string());
    assert_eq!(created["stale"], false);
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("{SERVICES}/{id}");

    // Everyone reads.
    for c in [&mut anon, &mut learner] {
        let (st, got) = c.get(&path).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(got, created);
    }

    // Writes: 401 anonymous, 403 learner and moderator, allowed for trainers and admins.
    let verify = format!("{path}/verify");
    for (method, p) in [(Method::PATCH, &path), (Method::DELETE, &path), (Method::POST, &verify)] {
        let body = (method == Method::PATCH).then(|| json!({"hours": "fermé"}));
        let got = anon.send(method.clone(), p, body.clone(), None).await;
        assert_problem(&anon, StatusCode::UNAUTHORIZED, (got.0, &got.1));
        for c in [&mut learner, &mut moderator] {
            let got = c.send(method.clone(), p, body.clone(), None).await;
            assert_problem(c, StatusCode::FORBIDDEN, (got.0, &got.1));
        }
    }
    let got = learner.send(Method::POST, &format!("{SERVICES}/import"), None, Some((b"territory,kind,name\n".to_vec(), "text/csv"))).await;
    assert_problem(&learner, StatusCode::FORBIDDEN, (got.0, &got.1));
    let got = anon.send(Method::POST, &format!("{SERVICES}/import"), None, Some((b"territory,kind,name\n".to_vec(), "text/csv"))).await;
    assert_problem(&anon, StatusCode::UNAUTHORIZED, (got.0, &got.1));
    let (_, unchanged) = anon.get(&path).await;
    assert_eq!(unchanged, created, "refused writes changed nothing");

    let (st, patched) = admin.patch(&path, json!({"hours": "Lun–Sam 9h–13h", "notes": null, "services": ["écoute"]})).await;
    assert_eq!(st, StatusCode::OK, "{patched}");
    assert_eq!(patched["hours"], "Lun–Sam 9h–13h");
    assert_eq!(patched["notes"], "");
    assert_eq!(patched["services"], json!(["écoute"]));
    assert_eq!(patched["name"], "Écoute Rabat", "absent fields are kept");
    let (st, verified) = trainer.post(&verify, json!({})).await;
    assert_eq!(st, StatusCode::OK, "{verified}");
    let (st, body) = trainer.delete(&path).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    let got = anon.get(&path).await;
    assert_problem(&anon, StatusCode::NOT_FOUND, (got.0, &got.1));
    let got = admin.delete(&path).await;
    assert_problem(&admin, StatusCode::NOT_FOUND, (got.0, &got.1));
    srv.stop().await;
}

async fn bad_input_names_the_fields_and_keeps_data(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let (_, kept) = trainer.post(SERVICES, new_service("Centre d'écoute Al Amal")).await;
    let path = format!("{SERVICES}/{}", kept["id"].as_str().unwrap());

    let (st, body) = trainer
        .post(
            SERVICES,
            json!({"territory": "casablanca", "kind": "hopital", "name": "  ", "phone": "05 37 AB CD", "verified_at": "2025-13-01"}),
        )
        .await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let expected: Vec<(String, String)> = [
        ("territory", "unknown_value"),
        ("kind", "unknown_value"),
        ("name", "required"),
        ("phone", "invalid_format"),
        ("verified_at", "invalid_format"),
    ]
    .iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    assert_eq!(field_codes(&body), expected, "{body}");
    let tomorrow = (srv.clock().now() + chrono::Duration::days(2)).date_naive().to_string();
    let (st, body) = trainer.post(SERVICES, json!({"territory": "rabat", "kind": "police", "name": "X", "verified_at": tomorrow})).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(field_codes(&body), vec![("verified_at".to_string(), "out_of_range".to_string())]);
    let (st, body) = trainer.post(SERVICES, json!({"territory": "rabat", "kind": "police", "name": 42})).await;
    assert_problem(&trainer, StatusCode::BAD_REQUEST, (st, &body));
    let (st, body) = trainer.post(SERVICES, json!({"territory": "rabat", "kind": "police"})).await;
    assert_problem(&trainer, StatusCode::BAD_REQUEST, (st, &body));
    let got = trainer.send(Method::POST, SERVICES, None, Some((b"{nope".to_vec(), "application/json"))).await;
    assert_problem(&trainer, StatusCode::BAD_REQUEST, (got.0, &got.1));

    // The same service again, whatever the case and accents: 409.
    let (st, body) = trainer.post(SERVICES, new_service("CENTRE D'ECOUTE al amal")).await;
    assert_problem(&trainer, StatusCode::CONFLICT, (st, &body));
    let (st, other) = trainer.post(SERVICES, new_service("Autre centre")).await;
    assert_eq!(st, StatusCode::CREATED);
    let other_path = format!("{SERVICES}/{}", other["id"].as_str().unwrap());
    let got = trainer.patch(&other_path, json!({"name": "centre d’écoute AL-AMAL"})).await;
    assert_problem(&trainer, StatusCode::CONFLICT, (got.0, &got.1));
    let got = trainer.patch(&path, json!({"kind": "astrologie", "phone": "appeler le standard"})).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    assert_eq!(field_codes(&got.1).iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), vec!["kind", "phone"]);
    let got = trainer.patch(&path, json!({"name": null, "territory": 7})).await;
    assert_problem(&trainer, StatusCode::BAD_REQUEST, (got.0, &got.1));
    let got = trainer.patch(&format!("{SERVICES}/{}", uuid::Uuid::now_v7()), json!({"hours": "9h"})).await;
    assert_problem(&trainer, StatusCode::NOT_FOUND, (got.0, &got.1));

    // Nothing refused changed what was stored.
    let (_, after) = trainer.get(&path).await;
    assert_eq!(after, kept);
    let (_, list) = trainer.get(SERVICES).await;
    assert_eq!(items(&list).len(), 2);
    srv.stop().await;
}

async fn stale_entries_and_verification(backend: Backend) {
    let srv = with_demo(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut anon = srv.client();

    // The demo has an association not checked since February 2025.
    let (_, sale) = anon.get(&format!("{SERVICES}?territory=sale&kind=association")).await;
    let amal = items(&sale).iter().find(|s| s["name"].as_str().unwrap().contains("Amal")).unwrap();
    assert_eq!(amal["verified_at"], "2025-02-18");
    assert_eq!(amal["stale"], true);

    let (_, fresh) = trainer.post(SERVICES, new_service("Cellule d'écoute nouvelle")).await;
    assert_eq!(fresh["stale"], false);
    let path = format!("{SERVICES}/{}", fresh["id"].as_str().unwrap());
    srv.clock().advance(chrono::Duration::days(400));
    let (_, later) = anon.get(&path).await;
    assert_eq!(later["stale"], true, "{later}");
    assert_eq!(later["verified_at"], fresh["verified_at"]);

    // Verifying marks it checked today, by the instance's clock (signed in
    // again: the session did not survive 400 days).
    let mut trainer = srv.client();
    let (st, body) =
        trainer.post("/api/v1/auth/login", json!({"email": "trainer@example.org", "password": "correct horse battery 9"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, verified) = trainer.post(&format!("{path}/verify"), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(verified["stale"], false);
    assert_eq!(verified["verified_at"], srv.clock().now().date_naive().to_string());
    let (_, again) = anon.get(&path).await;
    assert_eq!(again, verified);

    // A date given by hand is kept as given.
    let (st, dated) = trainer.patch(&path, json!({"verified_at": "2026-01-05"})).await;
    assert_eq!(st, StatusCode::OK, "{dated}");
    assert_eq!(dated["verified_at"], "2026-01-05");
    srv.stop().await;
}

async fn csv_round_trip_through_the_api(backend: Backend) {
    let srv = with_demo(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut anon = srv.client();
    let (st, evil) = trainer
        .post(SERVICES, json!({"territory": "rabat", "kind": "association", "name": "=HYPERLINK(\"http://evil.example\",\"clic\")", "phone": "+212 5 00 00 09 99", "notes": "@SUM(1+1)"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{evil}");
    let before = all_pages(&mut anon, "", 100).await;

    // Export: public, a file to save, the documented header, formulas neutralised.
    let (disposition, all) = export(&mut anon, "").await;
    assert_eq!(disposition, "attachment; filename=\"annuaire-tous.csv\"");
    let mut lines = all.lines();
    assert_eq!(
        lines.next(),
        Some("territory,kind,name,address,phone,hours,services,verified_at,notes,name_ar,address_ar,hours_ar,services_ar,notes_ar")
    );
    assert!(all.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"clic\"\")\""), "{all}");
    assert!(all.contains(",'+212 5 00 00 09 99,") && all.contains(",'@SUM(1+1)"), "{all}");
    assert!(all.contains(" / "), "services joined with ' / '");
    let (disposition, rabat) = export(&mut anon, "?territory=rabat").await;
    assert_eq!(disposition, "attachment; filename=\"annuaire-rabat.csv\"");
    assert!(rabat.lines().skip(1).all(|l| l.starts_with("rabat,")), "{rabat}");
    assert_eq!(rabat.lines().count() - 1, before.iter().filter(|s| s["territory"] == "rabat").count());
    let got = anon.get(&format!("{SERVICES}/export?territory=nowhere")).await;
    assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));

    // The file imported back changes nothing.
    let (st, report) = import(&mut trainer, &all).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report, json!({"created": 0, "updated": 0, "unchanged": before.len()}));
    let after = all_pages(&mut anon, "", 100).await;
    assert_eq!(after, before);

    // Into an empty instance it recreates the same directory.
    let other = TestServer::start(backend).await;
    let mut admin = other.user_with_role("admin@example.org", Role::Admin).await;
    let (st, report) = import(&mut admin, &all).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report["created"], before.len());
    let copied = all_pages(&mut other.client(), "", 100).await;
    let strip = |v: &Vec<Value>| -> Vec<Value> {
        v.iter()
            .map(|s| {
                let mut s = s.clone();
                s.as_object_mut().unwrap().remove("id");
                s.as_object_mut().unwrap().remove("updated_at");
                s
            })
            .collect()
    };
    assert_eq!(strip(&copied), strip(&before));
    other.stop().await;

    // Upsert by territory, kind and name, case and accents aside; a row without a date keeps its date.
    let court = before.iter().find(|s| s["territory"] == "kenitra" && s["kind"] == "tribunal").unwrap();
    let (st, body) = trainer.patch(&format!("{SERVICES}/{}", court["id"].as_str().unwrap()), json!({"notes": "à revoir"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let shouted = court["name"].as_str().unwrap().to_uppercase();
    let edit = format!(
        "\u{feff}Name;Kind;Territory;Hours;Services;Notes\r\n\"{shouted}\";tribunal;Kénitra;Lun–Ven 8h–16h;accueil / orientation;\r\n\
         Nouvelle association;association;kenitra;;;\r\n"
    );
    let (st, report) = import(&mut trainer, &edit).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report, json!({"created": 1, "updated": 1, "unchanged": 0}));
    let (_, updated) = anon.get(&format!("{SERVICES}/{}", court["id"].as_str().unwrap())).await;
    assert_eq!(updated["hours"], "Lun–Ven 8h–16h");
    assert_eq!(updated["services"], json!(["accueil", "orientation"]));
    assert_eq!(updated["name"], shouted, "the name is written as the file has it");
    assert_eq!(updated["verified_at"], court["verified_at"]);
    assert_eq!(updated["notes"], "", "an empty cell clears");
    assert_eq!(updated["address"], court["address"], "columns left out are kept");
    assert_eq!(updated["phone"], court["phone"]);
    let (_, added) = anon.get(&format!("{SERVICES}?q=nouvelle%20association")).await;
    assert_eq!(items(&added).len(), 1);
    assert_eq!(items(&added)[0]["verified_at"], srv.clock().now().date_naive().to_string());
    srv.stop().await;
}

async fn bad_csv_is_refused_whole(backend: Backend) {
    let srv = with_demo(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut anon = srv.client();
    let before = all_pages(&mut anon, "", 100).await;
    let header = "territory,kind,name,address,phone,hours,services,verified_at,notes\n";

    // One good new row, one good update, then bad rows: nothing is written, every bad line is named.
    let court = before.iter().find(|s| s["territory"] == "rabat" && s["kind"] == "tribunal").unwrap();
    let file = format!(
        "{header}rabat,association,Une association toute neuve,,,,,,\n\
         rabat,tribunal,\"{}\",,,changé,,,\n\
         sale,hopital,Hôpital X,,,,,,\n\
         \n\
         casablanca,police,Commissariat,,05 37 AB,,,31/02/2026,\n\
         rabat,police,,,,,,,\n\
         rabat,association,UNE association toute neuve,,,,,,\n",
        court["name"].as_str().unwrap()
    );
    let (st, body) = import(&mut trainer, &file).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let messages: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages[0].starts_with("line 4: kind \"hopital\" is not one of tribunal, hospital_unit"), "{messages:?}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        vec!["line 4.kind", "line 6.territory", "line 6.phone", "line 6.verified_at", "line 7.name", "line 8.name"],
        "{body}"
    );
    assert!(messages[5].contains("same service as line 2"), "{messages:?}");
    assert_eq!(all_pages(&mut anon, "", 100).await, before, "a refused file writes nothing");

    // Broken files: structure, encoding, media type.
    for (bytes, line) in [
        (b"".to_vec(), "line 1"),
        (b"territoire,type,nom\nrabat,police,X\n".to_vec(), "line 1"),
        (format!("{header}rabat,police,Commissariat, annexe,1 rue X,,,,,,note\n").into_bytes(), "line 2"),
        (b"territory,kind,name\nrabat,police,H\xF4tel de police\n".to_vec(), "line 2"),
    ] {
        let got = trainer.send(Method::POST, &format!("{SERVICES}/import"), None, Some((bytes, "text/csv"))).await;
        assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
        assert_eq!(got.1["errors"][0]["field"], line, "{}", got.1);
    }
    let got = trainer.send(Method::POST, &format!("{SERVICES}/import"), None, Some((header.as_bytes().to_vec(), "application/json"))).await;
    assert!(got.0 == StatusCode::UNSUPPORTED_MEDIA_TYPE, "{got:?}");
    assert!(trainer.content_type().starts_with("application/problem+json"));
    let got = trainer.send(Method::POST, &format!("{SERVICES}/import"), None, None).await;
    assert!(got.0.is_client_error(), "{got:?}");
    assert!(trainer.content_type().starts_with("application/problem+json"));
    let (st, report) = import(&mut trainer, header).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(report, json!({"created": 0, "updated": 0, "unchanged": 0}));
    assert_eq!(all_pages(&mut anon, "", 100).await, before, "bad input never loses stored rows");
    srv.stop().await;
}
