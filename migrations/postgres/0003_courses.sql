-- Courses. The draft of a course is one JSON document (modules, lessons,
-- quizzes, case studies, with their ids); publishing copies it into an
-- immutable version. Learners always read a published version.

CREATE TABLE courses (
    id                UUID PRIMARY KEY,
    slug              TEXT NOT NULL UNIQUE,
    owner_id          UUID REFERENCES users (id) ON DELETE SET NULL,
    theme             TEXT NOT NULL,
    draft             TEXT NOT NULL,
    revision          BIGINT NOT NULL DEFAULT 1,
    published_version BIGINT,
    published_revision BIGINT,
    published_at      TIMESTAMPTZ,
    search_text       TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX courses_theme ON courses (theme, published_version);

CREATE TABLE course_coauthors (
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (course_id, user_id)
);

CREATE TABLE course_versions (
    course_id    UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    content      TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    published_by UUID,
    PRIMARY KEY (course_id, version)
);

-- Which course each module and item of a draft belongs to (authoring paths use their ids).
CREATE TABLE course_draft_parts (
    part_id   UUID PRIMARY KEY,
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL
);
CREATE INDEX course_draft_parts_course ON course_draft_parts (course_id);

-- The items of the current published version of each course, by id.
CREATE TABLE published_items (
    item_id   UUID PRIMARY KEY,
    course_id UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    version   BIGINT NOT NULL,
    kind      TEXT NOT NULL
);
CREATE INDEX published_items_course ON published_items (course_id);

CREATE TABLE quiz_attempts (
    id         UUID PRIMARY KEY,
    quiz_id    UUID NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id  UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    score      BIGINT NOT NULL,
    max_score  BIGINT NOT NULL,
    passed     BIGINT NOT NULL,
    answers    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, quiz_id);

-- A learner's way through a case study. version 0 is an author's preview of the draft.
CREATE TABLE case_study_runs (
    id            UUID PRIMARY KEY,
    case_study_id UUID NOT NULL,
    user_id       UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id     UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    version       BIGINT NOT NULL,
    current_key   TEXT NOT NULL,
    score         BIGINT NOT NULL DEFAULT 0,
    steps         TEXT NOT NULL DEFAULT '[]',
    ending_key    TEXT,
    started_at    TIMESTAMPTZ NOT NULL,
    ended_at      TIMESTAMPTZ
);
CREATE INDEX case_study_runs_user ON case_study_runs (user_id, case_study_id);
