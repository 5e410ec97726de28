-- 0018 care plans: numbered versions of a case's plan, each approved or returned by the
-- supervisor. The content (narrative and interventions) and a decision's comment are sealed
-- with the case's data key; in clear only the number, the status, who and when, and the two
-- counts the quality metrics need.
CREATE TABLE care_plans (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    content TEXT NOT NULL,
    interventions INTEGER NOT NULL,
    objectives_and_timelines INTEGER NOT NULL,
    written_by BLOB NOT NULL REFERENCES users (id),
    written_at TEXT NOT NULL,
    decided_by BLOB REFERENCES users (id),
    decided_at TEXT,
    comment TEXT,
    UNIQUE (case_id, version)
) STRICT;
CREATE INDEX care_plans_status ON care_plans (status, case_id);
