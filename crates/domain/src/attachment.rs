//! Documents attached to a case (consent forms, assessments, referral letters, photos): what
//! kinds there are, which file types are accepted — judged by the file's first bytes, not by
//! what the sender claims — and the rules for their names.

/// What a document is, for lists and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    ConsentForm,
    Assessment,
    ReferralLetter,
    Photo,
    Other,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 5] = [
        Self::ConsentForm,
        Self::Assessment,
        Self::ReferralLetter,
        Self::Photo,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConsentForm => "consent_form",
            Self::Assessment => "assessment",
            Self::ReferralLetter => "referral_letter",
            Self::Photo => "photo",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// An accepted file type: a media type and the bytes every such file starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub media_type: &'static str,
    pub extension: &'static str,
}

const ZIP: &[u8] = b"PK\x03\x04";

/// The accepted types. Office documents are ZIP containers; nothing that a browser would run
/// (HTML, SVG, scripts) is accepted, and every download is served as an attachment.
/// Whether a file's first bytes are those of a type.
pub type Signature = fn(&[u8]) -> bool;

pub const FILE_TYPES: &[(FileType, Signature)] = &[
    (
        FileType {
            media_type: "application/pdf",
            extension: "pdf",
        },
        |b| b.starts_with(b"%PDF-"),
    ),
    (
        FileType {
            media_type: "image/jpeg",
            extension: "jpg",
        },
        |b| b.starts_with(&[0xFF, 0xD8, 0xFF]),
    ),
    (
        FileType {
            media_type: "image/png",
            extension: "png",
        },
        |b| b.starts_with(b"\x89PNG\r\n\x1a\n"),
    ),
    (
        FileType {
            media_type: "image/webp",
            extension: "webp",
        },
        |b| b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP",
    ),
    (
        FileType {
            media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            extension: "docx",
        },
        |b| b.starts_with(ZIP),
    ),
    (
        FileType {
            media_type: "application/vnd.oasis.opendocument.text",
            extension: "odt",
        },
        |b| b.starts_with(ZIP),
    ),
];

/// The most bytes [`check_file_type`] needs to see.
pub const SNIFF_BYTES: usize = 12;

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// The declared media type is not one of [`FILE_TYPES`].
    TypeNotAccepted,
    /// The file's first bytes are not those of its declared type.
    ContentMismatch,
    /// The file is empty.
    Empty,
}

/// The accepted type of a file declared as `media_type` whose content starts with `head`
/// (at least [`SNIFF_BYTES`] bytes unless the file is shorter).
pub fn check_file_type(media_type: &str, head: &[u8]) -> Result<FileType, FileRefusal> {
    let declared = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (file_type, matches) = FILE_TYPES
        .iter()
        .find(|(t, _)| t.media_type == declared)
        .ok_or(FileRefusal::TypeNotAccepted)?;
    if head.is_empty() {
        return Err(FileRefusal::Empty);
    }
    if !matches(head) {
        return Err(FileRefusal::ContentMismatch);
    }
    Ok(*file_type)
}

/// Longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Why a file name is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameRefusal {
    Empty,
    TooLong,
    /// Control characters or path separators.
    Forbidden,
}

/// A file name as kept: trimmed; no path, control characters or reserved names.
pub fn check_file_name(name: &str) -> Result<String, NameRefusal> {
    let name = name.trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(NameRefusal::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameRefusal::TooLong);
    }
    if name
        .chars()
        .any(|c| c.is_control() || c == '/' || c == '\\')
    {
        return Err(NameRefusal::Forbidden);
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_must_be_what_the_type_says() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3";
        assert_eq!(
            check_file_type("application/pdf", pdf).unwrap().extension,
            "pdf"
        );
        assert_eq!(
            check_file_type("Application/PDF; charset=binary", pdf)
                .unwrap()
                .extension,
            "pdf"
        );
        assert_eq!(
            check_file_type("image/png", pdf),
            Err(FileRefusal::ContentMismatch)
        );
        assert_eq!(
            check_file_type("text/html", b"<html>"),
            Err(FileRefusal::TypeNotAccepted)
        );
        assert_eq!(
            check_file_type("image/svg+xml", b"<svg"),
            Err(FileRefusal::TypeNotAccepted)
        );
        assert_eq!(
            check_file_type("application/pdf", b""),
            Err(FileRefusal::Empty)
        );
        assert!(check_file_type("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
        assert!(check_file_type("image/webp", b"RIFF\0\0\0\0WEBPVP8 ").is_ok());
        assert_eq!(
            check_file_type("image/webp", b"RIFF\0\0\0\0WAVE"),
            Err(FileRefusal::ContentMismatch)
        );
        assert!(
            check_file_type("application/vnd.oasis.opendocument.text", b"PK\x03\x04..").is_ok()
        );
    }

    #[test]
    fn names_keep_no_path_or_control_characters() {
        assert_eq!(
            check_file_name("  consent form.pdf ").unwrap(),
            "consent form.pdf"
        );
        assert_eq!(
            check_file_name("évaluation – été.docx").unwrap(),
            "évaluation – été.docx"
        );
        assert_eq!(
            check_file_name("../../etc/passwd"),
            Err(NameRefusal::Forbidden)
        );
        assert_eq!(check_file_name("a\\b.pdf"), Err(NameRefusal::Forbidden));
        assert_eq!(check_file_name("a\nb.pdf"), Err(NameRefusal::Forbidden));
        assert_eq!(check_file_name(".."), Err(NameRefusal::Empty));
        assert_eq!(check_file_name("   "), Err(NameRefusal::Empty));
        assert_eq!(check_file_name(&"x".repeat(201)), Err(NameRefusal::TooLong));
    }

    #[test]
    fn kinds_round_trip() {
        for kind in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AttachmentKind::parse("selfie"), None);
    }
}
