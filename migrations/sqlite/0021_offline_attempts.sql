-- Courses: quiz attempts sent late from a device's outbox.
--
-- A quiz answered without a network is kept on the phone with a key of its
-- own and sent when the network returns, perhaps twice (the answer to the
-- first sending lost on a weak link). The key is unique per learner, so the
-- second sending finds the attempt the first recorded instead of counting a
-- new one. Case-study runs need nothing new: a run played offline is sent
-- with an id the device chose, and each step with its key in the run's steps.
ALTER TABLE quiz_attempts ADD COLUMN idempotency_key BLOB;
CREATE UNIQUE INDEX quiz_attempts_idempotency ON quiz_attempts (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
