//! The certification journey: the certification body, the milestones from scoping to
//! recertification with their planned and done dates, and the budget over the three-year
//! certificate cycle.

use chrono::Months;

use super::dates::Date;
use super::validation::FieldError;

/// Who certifies the ISMS, and what the lead implementer has confirmed about them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CertificationPlan {
    /// The certification body's name.
    pub body: String,
    /// The accreditation body that accredits it (UKAS, ANAB, DAkkS, JAS-ANZ, ...).
    pub accreditation_body: String,
    /// The body's ISO/IEC 17021-1 accreditation for ISO/IEC 27001 was seen and is current.
    pub accreditation_confirmed: bool,
    /// Its auditors' ISO/IEC 27006 competence was confirmed.
    pub competence_confirmed: bool,
    /// The currency of the budget's amounts, as the user writes it (GBP, EUR, ...).
    pub currency: String,
}

choice_enum!(
    /// The steps to certification and through the certificate's three-year cycle, in order.
    MilestoneKind {
        Scope => "scope", "Scope defined";
        RiskAssessment => "risk_assessment", "Risk assessment done";
        Controls => "controls", "Controls decided (SoA)";
        InternalAudit => "internal_audit", "Internal audit";
        ManagementReview => "management_review", "Management review";
        Stage1 => "stage1", "Stage 1 audit";
        Stage2 => "stage2", "Stage 2 audit";
        Certificate => "certificate", "Certificate issued";
        Surveillance1 => "surveillance1", "Surveillance audit 1";
        Surveillance2 => "surveillance2", "Surveillance audit 2";
        Recertification => "recertification", "Recertification audit";
    }
);

impl MilestoneKind {
    /// The clauses behind the milestone, for the timeline's reader.
    pub fn clause(self) -> &'static str {
        match self {
            MilestoneKind::Scope => "4.3",
            MilestoneKind::RiskAssessment => "6.1.2",
            MilestoneKind::Controls => "6.1.3",
            MilestoneKind::InternalAudit => "9.2",
            MilestoneKind::ManagementReview => "9.3",
            _ => "",
        }
    }

    /// Months after the certificate by which the audit is due; none for the steps before it.
    /// Surveillance comes yearly. The certificate lasts three years, and the recertification
    /// audit and the body's decision must both be done before it expires, so the audit is
    /// due three months before expiry to leave time for the decision.
    pub fn months_after_certificate(self) -> Option<u32> {
        match self {
            MilestoneKind::Surveillance1 => Some(12),
            MilestoneKind::Surveillance2 => Some(24),
            MilestoneKind::Recertification => Some(CERTIFICATE_MONTHS - 3),
            _ => None,
        }
    }
}

/// How long a certificate is valid.
pub const CERTIFICATE_MONTHS: u32 = 36;

/// The last day a certificate issued on `issued` is valid.
pub fn certificate_expiry(issued: Date) -> Option<Date> {
    issued
        .checked_add_months(Months::new(CERTIFICATE_MONTHS))
        .and_then(|day| day.pred_opt())
}

/// What the user recorded for one milestone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Milestone {
    pub planned: Option<Date>,
    pub done: Option<Date>,
    pub note: String,
}

impl Milestone {
    /// A milestone cannot be done on a day that has not come yet.
    pub fn validate_on(&self, today: Date) -> Vec<FieldError> {
        match self.done {
            Some(done) if done > today => vec![FieldError::new(
                "done",
                format!("{done} has not come yet; a milestone is done on or before today."),
            )],
            _ => Vec::new(),
        }
    }
}

/// Where a milestone stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneState {
    Done,
    /// Planned for a day already past, and not done.
    Late,
    Planned,
    /// No date yet.
    Unplanned,
}

impl MilestoneState {
    /// The state in words and a symbol, so it reads without colour.
    pub fn label(self) -> &'static str {
        match self {
            MilestoneState::Done => "✓ done",
            MilestoneState::Late => "⚠ late",
            MilestoneState::Planned => "· planned",
            MilestoneState::Unplanned => "? no date",
        }
    }
}

/// Dates the workspace itself shows a milestone was reached on, used when the user has not
/// typed a done date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JourneyFacts {
    /// The first SoA version approved with every control decided in its frozen copy.
    pub soa_approved: Option<Date>,
    /// Controls undecided in today's SoA.
    pub controls_undecided: usize,
    /// The first internal audit reported or closed (its actual end date).
    pub audit_reported: Option<Date>,
    /// The first management review held.
    pub review_held: Option<Date>,
}

impl JourneyFacts {
    fn done(&self, kind: MilestoneKind) -> Option<Date> {
        match kind {
            // Done only when every control is decided and such a version approved.
            MilestoneKind::Controls => self.soa_approved.filter(|_| self.controls_undecided == 0),
            MilestoneKind::InternalAudit => self.audit_reported,
            MilestoneKind::ManagementReview => self.review_held,
            _ => None,
        }
    }
}

/// One row of the timeline as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    pub kind: MilestoneKind,
    /// The planned date: typed, or due from the certificate date for the cycle's audits.
    pub planned: Option<Date>,
    /// The planned date was computed from the certificate date, not typed.
    pub planned_is_due_date: bool,
    pub done: Option<Date>,
    /// The done date came from the workspace's records, not typed.
    pub done_from_records: bool,
    pub state: MilestoneState,
    pub note: String,
}

impl TimelineRow {
    /// The planned date as read: "due by" when computed from the certificate date.
    pub fn planned_text(&self) -> String {
        match (self.planned, self.planned_is_due_date) {
            (Some(day), true) => format!("due by {day}"),
            (Some(day), false) => day.to_string(),
            (None, _) => String::new(),
        }
    }

    /// The done date as read: "(from the records)" when the user typed none.
    pub fn done_text(&self) -> String {
        match (self.done, self.done_from_records) {
            (Some(day), true) => format!("{day} (from the records)"),
            (Some(day), false) => day.to_string(),
            (None, _) => String::new(),
        }
    }
}

/// The whole timeline on `today`: every milestone in order, recorded dates first, then what
/// the records and the certificate date tell.
pub fn timeline(
    recorded: &[(MilestoneKind, Milestone)],
    facts: &JourneyFacts,
    today: Date,
) -> Vec<TimelineRow> {
    let find = |kind: MilestoneKind| {
        recorded
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    };
    let certificate = find(MilestoneKind::Certificate);
    let certified_on = certificate.done.or(certificate.planned);
    MilestoneKind::ALL
        .iter()
        .map(|&kind| {
            let milestone = find(kind);
            let due = kind
                .months_after_certificate()
                .zip(certified_on)
                .and_then(|(months, on)| on.checked_add_months(Months::new(months)));
            let planned = milestone.planned.or(due);
            let derived = facts.done(kind);
            // A typed date cannot mark the controls decided while the SoA says otherwise.
            let done = match kind {
                MilestoneKind::Controls => derived.and(milestone.done.or(derived)),
                _ => milestone.done.or(derived),
            };
            let state = match (done, planned) {
                (Some(_), _) => MilestoneState::Done,
                (None, Some(day)) if day < today => MilestoneState::Late,
                (None, Some(_)) => MilestoneState::Planned,
                (None, None) => MilestoneState::Unplanned,
            };
            TimelineRow {
                kind,
                planned,
                planned_is_due_date: milestone.planned.is_none() && due.is_some(),
                done,
                done_from_records: milestone.done.is_none() && derived.is_some(),
                state,
                note: milestone.note,
            }
        })
        .collect()
}

/// The milestones not yet done, soonest first, those without a date last.
pub fn next_milestones(rows: &[TimelineRow]) -> Vec<&TimelineRow> {
    let mut open: Vec<&TimelineRow> = rows
        .iter()
        .filter(|r| r.state != MilestoneState::Done)
        .collect();
    open.sort_by_key(|r| (r.planned.is_none(), r.planned));
    open
}

choice_enum!(
    /// What a budget line pays for.
    BudgetCategory {
        Internal => "internal", "Internal effort";
        External => "external", "External support";
        Certification => "certification", "Certification body fees";
    }
);

/// One cost in one year of the certificate cycle (year 1 holds the initial certification).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    pub year: u8,
    pub category: BudgetCategory,
    pub label: String,
    pub amount: f64,
}

impl BudgetLine {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !(1..=3).contains(&self.year) {
            errors.push(FieldError::new(
                "year",
                "The year of the cycle is 1, 2 or 3.",
            ));
        }
        if self.label.trim().is_empty() {
            errors.push(FieldError::new("label", "Say what the cost is for."));
        }
        if !self.amount.is_finite() || self.amount < 0.0 || self.amount >= MAX_AMOUNT {
            errors.push(FieldError::new(
                "amount",
                "The amount is a number of zero or more.",
            ));
        }
        errors
    }
}

/// The largest amount a budget line takes: far beyond any certification budget, and small
/// enough to be shown to the cent.
pub const MAX_AMOUNT: f64 = 1e12;

/// Reads an amount as typed: digits with an optional decimal point and up to two decimals;
/// commas, spaces or underscores only between groups of three digits (`12,500.50`). A
/// decimal comma (`1,50`) is refused rather than guessed.
pub fn parse_amount(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type the amount, for example 12500.".into());
    }
    let refuse = || format!("\"{text}\" is not an amount like 12,500.50.");
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let groups: Vec<&str> = whole.split([',', ' ', '_']).collect();
    let grouped_well = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !grouped_well
        || !groups.iter().all(|g| digits(g))
        || fraction.is_some_and(|f| !digits(f) || f.len() > 2)
    {
        return Err(refuse());
    }
    let plain = format!("{}.{}", groups.concat(), fraction.unwrap_or("0"));
    match plain.parse::<f64>() {
        Ok(value) if value < MAX_AMOUNT => Ok(value),
        Ok(_) => Err(format!("\"{text}\" is more than any budget line needs.")),
        Err(_) => Err(refuse()),
    }
}

/// Budget totals: per year of the cycle by category, and overall.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BudgetTotals {
    /// `by_year[year - 1][category index in BudgetCategory::ALL]`.
    pub by_year: [[f64; 3]; 3],
}

impl BudgetTotals {
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a BudgetLine>) -> Self {
        let mut totals = BudgetTotals::default();
        for line in lines {
            let year = usize::from(line.year.clamp(1, 3)) - 1;
            let category = BudgetCategory::ALL
                .iter()
                .position(|c| *c == line.category)
                .unwrap_or(0);
            totals.by_year[year][category] += line.amount;
        }
        totals
    }

    pub fn year(&self, year: u8) -> f64 {
        self.by_year[usize::from(year.clamp(1, 3)) - 1].iter().sum()
    }

    pub fn cycle(&self) -> f64 {
        (1..=3).map(|y| self.year(y)).sum()
    }
}

/// An amount for reading: whole units with thousands separated, cents only when there are some.
pub fn format_amount(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let (whole, fraction) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction == 0 {
        grouped
    } else {
        format!("{grouped}.{fraction:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> Date {
        super::super::dates::parse(text).unwrap()
    }

    fn row(rows: &[TimelineRow], kind: MilestoneKind) -> &TimelineRow {
        rows.iter().find(|r| r.kind == kind).unwrap()
    }

    #[test]
    fn the_cycle_audits_fall_due_from_the_certificate_date() {
        let recorded = vec![(
            MilestoneKind::Certificate,
            Milestone {
                planned: Some(day("2027-03-01")),
                done: Some(day("2027-03-15")),
                note: String::new(),
            },
        )];
        let rows = timeline(&recorded, &JourneyFacts::default(), day("2027-04-01"));
        assert_eq!(rows.len(), MilestoneKind::ALL.len());
        let first = row(&rows, MilestoneKind::Surveillance1);
        assert_eq!(first.planned, Some(day("2028-03-15")));
        assert!(first.planned_is_due_date);
        assert_eq!(first.state, MilestoneState::Planned);
        assert_eq!(
            row(&rows, MilestoneKind::Surveillance2).planned,
            Some(day("2029-03-15"))
        );
        // Due three months before the certificate expires, to leave time for the decision.
        assert_eq!(
            row(&rows, MilestoneKind::Recertification).planned,
            Some(day("2029-12-15"))
        );
        assert_eq!(
            certificate_expiry(day("2027-03-15")),
            Some(day("2030-03-14"))
        );
        assert_eq!(
            row(&rows, MilestoneKind::Certificate).state,
            MilestoneState::Done
        );
        // Without a certificate date there is nothing to compute from.
        let rows = timeline(&[], &JourneyFacts::default(), day("2027-04-01"));
        assert_eq!(row(&rows, MilestoneKind::Surveillance1).planned, None);
        assert_eq!(
            row(&rows, MilestoneKind::Surveillance1).state,
            MilestoneState::Unplanned
        );
    }

    #[test]
    fn a_certificate_on_the_29th_of_february_falls_due_on_the_28th() {
        let recorded = vec![(
            MilestoneKind::Certificate,
            Milestone {
                done: Some(day("2028-02-29")),
                ..Milestone::default()
            },
        )];
        let rows = timeline(&recorded, &JourneyFacts::default(), day("2028-03-01"));
        assert_eq!(
            row(&rows, MilestoneKind::Surveillance1).planned,
            Some(day("2029-02-28"))
        );
        assert_eq!(
            certificate_expiry(day("2028-02-29")),
            Some(day("2031-02-27"))
        );
    }

    #[test]
    fn a_milestone_is_not_done_in_the_future() {
        let today = day("2026-11-28");
        let done = |d: &str| Milestone {
            done: Some(day(d)),
            ..Milestone::default()
        };
        assert!(done("2026-11-28").validate_on(today).is_empty());
        assert_eq!(done("2026-11-29").validate_on(today)[0].field, "done");
        assert!(Milestone::default().validate_on(today).is_empty());
    }

    #[test]
    fn rows_read_their_dates_in_words() {
        let recorded = vec![(
            MilestoneKind::Certificate,
            Milestone {
                planned: Some(day("2027-03-01")),
                ..Milestone::default()
            },
        )];
        let facts = JourneyFacts {
            review_held: Some(day("2026-10-01")),
            ..JourneyFacts::default()
        };
        let rows = timeline(&recorded, &facts, day("2026-11-28"));
        assert_eq!(
            row(&rows, MilestoneKind::Surveillance1).planned_text(),
            "due by 2028-03-01"
        );
        assert_eq!(
            row(&rows, MilestoneKind::Certificate).planned_text(),
            "2027-03-01"
        );
        assert_eq!(
            row(&rows, MilestoneKind::ManagementReview).done_text(),
            "2026-10-01 (from the records)"
        );
        assert_eq!(row(&rows, MilestoneKind::Scope).done_text(), "");
    }

    #[test]
    fn a_typed_date_wins_over_a_computed_one() {
        let recorded = vec![
            (
                MilestoneKind::Certificate,
                Milestone {
                    planned: Some(day("2027-03-01")),
                    ..Milestone::default()
                },
            ),
            (
                MilestoneKind::Surveillance1,
                Milestone {
                    planned: Some(day("2028-01-20")),
                    ..Milestone::default()
                },
            ),
            (
                MilestoneKind::InternalAudit,
                Milestone {
                    done: Some(day("2026-10-02")),
                    ..Milestone::default()
                },
            ),
        ];
        let facts = JourneyFacts {
            audit_reported: Some(day("2026-10-09")),
            review_held: Some(day("2026-11-02")),
            soa_approved: None,
            controls_undecided: 0,
        };
        let rows = timeline(&recorded, &facts, day("2026-12-01"));
        let surveillance = row(&rows, MilestoneKind::Surveillance1);
        assert_eq!(surveillance.planned, Some(day("2028-01-20")));
        assert!(!surveillance.planned_is_due_date);
        let audit = row(&rows, MilestoneKind::InternalAudit);
        assert_eq!(audit.done, Some(day("2026-10-02")));
        assert!(!audit.done_from_records);
        let review = row(&rows, MilestoneKind::ManagementReview);
        assert_eq!(review.done, Some(day("2026-11-02")));
        assert!(review.done_from_records);
        assert_eq!(review.state, MilestoneState::Done);
        assert_eq!(
            row(&rows, MilestoneKind::Controls).state,
            MilestoneState::Unplanned
        );
    }

    #[test]
    fn controls_are_decided_only_with_every_control_decided_and_a_version_approved() {
        let typed = vec![(
            MilestoneKind::Controls,
            Milestone {
                done: Some(day("2026-05-01")),
                ..Milestone::default()
            },
        )];
        let today = day("2026-12-01");
        let state = |recorded: &[(MilestoneKind, Milestone)], facts: &JourneyFacts| {
            let rows = timeline(recorded, facts, today);
            let row = row(&rows, MilestoneKind::Controls);
            (row.state, row.done)
        };
        let approved = JourneyFacts {
            soa_approved: Some(day("2026-06-01")),
            ..JourneyFacts::default()
        };
        assert_eq!(
            state(&[], &approved),
            (MilestoneState::Done, Some(day("2026-06-01")))
        );
        // A typed date is shown once the records agree.
        assert_eq!(
            state(&typed, &approved),
            (MilestoneState::Done, Some(day("2026-05-01")))
        );
        // Undecided controls today: not done, whatever was approved or typed.
        let undecided = JourneyFacts {
            controls_undecided: 3,
            ..approved.clone()
        };
        assert_eq!(state(&typed, &undecided), (MilestoneState::Unplanned, None));
        // Every control decided but no version approved (with all decided): not done.
        assert_eq!(
            state(&typed, &JourneyFacts::default()),
            (MilestoneState::Unplanned, None)
        );
    }

    #[test]
    fn a_missed_planned_date_is_late_and_next_milestones_come_soonest_first() {
        let recorded = vec![
            (
                MilestoneKind::Scope,
                Milestone {
                    planned: Some(day("2026-06-01")),
                    ..Milestone::default()
                },
            ),
            (
                MilestoneKind::Stage1,
                Milestone {
                    planned: Some(day("2027-01-10")),
                    ..Milestone::default()
                },
            ),
            (
                MilestoneKind::RiskAssessment,
                Milestone {
                    planned: Some(day("2026-12-10")),
                    done: Some(day("2026-12-01")),
                    ..Milestone::default()
                },
            ),
        ];
        let rows = timeline(&recorded, &JourneyFacts::default(), day("2026-12-05"));
        assert_eq!(row(&rows, MilestoneKind::Scope).state, MilestoneState::Late);
        assert_eq!(
            row(&rows, MilestoneKind::Stage1).state,
            MilestoneState::Planned
        );
        let next: Vec<MilestoneKind> = next_milestones(&rows).iter().map(|r| r.kind).collect();
        assert_eq!(&next[..2], &[MilestoneKind::Scope, MilestoneKind::Stage1]);
        assert!(!next.contains(&MilestoneKind::RiskAssessment));
        assert_eq!(next.len(), MilestoneKind::ALL.len() - 1);
    }

    #[test]
    fn budget_totals_add_up_per_year_and_category() {
        let line = |year, category, amount| BudgetLine {
            year,
            category,
            label: "x".into(),
            amount,
        };
        let lines = vec![
            line(1, BudgetCategory::Certification, 9000.0),
            line(1, BudgetCategory::Internal, 20000.0),
            line(1, BudgetCategory::Certification, 4500.5),
            line(2, BudgetCategory::External, 3000.0),
            line(3, BudgetCategory::Certification, 8000.0),
        ];
        let totals = BudgetTotals::of(&lines);
        assert_eq!(totals.by_year[0][2], 13500.5);
        assert_eq!(totals.year(1), 33500.5);
        assert_eq!(totals.year(2), 3000.0);
        assert_eq!(totals.cycle(), 44500.5);
        assert_eq!(format_amount(totals.cycle()), "44,500.50");
        assert_eq!(format_amount(1_234_567.0), "1,234,567");
        assert_eq!(format_amount(0.0), "0");
    }

    #[test]
    fn a_budget_line_needs_a_year_a_label_and_an_amount() {
        let good = BudgetLine {
            year: 2,
            category: BudgetCategory::External,
            label: "Consultant, pre-audit".into(),
            amount: 1500.0,
        };
        assert!(good.validate().is_empty());
        let bad = BudgetLine {
            year: 4,
            label: " ".into(),
            amount: -1.0,
            ..good
        };
        let fields: Vec<&str> = bad.validate().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["year", "label", "amount"]);
    }

    #[test]
    fn amounts_are_read_as_typed() {
        assert_eq!(parse_amount("12,500"), Ok(12500.0));
        assert_eq!(parse_amount(" 99.5 "), Ok(99.5));
        assert!(parse_amount("").is_err());
        assert!(parse_amount("-3").is_err());
        assert!(parse_amount("ten").is_err());
        assert!(parse_amount("inf").is_err());
        assert_eq!(parse_amount("12,500.50"), Ok(12500.5));
        assert_eq!(parse_amount("1 234 567"), Ok(1_234_567.0));
        assert_eq!(parse_amount("0.05"), Ok(0.05));
        // A decimal comma, exponents and odd grouping are refused, never guessed.
        for bad in [
            "1,50", "1.250,50", "1e3", "1e300", "12,50,0", ",500", "1.234.5", "0.505",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad} was read");
        }
        assert!(parse_amount("999999999999999").is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_an_amount_or_a_sentence(text in "\\PC{0,20}") {
            match parse_amount(&text) {
                Ok(value) => prop_assert!(value.is_finite() && value >= 0.0),
                Err(message) => prop_assert!(!message.is_empty()),
            }
        }

        #[test]
        fn whole_amounts_read_back_from_their_format(amount in 0u64..10_000_000_000) {
            let shown = format_amount(amount as f64);
            prop_assert_eq!(parse_amount(&shown), Ok(amount as f64));
        }
    }
}
