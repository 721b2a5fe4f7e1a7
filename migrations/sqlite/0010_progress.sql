-- Progress: who follows which course, what they have finished, and the
-- append-only log of learning events that every state change is written with.

-- One row per learner and course, created by the first enrolment, read or attempt.
CREATE TABLE enrolments (
    user_id           BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id         BLOB NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    enrolled_at       TEXT NOT NULL,
    left_at           TEXT,
    last_activity_at  TEXT NOT NULL,
    -- When every item of `completed_version` was finished; a later version with
    -- new items reopens the course (reads compare with the current outline).
    completed_at      TEXT,
    completed_version INTEGER,
    PRIMARY KEY (user_id, course_id)
);
CREATE INDEX enrolments_course ON enrolments (course_id);

-- Items finished, by id: ids are kept across versions, so completions carry over.
CREATE TABLE item_completions (
    user_id        BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id      BLOB NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    item_id        BLOB NOT NULL,
    course_version INTEGER NOT NULL,
    completed_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
CREATE INDEX item_completions_course ON item_completions (user_id, course_id);

-- The learning events (actor, verb, object, result, time, course version):
-- append-only, written in the transaction of the change they describe.
CREATE TABLE learning_events (
    id              BLOB PRIMARY KEY,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id       BLOB NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    course_version  INTEGER NOT NULL,
    item_id         BLOB,
    verb            TEXT NOT NULL,
    result          TEXT,
    occurred_at     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);
CREATE INDEX learning_events_user ON learning_events (user_id, course_id, occurred_at);

-- Best quiz score per learner and quiz, and per-question outcomes, kept beside
-- the log so a cohort's dashboard reads a few rows per member.
CREATE TABLE quiz_bests (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id  BLOB NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    quiz_id    BLOB NOT NULL,
    best_score INTEGER NOT NULL,
    max_score  INTEGER NOT NULL,
    attempts   INTEGER NOT NULL,
    PRIMARY KEY (user_id, quiz_id)
);
CREATE TABLE question_outcomes (
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id   BLOB NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    quiz_id     BLOB NOT NULL,
    question_id BLOB NOT NULL,
    attempts    INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    PRIMARY KEY (user_id, question_id)
);
CREATE INDEX question_outcomes_course ON question_outcomes (course_id);

-- Attestations. The code is the only way to find one; names and titles are
-- kept as they were when it was issued, which stays valid across versions.
CREATE TABLE certificates (
    code            TEXT PRIMARY KEY,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id       BLOB NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    course_version  INTEGER NOT NULL,
    course_slug     TEXT NOT NULL,
    holder_name     TEXT NOT NULL,
    title_fr        TEXT NOT NULL,
    title_ar        TEXT,
    title_en        TEXT,
    minutes         INTEGER NOT NULL,
    issued_at       TEXT NOT NULL,
    revoked_at      TEXT,
    UNIQUE (user_id, course_id)
);
