-- 0020 quality assurance and supervision: a supervisor's review findings on a case, their
-- supervision notes for one worker about a case (never part of the case's record), and the
-- cases they marked for discussion. Texts are sealed with the case's data key.
CREATE TABLE quality_reviews (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    reviewer UUID NOT NULL REFERENCES users (id),
    criterion TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('meets', 'partly_meets', 'does_not_meet')),
    findings TEXT NOT NULL,
    reviewed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX quality_reviews_case ON quality_reviews (case_id, reviewed_at);
CREATE TABLE supervision_notes (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    supervisor UUID NOT NULL REFERENCES users (id),
    worker UUID NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX supervision_notes_pair ON supervision_notes (supervisor, worker, written_at);
CREATE TABLE discussion_marks (
    case_id UUID NOT NULL REFERENCES cases (id),
    supervisor UUID NOT NULL REFERENCES users (id),
    marked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, supervisor)
);
GRANT SELECT, INSERT, DELETE ON quality_reviews, supervision_notes, discussion_marks TO caseward_app;
