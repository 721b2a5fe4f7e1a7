-- People, their sessions and credentials, and the reference data of the field.
-- Ids are UUID v7 (UUID here, BLOB on SQLite); times are UTC.

CREATE TABLE territories (
    code     TEXT PRIMARY KEY,
    name_fr  TEXT NOT NULL,
    name_ar  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position INTEGER NOT NULL
);

INSERT INTO territories (code, name_fr, name_ar, name_en, position) VALUES
    ('sale', 'Salé', 'سلا', 'Salé', 1),
    ('kenitra', 'Kénitra', 'القنيطرة', 'Kenitra', 2),
    ('skhirat-temara', 'Skhirat-Témara', 'الصخيرات تمارة', 'Skhirat-Temara', 3),
    ('rabat', 'Rabat', 'الرباط', 'Rabat', 4);

CREATE TABLE organization_kinds (
    code     TEXT PRIMARY KEY,
    name_fr  TEXT NOT NULL,
    name_ar  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position INTEGER NOT NULL
);

INSERT INTO organization_kinds (code, name_fr, name_ar, name_en, position) VALUES
    ('association', 'Association', 'جمعية', 'Association', 1),
    ('institution', 'Institution', 'مؤسسة', 'Institution', 2);

CREATE TABLE users (
    id                UUID PRIMARY KEY,
    email             TEXT NOT NULL,
    email_normalized  TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL,
    password_hash     TEXT NOT NULL,
    roles             TEXT NOT NULL DEFAULT 'learner',
    locale            TEXT NOT NULL DEFAULT 'fr',
    organization      TEXT,
    organization_kind TEXT REFERENCES organization_kinds (code),
    territory         TEXT REFERENCES territories (code),
    profession        TEXT,
    email_verified_at TIMESTAMPTZ,
    disabled_at       TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Email verification and password reset links: single use, expiring, hashed.
CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

-- Failed logins, counted per account and per client address for throttling.
CREATE TABLE login_failures (
    id         UUID PRIMARY KEY,
    scope_key  TEXT NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (scope_key, failed_at);
