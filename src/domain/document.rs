//! Documented information (7.5) and evidence (9.1): the register of documents with their
//! version, owner, approval and next review, and the catalogue of documents the ISMS is
//! expected to hold, compared with the register.
//!
//! The catalogue is compiled in from `assets/catalogue/required-documents.tsv`, written in the
//! project's own words: clause requirements are always expected; Annex A ones only while their
//! control is applicable in the SoA.

use std::sync::OnceLock;

use super::audit::AuditStatus;
use super::check::{self, CheckWorkspace};
use super::dates::Date;
use super::risk::{AcceptanceState, RiskStatus, TreatmentProgress};
use super::soa::Applicability;
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
    /// The Annex A controls it is evidence for: those linked to it, and those whose Annex A
    /// requirement (`A.5.1`) it fulfils. Retired documents are evidence for nothing.
    pub fn evidence_for(&self) -> Vec<String> {
        if self.status == DocumentStatus::Retired {
            return Vec::new();
        }
        let mut controls = self.controls.clone();
        for control in self
            .requirements
            .iter()
            .filter_map(|key| requirement(key).and_then(|r| r.control.clone()))
        {
            if !controls.contains(&control) {
                controls.push(control);
            }
        }
        controls
    }

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

/// A requirement the workbench's own records can fulfil, whether they do today, and the file
/// of the audit pack that holds them. No document record is needed for it once `held`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbenchRecord {
    /// The requirement's key (`4.3`).
    pub key: &'static str,
    /// Where the audit pack holds it (`01-scope/isms-scope.md`, or the minutes of the
    /// review that fulfils it).
    pub pack_file: String,
    /// What the records must show to fulfil it, in words.
    pub condition: &'static str,
    pub held: bool,
}

/// Which required documented information the workbench's records fulfil today. This is the one
/// place that decides it: the Evidence tab, the Stage 1 gauge, `isms check`, `isms status` and
/// the audit pack all read it through [`expected_documents`].
///
/// Each condition asks for records that show the requirement met, never an empty register:
/// a written scope statement (4.3); at least one assessed risk for the method in use (6.1.2)
/// and the assessment results (8.2); an SoA version approved with every control decided, and
/// none undecided since (6.1.3 d); a treatment chosen for every open risk that needs one, with
/// at least one chosen (6.1.3 e); a treated risk whose residual risk is scored and accepted by
/// its owner (8.3); an objective with its measure and target (6.2 g); an internal audit
/// reported (9.2.2); a management review held (9.3.3); nonconformities each with a corrective
/// action (10.2 f), and one whose effectiveness was checked (10.2 g).
pub fn workbench_records(ws: &CheckWorkspace<'_>) -> Vec<WorkbenchRecord> {
    let assessed = || {
        ws.risks
            .iter()
            .filter(|(_, r)| r.status != RiskStatus::Identified)
    };
    let some_assessed = assessed().next().is_some();
    let decided = !ws.soa.is_empty()
        && ws
            .soa
            .iter()
            .all(|(_, d)| d.applicability != Applicability::Undecided);
    // A plan is in place when every risk that needs a treatment has one and no treatment
    // lacks what the plan must say (controls, actions; `treatment-incomplete` blockers).
    let treatment_chosen = assessed().any(|(_, r)| r.treatment.is_some())
        && !ws
            .risks
            .iter()
            .any(|(_, r)| r.needs_treatment(ws.method) && r.treatment.is_none())
        && !check::incomplete_treatments(ws)
            .iter()
            .any(|f| f.severity == check::Severity::Blocker);
    // Results of treatment exist only once a treatment is carried out: an accepted risk whose
    // treatment is still open has a planned residual score, not a result.
    let treatment_results = assessed().any(|(_, r)| {
        matches!(
            r.treatment_progress(),
            TreatmentProgress::Done | TreatmentProgress::Retained
        ) && r.residual_likelihood.is_some()
            && r.residual_impact.is_some()
            && r.acceptance_state(ws.today) == AcceptanceState::Valid
    });
    let objective = ws.objectives.iter().any(|(_, o)| {
        !o.statement.trim().is_empty()
            && !o.measure.trim().is_empty()
            && !o.target.trim().is_empty()
    });
    let audit_reported = ws
        .audits
        .iter()
        .any(|(_, a)| matches!(a.status, AuditStatus::Reported | AuditStatus::Closed));
    // The latest review held, whose minutes the pack names.
    let review_held = super::review::last_held(ws.reviews, ws.today).map(|(_, r)| r.clone());
    let ncs_acted_on = !ws.ncs.is_empty()
        && ws
            .ncs
            .iter()
            .all(|(_, nc)| !nc.corrective_action.trim().is_empty());
    // A check dated after today, or one the `nc-check-date` rule refuses, is no outcome yet.
    let refused_checks: Vec<check::CheckFinding> = check::nc_records(ws)
        .into_iter()
        .filter(|f| f.rule == "nc-check-date")
        .collect();
    let ncs_checked = ws.ncs.iter().any(|(reference, nc)| {
        nc.checked_on.is_some_and(|on| on <= ws.today)
            && !nc.check_result.trim().is_empty()
            && !refused_checks.iter().any(|f| f.record == *reference)
    });
    let record = |key, pack_file: &str, condition, held| WorkbenchRecord {
        key,
        pack_file: pack_file.to_string(),
        condition,
        held,
    };
    vec![
        record(
            "4.3",
            "01-scope/isms-scope.md",
            "the scope statement is written (Scope tab)",
            !ws.workspace.scope_statement.trim().is_empty(),
        ),
        record(
            "6.1.2",
            "02-risk/risk-assessment-method.md",
            "at least one risk is assessed with the risk method (Risks tab)",
            some_assessed,
        ),
        record(
            "6.1.3 d",
            "03-soa/statement-of-applicability.md",
            "an SoA version is approved with every control decided, and none is undecided now",
            ws.soa_approved.is_some() && decided,
        ),
        record(
            "6.1.3 e",
            "02-risk/risk-treatment-plan.md",
            "a treatment is chosen for every open risk that needs one, at least one in all",
            treatment_chosen,
        ),
        record(
            "6.2 g",
            "report.html",
            "at least one objective has its measure and target written (Review tab)",
            objective,
        ),
        record(
            "8.2",
            "02-risk/risk-register.csv",
            "at least one risk is assessed (Risks tab)",
            some_assessed,
        ),
        record(
            "8.3",
            "02-risk/risk-treatment-plan.md",
            "a treated risk has its residual risk scored and accepted by its owner",
            treatment_results,
        ),
        record(
            "9.2.2",
            "05-internal-audit/audit-programme.md",
            "an internal audit is reported or closed (Audit tab)",
            audit_reported,
        ),
        record(
            "9.3.3",
            &match &review_held {
                Some(reference) => format!("06-management-review/{reference}-minutes.md"),
                None => "06-management-review/".to_string(),
            },
            "a management review is held, on a date not after today (Review tab)",
            review_held.is_some(),
        ),
        record(
            "10.2 f",
            "05-internal-audit/nonconformities.csv",
            "nonconformities are recorded, each with its corrective action",
            ncs_acted_on,
        ),
        record(
            "10.2 g",
            "05-internal-audit/nonconformities.csv",
            "a corrective action's effectiveness check is recorded",
            ncs_checked,
        ),
    ]
}

/// A required document with the documents that fulfil it and how far it is in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub requirement: &'static Requirement,
    /// References of the documents (not retired) that fulfil it, in register order.
    pub documents: Vec<String>,
    /// The workbench's own records that can fulfil it, if any, and whether they do.
    pub workbench: Option<WorkbenchRecord>,
    pub state: RequiredState,
}

impl Expected {
    /// The pack file that holds it when the workbench's records fulfil it.
    pub fn in_workbench(&self) -> Option<&str> {
        self.workbench
            .as_ref()
            .filter(|w| w.held)
            .map(|w| w.pack_file.as_str())
    }

    /// The state in words: "in place (in the workbench: 01-scope/isms-scope.md)".
    pub fn state_text(&self) -> String {
        match self.in_workbench() {
            Some(file) => format!("{} (in the workbench: {file})", self.state.label()),
            None => self.state.label().to_string(),
        }
    }
}

/// The required documents of the workspace as they stand on its day: the one list the Evidence
/// tab, the Stage 1 gauge, `isms check`, `isms status` and the audit pack read.
pub fn required_documents(ws: &CheckWorkspace<'_>) -> Vec<Expected> {
    let applicable: Vec<String> = ws
        .soa
        .iter()
        .filter(|(_, d)| d.applicability == Applicability::Yes)
        .map(|(control, _)| control.clone())
        .collect();
    expected_documents(ws.documents, &applicable, &workbench_records(ws), ws.today)
}

/// The documents the workspace is expected to hold today: every clause requirement, and the
/// Annex A ones whose control is in `applicable`, each with its fulfilling documents, and in
/// place when the workbench's records (from [`workbench_records`]) fulfil it.
pub fn expected_documents(
    documents: &[(String, Document)],
    applicable: &[String],
    workbench: &[WorkbenchRecord],
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
            let workbench = workbench.iter().find(|w| w.key == requirement.key).cloned();
            let held = workbench.as_ref().is_some_and(|w| w.held);
            let state = if held {
                RequiredState::InPlace
            } else if fulfilling.is_empty() {
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
                workbench,
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
        let expected = expected_documents(&[], &[], &[], day("2026-11-28"));
        assert_eq!(expected.len(), 16, "the clause requirements only");
        assert!(expected.iter().all(|e| e.state == RequiredState::Missing));
        assert!(expected.iter().all(|e| e.requirement.control.is_none()));
    }

    #[test]
    fn annex_a_requirements_only_for_applicable_controls() {
        let expected = expected_documents(&[], &["5.9".into()], &[], day("2026-11-28"));
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
        let expected = expected_documents(&docs, &[], &[], today);
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
        let expected = expected_documents(&docs, &[], &[], today);
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
        let expected = expected_documents(&docs, &applicable, &[], today);
        assert_eq!(state(&expected, "A.5.9"), RequiredState::InPlace);
        assert_eq!(state(&expected, "A.5.26"), RequiredState::InPlace);
        assert_eq!(state(&expected, "A.8.15"), RequiredState::Missing);
        // A clause requirement is not fulfilled by a control link.
        assert_eq!(state(&expected, "4.3"), RequiredState::Missing);
    }

    #[test]
    fn a_document_is_evidence_for_the_controls_of_its_annex_a_requirements() {
        let policy = Document {
            controls: vec!["5.15".into()],
            ..approved(&["A.5.1", "5.2 e", "A.5.1"])
        };
        assert_eq!(policy.evidence_for(), ["5.15", "5.1"]);
        let retired = Document {
            status: DocumentStatus::Retired,
            ..policy
        };
        assert!(retired.evidence_for().is_empty());
    }

    #[test]
    fn the_workbench_puts_a_requirement_in_place_without_a_document() {
        let today = day("2026-11-28");
        let held = |held| WorkbenchRecord {
            key: "4.3",
            pack_file: "01-scope/isms-scope.md".into(),
            condition: "the scope statement is written",
            held,
        };
        let expected = expected_documents(&[], &[], &[held(true)], today);
        let scope = expected
            .iter()
            .find(|e| e.requirement.key == "4.3")
            .unwrap();
        assert_eq!(scope.state, RequiredState::InPlace);
        assert_eq!(
            scope.state_text(),
            "in place (in the workbench: 01-scope/isms-scope.md)"
        );
        // Not held: a draft document leaves it not approved, as without the workbench.
        let draft = Document {
            status: DocumentStatus::Draft,
            ..approved(&["4.3"])
        };
        let docs = vec![("DOC-001".to_string(), draft)];
        let expected = expected_documents(&docs, &[], &[held(false)], today);
        assert_eq!(state(&expected, "4.3"), RequiredState::NotApproved);
        let scope = expected
            .iter()
            .find(|e| e.requirement.key == "4.3")
            .unwrap();
        assert_eq!(scope.state_text(), "not approved");
        assert_eq!(scope.in_workbench(), None);
    }
}
