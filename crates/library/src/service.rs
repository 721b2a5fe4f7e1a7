//! The rules of the library: who may publish what, how files are checked,
//! searching, ratings and usage, and keeping the search index in step with
//! the database.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sanad_platform::FieldCode;
use sanad_platform::ids::new_id;
use sanad_platform::page::{self, Page};
use sanad_platform::vocabulary::{Audience, Language, ResourceType, Territory, Theme};
use sanad_platform::{Caller, Clock, Db, Error, FieldError, Result};
use sanad_platform::{Reason, ReasonCode};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, Semaphore, watch};
use uuid::Uuid;

use crate::extract::{self, Extractor};
use crate::files::{self, FileStore};
use crate::lessons::{LessonSource, PublishedLesson};
use crate::model::*;
use crate::search::index::SearchResult;
use crate::search::{DocKind, Filters, IndexDoc, LibraryIndex, SortKey};
use crate::store::{self, FileRow, IndexEvent, ResourceRow};

/// A file as received in an upload.
#[derive(Debug)]
pub struct IncomingFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file checked and put in the file store, ready to be recorded with its resource.
#[derive(Debug)]
struct StoredFile {
    /// The name as uploaded (cleaned when recorded).
    name: String,
    size: usize,
    content_type: &'static str,
    sha256: String,
    /// Its text, for search (PDFs only; empty otherwise).
    text: String,
}

/// A file to send back: its name, type and content (streamed from the store).
pub struct FileDownload {
    pub name: String,
    pub content_type: String,
    pub content: files::StoredBytes,
}

/// Search parameters, as typed in the URL.
#[derive(Debug, Default)]
pub struct SearchParams {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub audience: Option<String>,
    pub language: Option<String>,
    pub territory: Option<String>,
    pub theme: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// The library service. Cheap to clone.
#[derive(Clone)]
pub struct Library {
    pub(crate) db: Db,
    clock: Clock,
    files: FileStore,
    extractor: Extractor,
    index: Arc<LibraryIndex>,
    max_upload_bytes: usize,
    wake: Arc<Notify>,
    /// Recently applied event numbers, so the look-back re-reads only what it has not applied.
    recent: Arc<Mutex<HashSet<i64>>>,
    /// The published lessons, when the server gives a source of them.
    lessons: Option<Arc<dyn LessonSource>>,
    /// The published version of each course whose lessons the index holds (`None` before the first look).
    indexed_courses: Arc<Mutex<Option<HashMap<Uuid, i64>>>>,
    /// Two searches per core at a time (one running while the next thread
    /// wakes); the others wait their turn in order. Sixty-four searches on
    /// sixty-four blocking threads shared two cores and stretched every one
    /// of them (demo library, 64 connections: p99 51 ms; with the slots 21-26 ms).
    search_slots: Arc<Semaphore>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Library")
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn date_to_time(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or_default()
}

/// Checks metadata against the vocabularies, naming each offending field.
pub fn check_metadata(m: &ResourceMetadata) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let unknown = |field: &str, value: &str, values: String| {
        FieldError::new(field, FieldCode::UnknownValue, format!("`{value}` is not one of {values}"))
    };
    if m.title.trim().is_empty() {
        errors.push(FieldError::new("title", FieldCode::Required, "must not be empty"));
    } else if m.title.chars().count() > 300 {
        errors.push(FieldError::new("title", FieldCode::TooLong, "must be at most 300 characters"));
    }
    if m.description.chars().count() > 20_000 {
        errors.push(FieldError::new("description", FieldCode::TooLong, "must be at most 20000 characters"));
    }
    if ResourceType::parse(&m.kind).is_none() {
        errors.push(unknown("type", &m.kind, ResourceType::list()));
    }
    if m.audience.is_empty() {
        errors.push(FieldError::new("audience", FieldCode::Required, "name at least one audience"));
    }
    for (i, a) in m.audience.iter().enumerate() {
        if Audience::parse(a).is_none() {
            errors.push(unknown(&format!("audience[{i}]"), a, Audience::list()));
        }
    }
    if Language::parse(&m.language).is_none() {
        errors.push(unknown("language", &m.language, Language::list()));
    }
    if let Some(t) = &m.territory
        && Territory::parse(t).is_none()
    {
        errors.push(unknown("territory", t, Territory::list()));
    }
    for (i, t) in m.themes.iter().enumerate() {
        if Theme::parse(t).is_none() {
            errors.push(unknown(&format!("themes[{i}]"), t, Theme::list()));
        }
    }
    if m.tags.len() > 30 || m.tags.iter().any(|t| t.chars().count() > 60) {
        errors.push(FieldError::new("tags", FieldCode::TooLong, "at most 30 tags of 60 characters"));
    }
    for (i, l) in m.links.iter().enumerate() {
        let ok = url::Url::parse(&l.url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !ok {
            errors.push(FieldError::new(&format!("links[{i}].url"), FieldCode::InvalidFormat, "must be an http or https address"));
        }
    }
    errors
}

/// The list columns of a resource, as stored (JSON arrays).
struct ListColumns {
    audience: String,
    themes: String,
    tags: String,
    links: String,
}

impl ListColumns {
    fn of(m: &ResourceMetadata) -> Self {
        let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        Self {
            audience: json(&m.audience),
            themes: json(&m.themes),
            tags: json(&m.tags),
            links: serde_json::to_string(&m.links).unwrap_or_else(|_| "[]".into()),
        }
    }

    /// The row of `m` (with these columns) for writing; `published: None`
    /// keeps the stored state (updates only).
    fn row<'a>(
        &'a self,
        id: Uuid,
        m: &'a ResourceMetadata,
        published: Option<bool>,
        created_by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> ResourceRow<'a> {
        ResourceRow {
            id,
            title: m.title.trim(),
            description: m.description.trim(),
            kind: &m.kind,
            audience: &self.audience,
            language: &m.language,
            territory: m.territory.as_deref(),
            themes: &self.themes,
            tags: &self.tags,
            links: &self.links,
            review_by: m.review_by.map(date_to_time),
            published,
            created_by,
            now,
        }
    }
}

/// Parses the JSON metadata of an upload.
pub fn parse_metadata(json: &str) -> Result<ResourceMetadata> {
    // A bad date is named as such, not as unreadable metadata.
    if let Ok(serde_json::Value::Object(raw)) = serde_json::from_str::<serde_json::Value>(json)
        && let Some(serde_json::Value::String(date)) = raw.get("review_by")
        && date.parse::<NaiveDate>().is_err()
    {
        return Err(Error::invalid("review_by", FieldCode::InvalidFormat, "must be a date like 2027-06-30"));
    }
    let m: ResourceMetadata = serde_json::from_str(json).map_err(|e| {
        Error::Invalid(vec![FieldError::new("metadata", FieldCode::InvalidFormat, format!("not valid resource metadata: {e}"))])
    })?;
    let errors = check_metadata(&m);
    if errors.is_empty() { Ok(m) } else { Err(Error::Invalid(errors)) }
}

/// The search cursor: the last hit's sort key, the score as its bits so it comes back exactly.
fn encode_cursor(key: SortKey) -> String {
    page::encode_key(&(key.score.to_bits(), key.created))
}

fn decode_cursor(cursor: Option<&str>) -> Result<Option<SortKey>> {
    Ok(page::decode_key::<(u32, u64)>(cursor)?.map(|(score, created)| SortKey { score: f32::from_bits(score), created }))
}

/// Counts by code (the collector's) -> counts by wire string, without the zeros.
fn facet_map<V: std::fmt::Display>(from_code: fn(u64) -> Option<V>, counts: &[u64]) -> BTreeMap<String, u64> {
    counts.iter().enumerate().filter(|(_, n)| **n > 0).filter_map(|(code, n)| from_code(code as u64).map(|v| (v.to_string(), *n))).collect()
}

/// The index code of an optional filter typed in the URL; an unknown value is noted in `errors`.
fn filter_code<V: Copy>(
    field: &str,
    value: &Option<String>,
    parse: fn(&str) -> Option<V>,
    code: fn(V) -> u64,
    values: fn() -> String,
    errors: &mut Vec<FieldError>,
) -> Option<u64> {
    let v = value.as_deref().filter(|v| !v.is_empty())?;
    let parsed = parse(v);
    if parsed.is_none() {
        errors.push(FieldError::new(field, FieldCode::UnknownValue, format!("`{v}` is not one of {}", values())));
    }
    parsed.map(code)
}

/// A stored JSON list of vocabulary values.
/// A stored resource's facets, read back into the vocabularies.
fn classification(r: &ResourceRecord) -> Result<Classification> {
    Ok(Classification {
        kind: ResourceType::from_stored(&r.kind)?,
        audience: stored_list(&r.audience, Audience::from_stored)?,
        language: Language::from_stored(&r.language)?,
        territory: r.territory.as_deref().map(Territory::from_stored).transpose()?,
        themes: stored_list(&r.themes, Theme::from_stored)?,
    })
}

fn stored_list<V>(json: &str, from_stored: fn(&str) -> Result<V>) -> Result<Vec<V>> {
    list(json).iter().map(|v| from_stored(v)).collect()
}

impl Library {
    /// The library over `db`, its files under `files`, its index `index`.
    pub fn new(db: Db, clock: Clock, files: FileStore, extractor: Extractor, index: Arc<LibraryIndex>, max_upload_mb: u64) -> Self {
        Self {
            db,
            clock,
            files,
            extractor,
            index,
            max_upload_bytes: (max_upload_mb.saturating_mul(1024 * 1024)) as usize,
            wake: Arc::new(Notify::new()),
            recent: Arc::new(Mutex::new(HashSet::new())),
            lessons: None,
            indexed_courses: Arc::new(Mutex::new(None)),
            search_slots: Arc::new(Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()) * 2)),
        }
    }

    /// Makes the lessons of `source` searchable too (`GET /search`).
    pub fn with_lessons(mut self, source: Arc<dyn LessonSource>) -> Self {
        self.lessons = Some(source);
        self
    }

    /// The search index.
    pub fn index(&self) -> &Arc<LibraryIndex> {
        &self.index
    }

    /// Searches published resources; an empty query lists the newest first.
    pub async fn search(&self, p: SearchParams) -> Result<SearchPage> {
        let mut errors = Vec::new();
        let filters = Filters {
            doc_kind: Some(DocKind::Resource as u64),
            kind: filter_code("type", &p.kind, ResourceType::parse, ResourceType::code, ResourceType::list, &mut errors),
            audience: filter_code("audience", &p.audience, Audience::parse, Audience::code, Audience::list, &mut errors),
            language: filter_code("language", &p.language, Language::parse, Language::code, Language::list, &mut errors),
            territory: filter_code("territory", &p.territory, Territory::parse, Territory::code, Territory::list, &mut errors),
            theme: filter_code("theme", &p.theme, Theme::parse, Theme::code, Theme::list, &mut errors),
        };
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let (result, next_cursor) = self.run_search(p.q, filters, p.cursor, p.limit).await?;
        let items = hits_of(&result, |summary| serde_json::from_str::<ResourceHit>(summary).ok(), |h, s| h.snippet_html = s);
        let f = &result.found.facets;
        Ok(SearchPage {
            items,
            facets: Facets {
                kind: facet_map(ResourceType::from_code, &f.kind),
                audience: facet_map(Audience::from_code, &f.audience),
                language: facet_map(Language::from_code, &f.language),
                territory: facet_map(Territory::from_code, &f.territory),
                theme: facet_map(Theme::from_code, &f.theme),
            },
            total: result.found.total,
            next_cursor,
        })
    }

    /// Searches published lessons and resources together, best first.
    pub async fn search_all(&self, q: Option<String>, cursor: Option<String>, limit: Option<u32>) -> Result<SearchAllPage> {
        let (result, next_cursor) = self.run_search(q, Filters::default(), cursor, limit).await?;
        let items = hits_of(&result, search_hit, |h, s| h.snippet_html = s);
        Ok(SearchAllPage { items, next_cursor })
    }

    /// Checks the words, limit and cursor of a search, runs it on the
    /// blocking pool, and gives the cursor of the next page.
    async fn run_search(
        &self,
        q: Option<String>,
        filters: Filters,
        cursor: Option<String>,
        limit: Option<u32>,
    ) -> Result<(SearchResult, Option<String>)> {
        let limit = page::limit(limit)? as usize;
        let cursor = decode_cursor(cursor.as_deref())?;
        let q = q.unwrap_or_default();
        if q.chars().count() > 500 {
            return Err(Error::invalid("q", FieldCode::TooLong, "must be at most 500 characters"));
        }
        let index = self.index.clone();
        let _slot = self.search_slots.acquire().await.map_err(|e| Error::Internal(e.into()))?;
        let result = tokio::task::spawn_blocking(move || index.search(&q, filters, limit, cursor))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(|e| Error::Internal(e.into()))?;
        let next_cursor = (result.found.after_cursor as usize > result.hits.len())
            .then(|| result.hits.last().map(|(k, _, _)| encode_cursor(*k)))
            .flatten();
        Ok((result, next_cursor))
    }

    async fn visible(&self, caller: Option<&Caller>, id: Uuid) -> Result<ResourceRecord> {
        let r = store::resource(&self.db, id).await?.ok_or(Error::NotFound("resource"))?;
        if !r.published && !caller.is_some_and(Caller::can_author) {
            return Err(Error::NotFound("resource"));
        }
        Ok(r)
    }

    /// A resource with its files and rating; counted as a view.
    pub async fn resource(&self, caller: Option<&Caller>, id: Uuid) -> Result<ResourceView> {
        let r = self.visible(caller, id).await?;
        store::count_view(&self.db, id, caller.map(|c| c.user_id), self.clock.now().date_naive()).await?;
        self.view_of(caller, r).await
    }

    async fn view_of(&self, caller: Option<&Caller>, r: ResourceRecord) -> Result<ResourceView> {
        let files = store::files(&self.db, r.id)
            .await?
            .into_iter()
            .map(|f| FileView { id: f.id, name: f.name, size: f.size, content_type: f.content_type })
            .collect();
        let distribution = store::rating_distribution(&self.db, r.id).await?;
        let my_rating = match caller {
            Some(c) => store::my_rating(&self.db, r.id, c.user_id).await?,
            None => None,
        };
        let review_by = r.review_by.map(|t| t.date_naive());
        let classification = classification(&r)?;
        Ok(ResourceView {
            id: r.id,
            title: r.title,
            description: r.description,
            classification,
            tags: list(&r.tags),
            links: serde_json::from_str(&r.links).unwrap_or_default(),
            review_due: r.review_by.is_some_and(|t| t < self.clock.now()),
            review_by,
            published: r.published,
            files,
            rating: summary(&distribution),
            my_rating,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }

    /// Checks and stores uploaded files: size, type by content; text of PDFs extracted in a bounded child process.
    async fn take_files(&self, incoming: Vec<IncomingFile>) -> Result<Vec<StoredFile>> {
        let mut out = Vec::new();
        for f in incoming {
            if f.bytes.len() > self.max_upload_bytes {
                return Err(Error::TooLarge(
                    Reason::from(ReasonCode::FileTooLarge)
                        .with("name", files::clean_name(&f.name, ""))
                        .with("limit", format!("{} MiB", self.max_upload_bytes / 1024 / 1024))
                        .with("limit_bytes", self.max_upload_bytes),
                ));
            }
            let Some(content_type) = files::detect(&f.bytes) else {
                return Err(Error::UnsupportedMediaType(
                    Reason::from(ReasonCode::FileTypeRefused).with("name", files::clean_name(&f.name, "")),
                ));
            };
            let hash = self.files.put(&f.bytes).await.map_err(|e| Error::Internal(e.into()))?;
            let text = if content_type == "application/pdf" {
                match self.files.local_path(&hash) {
                    Some(path) => self.extractor.pdf_text(&path).await.unwrap_or_default(),
                    // In a bucket: the extractor reads the uploaded bytes from a temporary file.
                    None => self.extractor.pdf_text_of(&f.bytes).await.unwrap_or_default(),
                }
            } else {
                String::new()
            };
            out.push(StoredFile { name: f.name, size: f.bytes.len(), content_type, sha256: hash, text });
        }
        Ok(out)
    }

    /// Publishes a resource with its files (trainers and admins).
    pub async fn create(&self, caller: &Caller, metadata_json: &str, incoming: Vec<IncomingFile>) -> Result<Created> {
        caller.require_author()?;
        let m = parse_metadata(metadata_json)?;
        let stored = self.take_files(incoming).await?;
        let id = self.insert(Some(caller.user_id), &m, &stored).await?;
        Ok(Created { id })
    }

    async fn insert(&self, by: Option<Uuid>, m: &ResourceMetadata, files: &[StoredFile]) -> Result<Uuid> {
        let id = new_id();
        let now = self.clock.now();
        let lists = ListColumns::of(m);
        let mut tx = self.db.begin().await?;
        let row = lists.row(id, m, Some(m.published_on_upload()), by, now);
        store::insert_resource(&mut tx, &row).await?;
        for f in files {
            let clean = files::clean_name(&f.name, f.content_type);
            let file = FileRow {
                id: new_id(),
                resource_id: id,
                name: &clean,
                size: f.size as i64,
                content_type: f.content_type,
                sha256: &f.sha256,
                extracted_text: &f.text,
                now,
            };
            store::insert_file(&mut tx, &file).await?;
        }
        store::index_event(&mut tx, "resource", id, now).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(id)
    }

    /// Replaces a resource's metadata (trainers and admins). Without
    /// `published`, the resource stays published or unpublished as it was.
    pub async fn update(&self, caller: &Caller, id: Uuid, metadata: serde_json::Value) -> Result<ResourceView> {
        caller.require_author()?;
        let m = parse_metadata(&metadata.to_string())?;
        let lists = ListColumns::of(&m);
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let row = lists.row(id, &m, m.published, None, now);
        if !store::update_resource(&mut tx, &row).await? {
            return Err(Error::NotFound("resource"));
        }
        store::index_event(&mut tx, "resource", id, now).await?;
        tx.commit().await?;
        self.wake.notify_one();
        let r = store::resource(&self.db, id).await?.ok_or(Error::NotFound("resource"))?;
        self.view_of(Some(caller), r).await
    }

    /// Deletes a resource: it leaves search at once; its rows stay for the record.
    pub async fn delete(&self, caller: &Caller, id: Uuid) -> Result<()> {
        caller.require_author()?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !store::delete_resource(&mut tx, id, now).await? {
            return Err(Error::NotFound("resource"));
        }
        store::index_event(&mut tx, "resource", id, now).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(())
    }

    /// A file to download (counted as a use of the resource).
    pub async fn download(&self, caller: Option<&Caller>, id: Uuid, file_id: Uuid) -> Result<FileDownload> {
        let r = self.visible(caller, id).await?;
        let file = store::files(&self.db, r.id).await?.into_iter().find(|f| f.id == file_id).ok_or(Error::NotFound("file"))?;
        let content =
            self.files.get(&file.sha256).await.map_err(|e| Error::Internal(anyhow::Error::new(e).context("stored file missing")))?;
        store::count_download(&self.db, r.id, file.id).await?;
        Ok(FileDownload { name: file.name, content_type: file.content_type, content })
    }

    /// Rates a resource (one rating per person, changeable). True when it is a new rating.
    pub async fn rate(&self, caller: &Caller, id: Uuid, stars: i64, comment: Option<&str>) -> Result<bool> {
        if !(1..=5).contains(&stars) {
            return Err(Error::invalid("stars", FieldCode::OutOfRange, "must be between 1 and 5"));
        }
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > 2000) {
            return Err(Error::invalid("comment", FieldCode::TooLong, "must be at most 2000 characters"));
        }
        self.visible(Some(caller), id).await?;
        Ok(store::upsert_rating(&self.db, id, caller.user_id, stars, comment, self.clock.now()).await?)
    }

    /// The rating summary of a resource (not counted as a view).
    pub async fn rating(&self, id: Uuid) -> Result<RatingSummary> {
        Ok(summary(&store::rating_distribution(&self.db, id).await?))
    }

    /// How a resource is used and judged (trainers and admins). Comments are shown without their authors.
    pub async fn evaluation(&self, caller: &Caller, id: Uuid) -> Result<Evaluation> {
        caller.require_author()?;
        let r = store::resource(&self.db, id).await?.ok_or(Error::NotFound("resource"))?;
        let distribution = store::rating_distribution(&self.db, id).await?;
        let comments = store::rating_comments(&self.db, id).await?;
        Ok(Evaluation {
            resource_id: id,
            title: r.title,
            views: r.view_count,
            downloads: r.download_count,
            rating: summary(&distribution),
            distribution: distribution.to_vec(),
            comments,
        })
    }

    /// The evaluation of every resource as CSV (trainers and admins).
    pub async fn evaluation_csv(&self, caller: &Caller) -> Result<String> {
        caller.require_author()?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "id",
            "title",
            "type",
            "language",
            "territory",
            "views",
            "downloads",
            "ratings",
            "average",
            "stars_1",
            "stars_2",
            "stars_3",
            "stars_4",
            "stars_5",
            "review_by",
        ];
        w.write_record(header).map_err(|e| Error::Internal(e.into()))?;
        for r in store::all_resources(&self.db).await? {
            let d = store::rating_distribution(&self.db, r.id).await?;
            let s = summary(&d);
            let cells = [
                r.id.to_string(),
                csv_safe(&r.title),
                r.kind.clone(),
                r.language.clone(),
                r.territory.clone().unwrap_or_default(),
                r.view_count.to_string(),
                r.download_count.to_string(),
                s.count.to_string(),
                s.average.map(|a| format!("{a:.2}")).unwrap_or_default(),
                d[0].to_string(),
                d[1].to_string(),
                d[2].to_string(),
                d[3].to_string(),
                d[4].to_string(),
                r.review_by.map(|t| t.date_naive().to_string()).unwrap_or_default(),
            ];
            w.write_record(cells).map_err(|e| Error::Internal(e.into()))?;
        }
        let bytes = w.into_inner().map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))?;
        String::from_utf8(bytes).map_err(|e| Error::Internal(e.into()))
    }

    /// Resources whose review date has passed (trainers and admins).
    pub async fn review_due(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<ReviewDueList> {
        caller.require_author()?;
        let limit = page::optional_limit(limit, cursor)?;
        // Keyset (review_by, id), oldest date first. Resources past review are
        // few, so the list is read whole and paged here.
        let after = page::decode_key::<(i64, Uuid)>(cursor)?;
        let mut items: Vec<ReviewDue> = store::review_due(&self.db, self.clock.now())
            .await?
            .into_iter()
            .filter_map(|r| Some((r.review_by?.date_naive(), r)))
            .map(|(review_by, r)| Ok(ReviewDue { id: r.id, kind: ResourceType::from_stored(&r.kind)?, title: r.title, review_by }))
            .collect::<Result<Vec<_>>>()?;
        let key = |r: &ReviewDue| (date_to_time(r.review_by).timestamp_micros(), r.id);
        items.sort_by_key(key);
        let page = Page::from_sorted(items, key, after.as_ref(), limit, |r| page::encode_key(&key(r)));
        Ok(ReviewDueList { items: page.items, next_cursor: page.next_cursor })
    }

    // ---- keeping the index in step ----

    /// The document to index for resource `id`, or `None` when it must not be found.
    async fn index_doc(&self, id: Uuid) -> Result<Option<IndexDoc>> {
        let Some(r) = store::resource(&self.db, id).await? else { return Ok(None) };
        if !r.published {
            return Ok(None);
        }
        let texts = store::extracted_text(&self.db, id).await?;
        Ok(Some(document_of(&r, &texts)?))
    }

    /// Applies the index events not yet applied; returns how many resources changed.
    pub async fn apply_index_events(&self) -> Result<usize> {
        let applied = self.index.applied_seq();
        let now = self.clock.now();
        let events = store::index_events_since(&self.db, applied, now - Duration::seconds(30), 2000).await?;
        let fresh: Vec<IndexEvent> = {
            let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            events.into_iter().filter(|e| e.seq > applied || !recent.contains(&e.seq)).collect()
        };
        if fresh.is_empty() {
            return Ok(0);
        }
        let mut ids: Vec<Uuid> = fresh.iter().filter(|e| e.entity == "resource").map(|e| e.entity_id).collect();
        ids.sort();
        ids.dedup();
        for id in &ids {
            let doc = self.index_doc(*id).await?;
            self.index.put(&id.to_string(), doc.as_ref()).map_err(|e| Error::Internal(e.into()))?;
        }
        let max = fresh.iter().map(|e| e.seq).max().unwrap_or(applied).max(applied);
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.commit(max))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(|e| Error::Internal(e.into()))?;
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.extend(fresh.iter().map(|e| e.seq));
        if recent.len() > 10_000 {
            recent.clear();
        }
        Ok(ids.len())
    }

    /// Brings the index's lessons in step with the published courses;
    /// returns how many courses changed.
    pub async fn sync_lessons(&self) -> Result<usize> {
        let Some(source) = &self.lessons else { return Ok(0) };
        let published: HashMap<Uuid, i64> = source.published_versions().await.map_err(Error::Internal)?.into_iter().collect();
        let known = self.indexed_courses.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let known = match known {
            Some(k) => k,
            // First look since start: every course in the index is checked again.
            None => self
                .index
                .groups()
                .map_err(|e| Error::Internal(e.into()))?
                .iter()
                .filter_map(|g| g.parse().ok())
                .map(|id| (id, -1))
                .collect(),
        };
        let changed: Vec<(Uuid, i64)> = published.iter().filter(|(c, v)| known.get(c) != Some(v)).map(|(c, v)| (*c, *v)).collect();
        let gone: Vec<Uuid> = known.keys().filter(|c| !published.contains_key(c)).copied().collect();
        if changed.is_empty() && gone.is_empty() {
            *self.indexed_courses.lock().unwrap_or_else(|p| p.into_inner()) = Some(known);
            return Ok(0);
        }
        for (course, version) in &changed {
            let lessons = source.lessons(*course, *version).await.map_err(Error::Internal)?;
            let docs: Vec<IndexDoc> = lessons.iter().enumerate().map(|(i, l)| lesson_document(*course, i, l)).collect();
            self.index.put_group(&course.to_string(), &docs).map_err(|e| Error::Internal(e.into()))?;
        }
        for course in &gone {
            self.index.put_group(&course.to_string(), &[]).map_err(|e| Error::Internal(e.into()))?;
        }
        let index = self.index.clone();
        let applied = index.applied_seq();
        tokio::task::spawn_blocking(move || index.commit(applied))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(|e| Error::Internal(e.into()))?;
        *self.indexed_courses.lock().unwrap_or_else(|p| p.into_inner()) = Some(published);
        Ok(changed.len() + gone.len())
    }

    /// Rebuilds the index from the database (`sanad reindex`, or a missing index at start).
    pub async fn rebuild_index(&self) -> Result<u64> {
        // Events after this point are applied by the indexer afterwards.
        let upto = store::last_index_event(&self.db).await?;
        self.index.clear().map_err(|e| Error::Internal(e.into()))?;
        // The lessons come back at the indexer's next look.
        *self.indexed_courses.lock().unwrap_or_else(|p| p.into_inner()) = Some(HashMap::new());
        let mut after = None;
        let mut count = 0;
        loop {
            let page = store::resources_after(&self.db, after, 500).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for r in &page {
                if r.deleted_at.is_none() && r.published {
                    let texts = store::extracted_text(&self.db, r.id).await?;
                    self.index.put(&r.id.to_string(), Some(&document_of(r, &texts)?)).map_err(|e| Error::Internal(e.into()))?;
                    count += 1;
                }
            }
        }
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.commit(upto))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(|e| Error::Internal(e.into()))?;
        Ok(count)
    }

    /// Keeps the index in step until `shutdown`; rebuilds it first when asked.
    pub async fn run_indexer(self, rebuild_first: bool, mut shutdown: watch::Receiver<bool>) {
        if rebuild_first {
            match self.rebuild_index().await {
                Ok(n) => tracing::info!(resources = n, "library index rebuilt"),
                Err(e) => tracing::error!(error = %e, "library index could not be rebuilt"),
            }
        }
        loop {
            if let Err(e) = self.apply_index_events().await {
                tracing::warn!(error = %e, "library index events could not be applied; will retry");
            }
            if let Err(e) = self.sync_lessons().await {
                tracing::warn!(error = %e, "published lessons could not be indexed; will retry");
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    /// Loads the demo library into an instance that has no resource yet.
    pub async fn load_demo(&self) -> Result<usize> {
        if store::count_resources(&self.db).await? > 0 {
            return Ok(0);
        }
        let demo = crate::demo::resources().map_err(|e| Error::Internal(anyhow::anyhow!("demo library: {e}")))?;
        let mut n = 0;
        for d in demo {
            let errors = check_metadata(&d.metadata);
            if !errors.is_empty() {
                return Err(Error::Internal(anyhow::anyhow!("demo resource {} is invalid: {errors:?}", d.key)));
            }
            let mut stored = Vec::new();
            if let Some(pages) = &d.pages {
                let pdf = if d.metadata.language == "ar" {
                    let (title, pages) = (d.metadata.title.clone(), pages.clone());
                    // Shaping and font subsetting take CPU: off the async workers.
                    tokio::task::spawn_blocking(move || crate::pdfgen::arabic::arabic_pdf(&title, &pages))
                        .await
                        .map_err(|e| Error::Internal(e.into()))?
                } else {
                    crate::pdfgen::text_pdf(&d.metadata.title, pages)
                };
                let hash = self.files.put(&pdf).await.map_err(|e| Error::Internal(e.into()))?;
                // Our own PDF: its text is what we wrote, no need to parse it back.
                let text = extract::normalize(&format!("{}\n{}", d.metadata.title, pages.join("\n")));
                stored.push(StoredFile {
                    name: format!("{}.pdf", d.key),
                    size: pdf.len(),
                    content_type: "application/pdf",
                    sha256: hash,
                    text,
                });
            }
            self.insert(None, &d.metadata, &stored).await?;
            n += 1;
        }
        Ok(n)
    }
}

fn summary(d: &[i64; 5]) -> RatingSummary {
    let count: i64 = d.iter().sum();
    let total: i64 = d.iter().enumerate().map(|(i, n)| (i as i64 + 1) * n).sum();
    RatingSummary { average: (count > 0).then(|| (total as f64 / count as f64 * 100.0).round() / 100.0), count }
}

/// A cell a spreadsheet would run as a formula, neutralised as in every CSV the library writes.
fn csv_safe(s: &str) -> String {
    sanad_platform::spreadsheet::neutralize(s)
}

/// A stored hit summary as a `GET /search` hit.
fn search_hit(summary: &str) -> Option<SearchHit> {
    let value: serde_json::Value = serde_json::from_str(summary).ok()?;
    if value.get("kind").and_then(|k| k.as_str()) == Some("lesson") {
        return serde_json::from_value(value).ok();
    }
    let r: ResourceHit = serde_json::from_value(value).ok()?;
    Some(SearchHit {
        kind: "resource".into(),
        id: r.id,
        title: r.title,
        snippet_html: r.snippet_html,
        language: r.classification.language.to_string(),
        course_slug: None,
        course_title: None,
    })
}

/// Most characters of a card's summary, before its ellipsis.
const SUMMARY_CHARS: usize = 180;

/// The start of `text` as a card's summary: whole when short, otherwise cut
/// at the last space before [`SUMMARY_CHARS`] (in the middle of a word only
/// when a single word is longer), without the punctuation it ended on, and
/// followed by `…`.
pub fn summary_text(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= SUMMARY_CHARS {
        return text.to_string();
    }
    let end = text.char_indices().nth(SUMMARY_CHARS).map_or(text.len(), |(i, _)| i);
    // Cut before the word the limit falls in, unless the next character starts a word.
    let next_is_space = text[end..].starts_with(char::is_whitespace);
    let cut = if next_is_space { end } else { text[..end].rfind(char::is_whitespace).filter(|i| *i > 0).unwrap_or(end) };
    let kept =
        text[..cut].trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | '،' | '؛' | '-' | '–' | '—'));
    format!("{kept}…")
}

/// The index document of the `position`th lesson of `course`.
pub fn lesson_document(course: Uuid, position: usize, l: &PublishedLesson) -> IndexDoc {
    let title = l.titles.first().cloned().unwrap_or_default();
    let hit = SearchHit {
        kind: "lesson".into(),
        id: l.id,
        title,
        snippet_html: html_escape(&summary_text(&l.text)),
        language: l.language.clone(),
        course_slug: Some(l.course_slug.clone()),
        course_title: Some(l.course_title.clone()),
    };
    IndexDoc {
        // A lesson has a document per language it is written in.
        id: format!("{}:{}", l.id, l.language),
        kind: DocKind::Lesson,
        group: course.to_string(),
        language: l.language.clone(),
        title: l.titles.join(" · "),
        body: l.text.clone(),
        lang_code: Language::parse(&l.language).map_or(0, Language::code),
        // A course's lessons share a publication time: their place keeps the paging order strict.
        created: (l.published_at.timestamp_micros().max(0) as u64).saturating_add(position as u64),
        summary: serde_json::to_string(&hit).unwrap_or_default(),
        ..IndexDoc::default()
    }
}

/// The index document of a resource.
pub fn document_of(r: &ResourceRecord, texts: &[String]) -> Result<IndexDoc> {
    let hit = ResourceHit {
        id: r.id,
        title: r.title.clone(),
        snippet_html: html_escape(&summary_text(&r.description)),
        classification: classification(r)?,
        file_count: texts.len() as u32,
    };
    let c = &hit.classification;
    let tags = list(&r.tags);
    let mut body = String::with_capacity(r.description.len() + 64);
    body.push_str(&r.description);
    body.push('\n');
    body.push_str(&tags.join(" · "));
    for t in texts {
        body.push('\n');
        body.push_str(t);
    }
    Ok(IndexDoc {
        id: r.id.to_string(),
        kind: DocKind::Resource,
        group: String::new(),
        language: r.language.clone(),
        title: r.title.clone(),
        body,
        type_code: c.kind.code(),
        lang_code: c.language.code(),
        territory_code: c.territory.map_or(0, Territory::code),
        audience_codes: c.audience.iter().map(|a| a.code()).collect(),
        theme_codes: c.themes.iter().map(|t| t.code()).collect(),
        created: r.created_at.timestamp_micros().max(0) as u64,
        summary: serde_json::to_string(&hit).unwrap_or_default(),
    })
}

/// The hits of a search as `parse` reads their stored summaries, each with
/// its snippet when the search made one.
fn hits_of<H>(result: &SearchResult, parse: impl Fn(&str) -> Option<H>, set_snippet: impl Fn(&mut H, String)) -> Vec<H> {
    result
        .hits
        .iter()
        .filter_map(|(_, summary, snippet)| {
            let mut hit = parse(summary)?;
            if !snippet.is_empty() {
                set_snippet(&mut hit, snippet.clone());
            }
            Some(hit)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::summary_text;

    #[test]
    fn summaries_end_on_a_whole_word_and_an_ellipsis() {
        assert_eq!(summary_text("  Un texte court. "), "Un texte court.");
        let long = "La prévention des violences, l'écoute et l'orientation des enfants ".repeat(5);
        let s = summary_text(&long);
        assert!(s.ends_with('…') && s.chars().count() <= 181, "{s}");
        let kept = s.trim_end_matches('…');
        assert!(long.starts_with(kept), "{s}");
        // The word before the ellipsis is whole: the text goes on with a space after it.
        assert!(long[kept.len()..].starts_with(' '), "cut inside a word: {s}");
        let arabic = "التكفل بالأطفال ضحايا العنف يبدأ بالاستقبال والإنصات، ثم التوجيه والتتبع ".repeat(5);
        let s = summary_text(&arabic);
        let kept = s.trim_end_matches('…');
        assert!(arabic[kept.len()..].starts_with([' ', '،']), "{s}");
        // One word longer than the limit is cut in it, still with the ellipsis.
        let s = summary_text(&"a".repeat(400));
        assert_eq!(s.chars().count(), 181);
        assert!(s.ends_with('…'));
    }
}
