//! Case notes: what kind of contact or event a note records, and how long it may be. Who sees
//! a note is the access policy's (`access::note_access`): a confidential note is the assigned
//! worker's alone.

/// The kind of contact or event a note records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    HomeVisit,
    OfficeVisit,
    PhoneCall,
    Meeting,
    ServiceDelivery,
    Other,
}

impl NoteKind {
    pub const ALL: [NoteKind; 6] = [
        Self::HomeVisit,
        Self::OfficeVisit,
        Self::PhoneCall,
        Self::Meeting,
        Self::ServiceDelivery,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::HomeVisit => "home_visit",
            Self::OfficeVisit => "office_visit",
            Self::PhoneCall => "phone_call",
            Self::Meeting => "meeting",
            Self::ServiceDelivery => "service_delivery",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The longest note body, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in NoteKind::ALL {
            assert_eq!(NoteKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NoteKind::parse("gossip"), None);
    }
}
