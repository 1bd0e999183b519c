//! Building each Scope record's form and reading the record back out of it.

use crate::domain::scope::{ContextIssue, InterestedParty, IssueKind, ScopeItem, ScopeItemKind};
use crate::domain::workspace::{climate_from_key, climate_key, Workspace};
use crate::domain::FieldError;
use crate::store::ScopeData;
use crate::ui::components::form::{choices, Field, Form};

use super::Section;

/// A form for a new record (`index` None) or for the record at `index` of the section.
pub fn form_for(section: Section, data: &ScopeData, index: Option<usize>) -> Form {
    let verb = |reference: Option<&str>, noun: &str| match reference {
        Some(reference) => format!("Edit {reference} · {noun}"),
        None => format!("New {noun}"),
    };
    match section {
        Section::Issues => {
            let stored = index.and_then(|i| data.issues.get(i));
            let issue = stored.map(|s| s.value.clone()).unwrap_or(ContextIssue {
                kind: IssueKind::External,
                description: String::new(),
                effect: String::new(),
            });
            Form::new(
                verb(stored.map(|s| s.reference.as_str()), "context issue (4.1)"),
                vec![
                    Field::choice(
                        "kind",
                        "Kind",
                        choices(IssueKind::ALL, IssueKind::key, IssueKind::label),
                        issue.kind.key(),
                    ),
                    Field::multiline("description", "Issue", &issue.description),
                    Field::multiline("effect", "Effect on ISMS", &issue.effect),
                ],
            )
        }
        Section::Parties => {
            let stored = index.and_then(|i| data.parties.get(i));
            let party = stored.map(|s| s.value.clone()).unwrap_or(InterestedParty {
                name: String::new(),
                needs: String::new(),
                addressed: String::new(),
            });
            Form::new(
                verb(
                    stored.map(|s| s.reference.as_str()),
                    "interested party (4.2)",
                ),
                vec![
                    Field::line("name", "Party", &party.name),
                    Field::note(
                        "needs_prompt",
                        "Needs",
                        "Laws, contracts, standards, expectations; climate-related ones too \
                         (say, emissions figures a customer asks for).",
                    ),
                    Field::multiline("needs", "Needs", &party.needs),
                    Field::multiline("addressed", "ISMS addresses", &party.addressed),
                ],
            )
        }
        Section::Items => {
            let stored = index.and_then(|i| data.items.get(i));
            let item = stored.map(|s| s.value.clone()).unwrap_or(ScopeItem {
                kind: ScopeItemKind::Site,
                name: String::new(),
                in_scope: true,
                justification: String::new(),
            });
            Form::new(
                verb(stored.map(|s| s.reference.as_str()), "scope item (4.3)"),
                vec![
                    Field::choice(
                        "kind",
                        "Kind",
                        choices(ScopeItemKind::ALL, ScopeItemKind::key, ScopeItemKind::label),
                        item.kind.key(),
                    ),
                    Field::line("name", "Name", &item.name),
                    Field::choice(
                        "scope",
                        "Scope",
                        vec![
                            ("in".into(), "In scope".into()),
                            ("out".into(), "Out of scope".into()),
                        ],
                        if item.in_scope { "in" } else { "out" },
                    ),
                    Field::multiline("justification", "Justification", &item.justification),
                ],
            )
        }
        Section::Climate => {
            let workspace = &data.workspace;
            Form::new(
                "Climate change (4.1)",
                vec![
                    Field::note(
                        "climate_prompt",
                        "Decide",
                        "Required since the 2024 amendment. Think of weather that stops sites, \
                         hosting or suppliers.",
                    ),
                    Field::choice(
                        "climate_relevant",
                        "Relevant issue",
                        vec![
                            ("".into(), "Not decided".into()),
                            ("yes".into(), "Yes, relevant".into()),
                            ("no".into(), "No, not relevant".into()),
                        ],
                        climate_key(workspace.climate_relevant),
                    ),
                    Field::multiline("climate_note", "Why", &workspace.climate_note),
                ],
            )
        }
        Section::Statement => {
            let workspace = &data.workspace;
            Form::new(
                "Organisation and ISMS",
                vec![
                    Field::line("organisation", "Organisation", &workspace.organisation),
                    Field::line("isms_name", "ISMS name", &workspace.isms_name),
                ],
            )
        }
    }
}

/// The workspace with the names from the form and everything else as it was.
pub fn workspace_from(form: &Form, current: &Workspace) -> Workspace {
    Workspace {
        organisation: form.value("organisation").trim().to_string(),
        isms_name: form.value("isms_name").trim().to_string(),
        ..current.clone()
    }
}

/// The workspace with the climate decision from the form and everything else as it was.
pub fn climate_from(form: &Form, current: &Workspace) -> Workspace {
    Workspace {
        climate_relevant: climate_from_key(&form.value("climate_relevant")),
        climate_note: form.value("climate_note").trim_end().to_string(),
        ..current.clone()
    }
}

pub fn issue_from(form: &Form) -> ContextIssue {
    ContextIssue {
        kind: IssueKind::from_key(&form.value("kind")).unwrap_or(IssueKind::External),
        description: form.value("description").trim_end().to_string(),
        effect: form.value("effect").trim_end().to_string(),
    }
}

pub fn party_from(form: &Form) -> InterestedParty {
    InterestedParty {
        name: form.value("name").trim().to_string(),
        needs: form.value("needs").trim_end().to_string(),
        addressed: form.value("addressed").trim_end().to_string(),
    }
}

pub fn item_from(form: &Form) -> ScopeItem {
    ScopeItem {
        kind: ScopeItemKind::from_key(&form.value("kind")).unwrap_or(ScopeItemKind::Site),
        name: form.value("name").trim().to_string(),
        in_scope: form.value("scope") == "in",
        justification: form.value("justification").trim_end().to_string(),
    }
}

/// The domain's verdict on what the form holds now.
pub fn validate(section: Section, form: &Form) -> Vec<FieldError> {
    match section {
        Section::Issues => issue_from(form).validate(),
        Section::Parties => party_from(form).validate(),
        Section::Items => item_from(form).validate(),
        Section::Climate => climate_from(form, &Workspace::default()).validate_climate(),
        Section::Statement => Vec::new(),
    }
}
