-- 0026 running tallies for aggregate reports: how many cases of a type, in a stage, opened in a
-- month, hold each value of each report dimension (and, under field '' and value '', how many
-- cases there are). Triggers keep them as cases and their dimensions are written, in the same
-- transaction, so that a report over a million cases reads a few thousand rows rather than
-- counting the cases. A count brought down to zero stays, as a zero.
CREATE TABLE report_tallies (
    field_id TEXT NOT NULL,
    value TEXT NOT NULL,
    case_type TEXT NOT NULL,
    stage TEXT NOT NULL,
    opened_month TEXT NOT NULL,
    cases INTEGER NOT NULL,
    PRIMARY KEY (field_id, value, case_type, stage, opened_month)
) STRICT, WITHOUT ROWID;

INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
SELECT '', '', case_type, stage, substr(created_at, 1, 7), COUNT(*)
FROM cases GROUP BY case_type, stage, substr(created_at, 1, 7);
INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
SELECT d.field_id, d.value, c.case_type, c.stage, substr(c.created_at, 1, 7), COUNT(*)
FROM case_dimensions d JOIN cases c ON c.id = d.case_id
GROUP BY d.field_id, d.value, c.case_type, c.stage, substr(c.created_at, 1, 7);

-- A case counts where it is; its dimensions are written after it and removed before it.
CREATE TRIGGER cases_tally_insert AFTER INSERT ON cases BEGIN
    INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
    VALUES ('', '', NEW.case_type, NEW.stage, substr(NEW.created_at, 1, 7), 1)
    ON CONFLICT (field_id, value, case_type, stage, opened_month) DO UPDATE SET cases = cases + 1;
END;

CREATE TRIGGER cases_tally_delete AFTER DELETE ON cases BEGIN
    UPDATE report_tallies SET cases = cases - 1
    WHERE (field_id, value, case_type, stage, opened_month)
        = ('', '', OLD.case_type, OLD.stage, substr(OLD.created_at, 1, 7));
END;

-- A case that moves (a stage, or in principle its type or opening) takes its tallies along.
CREATE TRIGGER cases_tally_move AFTER UPDATE OF case_type, stage, created_at ON cases
WHEN OLD.case_type IS NOT NEW.case_type OR OLD.stage IS NOT NEW.stage
    OR substr(OLD.created_at, 1, 7) IS NOT substr(NEW.created_at, 1, 7)
BEGIN
    UPDATE report_tallies SET cases = cases - 1
    WHERE case_type = OLD.case_type AND stage = OLD.stage
        AND opened_month = substr(OLD.created_at, 1, 7)
        AND (field_id, value) IN (
            SELECT '', '' UNION ALL
            SELECT field_id, value FROM case_dimensions WHERE case_id = OLD.id);
    INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
    SELECT '', '', NEW.case_type, NEW.stage, substr(NEW.created_at, 1, 7), 1
    UNION ALL
    SELECT field_id, value, NEW.case_type, NEW.stage, substr(NEW.created_at, 1, 7), 1
    FROM case_dimensions WHERE case_id = NEW.id
    ON CONFLICT (field_id, value, case_type, stage, opened_month) DO UPDATE SET cases = cases + 1;
END;

CREATE TRIGGER case_dimensions_tally_insert AFTER INSERT ON case_dimensions BEGIN
    INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
    SELECT NEW.field_id, NEW.value, case_type, stage, substr(created_at, 1, 7), 1
    FROM cases WHERE id = NEW.case_id
    ON CONFLICT (field_id, value, case_type, stage, opened_month) DO UPDATE SET cases = cases + 1;
END;

CREATE TRIGGER case_dimensions_tally_delete AFTER DELETE ON case_dimensions BEGIN
    UPDATE report_tallies SET cases = cases - 1
    WHERE (field_id, value, case_type, stage, opened_month) = (
        SELECT OLD.field_id, OLD.value, case_type, stage, substr(created_at, 1, 7)
        FROM cases WHERE id = OLD.case_id);
END;

-- Dimension rows are deleted and inserted, never updated: an update would leave the tallies
-- behind, so it is refused.
CREATE TRIGGER case_dimensions_no_update BEFORE UPDATE ON case_dimensions BEGIN
    SELECT RAISE(ABORT, 'case_dimensions rows are deleted and inserted, never updated');
END;
