-- 0004 assignments: who a case was assigned to, by whom, when and why, including caseload
-- overrides.
CREATE TABLE case_assignments (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    from_user BLOB REFERENCES users (id),
    to_user BLOB NOT NULL REFERENCES users (id),
    assigned_by BLOB NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    caseload_override_reason TEXT,
    assigned_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_assignments_case ON case_assignments (case_id, assigned_at);
