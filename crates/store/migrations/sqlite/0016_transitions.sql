-- 0016 transitions: every move of a case between stages, who and when and why (the reason
-- sealed with the case's data key), and whether it was a GBV survivor's own decision.
CREATE TABLE case_transitions (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    moved_by BLOB NOT NULL REFERENCES users (id),
    moved_at TEXT NOT NULL,
    reason TEXT,
    survivor_decision INTEGER NOT NULL
) STRICT;
CREATE INDEX case_transitions_case ON case_transitions (case_id, moved_at);
