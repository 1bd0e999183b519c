//! Which controls the SoA list shows: a text search over id and title, and filters by theme,
//! applicability, implementation status and ISO/IEC 27002 attribute.

use crate::domain::soa::{Applicability, Implementation, SoaDecision};
use crate::store::ControlInfo;

/// The five attributes, by the names the filter form shows.
pub const ATTRIBUTES: [&str; 5] = [
    "Control type",
    "Security property",
    "Cybersecurity concept",
    "Operational capability",
    "Security domain",
];

fn attribute_values<'a>(control: &'a ControlInfo, attribute: &str) -> &'a [String] {
    match attribute {
        "Control type" => &control.control_type,
        "Security property" => &control.security_properties,
        "Cybersecurity concept" => &control.cybersecurity_concepts,
        "Operational capability" => &control.operational_capabilities,
        _ => &control.security_domains,
    }
}

/// Every (attribute, value) pair used in the catalogue, for the filter form.
pub fn attribute_choices(controls: &[ControlInfo]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for attribute in ATTRIBUTES {
        let mut values: Vec<&String> = controls
            .iter()
            .flat_map(|c| attribute_values(c, attribute))
            .collect();
        values.sort();
        values.dedup();
        pairs.extend(
            values
                .into_iter()
                .map(|v| (attribute.to_string(), v.clone())),
        );
    }
    pairs
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoaFilter {
    pub text: String,
    pub theme: Option<String>,
    pub applicability: Option<Applicability>,
    pub status: Option<Implementation>,
    /// (attribute, value), e.g. ("Control type", "Detective").
    pub attribute: Option<(String, String)>,
}

impl SoaFilter {
    pub fn is_empty(&self) -> bool {
        *self == SoaFilter::default()
    }

    pub fn matches(&self, control: &ControlInfo, decision: &SoaDecision) -> bool {
        if self
            .theme
            .as_ref()
            .is_some_and(|theme| *theme != control.theme)
        {
            return false;
        }
        if self
            .applicability
            .is_some_and(|a| a != decision.applicability)
        {
            return false;
        }
        // Status only means something for applicable controls.
        if self
            .status
            .is_some_and(|s| decision.applicability != Applicability::Yes || s != decision.status)
        {
            return false;
        }
        if let Some((attribute, value)) = &self.attribute {
            if !attribute_values(control, attribute).contains(value) {
                return false;
            }
        }
        let needle = self.text.trim().to_lowercase();
        needle.is_empty()
            || control.id.starts_with(&needle)
            || control.title.to_lowercase().contains(&needle)
    }

    /// The filter in words, for the line under the list.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.text.is_empty() {
            parts.push(format!("\"{}\"", self.text));
        }
        if let Some(theme) = &self.theme {
            parts.push(theme.clone());
        }
        if let Some(a) = self.applicability {
            parts.push(a.label().to_string());
        }
        if let Some(s) = self.status {
            parts.push(s.label().to_string());
        }
        if let Some((attribute, value)) = &self.attribute {
            parts.push(format!("{attribute}: {}", value.replace('_', " ")));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(id: &str, title: &str, theme: &str, control_type: &str) -> ControlInfo {
        ControlInfo {
            id: id.into(),
            title: title.into(),
            theme: theme.into(),
            control_type: vec![control_type.into()],
            security_properties: vec!["Confidentiality".into()],
            cybersecurity_concepts: vec!["Detect".into()],
            operational_capabilities: vec!["Governance".into()],
            security_domains: vec!["Defence".into()],
            guidance: String::new(),
        }
    }

    #[test]
    fn filters_combine() {
        let logging = control("8.15", "Logging", "Technological", "Detective");
        let policy = control(
            "5.1",
            "Policies for information security",
            "Organizational",
            "Preventive",
        );
        let applicable = SoaDecision {
            applicability: Applicability::Yes,
            status: Implementation::Partial,
            ..SoaDecision::default()
        };
        let undecided = SoaDecision::default();
        let detective = SoaFilter {
            attribute: Some(("Control type".into(), "Detective".into())),
            ..SoaFilter::default()
        };
        assert!(detective.matches(&logging, &applicable));
        assert!(!detective.matches(&policy, &applicable));
        let search = |text: &str| SoaFilter {
            text: text.into(),
            ..SoaFilter::default()
        };
        assert!(search("8.1").matches(&logging, &undecided));
        assert!(search("POLIC").matches(&policy, &undecided));
        assert!(!search("8.1").matches(&policy, &undecided));
        let partial = SoaFilter {
            status: Some(Implementation::Partial),
            ..SoaFilter::default()
        };
        assert!(partial.matches(&logging, &applicable));
        assert!(
            !partial.matches(&logging, &undecided),
            "status filters only applicable controls"
        );
        let undecided_only = SoaFilter {
            applicability: Some(Applicability::Undecided),
            ..SoaFilter::default()
        };
        assert!(undecided_only.matches(&policy, &undecided));
        assert_eq!(attribute_choices(&[logging, policy]).len(), 2 + 4);
    }
}
