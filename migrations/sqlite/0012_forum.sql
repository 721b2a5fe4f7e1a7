-- The practice community: categories, topics, posts and what hangs on them
-- (revisions, reactions, pseudonyms, moderation, notifications).
-- Ids are UUID v7 (BLOB here, UUID on PostgreSQL); times are UTC.

-- Categories by theme and by territory. `anonymous_allowed`: members may
-- post under a pseudonym; `sensitive`: mail about a post carries only a link.
CREATE TABLE forum_categories (
    slug              TEXT PRIMARY KEY,
    position          INTEGER NOT NULL,
    territory         TEXT REFERENCES territories (code),
    title_fr          TEXT NOT NULL,
    title_ar          TEXT NOT NULL,
    title_en          TEXT NOT NULL,
    description_fr    TEXT NOT NULL,
    description_ar    TEXT NOT NULL,
    description_en    TEXT NOT NULL,
    anonymous_allowed BOOLEAN NOT NULL DEFAULT FALSE,
    sensitive         BOOLEAN NOT NULL DEFAULT FALSE
);

INSERT INTO forum_categories (slug, position, territory, title_fr, title_ar, title_en, description_fr, description_ar, description_en, anonymous_allowed, sensitive) VALUES
    ('concepts', 1, NULL, 'Concepts', 'المفاهيم', 'Concepts',
     'Les notions de la protection de l''enfance, leurs définitions et leurs limites.', 'مفاهيم حماية الطفولة وتعريفاتها وحدودها.', 'The notions of child protection, their definitions and limits.', FALSE, FALSE),
    ('prise-en-charge', 2, NULL, 'Prise en charge', 'التكفل', 'Care and support',
     'Accueillir, orienter et accompagner un enfant et sa famille.', 'استقبال الطفل وأسرته وتوجيههم ومرافقتهم.', 'Receiving, referring and supporting a child and their family.', FALSE, FALSE),
    ('prevention', 3, NULL, 'Prévention', 'الوقاية', 'Prevention',
     'Actions de prévention auprès des enfants, des parents et de la communauté.', 'أنشطة الوقاية مع الأطفال والآباء والمجتمع.', 'Prevention work with children, parents and the community.', FALSE, FALSE),
    ('bien-etre', 4, NULL, 'Bien-être des professionnels', 'رفاه المهنيين', 'Professionals'' wellbeing',
     'Un espace pour dire la charge du métier ; vous pouvez y écrire sous pseudonyme.', 'فضاء للحديث عن أعباء المهنة؛ يمكنك الكتابة فيه باسم مستعار.', 'A space to talk about the weight of the work; you may write under a pseudonym.', TRUE, TRUE),
    ('echanges-territoires', 5, NULL, 'Échanges entre territoires', 'تبادل بين المجالات الترابية', 'Exchange between territories',
     'Pratiques et ressources partagées d''un territoire à l''autre.', 'ممارسات وموارد مشتركة بين المجالات الترابية.', 'Practices and resources shared between territories.', FALSE, FALSE),
    ('sale', 6, 'sale', 'Salé', 'سلا', 'Salé',
     'Les professionnels de Salé.', 'مهنيو سلا.', 'Professionals in Salé.', FALSE, FALSE),
    ('kenitra', 7, 'kenitra', 'Kénitra', 'القنيطرة', 'Kenitra',
     'Les professionnels de Kénitra.', 'مهنيو القنيطرة.', 'Professionals in Kenitra.', FALSE, FALSE),
    ('skhirat-temara', 8, 'skhirat-temara', 'Skhirat-Témara', 'الصخيرات تمارة', 'Skhirat-Temara',
     'Les professionnels de Skhirat-Témara.', 'مهنيو الصخيرات تمارة.', 'Professionals in Skhirat-Temara.', FALSE, FALSE),
    ('rabat', 9, 'rabat', 'Rabat', 'الرباط', 'Rabat',
     'Les professionnels de Rabat.', 'مهنيو الرباط.', 'Professionals in Rabat.', FALSE, FALSE);

-- A topic; its first post is its body. `status` follows the first post:
-- published, held (screening), rejected or deleted. `post_seq` numbers the
-- topic's posts (the page key inside a topic).
CREATE TABLE forum_topics (
    id               BLOB PRIMARY KEY,
    category         TEXT NOT NULL REFERENCES forum_categories (slug),
    author_id        BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    anonymous        BOOLEAN NOT NULL,
    title            TEXT NOT NULL,
    status           TEXT NOT NULL,
    reply_count      INTEGER NOT NULL DEFAULT 0,
    post_seq         INTEGER NOT NULL DEFAULT 0,
    answer_post_id   BLOB,
    created_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL
);
CREATE INDEX forum_topics_category ON forum_topics (category, status, last_activity_at, id);

-- A post: Markdown as written and its sanitized HTML, rendered on write.
-- The real author is always here, whether or not the post is anonymous.
CREATE TABLE forum_posts (
    id         BLOB PRIMARY KEY,
    topic_id   BLOB NOT NULL REFERENCES forum_topics (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    author_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    anonymous  BOOLEAN NOT NULL,
    body       TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    reply_to   BLOB,
    status     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edited_at  TEXT,
    UNIQUE (topic_id, seq)
);
CREATE INDEX forum_posts_author ON forum_posts (author_id);

-- Earlier bodies of a post (edits and redactions), for moderators.
CREATE TABLE forum_revisions (
    id         BLOB PRIMARY KEY,
    post_id    BLOB NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    edited_by  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    note       TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX forum_revisions_post ON forum_revisions (post_id, id);

-- One reaction of each kind per person and post.
CREATE TABLE forum_reactions (
    post_id    BLOB NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_id, user_id, kind)
);

-- The pseudonym of a person within one topic: random, kept, unique in the topic.
CREATE TABLE forum_pseudonyms (
    topic_id  BLOB NOT NULL REFERENCES forum_topics (id) ON DELETE CASCADE,
    user_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pseudonym TEXT NOT NULL,
    PRIMARY KEY (topic_id, user_id),
    UNIQUE (topic_id, pseudonym)
);

-- What moderators review: a post held by screening (its reasons as JSON) or
-- flagged; open until decided (approve, reject, redact).
CREATE TABLE forum_moderation_items (
    id         BLOB PRIMARY KEY,
    post_id    BLOB NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    cause      TEXT NOT NULL,
    reasons    TEXT NOT NULL,
    flags      INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    decision   TEXT,
    note       TEXT,
    decided_by BLOB REFERENCES users (id) ON DELETE SET NULL,
    decided_at TEXT
);
CREATE INDEX forum_moderation_open ON forum_moderation_items (decided_at, id);
CREATE INDEX forum_moderation_post ON forum_moderation_items (post_id);

-- Every look-up of an anonymous author by a moderator, and every decision.
CREATE TABLE forum_audit (
    id         BLOB PRIMARY KEY,
    actor_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    post_id    BLOB,
    subject_id BLOB,
    created_at TEXT NOT NULL
);

-- How closely a person follows a topic: watching, normal, muted.
CREATE TABLE forum_subscriptions (
    topic_id BLOB NOT NULL REFERENCES forum_topics (id) ON DELETE CASCADE,
    user_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level    TEXT NOT NULL,
    PRIMARY KEY (topic_id, user_id)
);
CREATE INDEX forum_subscriptions_watching ON forum_subscriptions (topic_id, level);

-- Where each reader stopped in a topic (the highest post number seen).
CREATE TABLE forum_read_state (
    user_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic_id BLOB NOT NULL REFERENCES forum_topics (id) ON DELETE CASCADE,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (user_id, topic_id)
);

-- In-app notifications; who acted is read from the post, through the one
-- function that hides anonymous authors.
CREATE TABLE forum_notifications (
    id         BLOB PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    topic_id   BLOB NOT NULL REFERENCES forum_topics (id) ON DELETE CASCADE,
    post_id    BLOB NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    read_at    TEXT,
    UNIQUE (user_id, post_id)
);
CREATE INDEX forum_notifications_user ON forum_notifications (user_id, id);

-- How a person wants forum mail: immediate (the default when absent), daily, weekly, off.
CREATE TABLE forum_notification_settings (
    user_id BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email   TEXT NOT NULL
);

-- Published posts whose watchers are still to be told: written with the
-- post, drained by the fan-out job off the request path.
CREATE TABLE forum_fanout (
    id            BLOB PRIMARY KEY,
    post_id       BLOB NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    claimed_until TEXT
);

-- The key that signs unsubscribe links, made once and shared by every instance.
CREATE TABLE forum_keys (
    name TEXT PRIMARY KEY,
    key  BLOB NOT NULL
);

-- Every change a post's search document may see (written in the transaction
-- of the change); each instance's index of posts applies them in order.
CREATE TABLE forum_index_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id    BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Members' flags on a post, one per member: enough of them hide the post
-- until a moderator decides.
CREATE TABLE forum_flags (
    post_id    BLOB NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    note       TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
