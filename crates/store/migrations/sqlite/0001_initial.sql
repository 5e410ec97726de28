-- 0001 initial: users, sessions, cases, case numbers, the change sequence.
CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_digest BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE case_number_counters (
    case_type_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (case_type_code, year)
) STRICT;

CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE cases (
    id BLOB PRIMARY KEY NOT NULL,
    case_number TEXT NOT NULL UNIQUE,
    case_type TEXT NOT NULL,
    stage TEXT NOT NULL,
    intensity INTEGER NOT NULL CHECK (intensity BETWEEN 1 AND 3),
    assigned_to BLOB NOT NULL REFERENCES users (id),
    created_by BLOB NOT NULL REFERENCES users (id),
    config_version INTEGER NOT NULL,
    content BLOB NOT NULL,
    version INTEGER NOT NULL,
    change_seq INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX cases_assigned ON cases (assigned_to, updated_at);
CREATE INDEX cases_type_stage ON cases (case_type, stage);
CREATE UNIQUE INDEX cases_change_seq ON cases (change_seq);
