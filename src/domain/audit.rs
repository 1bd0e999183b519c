//! Internal audit (9.2) and nonconformity with corrective action (10.2): the programme's
//! audits, their checklists, findings, nonconformities, coverage and auditor independence.

use std::collections::{HashMap, HashSet};

use super::dates::Date;
use super::validation::{require, FieldError};

choice_enum! {
    AuditStatus {
        Planned => "planned", "Planned";
        InProgress => "in_progress", "In progress";
        Reported => "reported", "Reported";
        Closed => "closed", "Closed";
    }
}

choice_enum! {
    /// What an auditor concluded about one checklist item.
    Finding {
        NotAudited => "not_audited", "Not yet audited";
        Conforming => "conforming", "Conforming";
        Observation => "observation", "Observation";
        Improvement => "ofi", "Opportunity for improvement";
        MinorNc => "minor_nc", "Minor nonconformity";
        MajorNc => "major_nc", "Major nonconformity";
    }
}

impl Finding {
    /// A short label for tables.
    pub fn short(self) -> &'static str {
        match self {
            Finding::NotAudited => "—",
            Finding::Conforming => "Conforming",
            Finding::Observation => "Observation",
            Finding::Improvement => "OFI",
            Finding::MinorNc => "Minor NC",
            Finding::MajorNc => "Major NC",
        }
    }

    /// Whether the auditor must write down what was found: an observation, an opportunity for
    /// improvement or a nonconformity (its note becomes the nonconformity's statement).
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            Finding::Observation | Finding::Improvement | Finding::MinorNc | Finding::MajorNc
        )
    }

    /// The grade of the nonconformity this finding raises, if it is one.
    pub fn grade(self) -> Option<NcGrade> {
        match self {
            Finding::MinorNc => Some(NcGrade::Minor),
            Finding::MajorNc => Some(NcGrade::Major),
            _ => None,
        }
    }
}

choice_enum! {
    NcGrade {
        Minor => "minor", "Minor";
        Major => "major", "Major";
    }
}

choice_enum! {
    /// Where a nonconformity was found.
    NcSource {
        InternalAudit => "internal_audit", "Internal audit";
        CertificationBody => "certification_body", "Certification body";
        Other => "other", "Other (incident, review, complaint)";
    }
}

choice_enum! {
    NcStatus {
        Open => "open", "Open";
        ActionPlanned => "action_planned", "Action planned";
        Implemented => "implemented", "Implemented";
        VerifiedEffective => "verified_effective", "Verified effective";
        Closed => "closed", "Closed";
    }
}

impl NcStatus {
    pub fn is_done(self) -> bool {
        matches!(self, NcStatus::VerifiedEffective | NcStatus::Closed)
    }
}

/// One audit of the programme (9.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub title: String,
    /// Clause ids in scope (4.1 ... 10.2).
    pub clauses: Vec<String>,
    /// Annex A control ids in scope.
    pub controls: Vec<String>,
    pub criteria: String,
    pub lead_auditor: String,
    /// Other auditors, separated by commas.
    pub auditors: String,
    pub independence_note: String,
    pub planned_start: Option<Date>,
    pub planned_end: Option<Date>,
    pub actual_start: Option<Date>,
    pub actual_end: Option<Date>,
    pub status: AuditStatus,
    pub conclusion: String,
}

impl Default for Audit {
    fn default() -> Self {
        Audit {
            title: String::new(),
            clauses: Vec::new(),
            controls: Vec::new(),
            criteria: String::new(),
            lead_auditor: String::new(),
            auditors: String::new(),
            independence_note: String::new(),
            planned_start: None,
            planned_end: None,
            actual_start: None,
            actual_end: None,
            status: AuditStatus::Planned,
            conclusion: String::new(),
        }
    }
}

impl Audit {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(&mut errors, "title", &self.title, "A title");
        require(
            &mut errors,
            "lead_auditor",
            &self.lead_auditor,
            "A lead auditor",
        );
        for (field, start, end) in [
            ("planned_end", self.planned_start, self.planned_end),
            ("actual_end", self.actual_start, self.actual_end),
        ] {
            if let (Some(start), Some(end)) = (start, end) {
                if end < start {
                    errors.push(FieldError::new(
                        field,
                        "The end cannot come before the start.",
                    ));
                }
            }
        }
        if matches!(self.status, AuditStatus::Reported | AuditStatus::Closed)
            && self.conclusion.trim().is_empty()
        {
            errors.push(FieldError::new(
                "conclusion",
                "A reported audit needs its conclusion.",
            ));
        }
        errors
    }

    /// Everyone auditing: the lead and the others.
    pub fn auditor_names(&self) -> Vec<String> {
        std::iter::once(self.lead_auditor.as_str())
            .chain(self.auditors.split(','))
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The year its reference carries: the planned start's, else the actual start's, else
    /// `fallback`'s (the day it is created).
    pub fn year(&self, fallback: Date) -> i32 {
        use chrono::Datelike;
        self.planned_start
            .or(self.actual_start)
            .unwrap_or(fallback)
            .year()
    }
}

/// What a checklist item examines.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Clause(String),
    Control(String),
}

impl Target {
    /// "9.2.2" for a clause, "A.8.13" for an Annex A control.
    pub fn label(&self) -> String {
        match self {
            Target::Clause(id) => id.clone(),
            Target::Control(id) => format!("A.{id}"),
        }
    }

    pub fn parse(label: &str) -> Target {
        match label.strip_prefix("A.") {
            Some(id) => Target::Control(id.to_string()),
            None => Target::Clause(label.to_string()),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Target::Clause(_) => "clause",
            Target::Control(_) => "control",
        }
    }
}

/// One line of an audit's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// The audit's reference.
    pub audit: String,
    pub target: Target,
    pub question: String,
    pub result: Finding,
    pub evidence: String,
    pub records: String,
    pub notes: String,
}

impl ChecklistItem {
    /// A finding needs a note of what was found.
    pub fn validate(&self) -> Vec<FieldError> {
        if self.result.needs_note() && self.notes.trim().is_empty() {
            let what = match self.result {
                Finding::Observation => "An observation",
                Finding::Improvement => "An opportunity for improvement",
                _ => "A nonconformity",
            };
            return vec![FieldError::new(
                "notes",
                format!("{what} needs a note: what was found, and where."),
            )];
        }
        Vec::new()
    }

    /// Items are referenced as "IA-2026-01/9.2.2" and "IA-2026-01/A.8.13".
    pub fn reference(&self) -> String {
        format!("{}/{}", self.audit, self.target.label())
    }
}

/// The checklist an audit's scope calls for: its clauses in catalogue order, then its
/// controls that the SoA holds applicable, in Annex A order.
pub fn checklist_targets(
    audit: &Audit,
    clauses_in_order: &[String],
    applicable_controls_in_order: &[String],
) -> Vec<Target> {
    let clauses = clauses_in_order
        .iter()
        .filter(|id| audit.clauses.contains(id))
        .map(|id| Target::Clause(id.clone()));
    let controls = applicable_controls_in_order
        .iter()
        .filter(|id| audit.controls.contains(id))
        .map(|id| Target::Control(id.clone()));
    clauses.chain(controls).collect()
}

/// A nonconformity (10.2) and what is done about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nonconformity {
    pub source: NcSource,
    /// The audit and checklist item it came from, if any.
    pub audit: String,
    pub item: String,
    pub statement: String,
    pub evidence: String,
    pub grade: NcGrade,
    pub correction: String,
    pub root_cause: String,
    pub corrective_action: String,
    pub owner: String,
    pub due_date: Option<Date>,
    pub status: NcStatus,
    pub checked_by: String,
    pub checked_on: Option<Date>,
    pub check_result: String,
}

impl Default for Nonconformity {
    fn default() -> Self {
        Nonconformity {
            source: NcSource::InternalAudit,
            audit: String::new(),
            item: String::new(),
            statement: String::new(),
            evidence: String::new(),
            grade: NcGrade::Minor,
            correction: String::new(),
            root_cause: String::new(),
            corrective_action: String::new(),
            owner: String::new(),
            due_date: None,
            status: NcStatus::Open,
            checked_by: String::new(),
            checked_on: None,
            check_result: String::new(),
        }
    }
}

impl Nonconformity {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(
            &mut errors,
            "statement",
            &self.statement,
            "A statement of the nonconformity",
        );
        if self.status.is_done() {
            let message =
                "Closing needs the effectiveness check: who checked, when, and what they found.";
            if self.checked_by.trim().is_empty() {
                errors.push(FieldError::new("checked_by", message));
            } else if self.checked_on.is_none() {
                errors.push(FieldError::new("checked_on", message));
            } else if self.check_result.trim().is_empty() {
                errors.push(FieldError::new("check_result", message));
            }
        }
        errors
    }

    pub fn is_overdue(&self, today: Date) -> bool {
        !self.status.is_done() && self.due_date.is_some_and(|due| due < today)
    }
}

/// What the audit programme has covered: items are audited once they have a result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub clauses_audited: Vec<String>,
    pub clauses_missing: Vec<String>,
    pub controls_audited: Vec<String>,
    pub controls_missing: Vec<String>,
}

pub fn coverage<'a>(
    clauses: &[String],
    applicable_controls: &[String],
    items: impl IntoIterator<Item = &'a ChecklistItem>,
) -> Coverage {
    let audited: std::collections::HashSet<Target> = items
        .into_iter()
        .filter(|item| item.result != Finding::NotAudited)
        .map(|item| item.target.clone())
        .collect();
    let mut coverage = Coverage::default();
    for id in clauses {
        if audited.contains(&Target::Clause(id.clone())) {
            coverage.clauses_audited.push(id.clone());
        } else {
            coverage.clauses_missing.push(id.clone());
        }
    }
    for id in applicable_controls {
        if audited.contains(&Target::Control(id.clone())) {
            coverage.controls_audited.push(id.clone());
        } else {
            coverage.controls_missing.push(id.clone());
        }
    }
    coverage
}

/// Whether an audit was carried out to the end (reported or closed): only these complete the
/// programme for Stage 2 readiness.
pub fn is_finished(status: AuditStatus) -> bool {
    matches!(status, AuditStatus::Reported | AuditStatus::Closed)
}

/// The checklist items of the audits that are finished, for the coverage Stage 2 counts.
pub fn finished_items<'a>(
    audits: impl IntoIterator<Item = (&'a str, AuditStatus)>,
    items: impl IntoIterator<Item = &'a ChecklistItem>,
) -> Vec<&'a ChecklistItem> {
    let finished: std::collections::HashSet<&str> = audits
        .into_iter()
        .filter(|(_, status)| is_finished(*status))
        .map(|(reference, _)| reference)
        .collect();
    items
        .into_iter()
        .filter(|item| finished.contains(item.audit.as_str()))
        .collect()
}

/// A person's name as the independence check compares it: lower case, without anything in
/// brackets ("Dev Okafor (EM)" is "dev okafor").
fn person(name: &str) -> String {
    name.split('(').next().unwrap_or("").trim().to_lowercase()
}

/// Who owns which controls and risks, indexed by person, so that the independence of every
/// audit's auditors is checked without scanning every risk once per auditor.
pub struct OwnerIndex<'a> {
    controls: HashMap<String, Vec<&'a str>>,
    risks: HashMap<String, Vec<(&'a str, &'a [String])>>,
}

impl<'a> OwnerIndex<'a> {
    /// `control_owners`: (control id, owner); `risk_owners`: (risk reference, owner, control
    /// ids). Each person's entries keep the order given.
    pub fn new(
        control_owners: &'a [(String, String)],
        risk_owners: &'a [(String, String, Vec<String>)],
    ) -> Self {
        let mut controls: HashMap<String, Vec<&'a str>> = HashMap::new();
        for (id, owner) in control_owners {
            controls.entry(person(owner)).or_default().push(id);
        }
        let mut risks: HashMap<String, Vec<(&'a str, &'a [String])>> = HashMap::new();
        for (reference, owner, linked) in risk_owners {
            risks
                .entry(person(owner))
                .or_default()
                .push((reference, linked.as_slice()));
        }
        OwnerIndex { controls, risks }
    }

    /// Auditors of `audit` who would audit their own work: an in-scope control they own, or a
    /// risk they own that an in-scope control treats.
    pub fn warnings(&self, audit: &Audit) -> Vec<String> {
        let in_scope: HashSet<&str> = audit.controls.iter().map(String::as_str).collect();
        let mut warnings = Vec::new();
        let mut seen = HashSet::new();
        for auditor in audit.auditor_names() {
            let who = person(&auditor);
            // Someone named twice (as the lead and in the team) is flagged once.
            if who.is_empty() || !seen.insert(who.clone()) {
                continue;
            }
            let owned: Vec<&str> = self
                .controls
                .get(&who)
                .into_iter()
                .flatten()
                .copied()
                .filter(|id| in_scope.contains(id))
                .collect();
            let risks: Vec<&str> = self
                .risks
                .get(&who)
                .into_iter()
                .flatten()
                .filter(|(_, linked)| linked.iter().any(|c| in_scope.contains(c.as_str())))
                .map(|(reference, _)| *reference)
                .collect();
            // One warning per auditor, naming everything of theirs in scope.
            let plural = |n: usize, one: &str, many: &str| {
                if n == 1 {
                    one.to_string()
                } else {
                    many.to_string()
                }
            };
            let owns = match (owned.is_empty(), risks.is_empty()) {
                (true, true) => continue,
                (false, true) => format!(
                    "{} {}",
                    plural(owned.len(), "control", "controls"),
                    owned.join(", ")
                ),
                (true, false) => format!(
                    "{} {}",
                    plural(risks.len(), "risk", "risks"),
                    risks.join(", ")
                ),
                (false, false) => format!(
                    "{} {} and {} {}",
                    plural(owned.len(), "control", "controls"),
                    owned.join(", "),
                    plural(risks.len(), "risk", "risks"),
                    risks.join(", ")
                ),
            };
            warnings.push(format!("{auditor} owns in-scope {owns}"));
        }
        warnings
    }
}

/// Auditors who would audit their own work: an in-scope control they own, or an in-scope
/// risk they own. Names match ignoring case and anything in brackets ("Dev Okafor (EM)").
/// For many audits, build one [`OwnerIndex`] instead.
pub fn independence_warnings(
    audit: &Audit,
    control_owners: &[(String, String)],
    risk_owners: &[(String, String, Vec<String>)],
) -> Vec<String> {
    OwnerIndex::new(control_owners, risk_owners).warnings(audit)
}

/// Results by kind, for progress and the report.
pub fn result_counts<'a>(
    items: impl IntoIterator<Item = &'a ChecklistItem>,
) -> Vec<(Finding, usize)> {
    let items: Vec<&ChecklistItem> = items.into_iter().collect();
    Finding::ALL
        .iter()
        .map(|finding| {
            (
                *finding,
                items.iter().filter(|i| i.result == *finding).count(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse;

    fn audit() -> Audit {
        Audit {
            title: "Full ISMS audit".into(),
            clauses: vec!["4.1".into(), "9.2.2".into()],
            controls: vec!["5.15".into(), "8.13".into(), "7.8".into()],
            lead_auditor: "Ruth Okonjo (contractor)".into(),
            auditors: "Dev Okafor (EM), ".into(),
            ..Audit::default()
        }
    }

    fn item(target: Target, result: Finding) -> ChecklistItem {
        ChecklistItem {
            audit: "IA-2026-01".into(),
            target,
            question: "?".into(),
            result,
            evidence: String::new(),
            records: String::new(),
            notes: String::new(),
        }
    }

    #[test]
    fn the_checklist_follows_scope_and_the_soa() {
        let clauses: Vec<String> = ["4.1", "4.2", "9.2.2"].map(String::from).to_vec();
        // 7.8 is in scope but excluded in the SoA: not on the checklist.
        let applicable: Vec<String> = ["5.15", "8.13"].map(String::from).to_vec();
        let targets = checklist_targets(&audit(), &clauses, &applicable);
        let labels: Vec<String> = targets.iter().map(Target::label).collect();
        assert_eq!(labels, ["4.1", "9.2.2", "A.5.15", "A.8.13"]);
        assert_eq!(Target::parse("A.8.13"), Target::Control("8.13".into()));
        assert_eq!(Target::parse("9.2.2"), Target::Clause("9.2.2".into()));
    }

    #[test]
    fn closing_needs_an_effectiveness_check() {
        let mut nc = Nonconformity {
            statement: "Leavers kept access".into(),
            status: NcStatus::Closed,
            ..Nonconformity::default()
        };
        assert_eq!(nc.validate()[0].field, "checked_by");
        nc.checked_by = "CISO".into();
        assert_eq!(nc.validate()[0].field, "checked_on");
        nc.checked_on = parse("2026-11-01").ok();
        assert_eq!(nc.validate()[0].field, "check_result");
        nc.check_result = "Sampled 10 leavers: all removed within a day".into();
        assert!(nc.validate().is_empty());
        nc.status = NcStatus::ActionPlanned;
        nc.checked_by.clear();
        assert!(nc.validate().is_empty(), "only closing needs the check");
    }

    #[test]
    fn overdue_until_done() {
        let today = parse("2026-11-28").unwrap();
        let mut nc = Nonconformity {
            statement: "x".into(),
            due_date: parse("2026-11-01").ok(),
            ..Nonconformity::default()
        };
        assert!(nc.is_overdue(today));
        nc.status = NcStatus::VerifiedEffective;
        assert!(!nc.is_overdue(today));
    }

    #[test]
    fn coverage_counts_items_with_a_result() {
        let clauses: Vec<String> = ["4.1", "9.2.2"].map(String::from).to_vec();
        let controls: Vec<String> = ["5.15", "8.13"].map(String::from).to_vec();
        let items = [
            item(Target::Clause("4.1".into()), Finding::Conforming),
            item(Target::Clause("9.2.2".into()), Finding::NotAudited),
            item(Target::Control("8.13".into()), Finding::MinorNc),
        ];
        let c = coverage(&clauses, &controls, &items);
        assert_eq!(c.clauses_audited, ["4.1"]);
        assert_eq!(c.clauses_missing, ["9.2.2"]);
        assert_eq!(c.controls_audited, ["8.13"]);
        assert_eq!(c.controls_missing, ["5.15"]);
    }

    #[test]
    fn auditors_auditing_their_own_work_are_named() {
        let owners = vec![
            (
                "5.15".to_string(),
                "Dev Okafor (Engineering Manager)".to_string(),
            ),
            ("5.1".to_string(), "Dev Okafor".to_string()),
        ];
        let risks = vec![(
            "R-003".to_string(),
            "dev okafor".to_string(),
            vec!["8.13".to_string()],
        )];
        let warnings = independence_warnings(&audit(), &owners, &risks);
        assert_eq!(
            warnings,
            ["Dev Okafor (EM) owns in-scope control 5.15 and risk R-003"],
            "one warning per auditor, 5.1 is not in scope"
        );
        // Named as lead and in the team: still once.
        let twice = Audit {
            lead_auditor: "Dev Okafor".into(),
            auditors: "dev okafor".into(),
            ..audit()
        };
        assert_eq!(independence_warnings(&twice, &owners, &risks).len(), 1);
        let independent = Audit {
            auditors: String::new(),
            ..audit()
        };
        assert!(independence_warnings(&independent, &owners, &risks).is_empty());
    }

    #[test]
    fn findings_raise_graded_nonconformities() {
        assert_eq!(Finding::MinorNc.grade(), Some(NcGrade::Minor));
        assert_eq!(Finding::MajorNc.grade(), Some(NcGrade::Major));
        assert_eq!(Finding::Improvement.grade(), None);
        let counts = result_counts(&[item(Target::Clause("4.1".into()), Finding::Conforming)]);
        assert_eq!(
            counts
                .iter()
                .find(|(f, _)| *f == Finding::Conforming)
                .unwrap()
                .1,
            1
        );
    }
}
