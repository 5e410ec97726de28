-- 0027 history digests: each case's moves, contacts and care plan versions (times and states,
-- never content) in one compact value on its row, rewritten in the transaction of every
-- write to them (`store/src/history_digest.rs`), so that a supervisor's dashboard reads its
-- teams' cases without seeking into three history tables once a case. NULL for the cases of an
-- instance upgraded, until the server (or `caseward case reindex`) writes theirs: meanwhile the
-- dashboard reads their history rows.
ALTER TABLE cases ADD COLUMN history_digest BYTEA;
-- The cases still without one, for the server to write theirs (empty once every case has one).
CREATE INDEX cases_undigested ON cases (id) WHERE history_digest IS NULL;
