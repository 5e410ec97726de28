-- 0029 facts refresh plans: a team's refresh finds its users through the team's members and the
-- ids it is given, and no refresh of the access facts is compiled by PostgreSQL's JIT.
--
-- 0028's `refresh_team_facts` chose its users with `id = ANY (who) OR id IN (members)`. The
-- planner answers such an OR with a scan of every user, and costed the facts' subqueries once
-- for each row it expected: at 4,401 users (a million cases' staff) the estimate passed
-- `jit_above_cost`, and each refresh (each member added or removed, each team renamed or given
-- a case type) compiled its plan first: 640 ms a refresh, against 5 ms without. Seeding a
-- million cases placed its 4,400 staff at about 22 a second.
CREATE OR REPLACE FUNCTION refresh_team_facts(team UUID, who UUID[]) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    UPDATE teams SET version = version WHERE id = team;
    UPDATE users SET access_teams = access_teams
    WHERE id IN (SELECT unnest(who) UNION SELECT user_id FROM team_members WHERE team_id = team);
    UPDATE users u
    SET access_teams = (SELECT teams FROM user_access_facts f WHERE f.user_id = u.id)
    WHERE u.id IN (SELECT unnest(who) UNION SELECT user_id FROM team_members WHERE team_id = team);
END
$$;

-- The other refreshes touch one case's row, or a user's few shares, by index: compiling them
-- could only cost time.
ALTER FUNCTION refresh_case_facts(UUID) SET jit = off;
ALTER FUNCTION case_facts_changed() SET jit = off;
ALTER FUNCTION user_named() SET jit = off;
ALTER FUNCTION team_member_changed() SET jit = off;
ALTER FUNCTION team_part_changed() SET jit = off;
ALTER FUNCTION team_changed() SET jit = off;
