-- 0003 authentication: login throttling, second factor, partial sessions.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    locked_until TEXT
) STRICT;

ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
    user_id BLOB NOT NULL REFERENCES users (id),
    hash BLOB NOT NULL,
    used_at TEXT
) STRICT;
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- 'full', or 'second_factor' (password accepted, code awaited), or 'enrolment' (password
-- accepted, second factor required but not yet set up).
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
