//! A risk (6.1.2, 6.1.3, 8.2, 8.3): what could happen, how likely and how bad, what is done
//! about it, what remains, and the owner's acceptance of what remains.

use sha2::{Digest, Sha256};

use super::dates::Date;
use super::method::{RiskMethod, MAX_SIZE};
use super::validation::{require, FieldError};

choice_enum! {
    /// The risk treatment options of 6.1.3.
    Treatment {
        Modify => "modify", "Modify";
        Retain => "retain", "Retain";
        Avoid => "avoid", "Avoid";
        Share => "share", "Share";
    }
}

choice_enum! {
    RiskStatus {
        Identified => "identified", "Identified";
        Assessed => "assessed", "Assessed";
        TreatmentPlanned => "treatment_planned", "Treatment planned";
        Treated => "treated", "Treated";
        Accepted => "accepted", "Accepted";
        Closed => "closed", "Closed";
    }
}

impl RiskStatus {
    /// Treated, accepted and closed statuses. For a risk treated by modify, share or avoid,
    /// "accepted" does not settle it: see [`Risk::treatment_progress`].
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            RiskStatus::Treated | RiskStatus::Accepted | RiskStatus::Closed
        )
    }
}

/// The risk owner's acceptance of the residual risk (6.1.3 f), bound to the risk as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub accepted_by: String,
    pub accepted_on: Date,
    pub valid_until: Option<Date>,
    /// [`Risk::fingerprint`] when it was accepted.
    pub fingerprint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptanceState {
    NotAccepted,
    Valid,
    /// The scores, treatment or controls changed after the acceptance.
    Stale,
    /// Past its "valid until" date.
    Expired,
}

impl AcceptanceState {
    pub fn label(self) -> &'static str {
        match self {
            AcceptanceState::NotAccepted => "not accepted",
            AcceptanceState::Valid => "accepted",
            AcceptanceState::Stale => "acceptance stale",
            AcceptanceState::Expired => "acceptance expired",
        }
    }

    /// A one-character mark for tables, readable without colour.
    pub fn mark(self) -> &'static str {
        match self {
            AcceptanceState::NotAccepted => " ",
            AcceptanceState::Valid => "✓",
            AcceptanceState::Stale => "!",
            AcceptanceState::Expired => "⌛",
        }
    }
}

/// How far the chosen treatment has got. A fact of its own, apart from the owner's acceptance
/// of the residual risk: accepting a risk whose treatment is still to be carried out does not
/// carry it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreatmentProgress {
    /// No treatment option chosen yet.
    NotChosen,
    /// Retain: nothing to carry out; the owner's acceptance is the decision.
    Retained,
    /// Modify, share or avoid, not carried out yet.
    Open,
    /// Modify, share or avoid, carried out (the risk is treated or closed).
    Done,
}

impl TreatmentProgress {
    pub fn label(self) -> &'static str {
        match self {
            TreatmentProgress::NotChosen => "not chosen",
            TreatmentProgress::Retained => "retained",
            TreatmentProgress::Open => "open",
            TreatmentProgress::Done => "done",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    pub title: String,
    pub description: String,
    pub threat: String,
    pub vulnerability: String,
    pub owner: String,
    pub likelihood: u8,
    pub impact: u8,
    pub treatment: Option<Treatment>,
    pub treatment_plan: String,
    pub due_date: Option<Date>,
    pub residual_likelihood: Option<u8>,
    pub residual_impact: Option<u8>,
    pub status: RiskStatus,
    pub next_review: Option<Date>,
    pub acceptance: Option<Acceptance>,
    /// Asset references (`A-001`).
    pub assets: Vec<String>,
    /// Annex A control ids (`5.15`).
    pub controls: Vec<String>,
}

impl Default for Risk {
    fn default() -> Self {
        Risk {
            title: String::new(),
            description: String::new(),
            threat: String::new(),
            vulnerability: String::new(),
            owner: String::new(),
            likelihood: 1,
            impact: 1,
            treatment: None,
            treatment_plan: String::new(),
            due_date: None,
            residual_likelihood: None,
            residual_impact: None,
            status: RiskStatus::Identified,
            next_review: None,
            acceptance: None,
            assets: Vec::new(),
            controls: Vec::new(),
        }
    }
}

impl Risk {
    /// The inherent score: likelihood x impact.
    pub fn score(&self) -> u32 {
        u32::from(self.likelihood) * u32::from(self.impact)
    }

    /// The residual score, once both residual values are set.
    pub fn residual_score(&self) -> Option<u32> {
        Some(u32::from(self.residual_likelihood?) * u32::from(self.residual_impact?))
    }

    /// Where the risk stands after its treatment, as (likelihood, impact): the residual values
    /// when assessed; for a retained risk with none, the inherent values (retaining changes
    /// nothing); otherwise not known yet.
    pub fn residual_position(&self) -> Option<(u8, u8)> {
        match (self.residual_likelihood, self.residual_impact) {
            (Some(likelihood), Some(impact)) => Some((likelihood, impact)),
            _ if self.treatment == Some(Treatment::Retain) => Some((self.likelihood, self.impact)),
            _ => None,
        }
    }

    /// The score at [`Risk::residual_position`]: what the register and heat map show as
    /// residual.
    pub fn residual_position_score(&self) -> Option<u32> {
        self.residual_position()
            .map(|(likelihood, impact)| u32::from(likelihood) * u32::from(impact))
    }

    /// The score that counts now. The residual score is what the treatment is expected to
    /// leave, so it counts only once the treatment is carried out (or the risk is retained,
    /// where it is the inherent one); until then the risk stands at its inherent score,
    /// whatever residual score is planned.
    pub fn current_score(&self) -> u32 {
        match self.treatment_progress() {
            TreatmentProgress::Done | TreatmentProgress::Retained => {
                self.residual_score().unwrap_or_else(|| self.score())
            }
            TreatmentProgress::Open | TreatmentProgress::NotChosen => self.score(),
        }
    }

    /// Rules that hold whatever the method (the store checks these on every save).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(&mut errors, "title", &self.title, "A title");
        if self.status != RiskStatus::Identified && self.owner.trim().is_empty() {
            errors.push(FieldError::new(
                "owner",
                format!(
                    "A risk needs an owner before it can be {}.",
                    self.status.label().to_lowercase()
                ),
            ));
        }
        let on_scale = |value: u8| (1..=MAX_SIZE).contains(&value);
        for (field, value) in [
            ("likelihood", Some(self.likelihood)),
            ("impact", Some(self.impact)),
            ("residual_likelihood", self.residual_likelihood),
            ("residual_impact", self.residual_impact),
        ] {
            if let Some(value) = value {
                if !on_scale(value) {
                    errors.push(FieldError::new(
                        field,
                        format!("{value} is outside 1-{MAX_SIZE}."),
                    ));
                }
            }
        }
        if self.residual_likelihood.is_some() != self.residual_impact.is_some() {
            let field = if self.residual_likelihood.is_none() {
                "residual_likelihood"
            } else {
                "residual_impact"
            };
            errors.push(FieldError::new(
                field,
                "Give both residual likelihood and impact, or neither.",
            ));
        }
        errors
    }

    /// The rules above plus those of the workspace's method (values within its matrix).
    pub fn validate_with(&self, method: &RiskMethod) -> Vec<FieldError> {
        let mut errors = self.validate();
        for (field, value) in [
            ("likelihood", Some(self.likelihood)),
            ("impact", Some(self.impact)),
            ("residual_likelihood", self.residual_likelihood),
            ("residual_impact", self.residual_impact),
        ] {
            if let Some(value) = value {
                if !method.in_range(value) && !errors.iter().any(|e| e.field == field) {
                    errors.push(FieldError::new(
                        field,
                        format!("{value} is outside 1-{}.", method.size),
                    ));
                }
            }
        }
        errors
    }

    /// What an acceptance is bound to: scores, treatment and controls. Any change to them
    /// changes the fingerprint.
    pub fn fingerprint(&self) -> String {
        let mut controls = self.controls.clone();
        controls.sort();
        let canonical = serde_json::json!([
            self.likelihood,
            self.impact,
            self.residual_likelihood,
            self.residual_impact,
            self.treatment.map(Treatment::key),
            self.treatment_plan,
            controls,
        ]);
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    pub fn acceptance_state(&self, today: Date) -> AcceptanceState {
        match &self.acceptance {
            None => AcceptanceState::NotAccepted,
            Some(acceptance) if acceptance.fingerprint != self.fingerprint() => {
                AcceptanceState::Stale
            }
            Some(Acceptance {
                valid_until: Some(until),
                ..
            }) if *until < today => AcceptanceState::Expired,
            Some(_) => AcceptanceState::Valid,
        }
    }

    /// Records the owner's acceptance of the risk as it is now.
    pub fn accept(&mut self, accepted_by: &str, accepted_on: Date, valid_until: Option<Date>) {
        self.acceptance = Some(Acceptance {
            accepted_by: accepted_by.trim().to_string(),
            accepted_on,
            valid_until,
            fingerprint: self.fingerprint(),
        });
    }

    /// Whether the treatment is carried out, whatever the owner's acceptance says: a risk
    /// treated by modify, share or avoid is done only once it is treated or closed.
    pub fn treatment_progress(&self) -> TreatmentProgress {
        match self.treatment {
            None => TreatmentProgress::NotChosen,
            Some(Treatment::Retain) => TreatmentProgress::Retained,
            Some(_) if matches!(self.status, RiskStatus::Treated | RiskStatus::Closed) => {
                TreatmentProgress::Done
            }
            Some(_) => TreatmentProgress::Open,
        }
    }

    /// What the treatment plan lists: a modify / share / avoid treatment not carried out yet
    /// (accepted or not), or a risk above the acceptance threshold that is neither treated,
    /// accepted nor closed.
    pub fn needs_treatment(&self, method: &RiskMethod) -> bool {
        if self.status == RiskStatus::Closed {
            return false;
        }
        match self.treatment_progress() {
            TreatmentProgress::Open => true,
            TreatmentProgress::Done => false,
            TreatmentProgress::NotChosen | TreatmentProgress::Retained => {
                !self.status.is_settled() && !method.is_acceptable(self.score())
            }
        }
    }

    /// A due date in the past on a treatment that is not carried out.
    pub fn is_overdue(&self, today: Date) -> bool {
        let open = match self.treatment_progress() {
            TreatmentProgress::Open => true,
            TreatmentProgress::Done => false,
            TreatmentProgress::NotChosen | TreatmentProgress::Retained => !self.status.is_settled(),
        };
        open && self.due_date.is_some_and(|due| due < today)
    }

    /// Records the owner's acceptance (see [`Risk::accept`]) and what it means for the
    /// status: a retained (or untreated) risk is then accepted; a modify / share / avoid
    /// treatment keeps its own progress, since accepting it does not carry it out.
    pub fn record_acceptance(
        &mut self,
        accepted_by: &str,
        accepted_on: Date,
        valid_until: Option<Date>,
    ) {
        self.accept(accepted_by, accepted_on, valid_until);
        let settles = matches!(
            self.treatment_progress(),
            TreatmentProgress::NotChosen | TreatmentProgress::Retained
        );
        if settles && !matches!(self.status, RiskStatus::Closed | RiskStatus::Treated) {
            self.status = RiskStatus::Accepted;
        }
    }

    /// Brings the values onto a smaller matrix; returns whether anything changed.
    pub fn clamp_to(&mut self, size: u8) -> bool {
        let before = self.clone();
        self.likelihood = self.likelihood.clamp(1, size);
        self.impact = self.impact.clamp(1, size);
        self.residual_likelihood = self.residual_likelihood.map(|v| v.clamp(1, size));
        self.residual_impact = self.residual_impact.map(|v| v.clamp(1, size));
        *self != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        super::super::dates::parse(text).unwrap()
    }

    fn risk() -> Risk {
        Risk {
            title: "Ransomware on the build farm".into(),
            owner: "Head of Platform".into(),
            likelihood: 4,
            impact: 5,
            treatment: Some(Treatment::Modify),
            treatment_plan: "Immutable backups".into(),
            residual_likelihood: Some(2),
            residual_impact: Some(4),
            status: RiskStatus::Treated,
            controls: vec!["8.13".into(), "5.7".into()],
            ..Risk::default()
        }
    }

    #[test]
    fn scores_multiply() {
        assert_eq!(risk().score(), 20);
        assert_eq!(risk().residual_score(), Some(8));
        assert_eq!(risk().current_score(), 8);
        assert_eq!(
            Risk {
                residual_impact: None,
                ..risk()
            }
            .residual_score(),
            None
        );
    }

    #[test]
    fn an_owner_is_needed_after_identification() {
        let mut r = Risk {
            owner: String::new(),
            status: RiskStatus::Identified,
            ..risk()
        };
        assert!(r.validate().is_empty());
        r.status = RiskStatus::Assessed;
        assert_eq!(r.validate()[0].field, "owner");
    }

    #[test]
    fn values_must_fit_the_method() {
        let r = Risk {
            likelihood: 5,
            ..risk()
        };
        assert!(r.validate_with(&RiskMethod::standard(5)).is_empty());
        let errors = r.validate_with(&RiskMethod::standard(4));
        assert_eq!(errors[0].field, "likelihood");
        assert_eq!(errors[0].message, "5 is outside 1-4.");
        let half = Risk {
            residual_impact: None,
            ..risk()
        };
        assert_eq!(half.validate()[0].field, "residual_impact");
    }

    #[test]
    fn acceptance_goes_stale_when_scores_treatment_or_controls_change() {
        let today = day("2026-11-28");
        let mut r = risk();
        assert_eq!(r.acceptance_state(today), AcceptanceState::NotAccepted);
        r.accept("Head of Platform", today, Some(day("2027-11-28")));
        assert_eq!(r.acceptance_state(today), AcceptanceState::Valid);

        let changes: [fn(&mut Risk); 5] = [
            |r| r.residual_likelihood = Some(3),
            |r| r.impact = 4,
            |r| r.treatment = Some(Treatment::Share),
            |r| r.treatment_plan.push_str(" and drills"),
            |r| r.controls.push("8.7".into()),
        ];
        for change in changes {
            let mut changed = r.clone();
            change(&mut changed);
            assert_eq!(changed.acceptance_state(today), AcceptanceState::Stale);
        }
        // Text that does not change the risk's exposure leaves the acceptance valid.
        let mut reworded = r.clone();
        reworded.description = "Reworded".into();
        reworded.controls.reverse();
        assert_eq!(reworded.acceptance_state(today), AcceptanceState::Valid);
    }

    #[test]
    fn acceptance_expires() {
        let mut r = risk();
        r.accept("Owner", day("2025-01-01"), Some(day("2025-12-31")));
        assert_eq!(
            r.acceptance_state(day("2025-12-31")),
            AcceptanceState::Valid
        );
        assert_eq!(
            r.acceptance_state(day("2026-01-01")),
            AcceptanceState::Expired
        );
    }

    #[test]
    fn treatment_and_overdue_rules() {
        let method = RiskMethod::standard(5);
        let today = day("2026-11-28");
        let open = Risk {
            status: RiskStatus::TreatmentPlanned,
            due_date: Some(day("2026-11-01")),
            ..risk()
        };
        assert!(open.needs_treatment(&method));
        assert!(open.is_overdue(today));
        assert!(
            !risk().needs_treatment(&method),
            "treated risks are settled"
        );
        assert!(!risk().is_overdue(today));
        let small = Risk {
            likelihood: 1,
            impact: 2,
            treatment: None,
            status: RiskStatus::Assessed,
            ..risk()
        };
        assert!(!small.needs_treatment(&method));
    }

    #[test]
    fn the_current_score_is_the_residual_only_once_the_treatment_is_done() {
        let mut risk = Risk {
            likelihood: 5,
            impact: 4,
            treatment: Some(Treatment::Modify),
            status: RiskStatus::TreatmentPlanned,
            residual_likelihood: Some(2),
            residual_impact: Some(2),
            ..Risk::default()
        };
        assert_eq!(risk.current_score(), 20, "planned, not yet carried out");
        risk.accept("Owner", day("2026-11-01"), None);
        assert_eq!(risk.current_score(), 20, "accepting does not carry it out");
        risk.status = RiskStatus::Treated;
        assert_eq!(risk.current_score(), 4);
        risk.treatment = None;
        risk.status = RiskStatus::Assessed;
        assert_eq!(risk.current_score(), 20);
    }

    #[test]
    fn acceptance_does_not_carry_out_an_open_treatment() {
        let method = RiskMethod::standard(5);
        let today = day("2026-11-28");
        for treatment in [Treatment::Modify, Treatment::Share, Treatment::Avoid] {
            let mut open = Risk {
                treatment: Some(treatment),
                status: RiskStatus::TreatmentPlanned,
                due_date: Some(day("2026-12-31")),
                ..risk()
            };
            open.record_acceptance("Head of Platform", today, None);
            assert_eq!(open.status, RiskStatus::TreatmentPlanned);
            assert_eq!(open.treatment_progress(), TreatmentProgress::Open);
            assert_eq!(open.acceptance_state(today), AcceptanceState::Valid);
            assert!(open.needs_treatment(&method), "{treatment:?} still open");
            // A status of Accepted (as earlier versions recorded it) does not settle it either.
            open.status = RiskStatus::Accepted;
            assert!(open.needs_treatment(&method));
            assert!(open.is_overdue(day("2027-01-01")));
            open.status = RiskStatus::Treated;
            assert_eq!(open.treatment_progress(), TreatmentProgress::Done);
            assert!(!open.needs_treatment(&method));
            assert!(!open.is_overdue(day("2027-01-01")));
        }
        let mut retained = Risk {
            treatment: Some(Treatment::Retain),
            status: RiskStatus::Assessed,
            ..risk()
        };
        assert!(
            retained.needs_treatment(&method),
            "20 is above the threshold"
        );
        retained.record_acceptance("Head of Platform", today, None);
        assert_eq!(retained.status, RiskStatus::Accepted);
        assert_eq!(retained.treatment_progress(), TreatmentProgress::Retained);
        assert!(!retained.needs_treatment(&method));
    }

    #[test]
    fn clamping_to_a_smaller_matrix() {
        let mut r = risk();
        assert!(r.clamp_to(3));
        assert_eq!(
            (
                r.likelihood,
                r.impact,
                r.residual_likelihood,
                r.residual_impact
            ),
            (3, 3, Some(2), Some(3))
        );
        assert!(!r.clamp_to(3));
    }
}
