-- 0010 case keys: each case's data key, wrapped by a master key of the keyring (which never
-- enters the database). Case content is sealed with it; deleting the row destroys the case.
CREATE TABLE case_keys (
    case_id BLOB PRIMARY KEY NOT NULL,
    master_key_id INTEGER NOT NULL,
    wrapped BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
