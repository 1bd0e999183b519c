//! Management review (9.3) and security objectives (6.2): meetings whose inputs a-g are
//! compiled from the workspace and frozen when the meeting is held, decisions and actions,
//! and objectives with measurements over time.
//!
//! Every input is compiled by a pure function over the workspace's records, so each can be
//! tested against a constructed workspace.

use super::audit::{Audit, ChecklistItem, Finding, Nonconformity};
use super::changelog::{ChangeEntry, Operation};
use super::dates::Date;
use super::method::RiskMethod;
use super::risk::{AcceptanceState, Risk};
use super::validation::{require, FieldError};
use super::words;

choice_enum! {
    ReviewStatus {
        Draft => "draft", "Draft";
        Held => "held", "Held";
        Approved => "approved", "Approved";
    }
}

choice_enum! {
    ActionStatus {
        Open => "open", "Open";
        InProgress => "in_progress", "In progress";
        Done => "done", "Done";
        Dropped => "dropped", "Dropped";
    }
}

choice_enum! {
    ObjectiveStatus {
        OnTrack => "on_track", "On track";
        AtRisk => "at_risk", "At risk";
        Met => "met", "Met";
        Missed => "missed", "Missed";
    }
}

/// The inputs of 9.3.2, in order: key, heading (our own words).
pub const INPUTS: [(&str, &str); 7] = [
    ("a", "Actions from earlier reviews"),
    ("b", "Changes in internal and external issues"),
    ("c", "Changes in interested parties' needs and expectations"),
    (
        "d",
        "Information security performance: nonconformities, measurements, audits, objectives",
    ),
    ("e", "Feedback from interested parties"),
    ("f", "Risk assessment results and the risk treatment plan"),
    ("g", "Opportunities for improvement"),
];

/// A management review meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub date: Option<Date>,
    pub chair: String,
    pub attendees: String,
    pub status: ReviewStatus,
    /// The compiled summary of each input a-g, frozen when the meeting is held.
    pub inputs: [String; 7],
    /// Discussion notes per input a-g.
    pub notes: [String; 7],
    /// Input e, typed in.
    pub feedback: String,
    /// Input g's items typed in, besides the audits' OFIs.
    pub improvements: String,
    /// Results (9.3.3): decisions on continual improvement, and changes needed to the ISMS.
    pub decisions: String,
    pub changes: String,
}

impl Default for Review {
    fn default() -> Self {
        Review {
            date: None,
            chair: String::new(),
            attendees: String::new(),
            status: ReviewStatus::Draft,
            inputs: Default::default(),
            notes: Default::default(),
            feedback: String::new(),
            improvements: String::new(),
            decisions: String::new(),
            changes: String::new(),
        }
    }
}

impl Review {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.status != ReviewStatus::Draft {
            if self.date.is_none() {
                errors.push(FieldError::new("date", "A held review needs its date."));
            }
            require(&mut errors, "chair", &self.chair, "A chair");
            if self.inputs.iter().all(|input| input.trim().is_empty()) {
                errors.push(FieldError::new(
                    "status",
                    "Compile the inputs (c) before holding the review.",
                ));
            }
        }
        errors
    }

    /// Input `index` as the minutes show it: the compiled summary, with the feedback (e) and
    /// the improvement items (g) typed in at the meeting.
    pub fn input_text(&self, index: usize) -> String {
        let compiled = self
            .inputs
            .get(index)
            .map(String::as_str)
            .unwrap_or("")
            .trim();
        let typed = match INPUTS.get(index).map(|(letter, _)| *letter) {
            Some("e") => self.feedback.trim(),
            Some("g") => self.improvements.trim(),
            _ => "",
        };
        match (compiled.is_empty(), typed.is_empty()) {
            (_, true) => compiled.to_string(),
            (true, false) => typed.to_string(),
            // For e the typed feedback is the input; for g it adds to the audits' OFIs.
            (false, false) if INPUTS[index].0 == "e" => typed.to_string(),
            (false, false) => format!("{compiled}\nAlso raised:\n{typed}"),
        }
    }

    /// What may not change once the meeting is held: its status cannot go back to draft, and
    /// its inputs (with the feedback and items typed for e and g) stay as they were; once
    /// approved, nothing changes.
    pub fn validate_change(&self, old: &Review) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if old.status == ReviewStatus::Draft {
            return errors;
        }
        if old.status == ReviewStatus::Approved && self != old {
            errors.push(FieldError::new(
                "status",
                "An approved review's minutes cannot change.",
            ));
        } else if self.status == ReviewStatus::Draft {
            errors.push(FieldError::new(
                "status",
                "A held review cannot go back to draft: its inputs are frozen.",
            ));
        } else if self.inputs != old.inputs
            || self.feedback != old.feedback
            || self.improvements != old.improvements
        {
            errors.push(FieldError::new(
                "status",
                "A held review's inputs are frozen as they were at the meeting.",
            ));
        }
        errors
    }

    /// Inputs can be compiled again only while the meeting is a draft.
    pub fn can_compile(&self) -> bool {
        self.status == ReviewStatus::Draft
    }
}

/// An action decided at a review (9.3.3), carried into the next review's input a.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewAction {
    pub review: String,
    pub description: String,
    pub owner: String,
    pub due_date: Option<Date>,
    pub status: ActionStatus,
}

impl ReviewAction {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(
            &mut errors,
            "description",
            &self.description,
            "A description",
        );
        errors
    }

    pub fn is_overdue(&self, today: Date) -> bool {
        matches!(self.status, ActionStatus::Open | ActionStatus::InProgress)
            && self.due_date.is_some_and(|d| d < today)
    }
}

/// A security objective (6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub statement: String,
    pub measure: String,
    /// The target in words ("95% or more").
    pub target: String,
    /// The target as a number, for trends; with which direction is better.
    pub target_value: Option<f64>,
    pub higher_is_better: bool,
    pub owner: String,
    pub due_date: Option<Date>,
    pub status: ObjectiveStatus,
}

impl Default for Objective {
    /// A new objective: nothing written yet, on track, and "more is better" as most measures are.
    fn default() -> Objective {
        Objective {
            statement: String::new(),
            measure: String::new(),
            target: String::new(),
            target_value: None,
            higher_is_better: true,
            owner: String::new(),
            due_date: None,
            status: ObjectiveStatus::OnTrack,
        }
    }
}

impl Objective {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(&mut errors, "statement", &self.statement, "A statement");
        errors
    }
}

/// One measurement of an objective.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub objective: String,
    pub date: Date,
    pub value: f64,
    pub note: String,
}

/// Everything the inputs are compiled from.
pub struct ReviewWorkspace<'a> {
    pub today: Date,
    /// The previous held review's date: changes since then count.
    pub since: Option<Date>,
    /// Actions decided at earlier reviews.
    pub actions: &'a [(String, ReviewAction)],
    /// Change-log entries of context issues and of interested parties.
    pub issue_changes: &'a [ChangeEntry],
    pub party_changes: &'a [ChangeEntry],
    pub ncs: &'a [(String, Nonconformity)],
    pub objectives: &'a [(String, Objective)],
    pub measurements: &'a [Measurement],
    pub audits: &'a [(String, Audit)],
    pub items: &'a [ChecklistItem],
    pub risks: &'a [(String, Risk)],
    pub method: &'a RiskMethod,
}

/// The latest review held on or before `today`, with its date: the one 9.3 and the readiness
/// rules count, and whose minutes fulfil 9.3.3.
pub fn last_held(reviews: &[(String, Review)], today: Date) -> Option<(Date, &String)> {
    reviews
        .iter()
        .filter(|(_, r)| r.status != ReviewStatus::Draft)
        .filter_map(|(reference, r)| r.date.filter(|d| *d <= today).map(|d| (d, reference)))
        .max()
}

/// Audits completed after `since` and by `today`.
fn completed_between(audit: &Audit, since: Option<Date>, today: Date) -> bool {
    after(audit.actual_end, since) && audit.actual_end.is_some_and(|end| end <= today)
}

fn after(date: Option<Date>, since: Option<Date>) -> bool {
    match (date, since) {
        (Some(date), Some(since)) => date > since,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn changed_since(entry: &ChangeEntry, since: Option<Date>) -> bool {
    let date = super::dates::parse(entry.at.get(..10).unwrap_or("")).ok();
    since.is_none() || after(date, since)
}

fn since_text(since: Option<Date>) -> String {
    since
        .map(|d| format!("since the last review ({d})"))
        .unwrap_or_else(|| "since the ISMS began (no earlier review)".into())
}

/// (a) The actions of earlier reviews and where they stand.
pub fn input_actions(ws: &ReviewWorkspace<'_>) -> String {
    if ws.actions.is_empty() {
        return "No actions from earlier reviews.".into();
    }
    let count = |status: ActionStatus| {
        ws.actions
            .iter()
            .filter(|(_, a)| a.status == status)
            .count()
    };
    let overdue = ws
        .actions
        .iter()
        .filter(|(_, a)| a.is_overdue(ws.today))
        .count();
    let mut lines = vec![format!(
        "{}: {} done, {} in progress, {} open ({} overdue), {} dropped.",
        words::count(ws.actions.len(), "action", "actions"),
        count(ActionStatus::Done),
        count(ActionStatus::InProgress),
        count(ActionStatus::Open),
        overdue,
        count(ActionStatus::Dropped)
    )];
    for (reference, action) in ws.actions {
        let due = action
            .due_date
            .map(|d| format!(", due {d}"))
            .unwrap_or_default();
        let late = if action.is_overdue(ws.today) {
            " (overdue)"
        } else {
            ""
        };
        lines.push(format!(
            "- {reference} {} ({}{due}{late}; {})",
            action.description,
            action.status.label(),
            action.owner
        ));
    }
    lines.join("\n")
}

/// (b) and (c): what changed in a register since the last review, from the change log.
fn input_changes(entries: &[ChangeEntry], since: Option<Date>, noun: &str) -> String {
    let recent: Vec<&ChangeEntry> = entries.iter().filter(|e| changed_since(e, since)).collect();
    if recent.is_empty() {
        return format!("No changes to the {noun} {}.", since_text(since));
    }
    let mut records: Vec<&str> = recent.iter().map(|e| e.record.as_str()).collect();
    records.sort();
    records.dedup();
    // Each record counts once, by its first and last change in the window: created and then
    // deleted is neither added nor removed; created is added; deleted is removed; the rest
    // were updated.
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    let mut shown: Vec<&str> = Vec::new();
    for record in &records {
        let ops: Vec<Operation> = recent
            .iter()
            .filter(|e| e.record == *record)
            .map(|e| e.operation)
            .collect();
        let created = ops.first() == Some(&Operation::Create);
        let deleted = ops.last() == Some(&Operation::Delete);
        match (created, deleted) {
            (true, true) => continue,
            (true, false) => added += 1,
            (false, true) => removed += 1,
            (false, false) => changed += 1,
        }
        shown.push(record);
    }
    let records = shown;
    if records.is_empty() {
        return format!("No changes to the {noun} {}.", since_text(since));
    }
    format!(
        "{} {} {} changed {}: {added} added, {changed} updated, {removed} removed ({}).",
        records.len(),
        noun,
        if records.len() == 1 {
            "record"
        } else {
            "records"
        },
        since_text(since),
        records.join(", ")
    )
}

pub fn input_issues(ws: &ReviewWorkspace<'_>) -> String {
    input_changes(ws.issue_changes, ws.since, "context issue")
}

pub fn input_parties(ws: &ReviewWorkspace<'_>) -> String {
    input_changes(ws.party_changes, ws.since, "interested party")
}

/// d1: nonconformities and corrective actions, with the trend since the last review.
pub fn input_nonconformities(ws: &ReviewWorkspace<'_>) -> String {
    let open = ws.ncs.iter().filter(|(_, n)| !n.status.is_done()).count();
    let closed = ws.ncs.len() - open;
    let overdue = ws
        .ncs
        .iter()
        .filter(|(_, n)| n.is_overdue(ws.today))
        .count();
    let major = ws
        .ncs
        .iter()
        .filter(|(_, n)| !n.status.is_done() && n.grade == super::audit::NcGrade::Major)
        .count();
    // Raised since the last review: nonconformities of audits held since then.
    let recent_audits: Vec<&str> = ws
        .audits
        .iter()
        .filter(|(_, a)| completed_between(a, ws.since, ws.today))
        .map(|(r, _)| r.as_str())
        .collect();
    let raised = ws
        .ncs
        .iter()
        .filter(|(_, n)| recent_audits.contains(&n.audit.as_str()))
        .count();
    format!(
        "Nonconformities: {} in all, {open} open ({major} major, {overdue} overdue), {closed} closed after an effectiveness check; {raised} raised by audits {}.",
        ws.ncs.len(),
        since_text(ws.since)
    )
}

fn trend(values: &[f64], higher_is_better: bool) -> &'static str {
    match values {
        [.., before, last] if (last - before).abs() < f64::EPSILON => "steady",
        [.., before, last] if (last > before) == higher_is_better => "improving",
        [.., _, _] => "worsening",
        _ => "one measurement",
    }
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// d2: monitoring and measurement: each objective's measurements and their trend.
pub fn input_measurements(ws: &ReviewWorkspace<'_>) -> String {
    if ws.objectives.is_empty() {
        return "No objectives are measured yet.".into();
    }
    let mut lines = Vec::new();
    for (reference, objective) in ws.objectives {
        // Only what was known on the day the inputs are compiled for.
        let mut series: Vec<&Measurement> = ws
            .measurements
            .iter()
            .filter(|m| m.objective == *reference && m.date <= ws.today)
            .collect();
        series.sort_by_key(|m| m.date);
        if series.is_empty() {
            lines.push(format!(
                "- {reference} {}: not measured yet",
                objective.statement
            ));
            continue;
        }
        let values: Vec<f64> = series.iter().map(|m| m.value).collect();
        let shown: Vec<String> = values.iter().map(|v| number(*v)).collect();
        lines.push(format!(
            "- {reference} {}: {} (target {}; {})",
            objective.statement,
            shown.join(" → "),
            objective.target,
            trend(&values, objective.higher_is_better)
        ));
    }
    lines.join("\n")
}

/// d3: audit results since the last review, by kind.
pub fn input_audits(ws: &ReviewWorkspace<'_>) -> String {
    let held: Vec<&(String, Audit)> = ws
        .audits
        .iter()
        .filter(|(_, a)| completed_between(a, ws.since, ws.today))
        .collect();
    if held.is_empty() {
        return format!("No audits were completed {}.", since_text(ws.since));
    }
    let mut lines = Vec::new();
    for (reference, audit) in held {
        let items: Vec<&ChecklistItem> =
            ws.items.iter().filter(|i| i.audit == *reference).collect();
        let count = |f: Finding| items.iter().filter(|i| i.result == f).count();
        lines.push(format!(
            "- {reference} {}: {}; {} conforming, {}, {}, {}, {}, {} not audited",
            audit.title,
            words::count(items.len(), "item", "items"),
            count(Finding::Conforming),
            words::count(count(Finding::Observation), "observation", "observations"),
            words::count(count(Finding::Improvement), "OFI", "OFIs"),
            words::count(count(Finding::MinorNc), "minor NC", "minor NCs"),
            words::count(count(Finding::MajorNc), "major NC", "major NCs"),
            count(Finding::NotAudited)
        ));
    }
    lines.join("\n")
}

/// d4: how far the objectives are met.
pub fn input_objectives(ws: &ReviewWorkspace<'_>) -> String {
    if ws.objectives.is_empty() {
        return "No security objectives are set.".into();
    }
    let count = |s: ObjectiveStatus| ws.objectives.iter().filter(|(_, o)| o.status == s).count();
    let at_risk: Vec<&str> = ws
        .objectives
        .iter()
        .filter(|(_, o)| matches!(o.status, ObjectiveStatus::AtRisk | ObjectiveStatus::Missed))
        .map(|(r, _)| r.as_str())
        .collect();
    format!(
        "{}: {} met, {} on track, {} at risk, {} missed{}.",
        words::count(ws.objectives.len(), "objective", "objectives"),
        count(ObjectiveStatus::Met),
        count(ObjectiveStatus::OnTrack),
        count(ObjectiveStatus::AtRisk),
        count(ObjectiveStatus::Missed),
        if at_risk.is_empty() {
            String::new()
        } else {
            format!(" (needing attention: {})", at_risk.join(", "))
        }
    )
}

/// (d) together: d1 to d4.
pub fn input_performance(ws: &ReviewWorkspace<'_>) -> String {
    format!(
        "d1 {}\nd2 Monitoring and measurement:\n{}\nd3 Audits:\n{}\nd4 {}",
        input_nonconformities(ws),
        input_measurements(ws),
        input_audits(ws),
        input_objectives(ws)
    )
}

/// (f) Risk assessment results and the treatment plan.
pub fn input_risks(ws: &ReviewWorkspace<'_>) -> String {
    let method = ws.method;
    let by_level: Vec<String> = method
        .bands
        .iter()
        .enumerate()
        .map(|(index, band)| {
            let n = ws
                .risks
                .iter()
                .filter(|(_, r)| method.band(r.current_score()).map(|(i, _)| i) == Some(index))
                .count();
            format!("{n} {}", band.name.to_lowercase())
        })
        .collect();
    let above = ws
        .risks
        .iter()
        // Accepting a risk does not carry out its treatment: an open modify / share / avoid
        // treatment keeps it open (see `Risk::needs_treatment`).
        .filter(|(_, r)| !method.is_acceptable(r.current_score()) && r.needs_treatment(method))
        .count();
    let untreated = ws
        .risks
        .iter()
        .filter(|(_, r)| !method.is_acceptable(r.score()) && r.treatment.is_none())
        .count();
    let stale = ws
        .risks
        .iter()
        .filter(|(_, r)| r.acceptance_state(ws.today) == AcceptanceState::Stale)
        .count();
    let expired = ws
        .risks
        .iter()
        .filter(|(_, r)| r.acceptance_state(ws.today) == AcceptanceState::Expired)
        .count();
    let overdue = ws
        .risks
        .iter()
        .filter(|(_, r)| r.is_overdue(ws.today))
        .count();
    format!(
        "{} by current level: {}. {above} above the acceptance threshold and still open; {untreated} above it with no treatment chosen; {} overdue; {} stale and {expired} expired.",
        words::count(ws.risks.len(), "risk", "risks"),
        by_level.join(", "),
        words::count(overdue, "treatment", "treatments"),
        words::count(stale, "acceptance", "acceptances"),
    )
}

/// (g) The audits' opportunities for improvement since the last review.
pub fn input_improvements(ws: &ReviewWorkspace<'_>) -> String {
    let recent: Vec<&str> = ws
        .audits
        .iter()
        .filter(|(_, a)| completed_between(a, ws.since, ws.today))
        .map(|(r, _)| r.as_str())
        .collect();
    let ofis: Vec<String> = ws
        .items
        .iter()
        .filter(|i| i.result == Finding::Improvement && recent.contains(&i.audit.as_str()))
        .map(|i| {
            let text = if i.notes.trim().is_empty() {
                &i.evidence
            } else {
                &i.notes
            };
            format!(
                "- {} {}: {}",
                i.audit,
                i.target.label(),
                text.replace('\n', " ")
            )
        })
        .collect();
    if ofis.is_empty() {
        format!(
            "No opportunities for improvement from audits {}.",
            since_text(ws.since)
        )
    } else {
        format!("{} from audits:\n{}", ofis.len(), ofis.join("\n"))
    }
}

/// Every input a-g compiled; e holds the typed feedback.
pub fn compile(ws: &ReviewWorkspace<'_>, feedback: &str) -> [String; 7] {
    [
        input_actions(ws),
        input_issues(ws),
        input_parties(ws),
        input_performance(ws),
        if feedback.trim().is_empty() {
            "No feedback recorded yet.".into()
        } else {
            feedback.trim().to_string()
        },
        input_risks(ws),
        input_improvements(ws),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{NcGrade, NcStatus, Target};
    use crate::domain::dates::parse;
    use crate::domain::risk::{RiskStatus, Treatment};

    fn day(text: &str) -> Date {
        parse(text).unwrap()
    }

    fn entry(record: &str, at: &str, operation: Operation) -> ChangeEntry {
        ChangeEntry {
            seq: 1,
            at: format!("{at}T10:00:00Z"),
            actor: "a".into(),
            record: record.into(),
            operation,
            field: "description".into(),
            old: None,
            new: None,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    struct Fixture {
        actions: Vec<(String, ReviewAction)>,
        issues: Vec<ChangeEntry>,
        ncs: Vec<(String, Nonconformity)>,
        objectives: Vec<(String, Objective)>,
        measurements: Vec<Measurement>,
        audits: Vec<(String, Audit)>,
        items: Vec<ChecklistItem>,
        risks: Vec<(String, Risk)>,
        method: RiskMethod,
    }

    fn fixture() -> Fixture {
        let action = |status, due: &str| ReviewAction {
            review: "MR-2026-01".into(),
            description: "Fix".into(),
            owner: "CISO".into(),
            due_date: parse(due).ok(),
            status,
        };
        let audit = Audit {
            title: "Full audit".into(),
            lead_auditor: "Ruth".into(),
            actual_end: parse("2026-09-01").ok(),
            ..Audit::default()
        };
        let item = |label: &str, result| ChecklistItem {
            audit: "IA-2026-01".into(),
            target: Target::parse(label),
            question: String::new(),
            result,
            evidence: "seen".into(),
            records: String::new(),
            notes: String::new(),
        };
        let nc = |status, due: &str| Nonconformity {
            audit: "IA-2026-01".into(),
            statement: "x".into(),
            grade: NcGrade::Minor,
            status,
            due_date: parse(due).ok(),
            ..Nonconformity::default()
        };
        let objective = |status| Objective {
            statement: "Patch fast".into(),
            measure: "% in 14 days".into(),
            target: "95%".into(),
            target_value: Some(95.0),
            higher_is_better: true,
            owner: "CTO".into(),
            due_date: None,
            status,
        };
        Fixture {
            actions: vec![
                ("ACT-001".into(), action(ActionStatus::Done, "2026-10-01")),
                ("ACT-002".into(), action(ActionStatus::Open, "2026-11-01")),
            ],
            issues: vec![
                entry("ISS-001", "2026-06-01", Operation::Update),
                entry("ISS-004", "2026-10-02", Operation::Create),
                entry("ISS-002", "2026-10-03", Operation::Update),
            ],
            ncs: vec![
                ("NC-001".into(), nc(NcStatus::Closed, "2026-10-01")),
                ("NC-002".into(), nc(NcStatus::ActionPlanned, "2026-11-20")),
            ],
            objectives: vec![
                ("OBJ-01".into(), objective(ObjectiveStatus::OnTrack)),
                ("OBJ-02".into(), objective(ObjectiveStatus::AtRisk)),
            ],
            measurements: vec![
                Measurement {
                    objective: "OBJ-01".into(),
                    date: day("2026-09-01"),
                    value: 90.0,
                    note: String::new(),
                },
                Measurement {
                    objective: "OBJ-01".into(),
                    date: day("2026-06-01"),
                    value: 82.0,
                    note: String::new(),
                },
                Measurement {
                    objective: "OBJ-01".into(),
                    date: day("2026-11-01"),
                    value: 96.5,
                    note: String::new(),
                },
            ],
            audits: vec![("IA-2026-01".into(), audit)],
            items: vec![
                item("4.1", Finding::Conforming),
                item("A.8.13", Finding::MinorNc),
                item("6.3", Finding::Improvement),
            ],
            risks: vec![
                (
                    "R-001".into(),
                    Risk {
                        title: "big".into(),
                        owner: "o".into(),
                        likelihood: 5,
                        impact: 5,
                        status: RiskStatus::Assessed,
                        ..Risk::default()
                    },
                ),
                (
                    "R-002".into(),
                    Risk {
                        title: "small".into(),
                        likelihood: 1,
                        impact: 2,
                        treatment: Some(Treatment::Retain),
                        ..Risk::default()
                    },
                ),
            ],
            method: RiskMethod::standard(5),
        }
    }

    fn workspace(f: &Fixture, since: Option<Date>) -> ReviewWorkspace<'_> {
        ReviewWorkspace {
            today: day("2026-11-28"),
            since,
            actions: &f.actions,
            issue_changes: &f.issues,
            party_changes: &[],
            ncs: &f.ncs,
            objectives: &f.objectives,
            measurements: &f.measurements,
            audits: &f.audits,
            items: &f.items,
            risks: &f.risks,
            method: &f.method,
        }
    }

    #[test]
    fn a_actions_with_their_status() {
        let f = fixture();
        let text = input_actions(&workspace(&f, None));
        assert!(
            text.starts_with("2 actions: 1 done, 0 in progress, 1 open (1 overdue), 0 dropped."),
            "{text}"
        );
        assert!(
            text.contains("ACT-002 Fix (Open, due 2026-11-01 (overdue)"),
            "{text}"
        );
    }

    #[test]
    fn b_and_c_count_changes_since_the_last_review() {
        let f = fixture();
        let text = input_issues(&workspace(&f, parse("2026-09-30").ok()));
        assert!(text.starts_with("2 context issue records changed since the last review (2026-09-30): 1 added, 1 updated, 0 removed (ISS-002, ISS-004)."), "{text}");
        assert_eq!(
            input_parties(&workspace(&f, None)),
            "No changes to the interested party since the ISMS began (no earlier review)."
        );
        // A record made and removed within the window counts as neither.
        let churn = vec![
            entry("ISS-009", "2026-10-05", Operation::Create),
            entry("ISS-009", "2026-10-06", Operation::Delete),
            entry("ISS-002", "2026-10-07", Operation::Update),
        ];
        let text = input_changes(&churn, parse("2026-09-30").ok(), "context issue");
        assert!(
            text.contains("0 added, 1 updated, 0 removed (ISS-002)"),
            "{text}"
        );
    }

    #[test]
    fn d_performance() {
        let f = fixture();
        let ws = workspace(&f, parse("2026-08-01").ok());
        assert!(
            input_nonconformities(&ws).contains("2 in all, 1 open (0 major, 1 overdue), 1 closed"),
            "{}",
            input_nonconformities(&ws)
        );
        assert!(input_nonconformities(&ws).contains("2 raised by audits since the last review"));
        let measured = input_measurements(&ws);
        assert!(
            measured.contains("OBJ-01 Patch fast: 82 → 90 → 96.5 (target 95%; improving)"),
            "{measured}"
        );
        assert!(
            measured.contains("OBJ-02 Patch fast: not measured yet"),
            "{measured}"
        );
        let audits = input_audits(&ws);
        assert!(
            audits
                .contains("3 items; 1 conforming, 0 observations, 1 OFI, 1 minor NC, 0 major NCs"),
            "{audits}"
        );
        assert_eq!(
            input_audits(&workspace(&f, parse("2026-10-01").ok())),
            "No audits were completed since the last review (2026-10-01)."
        );
        assert!(input_objectives(&ws).contains(
            "2 objectives: 0 met, 1 on track, 1 at risk, 0 missed (needing attention: OBJ-02)."
        ));
    }

    #[test]
    fn f_risks_and_g_improvements() {
        let f = fixture();
        let ws = workspace(&f, None);
        let risks = input_risks(&ws);
        assert!(
            risks.starts_with("2 risks by current level: 1 low, 0 medium, 0 high, 1 critical."),
            "{risks}"
        );
        assert!(risks.contains("1 above the acceptance threshold and still open; 1 above it with no treatment chosen"), "{risks}");
        let ofis = input_improvements(&ws);
        assert!(
            ofis.starts_with("1 from audits:\n- IA-2026-01 6.3: seen"),
            "{ofis}"
        );
    }

    #[test]
    fn compile_fills_every_input_and_a_held_review_needs_them() {
        let f = fixture();
        let inputs = compile(&workspace(&f, None), "Customer asked about MFA");
        assert!(inputs.iter().all(|i| !i.is_empty()));
        assert_eq!(inputs[4], "Customer asked about MFA");
        let mut review = Review {
            status: ReviewStatus::Held,
            date: parse("2026-11-28").ok(),
            chair: "CEO".into(),
            ..Review::default()
        };
        assert_eq!(review.validate()[0].field, "status");
        review.inputs = inputs;
        assert!(review.validate().is_empty());
        assert!(!review.can_compile());
        review.improvements = "Automate evidence collection".into();
        assert!(review
            .input_text(6)
            .ends_with("Also raised:\nAutomate evidence collection"));
        review.feedback = "Insurer wants EDR evidence".into();
        assert_eq!(review.input_text(4), "Insurer wants EDR evidence");
    }
}
