-- 0024 case contents: a case's sealed content (about 4 KB) moves out of `cases` into a table of
-- its own, as on SQLite (where, inside `cases`, it made every row overflow its page), so that
-- both databases have the same tables. PostgreSQL kept it out of line already (TOAST).
CREATE TABLE case_contents (
    case_id UUID PRIMARY KEY NOT NULL REFERENCES cases (id),
    content BYTEA NOT NULL
);
INSERT INTO case_contents (case_id, content) SELECT id, content FROM cases;
ALTER TABLE cases DROP COLUMN content;
GRANT SELECT, INSERT, UPDATE, DELETE ON case_contents TO caseward_app;
