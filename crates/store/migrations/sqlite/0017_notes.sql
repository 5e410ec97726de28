-- 0017 case notes: a case worker's record of contacts and events, written once. The body is
-- sealed with the case's data key; in clear only the kind, the confidential flag, the author
-- and the time.
CREATE TABLE case_notes (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    confidential INTEGER NOT NULL,
    body TEXT NOT NULL,
    written_by BLOB NOT NULL REFERENCES users (id),
    written_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_notes_case ON case_notes (case_id, written_at);
