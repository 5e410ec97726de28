-- 0016 transitions: every move of a case between stages, who and when and why (the reason
-- sealed with the case's data key), and whether it was a GBV survivor's own decision.
CREATE TABLE case_transitions (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    moved_by UUID NOT NULL REFERENCES users (id),
    moved_at TIMESTAMPTZ NOT NULL,
    reason TEXT,
    survivor_decision BOOLEAN NOT NULL
);
CREATE INDEX case_transitions_case ON case_transitions (case_id, moved_at);
GRANT SELECT, INSERT, DELETE ON case_transitions TO caseward_app;
