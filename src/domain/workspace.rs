//! The one-per-file workspace record: who the ISMS belongs to, its scope statement (4.3) and
//! whether climate change is a relevant issue (4.1, as amended in 2024).

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
    /// The name to show in headers: the organisation, or a hint that it is not set yet.
    pub fn display_name(&self) -> &str {
        if self.organisation.trim().is_empty() {
            "(organisation not set)"
        } else {
            self.organisation.trim()
        }
    }
}
