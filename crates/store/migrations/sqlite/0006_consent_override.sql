-- 0006 consent override: a share of a survivor's case made without their consent (an emergency),
-- with the reason recorded.
ALTER TABLE case_shares ADD COLUMN consent_override_reason TEXT;
