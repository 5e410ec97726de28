-- 0028 access facts on the rows read with a case: the case's live shares and field grants
-- (`access_granted`) and its consents (`access_consents`) on the case's row, the teams of a user
-- with their members and case types (`access_teams`) on the user's row, each the JSON array
-- `store/src/access_json.rs` reads. A case is read with its assigned worker's row, so a read of a
-- case and the facts its policy needs is one row of two tables, with no subquery (three
-- aggregating subqueries, two of them nested, were a third of that query's time on this
-- server, mostly the executor setting them up).
--
-- Triggers write the facts again, in the transaction that changes what they are made from:
-- whatever writes those rows, the facts follow. Each refresh first locks the row it writes (the
-- lock an update takes, which a foreign key's shared lock does not wait for), then makes the
-- facts in a statement of its own: a refresh that waited for another transaction's lock reads
-- what that transaction committed, so of two changes at once the facts written last hold both.
-- A team's changes first lock the team's row, so that the members a refresh writes are the
-- members as the last change left them.
ALTER TABLE cases ADD COLUMN access_granted TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN access_consents TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN access_teams TEXT NOT NULL DEFAULT '[]';

-- The facts, made from their rows: a case's, and a user's.
CREATE VIEW case_access_facts AS
SELECT c.id AS case_id,
    (SELECT coalesce(json_agg(json_build_object('kind', g.kind, 'id', g.id,
            'case_id', g.case_id, 'reason', g.reason, 'granted_at', g.granted_at,
            'consent_override_reason', g.consent_override_reason, 'field_id', g.field_id,
            'u_id', gu.id, 'u_username', gu.username, 'u_display_name', gu.display_name,
            'b_id', gb.id, 'b_username', gb.username, 'b_display_name', gb.display_name)
            ORDER BY g.granted_at, g.id), '[]'::json)::text
        FROM (SELECT 'share' AS kind, s.id, s.case_id, s.reason, s.granted_at, s.user_id,
                    s.granted_by, s.consent_override_reason, NULL AS field_id
                FROM case_shares s WHERE s.case_id = c.id AND s.revoked_at IS NULL
                UNION ALL
                SELECT 'grant', f.id, f.case_id, f.reason, f.granted_at, f.user_id,
                    f.granted_by, NULL, f.field_id
                FROM field_grants f WHERE f.case_id = c.id AND f.revoked_at IS NULL) g
            JOIN users gu ON gu.id = g.user_id JOIN users gb ON gb.id = g.granted_by
    ) AS granted,
    (SELECT coalesce(json_agg(json_build_object('id', k.id, 'case_id', k.case_id,
            'recipient_user', k.recipient_user, 'recipient_agency', k.recipient_agency,
            'recipient_agency_id', k.recipient_agency_id, 'scope', k.scope,
            'scope_fields', k.scope_fields, 'purpose', k.purpose, 'given_on', k.given_on,
            'guardian_involved', k.guardian_involved, 'child_assent', k.child_assent,
            'recorded_by', k.recorded_by, 'recorded_at', k.recorded_at,
            'withdrawn_at', k.withdrawn_at, 'withdrawn_by', k.withdrawn_by,
            'withdraw_reason', k.withdraw_reason) ORDER BY k.recorded_at, k.id), '[]'::json)::text
        FROM consents k WHERE k.case_id = c.id
    ) AS consents
FROM cases c;

CREATE VIEW user_access_facts AS
SELECT u.id AS user_id,
    (SELECT coalesce(json_agg(json_build_object('team_id', t.id, 'name', t.name,
            'supervisor_id', t.supervisor_id,
            'members', (SELECT coalesce(json_agg(m.user_id ORDER BY m.user_id), '[]'::json)
                FROM team_members m WHERE m.team_id = t.id),
            'case_types', (SELECT coalesce(json_agg(ct.case_type ORDER BY ct.case_type),
                    '[]'::json)
                FROM team_case_types ct WHERE ct.team_id = t.id))
            ORDER BY t.id), '[]'::json)::text
        FROM team_members a JOIN teams t ON t.id = a.team_id WHERE a.user_id = u.id
    ) AS teams
FROM users u;
GRANT SELECT ON case_access_facts, user_access_facts TO caseward_app;

-- A case's facts, both columns: a change to a share, a grant or a consent is rare next to
-- the reads, and one refresh keeps the lock and the fresh statement in one place.
CREATE FUNCTION refresh_case_facts(c UUID) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET access_granted = access_granted WHERE id = c;
    UPDATE cases SET access_granted = f.granted, access_consents = f.consents
    FROM case_access_facts f WHERE f.case_id = c AND cases.id = c;
END
$$;

-- The users in `who` and every member of `team` (a team that no longer exists has none).
CREATE FUNCTION refresh_team_facts(team UUID, who UUID[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE teams SET version = version WHERE id = team;
    UPDATE users SET access_teams = access_teams
    WHERE id = ANY (who) OR id IN (SELECT user_id FROM team_members WHERE team_id = team);
    UPDATE users u
    SET access_teams = (SELECT teams FROM user_access_facts f WHERE f.user_id = u.id)
    WHERE u.id = ANY (who) OR u.id IN (SELECT user_id FROM team_members WHERE team_id = team);
END
$$;

CREATE FUNCTION case_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM refresh_case_facts(OLD.case_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.case_id <> OLD.case_id) THEN
        PERFORM refresh_case_facts(NEW.case_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_shares_facts AFTER INSERT OR UPDATE OR DELETE ON case_shares
    FOR EACH ROW EXECUTE FUNCTION case_facts_changed();
CREATE TRIGGER field_grants_facts AFTER INSERT OR UPDATE OR DELETE ON field_grants
    FOR EACH ROW EXECUTE FUNCTION case_facts_changed();
CREATE TRIGGER consents_facts AFTER INSERT OR UPDATE OR DELETE ON consents
    FOR EACH ROW EXECUTE FUNCTION case_facts_changed();

-- A user's names are in the facts of the shares and grants given to or by them.
CREATE FUNCTION user_named() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c UUID;
BEGIN
    FOR c IN
        SELECT case_id FROM case_shares WHERE user_id = NEW.id OR granted_by = NEW.id
        UNION
        SELECT case_id FROM field_grants WHERE user_id = NEW.id OR granted_by = NEW.id
        ORDER BY 1
    LOOP
        PERFORM refresh_case_facts(c);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_facts AFTER UPDATE OF username, display_name ON users
    FOR EACH ROW
    WHEN (OLD.username IS DISTINCT FROM NEW.username
        OR OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION user_named();

CREATE FUNCTION team_member_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM refresh_team_facts(OLD.team_id, ARRAY[OLD.user_id]);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM refresh_team_facts(NEW.team_id, ARRAY[NEW.user_id]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER team_members_facts AFTER INSERT OR UPDATE OR DELETE ON team_members
    FOR EACH ROW EXECUTE FUNCTION team_member_changed();

CREATE FUNCTION team_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM refresh_team_facts(OLD.team_id, ARRAY[]::UUID[]);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM refresh_team_facts(NEW.team_id, ARRAY[]::UUID[]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER team_case_types_facts AFTER INSERT OR UPDATE OR DELETE ON team_case_types
    FOR EACH ROW EXECUTE FUNCTION team_part_changed();

CREATE FUNCTION team_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_team_facts(NEW.id, ARRAY[]::UUID[]);
    RETURN NULL;
END
$$;
CREATE TRIGGER teams_facts AFTER UPDATE OF name, supervisor_id ON teams
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name
        OR OLD.supervisor_id IS DISTINCT FROM NEW.supervisor_id)
    EXECUTE FUNCTION team_changed();

-- The facts of what exists already.
UPDATE cases c SET access_granted = f.granted FROM case_access_facts f
WHERE f.case_id = c.id
    AND c.id IN (SELECT case_id FROM case_shares UNION SELECT case_id FROM field_grants);
UPDATE cases c SET access_consents = f.consents FROM case_access_facts f
WHERE f.case_id = c.id AND c.id IN (SELECT case_id FROM consents);
UPDATE users u SET access_teams = f.teams FROM user_access_facts f
WHERE f.user_id = u.id AND u.id IN (SELECT user_id FROM team_members);
