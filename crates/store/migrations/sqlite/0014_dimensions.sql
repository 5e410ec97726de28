-- 0014 report dimensions: the only case values stored in plaintext, each in the derived form
-- its field declares (an option, a month, an age group), replaced with every write of the case.
CREATE TABLE case_dimensions (
    case_id BLOB NOT NULL,
    field_id TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (case_id, field_id, value)
) STRICT;
CREATE INDEX case_dimensions_field ON case_dimensions (field_id, value);
