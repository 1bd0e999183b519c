//! The SoA's forms: a control's decision, approving a version, and the list's filters.

use chrono::NaiveDate;

use super::filter::{attribute_choices, SoaFilter};
use crate::domain::dates::{self, format_optional};
use crate::domain::soa::{Applicability, Implementation, InclusionReason, SoaDecision};
use crate::domain::FieldError;
use crate::store::{ControlInfo, SoaData, SoaVersion};
use crate::ui::components::form::{choices, Choice, Field, Form};

pub fn decision_form(control: &ControlInfo, decision: &SoaDecision, risks: &[String]) -> Form {
    let derived = if risks.is_empty() {
        "not a reason: no risk names this control yet".to_string()
    } else {
        format!(
            "a reason, derived from the risks that name this control: {}",
            risks.join(", ")
        )
    };
    let reasons: Vec<String> = decision
        .reasons
        .iter()
        .map(|r| r.key().to_string())
        .collect();
    Form::new(
        format!("{} {}", control.id, control.title),
        vec![
            Field::note("derived", "Risk treatment", &derived),
            Field::choice(
                "applicability",
                "Applicable",
                choices(Applicability::ALL, Applicability::key, Applicability::label),
                decision.applicability.key(),
            ),
            Field::pick(
                "reasons",
                "Other reasons",
                choices(
                    InclusionReason::ALL,
                    InclusionReason::key,
                    InclusionReason::label,
                ),
                &reasons,
            ),
            Field::multiline("justification", "Why excluded", &decision.justification),
            Field::choice(
                "status",
                "Status",
                choices(
                    Implementation::ALL,
                    Implementation::key,
                    Implementation::label,
                ),
                decision.status.key(),
            ),
            Field::multiline("how", "How implemented", &decision.how),
            Field::line("owner", "Owner", &decision.owner),
            Field::line(
                "target_date",
                "Target date",
                &format_optional(decision.target_date),
            ),
            Field::line(
                "last_reviewed",
                "Last reviewed",
                &format_optional(decision.last_reviewed),
            ),
        ],
    )
}

pub fn decision_from(form: &Form) -> Result<SoaDecision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut date = |key: &'static str| match dates::parse_optional(&form.value(key)) {
        Ok(date) => date,
        Err(message) => {
            errors.push(FieldError::new(key, message));
            None
        }
    };
    let target_date = date("target_date");
    let last_reviewed = date("last_reviewed");
    let decision = SoaDecision {
        applicability: Applicability::from_key(&form.value("applicability"))
            .unwrap_or(Applicability::Undecided),
        reasons: form
            .picked("reasons")
            .iter()
            .filter_map(|k| InclusionReason::from_key(k))
            .collect(),
        justification: form.value("justification").trim_end().to_string(),
        status: Implementation::from_key(&form.value("status"))
            .unwrap_or(Implementation::NotStarted),
        how: form.value("how").trim_end().to_string(),
        owner: form.value("owner").trim().to_string(),
        target_date,
        last_reviewed,
    };
    errors.extend(decision.validate());
    if errors.is_empty() {
        Ok(decision)
    } else {
        Err(errors)
    }
}

/// The next label after the latest version: v1.0, then v2.0, ...
fn next_label(data: &SoaData) -> String {
    format!("v{}.0", data.versions.len() + 1)
}

pub fn approval_form(data: &SoaData, approver: &str, today: NaiveDate) -> Form {
    Form::new(
        "Approve the SoA as it is now (a frozen copy of every control)",
        vec![
            Field::line("label", "Version", &next_label(data)),
            Field::line("approved_by", "Approved by", approver),
            Field::line("approved_on", "Approved on", &format_optional(Some(today))),
        ],
    )
}

pub fn version_from(form: &Form) -> Result<SoaVersion, Vec<FieldError>> {
    let mut errors = Vec::new();
    let approved_on = match dates::parse(&form.value("approved_on")) {
        Ok(date) => Some(date),
        Err(message) => {
            errors.push(FieldError::new("approved_on", message));
            None
        }
    };
    let version = SoaVersion {
        label: form.value("label").trim().to_string(),
        approved_by: form.value("approved_by").trim().to_string(),
        approved_on: approved_on.unwrap_or_default(),
    };
    errors.extend(version.validate_fields());
    match approved_on {
        Some(_) if errors.is_empty() => Ok(version),
        _ => Err(errors),
    }
}

const ANY: &str = "*";

pub fn filter_form(data: &SoaData, filter: &SoaFilter) -> Form {
    let any = || -> Vec<Choice> { vec![(ANY.into(), "Any".into())] };
    let mut themes = any();
    for control in &data.controls {
        if !themes.iter().any(|(k, _)| *k == control.theme) {
            themes.push((control.theme.clone(), control.theme.clone()));
        }
    }
    let mut applicability = any();
    applicability.extend(choices(
        Applicability::ALL,
        Applicability::key,
        Applicability::label,
    ));
    let mut statuses = any();
    statuses.extend(choices(
        Implementation::ALL,
        Implementation::key,
        Implementation::label,
    ));
    let mut attributes = any();
    attributes.extend(
        attribute_choices(&data.controls)
            .into_iter()
            .map(|(attribute, value)| {
                (
                    format!("{attribute}={value}"),
                    format!("{attribute}: {}", value.replace('_', " ")),
                )
            }),
    );
    let selected_attribute = filter
        .attribute
        .as_ref()
        .map(|(a, v)| format!("{a}={v}"))
        .unwrap_or_else(|| ANY.into());
    Form::new(
        "Filter the controls",
        vec![
            Field::line("text", "Id or title", &filter.text),
            Field::choice(
                "theme",
                "Theme",
                themes,
                filter.theme.as_deref().unwrap_or(ANY),
            ),
            Field::choice(
                "applicability",
                "Applicable",
                applicability,
                filter.applicability.map(Applicability::key).unwrap_or(ANY),
            ),
            Field::choice(
                "status",
                "Status",
                statuses,
                filter.status.map(Implementation::key).unwrap_or(ANY),
            ),
            Field::choice("attribute", "Attribute", attributes, &selected_attribute),
        ],
    )
}

pub fn filter_from(form: &Form) -> SoaFilter {
    let any = |key: &str| {
        let value = form.value(key);
        (value != ANY).then_some(value)
    };
    let attribute = any("attribute").and_then(|pair| {
        pair.split_once('=')
            .map(|(a, v)| (a.to_string(), v.to_string()))
    });
    SoaFilter {
        text: form.value("text").trim().to_string(),
        theme: any("theme"),
        applicability: any("applicability").and_then(|a| Applicability::from_key(&a)),
        status: any("status").and_then(|s| Implementation::from_key(&s)),
        attribute,
    }
}
