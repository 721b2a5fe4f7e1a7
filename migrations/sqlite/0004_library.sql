-- The resource library. Resources are the source of truth; the tantivy
-- index under <data dir>/index is derived from them through index_events,
-- written in the same transaction as every change.

CREATE TABLE resources (
    id             BLOB PRIMARY KEY,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    audience       TEXT NOT NULL,
    language       TEXT NOT NULL,
    territory      TEXT REFERENCES territories (code),
    themes         TEXT NOT NULL,
    tags           TEXT NOT NULL,
    links          TEXT NOT NULL DEFAULT '[]',
    review_by      TEXT,
    published      BOOLEAN NOT NULL DEFAULT TRUE,
    deleted_at     TEXT,
    created_by     BLOB REFERENCES users (id) ON DELETE SET NULL,
    view_count     BIGINT NOT NULL DEFAULT 0,
    download_count BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX resources_review ON resources (review_by);

-- Files are stored once by content hash under <data dir>/files; these rows name them.
CREATE TABLE resource_files (
    id             BLOB PRIMARY KEY,
    resource_id    BLOB NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    size           BIGINT NOT NULL,
    content_type   TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    extracted_text TEXT NOT NULL DEFAULT '',
    download_count BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);
CREATE INDEX resource_files_resource ON resource_files (resource_id);

CREATE TABLE resource_ratings (
    resource_id BLOB NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stars       BIGINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (resource_id, user_id)
);

-- The transactional outbox of the search indexes: every instance tails it.
CREATE TABLE index_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    entity_id  BLOB NOT NULL,
    created_at TEXT NOT NULL
);
