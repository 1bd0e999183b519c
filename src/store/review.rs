//! How management reviews, their actions and the security objectives are kept, and how a
//! review's inputs are compiled from the workspace inside the write transaction.

use anyhow::{bail, Result};
use chrono::Datelike;
use rusqlite::types::Value;
use rusqlite::Row;

use super::changelog::entries_of_records;
use super::records::{Record, Stored, Writer};
use super::row::{date, date_text, key, text};
use super::Store;
use crate::domain::audit::{Audit, ChecklistItem, Nonconformity};
use crate::domain::confidential::{ConfidentialMark, Confidentiality};
use crate::domain::dates::Date;
use crate::domain::method::RiskMethod;
use crate::domain::review::{
    compile, ActionStatus, Measurement, Objective, ObjectiveStatus, Review, ReviewAction,
    ReviewStatus, ReviewWorkspace, INPUTS,
};
use crate::domain::risk::Risk;
use crate::domain::FieldError;

const LETTERS: [&str; 7] = ["a", "b", "c", "d", "e", "f", "g"];

impl Record for Review {
    const TABLE: &'static str = "review";
    /// Reviews are numbered per year: MR-2026-01.
    const PREFIX: &'static str = "MR";
    const FIELDS: &'static [&'static str] = &[
        "date",
        "chair",
        "attendees",
        "status",
        "input_a",
        "input_b",
        "input_c",
        "input_d",
        "input_e",
        "input_f",
        "input_g",
        "notes_a",
        "notes_b",
        "notes_c",
        "notes_d",
        "notes_e",
        "notes_f",
        "notes_g",
        "feedback",
        "improvements",
        "decisions",
        "changes",
    ];

    fn values(&self) -> Vec<Value> {
        let mut values = vec![
            date_text(self.date),
            text(&self.chair),
            text(&self.attendees),
            text(self.status.key()),
        ];
        values.extend(self.inputs.iter().map(|t| text(t)));
        values.extend(self.notes.iter().map(|t| text(t)));
        values.extend([
            text(&self.feedback),
            text(&self.improvements),
            text(&self.decisions),
            text(&self.changes),
        ]);
        values
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        let mut inputs: [String; 7] = Default::default();
        let mut notes: [String; 7] = Default::default();
        for i in 0..LETTERS.len() {
            inputs[i] = row.get(offset + 4 + i)?;
            notes[i] = row.get(offset + 11 + i)?;
        }
        Ok(Review {
            date: date(row, offset)?,
            chair: row.get(offset + 1)?,
            attendees: row.get(offset + 2)?,
            status: key(row, offset + 3, ReviewStatus::from_key)?,
            inputs,
            notes,
            feedback: row.get(offset + 18)?,
            improvements: row.get(offset + 19)?,
            decisions: row.get(offset + 20)?,
            changes: row.get(offset + 21)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        Review::validate(self)
    }

    fn validate_change(&self, old: &Self) -> Vec<FieldError> {
        Review::validate_change(self, old)
    }
}

impl Record for ReviewAction {
    const TABLE: &'static str = "review_action";
    const PREFIX: &'static str = "ACT";
    const FIELDS: &'static [&'static str] =
        &["review", "description", "owner", "due_date", "status"];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.review),
            text(&self.description),
            text(&self.owner),
            date_text(self.due_date),
            text(self.status.key()),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(ReviewAction {
            review: row.get(offset)?,
            description: row.get(offset + 1)?,
            owner: row.get(offset + 2)?,
            due_date: date(row, offset + 3)?,
            status: key(row, offset + 4, ActionStatus::from_key)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        ReviewAction::validate(self)
    }
}

impl Record for Objective {
    const TABLE: &'static str = "objective";
    /// Objectives are numbered OBJ-01.
    const PREFIX: &'static str = "OBJ";
    const FIELDS: &'static [&'static str] = &[
        "statement",
        "measure",
        "target",
        "target_value",
        "higher_is_better",
        "owner",
        "due_date",
        "status",
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.statement),
            text(&self.measure),
            text(&self.target),
            self.target_value.map_or(Value::Null, Value::Real),
            Value::Integer(i64::from(self.higher_is_better)),
            text(&self.owner),
            date_text(self.due_date),
            text(self.status.key()),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(Objective {
            statement: row.get(offset)?,
            measure: row.get(offset + 1)?,
            target: row.get(offset + 2)?,
            target_value: row.get(offset + 3)?,
            higher_is_better: row.get::<_, i64>(offset + 4)? != 0,
            owner: row.get(offset + 5)?,
            due_date: date(row, offset + 6)?,
            status: key(row, offset + 7, ObjectiveStatus::from_key)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        Objective::validate(self)
    }
}

impl Record for Measurement {
    const TABLE: &'static str = "measurement";
    /// Measurements are numbered per objective: OBJ-01/M-01.
    const PREFIX: &'static str = "M";
    const FIELDS: &'static [&'static str] = &["objective", "date", "value", "note"];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.objective),
            date_text(Some(self.date)),
            Value::Real(self.value),
            text(&self.note),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(Measurement {
            objective: row.get(offset)?,
            date: date(row, offset + 1)?.unwrap_or_default(),
            value: row.get(offset + 2)?,
            note: row.get(offset + 3)?,
        })
    }
}

/// Everything the Review tab and the minutes show.
#[derive(Debug, Clone, Default)]
pub struct ReviewData {
    pub reviews: Vec<Stored<Review>>,
    pub actions: Vec<Stored<ReviewAction>>,
    pub objectives: Vec<Stored<Objective>>,
    pub measurements: Vec<Stored<Measurement>>,
}

impl ReviewData {
    pub fn measurements_of<'a>(
        &'a self,
        objective: &'a str,
    ) -> impl Iterator<Item = &'a Measurement> + 'a {
        self.measurements
            .iter()
            .map(|m| &m.value)
            .filter(move |m| m.objective == objective)
    }
}

fn pairs<R: Clone>(stored: Vec<Stored<R>>) -> Vec<(String, R)> {
    stored.into_iter().map(|s| (s.reference, s.value)).collect()
}

impl Writer<'_> {
    pub fn create_review(&mut self, review: &Review, today: Date) -> Result<String> {
        let year = review.date.unwrap_or(today).year();
        self.insert_numbered(&format!("MR-{year}"), 2, review)
    }

    pub fn create_objective(&mut self, objective: &Objective) -> Result<String> {
        self.insert_numbered("OBJ", 2, objective)
    }

    pub fn add_measurement(&mut self, measurement: &Measurement) -> Result<String> {
        self.insert_numbered(&format!("{}/M", measurement.objective), 2, measurement)
    }

    /// Deletes an objective with its measurements (each logged).
    pub fn delete_objective(&mut self, reference: &str) -> Result<()> {
        let measurements: Vec<String> = self
            .list::<Measurement>()?
            .into_iter()
            .filter(|m| m.value.objective == reference)
            .map(|m| m.reference)
            .collect();
        for measurement in measurements {
            self.delete::<Measurement>(&measurement)?;
        }
        self.delete::<Objective>(reference)
    }

    /// Compiles a draft review's inputs a-g from the workspace as it is now. A review that
    /// has been held keeps the inputs it was held with.
    pub fn compile_review(&mut self, reference: &str, today: Date) -> Result<()> {
        let Some(mut review) = self.get::<Review>(reference)? else {
            bail!("{reference} no longer exists.");
        };
        if !review.can_compile() {
            bail!("{reference} has been held: its inputs are frozen as they were at the meeting.");
        }
        let this_date = review.date.unwrap_or(today);
        // The previous review actually held: changes since then count.
        let since = self
            .list::<Review>()?
            .into_iter()
            .filter(|r| r.reference != reference && r.value.status != ReviewStatus::Draft)
            .filter_map(|r| r.value.date)
            .filter(|d| *d <= this_date)
            .max();
        // Input a: the actions decided at reviews held before this one.
        let earlier: Vec<String> = self
            .list::<Review>()?
            .into_iter()
            .filter(|r| {
                r.reference != reference
                    && r.value.status != ReviewStatus::Draft
                    && r.value.date.is_some_and(|d| d <= this_date)
            })
            .map(|r| r.reference)
            .collect();
        let actions: Vec<(String, ReviewAction)> = pairs(self.list::<ReviewAction>()?)
            .into_iter()
            .filter(|(_, a)| earlier.contains(&a.review))
            .collect();
        let issue_changes = entries_of_records(self.conn(), "ISS-")?;
        let party_changes = entries_of_records(self.conn(), "IP-")?;
        let ncs = pairs(self.list::<Nonconformity>()?);
        let objectives = pairs(self.list::<Objective>()?);
        let measurements: Vec<Measurement> = self
            .list::<Measurement>()?
            .into_iter()
            .map(|m| m.value)
            .collect();
        let audits = pairs(self.list::<Audit>()?);
        let stored_items = self.list::<ChecklistItem>()?;
        // Confidential text the inputs may quote: a compiled input that quotes it is marked
        // confidential too, so presenting hides the copy as it hides the source.
        let marks = Confidentiality::new(
            self.list::<ConfidentialMark>()?
                .into_iter()
                .map(|stored| stored.value),
        );
        let mut secrets: Vec<String> = Vec::new();
        let mut keep = |table: &str, record: &str, field: &str, value: &str| {
            let value = value.trim().replace('\n', " ");
            if value.chars().count() >= 4 && marks.is_confidential(table, record, field) {
                secrets.push(value);
            }
        };
        for item in &stored_items {
            keep(
                "checklist_item",
                &item.reference,
                "notes",
                &item.value.notes,
            );
            keep(
                "checklist_item",
                &item.reference,
                "evidence",
                &item.value.evidence,
            );
        }
        for nc in self.list::<Nonconformity>()? {
            keep(
                "nonconformity",
                &nc.reference,
                "statement",
                &nc.value.statement,
            );
            keep(
                "nonconformity",
                &nc.reference,
                "evidence",
                &nc.value.evidence,
            );
        }
        for action in self.list::<ReviewAction>()? {
            let text = &action.value.description;
            keep("review_action", &action.reference, "description", text);
        }
        let items: Vec<ChecklistItem> = stored_items.into_iter().map(|i| i.value).collect();
        let risks = pairs(self.list::<Risk>()?);
        let method = self
            .get::<RiskMethod>(super::METHOD_REF)?
            .unwrap_or_default();
        let workspace = ReviewWorkspace {
            today,
            since,
            actions: &actions,
            issue_changes: &issue_changes,
            party_changes: &party_changes,
            ncs: &ncs,
            objectives: &objectives,
            measurements: &measurements,
            audits: &audits,
            items: &items,
            risks: &risks,
            method: &method,
        };
        review.inputs = compile(&workspace, &review.feedback);
        self.update(reference, &review)?;
        for ((letter, _), text) in INPUTS.iter().zip(&review.inputs) {
            if secrets.iter().any(|secret| text.contains(secret.as_str())) {
                let field = format!("input_{letter}");
                self.set_confidential(&ConfidentialMark::new(reference, &field, true))?;
            }
        }
        Ok(())
    }
}

impl Store {
    pub fn load_reviews(&self) -> Result<ReviewData> {
        Ok(ReviewData {
            reviews: self.list()?,
            actions: self.list()?,
            objectives: self.list()?,
            measurements: self.list()?,
        })
    }

    pub fn create_review(&mut self, review: &Review, today: Date) -> Result<String> {
        self.write(|writer| writer.create_review(review, today))
    }

    pub fn compile_review(&mut self, reference: &str, today: Date) -> Result<()> {
        self.write(|writer| writer.compile_review(reference, today))
    }
}
