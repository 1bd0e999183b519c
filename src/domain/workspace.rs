//! The one-per-file workspace record: who the ISMS belongs to, its scope statement (4.3) and
//! whether climate change is a relevant issue (4.1, as amended in 2024).

use super::validation::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    pub organisation: String,
    pub isms_name: String,
    pub scope_statement: String,
    /// Whether the organisation decided that climate change is a relevant issue (4.1): `None`
    /// until it has decided.
    pub climate_relevant: Option<bool>,
    /// Why, and what it means for the ISMS.
    pub climate_note: String,
}

/// How the climate change decision is shown and kept: "yes", "no" or "" (not decided).
pub fn climate_key(decision: Option<bool>) -> &'static str {
    match decision {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

pub fn climate_from_key(key: &str) -> Option<bool> {
    match key {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The decision in words, for screens and exports.
pub fn climate_label(decision: Option<bool>) -> &'static str {
    match decision {
        Some(true) => "Relevant",
        Some(false) => "Not relevant",
        None => "Not decided",
    }
}

impl Workspace {
    /// A climate change decision needs its reasons: an auditor asks why.
    pub fn validate_climate(&self) -> Vec<FieldError> {
        if self.climate_relevant.is_some() && self.climate_note.trim().is_empty() {
            return vec![FieldError::new(
                "climate_note",
                "Say why, and what it means for the ISMS: an auditor will ask.",
            )];
        }
        Vec::new()
    }

    /// The name to show in headers: the organisation, or a hint that it is not set yet.
    pub fn display_name(&self) -> &str {
        if self.organisation.trim().is_empty() {
            "(organisation not set)"
        } else {
            self.organisation.trim()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_climate_decision_needs_its_reasons() {
        let mut workspace = Workspace::default();
        assert!(
            workspace.validate_climate().is_empty(),
            "undecided is allowed"
        );
        workspace.climate_relevant = Some(false);
        assert_eq!(workspace.validate_climate()[0].field, "climate_note");
        workspace.climate_note = "Offices and hosting are not exposed.".into();
        assert!(workspace.validate_climate().is_empty());
        for decision in [None, Some(true), Some(false)] {
            assert_eq!(climate_from_key(climate_key(decision)), decision);
        }
        assert_eq!(climate_label(None), "Not decided");
    }
}
