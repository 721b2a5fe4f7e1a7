-- Emails to send, written in the same transaction as the change that causes
-- them and drained by the mail worker with retries and back-off.
CREATE TABLE mail_outbox (
    id              UUID PRIMARY KEY,
    recipient       TEXT NOT NULL,
    locale          TEXT NOT NULL,
    template        TEXT NOT NULL,
    params          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until   TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, failed_at, next_attempt_at);
