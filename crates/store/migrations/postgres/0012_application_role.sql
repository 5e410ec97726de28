-- 0012 application role: `caseward_app`, the role the server's login role should belong to
-- (docs/OPERATIONS.md). It may read and write the instance's tables, but the audit trail only
-- grows: it may insert into and read the audit entries and checkpoints, never change or
-- remove them, and it cannot drop the guarding triggers (only the tables' owner can).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseward_app') THEN
        CREATE ROLE caseward_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    -- Another database of the same server created it at the same moment.
    NULL;
END
$$;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    users, sessions, cases, case_number_counters, teams, team_members, team_case_types,
    case_shares, field_grants, consents, login_throttle, recovery_codes, case_assignments,
    agencies, keyring_checks, case_keys, case_purges, schema_migrations
    TO caseward_app;
GRANT SELECT, INSERT ON audit_entries, audit_checkpoints TO caseward_app;
GRANT SELECT, UPDATE ON audit_head TO caseward_app;
GRANT USAGE, SELECT ON SEQUENCE change_seq TO caseward_app;
