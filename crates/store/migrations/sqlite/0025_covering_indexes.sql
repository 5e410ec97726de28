-- 0025 covering indexes for the supervisor's dashboard and the team's history: each answers
-- its query from the index alone, without reading the table's row for every note, move, plan
-- and case (at 100,000 cases a dashboard looked up about 40,000 rows that way).
-- A case's contacts: the last one, the next contact it planned, the months' contacts.
DROP INDEX case_notes_case;
CREATE INDEX case_notes_contacts ON case_notes (case_id, written_at, id, kind, next_contact_on);
-- A case's moves: since when it is at its stage, the months' moves.
DROP INDEX case_transitions_case;
CREATE INDEX case_transitions_moves ON case_transitions (case_id, moved_at, to_stage, from_stage);
-- A case's care plan versions: the newest one's status, the months' plans.
CREATE INDEX care_plans_versions ON care_plans (case_id, version, status, written_at, objectives_and_timelines);
-- A worker's cases by type and stage: a team's cases (team → members → cases).
CREATE INDEX cases_holder ON cases (assigned_to, case_type, stage, id);
