-- Forum: versions for the pages every reader shares.
--
-- A topic's page (its published posts, their reactions) and a category's
-- list of topics are kept in each instance's memory and shared by readers;
-- each request reads the version of what it shows, and a kept page of an
-- older version is built again. The versions move with every change those
-- pages show, by triggers, so that no code path can forget one and another
-- instance never shows a deleted or hidden post from its copy.
ALTER TABLE forum_topics ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE forum_categories ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION forum_post_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE forum_topics SET version = version + 1 WHERE id = OLD.topic_id;
    ELSE
        UPDATE forum_topics SET version = version + 1 WHERE id = NEW.topic_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER forum_posts_topic_version AFTER INSERT OR UPDATE OR DELETE ON forum_posts
    FOR EACH ROW EXECUTE FUNCTION forum_post_changed();

CREATE FUNCTION forum_reaction_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE forum_topics SET version = version + 1
     WHERE id = (SELECT topic_id FROM forum_posts WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.post_id ELSE NEW.post_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER forum_reactions_topic_version AFTER INSERT OR DELETE ON forum_reactions
    FOR EACH ROW EXECUTE FUNCTION forum_reaction_changed();

-- What a category's list shows of a topic. Deferred to the commit: every
-- reply in a category moves its version, and the category's row stays
-- locked only while the transaction commits, not while it screens and writes.
CREATE FUNCTION forum_topic_listed_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE forum_categories SET version = version + 1 WHERE slug = OLD.category;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.category <> OLD.category) THEN
        UPDATE forum_categories SET version = version + 1 WHERE slug = NEW.category;
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER forum_topics_category_version
    AFTER INSERT OR DELETE OR UPDATE OF category, author_id, anonymous, title, status, reply_count, post_seq, last_activity_at
    ON forum_topics DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION forum_topic_listed_changed();

-- A topic author's pseudonym is shown in the list.
CREATE FUNCTION forum_pseudonym_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE forum_categories SET version = version + 1
     WHERE slug = (SELECT category FROM forum_topics WHERE id = NEW.topic_id AND author_id = NEW.user_id);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER forum_pseudonyms_category_version AFTER INSERT ON forum_pseudonyms
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION forum_pseudonym_listed();

-- Whether a reader has posts held in a topic (they then read it unshared).
CREATE INDEX forum_posts_held ON forum_posts (topic_id, author_id) WHERE status = 'held';
