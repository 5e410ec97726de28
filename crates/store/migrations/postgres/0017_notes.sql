-- 0017 case notes: a case worker's record of contacts and events, written once. The body is
-- sealed with the case's data key; in clear only the kind, the confidential flag, the author
-- and the time.
CREATE TABLE case_notes (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    confidential BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    written_by UUID NOT NULL REFERENCES users (id),
    written_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, written_at);
GRANT SELECT, INSERT, DELETE ON case_notes TO caseward_app;
