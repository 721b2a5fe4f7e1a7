-- The directory of services of each territory (annuaire des acteurs et des
-- services): where professionals orient a child and the family. Focal points
-- change, so every entry carries the date it was last checked; an entry not
-- checked for a year is shown as stale.
-- Ids are UUID v7; times are UTC, and verified_at is a date stored as
-- midnight UTC.

CREATE TABLE directory_services (
    id          UUID PRIMARY KEY,
    territory   TEXT NOT NULL REFERENCES territories (code),
    kind        TEXT NOT NULL CHECK (kind IN ('tribunal', 'hospital_unit', 'upe_cape', 'police', 'association',
                                              'shelter', 'legal_aid', 'psychological_support')),
    name        TEXT NOT NULL,
    -- The name folded (case, accents, punctuation): the identity of a service
    -- within its territory and kind (CSV imports upsert on it) and its sort key.
    -- Byte order ("C"), so that keyset pages sort as on SQLite whatever the
    -- database's locale.
    name_key    TEXT COLLATE "C" NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    -- JSON array of strings.
    services    TEXT NOT NULL DEFAULT '[]',
    notes       TEXT NOT NULL DEFAULT '',
    -- Name, services and address folded like name_key, for ?q=.
    search_text TEXT NOT NULL DEFAULT '',
    verified_at TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
-- Also the keyset order of the list: (territory, kind, name_key, id).
CREATE UNIQUE INDEX directory_services_identity ON directory_services (territory, kind, name_key);
