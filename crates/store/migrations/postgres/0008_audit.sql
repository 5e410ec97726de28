-- 0008 audit: the append-only, hash-chained audit trail. Entries name fields and records by id,
-- never their values. No foreign keys: the trail outlives the records it speaks of.
CREATE TABLE audit_entries (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    actor_role TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    case_id UUID,
    subject_id UUID,
    -- Field ids (or, for a list, case ids), one per line.
    fields TEXT NOT NULL,
    reason TEXT,
    request_id TEXT,
    client TEXT NOT NULL,
    prev_hash BYTEA NOT NULL,
    hash BYTEA NOT NULL
);
CREATE INDEX audit_entries_case ON audit_entries (case_id, seq) WHERE case_id IS NOT NULL;
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, seq);

-- The head of the chain: appends lock this row, so that the chain stays one chain however
-- many server nodes append.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_entries_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse();
