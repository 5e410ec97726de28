-- 0018 care plans: numbered versions of a case's plan, each approved or returned by the
-- supervisor. The content (narrative and interventions) and a decision's comment are sealed
-- with the case's data key; in clear only the number, the status, who and when, and the two
-- counts the quality metrics need.
CREATE TABLE care_plans (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    content TEXT NOT NULL,
    interventions BIGINT NOT NULL,
    objectives_and_timelines BOOLEAN NOT NULL,
    written_by UUID NOT NULL REFERENCES users (id),
    written_at TIMESTAMPTZ NOT NULL,
    decided_by UUID REFERENCES users (id),
    decided_at TIMESTAMPTZ,
    comment TEXT,
    UNIQUE (case_id, version)
);
CREATE INDEX care_plans_status ON care_plans (status, case_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON care_plans TO caseward_app;
