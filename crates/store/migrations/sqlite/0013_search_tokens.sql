-- 0013 search tokens: keyed blind-index tokens of a case's searchable words (never the words).
-- A token of a restricted or confidential field matches only for the case's assigned worker.
CREATE TABLE case_search_tokens (
    case_id BLOB NOT NULL,
    token BLOB NOT NULL,
    restricted INTEGER NOT NULL,
    PRIMARY KEY (case_id, token)
) STRICT;
CREATE INDEX case_search_tokens_token ON case_search_tokens (token);
