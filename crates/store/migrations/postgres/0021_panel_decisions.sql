-- 0021 inter-agency panel decisions: a panel's endorsement (or not) of a case's move to a
-- stage, which a configured transition needs. The panel's notes are sealed with the case's
-- data key; in clear only the stage, the decision, its date and who recorded it.
CREATE TABLE panel_decisions (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    to_stage TEXT NOT NULL,
    endorsed BOOLEAN NOT NULL,
    decided_on DATE NOT NULL,
    notes TEXT NOT NULL,
    recorded_by UUID NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX panel_decisions_case ON panel_decisions (case_id, recorded_at);
GRANT SELECT, INSERT, DELETE ON panel_decisions TO caseward_app;
