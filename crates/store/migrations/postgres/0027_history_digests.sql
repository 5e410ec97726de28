-- 0027 history digests: each case's moves, contacts and care plan versions (times and states,
-- never content) in one compact value on its row, rewritten in the transaction of every
-- write to them (`store/src/history_digest.rs`), so that a supervisor's dashboard reads its
-- teams' cases without seeking into three history tables once a case. NULL until a case is
-- written (or `caseward reindex` runs): the dashboard reads such a case's history rows.
ALTER TABLE cases ADD COLUMN history_digest BYTEA;
