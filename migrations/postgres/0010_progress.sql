-- Progress: who follows which course, what they have finished, and the
-- append-only log of learning events that every state change is written with.

-- One row per learner and course, created by the first enrolment, read or attempt.
CREATE TABLE enrolments (
    user_id           UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id         UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    enrolled_at       TIMESTAMPTZ NOT NULL,
    left_at           TIMESTAMPTZ,
    last_activity_at  TIMESTAMPTZ NOT NULL,
    -- When every item of `completed_version` was finished; a later version with
    -- new items reopens the course (reads compare with the current outline).
    completed_at      TIMESTAMPTZ,
    completed_version BIGINT,
    PRIMARY KEY (user_id, course_id)
);
CREATE INDEX enrolments_course ON enrolments (course_id);

-- Items finished, by id: ids are kept across versions, so completions carry over.
CREATE TABLE item_completions (
    user_id        UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id      UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    item_id        UUID NOT NULL,
    course_version BIGINT NOT NULL,
    completed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
CREATE INDEX item_completions_course ON item_completions (user_id, course_id);

-- The learning events (actor, verb, object, result, time, course version):
-- append-only, written in the transaction of the change they describe.
CREATE TABLE learning_events (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id       UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    course_version  BIGINT NOT NULL,
    item_id         UUID,
    verb            TEXT NOT NULL,
    result          TEXT,
    occurred_at     TIMESTAMPTZ NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX learning_events_user ON learning_events (user_id, course_id, occurred_at);

-- Best quiz score per learner and quiz, and per-question outcomes, kept beside
-- the log so a cohort's dashboard reads a few rows per member.
CREATE TABLE quiz_bests (
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id  UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    quiz_id    UUID NOT NULL,
    best_score BIGINT NOT NULL,
    max_score  BIGINT NOT NULL,
    attempts   BIGINT NOT NULL,
    PRIMARY KEY (user_id, quiz_id)
);
CREATE TABLE question_outcomes (
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id   UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    quiz_id     UUID NOT NULL,
    question_id UUID NOT NULL,
    attempts    BIGINT NOT NULL,
    correct     BIGINT NOT NULL,
    PRIMARY KEY (user_id, question_id)
);
CREATE INDEX question_outcomes_course ON question_outcomes (course_id);

-- Attestations. The code is the only way to find one; names and titles are
-- kept as they were when it was issued, which stays valid across versions.
CREATE TABLE certificates (
    code            TEXT PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id       UUID NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    course_version  BIGINT NOT NULL,
    course_slug     TEXT NOT NULL,
    holder_name     TEXT NOT NULL,
    title_fr        TEXT NOT NULL,
    title_ar        TEXT,
    title_en        TEXT,
    minutes         BIGINT NOT NULL,
    issued_at       TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    UNIQUE (user_id, course_id)
);
