-- 0022 planned contacts: a note may say when the next contact is planned; the follow-up is
-- then due that day rather than after the interval. A date, in clear, like the note's time.
ALTER TABLE case_notes ADD COLUMN next_contact_on TEXT;
