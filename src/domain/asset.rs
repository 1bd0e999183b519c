//! The asset register (8.1-ish inventory feeding 6.1.2): what the organisation protects.

use super::scope::ScopeItem;
use super::validation::{require, FieldError};

choice_enum! {
    AssetKind {
        Information => "information", "Information";
        Software => "software", "Software";
        Hardware => "hardware", "Hardware";
        Service => "service", "Service";
        People => "people", "People";
        Site => "site", "Site";
        Supplier => "supplier", "Supplier";
    }
}

/// Confidentiality, integrity and availability values run from 1 (low) to 3 (high).
pub const CIA_LABELS: [&str; 3] = ["Low", "Medium", "High"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub name: String,
    pub kind: AssetKind,
    pub owner: String,
    pub location: String,
    pub classification: String,
    pub confidentiality: u8,
    pub integrity: u8,
    pub availability: u8,
    pub in_scope: bool,
    pub notes: String,
}

impl Asset {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(&mut errors, "name", &self.name, "A name");
        for (field, value, what) in [
            ("confidentiality", self.confidentiality, "Confidentiality"),
            ("integrity", self.integrity, "Integrity"),
            ("availability", self.availability, "Availability"),
        ] {
            if !(1..=3).contains(&value) {
                errors.push(FieldError::new(
                    field,
                    format!("{what} must be 1, 2 or 3, not {value}."),
                ));
            }
        }
        errors
    }

    /// "C3 I2 A1", the compact form for tables.
    pub fn cia(&self) -> String {
        format!(
            "C{} I{} A{}",
            self.confidentiality, self.integrity, self.availability
        )
    }
}

/// Whether a new asset at `location` is in scope by default: out when its location names a
/// scope item that is out of scope, in otherwise.
pub fn default_in_scope<'a>(
    location: &str,
    scope_items: impl IntoIterator<Item = &'a ScopeItem>,
) -> bool {
    let location = location.trim().to_lowercase();
    if location.is_empty() {
        return true;
    }
    !scope_items
        .into_iter()
        .any(|item| !item.in_scope && item.name.trim().to_lowercase() == location)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scope::ScopeItemKind;

    fn asset() -> Asset {
        Asset {
            name: "Customer ledger database".into(),
            kind: AssetKind::Information,
            owner: "CTO".into(),
            location: "AWS eu-central-1".into(),
            classification: "Confidential".into(),
            confidentiality: 3,
            integrity: 3,
            availability: 2,
            in_scope: true,
            notes: String::new(),
        }
    }

    #[test]
    fn values_must_be_on_the_scale() {
        assert!(asset().validate().is_empty());
        let mut bad = asset();
        bad.integrity = 4;
        assert_eq!(bad.validate()[0].field, "integrity");
        assert_eq!(asset().cia(), "C3 I3 A2");
    }

    #[test]
    fn scope_default_follows_excluded_scope_items() {
        let excluded = ScopeItem {
            kind: ScopeItemKind::Site,
            name: "Munich office".into(),
            in_scope: false,
            justification: "Separate entity".into(),
        };
        assert!(!default_in_scope(" munich OFFICE ", [&excluded]));
        assert!(default_in_scope("Bristol", [&excluded]));
        assert!(default_in_scope("", [&excluded]));
    }
}
