-- 0005 pending second factor: a new TOTP secret waits here until confirmed, so replacing a
-- second factor never switches the old one off early.
ALTER TABLE users ADD COLUMN totp_pending_secret BYTEA;
