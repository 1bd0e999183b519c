//! How internal audits and nonconformities are kept: the audit programme with scopes as
//! links, checklist items generated from scope and SoA, and nonconformities raised from
//! findings, all through the one write path.

use std::collections::HashMap;

use anyhow::{bail, Result};
use rusqlite::types::Value;
use rusqlite::Row;

use super::records::{Link, Record, Stored, Writer};
use super::row::{date, date_text, key, text};
use super::Store;
use crate::domain::audit::{
    checklist_targets, Audit, AuditStatus, ChecklistItem, Finding, NcGrade, NcSource, NcStatus,
    Nonconformity, Target,
};
use crate::domain::catalogue::{auditable_clauses, clause_question, control_question, controls};
use crate::domain::dates::Date;
use crate::domain::soa::{Applicability, SoaDecision};
use crate::domain::FieldError;

impl Record for Audit {
    const TABLE: &'static str = "audit";
    /// Audits are numbered per year: IA-2026-01.
    const PREFIX: &'static str = "IA";
    const FIELDS: &'static [&'static str] = &[
        "title",
        "criteria",
        "lead_auditor",
        "auditors",
        "independence_note",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "status",
        "conclusion",
    ];
    const LINKS: &'static [Link] = &[
        Link {
            field: "clauses",
            table: "audit_clause",
        },
        Link {
            field: "controls",
            table: "audit_control",
        },
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.title),
            text(&self.criteria),
            text(&self.lead_auditor),
            text(&self.auditors),
            text(&self.independence_note),
            date_text(self.planned_start),
            date_text(self.planned_end),
            date_text(self.actual_start),
            date_text(self.actual_end),
            text(self.status.key()),
            text(&self.conclusion),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(Audit {
            title: row.get(offset)?,
            criteria: row.get(offset + 1)?,
            lead_auditor: row.get(offset + 2)?,
            auditors: row.get(offset + 3)?,
            independence_note: row.get(offset + 4)?,
            planned_start: date(row, offset + 5)?,
            planned_end: date(row, offset + 6)?,
            actual_start: date(row, offset + 7)?,
            actual_end: date(row, offset + 8)?,
            status: key(row, offset + 9, AuditStatus::from_key)?,
            conclusion: row.get(offset + 10)?,
            clauses: Vec::new(),
            controls: Vec::new(),
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        Audit::validate(self)
    }

    fn links(&self) -> Vec<Vec<String>> {
        vec![self.clauses.clone(), self.controls.clone()]
    }

    fn set_links(&mut self, links: Vec<Vec<String>>) {
        let mut links = links.into_iter();
        self.clauses = links.next().unwrap_or_default();
        self.controls = links.next().unwrap_or_default();
        crate::domain::catalogue::sort_ids(&mut self.clauses);
        crate::domain::catalogue::sort_ids(&mut self.controls);
    }
}

impl Record for ChecklistItem {
    const TABLE: &'static str = "checklist_item";
    /// Items are referenced by their audit and target, never numbered.
    const PREFIX: &'static str = "ITEM";
    const FIELDS: &'static [&'static str] = &[
        "audit", "kind", "target", "question", "result", "evidence", "records", "notes",
    ];

    fn values(&self) -> Vec<Value> {
        let id = match &self.target {
            Target::Clause(id) | Target::Control(id) => id.as_str(),
        };
        vec![
            text(&self.audit),
            text(self.target.kind()),
            text(id),
            text(&self.question),
            text(self.result.key()),
            text(&self.evidence),
            text(&self.records),
            text(&self.notes),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        let kind: String = row.get(offset + 1)?;
        let id: String = row.get(offset + 2)?;
        Ok(ChecklistItem {
            audit: row.get(offset)?,
            target: if kind == "control" {
                Target::Control(id)
            } else {
                Target::Clause(id)
            },
            question: row.get(offset + 3)?,
            result: key(row, offset + 4, Finding::from_key)?,
            evidence: row.get(offset + 5)?,
            records: row.get(offset + 6)?,
            notes: row.get(offset + 7)?,
        })
    }
}

impl Record for Nonconformity {
    const TABLE: &'static str = "nonconformity";
    const PREFIX: &'static str = "NC";
    const FIELDS: &'static [&'static str] = &[
        "source",
        "audit",
        "item",
        "statement",
        "evidence",
        "grade",
        "correction",
        "root_cause",
        "corrective_action",
        "owner",
        "due_date",
        "status",
        "checked_by",
        "checked_on",
        "check_result",
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(self.source.key()),
            text(&self.audit),
            text(&self.item),
            text(&self.statement),
            text(&self.evidence),
            text(self.grade.key()),
            text(&self.correction),
            text(&self.root_cause),
            text(&self.corrective_action),
            text(&self.owner),
            date_text(self.due_date),
            text(self.status.key()),
            text(&self.checked_by),
            date_text(self.checked_on),
            text(&self.check_result),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(Nonconformity {
            source: key(row, offset, NcSource::from_key)?,
            audit: row.get(offset + 1)?,
            item: row.get(offset + 2)?,
            statement: row.get(offset + 3)?,
            evidence: row.get(offset + 4)?,
            grade: key(row, offset + 5, NcGrade::from_key)?,
            correction: row.get(offset + 6)?,
            root_cause: row.get(offset + 7)?,
            corrective_action: row.get(offset + 8)?,
            owner: row.get(offset + 9)?,
            due_date: date(row, offset + 10)?,
            status: key(row, offset + 11, NcStatus::from_key)?,
            checked_by: row.get(offset + 12)?,
            checked_on: date(row, offset + 13)?,
            check_result: row.get(offset + 14)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        Nonconformity::validate(self)
    }
}

/// Everything the Audit tab and its exports show, read in one go after each change.
#[derive(Debug, Clone, Default)]
pub struct AuditData {
    pub audits: Vec<Stored<Audit>>,
    /// Every checklist item, by audit in creation order.
    pub items: Vec<Stored<ChecklistItem>>,
    pub nonconformities: Vec<Stored<Nonconformity>>,
    /// Clauses 4.1-10.2 (id, title), in order.
    pub clauses: Vec<(String, String)>,
    /// Controls the SoA holds applicable (id, title, owner), in Annex A order.
    pub applicable: Vec<(String, String, String)>,
    /// Every control (id, title), for scopes.
    pub controls: Vec<(String, String)>,
    /// Risks with their owners and controls (reference, owner, control ids), for independence.
    pub risk_owners: Vec<(String, String, Vec<String>)>,
}

impl AuditData {
    pub fn items_of<'a>(
        &'a self,
        audit: &'a str,
    ) -> impl Iterator<Item = &'a Stored<ChecklistItem>> + 'a {
        self.items
            .iter()
            .filter(move |item| item.value.audit == audit)
    }

    pub fn title_of(&self, target: &Target) -> &str {
        let (list, id) = match target {
            Target::Clause(id) => (&self.clauses, id),
            Target::Control(id) => (&self.controls, id),
        };
        list.iter()
            .find(|(i, _)| i == id)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    }
}

fn question_for(target: &Target) -> String {
    match target {
        Target::Clause(id) => clause_question(id).to_string(),
        Target::Control(id) => control_question(id).to_string(),
    }
}

impl Writer<'_> {
    fn applicable_controls(&self) -> Result<Vec<String>> {
        Ok(self
            .list::<SoaDecision>()?
            .into_iter()
            .filter(|d| d.value.applicability == Applicability::Yes)
            .map(|d| d.reference)
            .collect())
    }

    /// Adds a new audit to the programme, numbered in its year (IA-2026-01), with its checklist.
    pub fn create_audit(&mut self, audit: &Audit, today: Date) -> Result<String> {
        let prefix = format!("IA-{}", audit.year(today));
        let reference = self.insert_numbered(&prefix, 2, audit)?;
        self.sync_checklist(&reference)?;
        Ok(reference)
    }

    /// Gives a planned audit the reference of its year again after its dates changed: an audit
    /// is numbered in the year of its planned start (IA-2027-01), so one planned from a date in
    /// another year than its reference says is renumbered there, its checklist and confidential
    /// marks going with it. Only while it is planned and nothing was recorded against it (no
    /// result on its checklist, no nonconformity from it): from then on the reference is cited
    /// in findings and reports, and it stays. Returns the new reference, if it changed; the
    /// change log keeps the old record's history under the old reference, ending in its
    /// deletion, and the new one's from its creation.
    pub fn renumber_audit(&mut self, reference: &str, today: Date) -> Result<Option<String>> {
        let Some(audit) = self.get::<Audit>(reference)? else {
            bail!("{reference} no longer exists.");
        };
        if audit.status != AuditStatus::Planned
            || audit.planned_start.or(audit.actual_start).is_none()
        {
            return Ok(None);
        }
        let prefix = format!("IA-{}", audit.year(today));
        if reference.starts_with(&format!("{prefix}-")) {
            return Ok(None);
        }
        let audited = self
            .list_where::<ChecklistItem>("audit", reference)?
            .iter()
            .any(|item| item.value.result != Finding::NotAudited);
        let raised = !self
            .list_where::<Nonconformity>("audit", reference)?
            .is_empty();
        if audited || raised {
            return Ok(None);
        }
        let marks: Vec<crate::domain::confidential::ConfidentialMark> = self
            .list::<crate::domain::confidential::ConfidentialMark>()?
            .into_iter()
            .filter(|m| m.value.record == reference)
            .map(|m| m.value)
            .collect();
        self.delete_audit(reference)?;
        let renumbered = self.insert_numbered(&prefix, 2, &audit)?;
        self.sync_checklist(&renumbered)?;
        self.set_confidential_marks(&renumbered, &marks)?;
        Ok(Some(renumbered))
    }

    /// Brings an audit's checklist in line with its scope and the SoA: adds an item for each
    /// clause and applicable control in scope, and removes items no longer in scope that
    /// have no result yet (audited items always stay). Returns (added, removed).
    pub fn sync_checklist(&mut self, audit_ref: &str) -> Result<(usize, usize)> {
        let Some(audit) = self.get::<Audit>(audit_ref)? else {
            bail!("{audit_ref} no longer exists.");
        };
        let clauses: Vec<String> = auditable_clauses().map(|c| c.id.clone()).collect();
        let targets = checklist_targets(&audit, &clauses, &self.applicable_controls()?);
        let existing: Vec<Stored<ChecklistItem>> = self
            .list::<ChecklistItem>()?
            .into_iter()
            .filter(|i| i.value.audit == audit_ref)
            .collect();
        let mut removed = 0;
        for item in &existing {
            if !targets.contains(&item.value.target) && item.value.result == Finding::NotAudited {
                self.delete::<ChecklistItem>(&item.reference)?;
                removed += 1;
            }
        }
        let mut added = 0;
        for target in targets {
            if existing.iter().any(|i| i.value.target == target) {
                continue;
            }
            let item = ChecklistItem {
                audit: audit_ref.to_string(),
                question: question_for(&target),
                target,
                result: Finding::NotAudited,
                evidence: String::new(),
                records: String::new(),
                notes: String::new(),
            };
            self.insert_with_reference(&item.reference(), &item)?;
            added += 1;
        }
        Ok((added, removed))
    }

    /// Saves a checklist item's result; a minor or major NC raises a nonconformity linked to
    /// the item (once), in the same transaction. Returns the new nonconformity's reference.
    ///
    /// The nonconformity's statement is the auditor's note of what was found, never the
    /// checklist question (a question is not a finding); a nonconformity with no note is
    /// refused, and so nothing is saved.
    pub fn record_result(
        &mut self,
        item_ref: &str,
        item: &ChecklistItem,
    ) -> Result<Option<String>> {
        self.update(item_ref, item)?;
        let Some(grade) = item.result.grade() else {
            return Ok(None);
        };
        let already = self
            .list::<Nonconformity>()?
            .into_iter()
            .any(|nc| nc.value.item == item_ref);
        if already {
            return Ok(None);
        }
        if item.notes.trim().is_empty() {
            bail!(
                "{item_ref}: a nonconformity needs a note of what was found, which becomes its statement."
            );
        }
        let statement = item.notes.clone();
        let nc = Nonconformity {
            source: NcSource::InternalAudit,
            audit: item.audit.clone(),
            item: item_ref.to_string(),
            statement,
            evidence: item.evidence.clone(),
            grade,
            ..Nonconformity::default()
        };
        Ok(Some(self.insert(&nc)?))
    }

    /// Deletes an audit with its checklist; nonconformities raised from it stay (they are
    /// the organisation's, whatever happens to the audit record).
    pub fn delete_audit(&mut self, audit_ref: &str) -> Result<()> {
        let items: Vec<String> = self
            .list::<ChecklistItem>()?
            .into_iter()
            .filter(|i| i.value.audit == audit_ref)
            .map(|i| i.reference)
            .collect();
        for item in items {
            self.delete::<ChecklistItem>(&item)?;
        }
        self.delete::<Audit>(audit_ref)
    }
}

impl Store {
    pub fn load_audits(&self) -> Result<AuditData> {
        let decisions: HashMap<String, SoaDecision> = self
            .list::<SoaDecision>()?
            .into_iter()
            .map(|d| (d.reference, d.value))
            .collect();
        let applicable = controls()
            .iter()
            .filter_map(|c| {
                let decision = decisions.get(&c.id)?;
                (decision.applicability == Applicability::Yes)
                    .then(|| (c.id.clone(), c.title.clone(), decision.owner.clone()))
            })
            .collect();
        Ok(AuditData {
            audits: self.list()?,
            items: self.list()?,
            nonconformities: self.list()?,
            clauses: auditable_clauses()
                .map(|c| (c.id.clone(), c.title.clone()))
                .collect(),
            applicable,
            controls: controls()
                .iter()
                .map(|c| (c.id.clone(), c.title.clone()))
                .collect(),
            risk_owners: self.risk_owners()?,
        })
    }

    /// Every risk's reference, owner and control ids, for the independence check: one query,
    /// without reading whole risks.
    fn risk_owners(&self) -> Result<Vec<(String, String, Vec<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.ref, r.owner, group_concat(c.target, ',')
             FROM risk r LEFT JOIN risk_control c ON c.owner = r.ref
             GROUP BY r.id ORDER BY r.id",
        )?;
        let rows = stmt.query_map([], |row| {
            let controls: Option<String> = row.get(2)?;
            let mut controls: Vec<String> = controls
                .unwrap_or_default()
                .split(',')
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .collect();
            controls.sort();
            Ok((row.get(0)?, row.get(1)?, controls))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn create_audit(&mut self, audit: &Audit, today: Date) -> Result<String> {
        self.write(|writer| writer.create_audit(audit, today))
    }

    pub fn record_result(
        &mut self,
        item_ref: &str,
        item: &ChecklistItem,
    ) -> Result<Option<String>> {
        self.write(|writer| writer.record_result(item_ref, item))
    }
}
