-- 0002 access: teams and their members, shares, field grants, consents.
CREATE TABLE teams (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    supervisor_id UUID REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE team_members (
    team_id UUID NOT NULL REFERENCES teams (id),
    user_id UUID NOT NULL REFERENCES users (id),
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- The case types a team handles; none listed means every case type.
CREATE TABLE team_case_types (
    team_id UUID NOT NULL REFERENCES teams (id),
    case_type TEXT NOT NULL,
    PRIMARY KEY (team_id, case_type)
);

CREATE TABLE case_shares (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    user_id UUID NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    granted_by UUID NOT NULL REFERENCES users (id),
    granted_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by UUID REFERENCES users (id),
    revoke_reason TEXT
);
CREATE UNIQUE INDEX case_shares_active ON case_shares (case_id, user_id) WHERE revoked_at IS NULL;
CREATE INDEX case_shares_user ON case_shares (user_id) WHERE revoked_at IS NULL;

CREATE TABLE field_grants (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    user_id UUID NOT NULL REFERENCES users (id),
    field_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    granted_by UUID NOT NULL REFERENCES users (id),
    granted_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by UUID REFERENCES users (id),
    revoke_reason TEXT
);
CREATE UNIQUE INDEX field_grants_active ON field_grants (case_id, user_id, field_id) WHERE revoked_at IS NULL;

CREATE TABLE consents (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    recipient_user UUID REFERENCES users (id),
    recipient_agency TEXT,
    -- 'standard' or 'restricted' (every field up to that classification), or 'fields'.
    scope TEXT NOT NULL,
    -- For scope 'fields': the field ids, one per line.
    scope_fields TEXT NOT NULL,
    purpose TEXT NOT NULL,
    given_on DATE NOT NULL,
    guardian_involved BOOLEAN,
    child_assent BOOLEAN,
    recorded_by UUID NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    withdrawn_at TIMESTAMPTZ,
    withdrawn_by UUID REFERENCES users (id),
    withdraw_reason TEXT,
    CHECK ((recipient_user IS NULL) <> (recipient_agency IS NULL))
);
CREATE INDEX consents_case ON consents (case_id);
