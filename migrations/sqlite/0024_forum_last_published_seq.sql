-- Forum: unread marks follow what readers can see.
--
-- A topic is unread for a reader while it has a published post beyond their
-- read mark. `post_seq` numbers every post written, held ones too, and a
-- reader's mark only reaches the last post they were shown: a held, hidden,
-- rejected or deleted last post left the topic unread for everyone, however
-- often they opened it. `last_published_seq` is the number of the topic's
-- last published post, set with its reply count whenever a post's status
-- changes (store::refresh_topic). Marks stay post numbers: a post approved
-- after a reader read later ones does not make the topic unread again.
ALTER TABLE forum_topics ADD COLUMN last_published_seq BIGINT NOT NULL DEFAULT 0;
UPDATE forum_topics SET last_published_seq = COALESCE(
    (SELECT MAX(p.seq) FROM forum_posts p WHERE p.topic_id = forum_topics.id AND p.status = 'published'), 0);
