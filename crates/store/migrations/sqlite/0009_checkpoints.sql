-- 0009 keys and checkpoints: what the database knows of the keyring (ids with check values and
-- the signing key's public half, never a key), and the audit trail's signed checkpoints.
CREATE TABLE keyring_checks (
    key_id TEXT PRIMARY KEY NOT NULL,
    check_value TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE audit_checkpoints (
    seq INTEGER PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    hash BLOB NOT NULL,
    key_id INTEGER NOT NULL,
    signature BLOB NOT NULL
) STRICT;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
