//! The one table from a record kind's stored columns to the words its form uses: the `h`
//! history names a changed field as the form labels it and shows a value as the form shows
//! it (a choice's label, not its key; yes/no, not 1/0).
//!
//! The labels are read from the forms themselves, built empty for the record's kind, so a
//! label renamed in a form is renamed in the history too. Only columns that no form edits
//! under the same name (kept when a risk is accepted, say) are named here.

use chrono::NaiveDate;

use crate::domain::audit::{Audit, ChecklistItem, Finding, Nonconformity, Target};
use crate::domain::certification::{CertificationPlan, Milestone, MilestoneKind};
use crate::domain::document::Document;
use crate::domain::method::RiskMethod;
use crate::domain::review::{ActionStatus, Objective, Review, ReviewAction, INPUTS};
use crate::domain::risk::Risk;
use crate::domain::soa::SoaDecision;
use crate::store::{AuditData, ControlInfo, RiskData, ScopeData, SoaData};
use crate::ui::components::form::{Choice, Form};
use crate::ui::tabs::{audit, evidence, overview, review, risks, scope, soa};

/// A field as a form names it, with its options (key, label) when it is a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Described {
    key: String,
    label: String,
    options: Vec<Choice>,
}

/// Columns stored under another name than their form field's, or edited by no form:
/// (column, the form field it is shown as, or "" and the label to use).
const OTHER_COLUMNS: &[(&str, &str, &str)] = &[
    // A risk's acceptance.
    ("accepted_until", "valid_until", ""),
    ("accepted_fingerprint", "", "Scores accepted"),
    // The risk method.
    ("likelihood_levels", "likelihood", ""),
    ("impact_levels", "impact", ""),
    ("acceptance_threshold", "threshold", ""),
    // An objective and its measurements.
    ("higher_is_better", "direction", ""),
    ("objective", "", "Objective"),
    // A checklist item and a nonconformity's origin.
    ("audit", "", "Audit"),
    ("item", "", "Checklist item"),
    ("kind", "", "Kind"),
    ("target", "", "Clause or control"),
    ("question", "", "Question"),
    // The workspace.
    ("scope_statement", "", "Scope statement"),
];

/// A day for forms that want one; their labels do not depend on it.
fn any_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// The forms that edit records like `record` (by its reference's prefix), built empty.
fn forms_of(record: &str, method: &RiskMethod) -> Vec<Form> {
    let prefix = record.split_once('-').map_or(record, |(prefix, _)| prefix);
    let is_control = record.chars().next().is_some_and(|c| c.is_ascii_digit());
    if is_control {
        let control = ControlInfo {
            id: record.to_string(),
            title: String::new(),
            theme: String::new(),
            control_type: Vec::new(),
            security_properties: Vec::new(),
            cybersecurity_concepts: Vec::new(),
            operational_capabilities: Vec::new(),
            security_domains: Vec::new(),
            guidance: String::new(),
        };
        return vec![soa::forms::decision_form(
            &control,
            &SoaDecision::default(),
            &[],
        )];
    }
    if let Some(kind) = MilestoneKind::from_key(record) {
        return vec![overview::forms::milestone_form(
            kind,
            &Milestone::default(),
            None,
        )];
    }
    let scope_data = ScopeData::default();
    match prefix {
        "R" => vec![
            risks::forms::risk_form(
                &RiskData {
                    method: method.clone(),
                    ..RiskData::default()
                },
                None,
                &Risk::default(),
            ),
            risks::forms::acceptance_form("", &Risk::default(), any_day()),
        ],
        "A" => vec![risks::forms::asset_form(None, &risks::forms::new_asset())],
        "METHOD" => vec![risks::forms::method_form(&RiskMethod::default())],
        "ISS" => vec![scope::forms::form_for(
            scope::Section::Issues,
            &scope_data,
            None,
        )],
        "IP" => vec![scope::forms::form_for(
            scope::Section::Parties,
            &scope_data,
            None,
        )],
        "SC" => vec![scope::forms::form_for(
            scope::Section::Items,
            &scope_data,
            None,
        )],
        "WS" => vec![scope::forms::form_for(
            scope::Section::Statement,
            &scope_data,
            None,
        )],
        "SOAV" => vec![soa::forms::approval_form(
            &SoaData::default(),
            "",
            any_day(),
        )],
        "DOC" => vec![evidence::forms::document_form(None, &Document::default())],
        "IA" => {
            let data = AuditData::default();
            let item = ChecklistItem {
                audit: String::new(),
                target: Target::Clause(String::new()),
                question: String::new(),
                result: Finding::NotAudited,
                evidence: String::new(),
                records: String::new(),
                notes: String::new(),
            };
            vec![
                audit::forms::audit_form(&data, None, &Audit::default()),
                audit::forms::item_form(&data, &item),
            ]
        }
        "NC" => vec![audit::forms::nc_form(None, &Nonconformity::default())],
        "MR" => vec![review::forms::review_form(None, &Review::default())],
        "ACT" => {
            let action = ReviewAction {
                review: String::new(),
                description: String::new(),
                owner: String::new(),
                due_date: None,
                status: ActionStatus::ALL[0],
            };
            vec![review::forms::action_form(None, &action)]
        }
        "OBJ" => vec![
            review::forms::objective_form(None, &Objective::default()),
            review::forms::measurement_form(record, any_day()),
        ],
        "CP" => vec![overview::forms::body_form(&CertificationPlan::default())],
        "BUD" => vec![overview::forms::budget_form(None, None, "")],
        _ => Vec::new(),
    }
}

/// How one record's changed columns read in its history.
#[derive(Debug, Clone, Default)]
pub struct FieldLabels {
    fields: Vec<Described>,
}

impl FieldLabels {
    /// The labels of the kind of record `record` is (`R-001`, `NC-002`, `5.1`, `WS`).
    pub fn of(record: &str) -> Self {
        Self::with_method(record, &RiskMethod::default())
    }

    /// As [`FieldLabels::of`], with the workspace's risk method naming the scale levels, so
    /// that a likelihood reads "4 Likely" as the risk form shows it.
    pub fn with_method(record: &str, method: &RiskMethod) -> Self {
        let fields = forms_of(record, method)
            .iter()
            .flat_map(Form::described)
            .map(|(key, label, options)| Described {
                key: key.to_string(),
                label: label.to_string(),
                options,
            })
            .collect();
        FieldLabels { fields }
    }

    fn field(&self, key: &str) -> Option<&Described> {
        self.fields.iter().find(|field| field.key == key)
    }

    /// The form field a column is shown as, if any, and the label given here otherwise.
    fn resolve(&self, column: &str) -> (Option<&Described>, Option<&'static str>) {
        if let Some(field) = self.field(column) {
            return (Some(field), None);
        }
        match OTHER_COLUMNS.iter().find(|(name, _, _)| *name == column) {
            Some((_, "", label)) => (None, Some(*label)),
            Some((_, alias, _)) => (self.field(alias), None),
            None => (None, None),
        }
    }

    /// The label of a stored column: as its form names it, else the column in words.
    pub fn label(&self, column: &str) -> String {
        if let Some(label) = review_input_label(column) {
            return label;
        }
        match self.resolve(column) {
            (Some(field), _) if !field.label.is_empty() => field.label.clone(),
            (_, Some(label)) => label.to_string(),
            _ => in_words(column),
        }
    }

    /// A stored value as the form shows it: a choice's label, yes/no for a flag, the
    /// picked options' labels for words (references and ids stay as they are).
    pub fn value(&self, column: &str, raw: &str) -> String {
        if column == "accepted_fingerprint" {
            return if raw.is_empty() {
                String::new()
            } else {
                "recorded".into()
            };
        }
        let raw = if column == "higher_is_better" {
            match raw {
                "1" | "true" => "higher",
                "0" | "false" => "lower",
                other => other,
            }
        } else {
            raw
        };
        let field = self.resolve(column).0;
        let options = field.map_or(&[][..], |field| field.options.as_slice());
        let label_of = |key: &str| {
            options
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, label)| label.clone())
        };
        if let Some(label) = label_of(raw) {
            return label;
        }
        let yes_no = label_of("yes").is_some() && label_of("no").is_some();
        match raw {
            "1" | "true" if yes_no || field.is_none() && raw == "true" => {
                return label_of("yes").unwrap_or_else(|| "yes".into())
            }
            "0" | "false" if yes_no || field.is_none() && raw == "false" => {
                return label_of("no").unwrap_or_else(|| "no".into())
            }
            _ => {}
        }
        // Several picked words ("legal;contractual") read as their labels.
        if !options.is_empty() && !raw.is_empty() {
            let parts: Vec<&str> = raw
                .split([';', ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.iter().all(|p| label_of(p).is_some())
                && parts.iter().any(|p| !p.chars().any(|c| c.is_ascii_digit()))
            {
                return parts
                    .iter()
                    .filter_map(|p| label_of(p))
                    .collect::<Vec<_>>()
                    .join(", ");
            }
        }
        raw.to_string()
    }
}

/// A review's compiled inputs and their notes, one column per input of 9.3.2.
fn review_input_label(column: &str) -> Option<String> {
    let (what, key) = if let Some(key) = column.strip_prefix("input_") {
        ("compiled", key)
    } else if let Some(key) = column.strip_prefix("notes_") {
        ("notes", key)
    } else {
        return None;
    };
    INPUTS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(k, heading)| format!("Input {k}) {heading}: {what}"))
}

/// `treatment_plan` -> "Treatment plan".
fn in_words(column: &str) -> String {
    let words = column.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_columns_read_as_the_form_names_them() {
        let labels = FieldLabels::of("R-001");
        assert_eq!(labels.label("treatment_plan"), "Treatment plan");
        assert_eq!(labels.label("accepted_until"), "Valid until");
        assert_eq!(labels.label("accepted_fingerprint"), "Scores accepted");
        assert_eq!(
            labels.value("accepted_fingerprint", "ffcfdd1637cd419c"),
            "recorded"
        );
        assert_eq!(labels.value("treatment", "modify"), "Modify");
        // A scale level reads as the form shows it, in the workspace's method's words.
        let method = RiskMethod::standard(5);
        let level = &method.likelihood[2];
        let shown = FieldLabels::with_method("R-001", &method).value("likelihood", "3");
        assert!(
            shown.starts_with('3') && shown.contains(&level.label),
            "{shown}"
        );
    }

    #[test]
    fn choices_flags_and_picked_words_read_as_shown() {
        let soa = FieldLabels::of("5.1");
        assert_eq!(soa.label("applicability"), "Applicable");
        assert_ne!(soa.value("applicability", "yes"), "yes");
        let reasons = soa.value("reasons", "contractual;business");
        assert!(!reasons.contains(';'), "{reasons}");
        assert!(!reasons.contains("business"), "{reasons}");
        let plan = FieldLabels::of("CP");
        assert!(plan
            .value("accreditation_confirmed", "1")
            .starts_with("Yes"));
        assert!(plan.value("accreditation_confirmed", "0").starts_with("No"));
        let objective = FieldLabels::of("OBJ-01");
        assert_ne!(objective.label("higher_is_better"), "Higher is better");
        assert_ne!(objective.value("higher_is_better", "1"), "1");
        let review = FieldLabels::of("MR-2026-01");
        assert!(review.label("input_a").starts_with("Input a)"));
        assert_eq!(FieldLabels::of("??").label("odd_column"), "Odd column");
    }
}
