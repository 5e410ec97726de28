-- 0024 case contents: a case's sealed content (about 4 KB) moves out of `cases` into a table of
-- its own. In `cases` it made every row overflow SQLite's 4 KB page, and the columns stored
-- after it (version, change sequence, times) were read by following the overflow chain, so
-- lists, the dashboard and supervision read a page or more per case for a few short columns;
-- without it a case's row takes about 200 bytes and a million of them about 200 MB.
CREATE TABLE case_contents (
    case_id BLOB PRIMARY KEY NOT NULL REFERENCES cases (id),
    content BLOB NOT NULL
) STRICT;
INSERT INTO case_contents (case_id, content) SELECT id, content FROM cases;
ALTER TABLE cases DROP COLUMN content;
