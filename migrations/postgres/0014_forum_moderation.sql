-- Forum moderation: rate limits, redaction of old revisions, pruning.
--
-- Rate limits count a member's own recent topics and posts (the rows
-- themselves are the record, so the limit holds across instances): these
-- indexes keep that count a short range scan.
CREATE INDEX forum_topics_author_time ON forum_topics (author_id, created_at);
CREATE INDEX forum_posts_author_time ON forum_posts (author_id, created_at);

-- A moderator may redact an earlier text of a post: the text is replaced,
-- and who did it, when and why are kept beside it.
ALTER TABLE forum_revisions ADD COLUMN redacted_by UUID REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE forum_revisions ADD COLUMN redacted_at TIMESTAMPTZ;
ALTER TABLE forum_revisions ADD COLUMN redaction_note TEXT;

-- The revision an audited action was about (a redaction).
ALTER TABLE forum_audit ADD COLUMN revision_id UUID;

-- Applied index events older than the retention are pruned by age.
CREATE INDEX forum_index_events_time ON forum_index_events (created_at);
