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
    /// (what changed, before, now), in the order of [`DIFF_FIELDS`].
    pub changes: Vec<(&'static str, String, String)>,
}

impl ControlChange {
    /// What changed, in words: "status, owner".
    pub fn fields(&self) -> String {
        self.changes
            .iter()
            .map(|(what, _, _)| *what)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The fields a version diff compares, as it names them: every part of the decision the SoA
/// states. The date a control was last reviewed is not among them: reviewing a control without
/// changing it does not change what the approved statement says.
pub const DIFF_FIELDS: [&str; 7] = [
    "applicability",
    "reasons",
    "justification",
    "status",
    "how implemented",
    "owner",
    "target date",
];

/// Each compared field's text for one row, in the order of [`DIFF_FIELDS`].
fn diff_values(decision: &SoaDecision, linked_risks: usize) -> [String; 7] {
    let reasons = decision.reasons_text(linked_risks);
    [
        decision.applicability.label().to_string(),
        if reasons.is_empty() {
            "none".to_string()
        } else {
            reasons
        },
        decision.justification.trim().to_string(),
        decision.status.label().to_string(),
        decision.how.trim().to_string(),
        decision.owner.trim().to_string(),
        super::dates::format_optional(decision.target_date),
    ]
}

/// The controls whose applicability, reasons (derived risk treatment included), exclusion
/// justification, implementation status, how implemented, owner or target date differ between
/// `before` and `now`, in the order of `now`. A control missing from `before` compares with an
/// undecided one. The one diff of the SoA: the tab, the exports and the pack's README use it.
pub fn diff(before: &[SoaRow], now: &[SoaRow]) -> Vec<ControlChange> {
    now.iter()
        .filter_map(|row| {
            let (old, old_risks) = before
                .iter()
                .find(|r| r.control == row.control)
                .map(|r| (r.decision.clone(), r.linked_risks))
                .unwrap_or_default();
            let was = diff_values(&old, old_risks);
            let is = diff_values(&row.decision, row.linked_risks);
            let changes: Vec<(&'static str, String, String)> = DIFF_FIELDS
                .iter()
                .zip(was.into_iter().zip(is))
                .filter(|(_, (was, is))| was != is)
                .map(|(what, (was, is))| (*what, was, is))
                .collect();
            (!changes.is_empty()).then(|| ControlChange {
                control: row.control.clone(),
                changes,
            })
        })
        .collect()
}

/// An approved version as the SoA's editions name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedVersion {
    pub label: String,
    pub approved_by: String,
    pub approved_on: Date,
}

impl ApprovedVersion {
    /// "v1.0 approved on 2026-09-14 by Priya Shah".
    pub fn describe(&self) -> String {
        format!(
            "{} approved on {} by {}",
            self.label.trim(),
            self.approved_on,
            self.approved_by.trim()
        )
    }
}

/// An approved version with its frozen rows, as the readiness rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedSoa {
    /// The version record's reference (`SOAV-001`).
    pub reference: String,
    pub version: ApprovedVersion,
    pub rows: Vec<SoaRow>,
}

impl ApprovedSoa {
    /// The controls the version left undecided, in its order.
    pub fn undecided(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r.decision.applicability == Applicability::Undecided)
            .map(|r| r.control.as_str())
            .collect()
    }
}

/// What an SoA document holds: today's SoA compared with the latest approved version, or an
/// approved version's frozen content compared with today. Either way `changes` is
/// [`diff`]`(version, today)`: the controls that changed since the version was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoaEdition {
    /// Today's decisions; `since` is the latest approved version, if any.
    Current {
        since: Option<ApprovedVersion>,
        changes: Vec<ControlChange>,
    },
    /// An approved version's frozen rows.
    Frozen {
        version: ApprovedVersion,
        changes: Vec<ControlChange>,
    },
}

/// "1 control", "7 controls".
fn controls(count: usize) -> String {
    format!(
        "{count} {}",
        if count == 1 { "control" } else { "controls" }
    )
}

impl SoaEdition {
    pub fn changes(&self) -> &[ControlChange] {
        match self {
            SoaEdition::Current { changes, .. } | SoaEdition::Frozen { changes, .. } => changes,
        }
    }

    /// The controls changed since the version, by control id.
    pub fn change(&self, control: &str) -> Option<&ControlChange> {
        self.changes().iter().find(|c| c.control == control)
    }

    /// "7 controls changed since v1.0 approved on 2026-09-14 by Priya Shah", "no control
    /// changed since ...", or "no version approved yet".
    pub fn changed_since(&self) -> String {
        let (version, count) = match self {
            SoaEdition::Current { since: None, .. } => return "no version approved yet".into(),
            SoaEdition::Current {
                since: Some(version),
                changes,
            }
            | SoaEdition::Frozen { version, changes } => (version, changes.len()),
        };
        let count = if count == 0 {
            "no control".to_string()
        } else {
            controls(count)
        };
        format!("{count} changed since {}", version.describe())
    }

    /// One sentence that says what the document is, for the top of every SoA export.
    pub fn statement(&self, today: Date) -> String {
        let marks = match self.changes().len() {
            0 => "",
            1 => "; the column \"Changed since approval\" marks it",
            _ => "; the column \"Changed since approval\" marks them",
        };
        match self {
            SoaEdition::Current { since: None, .. } => format!(
                "Today's Statement of Applicability on {today}: no version approved yet."
            ),
            SoaEdition::Current { .. } => format!(
                "Today's Statement of Applicability on {today}, not an approved version: {}{marks}.",
                self.changed_since()
            ),
            // A version freezes the decisions and how many risks named each control, not
            // which risks nor the evidence: say so rather than leave empty cells to be read as
            // "none".
            SoaEdition::Frozen { version, .. } => format!(
                "Approved version {} of the Statement of Applicability, its content as frozen at \
                 approval (exported on {today}; a version records how many risks named each \
                 control, not which, and no evidence): {}{marks}.",
                version.label.trim(),
                self.changed_since()
            ),
        }
    }
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
            ["applicability", "reasons", "justification", "status"]
        );
    }

    fn row(control: &str, decision: SoaDecision, linked_risks: usize) -> SoaRow {
        SoaRow {
            control: control.into(),
            decision,
            linked_risks,
        }
    }

    #[test]
    fn diff_covers_every_field_of_the_statement() {
        let base = SoaDecision {
            applicability: Applicability::Yes,
            reasons: vec![InclusionReason::Legal],
            justification: String::new(),
            status: Implementation::Planned,
            how: "Policy".into(),
            owner: "CISO".into(),
            target_date: crate::domain::dates::parse_optional("2027-01-31").unwrap(),
            last_reviewed: None,
        };
        let before = [row("5.1", base.clone(), 0)];
        let changed = |edit: &dyn Fn(&mut SoaDecision)| {
            let mut decision = base.clone();
            edit(&mut decision);
            diff(&before, &[row("5.1", decision, 0)])
        };
        type Edit<'a> = &'a dyn Fn(&mut SoaDecision);
        let cases: [(&str, Edit); 7] = [
            ("applicability", &|d| {
                d.applicability = Applicability::Undecided
            }),
            ("reasons", &|d| d.reasons.push(InclusionReason::Contractual)),
            ("justification", &|d| d.justification = "Not ours".into()),
            ("status", &|d| d.status = Implementation::Implemented),
            ("how implemented", &|d| d.how = "Policy and training".into()),
            ("owner", &|d| d.owner = "CTO".into()),
            ("target date", &|d| d.target_date = None),
        ];
        for (field, edit) in cases {
            let changes = changed(edit);
            assert_eq!(changes.len(), 1, "{field}");
            assert_eq!(changes[0].fields(), field);
        }
        assert_eq!(
            changed(&|d| d.target_date = None)[0].changes[0],
            ("target date", "2027-01-31".into(), String::new())
        );
        assert_eq!(
            changed(&|d| d.owner = "CTO".into())[0].changes[0],
            ("owner", "CISO".into(), "CTO".into())
        );
        // Reviewing a control changes no part of the statement; neither does trailing space.
        assert!(changed(&|d| d.last_reviewed = Some(Date::default())).is_empty());
        assert!(changed(&|d| d.owner = "CISO  ".into()).is_empty());
        // Every field at once, named in a fixed order.
        let all = changed(&|d| {
            for (_, edit) in &cases {
                edit(d);
            }
        });
        assert_eq!(all[0].changes.len(), DIFF_FIELDS.len());
        assert_eq!(all[0].fields(), DIFF_FIELDS.join(", "));
    }

    fn version() -> ApprovedVersion {
        ApprovedVersion {
            label: "v1.0".into(),
            approved_by: "Priya Shah".into(),
            approved_on: crate::domain::dates::parse("2026-09-14").unwrap(),
        }
    }

    #[test]
    fn each_edition_says_what_it_is() {
        let today = crate::domain::dates::parse("2026-11-28").unwrap();
        let changes = diff(
            &[row("5.1", SoaDecision::default(), 0)],
            &[row("5.1", yes(Implementation::Planned), 0)],
        );
        let current = SoaEdition::Current {
            since: Some(version()),
            changes: changes.clone(),
        };
        assert_eq!(
            current.changed_since(),
            "1 control changed since v1.0 approved on 2026-09-14 by Priya Shah"
        );
        assert_eq!(
            current.statement(today),
            "Today's Statement of Applicability on 2026-11-28, not an approved version: 1 control \
             changed since v1.0 approved on 2026-09-14 by Priya Shah; the column \"Changed since \
             approval\" marks it."
        );
        assert!(current.change("5.1").is_some() && current.change("5.2").is_none());
        let none = SoaEdition::Current {
            since: None,
            changes: Vec::new(),
        };
        assert_eq!(
            none.statement(today),
            "Today's Statement of Applicability on 2026-11-28: no version approved yet."
        );
        let frozen = SoaEdition::Frozen {
            version: version(),
            changes: Vec::new(),
        };
        assert_eq!(
            frozen.statement(today),
            "Approved version v1.0 of the Statement of Applicability, its content as frozen at \
             approval (exported on 2026-11-28; a version records how many risks named each \
             control, not which, and no evidence): no control changed since v1.0 approved on \
             2026-09-14 by Priya Shah."
        );
    }
}
