-- Cohorts (a trainer's group following one course together) and the field
-- sessions professionals record after their training.

CREATE TABLE cohorts (
    id         BLOB PRIMARY KEY,
    course_id  BLOB NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    trainer_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX cohorts_trainer ON cohorts (trainer_id);

CREATE TABLE cohort_members (
    cohort_id           BLOB NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at            TEXT NOT NULL,
    -- The last "you have been idle" reminder, so one click sends one mail.
    idle_reminded_at    TEXT,
    -- The one reminder to record field sessions, 30 days after the cohort ends.
    followup_reminded_at TEXT,
    PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX cohort_members_user ON cohort_members (user_id);

-- Addresses with no account yet: the registration with that address joins the cohort.
CREATE TABLE cohort_invitations (
    cohort_id        BLOB NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    email_normalized TEXT NOT NULL,
    invited_at       TEXT NOT NULL,
    PRIMARY KEY (cohort_id, email_normalized)
);
CREATE INDEX cohort_invitations_email ON cohort_invitations (email_normalized);

CREATE TABLE field_sessions (
    id           BLOB PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    held_on      TEXT NOT NULL,
    territory    TEXT NOT NULL,
    audience     TEXT NOT NULL,
    participants INTEGER NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX field_sessions_user ON field_sessions (user_id, held_on);
CREATE INDEX field_sessions_held_on ON field_sessions (held_on);

CREATE TABLE field_session_resources (
    session_id  BLOB NOT NULL REFERENCES field_sessions (id) ON DELETE CASCADE,
    resource_id BLOB NOT NULL,
    PRIMARY KEY (session_id, resource_id)
);
