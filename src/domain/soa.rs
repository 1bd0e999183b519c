//! The Statement of Applicability (6.1.3 d): a decision per Annex A control, its progress,
//! and approved versions compared with today.

use super::dates::Date;
use super::validation::FieldError;

choice_enum! {
    Applicability {
        Undecided => "undecided", "Undecided";
        Yes => "yes", "Applicable";
        No => "no", "Not applicable";
    }
}

choice_enum! {
    /// How far a control is implemented.
    Implementation {
        NotStarted => "not_started", "Not started";
        Planned => "planned", "Planned";
        Partial => "partial", "Partially implemented";
        Implemented => "implemented", "Implemented";
    }
}

choice_enum! {
    /// Reasons for including a control other than risk treatment, which is derived from the
    /// risks that name the control.
    InclusionReason {
        Legal => "legal", "Legal or regulatory";
        Contractual => "contractual", "Contractual";
        Business => "business", "Business requirement or best practice";
    }
}

impl Implementation {
    /// A short label for tables.
    pub fn short(self) -> &'static str {
        match self {
            Implementation::NotStarted => "Not started",
            Implementation::Planned => "Planned",
            Implementation::Partial => "Partial",
            Implementation::Implemented => "Implemented",
        }
    }
}

/// The decision about one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoaDecision {
    pub applicability: Applicability,
    pub reasons: Vec<InclusionReason>,
    /// Why the control is excluded; required for every exclusion.
    pub justification: String,
    pub status: Implementation,
    /// How the control is implemented.
    pub how: String,
    pub owner: String,
    pub target_date: Option<Date>,
    pub last_reviewed: Option<Date>,
}

impl Default for SoaDecision {
    fn default() -> Self {
        SoaDecision {
            applicability: Applicability::Undecided,
            reasons: Vec::new(),
            justification: String::new(),
            status: Implementation::NotStarted,
            how: String::new(),
            owner: String::new(),
            target_date: None,
            last_reviewed: None,
        }
    }
}

impl SoaDecision {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.applicability == Applicability::No && self.justification.trim().is_empty() {
            errors.push(FieldError::new(
                "justification",
                "A control marked not applicable needs a justification for the exclusion.",
            ));
        }
        errors
    }

    /// The reasons as stored: keys separated by `;`, in a fixed order.
    pub fn reasons_key(&self) -> String {
        InclusionReason::ALL
            .iter()
            .filter(|r| self.reasons.contains(r))
            .map(|r| r.key())
            .collect::<Vec<_>>()
            .join(";")
    }

    pub fn reasons_from_key(key: &str) -> Vec<InclusionReason> {
        key.split(';')
            .filter_map(|k| InclusionReason::from_key(k.trim()))
            .collect()
    }

    /// Every reason for inclusion as words, risk treatment first when risks rely on it.
    pub fn reasons_text(&self, linked_risks: usize) -> String {
        let mut words: Vec<&str> = Vec::new();
        if linked_risks > 0 {
            words.push("Risk treatment");
        }
        words.extend(
            InclusionReason::ALL
                .iter()
                .filter(|r| self.reasons.contains(r))
                .map(|r| r.label()),
        );
        words.join("; ")
    }
}

/// Counts for the progress bars: overall and per theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub controls: usize,
    pub applicable: usize,
    pub excluded: usize,
    pub undecided: usize,
    pub implemented: usize,
    pub partial: usize,
    pub planned: usize,
    pub not_started: usize,
}

impl Progress {
    pub fn add(&mut self, decision: &SoaDecision) {
        self.controls += 1;
        match decision.applicability {
            Applicability::Undecided => self.undecided += 1,
            Applicability::No => self.excluded += 1,
            Applicability::Yes => {
                self.applicable += 1;
                match decision.status {
                    Implementation::Implemented => self.implemented += 1,
                    Implementation::Partial => self.partial += 1,
                    Implementation::Planned => self.planned += 1,
                    Implementation::NotStarted => self.not_started += 1,
                }
            }
        }
    }
}

pub fn progress<'a>(decisions: impl IntoIterator<Item = &'a SoaDecision>) -> Progress {
    let mut progress = Progress::default();
    for decision in decisions {
        progress.add(decision);
    }
    progress
}

/// A control's decision with the number of risks that name it (the derived risk-treatment
/// reason), as frozen in a version or as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoaRow {
    pub control: String,
    pub decision: SoaDecision,
    pub linked_risks: usize,
}

/// One control's differences between an approved version and now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlChange {
    pub control: String,
    /// (what changed, before, now)
    pub changes: Vec<(&'static str, String, String)>,
}

/// The controls whose applicability, reasons (derived risk treatment included), status or
/// justification differ between `before` and `now`, in the order of `now`.
pub fn diff(before: &[SoaRow], now: &[SoaRow]) -> Vec<ControlChange> {
    let reasons = |d: &SoaDecision, risks: usize| {
        let text = d.reasons_text(risks);
        if text.is_empty() {
            "none".to_string()
        } else {
            text
        }
    };
    now.iter()
        .filter_map(|row| {
            let (control, current) = (&row.control, &row.decision);
            let (old, old_risks) = before
                .iter()
                .find(|r| r.control == *control)
                .map(|r| (r.decision.clone(), r.linked_risks))
                .unwrap_or_default();
            let mut changes = Vec::new();
            if old.applicability != current.applicability {
                changes.push((
                    "applicability",
                    old.applicability.label().to_string(),
                    current.applicability.label().to_string(),
                ));
            }
            // Reasons include risk treatment, which comes and goes with the risks' links.
            let (was, is) = (reasons(&old, old_risks), reasons(current, row.linked_risks));
            if was != is {
                changes.push(("reasons", was, is));
            }
            if old.status != current.status {
                changes.push((
                    "status",
                    old.status.label().to_string(),
                    current.status.label().to_string(),
                ));
            }
            if old.justification.trim() != current.justification.trim() {
                changes.push((
                    "justification",
                    old.justification.clone(),
                    current.justification.clone(),
                ));
            }
            (!changes.is_empty()).then(|| ControlChange {
                control: control.clone(),
                changes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(status: Implementation) -> SoaDecision {
        SoaDecision {
            applicability: Applicability::Yes,
            reasons: vec![InclusionReason::Legal],
            status,
            ..SoaDecision::default()
        }
    }

    #[test]
    fn an_exclusion_needs_a_justification() {
        let mut decision = SoaDecision {
            applicability: Applicability::No,
            ..SoaDecision::default()
        };
        assert_eq!(decision.validate()[0].field, "justification");
        decision.justification = "No data centre of our own; hosting is AWS's.".into();
        assert!(decision.validate().is_empty());
        assert!(SoaDecision::default().validate().is_empty());
    }

    #[test]
    fn reasons_round_trip_and_read_with_risk_treatment() {
        let decision = SoaDecision {
            reasons: vec![InclusionReason::Business, InclusionReason::Legal],
            ..SoaDecision::default()
        };
        assert_eq!(decision.reasons_key(), "legal;business");
        assert_eq!(
            SoaDecision::reasons_from_key("legal;business"),
            vec![InclusionReason::Legal, InclusionReason::Business]
        );
        assert_eq!(
            decision.reasons_text(2),
            "Risk treatment; Legal or regulatory; Business requirement or best practice"
        );
        assert_eq!(SoaDecision::default().reasons_text(0), "");
    }

    #[test]
    fn progress_counts_each_decision_once() {
        let decisions = [
            yes(Implementation::Implemented),
            yes(Implementation::Partial),
            yes(Implementation::Planned),
            yes(Implementation::NotStarted),
            SoaDecision::default(),
            SoaDecision {
                applicability: Applicability::No,
                justification: "x".into(),
                ..SoaDecision::default()
            },
        ];
        let p = progress(&decisions);
        assert_eq!(
            (p.controls, p.applicable, p.excluded, p.undecided),
            (6, 4, 1, 1)
        );
        assert_eq!(
            (p.implemented, p.partial, p.planned, p.not_started),
            (1, 1, 1, 1)
        );
    }

    #[test]
    fn diff_names_what_changed() {
        let row = |control: &str, decision: SoaDecision, linked_risks: usize| SoaRow {
            control: control.into(),
            decision,
            linked_risks,
        };
        let before = vec![
            row("5.1", yes(Implementation::Partial), 0),
            row("7.8", yes(Implementation::Planned), 0),
            row("8.1", SoaDecision::default(), 0),
        ];
        let mut excluded = SoaDecision {
            applicability: Applicability::No,
            justification: "Cloud hosted".into(),
            ..SoaDecision::default()
        };
        excluded.reasons.clear();
        let now = vec![
            row("5.1", yes(Implementation::Implemented), 0),
            row("7.8", excluded, 0),
            row("8.1", SoaDecision::default(), 0),
        ];
        let changes = diff(&before, &now);
        assert_eq!(changes.len(), 2, "8.1 is undecided in both: no change");
        // A risk newly naming 8.1 adds risk treatment to its reasons.
        let linked = vec![row("8.1", SoaDecision::default(), 1)];
        let gained = diff(&before, &linked);
        assert_eq!(
            gained[0].changes,
            vec![("reasons", "none".to_string(), "Risk treatment".to_string())]
        );
        assert_eq!(changes[0].control, "5.1");
        assert_eq!(
            changes[0].changes,
            vec![(
                "status",
                "Partially implemented".to_string(),
                "Implemented".to_string()
            )]
        );
        let fields: Vec<&str> = changes[1].changes.iter().map(|c| c.0).collect();
        assert_eq!(
            fields,
            ["applicability", "reasons", "status", "justification"]
        );
    }
}
