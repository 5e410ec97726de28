-- 0012 application role: PostgreSQL only (a role that may only insert into and read the audit
-- tables). SQLite has no roles; its triggers refuse changes to the trail. Numbered alike.
SELECT 1;
