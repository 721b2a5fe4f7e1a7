//! The one table of problem types and field codes: every `type` a client can
//! meet in an `application/problem+json` answer, with its status and title,
//! and every `code` of a field error. Domain errors ([`crate::Error`]), the
//! server's outer middleware and its operations and web-app endpoints all
//! build their answers from here; nothing else names a problem type.
//!
//! The table below is `docs/problems.md`, which a test writes from this
//! module and compares (`SANAD_WRITE_DOCS=1 cargo test -p sanad-platform
//! problem` rewrites it after a change).
#![doc = ""]
#![doc = include_str!("../../../docs/problems.md")]

use crate::error::Problem;
use poem::http::StatusCode;
use serde::{Deserialize, Serialize};

/// The prefix of every problem `type` (a URN: stable, never fetched).
pub const TYPE_PREFIX: &str = "urn:sanad:problem:";

/// Declares [`ProblemType`]: each row is its doc comment (what it means,
/// also the description of its status in the OpenAPI document when
/// operations answer it), then `Variant = status "slug" "title"`, and
/// `operations` when API operations may answer it.
macro_rules! problem_types {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $status:literal $slug:literal $title:literal $($operations:ident)?; )+) => {
        /// Every kind of problem, by what the client should do about it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ProblemType {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl ProblemType {
            /// Every problem type, by status.
            pub const ALL: &'static [ProblemType] = &[$(ProblemType::$variant),+];

            fn row(self) -> Row {
                match self {
                    $(ProblemType::$variant => Row {
                        status: $status,
                        slug: $slug,
                        title: $title,
                        meaning: concat!($($doc),+),
                        from_operations: problem_types!(@flag $($operations)?),
                    },)+
                }
            }
        }
    };
    (@flag operations) => { true };
    (@flag) => { false };
}

struct Row {
    status: u16,
    slug: &'static str,
    title: &'static str,
    meaning: &'static str,
    from_operations: bool,
}

problem_types! {
    /// The request could not be understood
    BadRequest = 400 "bad-request" "The request could not be understood" operations;
    /// Authentication required
    Unauthenticated = 401 "unauthenticated" "Please sign in" operations;
    /// Not allowed (or missing X-CSRF-Token with a session cookie)
    Forbidden = 403 "forbidden" "You are not allowed to do this" operations;
    /// A module whose prerequisites the caller has not finished; `detail` names the module to finish first
    ModuleLocked = 403 "module-locked" "Finish the earlier module first";
    /// Not found
    NotFound = 404 "not-found" "Not found" operations;
    /// The path exists but not with this method; the `Allow` header lists those it takes
    MethodNotAllowed = 405 "method-not-allowed" "Method not allowed";
    /// Conflict with existing data
    Conflict = 409 "conflict" "This conflicts with existing data" operations;
    /// One-time link used or expired
    Gone = 410 "gone" "This link is no longer valid" operations;
    /// Body too large
    PayloadTooLarge = 413 "payload-too-large" "Too large" operations;
    /// Unsupported media type
    UnsupportedMediaType = 415 "unsupported-media-type" "This type of content is not accepted" operations;
    /// Validation failed; see errors[]
    Validation = 422 "validation" "Some fields are not valid" operations;
    /// Too many attempts; see Retry-After
    TooManyRequests = 429 "too-many-requests" "Too many attempts" operations;
    /// Internal error; quote request_id
    Internal = 500 "internal" "Something went wrong on our side" operations;
    /// The database could not be reached or stayed busy (a restart, a cut link); try again after Retry-After
    Unavailable = 503 "unavailable" "Briefly unavailable; try again shortly" operations;
    /// `/readyz`: the database is unreachable, migrations are pending, or the instance is leaving (SIGTERM)
    NotReady = 503 "not-ready" "Not ready";
    /// The web app was not built into this binary and no SANAD_STATIC_DIR is set
    SpaNotBuilt = 503 "spa-not-built" "The web app has not been built";
}

impl ProblemType {
    /// The stable `type` URI, e.g. `urn:sanad:problem:not-found`.
    pub fn uri(self) -> String {
        format!("{TYPE_PREFIX}{}", self.slug())
    }

    /// The last part of the `type` URI.
    pub fn slug(self) -> &'static str {
        self.row().slug
    }

    /// The HTTP status it is answered with.
    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.row().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The short human summary (`title`).
    pub fn title(self) -> &'static str {
        self.row().title
    }

    /// What it means for the client; for the types API operations answer,
    /// also the description of the status in the OpenAPI document.
    pub fn meaning(self) -> &'static str {
        self.row().meaning.trim()
    }

    /// Whether API operations may answer it (and document it).
    pub fn from_operations(self) -> bool {
        self.row().from_operations
    }

    /// The type an error status from outside Sanad's own code (the web
    /// framework's parse errors, 404, 405...) is reported as.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => ProblemType::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ProblemType::MethodNotAllowed,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemType::UnsupportedMediaType,
            StatusCode::PAYLOAD_TOO_LARGE => ProblemType::PayloadTooLarge,
            StatusCode::UNAUTHORIZED => ProblemType::Unauthenticated,
            s if s.is_client_error() => ProblemType::BadRequest,
            _ => ProblemType::Internal,
        }
    }

    /// A problem document of this type for the current request.
    pub fn problem(self, detail: Option<String>) -> Problem {
        Problem {
            kind: self.uri(),
            title: self.title().into(),
            status: self.row().status,
            detail,
            errors: None,
            because: crate::error::Because::default(),
            request_id: crate::telemetry::current_request_id(),
        }
    }
}

/// Declares [`FieldCode`]: each row is its doc comment (what it means), then
/// `Variant = "code"`.
macro_rules! field_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $code:literal, )+) => {
        /// What is wrong with a field, as a stable code clients translate
        /// (the `code` of each entry of a validation problem's `errors`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, poem_openapi::Enum, Serialize, Deserialize)]
        pub enum FieldCode {
            $( $(#[doc = $doc])+ #[oai(rename = $code)] #[serde(rename = $code)] $variant, )+
        }

        impl FieldCode {
            /// Every field code.
            pub const ALL: &'static [FieldCode] = &[$(FieldCode::$variant),+];

            /// The code as sent.
            pub fn as_str(self) -> &'static str {
                match self { $(FieldCode::$variant => $code,)+ }
            }

            /// What it means.
            pub fn meaning(self) -> &'static str {
                match self { $(FieldCode::$variant => concat!($($doc),+).trim(),)+ }
            }
        }
    };
}

field_codes! {
    /// A value must be given and is missing or empty.
    Required = "required",
    /// Shorter than allowed (passwords).
    TooShort = "too_short",
    /// Longer than allowed, or too many entries in a list.
    TooLong = "too_long",
    /// Not in the expected form (an email address, a date, a slug, a cursor, a CSV file...).
    InvalidFormat = "invalid_format",
    /// Not one of the values of its vocabulary; the message lists them.
    UnknownValue = "unknown_value",
    /// A number or date outside the allowed range.
    OutOfRange = "out_of_range",
    /// Text with control characters.
    ControlCharacters = "control_characters",
    /// A password that is too easy to guess.
    TooWeak = "too_weak",
    /// Does not match what it is checked against (the current password).
    Mismatch = "mismatch",
    /// Well-formed but not accepted here (an answer, a choice, a Markdown image...).
    InvalidValue = "invalid_value",
    /// A course's content is wrong; the message says where and what, in English.
    InvalidContent = "invalid_content",
    /// The same thing twice in one import; the message names the other line.
    Duplicate = "duplicate",
}

/// Declares [`ReasonCode`]: each row is its doc comment (when it is sent),
/// then `Variant = "code" "English sentence"`, the sentence naming its
/// parameters as `{name}`.
macro_rules! reason_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $code:literal $english:literal, )+) => {
        /// Why a request was refused, or what is wrong in a course, as a stable
        /// code clients phrase in the reader's language from its `params`
        /// (a problem's `reason`, or an entry's of its `errors`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, poem_openapi::Enum, Serialize, Deserialize)]
        pub enum ReasonCode {
            $( $(#[doc = $doc])+ #[oai(rename = $code)] #[serde(rename = $code)] $variant, )+
        }

        impl ReasonCode {
            /// Every reason.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant),+];

            /// The code as sent.
            pub fn as_str(self) -> &'static str {
                match self { $(ReasonCode::$variant => $code,)+ }
            }

            /// The English sentence, with `{name}` where a parameter goes.
            pub fn english(self) -> &'static str {
                match self { $(ReasonCode::$variant => $english,)+ }
            }

            /// When it is sent.
            pub fn meaning(self) -> &'static str {
                match self { $(ReasonCode::$variant => concat!($($doc),+).trim(),)+ }
            }
        }
    };
}

reason_codes! {
    /// 409: registration or an admin's new account with an email already taken.
    EmailTaken = "email_taken" "an account with the email {email} already exists",
    /// 403: sign-in to a disabled account.
    AccountDisabled = "account_disabled" "this account is disabled",
    /// 403: a change sent with a session cookie but without its X-CSRF-Token.
    CsrfTokenMissing = "csrf_token_missing" "missing or wrong X-CSRF-Token header",
    /// 410: a one-time link (verification, password reset) already used.
    LinkUsed = "link_used" "this link has already been used",
    /// 410: a one-time link past its time.
    LinkExpired = "link_expired" "this link has expired",
    /// 409: an admin removing their own admin role or disabling their own account.
    OwnAdminRole = "own_admin_role" "you cannot remove your own admin role or disable your own account",
    /// 403: an operation for some roles only; `roles` lists them, comma-separated.
    RoleRequired = "role_required" "requires one of these roles: {roles}",
    /// 403: `/metrics` from an address or without a token it is not served to.
    MetricsRefused = "metrics_refused" "metrics are served to SANAD_METRICS_ALLOW addresses or with SANAD_METRICS_TOKEN",
    /// 403: editing a course one is not an author of.
    NotCourseAuthor = "not_course_author" "you are not an author of this course",
    /// 403: previewing the draft of a course one is not an author of.
    DraftAuthorsOnly = "draft_authors_only" "only the course's authors can preview its draft",
    /// 403: publishing a course, or choosing its co-authors, by someone not its owner nor an admin.
    CourseOwnerOnly = "course_owner_only" "only the course's owner or an admin publishes it and chooses its co-authors",
    /// 403: importing over a course `slug` one is not an author of.
    CourseOfOthers = "course_of_others" "the course `{slug}` exists and you are not one of its authors",
    /// 409: a draft saved over a newer revision.
    CourseChangedMeanwhile = "course_changed_meanwhile" "the course was changed by someone else meanwhile; reload it",
    /// 409: a new course with a `slug` already taken.
    CourseSlugTaken = "course_slug_taken" "a course with the slug `{slug}` already exists",
    /// 409: adding a course's owner as its co-author.
    OwnerAlreadyAuthor = "owner_already_author" "the owner of a course is already its author",
    /// 409: saving an item as another `kind` (lesson, quiz, case_study) than it is.
    ItemKindFixed = "item_kind_fixed" "this item is a {kind}; create a new item to change its kind",
    /// 409: two publications of one course at the same moment.
    PublicationRace = "publication_race" "another publication of this course happened at the same time; try again",
    /// 409: a quiz attempt beyond its `max` attempts.
    NoAttemptsLeft = "no_attempts_left" "no attempts left: this quiz allows {max}",
    /// 409: a choice in a case-study run that has ended.
    RunEnded = "run_ended" "this run has reached its ending; start a new one to play again",
    /// 409: an `idempotency_key` sent before with another request (another
    /// quiz, another run or step): what came with it is not recorded.
    IdempotencyKeyReused = "idempotency_key_reused" "this idempotency_key was already used for something else; nothing was recorded",
    /// 409: a step of a case-study run answered twice.
    StepAlreadyAnswered = "step_already_answered" "this step was already answered; reload the run",
    /// 403: a cohort's page or change by someone not its trainer.
    CohortTrainerOnly = "cohort_trainer_only" "only the cohort's trainer can do this",
    /// 409: a directory entry of the same `kind` and `name` in the `territory`.
    DirectoryEntryExists = "directory_entry_exists" "{territory} already has a {kind} named {name}",
    /// 413: an uploaded file `name` larger than `limit_bytes` (`limit` in English words).
    FileTooLarge = "file_too_large" "`{name}` is larger than {limit}",
    /// 415: an uploaded file `name` of a type not taken.
    FileTypeRefused = "file_type_refused" "`{name}` is not a PDF, image, audio, video or office document (judged by its content, not its name)",
    /// 413: a file `name` of an uploaded course zip larger than `limit_bytes` once unpacked.
    ZipFileTooLarge = "zip_file_too_large" "{name}: larger than {limit} once unpacked",
    /// 413: a course zip larger than `limit_bytes` once unpacked.
    ZipTooLarge = "zip_too_large" "the files of the zip come to more than {limit} once unpacked",
    /// 409: a reply in a topic still held for screening.
    TopicNotPublished = "topic_not_published" "the topic is not published yet",
    /// 403: editing someone else's post.
    PostAuthorOnly = "post_author_only" "only its author edits a post",
    /// 403: renaming a topic one did not open, not being a moderator.
    TopicAuthorOrModerator = "topic_author_or_moderator" "only its author or a moderator changes a topic's title",
    /// 403: deleting someone else's post, not being a moderator.
    PostAuthorOrModerator = "post_author_or_moderator" "only its author or a moderator deletes a post",
    /// 403: marking the answer of a topic one did not open.
    TopicAuthorOnly = "topic_author_only" "only the topic's author marks its answer",
    /// 409: a reaction to a held post.
    HeldPostNoReactions = "held_post_no_reactions" "a held post takes no reactions",
    /// 409: flagging a post already waiting for a moderator.
    PostAwaitsModerator = "post_awaits_moderator" "the post is already waiting for a moderator",
    /// 409: deciding a moderation item already decided.
    AlreadyDecided = "already_decided" "this item was already decided",
    /// 422 (course content, at `module`, `item`, `question`, `node`, `ending`): no title in any language.
    TitleMissing = "title_missing" "needs a title in at least one language",
    /// 422: a `theme` that is not one of the courses' `themes`.
    ThemeUnknown = "theme_unknown" "theme `{theme}` is not one of {themes}",
    /// 422: a `level` that is not one of `levels`.
    LevelUnknown = "level_unknown" "level `{level}` is not one of {levels}",
    /// 422: a `language` that is not fr, ar or en.
    LanguageUnknown = "language_unknown" "language `{language}` is not fr, ar or en",
    /// 422: a course with nothing to learn yet.
    CourseEmpty = "course_empty" "has no lesson, quiz or case study yet",
    /// 422: a module requiring a module `required` that does not come before it.
    RequiresLaterModule = "requires_later_module" "requires \"{required}\", which is not an earlier module",
    /// 422: two modules with one key.
    ModuleKeyTaken = "module_key_taken" "another module has the same key",
    /// 422: two items of a module with one key.
    ItemKeyTaken = "item_key_taken" "another item of this module has the same key",
    /// 422: a lesson without text.
    LessonEmpty = "lesson_empty" "the lesson has no text",
    /// 422: a quiz's pass mark over 100.
    PassMarkRange = "pass_mark_range" "pass mark must be a percentage between 0 and 100",
    /// 422: a quiz allowing zero attempts.
    NoAttemptsAllowed = "no_attempts_allowed" "max attempts must be at least 1 (leave it out for no limit)",
    /// 422: a quiz without questions.
    QuizEmpty = "quiz_empty" "has no question",
    /// 422: two questions of a quiz with one key.
    QuestionKeyTaken = "question_key_taken" "another question has the same key",
    /// 422: a question without its prompt.
    PromptMissing = "prompt_missing" "has no prompt",
    /// 422: two choices with the key `choice`.
    ChoiceKeyTaken = "choice_key_taken" "two choices have the key `{choice}`",
    /// 422: a choice `choice` (of a question or a step) without label.
    ChoiceLabelMissing = "choice_label_missing" "choice `{choice}` has no label",
    /// 422: a single-choice question without two choices and exactly one correct.
    SingleChoiceShape = "single_choice_shape" "a single-choice question needs at least two choices and exactly one correct",
    /// 422: a multiple-choice question without two choices and at least one correct.
    MultipleChoiceShape = "multiple_choice_shape" "a multiple-choice question needs at least two choices and at least one correct",
    /// 422: a true/false question whose choices are not `true` and `false` with one correct.
    TrueFalseShape = "true_false_shape" "a true/false question needs exactly the choices `true` and `false`, one of them correct",
    /// 422: a short-text question without an accepted answer.
    ShortTextAnswersMissing = "short_text_answers_missing" "a short-text question needs at least one accepted answer",
    /// 422: a short-text question with choices.
    ShortTextChoices = "short_text_choices" "a short-text question has no choices",
    /// 422: a case study of `count` steps, over `max`.
    TooManySteps = "too_many_steps" "has {count} steps; a case study has at most {max}",
    /// 422: a step (`step`, counted from 1) offering `count` choices, over `max`.
    TooManyChoices = "too_many_choices" "step {step} has {count} choices; a step offers at most {max}",
    /// 422: a case study of `count` endings, over `max`.
    TooManyEndings = "too_many_endings" "has {count} endings; a case study has at most {max}",
    /// 422: a case study whose `start` is not one of its steps.
    StartMissing = "start_missing" "the start `{start}` is not a node",
    /// 422: two steps or endings with one key.
    NodeKeyTaken = "node_key_taken" "another node or ending has the same key",
    /// 422: a case study without endings.
    EndingsMissing = "endings_missing" "has no ending",
    /// 422: an ending whose `band` is not one of `bands`.
    EndingBandUnknown = "ending_band_unknown" "band `{band}` is not one of {bands}",
    /// 422: a step without choices.
    StepWithoutChoices = "step_without_choices" "has no choice: a path stops here without an ending",
    /// 422: a choice `choice` leading to `next`, neither a step nor an ending.
    ChoiceLeadsNowhere = "choice_leads_nowhere" "choice `{choice}` points to `{next}`, which is neither a node nor an ending",
    /// 422: a choice `choice` giving more than 10 points.
    ChoiceTooManyPoints = "choice_too_many_points" "choice `{choice}` gives more than 10 points",
    /// 422: a step or ending the start does not lead to.
    Unreachable = "unreachable" "cannot be reached from the start",
    /// 422: a step from which no path reaches an ending.
    DeadEnd = "dead_end" "no path from here reaches an ending",
    /// 422: a choice `choice` leading back to `next`, a step already taken.
    ChoiceLoopsBack = "choice_loops_back" "choice `{choice}` leads back to `{next}`, a step already taken: a case study only moves forward (repeat the situation in a new node instead)",
}

/// A [`ReasonCode`] with its parameters: what a client needs to say it in
/// the reader's language, and the English sentence the `detail` carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// What happened.
    pub code: ReasonCode,
    /// The values its sentence names, and where in a course it happened.
    pub params: std::collections::BTreeMap<String, String>,
}

impl Reason {
    /// The reason with one more parameter.
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        self.params.insert(name.into(), value.to_string());
        self
    }

    /// The English sentence, its parameters filled in.
    pub fn english(&self) -> String {
        let mut text = self.code.english().to_string();
        for (name, value) in &self.params {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

impl From<ReasonCode> for Reason {
    fn from(code: ReasonCode) -> Self {
        Reason { code, params: Default::default() }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

impl std::fmt::Display for FieldCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for FieldCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The Markdown of `docs/problems.md`, written from the table.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Problem types and field codes\n\n\
         <!-- Written by crates/platform/src/problem.rs (its test checks this file); edit the table there. -->\n\n\
         Every error is answered as `application/problem+json` (RFC 9457) with a\n\
         stable `type`, a `title`, the `status`, sometimes a `detail`, and the\n\
         `request_id` to quote for internal errors. Clients act on `type` and\n\
         `status`; titles are for people and may be reworded. An error the web\n\
         framework raises with a status of no row of its own keeps that status,\n\
         as `bad-request` (4xx) or `internal` (5xx).\n\n\
         | `type` | status | title | meaning |\n|---|---|---|---|\n",
    );
    for t in ProblemType::ALL {
        out.push_str(&format!("| `{}` | {} | {} | {} |\n", t.uri(), t.row().status, t.title(), t.meaning()));
    }
    out.push_str(
        "\nA `validation` problem lists each offending field in `errors`:\n\
         `{\"field\": \"email\", \"code\": \"invalid_format\", \"message\": \"...\"}`. The\n\
         `message` is English; clients translate the `code`:\n\n\
         | `code` | meaning |\n|---|---|\n",
    );
    for c in FieldCode::ALL {
        out.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.meaning()));
    }
    out.push_str(
        "\nA refusal (403, 409, 410, 413, 415) carries a `reason` and its `params`, and so\n\
         does each `invalid_content` entry of `errors`, with where in the course:\n\
         `module` (and `module_title`), `item_kind`, `item`, `item_id` (and `item_title`),\n\
         `question` (and `question_number`), `node` or `ending`; a choice named by its key\n\
         `choice` carries its label as `choice_label` when it has one:\n\
         `{\"reason\": \"no_attempts_left\", \"params\": {\"max\": \"3\"}}`. Clients say the\n\
         reason in the reader's language; `detail` (or `message`) is the English sentence:\n\n\
         | `reason` | English | sent when |\n|---|---|---|\n",
    );
    for r in ReasonCode::ALL {
        out.push_str(&format!("| `{}` | {} | {} |\n", r.as_str(), r.english().replace('|', "\\|"), r.meaning()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_type_and_code_is_named_once() {
        let slugs: HashSet<_> = ProblemType::ALL.iter().map(|t| t.slug()).collect();
        assert_eq!(slugs.len(), ProblemType::ALL.len());
        let codes: HashSet<_> = FieldCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), FieldCode::ALL.len());
        let reasons: HashSet<_> = ReasonCode::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(reasons.len(), ReasonCode::ALL.len());
        let statuses: Vec<u16> = ProblemType::ALL.iter().map(|t| t.row().status).collect();
        assert!(statuses.is_sorted(), "rows by status: {statuses:?}");
    }

    #[test]
    fn codes_are_sent_as_in_the_table() {
        for c in FieldCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::Value::String(c.as_str().into()));
        }
    }

    #[test]
    fn a_reason_fills_its_sentence() {
        let reason = Reason::from(ReasonCode::NoAttemptsLeft).with("max", 3);
        assert_eq!(reason.english(), "no attempts left: this quiz allows 3");
        assert_eq!(serde_json::to_value(ReasonCode::NoAttemptsLeft).unwrap(), "no_attempts_left");
        // Every parameter a sentence names is written `{name}` with a plain name.
        for r in ReasonCode::ALL {
            for part in r.english().split('{').skip(1) {
                let name = part.split('}').next().unwrap_or_default();
                assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{r:?}: {name}");
            }
        }
    }

    #[test]
    fn the_documentation_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/problems.md");
        let written = std::fs::read_to_string(path).unwrap_or_default();
        if std::env::var_os("SANAD_WRITE_DOCS").is_some() {
            std::fs::write(path, markdown()).unwrap();
            return;
        }
        assert!(
            written == markdown(),
            "docs/problems.md differs from the table in problem.rs: run SANAD_WRITE_DOCS=1 cargo test -p sanad-platform problem"
        );
    }
}
