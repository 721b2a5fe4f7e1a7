-- Forum: versions for the pages every reader shares.
--
-- A topic's page (its published posts, their reactions) and a category's
-- list of topics are kept in each instance's memory and shared by readers;
-- each request reads the version of what it shows, and a kept page of an
-- older version is built again. The versions move with every change those
-- pages show, by triggers, so that no code path can forget one and another
-- instance never shows a deleted or hidden post from its copy.
ALTER TABLE forum_topics ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE forum_categories ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

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

-- What a category's list shows of a topic.
CREATE TRIGGER forum_topics_inserted_category_version AFTER INSERT ON forum_topics
BEGIN UPDATE forum_categories SET version = version + 1 WHERE slug = NEW.category; END;
CREATE TRIGGER forum_topics_updated_category_version
AFTER UPDATE OF category, author_id, anonymous, title, status, reply_count, post_seq, last_activity_at ON forum_topics
BEGIN UPDATE forum_categories SET version = version + 1 WHERE slug IN (OLD.category, NEW.category); END;
CREATE TRIGGER forum_topics_deleted_category_version AFTER DELETE ON forum_topics
BEGIN UPDATE forum_categories SET version = version + 1 WHERE slug = OLD.category; END;
-- A topic author's pseudonym is shown in the list.
CREATE TRIGGER forum_pseudonyms_inserted_category_version AFTER INSERT ON forum_pseudonyms
BEGIN UPDATE forum_categories SET version = version + 1
      WHERE slug = (SELECT category FROM forum_topics WHERE id = NEW.topic_id AND author_id = NEW.user_id); END;

-- Whether a reader has posts held in a topic (they then read it unshared).
CREATE INDEX forum_posts_held ON forum_posts (topic_id, author_id) WHERE status = 'held';
