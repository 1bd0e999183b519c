//! How the certification plan, its milestones and the budget are kept, and the dates the
//! workspace's own records give for the milestones they show were reached.

use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row};

use super::records::{Record, Stored};
use super::row::{date, date_text, key, small, text};
use super::Store;
use crate::domain::audit::AuditStatus;
use crate::domain::certification::{
    BudgetCategory, BudgetLine, CertificationPlan, JourneyFacts, Milestone, MilestoneKind,
};
use crate::domain::dates::{self, Date};
use crate::domain::review::ReviewStatus;
use crate::domain::FieldError;

/// The one certification plan's reference.
pub const PLAN_REF: &str = "CP";

impl Record for CertificationPlan {
    const TABLE: &'static str = "certification_plan";
    const PREFIX: &'static str = PLAN_REF;
    const FIELDS: &'static [&'static str] = &[
        "body",
        "accreditation_body",
        "accreditation_confirmed",
        "competence_confirmed",
        "currency",
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.body),
            text(&self.accreditation_body),
            Value::Integer(i64::from(self.accreditation_confirmed)),
            Value::Integer(i64::from(self.competence_confirmed)),
            text(&self.currency),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(CertificationPlan {
            body: row.get(offset)?,
            accreditation_body: row.get(offset + 1)?,
            accreditation_confirmed: row.get::<_, i64>(offset + 2)? != 0,
            competence_confirmed: row.get::<_, i64>(offset + 3)? != 0,
            currency: row.get(offset + 4)?,
        })
    }
}

/// Milestones are kept under their kind's key ("stage1", ...), one row each once dated.
impl Record for Milestone {
    const TABLE: &'static str = "milestone";
    const PREFIX: &'static str = "MS";
    const FIELDS: &'static [&'static str] = &["planned", "done", "note"];

    fn values(&self) -> Vec<Value> {
        vec![
            date_text(self.planned),
            date_text(self.done),
            text(&self.note),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(Milestone {
            planned: date(row, offset)?,
            done: date(row, offset + 1)?,
            note: row.get(offset + 2)?,
        })
    }
    // A milestone's rule needs today's date (see `Milestone::validate_on`): the form checks it.
}

impl Record for BudgetLine {
    const TABLE: &'static str = "budget_line";
    /// Budget lines are numbered BUD-001.
    const PREFIX: &'static str = "BUD";
    const FIELDS: &'static [&'static str] = &["year", "category", "label", "amount"];

    fn values(&self) -> Vec<Value> {
        vec![
            Value::Integer(i64::from(self.year)),
            text(self.category.key()),
            text(&self.label),
            Value::Real(self.amount),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(BudgetLine {
            year: small(row, offset)?,
            category: key(row, offset + 1, BudgetCategory::from_key)?,
            label: row.get(offset + 2)?,
            amount: row.get(offset + 3)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        BudgetLine::validate(self)
    }
}

/// Everything the Overview's plan and budget show.
#[derive(Debug, Clone, Default)]
pub struct PlanData {
    pub plan: CertificationPlan,
    pub milestones: Vec<(MilestoneKind, Milestone)>,
    pub budget: Vec<Stored<BudgetLine>>,
    pub facts: JourneyFacts,
}

fn first_date(store: &Store, sql: &str) -> Result<Option<Date>> {
    let text: Option<String> = store
        .conn
        .query_row(sql, [], |row| row.get(0))
        .optional()?
        .flatten();
    Ok(text.and_then(|t| dates::parse_optional(&t).ok().flatten()))
}

impl Store {
    pub fn load_plan(&self) -> Result<PlanData> {
        let plan = self.get::<CertificationPlan>(PLAN_REF)?.unwrap_or_default();
        let milestones = self
            .list::<Milestone>()?
            .into_iter()
            .filter_map(|s| MilestoneKind::from_key(&s.reference).map(|k| (k, s.value)))
            .collect();
        let mut budget: Vec<Stored<BudgetLine>> = self.list()?;
        budget.sort_by_key(|line| line.value.year);
        Ok(PlanData {
            plan,
            milestones,
            budget,
            facts: self.journey_facts()?,
        })
    }

    /// The dates the records show milestones were reached on.
    pub fn journey_facts(&self) -> Result<JourneyFacts> {
        Ok(JourneyFacts {
            // The first version approved with no control left undecided in its frozen copy.
            soa_approved: first_date(
                self,
                "SELECT min(v.approved_on) FROM soa_version v WHERE NOT EXISTS
                 (SELECT 1 FROM soa_version_row r
                  WHERE r.version = v.ref AND r.applicability = 'undecided')",
            )?,
            controls_undecided: self.conn.query_row(
                "SELECT count(*) FROM soa_decision WHERE applicability = 'undecided'",
                [],
                |row| row.get::<_, i64>(0),
            )? as usize,
            audit_reported: first_date(
                self,
                &format!(
                    "SELECT min(nullif(actual_end, '')) FROM audit WHERE status IN ('{}', '{}')",
                    AuditStatus::Reported.key(),
                    AuditStatus::Closed.key()
                ),
            )?,
            review_held: first_date(
                self,
                &format!(
                    "SELECT min(nullif(date, '')) FROM review WHERE status IN ('{}', '{}')",
                    ReviewStatus::Held.key(),
                    ReviewStatus::Approved.key()
                ),
            )?,
        })
    }

    /// Saves the certification plan, creating it the first time. Only the fields that differ
    /// from `before` (what the form opened with) are written.
    pub fn save_plan(
        &mut self,
        before: &CertificationPlan,
        plan: &CertificationPlan,
    ) -> Result<()> {
        self.write(|w| match w.get::<CertificationPlan>(PLAN_REF)? {
            Some(_) => w.update_from(PLAN_REF, Some(before), plan).map(|_| ()),
            None => w.insert_with_reference(PLAN_REF, plan),
        })
    }

    /// Saves a milestone's dates and note, creating its row the first time.
    pub fn save_milestone(
        &mut self,
        kind: MilestoneKind,
        before: &Milestone,
        milestone: &Milestone,
    ) -> Result<()> {
        self.write(|w| match w.get::<Milestone>(kind.key())? {
            Some(_) => w
                .update_from(kind.key(), Some(before), milestone)
                .map(|_| ()),
            None => w.insert_with_reference(kind.key(), milestone),
        })
    }
}
