-- The directory in Arabic: each service's name, address, opening hours,
-- services and notes beside the French ones, served to readers of Arabic
-- (empty: the French text is served instead). search_text gains the Arabic
-- name, services and address, folded, when an entry is next written.
ALTER TABLE directory_services ADD COLUMN name_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE directory_services ADD COLUMN address_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE directory_services ADD COLUMN hours_ar TEXT NOT NULL DEFAULT '';
-- JSON array of strings.
ALTER TABLE directory_services ADD COLUMN services_ar TEXT NOT NULL DEFAULT '[]';
ALTER TABLE directory_services ADD COLUMN notes_ar TEXT NOT NULL DEFAULT '';
