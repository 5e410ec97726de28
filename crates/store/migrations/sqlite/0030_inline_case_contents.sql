-- 0030 inline case contents: nothing to change on SQLite. PostgreSQL moved every sealed content
-- over 2 kB out to its TOAST table, read again through a second index (see the PostgreSQL
-- migration); SQLite keeps a row in its table's page and spills only the part of a row larger
-- than the page to overflow pages, which the row itself points to.
SELECT 1;
