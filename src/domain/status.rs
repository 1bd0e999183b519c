//! `isms status`: where the ISMS stands, in a few lines: readiness for Stage 1 and Stage 2,
//! counts per area, and the next milestones with their dates.

use std::collections::HashSet;
use std::fmt::Write;

use super::audit::{coverage, finished_items, is_finished, AuditStatus, NcGrade};
use super::certification::{next_milestones, MilestoneState, TimelineRow};
use super::check::{management_review, CheckFinding, CheckWorkspace, Severity};
use super::dates::Date;
use super::document::{required_documents, DocumentStatus, RequiredState};
use super::readiness::{Readiness, ReadinessFacts, StageReadiness};
use super::review::ReviewStatus;
use super::risk::RiskStatus;
use super::soa::{Applicability, Implementation};

/// What the documents register adds to readiness, worked out by its own rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFacts {
    pub documents: usize,
    pub approved: usize,
    pub overdue_reviews: usize,
    pub required: usize,
    /// Required documents with an approved document in place whose review is not overdue.
    pub required_in_place: usize,
    /// Controls with at least one document in use as evidence: linked to the control, or
    /// fulfilling its Annex A requirement (`A.5.1`).
    pub controls_with_evidence: HashSet<String>,
}

/// The register of documented information in figures, on the workspace's day.
pub fn document_facts(ws: &CheckWorkspace<'_>) -> DocumentFacts {
    let expected = required_documents(ws);
    let in_use = || {
        ws.documents
            .iter()
            .filter(|(_, d)| d.status != DocumentStatus::Retired)
    };
    DocumentFacts {
        documents: ws.documents.len(),
        approved: in_use()
            .filter(|(_, d)| d.status == DocumentStatus::Approved)
            .count(),
        overdue_reviews: in_use()
            .filter(|(_, d)| d.is_review_overdue(ws.today))
            .count(),
        required: expected.len(),
        required_in_place: expected
            .iter()
            .filter(|e| e.state == RequiredState::InPlace)
            .count(),
        controls_with_evidence: in_use().flat_map(|(_, d)| d.evidence_for()).collect(),
    }
}

/// Readiness for both stages, from the records: the one function behind the Overview's gauges,
/// `isms status`, report.html and the audit pack's README.
pub fn readiness(ws: &CheckWorkspace<'_>) -> Readiness {
    Readiness::from_facts(&readiness_facts(ws, &document_facts(ws)))
}

/// The figures behind the readiness gauges.
pub fn readiness_facts(ws: &CheckWorkspace<'_>, documents: &DocumentFacts) -> ReadinessFacts {
    let applicable: Vec<&String> = ws
        .soa
        .iter()
        .filter(|(_, d)| d.applicability == Applicability::Yes)
        .map(|(c, _)| c)
        .collect();
    let implemented_with_evidence = ws
        .soa
        .iter()
        .filter(|(c, d)| {
            d.applicability == Applicability::Yes
                && d.status == Implementation::Implemented
                && documents.controls_with_evidence.contains(c)
        })
        .count();
    // Only audits that were carried out to the end (reported or closed) complete the programme;
    // the same coverage function as the Audit tab's, over their items.
    let finished = finished_items(
        ws.audits.iter().map(|(r, a)| (r.as_str(), a.status)),
        ws.items.iter(),
    );
    let applicable_ids: Vec<String> = applicable.iter().map(|c| c.to_string()).collect();
    let covered = coverage(ws.clauses, &applicable_ids, finished);
    let covered = covered.clauses_audited.len() + covered.controls_audited.len();
    let audits_finished = ws
        .audits
        .iter()
        .filter(|(_, a)| is_finished(a.status))
        .count();
    ReadinessFacts {
        required_documents: documents.required,
        required_documents_in_place: documents.required_in_place,
        controls: ws.soa.len(),
        controls_decided: ws
            .soa
            .iter()
            .filter(|(_, d)| d.applicability != Applicability::Undecided)
            .count(),
        applicable_controls: applicable.len(),
        controls_implemented_with_evidence: implemented_with_evidence,
        audit_scope: ws.clauses.len() + applicable.len(),
        audit_scope_covered: covered,
        // The same rule as `isms check`: held within 12 months and since the last audit.
        review_up_to_date: management_review(ws).is_empty(),
        audits_finished,
        open_major_ncs: ws
            .ncs
            .iter()
            .filter(|(_, nc)| nc.grade == NcGrade::Major && !nc.status.is_done())
            .count(),
    }
}

/// One line per area of the ISMS, as the tabs name them.
pub fn area_lines(
    ws: &CheckWorkspace<'_>,
    documents: &DocumentFacts,
) -> Vec<(&'static str, String)> {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let in_scope = ws.scope_items.iter().filter(|(_, i)| i.in_scope).count();
    let scope = format!(
        "{} in scope, {} out; scope statement {}",
        count(in_scope, "item", "items"),
        ws.scope_items.len() - in_scope,
        if ws.workspace.scope_statement.trim().is_empty() {
            "not written"
        } else {
            "written"
        }
    );
    let above = ws
        .risks
        .iter()
        .filter(|(_, r)| {
            r.status != RiskStatus::Closed && !ws.method.is_acceptable(r.current_score())
        })
        .count();
    let untreated = ws
        .risks
        .iter()
        .filter(|(_, r)| r.needs_treatment(ws.method) && r.treatment.is_none())
        .count();
    let risks = format!(
        "{}: {above} above the acceptance threshold now, {untreated} needing treatment without one",
        count(ws.risks.len(), "risk", "risks")
    );
    let decided = |a: Applicability| ws.soa.iter().filter(|(_, d)| d.applicability == a).count();
    let implemented = ws
        .soa
        .iter()
        .filter(|(_, d)| {
            d.applicability == Applicability::Yes && d.status == Implementation::Implemented
        })
        .count();
    let soa = format!(
        "{} controls: {} applicable ({implemented} implemented), {} excluded, {} undecided",
        ws.soa.len(),
        decided(Applicability::Yes),
        decided(Applicability::No),
        decided(Applicability::Undecided)
    );
    let evidence = format!(
        "{} ({} approved, {} overdue for review); {} of {} required in place",
        count(documents.documents, "document", "documents"),
        documents.approved,
        documents.overdue_reviews,
        documents.required_in_place,
        documents.required
    );
    let reported = ws
        .audits
        .iter()
        .filter(|(_, a)| matches!(a.status, AuditStatus::Reported | AuditStatus::Closed))
        .count();
    let open: Vec<_> = ws
        .ncs
        .iter()
        .filter(|(_, nc)| !nc.status.is_done())
        .collect();
    let audit = format!(
        "{} ({reported} reported); {} open ({} major, {} overdue)",
        count(ws.audits.len(), "audit", "audits"),
        count(open.len(), "nonconformity", "nonconformities"),
        open.iter()
            .filter(|(_, nc)| nc.grade == NcGrade::Major)
            .count(),
        open.iter()
            .filter(|(_, nc)| nc.is_overdue(ws.today))
            .count()
    );
    let held: Vec<Date> = ws
        .reviews
        .iter()
        .filter(|(_, r)| r.status != ReviewStatus::Draft)
        .filter_map(|(_, r)| r.date)
        .collect();
    let review = format!(
        "{} held{}; {}",
        count(held.len(), "management review", "management reviews"),
        held.iter()
            .max()
            .map(|d| format!(" (last on {d})"))
            .unwrap_or_default(),
        count(ws.objectives.len(), "objective", "objectives")
    );
    vec![
        ("Scope", scope),
        ("Risks", risks),
        ("SoA", soa),
        ("Evidence", evidence),
        ("Audit", audit),
        ("Review", review),
    ]
}

/// Everything `isms status` prints.
pub struct Status<'a> {
    pub today: Date,
    pub organisation: &'a str,
    pub stage1: StageReadiness,
    pub stage2: StageReadiness,
    pub findings: &'a [CheckFinding],
    pub areas: Vec<(&'static str, String)>,
    pub timeline: &'a [TimelineRow],
}

impl<'a> Status<'a> {
    pub fn new(
        ws: &CheckWorkspace<'_>,
        findings: &'a [CheckFinding],
        timeline: &'a [TimelineRow],
        organisation: &'a str,
    ) -> Self {
        let documents = &document_facts(ws);
        let readiness = Readiness::from_facts(&readiness_facts(ws, documents));
        Status {
            today: ws.today,
            organisation,
            stage1: readiness.stage1,
            stage2: readiness.stage2,
            findings,
            areas: area_lines(ws, documents),
            timeline,
        }
    }

    /// The summary as plain text, one idea per line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let name = if self.organisation.trim().is_empty() {
            "(organisation not named)"
        } else {
            self.organisation
        };
        let _ = writeln!(out, "ISMS status of {name} on {}", self.today);
        let _ = writeln!(out);
        for stage in [&self.stage1, &self.stage2] {
            let _ = writeln!(out, "{}", stage.headline());
            for criterion in &stage.criteria {
                let mark = if criterion.is_met() { "✓" } else { "✗" };
                let _ = writeln!(out, "  {mark} {}: {}", criterion.label, criterion.figure());
            }
        }
        let blockers = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Blocker)
            .count();
        let _ = writeln!(
            out,
            "Findings: {blockers} {}, {} {} (details: isms check)",
            if blockers == 1 { "blocker" } else { "blockers" },
            self.findings.len() - blockers,
            if self.findings.len() - blockers == 1 {
                "warning"
            } else {
                "warnings"
            }
        );
        let _ = writeln!(out);
        for (area, line) in &self.areas {
            let _ = writeln!(out, "{area:<9} {line}");
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "Next milestones");
        let next = next_milestones(self.timeline);
        if next.is_empty() {
            let _ = writeln!(out, "  every milestone is done");
        }
        for row in next.iter().take(4) {
            let when = match (row.planned, row.state) {
                (Some(day), MilestoneState::Late) => format!("{day} (late)"),
                (Some(_), _) => row.planned_text(),
                (None, _) => "no date yet".into(),
            };
            let _ = writeln!(out, "  {when:<18} {}", row.kind.label());
        }
        out
    }
}
