-- 0007 agencies: the organisations whose staff use this instance. A user may belong to one; a
-- consent may name one (every active user of it), keeping the agency's name as it was then.
CREATE TABLE agencies (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX agencies_name ON agencies (lower(name));
ALTER TABLE users ADD COLUMN agency_id UUID REFERENCES agencies (id);
ALTER TABLE consents ADD COLUMN recipient_agency_id UUID REFERENCES agencies (id);
