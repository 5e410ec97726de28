-- 0009 keys and checkpoints: what the database knows of the keyring (ids with check values and
-- the signing key's public half, never a key), and the audit trail's signed checkpoints.
CREATE TABLE keyring_checks (
    key_id TEXT PRIMARY KEY,
    check_value TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    hash BYTEA NOT NULL,
    key_id BIGINT NOT NULL,
    signature BYTEA NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse();
