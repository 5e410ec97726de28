-- 0021 inter-agency panel decisions: a panel's endorsement (or not) of a case's move to a
-- stage, which a configured transition needs. The panel's notes are sealed with the case's
-- data key; in clear only the stage, the decision, its date and who recorded it.
CREATE TABLE panel_decisions (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    to_stage TEXT NOT NULL,
    endorsed INTEGER NOT NULL,
    decided_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    recorded_by BLOB NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX panel_decisions_case ON panel_decisions (case_id, recorded_at);
