//! Which record fields are confidential, that is, hidden while presenting. Some fields are
//! confidential by default (a risk's vulnerability, a nonconformity's evidence); a mark on one
//! record's field overrides the default either way.

use std::collections::HashMap;

/// Fields confidential unless a mark says otherwise: (record table, field).
pub const DEFAULTS: &[(&str, &str)] = &[("risk", "vulnerability"), ("nonconformity", "evidence")];

/// What is shown instead of a confidential field's text while presenting.
pub const HIDDEN_TEXT: &str = "(confidential: hidden while presenting)";

/// Whether `field` of records in `table` is confidential when no mark says otherwise.
pub fn is_confidential_by_default(table: &str, field: &str) -> bool {
    DEFAULTS.iter().any(|(t, f)| *t == table && *f == field)
}

/// The table of a record, from its reference, as far as the defaults need it: a risk
/// (`R-001`) or a nonconformity (`NC-001`); other records have no confidential defaults.
pub fn table_of(reference: &str) -> &'static str {
    match reference.split_once('-').map(|(prefix, _)| prefix) {
        Some("R") => "risk",
        Some("NC") => "nonconformity",
        _ => "",
    }
}

/// One record's field marked confidential (or explicitly not), overriding the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfidentialMark {
    /// The record's reference: `R-001`, `NC-002`.
    pub record: String,
    /// The field's column name: `vulnerability`.
    pub field: String,
    pub confidential: bool,
}

impl ConfidentialMark {
    pub fn new(record: &str, field: &str, confidential: bool) -> Self {
        ConfidentialMark {
            record: record.to_string(),
            field: field.to_string(),
            confidential,
        }
    }
}

/// The marks in effect, by record and field, over the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Confidentiality {
    marks: HashMap<(String, String), bool>,
}

impl Confidentiality {
    pub fn new(marks: impl IntoIterator<Item = ConfidentialMark>) -> Self {
        Confidentiality {
            marks: marks
                .into_iter()
                .map(|m| ((m.record, m.field), m.confidential))
                .collect(),
        }
    }

    /// Whether `field` of the record `record` (a record of `table`) is confidential. A record
    /// not saved yet (`record` empty) has the defaults.
    pub fn is_confidential(&self, table: &str, record: &str, field: &str) -> bool {
        self.marks
            .get(&(record.to_string(), field.to_string()))
            .copied()
            .unwrap_or_else(|| is_confidential_by_default(table, field))
    }

    /// The marks to write so that `record`'s fields are confidential as `wanted` says: only
    /// those that differ from what is in effect now, so saving an unchanged form writes none.
    pub fn changes(
        &self,
        table: &str,
        record: &str,
        wanted: &[(&str, bool)],
    ) -> Vec<ConfidentialMark> {
        wanted
            .iter()
            .filter(|(field, on)| self.is_confidential(table, record, field) != *on)
            .map(|(field, on)| ConfidentialMark::new(record, field, *on))
            .collect()
    }

    /// `text` as it may be shown: itself, or [`HIDDEN_TEXT`] when the field is confidential
    /// and `presenting`.
    pub fn shown<'a>(
        &self,
        presenting: bool,
        table: &str,
        record: &str,
        field: &str,
        text: &'a str,
    ) -> &'a str {
        if presenting && self.is_confidential(table, record, field) {
            HIDDEN_TEXT
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_to_their_table_only() {
        let none = Confidentiality::default();
        assert!(none.is_confidential("risk", "R-001", "vulnerability"));
        assert!(none.is_confidential("nonconformity", "NC-001", "evidence"));
        assert!(!none.is_confidential("risk", "R-001", "threat"));
        assert!(!none.is_confidential("checklist_item", "X", "evidence"));
        assert!(none.is_confidential("risk", "", "vulnerability"));
    }

    #[test]
    fn references_name_the_tables_with_defaults() {
        assert_eq!(table_of("R-001"), "risk");
        assert_eq!(table_of("NC-012"), "nonconformity");
        assert_eq!(table_of("IA-2026-01"), "");
        assert_eq!(table_of("WS"), "");
    }

    #[test]
    fn marks_override_the_default_either_way() {
        let marks = Confidentiality::new([
            ConfidentialMark::new("R-001", "vulnerability", false),
            ConfidentialMark::new("R-001", "treatment_plan", true),
        ]);
        assert!(!marks.is_confidential("risk", "R-001", "vulnerability"));
        assert!(marks.is_confidential("risk", "R-001", "treatment_plan"));
        // Other records keep the defaults.
        assert!(marks.is_confidential("risk", "R-002", "vulnerability"));
        assert!(!marks.is_confidential("risk", "R-002", "treatment_plan"));
    }

    #[test]
    fn changes_are_only_what_differs_from_what_is_in_effect() {
        let marks = Confidentiality::new([ConfidentialMark::new("R-001", "threat", true)]);
        let wanted = [
            ("vulnerability", true),
            ("threat", true),
            ("description", false),
        ];
        assert!(marks.changes("risk", "R-001", &wanted).is_empty());
        let wanted = [
            ("vulnerability", false),
            ("threat", false),
            ("description", true),
        ];
        assert_eq!(
            marks.changes("risk", "R-001", &wanted),
            vec![
                ConfidentialMark::new("R-001", "vulnerability", false),
                ConfidentialMark::new("R-001", "threat", false),
                ConfidentialMark::new("R-001", "description", true),
            ]
        );
    }

    #[test]
    fn hidden_only_while_presenting() {
        let marks = Confidentiality::default();
        assert_eq!(
            marks.shown(false, "risk", "R-001", "vulnerability", "secret"),
            "secret"
        );
        assert_eq!(
            marks.shown(true, "risk", "R-001", "vulnerability", "secret"),
            HIDDEN_TEXT
        );
        assert_eq!(marks.shown(true, "risk", "R-001", "threat", "open"), "open");
    }
}
