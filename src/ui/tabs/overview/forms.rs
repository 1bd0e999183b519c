//! The Overview's forms: the certification body, a milestone's dates and a budget line.

use crate::domain::certification::{
    format_amount, parse_amount, BudgetCategory, BudgetLine, CertificationPlan, Milestone,
    MilestoneKind, TimelineRow,
};
use crate::domain::dates::{format_optional, Date};
use crate::domain::FieldError;
use crate::ui::components::form::{choices, date_of, finish, title, Field, Form};

fn yes_no(key: &'static str, label: &'static str, value: bool) -> Field {
    Field::choice(
        key,
        label,
        vec![
            ("no".into(), "No, not yet".into()),
            ("yes".into(), "Yes, confirmed".into()),
        ],
        if value { "yes" } else { "no" },
    )
}

pub fn body_form(plan: &CertificationPlan) -> Form {
    Form::new(
        "Certification body",
        vec![
            Field::line("body", "Certification body", &plan.body),
            Field::line(
                "accreditation_body",
                "Accredited by",
                &plan.accreditation_body,
            ),
            Field::note(
                "accreditation_hint",
                "",
                "The national accreditation body: UKAS, ANAB, DAkkS, JAS-ANZ, COFRAC, ...",
            ),
            yes_no(
                "accreditation_confirmed",
                "17021-1 seen",
                plan.accreditation_confirmed,
            ),
            yes_no(
                "competence_confirmed",
                "27006 auditors",
                plan.competence_confirmed,
            ),
            Field::line("currency", "Budget currency", &plan.currency),
        ],
    )
}

pub fn body_from(form: &Form) -> CertificationPlan {
    CertificationPlan {
        body: form.value("body").trim().to_string(),
        accreditation_body: form.value("accreditation_body").trim().to_string(),
        accreditation_confirmed: form.value("accreditation_confirmed") == "yes",
        competence_confirmed: form.value("competence_confirmed") == "yes",
        currency: form.value("currency").trim().to_string(),
    }
}

/// A milestone's form; `row` is the timeline's view of it, for the dates worked out from
/// the records or the certificate date.
pub fn milestone_form(
    kind: MilestoneKind,
    milestone: &Milestone,
    row: Option<&TimelineRow>,
) -> Form {
    let mut fields = vec![
        Field::line("planned", "Planned", &format_optional(milestone.planned)),
        Field::line("done", "Done", &format_optional(milestone.done)),
    ];
    if let Some(row) = row {
        if row.planned_is_due_date {
            fields.push(Field::note(
                "due",
                "",
                &format!(
                    "Due by {} from the certificate date; a planned date replaces it.",
                    format_optional(row.planned)
                ),
            ));
        }
        if row.done_from_records {
            fields.push(Field::note(
                "from_records",
                "",
                &format!(
                    "The records show it done on {}; a date typed here replaces it.",
                    format_optional(row.done)
                ),
            ));
        }
    }
    fields.push(Field::multiline("note", "Note", &milestone.note));
    Form::new(format!("Milestone · {}", kind.label()), fields)
}

pub fn milestone_from(form: &Form, today: Date) -> Result<Milestone, Vec<FieldError>> {
    let mut errors = Vec::new();
    let milestone = Milestone {
        planned: date_of(form, "planned", &mut errors),
        done: date_of(form, "done", &mut errors),
        note: form.value("note").trim_end().to_string(),
    };
    let domain = milestone.validate_on(today);
    finish(milestone, errors, domain)
}

pub fn budget_form(reference: Option<&str>, line: Option<&BudgetLine>, currency: &str) -> Form {
    let line = line.cloned().unwrap_or(BudgetLine {
        year: 1,
        category: BudgetCategory::Internal,
        label: String::new(),
        amount: 0.0,
    });
    let mut fields = vec![
        Field::choice(
            "year",
            "Year",
            vec![
                ("1".into(), "Year 1 (certification)".into()),
                ("2".into(), "Year 2 (surveillance audit 1)".into()),
                (
                    "3".into(),
                    "Year 3 (surveillance audit 2, recertification)".into(),
                ),
            ],
            &line.year.to_string(),
        ),
        Field::choice(
            "category",
            "Category",
            choices(
                BudgetCategory::ALL,
                BudgetCategory::key,
                BudgetCategory::label,
            ),
            line.category.key(),
        ),
        Field::line("label", "For", &line.label),
        Field::number("amount", "Amount", &format_amount(line.amount)),
    ];
    if !currency.trim().is_empty() {
        fields.push(Field::note(
            "currency",
            "",
            &format!("Amounts are in {}.", currency.trim()),
        ));
    }
    Form::new(title(reference, "budget line"), fields)
}

pub fn budget_from(form: &Form) -> Result<BudgetLine, Vec<FieldError>> {
    let mut errors = Vec::new();
    let amount = parse_amount(&form.value("amount")).unwrap_or_else(|message| {
        errors.push(FieldError::new("amount", message));
        0.0
    });
    let line = BudgetLine {
        year: form.value("year").parse().unwrap_or(1),
        category: BudgetCategory::from_key(&form.value("category"))
            .unwrap_or(BudgetCategory::Internal),
        label: form.value("label").trim().to_string(),
        amount,
    };
    let domain = line.validate();
    finish(line, errors, domain)
}
