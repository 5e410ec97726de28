-- 0013 search tokens: keyed blind-index tokens of a case's searchable words (never the words).
-- A token of a restricted or confidential field matches only for the case's assigned worker.
CREATE TABLE case_search_tokens (
    case_id UUID NOT NULL,
    token BYTEA NOT NULL,
    restricted BOOLEAN NOT NULL,
    PRIMARY KEY (case_id, token)
);
CREATE INDEX case_search_tokens_token ON case_search_tokens (token);
GRANT SELECT, INSERT, UPDATE, DELETE ON case_search_tokens TO caseward_app;
