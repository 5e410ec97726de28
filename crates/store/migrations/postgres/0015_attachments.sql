-- 0015 attachments: documents of a case. The content is a stream-encrypted file in the
-- attachments folder; the row holds its name sealed with the case's data key, and in clear
-- only what lists and limits need (kind, classification, media type, size, who and when).
CREATE TABLE attachments (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    classification TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sealed_name BYTEA NOT NULL,
    uploaded_by UUID NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id, uploaded_at);
GRANT SELECT, INSERT, DELETE ON attachments TO caseward_app;
