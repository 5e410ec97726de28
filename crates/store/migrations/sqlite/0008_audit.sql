-- 0008 audit: the append-only, hash-chained audit trail. Entries name fields and records by id,
-- never their values. No foreign keys: the trail outlives the records it speaks of.
CREATE TABLE audit_entries (
    seq INTEGER PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor_id BLOB,
    actor_role TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    case_id BLOB,
    subject_id BLOB,
    -- Field ids (or, for a list, case ids), one per line.
    fields TEXT NOT NULL,
    reason TEXT,
    request_id TEXT,
    client TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
) STRICT;
CREATE INDEX audit_entries_case ON audit_entries (case_id, seq) WHERE case_id IS NOT NULL;
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, seq);

-- The head of the chain: appends lock this row, so the chain stays one chain.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
