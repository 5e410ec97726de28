-- 0023 configuration versions: every change to case types, forms, option lists, workflows and
-- roles is a new numbered version holding the whole configuration's files (TOML, no case
-- content), who made it, when, from where, and its readable changes. The newest version is
-- the one every node applies; cases record the version they were written with.
CREATE TABLE config_versions (
    version INTEGER PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    author UUID REFERENCES users (id),
    source TEXT NOT NULL,
    restored_from INTEGER,
    fingerprint TEXT NOT NULL,
    files TEXT NOT NULL,
    changes TEXT NOT NULL
);
GRANT SELECT, INSERT ON config_versions TO caseward_app;
