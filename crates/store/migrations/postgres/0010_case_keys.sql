-- 0010 case keys: each case's data key, wrapped by a master key of the keyring (which never
-- enters the database). Case content is sealed with it; deleting the row destroys the case.
CREATE TABLE case_keys (
    case_id UUID PRIMARY KEY,
    master_key_id BIGINT NOT NULL,
    wrapped BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
