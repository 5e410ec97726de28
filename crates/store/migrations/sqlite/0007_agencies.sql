-- 0007 agencies: the organisations whose staff use this instance. A user may belong to one; a
-- consent may name one (every active user of it), keeping the agency's name as it was then.
CREATE TABLE agencies (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX agencies_name ON agencies (lower(name));
ALTER TABLE users ADD COLUMN agency_id BLOB REFERENCES agencies (id);
ALTER TABLE consents ADD COLUMN recipient_agency_id BLOB REFERENCES agencies (id);
