-- 0003 authentication: login throttling, second factor, partial sessions.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

ALTER TABLE users ADD COLUMN totp_secret BYTEA;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE recovery_codes (
    user_id UUID NOT NULL REFERENCES users (id),
    hash BYTEA NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- 'full', or 'second_factor' (password accepted, code awaited), or 'enrolment' (password
-- accepted, second factor required but not yet set up).
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
