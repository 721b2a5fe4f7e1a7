-- Attempts used per learner and quiz: one row bumped by a conditional upsert in
-- the same transaction as the attempt, so parallel submissions cannot exceed a
-- quiz's max_attempts (see courses/src/store.rs, record_attempt).
CREATE TABLE quiz_attempt_counts (
    quiz_id BLOB NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    used    INTEGER NOT NULL,
    PRIMARY KEY (quiz_id, user_id)
);
INSERT INTO quiz_attempt_counts (quiz_id, user_id, used)
    SELECT quiz_id, user_id, COUNT(*) FROM quiz_attempts GROUP BY quiz_id, user_id;
