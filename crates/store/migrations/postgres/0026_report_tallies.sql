-- 0026 running tallies for aggregate reports: how many cases of a type, in a stage, opened in a
-- month, hold each value of each report dimension (and, under field '' and value '', how many
-- cases there are). Triggers keep them as cases and their dimensions are written, in the same
-- transaction, so that a report over a million cases reads a few thousand rows rather than
-- counting the cases. A count brought down to zero stays, as a zero.
--
-- The triggers work per statement, on the statement's transition tables (one upsert of the
-- grouped changes, not one per row). Every change of the tallies first locks the audit chain's
-- head, which every writing transaction takes before it commits anyway: two transactions that
-- change the same tallies in different orders (one moves a case from stage A to B, another
-- from B to A) would otherwise each wait for the other.
CREATE TABLE report_tallies (
    field_id TEXT NOT NULL,
    value TEXT NOT NULL,
    case_type TEXT NOT NULL,
    stage TEXT NOT NULL,
    opened_month TEXT NOT NULL,
    cases BIGINT NOT NULL,
    PRIMARY KEY (field_id, value, case_type, stage, opened_month)
);
GRANT SELECT, INSERT, UPDATE ON report_tallies TO caseward_app;

CREATE FUNCTION report_month(opened TIMESTAMPTZ) RETURNS TEXT
    LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(opened AT TIME ZONE 'UTC', 'YYYY-MM') $$;

INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
SELECT '', '', case_type, stage, report_month(created_at), COUNT(*)
FROM cases GROUP BY 3, 4, 5;
INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
SELECT d.field_id, d.value, c.case_type, c.stage, report_month(c.created_at), COUNT(*)
FROM case_dimensions d JOIN cases c ON c.id = d.case_id
GROUP BY 1, 2, 3, 4, 5;

-- A case counts where it is; its dimensions are written after it and removed before it.
CREATE FUNCTION report_tallies_cases_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM audit_head WHERE id = 1 FOR UPDATE;
    INSERT INTO report_tallies AS t (field_id, value, case_type, stage, opened_month, cases)
    SELECT '', '', case_type, stage, report_month(created_at), COUNT(*)
    FROM inserted GROUP BY 3, 4, 5
    ON CONFLICT (field_id, value, case_type, stage, opened_month)
    DO UPDATE SET cases = t.cases + EXCLUDED.cases;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_tally_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_cases_inserted();

CREATE FUNCTION report_tallies_cases_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM audit_head WHERE id = 1 FOR UPDATE;
    INSERT INTO report_tallies AS t (field_id, value, case_type, stage, opened_month, cases)
    SELECT '', '', case_type, stage, report_month(created_at), -COUNT(*)
    FROM deleted GROUP BY 3, 4, 5
    ON CONFLICT (field_id, value, case_type, stage, opened_month)
    DO UPDATE SET cases = t.cases + EXCLUDED.cases;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_tally_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_cases_deleted();

-- A case that moves (a stage, or in principle its type or opening) takes its tallies along.
-- Every edit updates its case's row; only a move takes the lock.
CREATE FUNCTION report_tallies_cases_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM before b JOIN after a ON a.id = b.id
        WHERE (b.case_type, b.stage, report_month(b.created_at))
            IS DISTINCT FROM (a.case_type, a.stage, report_month(a.created_at))
    ) THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM audit_head WHERE id = 1 FOR UPDATE;
    WITH moved AS (
        SELECT b.id, b.case_type AS b_type, b.stage AS b_stage,
            report_month(b.created_at) AS b_month, a.case_type AS a_type,
            a.stage AS a_stage, report_month(a.created_at) AS a_month
        FROM before b JOIN after a ON a.id = b.id
        WHERE (b.case_type, b.stage, report_month(b.created_at))
            IS DISTINCT FROM (a.case_type, a.stage, report_month(a.created_at))
    ), parts AS (
        SELECT id AS case_id, '' AS field_id, '' AS value FROM moved
        UNION ALL
        SELECT d.case_id, d.field_id, d.value FROM case_dimensions d JOIN moved m ON m.id = d.case_id
    ), changes AS (
        SELECT p.field_id, p.value, m.b_type AS case_type, m.b_stage AS stage,
            m.b_month AS opened_month, -1 AS change
        FROM parts p JOIN moved m ON m.id = p.case_id
        UNION ALL
        SELECT p.field_id, p.value, m.a_type, m.a_stage, m.a_month, 1
        FROM parts p JOIN moved m ON m.id = p.case_id
    )
    INSERT INTO report_tallies AS t (field_id, value, case_type, stage, opened_month, cases)
    SELECT field_id, value, case_type, stage, opened_month, SUM(change) FROM changes
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (field_id, value, case_type, stage, opened_month)
    DO UPDATE SET cases = t.cases + EXCLUDED.cases;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_tally_move AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_cases_moved();

CREATE FUNCTION report_tallies_dimensions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM audit_head WHERE id = 1 FOR UPDATE;
    INSERT INTO report_tallies AS t (field_id, value, case_type, stage, opened_month, cases)
    SELECT n.field_id, n.value, c.case_type, c.stage, report_month(c.created_at), COUNT(*)
    FROM inserted n JOIN cases c ON c.id = n.case_id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (field_id, value, case_type, stage, opened_month)
    DO UPDATE SET cases = t.cases + EXCLUDED.cases;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_dimensions_tally_insert AFTER INSERT ON case_dimensions
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_dimensions_inserted();

CREATE FUNCTION report_tallies_dimensions_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM audit_head WHERE id = 1 FOR UPDATE;
    INSERT INTO report_tallies AS t (field_id, value, case_type, stage, opened_month, cases)
    SELECT o.field_id, o.value, c.case_type, c.stage, report_month(c.created_at), -COUNT(*)
    FROM deleted o JOIN cases c ON c.id = o.case_id GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (field_id, value, case_type, stage, opened_month)
    DO UPDATE SET cases = t.cases + EXCLUDED.cases;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_dimensions_tally_delete AFTER DELETE ON case_dimensions
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_dimensions_deleted();

-- Dimension rows are deleted and inserted, never updated: an update would leave the tallies
-- behind, so it is refused.
CREATE FUNCTION report_tallies_dimensions_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_dimensions rows are deleted and inserted, never updated';
END
$$;
CREATE TRIGGER case_dimensions_no_update BEFORE UPDATE ON case_dimensions
    FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_dimensions_fixed();
