//! Readiness rules (`isms check`): each a pure function over the workspace's records that
//! names what stands between the ISMS and certification, like a linter names code problems.

use serde::Serialize;

use super::audit::{Audit, ChecklistItem, Finding, NcGrade, NcStatus, Nonconformity};
use super::dates::Date;
use super::document::{Document, RequiredState};
use super::method::RiskMethod;
use super::review::{Measurement, Objective, Review};
use super::risk::{AcceptanceState, Risk, RiskStatus, Treatment, TreatmentProgress};
use super::scope::ScopeItem;
use super::soa::{Applicability, ApprovedSoa, Implementation, SoaDecision};
use super::workspace::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stands in the way of certification.
    Blocker,
    /// Worth fixing before an auditor sees it.
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Warning => "warning",
        }
    }
}

/// One finding: which rule, how serious, under which clause, about which record, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub clause: &'static str,
    pub record: String,
    pub message: String,
}

fn finding(
    rule: &'static str,
    severity: Severity,
    clause: &'static str,
    record: &str,
    message: String,
) -> CheckFinding {
    CheckFinding {
        rule,
        severity,
        clause,
        record: record.to_string(),
        message,
    }
}

/// The part of the workbench that holds the records a rule's findings point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Scope,
    Risks,
    Soa,
    Evidence,
    Audit,
    Review,
}

/// Every rule `check` runs, with the area its findings point into: the Overview counts
/// findings per area and `Enter` on a finding opens its area. A test keeps this list and the
/// rules in step, so no rule falls through to "nowhere".
pub const RULES: &[(&str, Area)] = &[
    ("scope-statement-empty", Area::Scope),
    ("scope-exclusion-unjustified", Area::Scope),
    ("climate-undecided", Area::Scope),
    ("no-risk-assessed", Area::Risks),
    ("risk-without-owner", Area::Risks),
    ("risk-untreated", Area::Risks),
    ("treatment-incomplete", Area::Risks),
    ("treatment-overdue", Area::Risks),
    ("residual-not-accepted", Area::Risks),
    ("acceptance-stale", Area::Risks),
    ("acceptance-expired", Area::Risks),
    ("soa-undecided", Area::Soa),
    ("soa-exclusion-unjustified", Area::Soa),
    ("soa-inclusion-unjustified", Area::Soa),
    ("soa-version-undecided", Area::Soa),
    ("control-without-target", Area::Soa),
    ("required-document-missing", Area::Evidence),
    ("required-document-not-approved", Area::Evidence),
    ("document-review-overdue", Area::Evidence),
    ("clause-not-audited", Area::Audit),
    ("control-not-audited", Area::Audit),
    ("finding-without-note", Area::Audit),
    ("major-nc-open", Area::Audit),
    ("nc-overdue", Area::Audit),
    ("nc-closed-without-root-cause", Area::Audit),
    ("nc-check-date", Area::Audit),
    ("review-before-audit", Area::Audit),
    ("no-management-review", Area::Review),
    ("management-review-old", Area::Review),
    ("no-objectives", Area::Review),
    ("objective-unmeasured", Area::Review),
];

/// The area a rule's findings point into (see [`RULES`]).
pub fn area_of(rule: &str) -> Option<Area> {
    RULES
        .iter()
        .find(|(id, _)| *id == rule)
        .map(|(_, area)| *area)
}

/// Everything the rules read.
pub struct CheckWorkspace<'a> {
    pub today: Date,
    pub workspace: &'a Workspace,
    pub scope_items: &'a [(String, ScopeItem)],
    pub method: &'a RiskMethod,
    pub risks: &'a [(String, Risk)],
    pub soa: &'a [(String, SoaDecision)],
    /// The latest approved SoA version with its frozen rows, if one is approved.
    pub approved_soa: Option<&'a ApprovedSoa>,
    /// Clauses 4.1-10.2, in order.
    pub clauses: &'a [String],
    pub audits: &'a [(String, Audit)],
    pub items: &'a [ChecklistItem],
    pub ncs: &'a [(String, Nonconformity)],
    pub reviews: &'a [(String, Review)],
    pub objectives: &'a [(String, Objective)],
    pub measurements: &'a [Measurement],
    /// The register of documented information.
    pub documents: &'a [(String, Document)],
    /// The day the first SoA version with every control decided in it was approved, if any.
    pub soa_approved: Option<Date>,
}

use Severity::{Blocker, Warning};

pub fn scope_statement(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    if ws.workspace.scope_statement.trim().is_empty() {
        vec![finding(
            "scope-statement-empty",
            Blocker,
            "4.3",
            "WS",
            "The ISMS scope statement is empty.".into(),
        )]
    } else {
        Vec::new()
    }
}

/// Whether climate change is a relevant issue is a decision the context must record (4.1, as
/// amended by ISO/IEC 27001:2022/Amd 1:2024); undecided, an auditor has nothing to look at.
pub fn climate_decision(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    if ws.workspace.climate_relevant.is_some() {
        return Vec::new();
    }
    vec![finding(
        "climate-undecided",
        Blocker,
        "4.1",
        "WS",
        "The context does not say whether climate change is a relevant issue (Scope tab, c)."
            .into(),
    )]
}

pub fn scope_exclusions(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.scope_items
        .iter()
        .filter(|(_, item)| !item.in_scope && item.justification.trim().is_empty())
        .map(|(r, item)| {
            finding(
                "scope-exclusion-unjustified",
                Blocker,
                "4.3",
                r,
                format!("\"{}\" is out of scope with no justification.", item.name),
            )
        })
        .collect()
}

/// An empty risk register is not a register without problems: the risk assessment (6.1.2,
/// 8.2) has not been carried out until some risk is assessed against the method.
pub fn risk_assessment(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    if ws
        .risks
        .iter()
        .any(|(_, risk)| risk.status != RiskStatus::Identified)
    {
        return Vec::new();
    }
    let message = if ws.risks.is_empty() {
        "No risk is recorded: the risk assessment has not been carried out.".to_string()
    } else {
        format!(
            "None of the {} risks recorded is assessed yet: each is still only identified.",
            ws.risks.len()
        )
    };
    vec![finding("no-risk-assessed", Blocker, "6.1.2", "", message)]
}

pub fn risk_owners(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.risks
        .iter()
        .filter(|(_, risk)| risk.owner.trim().is_empty() && risk.status != RiskStatus::Closed)
        .map(|(r, risk)| {
            finding(
                "risk-without-owner",
                Warning,
                "6.1.2",
                r,
                format!("\"{}\" has no risk owner.", risk.title),
            )
        })
        .collect()
}

pub fn untreated_risks(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.risks
        .iter()
        .filter(|(_, risk)| {
            !ws.method.is_acceptable(risk.score())
                && risk.treatment.is_none()
                && risk.status != RiskStatus::Closed
        })
        .map(|(r, risk)| {
            finding(
                "risk-untreated",
                Blocker,
                "6.1.3",
                r,
                format!(
                    "\"{}\" scores {} (above the threshold of {}) and has no treatment chosen.",
                    risk.title,
                    risk.score(),
                    ws.method.acceptance_threshold
                ),
            )
        })
        .collect()
}

/// A risk above the acceptance threshold whose treatment cannot be carried out as written
/// (6.1.3 b, e): modify names no control; modify, share or avoid has no plan text; or the
/// treatment is still open with no due date. One finding per risk, naming what is missing:
/// a blocker when the control or the plan is missing, a warning when only the date is.
pub fn incomplete_treatments(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.risks
        .iter()
        .filter(|(_, risk)| {
            !ws.method.is_acceptable(risk.score()) && risk.status != RiskStatus::Closed
        })
        .filter_map(|(r, risk)| {
            let active = matches!(
                risk.treatment,
                Some(Treatment::Modify | Treatment::Share | Treatment::Avoid)
            );
            if !active {
                return None;
            }
            let mut missing = Vec::new();
            if risk.treatment == Some(Treatment::Modify) && risk.controls.is_empty() {
                missing.push("no control linked");
            }
            if risk.treatment_plan.trim().is_empty() {
                missing.push("no treatment plan");
            }
            let blocker = !missing.is_empty();
            if risk.treatment_progress() == TreatmentProgress::Open && risk.due_date.is_none() {
                missing.push("no due date");
            }
            if missing.is_empty() {
                return None;
            }
            let option = risk.treatment.map(|t| t.label()).unwrap_or("");
            let what = match missing.as_slice() {
                [one] => one.to_string(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
                [] => String::new(),
            };
            Some(finding(
                "treatment-incomplete",
                if blocker { Blocker } else { Warning },
                "6.1.3",
                r,
                format!(
                    "\"{}\" scores {} (above the threshold of {}) and is treated by {option} with {what}.",
                    risk.title,
                    risk.score(),
                    ws.method.acceptance_threshold
                ),
            ))
        })
        .collect()
}

/// A treatment past its due date and not carried out (8.3), accepted or not.
pub fn overdue_treatments(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.risks
        .iter()
        .filter(|(_, risk)| risk.is_overdue(ws.today))
        .map(|(r, risk)| {
            let due = risk.due_date.map(|d| d.to_string()).unwrap_or_default();
            finding(
                "treatment-overdue",
                Warning,
                "8.3",
                r,
                format!(
                    "The treatment of \"{}\" was due on {due} and is not done.",
                    risk.title
                ),
            )
        })
        .collect()
}

/// Residual risks the owner must accept (6.1.3 f): treated, retained or accepted risks; and
/// any acceptance recorded, whatever the treatment's progress, that has gone stale or expired
/// (an acceptance recorded before an open treatment is done still has to hold).
pub fn acceptances(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.risks
        .iter()
        .filter(|(_, risk)| risk.status != RiskStatus::Closed)
        .filter_map(|(r, risk)| {
            let must_be_accepted =
                matches!(risk.status, RiskStatus::Treated | RiskStatus::Accepted)
                    || risk.treatment == Some(Treatment::Retain);
            let (rule, text) = match risk.acceptance_state(ws.today) {
                AcceptanceState::Valid => return None,
                AcceptanceState::NotAccepted if !must_be_accepted => return None,
                AcceptanceState::NotAccepted => (
                    "residual-not-accepted",
                    "its owner has not accepted the residual risk",
                ),
                AcceptanceState::Stale => {
                    ("acceptance-stale", "it changed after its owner accepted it")
                }
                AcceptanceState::Expired => {
                    ("acceptance-expired", "its owner's acceptance has expired")
                }
            };
            Some(finding(
                rule,
                Warning,
                "6.1.3",
                r,
                format!("\"{}\": {text}.", risk.title),
            ))
        })
        .collect()
}

pub fn soa_decisions(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    let mut findings = Vec::new();
    for (control, decision) in ws.soa {
        match decision.applicability {
            Applicability::Undecided => findings.push(finding(
                "soa-undecided",
                Blocker,
                "6.1.3",
                control,
                format!("Control {control} is not yet decided applicable or not."),
            )),
            Applicability::No if decision.justification.trim().is_empty() => {
                findings.push(finding(
                    "soa-exclusion-unjustified",
                    Blocker,
                    "6.1.3",
                    control,
                    format!("Control {control} is excluded with no justification."),
                ))
            }
            Applicability::Yes
                if decision.status != Implementation::Implemented
                    && decision.target_date.is_none() =>
            {
                findings.push(finding(
                    "control-without-target",
                    Warning,
                    "6.1.3",
                    control,
                    format!(
                        "Control {control} is applicable, {} and has no target date.",
                        decision.status.label().to_lowercase()
                    ),
                ))
            }
            _ => {}
        }
    }
    findings
}

/// An applicable control needs a reason for its inclusion (6.1.3 d): risk treatment (a risk
/// names it, as the SoA derives it) or a stated legal, contractual or business reason.
pub fn soa_inclusions(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.soa
        .iter()
        .filter(|(control, decision)| {
            decision.applicability == Applicability::Yes
                && decision.reasons.is_empty()
                && !ws
                    .risks
                    .iter()
                    .any(|(_, risk)| risk.controls.contains(control))
        })
        .map(|(control, _)| {
            finding(
                "soa-inclusion-unjustified",
                Blocker,
                "6.1.3",
                control,
                format!(
                    "Control {control} is applicable with no reason for its inclusion: no risk \
                     names it and no other reason is given."
                ),
            )
        })
        .collect()
}

/// The SoA in force (the latest approved version) must decide every control: a version
/// approved with undecided controls is not a complete statement (6.1.3 d).
pub fn soa_version_complete(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    let Some(approved) = ws.approved_soa else {
        return Vec::new();
    };
    let undecided = approved.undecided();
    if undecided.is_empty() {
        return Vec::new();
    }
    let count = undecided.len();
    let shown: Vec<&str> = undecided.iter().take(5).copied().collect();
    let more = if count > shown.len() { ", ..." } else { "" };
    vec![finding(
        "soa-version-undecided",
        Blocker,
        "6.1.3",
        &approved.reference,
        format!(
            "SoA {} leaves {count} {} undecided ({}{more}); decide {} and approve a new \
             version.",
            approved.version.describe(),
            if count == 1 { "control" } else { "controls" },
            shown.join(", "),
            if count == 1 { "it" } else { "them" }
        ),
    )]
}

/// Clauses and applicable controls no audit of the programme has examined.
pub fn audit_coverage(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    let audited = |label: String| {
        ws.items
            .iter()
            .any(|i| i.result != Finding::NotAudited && i.target.label() == label)
    };
    let planned = |label: String| ws.items.iter().any(|i| i.target.label() == label);
    let mut findings = Vec::new();
    for clause in ws.clauses {
        if !audited(clause.clone()) {
            let when = if planned(clause.clone()) {
                "is on a checklist but not yet audited"
            } else {
                "is not in any audit's scope"
            };
            findings.push(finding(
                "clause-not-audited",
                Warning,
                "9.2",
                clause,
                format!("Clause {clause} {when}."),
            ));
        }
    }
    for (control, decision) in ws.soa {
        if decision.applicability == Applicability::Yes && !audited(format!("A.{control}")) {
            let when = if planned(format!("A.{control}")) {
                "is on a checklist but not yet audited"
            } else {
                "is not in any audit's scope"
            };
            findings.push(finding(
                "control-not-audited",
                Warning,
                "9.2",
                control,
                format!("Applicable control {control} {when}."),
            ));
        }
    }
    findings
}

pub fn nonconformities(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    let mut findings = Vec::new();
    for (r, nc) in ws.ncs {
        if nc.grade == NcGrade::Major && !nc.status.is_done() {
            findings.push(finding(
                "major-nc-open",
                Blocker,
                "10.2",
                r,
                format!(
                    "A major nonconformity is open: {}",
                    first_line(&nc.statement)
                ),
            ));
        }
        if nc.is_overdue(ws.today) {
            let due = nc.due_date.map(|d| d.to_string()).unwrap_or_default();
            findings.push(finding(
                "nc-overdue",
                Warning,
                "10.2",
                r,
                format!("Corrective action was due on {due}."),
            ));
        }
    }
    findings
}

/// Checklist results that are findings (an observation, an opportunity for improvement or a
/// nonconformity) with no note saying what was found: the audit report has nothing to show
/// for them (9.2.2 asks for the results to be retained as evidence).
pub fn findings_without_notes(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.items
        .iter()
        .filter(|item| item.result.needs_note() && item.notes.trim().is_empty())
        .map(|item| {
            finding(
                "finding-without-note",
                Warning,
                "9.2.2",
                &item.reference(),
                format!(
                    "{} is recorded as {} with no note of what was found.",
                    item.reference(),
                    item.result.label().to_lowercase()
                ),
            )
        })
        .collect()
}

/// Nonconformities whose records do not hold up: closed (or verified effective) with no root
/// cause (10.2 b), or an effectiveness check dated in the future or before the corrective
/// action could have been done.
///
/// A nonconformity has no date of its own for when the corrective action was done, so the
/// check is compared with what the record holds: the action cannot come before the finding,
/// which for a nonconformity from an internal audit is that audit's (actual, else planned)
/// start; and a check recorded while the action is not yet implemented is early too.
pub fn nc_records(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    let mut findings = Vec::new();
    for (r, nc) in ws.ncs {
        if nc.status.is_done() && nc.root_cause.trim().is_empty() {
            findings.push(finding(
                "nc-closed-without-root-cause",
                Blocker,
                "10.2",
                r,
                format!(
                    "{r} is {} with no root cause recorded.",
                    nc.status.label().to_lowercase()
                ),
            ));
        }
        let Some(checked) = nc.checked_on else {
            continue;
        };
        let found = ws
            .audits
            .iter()
            .find(|(reference, _)| !nc.audit.is_empty() && *reference == nc.audit)
            .and_then(|(reference, audit)| {
                audit
                    .actual_start
                    .or(audit.planned_start)
                    .map(|d| (d, reference))
            });
        let message = if checked > ws.today {
            Some(format!(
                "The effectiveness check of {r} is dated {checked}, which is in the future."
            ))
        } else if let Some((start, audit)) = found.filter(|(start, _)| checked < *start) {
            Some(format!(
                "The effectiveness check of {r} is dated {checked}, before the audit {audit} \
                 that found it started ({start}): the corrective action cannot precede it."
            ))
        } else if matches!(nc.status, NcStatus::Open | NcStatus::ActionPlanned) {
            Some(format!(
                "{r} has an effectiveness check dated {checked} while its corrective action is \
                 not yet implemented."
            ))
        } else {
            None
        };
        if let Some(message) = message {
            findings.push(finding("nc-check-date", Blocker, "10.2", r, message));
        }
    }
    findings
}

/// A management review held within the last 12 months, and since the last internal audit.
pub fn management_review(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    let last_review = super::review::last_held(ws.reviews, ws.today);
    // Twelve calendar months, so that a leap day does not make a review a day too old.
    let year_ago = ws
        .today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(ws.today);
    let Some((date, reference)) = last_review else {
        return vec![finding(
            "no-management-review",
            Blocker,
            "9.3",
            "",
            "No management review has been held.".into(),
        )];
    };
    let mut findings = Vec::new();
    if date < year_ago {
        findings.push(finding(
            "management-review-old",
            Blocker,
            "9.3",
            reference,
            format!("The last management review was on {date}, more than 12 months ago."),
        ));
    }
    let last_audit = ws
        .audits
        .iter()
        .filter_map(|(r, a)| a.actual_end.filter(|d| *d <= ws.today).map(|d| (d, r)))
        .max();
    if let Some((audited, audit)) = last_audit {
        if audited > date {
            findings.push(finding(
                "review-before-audit",
                Blocker,
                "9.3",
                audit,
                format!(
                    "No management review since the internal audit {audit} ended on {audited}."
                ),
            ));
        }
    }
    findings
}

pub fn objectives(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    // No objectives is not "every objective measured": 6.2 asks for them to be set.
    if ws.objectives.is_empty() {
        return vec![finding(
            "no-objectives",
            Blocker,
            "6.2",
            "",
            "No information security objective is set.".into(),
        )];
    }
    ws.objectives
        .iter()
        .filter(|(r, _)| !ws.measurements.iter().any(|m| m.objective == *r))
        .map(|(r, o)| {
            finding(
                "objective-unmeasured",
                Warning,
                "6.2",
                r,
                format!("\"{}\" has no measurement yet.", first_line(&o.statement)),
            )
        })
        .collect()
}

/// Required documented information (4.3 ... 10.2, and the Annex A documents of applicable
/// controls) that no document fulfils, or only drafts do.
///
/// A required document that exists only as a draft or in review is a blocker, like a missing
/// one: the certification body audits the documented information that is in force, and a
/// draft nobody approved is not (7.5.2 asks for review and approval). It gets its own rule so
/// that the fix it names is "approve it", not "write it". Requirements the workbench's own
/// records fulfil (a written scope statement, an approved SoA, a reported audit, ...) need no
/// document and raise nothing.
pub fn required_documents(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    super::document::required_documents(ws)
        .into_iter()
        .filter_map(|expected| {
            let requirement = expected.requirement;
            let (rule, message) = match expected.state {
                RequiredState::Missing => (
                    "required-document-missing",
                    match &expected.workbench {
                        // The workbench can hold it: say what its records still need.
                        Some(held) => format!(
                            "No document fulfils {}: {}, and the workbench will once {}.",
                            requirement.key, requirement.label, held.condition
                        ),
                        None => format!(
                            "No document fulfils {}: {}.",
                            requirement.key, requirement.label
                        ),
                    },
                ),
                RequiredState::NotApproved => (
                    "required-document-not-approved",
                    format!(
                        "{} ({}) is only in draft or review: {}.",
                        requirement.label,
                        requirement.key,
                        expected.documents.join(", ")
                    ),
                ),
                RequiredState::OverdueReview | RequiredState::InPlace => return None,
            };
            Some(finding(
                rule,
                Blocker,
                requirement.clause.as_str(),
                &requirement.key,
                message,
            ))
        })
        .collect()
}

/// Documents in use whose next review date has passed (7.5.2, 7.5.3).
pub fn document_reviews(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    ws.documents
        .iter()
        .filter(|(_, d)| d.is_review_overdue(ws.today))
        .map(|(r, d)| {
            let due = d.next_review.map(|d| d.to_string()).unwrap_or_default();
            finding(
                "document-review-overdue",
                Warning,
                "7.5",
                r,
                format!("\"{}\" was due for review on {due}.", d.title),
            )
        })
        .collect()
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_string()
}

/// The findings that stand in the way of certification.
pub fn blockers(findings: &[CheckFinding]) -> impl Iterator<Item = &CheckFinding> {
    findings.iter().filter(|f| f.severity == Severity::Blocker)
}

/// Every rule, blockers first, then by clause and record.
pub fn check(ws: &CheckWorkspace<'_>) -> Vec<CheckFinding> {
    let rules: &[fn(&CheckWorkspace<'_>) -> Vec<CheckFinding>] = &[
        scope_statement,
        climate_decision,
        scope_exclusions,
        risk_assessment,
        risk_owners,
        untreated_risks,
        incomplete_treatments,
        overdue_treatments,
        acceptances,
        soa_decisions,
        soa_inclusions,
        soa_version_complete,
        audit_coverage,
        nonconformities,
        findings_without_notes,
        nc_records,
        management_review,
        objectives,
        required_documents,
        document_reviews,
    ];
    let mut findings: Vec<CheckFinding> = rules.iter().flat_map(|rule| rule(ws)).collect();
    findings.sort_by_key(|finding| finding.severity);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{NcStatus, Target};
    use crate::domain::dates::parse;
    use crate::domain::review::ReviewStatus;
    use crate::domain::scope::ScopeItemKind;
    use crate::domain::soa::{ApprovedVersion, InclusionReason, SoaRow};

    fn day(text: &str) -> Date {
        parse(text).unwrap()
    }

    /// A workspace that passes every rule; each test breaks one thing.
    #[derive(Clone)]
    struct Clean {
        workspace: Workspace,
        scope_items: Vec<(String, ScopeItem)>,
        method: RiskMethod,
        risks: Vec<(String, Risk)>,
        soa: Vec<(String, SoaDecision)>,
        approved_soa: Option<ApprovedSoa>,
        clauses: Vec<String>,
        audits: Vec<(String, Audit)>,
        items: Vec<ChecklistItem>,
        ncs: Vec<(String, Nonconformity)>,
        reviews: Vec<(String, Review)>,
        objectives: Vec<(String, Objective)>,
        measurements: Vec<Measurement>,
        documents: Vec<(String, Document)>,
        soa_approved: Option<Date>,
    }

    /// One approved document that fulfils every requirement of the catalogue.
    fn everything_document() -> Document {
        use crate::domain::document::{requirements, DocumentStatus};
        Document {
            title: "ISMS manual".into(),
            status: DocumentStatus::Approved,
            approved_by: "CEO".into(),
            approved_on: parse("2026-01-10").ok(),
            next_review: parse("2027-01-10").ok(),
            requirements: requirements().iter().map(|r| r.key.clone()).collect(),
            ..Document::default()
        }
    }

    fn clean() -> Clean {
        let today = day("2026-11-28");
        let mut accepted = Risk {
            title: "Phishing".into(),
            owner: "CISO".into(),
            likelihood: 2,
            impact: 2,
            treatment: Some(Treatment::Retain),
            status: RiskStatus::Accepted,
            ..Risk::default()
        };
        accepted.accept("CISO", today, None);
        let item = |label: &str| ChecklistItem {
            audit: "IA-2026-01".into(),
            target: Target::parse(label),
            question: String::new(),
            result: Finding::Conforming,
            evidence: String::new(),
            records: String::new(),
            notes: String::new(),
        };
        Clean {
            workspace: Workspace {
                organisation: "Acme".into(),
                isms_name: "Acme ISMS".into(),
                scope_statement: "Everything".into(),
                climate_relevant: Some(false),
                climate_note: "No site or service depends on the climate.".into(),
            },
            scope_items: vec![(
                "SC-001".into(),
                ScopeItem {
                    kind: ScopeItemKind::Site,
                    name: "HQ".into(),
                    in_scope: true,
                    justification: String::new(),
                },
            )],
            method: RiskMethod::standard(5),
            risks: vec![("R-001".into(), accepted)],
            soa: vec![(
                "5.1".into(),
                SoaDecision {
                    applicability: Applicability::Yes,
                    reasons: vec![InclusionReason::Business],
                    status: Implementation::Implemented,
                    ..SoaDecision::default()
                },
            )],
            approved_soa: Some(ApprovedSoa {
                reference: "SOAV-001".into(),
                version: ApprovedVersion {
                    label: "v1.0".into(),
                    approved_by: "CEO".into(),
                    approved_on: day("2026-10-01"),
                },
                rows: vec![SoaRow {
                    control: "5.1".into(),
                    decision: SoaDecision {
                        applicability: Applicability::Yes,
                        reasons: vec![InclusionReason::Business],
                        status: Implementation::Implemented,
                        ..SoaDecision::default()
                    },
                    linked_risks: 0,
                }],
            }),
            clauses: vec!["4.1".into()],
            audits: vec![(
                "IA-2026-01".into(),
                Audit {
                    title: "A".into(),
                    lead_auditor: "R".into(),
                    actual_end: parse("2026-09-01").ok(),
                    ..Audit::default()
                },
            )],
            items: vec![item("4.1"), item("A.5.1")],
            ncs: Vec::new(),
            reviews: vec![(
                "MR-2026-01".into(),
                Review {
                    date: parse("2026-10-01").ok(),
                    status: ReviewStatus::Held,
                    ..Review::default()
                },
            )],
            objectives: vec![(
                "OBJ-01".into(),
                Objective {
                    statement: "Patch".into(),
                    ..Objective::default()
                },
            )],
            measurements: vec![Measurement {
                objective: "OBJ-01".into(),
                date: day("2026-11-01"),
                value: 1.0,
                note: String::new(),
            }],
            documents: vec![("DOC-001".into(), everything_document())],
            soa_approved: parse("2026-06-01").ok(),
        }
    }

    /// The clean workspace (as changed by a test) as the rules read it.
    fn ws(c: &Clean) -> CheckWorkspace<'_> {
        CheckWorkspace {
            today: day("2026-11-28"),
            workspace: &c.workspace,
            scope_items: &c.scope_items,
            method: &c.method,
            risks: &c.risks,
            soa: &c.soa,
            approved_soa: c.approved_soa.as_ref(),
            clauses: &c.clauses,
            audits: &c.audits,
            items: &c.items,
            ncs: &c.ncs,
            reviews: &c.reviews,
            objectives: &c.objectives,
            measurements: &c.measurements,
            documents: &c.documents,
            soa_approved: c.soa_approved,
        }
    }

    fn run(c: &Clean) -> Vec<CheckFinding> {
        check(&ws(c))
    }

    fn rules(c: &Clean) -> Vec<&'static str> {
        run(c).iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_clean_workspace_passes_every_rule() {
        assert_eq!(run(&clean()), Vec::new());
    }

    #[test]
    fn an_empty_register_is_not_a_clean_one() {
        let mut c = clean();
        c.risks.clear();
        let found = run(&c);
        let empty = found.iter().find(|f| f.rule == "no-risk-assessed");
        assert!(
            empty.is_some_and(|f| f.message.contains("No risk is recorded")),
            "{found:?}"
        );

        let mut c = clean();
        for (_, risk) in &mut c.risks {
            risk.status = RiskStatus::Identified;
        }
        assert!(rules(&c).contains(&"no-risk-assessed"), "{:?}", rules(&c));

        let mut c = clean();
        c.objectives.clear();
        c.measurements.clear();
        assert!(rules(&c).contains(&"no-objectives"), "{:?}", rules(&c));
    }

    /// Every rule id the rules can raise is in [`RULES`] with its area, and every entry of
    /// [`RULES`] is a rule that exists: read from this file's own source, so that a new rule
    /// cannot be added without saying where its findings go.
    #[test]
    fn every_rule_has_an_area() {
        let source = include_str!("check.rs");
        let rules_source = &source[..source.find("#[cfg(test)]").unwrap()];
        let table_start = rules_source.find("pub const RULES").unwrap();
        let table_end = table_start + rules_source[table_start..].find("];").unwrap();
        let outside_table = [&rules_source[..table_start], &rules_source[table_end..]].concat();
        let mut raised: Vec<&str> = outside_table
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|text| {
                text.contains('-')
                    && text
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
            .collect();
        raised.sort_unstable();
        raised.dedup();
        let mut listed: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
        listed.sort_unstable();
        assert_eq!(raised, listed);
        assert_eq!(area_of("risk-untreated"), Some(Area::Risks));
        assert_eq!(area_of("no-such-rule"), None);
    }

    #[test]
    fn scope_rules() {
        let mut c = clean();
        c.workspace.scope_statement = "  ".into();
        c.scope_items[0].1.in_scope = false;
        assert_eq!(
            rules(&c),
            ["scope-statement-empty", "scope-exclusion-unjustified"]
        );
    }

    #[test]
    fn risk_rules() {
        let mut c = clean();
        c.risks.push((
            "R-002".into(),
            Risk {
                title: "Outage".into(),
                likelihood: 5,
                impact: 4,
                status: RiskStatus::Assessed,
                ..Risk::default()
            },
        ));
        let found = run(&c);
        assert_eq!(found[0].rule, "risk-untreated");
        assert_eq!(found[0].severity, Blocker);
        assert_eq!(found[0].record, "R-002");
        assert!(found
            .iter()
            .any(|f| f.rule == "risk-without-owner" && f.record == "R-002"));
        // A change after acceptance makes it stale; an old one expires.
        let mut c = clean();
        c.risks[0].1.impact = 3;
        assert_eq!(rules(&c), ["acceptance-stale"]);
        let mut c = clean();
        c.risks[0].1.acceptance.as_mut().unwrap().valid_until = parse("2026-01-01").ok();
        assert_eq!(rules(&c), ["acceptance-expired"]);
        let mut c = clean();
        c.risks[0].1.acceptance = None;
        assert_eq!(rules(&c), ["residual-not-accepted"]);
    }

    /// A risk above the threshold, treated by Modify, complete: in the clean workspace it
    /// raises nothing; each test breaks one thing.
    fn modified() -> Risk {
        let mut risk = Risk {
            title: "Ransomware".into(),
            owner: "CISO".into(),
            likelihood: 4,
            impact: 5,
            treatment: Some(Treatment::Modify),
            treatment_plan: "Immutable backups".into(),
            controls: vec!["5.1".into()],
            due_date: parse("2026-12-31").ok(),
            residual_likelihood: Some(1),
            residual_impact: Some(2),
            status: RiskStatus::TreatmentPlanned,
            ..Risk::default()
        };
        risk.accept("CISO", day("2026-11-28"), None);
        risk
    }

    /// The requirements the workbench's records hold, for the clean workspace changed by `c`.
    fn held(c: &Clean) -> Vec<&'static str> {
        crate::domain::document::workbench_records(&ws(c))
            .into_iter()
            .filter(|r| r.held)
            .map(|r| r.key)
            .collect()
    }

    #[test]
    fn an_accepted_open_treatment_is_no_result_and_its_acceptance_must_hold() {
        let mut c = clean();
        c.risks = vec![("R-002".into(), modified())];
        assert!(!held(&c).contains(&"8.3"), "accepted, not carried out");
        c.risks[0].1.status = RiskStatus::Treated;
        assert!(held(&c).contains(&"8.3"));

        // A stale acceptance is found while the treatment is still open too.
        let mut c = clean();
        let mut open = modified();
        open.residual_likelihood = Some(3);
        c.risks.push(("R-002".into(), open));
        assert!(rules(&c).contains(&"acceptance-stale"), "{:?}", rules(&c));
    }

    #[test]
    fn an_effectiveness_check_in_the_future_is_no_outcome() {
        let mut c = clean();
        c.ncs = vec![(
            "NC-001".into(),
            Nonconformity {
                statement: "Backups untested".into(),
                grade: NcGrade::Minor,
                root_cause: "No restore test was planned".into(),
                corrective_action: "Quarterly restore test".into(),
                checked_by: "Auditor".into(),
                checked_on: parse("2026-11-01").ok(),
                check_result: "Restored".into(),
                due_date: parse("2027-01-01").ok(),
                status: NcStatus::Implemented,
                ..Nonconformity::default()
            },
        )];
        assert!(held(&c).contains(&"10.2 g"));
        c.ncs[0].1.checked_on = Some(day("2027-03-15"));
        assert!(!held(&c).contains(&"10.2 g"));
        assert!(rules(&c).contains(&"nc-check-date"));
        c.ncs[0].1.checked_on = Some(day("2026-11-01"));
        c.ncs[0].1.status = NcStatus::Open;
        assert!(
            !held(&c).contains(&"10.2 g"),
            "checked while the action is open"
        );
    }

    #[test]
    fn treatment_rules() {
        let mut c = clean();
        c.risks.push(("R-002".into(), modified()));
        assert_eq!(run(&c), Vec::new(), "a complete open treatment is clean");

        /// A change to the complete risk, the rule it breaks, how serious, words of the message.
        type Break = (fn(&mut Risk), &'static str, Severity, &'static str);
        let broken: [Break; 5] = [
            (
                |r| r.controls.clear(),
                "treatment-incomplete",
                Blocker,
                "no control linked",
            ),
            (
                |r| r.treatment_plan = " ".into(),
                "treatment-incomplete",
                Blocker,
                "no treatment plan",
            ),
            (
                |r| r.due_date = None,
                "treatment-incomplete",
                Warning,
                "no due date",
            ),
            (
                |r| r.due_date = parse("2026-11-27").ok(),
                "treatment-overdue",
                Warning,
                "was due on 2026-11-27",
            ),
            (
                |r| {
                    r.controls.clear();
                    r.due_date = None;
                },
                "treatment-incomplete",
                Blocker,
                "no control linked and no due date",
            ),
        ];
        for (change, rule, severity, words) in broken {
            let mut c = clean();
            let mut risk = modified();
            change(&mut risk);
            risk.accept("CISO", day("2026-11-28"), None);
            c.risks.push(("R-002".into(), risk));
            let found = run(&c);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!((found[0].rule, found[0].severity), (rule, severity));
            assert_eq!(found[0].record, "R-002");
            assert!(found[0].message.contains(words), "{}", found[0].message);
        }

        // Done: no due date needed, and never overdue; accepted: still overdue.
        let mut c = clean();
        let mut done = modified();
        done.due_date = parse("2026-01-01").ok();
        done.status = RiskStatus::Treated;
        done.accept("CISO", day("2026-11-28"), None);
        c.risks.push(("R-002".into(), done.clone()));
        assert_eq!(run(&c), Vec::new());
        let mut c = clean();
        let mut accepted = done;
        accepted.status = RiskStatus::Accepted;
        c.risks.push(("R-002".into(), accepted));
        assert_eq!(rules(&c), ["treatment-overdue"]);
        // At or below the threshold the completeness rule does not apply.
        let mut c = clean();
        let mut small = modified();
        small.likelihood = 1;
        small.controls.clear();
        small.accept("CISO", day("2026-11-28"), None);
        c.risks.push(("R-002".into(), small));
        assert_eq!(run(&c), Vec::new());
    }

    #[test]
    fn soa_rules() {
        let mut c = clean();
        c.soa.push(("5.2".into(), SoaDecision::default()));
        c.soa.push((
            "7.8".into(),
            SoaDecision {
                applicability: Applicability::No,
                ..SoaDecision::default()
            },
        ));
        c.soa.push((
            "8.1".into(),
            SoaDecision {
                applicability: Applicability::Yes,
                status: Implementation::Planned,
                ..SoaDecision::default()
            },
        ));
        let found = rules(&c);
        assert!(
            found.contains(&"soa-undecided")
                && found.contains(&"soa-exclusion-unjustified")
                && found.contains(&"control-without-target"),
            "{found:?}"
        );
        assert!(
            found.contains(&"control-not-audited"),
            "8.1 is applicable and unaudited: {found:?}"
        );
    }

    #[test]
    fn an_applicable_control_needs_a_reason_for_inclusion() {
        let mut c = clean();
        c.soa[0].1.reasons.clear();
        let found = run(&c);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, found[0].severity, found[0].clause),
            ("soa-inclusion-unjustified", Blocker, "6.1.3")
        );
        assert_eq!(found[0].record, "5.1");
        // A risk that names the control gives it risk treatment as its reason.
        c.risks[0].1.controls.push("5.1".into());
        c.risks[0].1.accept("CISO", day("2026-11-28"), None);
        assert!(run(&c).is_empty(), "{:?}", run(&c));
        // An excluded or undecided control needs no reason for inclusion.
        let mut c = clean();
        c.soa[0].1.reasons.clear();
        c.soa[0].1.applicability = Applicability::No;
        c.soa[0].1.justification = "x".into();
        assert!(!rules(&c).contains(&"soa-inclusion-unjustified"));
    }

    #[test]
    fn an_approved_version_with_undecided_controls_is_incomplete() {
        let mut c = clean();
        let version = c.approved_soa.as_mut().unwrap();
        for control in ["5.2", "5.3"] {
            version.rows.push(SoaRow {
                control: control.into(),
                decision: SoaDecision::default(),
                linked_risks: 0,
            });
        }
        let found = run(&c);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, found[0].severity, found[0].clause),
            ("soa-version-undecided", Blocker, "6.1.3")
        );
        assert_eq!(found[0].record, "SOAV-001");
        assert_eq!(
            found[0].message,
            "SoA v1.0 approved on 2026-10-01 by CEO leaves 2 controls undecided (5.2, 5.3); \
             decide them and approve a new version."
        );
        // No version approved yet: nothing to find here (the gauges say it is missing).
        c.approved_soa = None;
        assert!(run(&c).is_empty());
    }

    #[test]
    fn audit_and_nc_rules() {
        let mut c = clean();
        c.items[0].result = Finding::NotAudited;
        c.ncs.push((
            "NC-001".into(),
            Nonconformity {
                statement: "x".into(),
                grade: NcGrade::Major,
                due_date: parse("2026-11-01").ok(),
                ..Nonconformity::default()
            },
        ));
        let found = run(&c);
        assert!(found.iter().any(|f| f.rule == "clause-not-audited"
            && f.message.contains("on a checklist but not yet audited")));
        assert!(found
            .iter()
            .any(|f| f.rule == "major-nc-open" && f.severity == Blocker));
        assert!(found.iter().any(|f| f.rule == "nc-overdue"));
        c.ncs[0].1.status = NcStatus::Closed;
        assert!(!rules(&c).contains(&"major-nc-open"));
    }

    #[test]
    fn climate_rule() {
        let mut c = clean();
        c.workspace.climate_relevant = None;
        let found = run(&c);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, found[0].severity, found[0].clause),
            ("climate-undecided", Blocker, "4.1")
        );
        // Either answer is a decision; the note is the organisation's own business.
        c.workspace.climate_relevant = Some(true);
        c.workspace.climate_note.clear();
        assert!(run(&c).is_empty());
    }

    #[test]
    fn finding_note_rule() {
        for result in [
            Finding::Observation,
            Finding::Improvement,
            Finding::MinorNc,
            Finding::MajorNc,
        ] {
            let mut c = clean();
            c.items[0].result = result;
            let found = run(&c);
            assert_eq!(found.len(), 1, "{result:?}: {found:?}");
            assert_eq!(
                (found[0].rule, found[0].severity, found[0].clause),
                ("finding-without-note", Warning, "9.2.2")
            );
            assert_eq!(found[0].record, "IA-2026-01/4.1");
            c.items[0].notes = "Two leavers kept access.".into();
            assert!(run(&c).is_empty(), "{result:?} with a note");
        }
        // Conforming and not yet audited need no note.
        let mut c = clean();
        c.items[0].result = Finding::NotAudited;
        assert!(!rules(&c).contains(&"finding-without-note"));
    }

    /// A closed nonconformity of the audit IA-2026-01 (which started on 2026-08-20), checked
    /// on 2026-11-01, with its root cause: it passes every rule.
    fn closed_nc(c: &mut Clean) {
        c.audits[0].1.actual_start = parse("2026-08-20").ok();
        c.ncs.push((
            "NC-001".into(),
            Nonconformity {
                audit: "IA-2026-01".into(),
                statement: "Leavers kept access".into(),
                root_cause: "No one owned the leaver step".into(),
                corrective_action: "Named an owner".into(),
                status: NcStatus::Closed,
                checked_by: "CISO".into(),
                checked_on: parse("2026-11-01").ok(),
                check_result: "Sampled ten leavers".into(),
                ..Nonconformity::default()
            },
        ));
    }

    #[test]
    fn nc_root_cause_rule() {
        let mut c = clean();
        closed_nc(&mut c);
        assert!(run(&c).is_empty(), "{:?}", run(&c));
        c.ncs[0].1.root_cause = " ".into();
        let found = run(&c);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, found[0].severity, found[0].clause),
            ("nc-closed-without-root-cause", Blocker, "10.2")
        );
        assert_eq!(found[0].record, "NC-001");
        c.ncs[0].1.status = NcStatus::VerifiedEffective;
        assert_eq!(rules(&c), ["nc-closed-without-root-cause"]);
        // Still being worked on: the cause may come later.
        c.ncs[0].1.status = NcStatus::Implemented;
        assert!(run(&c).is_empty());
    }

    #[test]
    fn nc_check_date_rule() {
        // In the future.
        let mut c = clean();
        closed_nc(&mut c);
        c.ncs[0].1.checked_on = parse("2026-11-29").ok();
        let found = run(&c);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, found[0].severity, found[0].clause),
            ("nc-check-date", Blocker, "10.2")
        );
        assert!(
            found[0].message.contains("in the future"),
            "{}",
            found[0].message
        );
        c.ncs[0].1.checked_on = parse("2026-11-28").ok();
        assert!(run(&c).is_empty(), "checked today is fine");
        // Before the audit that found it started: the action cannot come first.
        c.ncs[0].1.checked_on = parse("2026-08-19").ok();
        let found = run(&c);
        assert_eq!(rules(&c), ["nc-check-date"]);
        assert!(
            found[0].message.contains("before the audit IA-2026-01"),
            "{}",
            found[0].message
        );
        // Without an actual start, the planned start counts.
        c.audits[0].1.actual_start = None;
        c.audits[0].1.planned_start = parse("2026-08-25").ok();
        c.ncs[0].1.checked_on = parse("2026-08-24").ok();
        assert_eq!(rules(&c), ["nc-check-date"]);
        c.ncs[0].1.checked_on = parse("2026-08-25").ok();
        assert!(run(&c).is_empty());
        // Checked while the corrective action is only planned.
        c.ncs[0].1.status = NcStatus::ActionPlanned;
        let found = run(&c);
        assert_eq!(rules(&c), ["nc-check-date"]);
        assert!(
            found[0].message.contains("not yet implemented"),
            "{}",
            found[0].message
        );
        // No check recorded: nothing to date.
        c.ncs[0].1.checked_on = None;
        assert!(run(&c).is_empty());
    }

    #[test]
    fn management_review_rules() {
        let mut c = clean();
        c.reviews.clear();
        assert_eq!(rules(&c), ["no-management-review"]);
        let mut c = clean();
        c.reviews[0].1.date = parse("2025-10-01").ok();
        c.audits[0].1.actual_end = parse("2025-09-01").ok();
        assert_eq!(rules(&c), ["management-review-old"]);
        let mut c = clean();
        c.audits[0].1.actual_end = parse("2026-11-01").ok();
        assert_eq!(rules(&c), ["review-before-audit"]);
        let mut c = clean();
        c.reviews[0].1.status = ReviewStatus::Draft;
        assert_eq!(
            rules(&c),
            ["no-management-review"],
            "a draft is not a review held"
        );
    }

    #[test]
    fn objective_rule() {
        let mut c = clean();
        c.measurements.clear();
        assert_eq!(rules(&c), ["objective-unmeasured"]);
    }

    #[test]
    fn required_document_rules() {
        use crate::domain::document::DocumentStatus;
        let mut c = clean();
        c.documents[0]
            .1
            .requirements
            .retain(|r| r != "5.2 e" && r != "A.5.1");
        let found = run(&c);
        let missing: Vec<(&str, &str)> = found
            .iter()
            .filter(|f| f.rule == "required-document-missing")
            .map(|f| (f.clause, f.record.as_str()))
            .collect();
        assert_eq!(missing, [("5.2", "5.2 e"), ("A.5.1", "A.5.1")]);
        assert!(found.iter().all(|f| f.severity == Blocker));
        // A control link fulfils the Annex A requirement.
        c.documents[0].1.controls.push("5.1".into());
        assert_eq!(rules(&c), ["required-document-missing"]);
        // Not applicable: not expected.
        let mut c = clean();
        c.documents[0].1.requirements.retain(|r| r != "A.5.1");
        c.soa[0].1.applicability = Applicability::No;
        c.soa[0].1.justification = "x".into();
        assert_eq!(rules(&c), Vec::<&str>::new());
        // Only a draft: not approved, a blocker too.
        let mut c = clean();
        c.documents[0].1.status = DocumentStatus::Draft;
        let found = run(&c);
        // 16 clause requirements and A.5.1, less the 6 the clean workspace's records fulfil
        // (4.3, 6.1.2, 6.1.3 d, 6.1.3 e, 8.2, 9.3.3).
        assert_eq!(found.len(), 11, "{found:#?}");
        assert!(found
            .iter()
            .all(|f| f.rule == "required-document-not-approved" && f.severity == Blocker));
        assert!(found[0].message.contains("DOC-001"), "{}", found[0].message);
        // Retired: missing.
        c.documents[0].1.status = DocumentStatus::Retired;
        assert!(rules(&c).iter().all(|r| *r == "required-document-missing"));
    }

    /// The requirement keys `required-document-missing` names.
    fn missing(c: &Clean) -> Vec<String> {
        run(c)
            .into_iter()
            .filter(|f| f.rule == "required-document-missing")
            .map(|f| f.record)
            .collect()
    }

    #[test]
    fn the_workbench_records_fulfil_what_they_hold_without_a_document() {
        use crate::domain::audit::{AuditStatus, NcGrade};
        use crate::domain::document::DocumentStatus;
        let mut c = clean();
        // Only the policy documents remain: the rest must come from the records.
        c.documents[0].1.requirements = vec!["5.2 e".into(), "A.5.1".into()];
        c.risks[0].1.residual_likelihood = Some(1);
        c.risks[0].1.residual_impact = Some(1);
        c.risks[0].1.accept("CISO", day("2026-11-28"), None);
        c.objectives[0].1.measure = "Patched in 14 days".into();
        c.objectives[0].1.target = "95%".into();
        c.audits[0].1.status = AuditStatus::Reported;
        c.ncs.push((
            "NC-001".into(),
            Nonconformity {
                statement: "Backups untested".into(),
                grade: NcGrade::Minor,
                corrective_action: "Quarterly restore test".into(),
                checked_by: "Auditor".into(),
                checked_on: parse("2026-11-01").ok(),
                check_result: "Restored".into(),
                due_date: parse("2027-01-01").ok(),
                status: NcStatus::Implemented,
                ..Nonconformity::default()
            },
        ));
        // What no record of the workbench holds is still asked of documents.
        let documents_only = ["6.1.3", "7.2 d", "8.1", "9.1"];
        assert_eq!(missing(&c), documents_only);
        let in_place = crate::domain::document::required_documents(&ws(&c));
        let scope = in_place
            .iter()
            .find(|e| e.requirement.key == "4.3")
            .unwrap();
        assert_eq!(
            scope.state_text(),
            "in place (in the workbench: 01-scope/isms-scope.md)"
        );
        assert!(scope.documents.is_empty(), "no document record needed");

        // Break each record once: its requirement is missing again, and only it.
        type Break = fn(&mut Clean);
        let breaks: [(&[&str], Break); 10] = [
            (&["4.3"], |c| c.workspace.scope_statement = " ".into()),
            (&["6.1.2", "6.1.3 e", "8.2", "8.3"], |c| {
                c.risks[0].1.status = RiskStatus::Identified
            }),
            (&["6.1.3 d"], |c| c.soa_approved = None),
            (&["6.1.3 d"], |c| {
                c.soa[0].1.applicability = Applicability::Undecided
            }),
            (&["6.1.3 e"], |c| {
                c.risks.push((
                    "R-002".into(),
                    Risk {
                        title: "Outage".into(),
                        likelihood: 5,
                        impact: 5,
                        status: RiskStatus::Assessed,
                        ..Risk::default()
                    },
                ))
            }),
            (&["8.3"], |c| c.risks[0].1.residual_impact = Some(2)),
            (&["6.2 g"], |c| c.objectives[0].1.target.clear()),
            (&["9.2.2"], |c| {
                c.audits[0].1.status = AuditStatus::InProgress
            }),
            (&["9.3.3"], |c| c.reviews[0].1.status = ReviewStatus::Draft),
            (&["10.2 f", "10.2 g"], |c| c.ncs.clear()),
        ];
        for (keys, break_it) in breaks {
            let mut broken = c.clone();
            break_it(&mut broken);
            let mut expected: Vec<String> = documents_only
                .iter()
                .chain(keys.iter())
                .map(|k| k.to_string())
                .collect();
            let order = |k: &String| {
                crate::domain::document::requirements()
                    .iter()
                    .position(|r| &r.key == k)
            };
            expected.sort_by_key(order);
            assert_eq!(missing(&broken), expected, "breaking {keys:?}");
        }
        // An NC without its corrective action: 10.2 f is not held.
        let mut broken = c.clone();
        broken.ncs[0].1.corrective_action.clear();
        assert!(missing(&broken).contains(&"10.2 f".to_string()));
        assert!(!missing(&broken).contains(&"10.2 g".to_string()));
        // A draft document does not hide what the records hold.
        let mut drafted = c.clone();
        drafted.documents[0].1.status = DocumentStatus::Draft;
        assert_eq!(missing(&drafted), documents_only);
        assert!(rules(&drafted).contains(&"required-document-not-approved"));
    }

    #[test]
    fn document_review_rule() {
        let mut c = clean();
        c.documents[0].1.next_review = parse("2026-11-27").ok();
        let found = run(&c);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, found[0].severity, found[0].clause),
            ("document-review-overdue", Warning, "7.5")
        );
        assert_eq!(found[0].record, "DOC-001");
        c.documents[0].1.next_review = parse("2026-11-28").ok();
        assert!(run(&c).is_empty(), "due today is not overdue");
    }

    #[test]
    fn blockers_come_first() {
        let mut c = clean();
        c.measurements.clear();
        c.workspace.scope_statement.clear();
        let found = run(&c);
        assert_eq!(found[0].severity, Blocker);
        assert_eq!(found.last().unwrap().severity, Warning);
    }
}
