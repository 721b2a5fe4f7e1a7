-- Forum: versions for the pages every reader shares.
--
-- A topic's page (its published posts, their reactions) is kept in each
-- instance's memory and shared by readers; each request reads the topic's
-- version, and a kept page of an older version is built again. The version
-- moves with every change those pages show, by triggers, so that no code
-- path can forget one and another instance never shows a deleted or hidden
-- post from its copy. The bumps land on the topic's row, which a reply
-- already locks for its number. A category's list is not kept: with a
-- version on the category's row as well (bumped by every reply of the
-- category), replies a second on PostgreSQL fell from 793 to 203 in
-- bench/forum.sh.
ALTER TABLE forum_topics ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER forum_posts_inserted_topic_version AFTER INSERT ON forum_posts
BEGIN UPDATE forum_topics SET version = version + 1 WHERE id = NEW.topic_id; END;
CREATE TRIGGER forum_posts_updated_topic_version AFTER UPDATE ON forum_posts
BEGIN UPDATE forum_topics SET version = version + 1 WHERE id = NEW.topic_id; END;
CREATE TRIGGER forum_posts_deleted_topic_version AFTER DELETE ON forum_posts
BEGIN UPDATE forum_topics SET version = version + 1 WHERE id = OLD.topic_id; END;
CREATE TRIGGER forum_reactions_inserted_topic_version AFTER INSERT ON forum_reactions
BEGIN UPDATE forum_topics SET version = version + 1 WHERE id = (SELECT topic_id FROM forum_posts WHERE id = NEW.post_id); END;
CREATE TRIGGER forum_reactions_deleted_topic_version AFTER DELETE ON forum_reactions
BEGIN UPDATE forum_topics SET version = version + 1 WHERE id = (SELECT topic_id FROM forum_posts WHERE id = OLD.post_id); END;

-- Whether a reader has posts held in a topic (they then read it unshared).
CREATE INDEX forum_posts_held ON forum_posts (topic_id, author_id) WHERE status = 'held';
