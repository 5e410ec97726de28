-- 0028 access facts on the rows read with a case: the case's live shares and field grants
-- (`access_granted`) and its consents (`access_consents`) on the case's row, the teams of a user
-- with their members and case types (`access_teams`) on the user's row, each the JSON array
-- `store/src/access_json.rs` reads. A case is read with its assigned worker's row, so a read of a
-- case and the facts its policy needs is one row of two tables, with no subquery.
--
-- Triggers write the facts again, in the transaction that changes what they are made from:
-- whatever writes those rows, the facts follow (one writer at a time: nothing else to order).
ALTER TABLE cases ADD COLUMN access_granted TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN access_consents TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN access_teams TEXT NOT NULL DEFAULT '[]';

-- The facts, made from their rows: a case's, and a user's. Ids are 32 lower hex digits. The
-- arrays are not ordered (the store orders what it reads): an ordered aggregate in the schema
-- would make the file unreadable to SQLite before 3.44, such as Debian 12's `sqlite3`.
CREATE VIEW case_access_facts AS
SELECT c.id AS case_id,
    (SELECT json_group_array(json_object('kind', g.kind, 'id', lower(hex(g.id)),
            'case_id', lower(hex(g.case_id)), 'reason', g.reason, 'granted_at', g.granted_at,
            'consent_override_reason', g.consent_override_reason, 'field_id', g.field_id,
            'u_id', lower(hex(gu.id)), 'u_username', gu.username,
            'u_display_name', gu.display_name, 'b_id', lower(hex(gb.id)),
            'b_username', gb.username, 'b_display_name', gb.display_name))
        FROM (SELECT 'share' AS kind, s.id, s.case_id, s.reason, s.granted_at, s.user_id,
                    s.granted_by, s.consent_override_reason, NULL AS field_id
                FROM case_shares s WHERE s.case_id = c.id AND s.revoked_at IS NULL
                UNION ALL
                SELECT 'grant', f.id, f.case_id, f.reason, f.granted_at, f.user_id,
                    f.granted_by, NULL, f.field_id
                FROM field_grants f WHERE f.case_id = c.id AND f.revoked_at IS NULL) g
            JOIN users gu ON gu.id = g.user_id JOIN users gb ON gb.id = g.granted_by
    ) AS granted,
    (SELECT json_group_array(json_object('id', lower(hex(k.id)),
            'case_id', lower(hex(k.case_id)),
            'recipient_user', CASE WHEN k.recipient_user IS NULL THEN NULL
                ELSE lower(hex(k.recipient_user)) END,
            'recipient_agency', k.recipient_agency,
            'recipient_agency_id', CASE WHEN k.recipient_agency_id IS NULL THEN NULL
                ELSE lower(hex(k.recipient_agency_id)) END,
            'scope', k.scope, 'scope_fields', k.scope_fields, 'purpose', k.purpose,
            'given_on', k.given_on, 'guardian_involved', k.guardian_involved,
            'child_assent', k.child_assent, 'recorded_by', lower(hex(k.recorded_by)),
            'recorded_at', k.recorded_at, 'withdrawn_at', k.withdrawn_at,
            'withdrawn_by', CASE WHEN k.withdrawn_by IS NULL THEN NULL
                ELSE lower(hex(k.withdrawn_by)) END,
            'withdraw_reason', k.withdraw_reason))
        FROM consents k WHERE k.case_id = c.id
    ) AS consents
FROM cases c;

CREATE VIEW user_access_facts AS
SELECT u.id AS user_id,
    (SELECT json_group_array(json_object('team_id', lower(hex(t.id)), 'name', t.name,
            'supervisor_id', CASE WHEN t.supervisor_id IS NULL THEN NULL
                ELSE lower(hex(t.supervisor_id)) END,
            'members', json((SELECT json_group_array(lower(hex(m.user_id)))
                FROM team_members m WHERE m.team_id = t.id)),
            'case_types', json((SELECT json_group_array(ct.case_type)
                FROM team_case_types ct WHERE ct.team_id = t.id))))
        FROM team_members a JOIN teams t ON t.id = a.team_id WHERE a.user_id = u.id
    ) AS teams
FROM users u;

-- Shares and field grants.
CREATE TRIGGER case_shares_facts_insert AFTER INSERT ON case_shares BEGIN
    UPDATE cases SET access_granted =
        (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id = NEW.case_id;
END;
CREATE TRIGGER case_shares_facts_update AFTER UPDATE ON case_shares BEGIN
    UPDATE cases SET access_granted =
        (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER case_shares_facts_delete AFTER DELETE ON case_shares BEGIN
    UPDATE cases SET access_granted =
        (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id = OLD.case_id;
END;
CREATE TRIGGER field_grants_facts_insert AFTER INSERT ON field_grants BEGIN
    UPDATE cases SET access_granted =
        (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id = NEW.case_id;
END;
CREATE TRIGGER field_grants_facts_update AFTER UPDATE ON field_grants BEGIN
    UPDATE cases SET access_granted =
        (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER field_grants_facts_delete AFTER DELETE ON field_grants BEGIN
    UPDATE cases SET access_granted =
        (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id = OLD.case_id;
END;

-- Consents.
CREATE TRIGGER consents_facts_insert AFTER INSERT ON consents BEGIN
    UPDATE cases SET access_consents =
        (SELECT consents FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id = NEW.case_id;
END;
CREATE TRIGGER consents_facts_update AFTER UPDATE ON consents BEGIN
    UPDATE cases SET access_consents =
        (SELECT consents FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER consents_facts_delete AFTER DELETE ON consents BEGIN
    UPDATE cases SET access_consents =
        (SELECT consents FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id = OLD.case_id;
END;

-- A user's names are in the facts of the shares and grants given to or by them.
CREATE TRIGGER users_facts AFTER UPDATE OF username, display_name ON users
WHEN OLD.username IS NOT NEW.username OR OLD.display_name IS NOT NEW.display_name
BEGIN
    UPDATE cases SET access_granted =
        (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
    WHERE id IN (
        SELECT case_id FROM case_shares WHERE user_id = NEW.id OR granted_by = NEW.id
        UNION
        SELECT case_id FROM field_grants WHERE user_id = NEW.id OR granted_by = NEW.id);
END;

-- Teams: every member of the team, and the member who joined or left.
CREATE TRIGGER team_members_facts_insert AFTER INSERT ON team_members BEGIN
    UPDATE users SET access_teams =
        (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
    WHERE id IN (SELECT user_id FROM team_members WHERE team_id = NEW.team_id);
END;
CREATE TRIGGER team_members_facts_update AFTER UPDATE ON team_members BEGIN
    UPDATE users SET access_teams =
        (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
    WHERE id IN (OLD.user_id, NEW.user_id) OR id IN (
        SELECT user_id FROM team_members WHERE team_id IN (OLD.team_id, NEW.team_id));
END;
CREATE TRIGGER team_members_facts_delete AFTER DELETE ON team_members BEGIN
    UPDATE users SET access_teams =
        (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
    WHERE id = OLD.user_id
        OR id IN (SELECT user_id FROM team_members WHERE team_id = OLD.team_id);
END;
CREATE TRIGGER team_case_types_facts_insert AFTER INSERT ON team_case_types BEGIN
    UPDATE users SET access_teams =
        (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
    WHERE id IN (SELECT user_id FROM team_members WHERE team_id = NEW.team_id);
END;
CREATE TRIGGER team_case_types_facts_update AFTER UPDATE ON team_case_types BEGIN
    UPDATE users SET access_teams =
        (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
    WHERE id IN (SELECT user_id FROM team_members WHERE team_id IN (OLD.team_id, NEW.team_id));
END;
CREATE TRIGGER team_case_types_facts_delete AFTER DELETE ON team_case_types BEGIN
    UPDATE users SET access_teams =
        (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
    WHERE id IN (SELECT user_id FROM team_members WHERE team_id = OLD.team_id);
END;
CREATE TRIGGER teams_facts AFTER UPDATE OF name, supervisor_id ON teams
WHEN OLD.name IS NOT NEW.name OR OLD.supervisor_id IS NOT NEW.supervisor_id
BEGIN
    UPDATE users SET access_teams =
        (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
    WHERE id IN (SELECT user_id FROM team_members WHERE team_id = NEW.id);
END;

-- The facts of what exists already.
UPDATE cases SET access_granted =
    (SELECT granted FROM case_access_facts f WHERE f.case_id = cases.id)
WHERE id IN (SELECT case_id FROM case_shares UNION SELECT case_id FROM field_grants);
UPDATE cases SET access_consents =
    (SELECT consents FROM case_access_facts f WHERE f.case_id = cases.id)
WHERE id IN (SELECT case_id FROM consents);
UPDATE users SET access_teams =
    (SELECT teams FROM user_access_facts f WHERE f.user_id = users.id)
WHERE id IN (SELECT user_id FROM team_members);
