//! The Evidence tab's form: a document with its links, read back into a domain record.

use crate::domain::catalogue::{clauses, controls};
use crate::domain::dates::{self, format_optional};
use crate::domain::document::{requirements, Document, DocumentKind, DocumentStatus};
use crate::domain::FieldError;
use crate::ui::components::form::{choices, Choice, Field, Form};

pub fn document_form(reference: Option<&str>, document: &Document) -> Form {
    let clause_options: Vec<Choice> = clauses()
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    let control_options: Vec<Choice> = controls()
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    let requirement_options: Vec<Choice> = requirements()
        .iter()
        .map(|r| (r.key.clone(), r.label.clone()))
        .collect();
    let title = match reference {
        Some(reference) => format!("Edit {reference} · document (7.5)"),
        None => "New document (7.5)".to_string(),
    };
    Form::new(
        title,
        vec![
            Field::line("title", "Title", &document.title),
            Field::choice(
                "kind",
                "Kind",
                choices(DocumentKind::ALL, DocumentKind::key, DocumentKind::label),
                document.kind.key(),
            ),
            Field::line("version", "Version", &document.version),
            Field::choice(
                "status",
                "Status",
                choices(
                    DocumentStatus::ALL,
                    DocumentStatus::key,
                    DocumentStatus::label,
                ),
                document.status.key(),
            ),
            Field::line("owner", "Owner", &document.owner),
            Field::line("reviewer", "Reviewer", &document.reviewer),
            Field::line("approved_by", "Approved by", &document.approved_by),
            Field::line(
                "approved_on",
                "Approved on",
                &format_optional(document.approved_on),
            ),
            Field::line(
                "next_review",
                "Next review",
                &format_optional(document.next_review),
            ),
            Field::line("location", "Location", &document.location),
            Field::pick(
                "requirements",
                "Fulfils",
                requirement_options,
                &document.requirements,
            ),
            Field::pick("clauses", "Clauses", clause_options, &document.clauses),
            Field::pick("controls", "Controls", control_options, &document.controls),
        ],
    )
}

/// The document the form describes, or the reasons it cannot be saved.
pub fn document_from(form: &Form) -> Result<Document, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut date = |key: &'static str| match dates::parse_optional(&form.value(key)) {
        Ok(date) => date,
        Err(message) => {
            errors.push(FieldError::new(key, message));
            None
        }
    };
    let approved_on = date("approved_on");
    let next_review = date("next_review");
    let document = Document {
        title: form.value("title").trim().to_string(),
        kind: DocumentKind::from_key(&form.value("kind")).unwrap_or(DocumentKind::Policy),
        version: form.value("version").trim().to_string(),
        owner: form.value("owner").trim().to_string(),
        reviewer: form.value("reviewer").trim().to_string(),
        approved_by: form.value("approved_by").trim().to_string(),
        approved_on,
        next_review,
        location: form.value("location").trim().to_string(),
        status: DocumentStatus::from_key(&form.value("status")).unwrap_or(DocumentStatus::Draft),
        clauses: form.picked("clauses"),
        controls: form.picked("controls"),
        requirements: form.picked("requirements"),
    };
    // A date that could not be read is reported once, not again by the record's rules.
    for error in document.validate() {
        if !errors.iter().any(|e| e.field == error.field) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(document)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_round_trips_through_its_form() {
        let document = Document {
            title: "Access control policy".into(),
            kind: DocumentKind::Policy,
            version: "1.1".into(),
            owner: "CISO".into(),
            status: DocumentStatus::Approved,
            approved_by: "CEO".into(),
            approved_on: dates::parse("2026-10-01").ok(),
            next_review: dates::parse("2027-10-01").ok(),
            clauses: vec!["5.2".into()],
            controls: vec!["5.15".into()],
            requirements: vec!["A.5.1".into()],
            ..Document::default()
        };
        let form = document_form(Some("DOC-001"), &document);
        assert_eq!(document_from(&form).unwrap(), document);
    }

    #[test]
    fn bad_dates_and_a_missing_approval_are_refused_in_place() {
        let mut form = document_form(None, &Document::default());
        form.set_value("title", "Policy");
        form.set_value("approved_on", "2026-13-01");
        form.set_value("status", "approved");
        let errors = document_from(&form).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["approved_on", "approved_by"]);
        assert!(errors[0].message.contains("is not a date like"));
    }
}
