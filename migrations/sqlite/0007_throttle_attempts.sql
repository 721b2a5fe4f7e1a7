-- Throttling counts every attempt (sign-in, registration) before acting on it,
-- in the same step that decides whether it may go ahead, so parallel requests
-- cannot all slip under a limit. A row is one attempt under one scope key
-- (`address:…`, `account:…`, `pair:…`, `register:…`); a sign-in that succeeds
-- removes its own rows. The rows are short-lived, so the old failure counters
-- are simply dropped.
CREATE TABLE throttle_attempts (
    id           BLOB PRIMARY KEY,
    scope_key    TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX throttle_attempts_key ON throttle_attempts (scope_key, attempted_at);

DROP TABLE login_failures;
