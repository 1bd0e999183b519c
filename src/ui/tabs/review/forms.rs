//! The Review tab's forms: a meeting, an input's notes, an action, an objective and a
//! measurement.

use crate::domain::dates::{self, format_optional, Date};
use crate::domain::review::{
    ActionStatus, Measurement, Objective, ObjectiveStatus, Review, ReviewAction, ReviewStatus,
    INPUTS,
};
use crate::domain::FieldError;
use crate::ui::components::form::{choices, date_of, finish, title, Field, Form};

pub fn review_form(reference: Option<&str>, review: &Review) -> Form {
    Form::new(
        title(reference, "management review (9.3)"),
        vec![
            Field::line("date", "Date", &format_optional(review.date)),
            Field::line("chair", "Chair", &review.chair),
            Field::multiline("attendees", "Attendees", &review.attendees),
            Field::choice(
                "status",
                "Status",
                choices(ReviewStatus::ALL, ReviewStatus::key, ReviewStatus::label),
                review.status.key(),
            ),
            Field::multiline("decisions", "Decisions", &review.decisions),
            Field::multiline("changes", "ISMS changes", &review.changes),
        ],
    )
}

pub fn review_from(form: &Form, base: &Review) -> Result<Review, Vec<FieldError>> {
    let mut errors = Vec::new();
    let review = Review {
        date: date_of(form, "date", &mut errors),
        chair: form.value("chair").trim().to_string(),
        attendees: form.value("attendees").trim_end().to_string(),
        status: ReviewStatus::from_key(&form.value("status")).unwrap_or(ReviewStatus::Draft),
        decisions: form.value("decisions").trim_end().to_string(),
        changes: form.value("changes").trim_end().to_string(),
        ..base.clone()
    };
    let mut domain = review.validate();
    domain.extend(review.validate_change(base));
    finish(review, errors, domain)
}

/// The notes of input `index` (a-g); e also takes the feedback, g the typed improvements.
pub fn notes_form(reference: &str, review: &Review, index: usize) -> Form {
    let (letter, heading) = INPUTS[index];
    let mut fields = vec![Field::note("summary", "Compiled", &review.inputs[index])];
    // Once the meeting is held, what was put before it is frozen: only the discussion changes.
    let typed = |key, label, text: &str| {
        if review.status == ReviewStatus::Draft {
            Field::multiline(key, label, text)
        } else {
            Field::note(key, label, text)
        }
    };
    match letter {
        "e" => fields.push(typed("feedback", "Feedback", &review.feedback)),
        "g" => fields.push(typed("improvements", "More items", &review.improvements)),
        _ => {}
    }
    fields.push(Field::multiline(
        "notes",
        "Discussion",
        &review.notes[index],
    ));
    Form::new(format!("{reference} · input {letter}: {heading}"), fields)
}

pub fn notes_from(form: &Form, review: &Review, index: usize) -> Review {
    let mut review = review.clone();
    review.notes[index] = form.value("notes").trim_end().to_string();
    if review.status == ReviewStatus::Draft {
        match INPUTS[index].0 {
            "e" => review.feedback = form.value("feedback").trim_end().to_string(),
            "g" => review.improvements = form.value("improvements").trim_end().to_string(),
            _ => {}
        }
    }
    review
}

pub fn action_form(reference: Option<&str>, action: &ReviewAction) -> Form {
    Form::new(
        title(reference, "action (9.3.3)"),
        vec![
            Field::line("review", "From review", &action.review),
            Field::multiline("description", "Action", &action.description),
            Field::line("owner", "Owner", &action.owner),
            Field::line("due_date", "Due date", &format_optional(action.due_date)),
            Field::choice(
                "status",
                "Status",
                choices(ActionStatus::ALL, ActionStatus::key, ActionStatus::label),
                action.status.key(),
            ),
        ],
    )
}

pub fn action_from(form: &Form) -> Result<ReviewAction, Vec<FieldError>> {
    let mut errors = Vec::new();
    let action = ReviewAction {
        review: form.value("review").trim().to_string(),
        description: form.value("description").trim_end().to_string(),
        owner: form.value("owner").trim().to_string(),
        due_date: date_of(form, "due_date", &mut errors),
        status: ActionStatus::from_key(&form.value("status")).unwrap_or(ActionStatus::Open),
    };
    let domain = action.validate();
    finish(action, errors, domain)
}

pub fn objective_form(reference: Option<&str>, objective: &Objective) -> Form {
    let direction = vec![
        ("higher".to_string(), "Higher is better".to_string()),
        ("lower".to_string(), "Lower is better".to_string()),
    ];
    Form::new(
        title(reference, "security objective (6.2)"),
        vec![
            Field::multiline("statement", "Objective", &objective.statement),
            Field::multiline("measure", "Measure", &objective.measure),
            Field::line("target", "Target", &objective.target),
            Field::number(
                "target_value",
                "Target value",
                &objective
                    .target_value
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            ),
            Field::choice(
                "direction",
                "Direction",
                direction,
                if objective.higher_is_better {
                    "higher"
                } else {
                    "lower"
                },
            ),
            Field::line("owner", "Owner", &objective.owner),
            Field::line("due_date", "Due date", &format_optional(objective.due_date)),
            Field::choice(
                "status",
                "Status",
                choices(
                    ObjectiveStatus::ALL,
                    ObjectiveStatus::key,
                    ObjectiveStatus::label,
                ),
                objective.status.key(),
            ),
        ],
    )
}

pub fn objective_from(form: &Form) -> Result<Objective, Vec<FieldError>> {
    let mut errors = Vec::new();
    let raw = form.value("target_value");
    let target_value = match raw.trim() {
        "" => None,
        text => match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Some(value),
            _ => {
                errors.push(FieldError::new(
                    "target_value",
                    format!("\"{text}\" is not a number."),
                ));
                None
            }
        },
    };
    let objective = Objective {
        statement: form.value("statement").trim_end().to_string(),
        measure: form.value("measure").trim_end().to_string(),
        target: form.value("target").trim().to_string(),
        target_value,
        higher_is_better: form.value("direction") != "lower",
        owner: form.value("owner").trim().to_string(),
        due_date: date_of(form, "due_date", &mut errors),
        status: ObjectiveStatus::from_key(&form.value("status"))
            .unwrap_or(ObjectiveStatus::OnTrack),
    };
    let domain = objective.validate();
    finish(objective, errors, domain)
}

pub fn measurement_form(objective: &str, today: Date) -> Form {
    Form::new(
        format!("New measurement of {objective}"),
        vec![
            Field::line("date", "Date", &format_optional(Some(today))),
            Field::number("value", "Value", ""),
            Field::line("note", "Note", ""),
        ],
    )
}

pub fn measurement_from(form: &Form, objective: &str) -> Result<Measurement, Vec<FieldError>> {
    let mut errors = Vec::new();
    let date = match dates::parse(&form.value("date")) {
        Ok(date) => Some(date),
        Err(message) => {
            errors.push(FieldError::new("date", message));
            None
        }
    };
    let raw = form.value("value");
    let value = match raw.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Some(value),
        _ => {
            errors.push(FieldError::new(
                "value",
                format!("\"{}\" is not a number.", raw.trim()),
            ));
            None
        }
    };
    match (date, value) {
        (Some(date), Some(value)) if errors.is_empty() => Ok(Measurement {
            objective: objective.to_string(),
            date,
            value,
            note: form.value("note").trim().to_string(),
        }),
        _ => Err(errors),
    }
}
