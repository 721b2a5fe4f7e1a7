-- Emails to send, written in the same transaction as the change that causes
-- them and drained by the mail worker with retries and back-off.
CREATE TABLE mail_outbox (
    id              BLOB PRIMARY KEY,
    recipient       TEXT NOT NULL,
    locale          TEXT NOT NULL,
    template        TEXT NOT NULL,
    params          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, failed_at, next_attempt_at);
