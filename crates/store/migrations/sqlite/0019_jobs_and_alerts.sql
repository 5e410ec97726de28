-- 0019 background work and alerts. `jobs` is the durable queue the serve node takes work
-- from (claimed in a write transaction, with a lease): a job runs once. A periodic job keeps
-- one pending row through `singleton`. `alerts` are the deadlines that passed, one row per
-- recipient and level, never any case content. `notification_emails` are the addresses users
-- chose for their alerts.
CREATE TABLE jobs (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    singleton TEXT UNIQUE,
    payload TEXT NOT NULL,
    run_at TEXT NOT NULL,
    locked_by TEXT,
    locked_until TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    done_at TEXT,
    done_by TEXT
) STRICT;
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;
CREATE TABLE alerts (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    recipient BLOB NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    stage TEXT,
    level TEXT NOT NULL CHECK (level IN ('alert', 'escalation')),
    due TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (case_id, recipient, kind, level, due)
) STRICT;
CREATE INDEX alerts_recipient ON alerts (recipient, created_at);
CREATE TABLE notification_emails (
    user_id BLOB PRIMARY KEY NOT NULL REFERENCES users (id),
    email TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
