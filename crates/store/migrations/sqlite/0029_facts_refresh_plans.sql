-- 0029 facts refresh plans: nothing to change on SQLite. PostgreSQL's team refresh scanned
-- every user and was compiled by its JIT (see the PostgreSQL migration); SQLite's triggers
-- already find a team's users through its members by index (a multi-index OR), and SQLite
-- compiles nothing.
SELECT 1;
