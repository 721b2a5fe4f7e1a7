-- Forum notifications beyond replies: digests, watched categories.

-- When a member's last daily or weekly digest was taken (the end of the
-- period it covered). The digest job claims a member by moving it with a
-- conditional update, so one instance alone sends each digest.
ALTER TABLE forum_notification_settings ADD COLUMN last_digest_at TIMESTAMPTZ;
CREATE INDEX forum_notification_settings_digest ON forum_notification_settings (email, last_digest_at);

-- How a member follows a category: watching (told of every new topic) or normal.
CREATE TABLE forum_category_subscriptions (
    category TEXT NOT NULL REFERENCES forum_categories (slug) ON DELETE CASCADE,
    user_id  UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level    TEXT NOT NULL,
    PRIMARY KEY (category, user_id)
);
CREATE INDEX forum_category_subscriptions_watching ON forum_category_subscriptions (category, level);
