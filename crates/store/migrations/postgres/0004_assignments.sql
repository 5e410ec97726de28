-- 0004 assignments: who a case was assigned to, by whom, when and why, including caseload
-- overrides.
CREATE TABLE case_assignments (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    from_user UUID REFERENCES users (id),
    to_user UUID NOT NULL REFERENCES users (id),
    assigned_by UUID NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    caseload_override_reason TEXT,
    assigned_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_assignments_case ON case_assignments (case_id, assigned_at);
