-- Read paths of the forum at a million posts (bench/forum.sh).
--
-- A page of a topic reads, for each post, the reasons of its open screening
-- item. Without this index SQLite's planner took `forum_moderation_open`
-- (decided_at IS NULL) and walked every open item of the forum for every
-- post of the page; this one finds a post's open item directly, and holds
-- only open items, so it stays small.
CREATE INDEX forum_moderation_open_post ON forum_moderation_items (post_id, cause, id) WHERE decided_at IS NULL;
