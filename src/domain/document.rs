//! Documented information (7.5) and evidence (9.1): the register of documents with their
//! version, owner, approval and next review, and the catalogue of documents the ISMS is
//! expected to hold, compared with the register.
//!
//! The catalogue is compiled in from `assets/catalogue/required-documents.tsv`, written in the
//! project's own words: clause requirements are always expected; Annex A ones only while their
//! control is applicable in the SoA.

use std::sync::OnceLock;

use super::dates::Date;
use super::validation::{require, FieldError};

choice_enum! {
    DocumentKind {
        Policy => "policy", "Policy";
        Procedure => "procedure", "Procedure";
        Plan => "plan", "Plan";
        Record => "record", "Record";
        Evidence => "evidence", "Evidence";
    }
}

choice_enum! {
    DocumentStatus {
        Draft => "draft", "Draft";
        InReview => "in_review", "In review";
        Approved => "approved", "Approved";
        Retired => "retired", "Retired";
    }
}

/// One entry of the register of documented information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub kind: DocumentKind,
    pub version: String,
    pub owner: String,
    pub reviewer: String,
    pub approved_by: String,
    pub approved_on: Option<Date>,
    pub next_review: Option<Date>,
    /// Where the document lives: a path or a URL, shown as text only.
    pub location: String,
    pub status: DocumentStatus,
    /// Clause ids (`7.5`).
    pub clauses: Vec<String>,
    /// Annex A control ids (`5.15`).
    pub controls: Vec<String>,
    /// Keys of required documented information it fulfils (`5.2 e`, `A.5.9`).
    pub requirements: Vec<String>,
}

impl Default for Document {
    fn default() -> Self {
        Document {
            title: String::new(),
            kind: DocumentKind::Policy,
            version: String::new(),
            owner: String::new(),
            reviewer: String::new(),
            approved_by: String::new(),
            approved_on: None,
            next_review: None,
            location: String::new(),
            status: DocumentStatus::Draft,
            clauses: Vec::new(),
            controls: Vec::new(),
            requirements: Vec::new(),
        }
    }
}

impl Document {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(&mut errors, "title", &self.title, "A title");
        if self.status == DocumentStatus::Approved {
            if self.approved_by.trim().is_empty() {
                errors.push(FieldError::new(
                    "approved_by",
                    "An approved document needs the name of who approved it.",
                ));
            }
            if self.approved_on.is_none() {
                errors.push(FieldError::new(
                    "approved_on",
                    "An approved document needs the date it was approved.",
                ));
            }
        }
        if let Some(unknown) = self
            .requirements
            .iter()
            .find(|key| requirement(key).is_none())
        {
            errors.push(FieldError::new(
                "requirements",
                format!("{unknown} is not a required document the workbench knows."),
            ));
        }
        if let (Some(approved), Some(review)) = (self.approved_on, self.next_review) {
            if review < approved {
                errors.push(FieldError::new(
                    "next_review",
                    format!("The next review ({review}) comes before the approval ({approved})."),
                ));
            }
        }
        errors
    }

    /// In use and past its next review date. Retired documents are never overdue.
    pub fn is_review_overdue(&self, today: Date) -> bool {
        self.status != DocumentStatus::Retired && self.next_review.is_some_and(|d| d < today)
    }

    /// Whether it counts towards the requirement `key` (Annex A keys also through a link to
    /// their control). Retired documents fulfil nothing.
    pub fn fulfils(&self, requirement: &Requirement) -> bool {
        if self.status == DocumentStatus::Retired {
            return false;
        }
        self.requirements.iter().any(|r| r == &requirement.key)
            || requirement
                .control
                .as_ref()
                .is_some_and(|c| self.controls.contains(c))
    }
}

/// A piece of documented information the ISMS is expected to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// `4.3`, `5.2 e`, `A.5.9`.
    pub key: String,
    /// The clause it comes from (`5.2` for `5.2 e`), or `A.5.9` for a control's.
    pub clause: String,
    /// The Annex A control it depends on, if any (`5.9`).
    pub control: Option<String>,
    /// What it is, in our words.
    pub label: String,
    /// The kind of document that usually fulfils it.
    pub kind: DocumentKind,
}

const REQUIRED_TSV: &str = include_str!("../../assets/catalogue/required-documents.tsv");

fn parse_catalogue(text: &str) -> Vec<Requirement> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut parts = line.split('\t');
            let key = parts.next().unwrap_or("").trim().to_string();
            let kind = DocumentKind::from_key(parts.next().unwrap_or("").trim())
                .expect("compiled-in required-documents.tsv has an unknown kind");
            let label = parts.next().unwrap_or("").trim().to_string();
            let control = key.strip_prefix("A.").map(str::to_string);
            let clause = match &control {
                Some(_) => key.clone(),
                None => key.split(' ').next().unwrap_or("").to_string(),
            };
            Requirement {
                key,
                clause,
                control,
                label,
                kind,
            }
        })
        .collect()
}

/// Every requirement of the catalogue: clauses first, then Annex A, in document order.
pub fn requirements() -> &'static [Requirement] {
    static REQUIRED: OnceLock<Vec<Requirement>> = OnceLock::new();
    REQUIRED.get_or_init(|| parse_catalogue(REQUIRED_TSV))
}

/// The requirement with this key, if the catalogue has one.
pub fn requirement(key: &str) -> Option<&'static Requirement> {
    requirements().iter().find(|r| r.key == key.trim())
}

/// How far a required document is in place, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RequiredState {
    /// No document (other than retired ones) fulfils it.
    Missing,
    /// Only drafts or documents in review fulfil it.
    NotApproved,
    /// Approved, but every approved one is past its next review.
    OverdueReview,
    InPlace,
}

impl RequiredState {
    pub fn label(self) -> &'static str {
        match self {
            RequiredState::Missing => "missing",
            RequiredState::NotApproved => "not approved",
            RequiredState::OverdueReview => "review overdue",
            RequiredState::InPlace => "in place",
        }
    }

    /// A mark that reads without colour.
    pub fn mark(self) -> &'static str {
        match self {
            RequiredState::Missing => "✗",
            RequiredState::NotApproved => "…",
            RequiredState::OverdueReview => "⚠",
            RequiredState::InPlace => "✓",
        }
    }
}

/// A required document with the documents that fulfil it and how far it is in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub requirement: &'static Requirement,
    /// References of the documents (not retired) that fulfil it, in register order.
    pub documents: Vec<String>,
    pub state: RequiredState,
}

/// The documents the workspace is expected to hold today: every clause requirement, and the
/// Annex A ones whose control is in `applicable`, each with its fulfilling documents.
pub fn expected_documents(
    documents: &[(String, Document)],
    applicable: &[String],
    today: Date,
) -> Vec<Expected> {
    requirements()
        .iter()
        .filter(|r| r.control.as_ref().is_none_or(|c| applicable.contains(c)))
        .map(|requirement| {
            let fulfilling: Vec<&(String, Document)> = documents
                .iter()
                .filter(|(_, d)| d.fulfils(requirement))
                .collect();
            let approved = fulfilling
                .iter()
                .filter(|(_, d)| d.status == DocumentStatus::Approved);
            let state = if fulfilling.is_empty() {
                RequiredState::Missing
            } else if approved.clone().any(|(_, d)| !d.is_review_overdue(today)) {
                RequiredState::InPlace
            } else if approved.count() > 0 {
                RequiredState::OverdueReview
            } else {
                RequiredState::NotApproved
            };
            Expected {
                requirement,
                documents: fulfilling.iter().map(|(r, _)| r.clone()).collect(),
                state,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse;

    fn day(text: &str) -> Date {
        parse(text).unwrap()
    }

    fn approved(requirements: &[&str]) -> Document {
        Document {
            title: "Policy".into(),
            status: DocumentStatus::Approved,
            approved_by: "CEO".into(),
            approved_on: Some(day("2026-01-10")),
            next_review: Some(day("2027-01-10")),
            requirements: requirements.iter().map(|r| r.to_string()).collect(),
            ..Document::default()
        }
    }

    fn state(expected: &[Expected], key: &str) -> RequiredState {
        expected
            .iter()
            .find(|e| e.requirement.key == key)
            .unwrap_or_else(|| panic!("{key} is expected"))
            .state
    }

    #[test]
    fn the_catalogue_has_the_clause_and_annex_a_requirements() {
        let keys: Vec<&str> = requirements().iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys.len(), 27);
        assert_eq!(keys[0], "4.3");
        assert!(keys.contains(&"5.2 e") && keys.contains(&"10.2 g"));
        assert!(!keys.contains(&"7.5.1 b") && !keys.contains(&"7.5.3"));
        let policy = requirement("5.2 e").unwrap();
        assert_eq!(
            (policy.clause.as_str(), policy.control.as_deref()),
            ("5.2", None)
        );
        let inventory = requirement("A.5.9").unwrap();
        assert_eq!(inventory.clause, "A.5.9");
        assert_eq!(inventory.control.as_deref(), Some("5.9"));
        for r in requirements() {
            assert!(!r.label.is_empty(), "{}", r.key);
            if let Some(control) = &r.control {
                assert!(
                    super::super::catalogue::control(control).is_some(),
                    "{control}"
                );
            }
        }
    }

    #[test]
    fn approval_needs_a_name_and_a_date() {
        let mut doc = approved(&[]);
        assert!(doc.validate().is_empty());
        doc.approved_by = " ".into();
        doc.approved_on = None;
        let fields: Vec<&str> = doc.validate().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["approved_by", "approved_on"]);
        doc.status = DocumentStatus::Draft;
        assert!(doc.validate().is_empty(), "a draft needs no approval");
        doc.title.clear();
        assert_eq!(doc.validate()[0].field, "title");
        let unknown = approved(&["5.2 e", "7.5.1 b"]);
        assert_eq!(unknown.validate()[0].field, "requirements");
        assert!(unknown.validate()[0].message.starts_with("7.5.1 b "));
    }

    #[test]
    fn the_next_review_comes_after_the_approval() {
        let mut doc = approved(&[]);
        doc.next_review = Some(day("2025-12-31"));
        assert_eq!(doc.validate()[0].field, "next_review");
    }

    #[test]
    fn review_is_overdue_only_after_its_date_and_never_when_retired() {
        let mut doc = approved(&[]);
        assert!(!doc.is_review_overdue(day("2027-01-10")));
        assert!(doc.is_review_overdue(day("2027-01-11")));
        doc.next_review = None;
        assert!(!doc.is_review_overdue(day("2030-01-01")));
        doc.next_review = Some(day("2026-06-01"));
        doc.status = DocumentStatus::Retired;
        assert!(!doc.is_review_overdue(day("2030-01-01")));
    }

    #[test]
    fn clause_requirements_are_always_expected_and_missing_without_a_document() {
        let expected = expected_documents(&[], &[], day("2026-11-28"));
        assert_eq!(expected.len(), 16, "the clause requirements only");
        assert!(expected.iter().all(|e| e.state == RequiredState::Missing));
        assert!(expected.iter().all(|e| e.requirement.control.is_none()));
    }

    #[test]
    fn annex_a_requirements_only_for_applicable_controls() {
        let expected = expected_documents(&[], &["5.9".into()], day("2026-11-28"));
        assert_eq!(expected.len(), 17);
        assert_eq!(state(&expected, "A.5.9"), RequiredState::Missing);
        assert!(!expected.iter().any(|e| e.requirement.key == "A.5.26"));
    }

    #[test]
    fn states_follow_the_best_fulfilling_document() {
        let today = day("2026-11-28");
        let draft = Document {
            status: DocumentStatus::Draft,
            ..approved(&["4.3"])
        };
        let overdue = Document {
            next_review: Some(day("2026-11-01")),
            ..approved(&["6.1.2", "8.2"])
        };
        let retired = Document {
            status: DocumentStatus::Retired,
            ..approved(&["9.1"])
        };
        let mut docs = vec![
            ("DOC-001".to_string(), approved(&["5.2 e"])),
            ("DOC-002".to_string(), draft),
            ("DOC-003".to_string(), overdue),
            ("DOC-004".to_string(), retired),
        ];
        let expected = expected_documents(&docs, &[], today);
        assert_eq!(state(&expected, "5.2 e"), RequiredState::InPlace);
        assert_eq!(state(&expected, "4.3"), RequiredState::NotApproved);
        assert_eq!(state(&expected, "6.1.2"), RequiredState::OverdueReview);
        assert_eq!(state(&expected, "9.1"), RequiredState::Missing, "retired");
        let policy = expected
            .iter()
            .find(|e| e.requirement.key == "5.2 e")
            .unwrap();
        assert_eq!(policy.documents, ["DOC-001"]);
        // A second, current document puts the overdue one's requirement in place.
        docs.push(("DOC-005".to_string(), approved(&["6.1.2"])));
        let expected = expected_documents(&docs, &[], today);
        assert_eq!(state(&expected, "6.1.2"), RequiredState::InPlace);
        assert_eq!(state(&expected, "8.2"), RequiredState::OverdueReview);
    }

    #[test]
    fn annex_a_requirements_are_fulfilled_by_a_control_link_or_the_key() {
        let today = day("2026-11-28");
        let applicable = vec!["5.9".to_string(), "5.26".to_string(), "8.15".to_string()];
        let linked = Document {
            controls: vec!["5.9".into()],
            ..approved(&[])
        };
        let listed = approved(&["A.5.26"]);
        let other_control = Document {
            controls: vec!["5.10".into()],
            ..approved(&[])
        };
        let docs = vec![
            ("DOC-001".to_string(), linked),
            ("DOC-002".to_string(), listed),
            ("DOC-003".to_string(), other_control),
        ];
        let expected = expected_documents(&docs, &applicable, today);
        assert_eq!(state(&expected, "A.5.9"), RequiredState::InPlace);
        assert_eq!(state(&expected, "A.5.26"), RequiredState::InPlace);
        assert_eq!(state(&expected, "A.8.15"), RequiredState::Missing);
        // A clause requirement is not fulfilled by a control link.
        assert_eq!(state(&expected, "4.3"), RequiredState::Missing);
    }
}
