-- Progress: the idempotency keys a learner's device has used.
--
-- A lesson completed offline is queued on the phone with a key of its own
-- and sent when the network returns, perhaps twice (the answer to the first
-- sending lost on a weak link). The key is written in the transaction of the
-- completion and its learning event, so a key seen again records nothing.
CREATE TABLE progress_idempotency_keys (
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key UUID NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
