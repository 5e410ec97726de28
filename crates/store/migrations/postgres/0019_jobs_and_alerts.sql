-- 0019 background work and alerts. `jobs` is the durable queue every serve node takes work
-- from (FOR UPDATE SKIP LOCKED, with a lease): a job runs once however many nodes there are.
-- A periodic job keeps one pending row through `singleton`. `alerts` are the deadlines that
-- passed, one row per recipient and level, never any case content. `notification_emails` are
-- the addresses users chose for their alerts.
CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    singleton TEXT UNIQUE,
    payload TEXT NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    locked_by TEXT,
    locked_until TIMESTAMPTZ,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    done_at TIMESTAMPTZ,
    done_by TEXT
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;
CREATE TABLE alerts (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    recipient UUID NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    stage TEXT,
    level TEXT NOT NULL CHECK (level IN ('alert', 'escalation')),
    due TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ,
    UNIQUE (case_id, recipient, kind, level, due)
);
CREATE INDEX alerts_recipient ON alerts (recipient, created_at);
CREATE TABLE notification_emails (
    user_id UUID PRIMARY KEY REFERENCES users (id),
    email TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs, alerts, notification_emails TO caseward_app;
