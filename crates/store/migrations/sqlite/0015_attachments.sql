-- 0015 attachments: documents of a case. The content is a stream-encrypted file in the
-- attachments folder; the row holds its name sealed with the case's data key, and in clear
-- only what lists and limits need (kind, classification, media type, size, who and when).
CREATE TABLE attachments (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    classification TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sealed_name BLOB NOT NULL,
    uploaded_by BLOB NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL
) STRICT;
CREATE INDEX attachments_case ON attachments (case_id, uploaded_at);
