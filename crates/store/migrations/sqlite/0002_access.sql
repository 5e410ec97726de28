-- 0002 access: teams and their members, shares, field grants, consents.
CREATE TABLE teams (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    supervisor_id BLOB REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE team_members (
    team_id BLOB NOT NULL REFERENCES teams (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    added_at TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id)
) STRICT;
CREATE INDEX team_members_user ON team_members (user_id);

-- The case types a team handles; none listed means every case type.
CREATE TABLE team_case_types (
    team_id BLOB NOT NULL REFERENCES teams (id),
    case_type TEXT NOT NULL,
    PRIMARY KEY (team_id, case_type)
) STRICT;

CREATE TABLE case_shares (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    granted_by BLOB NOT NULL REFERENCES users (id),
    granted_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by BLOB REFERENCES users (id),
    revoke_reason TEXT
) STRICT;
CREATE UNIQUE INDEX case_shares_active ON case_shares (case_id, user_id) WHERE revoked_at IS NULL;
CREATE INDEX case_shares_user ON case_shares (user_id) WHERE revoked_at IS NULL;

CREATE TABLE field_grants (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    field_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    granted_by BLOB NOT NULL REFERENCES users (id),
    granted_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by BLOB REFERENCES users (id),
    revoke_reason TEXT
) STRICT;
CREATE UNIQUE INDEX field_grants_active ON field_grants (case_id, user_id, field_id) WHERE revoked_at IS NULL;

CREATE TABLE consents (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    recipient_user BLOB REFERENCES users (id),
    recipient_agency TEXT,
    -- 'standard' or 'restricted' (every field up to that classification), or 'fields'.
    scope TEXT NOT NULL,
    -- For scope 'fields': the field ids, one per line.
    scope_fields TEXT NOT NULL,
    purpose TEXT NOT NULL,
    given_on TEXT NOT NULL,
    guardian_involved INTEGER,
    child_assent INTEGER,
    recorded_by BLOB NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BLOB REFERENCES users (id),
    withdraw_reason TEXT,
    CHECK ((recipient_user IS NULL) <> (recipient_agency IS NULL))
) STRICT;
CREATE INDEX consents_case ON consents (case_id);
