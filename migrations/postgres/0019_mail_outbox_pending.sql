-- The mails still to send, in the order the worker claims them. With only
-- mail_outbox_due (sent_at, failed_at, next_attempt_at) PostgreSQL read and
-- sorted every pending row for each claim of 50 (43 ms a claim with 47,000
-- pending after a fan-out to 1,000 watchers a reply, 100 replies): this
-- index is read in order and stops at the batch.
CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
