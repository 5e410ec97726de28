//! Report dimensions: which fields may be stored in plaintext beside the sealed case, and in
//! which form (`report_as`), and the instance's age groups.

use super::file::{FieldFile, InstanceFile};
use super::{Loader, Origin};
use crate::config::{AgeBands, Classification, DEFAULT_MINIMUM_CELL_COUNT, ReportAs};

impl Loader<'_> {
    /// The form in which a field is stored as a report dimension, `None` when it is not one.
    /// Only categories may be dimensions: free text can name a person, and a repeating group
    /// or a confidential value does not belong in plaintext.
    pub(super) fn report_dimension(
        &mut self,
        at: Origin,
        key: &str,
        f: &FieldFile,
        classification: Option<Classification>,
    ) -> Option<ReportAs> {
        if !f.report_dimension {
            if f.report_as.is_some() {
                self.error(
                    at,
                    format!("{key}.report_as"),
                    "report_as applies only to a report dimension (report_dimension = true)",
                );
            }
            return None;
        }
        if classification.is_some_and(|c| c != Classification::Standard) {
            self.error(at, format!("{key}.report_dimension"), "only a standard field can be a report dimension (report dimensions are stored in plaintext)");
            return None;
        }
        let allowed: &[ReportAs] = match f.field_type.as_str() {
            "single_select" | "multi_select" | "yes_no" | "location" => &[ReportAs::Value],
            "number" => &[ReportAs::Value, ReportAs::AgeGroup],
            "date" => &[ReportAs::Month, ReportAs::Year, ReportAs::AgeGroup],
            "date_time" => &[ReportAs::Month, ReportAs::Year],
            "repeating_group" => {
                self.error(
                    at,
                    format!("{key}.report_dimension"),
                    "a repeating group cannot be a report dimension",
                );
                return None;
            }
            "short_text" | "long_text" => {
                self.error(at, format!("{key}.report_dimension"), "a text field cannot be a report dimension (free text can identify a person; use a select field)");
                return None;
            }
            // An unknown type is reported where the type is read.
            _ => return None,
        };
        let Some(given) = &f.report_as else {
            return Some(allowed[0]);
        };
        let expected = allowed
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        match ReportAs::parse(given) {
            Some(report_as) if allowed.contains(&report_as) => Some(report_as),
            Some(_) => {
                self.error(
                    at,
                    format!("{key}.report_as"),
                    format!(
                        "\"{given}\" does not apply to a {} field (expected {expected})",
                        f.field_type
                    ),
                );
                None
            }
            None => {
                self.error(
                    at,
                    format!("{key}.report_as"),
                    format!("unknown report_as \"{given}\" (expected {expected})"),
                );
                None
            }
        }
    }

    pub(super) fn age_bands(&mut self, at: Origin, instance: &InstanceFile) -> AgeBands {
        let Some(bounds) = &instance.age_bands else {
            return AgeBands::default();
        };
        AgeBands::new(bounds.clone()).unwrap_or_else(|| {
            self.error(
                at,
                "instance.age_bands",
                "age bands are the groups' lower bounds in years: they start at 0 and increase",
            );
            AgeBands::default()
        })
    }

    pub(super) fn minimum_cell_count(&mut self, at: Origin, instance: &InstanceFile) -> u32 {
        match instance.minimum_cell_count {
            None => DEFAULT_MINIMUM_CELL_COUNT,
            Some(count) if count >= 2 => count,
            Some(_) => {
                self.error(
                    at,
                    "instance.minimum_cell_count",
                    "the smallest count a report shows must be at least 2 (1 would suppress nothing)",
                );
                DEFAULT_MINIMUM_CELL_COUNT
            }
        }
    }
}
