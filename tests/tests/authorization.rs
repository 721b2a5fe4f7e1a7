//! The role x endpoint table: who may call what. Every operation of the
//! OpenAPI document has a row naming the status each kind of caller gets;
//! an operation without a row fails the test, so a new endpoint must say
//! who may call it.
//!
//! The callers, in the order of each row's statuses: anonymous, a learner,
//! the trainer who owns the objects (the course, the resource, the
//! directory service were made by this trainer), another trainer, a
//! moderator and an administrator. A status other than 401/403 means the
//! caller got through the door (a 422 for a deliberately empty body, a 404
//! for someone else's private object are fine).

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, on_both_backends};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

on_both_backends!(role_endpoint_table);

/// Who calls, in the order of a row's statuses.
const CALLERS: [&str; 6] = ["anonymous", "learner", "owner", "trainer", "moderator", "admin"];

/// What a row sends.
#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    /// A course folder (the owner's export of the fixture course).
    CourseZip,
    /// The directory as CSV (the owner's export).
    DirectoryCsv,
    /// A new library resource, as a multipart form.
    Resource,
}

/// An object made afresh before each caller's request (for operations that
/// use it up), named `{fresh}` in the row's path.
#[derive(Clone, Copy)]
enum Fresh {
    /// A module of the owner's course.
    Module,
    /// A lesson in the owner's course.
    Item,
    /// A library resource of the owner.
    Resource,
    /// A directory service of the owner.
    Service,
    /// An API token of the caller itself.
    OwnToken,
    /// The learner, added again as a co-author of the owner's course.
    Coauthor,
    /// A reply of the owner's in the forum topic.
    ForumPost,
}

/// One operation: the method and path as the OpenAPI document names them,
/// the path to call (`{name}` from the fixture, `{who}` the caller), the
/// body, and the status for each of [`CALLERS`].
struct Row {
    method: Method,
    template: &'static str,
    path: &'static str,
    body: Body,
    fresh: Option<Fresh>,
    expect: [u16; 6],
}

fn row(method: Method, template: &'static str, expect: [u16; 6]) -> Row {
    Row { method, template, path: template, body: Body::None, fresh: None, expect }
}

impl Row {
    fn at(mut self, path: &'static str) -> Self {
        self.path = path;
        self
    }
    fn json(mut self, body: Value) -> Self {
        self.body = Body::Json(body);
        self
    }
    fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }
    fn fresh(mut self, fresh: Fresh) -> Self {
        self.fresh = Some(fresh);
        self
    }
}

use Method as M;

/// The table. Statuses: anonymous, learner, owner, other trainer, moderator, admin.
fn table() -> Vec<Row> {
    vec![
        // Accounts: anyone may register (at the end), sign in, ask for a reset; the rest needs a session.
        // Sign-in answers the credentials, whoever asks (unknown ones here, to keep each caller's
        // session; one address per caller, under the throttle).
        row(M::POST, "/api/v1/auth/login", [401; 6]).json(json!({"email": "nobody-{who}@example.org", "password": "not the password"})),
        row(M::POST, "/api/v1/auth/password-reset", [202; 6]).json(json!({"email": "x@example.org"})),
        // An unknown link, whoever follows it.
        row(M::POST, "/api/v1/auth/password-reset/confirm", [400; 6])
            .json(json!({"token": "unknown", "new_password": "un autre mot de passe 42"})),
        row(M::POST, "/api/v1/auth/verify-email", [400; 6]).json(json!({"token": "unknown"})),
        row(M::POST, "/api/v1/auth/verify-email/resend", [401, 202, 202, 202, 202, 202]).json(json!({})),
        row(M::GET, "/api/v1/session", [200; 6]),
        row(M::GET, "/api/v1/me", [401, 200, 200, 200, 200, 200]),
        row(M::PATCH, "/api/v1/me", [401, 200, 200, 200, 200, 200]).json(json!({"profession": "éducateur"})),
        // A wrong current password: through the door, refused by the check.
        row(M::POST, "/api/v1/me/password", [401, 422, 422, 422, 422, 422])
            .json(json!({"current_password": "not it", "new_password": "un autre mot de passe 42"})),
        row(M::POST, "/api/v1/me/tokens", [401, 201, 201, 201, 201, 201]).json(json!({"name": "t"})),
        row(M::GET, "/api/v1/me/tokens", [401, 200, 200, 200, 200, 200]),
        row(M::DELETE, "/api/v1/me/tokens/{id}", [401, 204, 204, 204, 204, 204]).at("/api/v1/me/tokens/{fresh}").fresh(Fresh::OwnToken),
        // Someone else's token is not found, even by an admin.
        row(M::DELETE, "/api/v1/me/tokens/{id}", [401, 404, 404, 404, 404, 404]).at("/api/v1/me/tokens/{others_token}"),
        row(M::GET, "/api/v1/admin/users", [401, 403, 403, 403, 403, 200]),
        row(M::PATCH, "/api/v1/admin/users/{id}", [401, 403, 403, 403, 403, 200])
            .at("/api/v1/admin/users/{learner_id}")
            .json(json!({"roles": ["learner"]})),
        row(M::GET, "/api/v1/reference/territories", [200; 6]),
        row(M::GET, "/api/v1/reference/organization-kinds", [200; 6]),
        // Courses, as learners see them.
        row(M::GET, "/api/v1/courses", [200; 6]),
        row(M::GET, "/api/v1/courses/{slug}", [200; 6]).at("/api/v1/courses/autrui"),
        row(M::GET, "/api/v1/courses/{slug}/offline", [200; 6]).at("/api/v1/courses/autrui/offline"),
        row(M::GET, "/api/v1/lessons/{id}", [200; 6]).at("/api/v1/lessons/{lesson}"),
        row(M::GET, "/api/v1/quizzes/{id}", [200; 6]).at("/api/v1/quizzes/{quiz}"),
        // An empty attempt is refused once through the door.
        row(M::POST, "/api/v1/quizzes/{id}/attempts", [401, 422, 422, 422, 422, 422])
            .at("/api/v1/quizzes/{quiz}/attempts")
            .json(json!({"answers": []})),
        row(M::GET, "/api/v1/case-studies/{id}", [200; 6]).at("/api/v1/case-studies/{case_study}"),
        row(M::POST, "/api/v1/case-studies/{id}/runs", [401, 201, 201, 201, 201, 201])
            .at("/api/v1/case-studies/{case_study}/runs")
            .json(json!({})),
        // The learner's run: nobody else sees or plays it (an unknown choice is refused for the learner).
        row(M::GET, "/api/v1/case-study-runs/{run_id}", [401, 200, 404, 404, 404, 404]).at("/api/v1/case-study-runs/{run}"),
        row(M::POST, "/api/v1/case-study-runs/{run_id}/choices", [401, 422, 404, 404, 404, 404])
            .at("/api/v1/case-study-runs/{run}/choices")
            .json(json!({"choice_id": "0190f3a0-0000-7000-8000-000000000000"})),
        // Progress: every signed-in caller follows courses (reading a lesson above enrolled them all).
        row(M::POST, "/api/v1/courses/{slug}/enrolment", [401, 200, 200, 200, 200, 200])
            .at("/api/v1/courses/autrui/enrolment")
            .json(json!({})),
        row(M::DELETE, "/api/v1/courses/{slug}/enrolment", [401, 204, 204, 204, 204, 204]).at("/api/v1/courses/autrui/enrolment"),
        row(M::POST, "/api/v1/lessons/{id}/completion", [401, 204, 204, 204, 204, 204])
            .at("/api/v1/lessons/{lesson}/completion")
            .json(json!({})),
        row(M::GET, "/api/v1/me/progress", [401, 200, 200, 200, 200, 200]),
        row(M::GET, "/api/v1/courses/{slug}/progress", [401, 200, 200, 200, 200, 200]).at("/api/v1/courses/autrui/progress"),
        row(M::GET, "/api/v1/me/certificates", [401, 200, 200, 200, 200, 200]),
        // Checking an attestation is public: an unknown code is 404 for everyone, never 401.
        row(M::GET, "/api/v1/certificates/{code}", [404; 6]).at("/api/v1/certificates/AAAA-AAAA-AAAA-AAAA"),
        row(M::GET, "/api/v1/certificates/{code}/pdf", [404; 6]).at("/api/v1/certificates/AAAA-AAAA-AAAA-AAAA/pdf"),
        // Cohorts: trainers and admins create them; only the cohort's trainer (or an admin) runs one.
        row(M::POST, "/api/v1/cohorts", [401, 403, 201, 201, 403, 201])
            .json(json!({"course_slug": "autrui", "title": "Groupe {who}", "starts_on": "2026-01-05", "ends_on": "2026-02-05"})),
        row(M::GET, "/api/v1/cohorts", [401, 403, 200, 200, 403, 200]),
        row(M::POST, "/api/v1/cohorts/{id}/members", [401, 403, 200, 403, 403, 200])
            .at("/api/v1/cohorts/{cohort}/members")
            .json(json!({"emails": ["learner@example.org"]})),
        row(M::GET, "/api/v1/cohorts/{id}/progress", [401, 403, 200, 403, 403, 200]).at("/api/v1/cohorts/{cohort}/progress"),
        row(M::GET, "/api/v1/cohorts/{id}/progress.csv", [401, 403, 200, 403, 403, 200]).at("/api/v1/cohorts/{cohort}/progress.csv"),
        row(M::POST, "/api/v1/cohorts/{id}/reminders", [401, 403, 200, 403, 403, 200])
            .at("/api/v1/cohorts/{cohort}/reminders")
            .json(json!({"inactive_days": 7})),
        // Field sessions: anyone signed in records their own; trainers and admins read the totals.
        row(M::POST, "/api/v1/me/field-sessions", [401, 201, 201, 201, 201, 201])
            .json(json!({"held_on": "2025-06-01", "territory": "sale", "audience": "children", "participants": 12})),
        row(M::GET, "/api/v1/me/field-sessions", [401, 200, 200, 200, 200, 200]),
        row(M::GET, "/api/v1/reports/field-sessions", [401, 403, 200, 200, 403, 200]),
        row(M::GET, "/api/v1/reports/field-sessions.csv", [401, 403, 200, 200, 403, 200]),
        // Authoring: trainers and admins write courses; a course's owner (or an admin) changes it.
        row(M::GET, "/api/v1/authoring/courses", [401, 403, 200, 200, 403, 200]),
        row(M::POST, "/api/v1/courses", [401, 403, 201, 201, 403, 201])
            .json(json!({"slug": "cours-{who}", "title": {"fr": "Cours"}, "summary": {"fr": "."}, "theme": "pec"})),
        row(M::PATCH, "/api/v1/courses/{slug}", [401, 403, 200, 403, 403, 200])
            .at("/api/v1/courses/autrui")
            .json(json!({"estimated_minutes": 5})),
        row(M::GET, "/api/v1/courses/{slug}/draft", [401, 403, 200, 403, 403, 200]).at("/api/v1/courses/autrui/draft"),
        row(M::POST, "/api/v1/courses/{slug}/coauthors", [401, 403, 201, 403, 403, 201])
            .at("/api/v1/courses/autrui/coauthors")
            .json(json!({"email": "moderator@example.org"})),
        row(M::DELETE, "/api/v1/courses/{slug}/coauthors/{user_id}", [401, 403, 204, 403, 403, 204])
            .at("/api/v1/courses/autrui/coauthors/{learner_id}")
            .fresh(Fresh::Coauthor),
        row(M::POST, "/api/v1/courses/{slug}/modules", [401, 403, 201, 403, 403, 201])
            .at("/api/v1/courses/autrui/modules")
            .json(json!({"title": "M"})),
        row(M::PATCH, "/api/v1/modules/{id}", [401, 403, 200, 403, 403, 200]).at("/api/v1/modules/{module}").json(json!({"title": "M"})),
        row(M::DELETE, "/api/v1/modules/{id}", [401, 403, 204, 403, 403, 204]).at("/api/v1/modules/{fresh}").fresh(Fresh::Module),
        row(M::POST, "/api/v1/modules/{id}/lessons", [401, 403, 201, 403, 403, 201])
            .at("/api/v1/modules/{module}/lessons")
            .json(json!({"title": {"fr": "L"}, "body": "Texte."})),
        row(M::POST, "/api/v1/modules/{id}/quizzes", [401, 403, 201, 403, 403, 201]).at("/api/v1/modules/{module}/quizzes").json(quiz()),
        row(M::POST, "/api/v1/modules/{id}/case-studies", [401, 403, 201, 403, 403, 201])
            .at("/api/v1/modules/{module}/case-studies")
            .json(case_study()),
        row(M::PUT, "/api/v1/items/{id}/lesson", [401, 403, 200, 403, 403, 200])
            .at("/api/v1/items/{lesson}/lesson")
            .json(json!({"title": {"fr": "L"}, "body": "Texte."})),
        row(M::PUT, "/api/v1/items/{id}/quiz", [401, 403, 200, 403, 403, 200]).at("/api/v1/items/{quiz}/quiz").json(quiz()),
        row(M::PUT, "/api/v1/items/{id}/case-study", [401, 403, 200, 403, 403, 200])
            .at("/api/v1/items/{case_study}/case-study")
            .json(case_study()),
        row(M::POST, "/api/v1/items/{id}/move", [401, 403, 200, 403, 403, 200])
            .at("/api/v1/items/{lesson}/move")
            .json(json!({"position": 0})),
        row(M::DELETE, "/api/v1/items/{id}", [401, 403, 204, 403, 403, 204]).at("/api/v1/items/{fresh}").fresh(Fresh::Item),
        row(M::POST, "/api/v1/courses/{slug}/publish", [401, 403, 200, 403, 403, 200]).at("/api/v1/courses/autrui/publish").json(json!({})),
        row(M::GET, "/api/v1/courses/{slug}/export", [401, 403, 200, 403, 403, 200]).at("/api/v1/courses/autrui/export"),
        // The folder of the owner's course: only its owner or an admin may replace it.
        row(M::POST, "/api/v1/courses/import", [401, 403, 201, 403, 403, 201]).body(Body::CourseZip),
        row(M::POST, "/api/v1/markdown/preview", [401, 200, 200, 200, 200, 200]).json(json!({"markdown": "*x*"})),
        // Library: everyone reads; trainers and admins curate (any trainer, not only the one who added it).
        row(M::GET, "/api/v1/library/resources", [200; 6]),
        row(M::POST, "/api/v1/library/resources", [401, 403, 201, 201, 403, 201]).body(Body::Resource),
        row(M::GET, "/api/v1/search", [200; 6]).at("/api/v1/search?q=fiche"),
        row(M::GET, "/api/v1/library/resources/{id}", [200; 6]).at("/api/v1/library/resources/{resource}"),
        row(M::PUT, "/api/v1/library/resources/{id}", [401, 403, 200, 200, 403, 200])
            .at("/api/v1/library/resources/{resource}")
            .json(serde_json::from_str(&resource_metadata()).unwrap()),
        row(M::DELETE, "/api/v1/library/resources/{id}", [401, 403, 204, 204, 403, 204])
            .at("/api/v1/library/resources/{fresh}")
            .fresh(Fresh::Resource),
        row(M::GET, "/api/v1/library/resources/{id}/files/{file_id}", [200; 6]).at("/api/v1/library/resources/{resource}/files/{file}"),
        row(M::POST, "/api/v1/library/resources/{id}/ratings", [401, 201, 201, 201, 201, 201])
            .at("/api/v1/library/resources/{resource}/ratings")
            .json(json!({"stars": 4})),
        row(M::GET, "/api/v1/library/resources/{id}/evaluation", [401, 403, 200, 200, 403, 200])
            .at("/api/v1/library/resources/{resource}/evaluation"),
        row(M::GET, "/api/v1/library/evaluation.csv", [401, 403, 200, 200, 403, 200]),
        row(M::GET, "/api/v1/library/review-due", [401, 403, 200, 200, 403, 200]),
        // Directory: everyone reads; trainers and admins edit (any trainer).
        row(M::GET, "/api/v1/directory/services", [200; 6]),
        row(M::POST, "/api/v1/directory/services", [401, 403, 201, 201, 403, 201]).json(service("Écoute {who}")),
        row(M::GET, "/api/v1/directory/services/export", [200; 6]),
        row(M::POST, "/api/v1/directory/services/import", [401, 403, 200, 200, 403, 200]).body(Body::DirectoryCsv),
        row(M::GET, "/api/v1/directory/services/{id}", [200; 6]).at("/api/v1/directory/services/{service}"),
        row(M::PATCH, "/api/v1/directory/services/{id}", [401, 403, 200, 200, 403, 200])
            .at("/api/v1/directory/services/{service}")
            .json(json!({"hours": "Lun–Ven 9h–17h"})),
        row(M::DELETE, "/api/v1/directory/services/{id}", [401, 403, 204, 204, 403, 204])
            .at("/api/v1/directory/services/{fresh}")
            .fresh(Fresh::Service),
        row(M::POST, "/api/v1/directory/services/{id}/verify", [401, 403, 200, 200, 403, 200])
            .at("/api/v1/directory/services/{service}/verify")
            .json(json!({})),
        // Forum: every signed-in member reads and writes; authors edit, mark answers; moderators moderate.
        row(M::GET, "/api/v1/forum/categories", [401, 200, 200, 200, 200, 200]),
        row(M::GET, "/api/v1/forum/categories/{slug}/topics", [401, 200, 200, 200, 200, 200])
            .at("/api/v1/forum/categories/concepts/topics"),
        row(M::POST, "/api/v1/forum/topics", [401, 201, 201, 201, 201, 201])
            .json(json!({"category": "concepts", "title": "Sujet {who}", "body": "Une question."})),
        row(M::GET, "/api/v1/forum/topics/{id}", [401, 200, 200, 200, 200, 200]).at("/api/v1/forum/topics/{topic}"),
        // The owner's topic: its author or a moderator changes its title.
        row(M::PATCH, "/api/v1/forum/topics/{id}", [401, 403, 200, 403, 200, 200])
            .at("/api/v1/forum/topics/{topic}")
            .json(json!({"title": "Sujet revu par {who}"})),
        row(M::POST, "/api/v1/forum/topics/{id}/posts", [401, 201, 201, 201, 201, 201])
            .at("/api/v1/forum/topics/{topic}/posts")
            .json(json!({"body": "Une réponse."})),
        // The learner's reply: only its author edits it.
        row(M::PATCH, "/api/v1/forum/posts/{id}", [401, 200, 403, 403, 403, 403])
            .at("/api/v1/forum/posts/{post}")
            .json(json!({"body": "Revu."})),
        // The owner's reply: its author or a moderator deletes it.
        row(M::DELETE, "/api/v1/forum/posts/{id}", [401, 403, 204, 403, 204, 204])
            .at("/api/v1/forum/posts/{fresh}")
            .fresh(Fresh::ForumPost),
        row(M::POST, "/api/v1/forum/posts/{id}/reactions", [401, 201, 201, 201, 201, 201])
            .at("/api/v1/forum/posts/{post}/reactions")
            .json(json!({"kind": "thanks"})),
        // Flags on a fresh reply of the owner's, so that no post reaches the count that hides it.
        row(M::POST, "/api/v1/forum/posts/{id}/flags", [401, 201, 201, 201, 201, 201])
            .at("/api/v1/forum/posts/{fresh}/flags")
            .fresh(Fresh::ForumPost)
            .json(json!({"reason": "spam"})),
        row(M::DELETE, "/api/v1/forum/posts/{id}/reactions/{kind}", [401, 204, 204, 204, 204, 204])
            .at("/api/v1/forum/posts/{post}/reactions/thanks"),
        // The owner's topic: only its author marks the answer.
        row(M::POST, "/api/v1/forum/topics/{id}/answer", [401, 403, 204, 403, 403, 403])
            .at("/api/v1/forum/topics/{topic}/answer")
            .json(json!({"post_id": "{post}"})),
        row(M::PUT, "/api/v1/forum/topics/{id}/subscription", [401, 200, 200, 200, 200, 200])
            .at("/api/v1/forum/topics/{topic}/subscription")
            .json(json!({"level": "watching"})),
        row(M::GET, "/api/v1/forum/categories/{slug}/subscription", [401, 200, 200, 200, 200, 200])
            .at("/api/v1/forum/categories/concepts/subscription"),
        row(M::PUT, "/api/v1/forum/categories/{slug}/subscription", [401, 200, 200, 200, 200, 200])
            .at("/api/v1/forum/categories/concepts/subscription")
            .json(json!({"level": "watching"})),
        row(M::GET, "/api/v1/forum/search", [401, 200, 200, 200, 200, 200]).at("/api/v1/forum/search?q=question"),
        row(M::GET, "/api/v1/me/notifications", [401, 200, 200, 200, 200, 200]),
        row(M::POST, "/api/v1/me/notifications/read", [401, 204, 204, 204, 204, 204]).json(json!({"all": true})),
        row(M::GET, "/api/v1/me/notification-settings", [401, 200, 200, 200, 200, 200]),
        row(M::PUT, "/api/v1/me/notification-settings", [401, 200, 200, 200, 200, 200]).json(json!({"email": "daily"})),
        // A signed link needs no session; an unsigned one is unknown to everyone.
        row(M::GET, "/api/v1/forum/unsubscribe/{token}", [404; 6]).at("/api/v1/forum/unsubscribe/not-a-token"),
        row(M::POST, "/api/v1/forum/unsubscribe/{token}", [404; 6]).at("/api/v1/forum/unsubscribe/not-a-token").json(json!({})),
        row(M::GET, "/api/v1/moderation/queue", [401, 403, 403, 403, 200, 200]),
        // An unknown item: moderators get through the door to a 404.
        row(M::POST, "/api/v1/moderation/items/{id}/decision", [401, 403, 403, 403, 404, 404])
            .at("/api/v1/moderation/items/0190f3a0-0000-7000-8000-000000000000/decision")
            .json(json!({"decision": "approve"})),
        row(M::GET, "/api/v1/moderation/posts/{id}/author", [401, 403, 403, 403, 200, 200]).at("/api/v1/moderation/posts/{post}/author"),
        // A post's history is for moderators only, its author included among those refused.
        row(M::GET, "/api/v1/moderation/posts/{id}/revisions", [401, 403, 403, 403, 200, 200])
            .at("/api/v1/moderation/posts/{post}/revisions"),
        // An unknown revision: moderators get through the door to a 404.
        row(M::POST, "/api/v1/moderation/revisions/{id}/redaction", [401, 403, 403, 403, 404, 404])
            .at("/api/v1/moderation/revisions/0190f3a0-0000-7000-8000-000000000000/redaction")
            .json(json!({"note": "un nom retiré"})),
        row(M::GET, "/api/v1/moderation/audit", [401, 403, 403, 403, 403, 200]),
        // Last two: registering signs the caller in as the new account, logging out ends the session.
        row(M::POST, "/api/v1/auth/register", [201; 6])
            .json(json!({"email": "new-{who}@example.org", "password": "un mot de passe solide 42", "display_name": "N"})),
        // Anyone may log out.
        row(M::POST, "/api/v1/auth/logout", [204; 6]).json(json!({})),
    ]
}

fn quiz() -> Value {
    json!({"title": {"fr": "Q"}, "pass_mark": 50, "questions": [{"kind": "single", "prompt": "Qui protège l'enfant ?", "choices": [
        {"label": "Tout le monde", "correct": true}, {"label": "Personne", "correct": false}]}]})
}

fn case_study() -> Value {
    json!({"title": {"fr": "Cas"}, "summary": "Un enfant se confie.", "start": "accueil",
        "nodes": [{"key": "accueil", "body_markdown": "Salma vous parle.", "choices": [{"label": "Écouter", "next": "fin", "points": 3}]}],
        "endings": [{"key": "fin", "title": "Orientation", "band": "good", "debrief_markdown": "Bravo."}]})
}

fn resource_metadata() -> String {
    json!({"title": "Fiche", "description": "Document de travail.", "type": "guide", "audience": ["professionals"], "language": "fr", "themes": ["pec"]})
        .to_string()
}

fn service(name: &str) -> Value {
    json!({"territory": "rabat", "kind": "psychological_support", "name": name, "phone": "05 37 00 00 99"})
}

/// The objects the rows act on, by the names their paths use.
struct Fixture {
    names: HashMap<&'static str, String>,
    course_zip: Vec<u8>,
    directory_csv: Vec<u8>,
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

async fn fixture(srv: &TestServer, owner: &mut Client, learner: &mut Client) -> Fixture {
    let mut names = HashMap::new();
    let (_, me) = learner.get("/api/v1/me").await;
    names.insert("learner_id", id_of(&me));
    let (st, body) =
        owner.post("/api/v1/courses", json!({"slug": "autrui", "title": {"fr": "Autrui"}, "summary": {"fr": "s"}, "theme": "pec"})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (_, module) = owner.post("/api/v1/courses/autrui/modules", json!({"title": "M"})).await;
    let module = id_of(&module);
    let (_, lesson) = owner.post(&format!("/api/v1/modules/{module}/lessons"), json!({"title": {"fr": "L"}, "body": "Texte."})).await;
    let (_, quiz) = owner.post(&format!("/api/v1/modules/{module}/quizzes"), quiz()).await;
    let (_, case) = owner.post(&format!("/api/v1/modules/{module}/case-studies"), case_study()).await;
    let (st, body) = owner.post("/api/v1/courses/autrui/publish", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let case = id_of(&case);
    let (st, cohort) = owner
        .post("/api/v1/cohorts", json!({"course_slug": "autrui", "title": "Salé 1", "starts_on": "2026-01-05", "ends_on": "2026-02-05"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{cohort}");
    names.insert("cohort", id_of(&cohort));
    let (st, run) = learner.post(&format!("/api/v1/case-studies/{case}/runs"), json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{run}");
    names.insert("run", run["run_id"].as_str().or(run["id"].as_str()).unwrap_or_else(|| panic!("no run id in {run}")).to_string());
    names.extend([("module", module), ("lesson", id_of(&lesson)), ("quiz", id_of(&quiz)), ("case_study", case)]);
    let (st, course_zip) = owner.send_bytes(M::GET, "/api/v1/courses/autrui/export", None, None).await;
    assert_eq!(st, StatusCode::OK);

    let resource = new_resource(owner).await;
    let (_, full) = owner.get(&format!("/api/v1/library/resources/{resource}")).await;
    names.insert("file", id_of(&full["files"][0]));
    names.insert("resource", resource);
    let (st, service) = owner.post("/api/v1/directory/services", service("Écoute fixe")).await;
    assert_eq!(st, StatusCode::CREATED, "{service}");
    names.insert("service", id_of(&service));
    let (st, directory_csv) = owner.send_bytes(M::GET, "/api/v1/directory/services/export", None, None).await;
    assert_eq!(st, StatusCode::OK);
    let (st, topic) = owner.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Sujet", "body": "Une question."})).await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    let topic = id_of(&topic);
    let (st, post) = learner.post(&format!("/api/v1/forum/topics/{topic}/posts"), json!({"body": "Une réponse."})).await;
    assert_eq!(st, StatusCode::CREATED, "{post}");
    names.insert("post", post["post_id"].as_str().expect("post id").to_string());
    names.insert("topic", topic);
    let mut bystander = srv.learner("bystander@example.org").await;
    let (_, token) = bystander.post("/api/v1/me/tokens", json!({"name": "mine"})).await;
    names.insert("others_token", id_of(&token));
    srv.index_now().await;
    Fixture { names, course_zip, directory_csv }
}

async fn new_resource(c: &mut Client) -> String {
    let pdf = sanad_library::pdfgen::text_pdf("Fiche", &["Une fiche.".to_string()]);
    let (st, created) = c
        .multipart("/api/v1/library/resources", &[("metadata", resource_metadata())], vec![("files", "fiche.pdf", pdf, "application/pdf")])
        .await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    id_of(&created)
}

/// Makes a `fresh` object for `caller` (the owner makes all but tokens).
async fn make_fresh(fresh: Fresh, names: &HashMap<&'static str, String>, owner: &mut Client, caller: &mut Client) -> String {
    let module = &names["module"];
    let (st, made) = match fresh {
        // A forum reply answers with its post's id beside the topic's.
        Fresh::ForumPost => {
            let (st, made) = owner.post(&format!("/api/v1/forum/topics/{}/posts", names["topic"]), json!({"body": "À supprimer."})).await;
            assert_eq!(st, StatusCode::CREATED, "{made}");
            return made["post_id"].as_str().expect("post id").to_string();
        }
        Fresh::Module => owner.post("/api/v1/courses/autrui/modules", json!({"title": "À supprimer"})).await,
        Fresh::Item => owner.post(&format!("/api/v1/modules/{module}/lessons"), json!({"title": {"fr": "À supprimer"}, "body": "."})).await,
        Fresh::Resource => return new_resource(owner).await,
        Fresh::Service => owner.post("/api/v1/directory/services", service(&format!("À supprimer {}", uuid::Uuid::now_v7()))).await,
        Fresh::OwnToken => match caller.post("/api/v1/me/tokens", json!({"name": "à supprimer"})).await {
            (StatusCode::CREATED, token) => (StatusCode::CREATED, token),
            // Anonymous has no token of its own: any id will do.
            _ => return uuid::Uuid::now_v7().to_string(),
        },
        Fresh::Coauthor => {
            owner.post("/api/v1/courses/autrui/coauthors", json!({"email": "learner@example.org"})).await;
            return names["learner_id"].clone();
        }
    };
    assert!(st.is_success(), "fresh object: {st} {made}");
    id_of(&made)
}

fn fill(text: &str, names: &HashMap<&'static str, String>, who: &str, fresh: Option<&str>) -> String {
    let mut out = text.replace("{who}", who);
    if let Some(fresh) = fresh {
        out = out.replace("{fresh}", fresh);
    }
    for (name, value) in names {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Every (method, path) of the OpenAPI document.
async fn documented_operations(c: &mut Client) -> BTreeSet<(String, String)> {
    let (st, spec) = c.get("/api/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    let mut out = BTreeSet::new();
    for (path, ops) in spec["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            out.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    out
}

async fn role_endpoint_table(backend: Backend) {
    // The owner writes a fresh reply for each caller of two rows, faster than
    // the forum's rate limits let a new account: they are tested elsewhere.
    let options = Options { env: vec![("SANAD_FORUM_RATE_LIMITS", "off".into())], ..Options::default() };
    let srv = TestServer::start_with(backend, options).await;
    // The owner's own session, for the fixture: the owner as a caller has another.
    let mut owner = srv.user_with_role("owner@example.org", Role::Trainer).await;
    let mut owner_as_caller = srv.client();
    let (st, body) =
        owner_as_caller.post("/api/v1/auth/login", json!({"email": "owner@example.org", "password": "correct horse battery 9"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let mut clients = [
        srv.client(),
        srv.learner("learner@example.org").await,
        owner_as_caller,
        srv.user_with_role("trainer@example.org", Role::Trainer).await,
        srv.user_with_role("moderator@example.org", Role::Moderator).await,
        srv.user_with_role("admin@example.org", Role::Admin).await,
    ];
    let fixture = fixture(&srv, &mut owner, &mut clients[1]).await;
    let table = table();

    let covered: BTreeSet<(String, String)> = table.iter().map(|r| (r.method.to_string(), r.template.to_string())).collect();
    let missing: Vec<String> = documented_operations(&mut clients[0]).await.difference(&covered).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(missing.is_empty(), "operations without a row in the authorisation table (say who may call them):\n{}", missing.join("\n"));

    let mut failures = Vec::new();
    for row in &table {
        for ((who, client), want) in CALLERS.into_iter().zip(clients.iter_mut()).zip(row.expect) {
            let fresh = match row.fresh {
                Some(kind) => Some(make_fresh(kind, &fixture.names, &mut owner, client).await),
                None => None,
            };
            let path = fill(row.path, &fixture.names, who, fresh.as_deref());
            let (got, answer) = match &row.body {
                Body::None => client.send(row.method.clone(), &path, None, None).await,
                Body::Json(body) => {
                    let body = serde_json::from_str(&fill(&body.to_string(), &fixture.names, who, None)).unwrap();
                    client.send(row.method.clone(), &path, Some(body), None).await
                }
                Body::CourseZip => {
                    client.send(row.method.clone(), &path, None, Some((fixture.course_zip.clone(), "application/zip"))).await
                }
                Body::DirectoryCsv => {
                    client.send(row.method.clone(), &path, None, Some((fixture.directory_csv.clone(), "text/csv; charset=utf-8"))).await
                }
                Body::Resource => {
                    let pdf = sanad_library::pdfgen::text_pdf("Fiche", &["Une fiche.".to_string()]);
                    client
                        .multipart(&path, &[("metadata", resource_metadata())], vec![("files", "fiche.pdf", pdf, "application/pdf")])
                        .await
                }
            };
            if got.as_u16() != want {
                failures.push(format!("{who} {} {path}: expected {want}, got {got} {answer}", row.method));
            } else if !got.is_success() {
                assert!(client.content_type().starts_with("application/problem+json"), "{who} {} {path}", row.method);
            }
        }
    }
    assert!(failures.is_empty(), "authorisation table:\n{}", failures.join("\n"));
    srv.stop().await;
}
