-- Forum: titles edited after publication, and publications in order of
-- publication (for live pages).
--
-- A topic's title may be changed by its author or a moderator: the title it
-- replaced is kept beside the first post's revisions (`title` set on a
-- revision kept by a title edit, NULL on a revision of the text).
ALTER TABLE forum_revisions ADD COLUMN title TEXT;

-- Every publication in a topic (a post published at once, or later by a
-- moderator's approval or its author's correction) takes the next number of
-- the topic's `publish_seq`, kept in the post's `published_seq`: a live
-- stream follows these numbers, so a post approved after later ones were
-- streamed still reaches open pages. Posts published before this migration
-- keep 0. Numbers are taken under the topic row's lock, so they commit in
-- order within a topic on both backends.
ALTER TABLE forum_topics ADD COLUMN publish_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE forum_posts ADD COLUMN published_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX forum_posts_topic_published ON forum_posts (topic_id, published_seq);

-- An edit that names new members tells them, and not those already told of
-- the post: the notifications of one post are read by it (and removed with it).
CREATE INDEX forum_notifications_post ON forum_notifications (post_id);
