-- 0001 initial: users, sessions, cases, case numbers, the change sequence.
CREATE TABLE users (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_digest BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE case_number_counters (
    case_type_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (case_type_code, year)
);

CREATE SEQUENCE change_seq AS BIGINT;

CREATE TABLE cases (
    id UUID PRIMARY KEY,
    case_number TEXT NOT NULL UNIQUE,
    case_type TEXT NOT NULL,
    stage TEXT NOT NULL,
    intensity SMALLINT NOT NULL CHECK (intensity BETWEEN 1 AND 3),
    assigned_to UUID NOT NULL REFERENCES users (id),
    created_by UUID NOT NULL REFERENCES users (id),
    config_version INTEGER NOT NULL,
    content BYTEA NOT NULL,
    version BIGINT NOT NULL,
    change_seq BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_assigned ON cases (assigned_to, updated_at);
CREATE INDEX cases_type_stage ON cases (case_type, stage);
CREATE UNIQUE INDEX cases_change_seq ON cases (change_seq);
