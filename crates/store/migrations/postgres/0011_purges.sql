-- 0011 purges: the tombstones of purged cases. A purge destroys the case's data key and every
-- row about the case; what remains says only that the case existed, and when and why it went.
CREATE TABLE case_purges (
    case_id UUID PRIMARY KEY,
    case_number TEXT NOT NULL,
    case_type TEXT NOT NULL,
    purged_at TIMESTAMPTZ NOT NULL,
    reason TEXT NOT NULL
);
