-- One view per person per day counts towards a resource's evaluation:
-- reloading a page, or coming back to rate it, is not another use.
CREATE TABLE resource_views (
    resource_id UUID NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day         DATE NOT NULL,
    PRIMARY KEY (resource_id, user_id, day)
);
