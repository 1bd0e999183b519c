//! How the SoA is kept: one decision per control (referenced by the control's id), approved
//! versions with a frozen copy of every row, and the counts of risks and evidence per control.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{params, Row};

use super::records::{Record, Stored, Writer};
use super::row::{conversion_error, date, key, text};
use super::Store;
use crate::domain::dates::{self, Date};
use crate::domain::document::Document;
use crate::domain::soa::{
    diff, Applicability, ApprovedSoa, ApprovedVersion, Implementation, SoaDecision, SoaEdition,
    SoaRow,
};
use crate::domain::FieldError;

/// Reads the decision columns in the order of `SoaDecision::FIELDS`.
fn decision_from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<SoaDecision> {
    let reasons: String = row.get(offset + 1)?;
    Ok(SoaDecision {
        applicability: key(row, offset, Applicability::from_key)?,
        reasons: SoaDecision::reasons_from_key(&reasons),
        justification: row.get(offset + 2)?,
        status: key(row, offset + 3, Implementation::from_key)?,
        how: row.get(offset + 4)?,
        owner: row.get(offset + 5)?,
        target_date: date(row, offset + 6)?,
        last_reviewed: date(row, offset + 7)?,
    })
}

impl Record for SoaDecision {
    const TABLE: &'static str = "soa_decision";
    /// Decisions are referenced by their control's id, never numbered.
    const PREFIX: &'static str = "SOA";
    const FIELDS: &'static [&'static str] = &[
        "applicability",
        "reasons",
        "justification",
        "status",
        "how",
        "owner",
        "target_date",
        "last_reviewed",
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(self.applicability.key()),
            text(&self.reasons_key()),
            text(&self.justification),
            text(self.status.key()),
            text(&self.how),
            text(&self.owner),
            text(&dates::format_optional(self.target_date)),
            text(&dates::format_optional(self.last_reviewed)),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        decision_from_row(row, offset)
    }

    fn validate(&self) -> Vec<FieldError> {
        SoaDecision::validate(self)
    }
}

/// An approved version of the SoA: its label, who approved it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoaVersion {
    pub label: String,
    pub approved_by: String,
    pub approved_on: Date,
}

impl Record for SoaVersion {
    const TABLE: &'static str = "soa_version";
    const PREFIX: &'static str = "SOAV";
    const FIELDS: &'static [&'static str] = &["label", "approved_by", "approved_on"];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.label),
            text(&self.approved_by),
            text(&dates::format_optional(Some(self.approved_on))),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(SoaVersion {
            label: row.get(offset)?,
            approved_by: row.get(offset + 1)?,
            approved_on: date(row, offset + 2)?
                .ok_or_else(|| conversion_error(offset + 2, "no approval date".into()))?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        self.validate_fields()
    }
}

impl SoaVersion {
    /// The version as the SoA's editions and the readiness rules name it.
    pub fn approved(&self) -> ApprovedVersion {
        ApprovedVersion {
            label: self.label.clone(),
            approved_by: self.approved_by.clone(),
            approved_on: self.approved_on,
        }
    }

    pub fn validate_fields(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.label.trim().is_empty() {
            errors.push(FieldError::new(
                "label",
                "A version needs a label, such as v1.0.",
            ));
        }
        if self.approved_by.trim().is_empty() {
            errors.push(FieldError::new(
                "approved_by",
                "Say who approved this version.",
            ));
        }
        errors
    }
}

/// An Annex A control with everything the SoA shows about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlInfo {
    pub id: String,
    pub title: String,
    pub theme: String,
    /// The five attributes of ISO/IEC 27002, each a list of values.
    pub control_type: Vec<String>,
    pub security_properties: Vec<String>,
    pub cybersecurity_concepts: Vec<String>,
    pub operational_capabilities: Vec<String>,
    pub security_domains: Vec<String>,
    pub guidance: String,
}

/// Everything the SoA tab and its export show, read in one go after each change.
#[derive(Debug, Clone, Default)]
pub struct SoaData {
    pub controls: Vec<ControlInfo>,
    /// One per control, in catalogue order; `reference` is the control's id.
    pub decisions: Vec<Stored<SoaDecision>>,
    /// Control id -> the risks that name it (their treatment relies on it).
    pub risks: HashMap<String, Vec<String>>,
    /// Control id -> the documents linked to it as evidence.
    pub evidence: HashMap<String, Vec<String>>,
    /// Document reference -> its title, for the evidence shown with a control.
    pub document_titles: HashMap<String, String>,
    pub versions: Vec<Stored<SoaVersion>>,
}

impl SoaData {
    pub fn decision(&self, control: &str) -> Option<&SoaDecision> {
        self.decisions
            .iter()
            .find(|d| d.reference == control)
            .map(|d| &d.value)
    }

    pub fn risk_count(&self, control: &str) -> usize {
        self.risks.get(control).map_or(0, Vec::len)
    }

    pub fn evidence_count(&self, control: &str) -> usize {
        self.evidence.get(control).map_or(0, Vec::len)
    }

    /// The latest approved version: the one approved last (by date, then by the order of
    /// approval).
    pub fn latest_version(&self) -> Option<&Stored<SoaVersion>> {
        self.versions
            .iter()
            .enumerate()
            .max_by_key(|(index, v)| (v.value.approved_on, *index))
            .map(|(_, v)| v)
    }

    /// The approved version labelled `label` (compared without surrounding spaces).
    pub fn version_labelled(&self, label: &str) -> Option<&Stored<SoaVersion>> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.value.label.trim() == label.trim())
    }

    /// Every control's decision with its count of linked risks, for diffs.
    pub fn rows(&self) -> Vec<SoaRow> {
        self.decisions
            .iter()
            .map(|d| SoaRow {
                control: d.reference.clone(),
                decision: d.value.clone(),
                linked_risks: self.risk_count(&d.reference),
            })
            .collect()
    }
}

fn split_list(value: String) -> Vec<String> {
    value
        .split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn links_by_target(
    conn: &rusqlite::Connection,
    table: &str,
) -> Result<HashMap<String, Vec<String>>> {
    let mut by_target: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT target, owner FROM {table} ORDER BY target, owner"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        by_target.entry(row.get(0)?).or_default().push(row.get(1)?);
    }
    Ok(by_target)
}

impl Writer<'_> {
    /// Freezes the SoA as it is now: the version record (logged) and a copy of every row
    /// with its count of linked risks, in this transaction.
    pub fn approve_soa(&mut self, version: &SoaVersion) -> Result<String> {
        let reference = self.insert(version)?;
        self.conn().execute(
            "INSERT INTO soa_version_row (version, control, applicability, reasons, justification,
                 status, how, owner, target_date, last_reviewed, linked_risks)
             SELECT ?1, d.ref, d.applicability, d.reasons, d.justification, d.status, d.how,
                 d.owner, d.target_date, d.last_reviewed,
                 (SELECT count(*) FROM risk_control rc WHERE rc.target = d.ref)
             FROM soa_decision d",
            params![reference],
        )?;
        Ok(reference)
    }
}

impl Store {
    pub fn control_infos(&self) -> Result<Vec<ControlInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, title, theme, control_type, security_properties, cybersecurity_concepts,
                 operational_capabilities, security_domains, guidance
             FROM control ORDER BY position",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(ControlInfo {
                id: row.get(0)?,
                title: row.get(1)?,
                theme: row.get(2)?,
                control_type: split_list(row.get(3)?),
                security_properties: split_list(row.get(4)?),
                cybersecurity_concepts: split_list(row.get(5)?),
                operational_capabilities: split_list(row.get(6)?),
                security_domains: split_list(row.get(7)?),
                guidance: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Control id -> the documents in use (not retired) that are evidence for it: linked to
    /// the control, or fulfilling its Annex A requirement (`A.5.1`), in register order. The
    /// same rule as Stage 2's "implemented with evidence" ([`Document::evidence_for`]).
    fn current_evidence(&self) -> Result<HashMap<String, Vec<String>>> {
        let mut by_control: HashMap<String, Vec<String>> = HashMap::new();
        for document in self.list::<Document>()? {
            for control in document.value.evidence_for() {
                by_control
                    .entry(control)
                    .or_default()
                    .push(document.reference.clone());
            }
        }
        Ok(by_control)
    }

    fn document_titles(&self) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT ref, title FROM document")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn load_soa(&self) -> Result<SoaData> {
        Ok(SoaData {
            controls: self.control_infos()?,
            decisions: self.list()?,
            risks: links_by_target(&self.conn, "risk_control")?,
            evidence: self.current_evidence()?,
            document_titles: self.document_titles()?,
            versions: self.list()?,
        })
    }

    /// See [`Writer::approve_soa`].
    pub fn approve_soa(&mut self, version: &SoaVersion) -> Result<String> {
        self.write(|writer| writer.approve_soa(version))
    }

    /// The latest approved version with its frozen rows, if any version is approved.
    pub fn latest_approved_soa(&self) -> Result<Option<ApprovedSoa>> {
        let data = SoaData {
            versions: self.list()?,
            ..SoaData::default()
        };
        let Some(latest) = data.latest_version() else {
            return Ok(None);
        };
        Ok(Some(ApprovedSoa {
            reference: latest.reference.clone(),
            version: latest.value.approved(),
            rows: self.soa_version_rows(&latest.reference)?,
        }))
    }

    /// Today's SoA as an edition: compared with the latest approved version, if any.
    pub fn current_soa_edition(&self, soa: &SoaData) -> Result<SoaEdition> {
        Ok(match soa.latest_version() {
            None => SoaEdition::Current {
                since: None,
                changes: Vec::new(),
            },
            Some(version) => SoaEdition::Current {
                since: Some(version.value.approved()),
                changes: diff(&self.soa_version_rows(&version.reference)?, &soa.rows()),
            },
        })
    }

    /// The approved version labelled `label` as an edition, with its frozen rows; an unknown
    /// label is an error that names the labels there are.
    pub fn frozen_soa_edition(
        &self,
        soa: &SoaData,
        label: &str,
    ) -> Result<(SoaEdition, Vec<SoaRow>)> {
        let Some(version) = soa.version_labelled(label) else {
            let labels: Vec<&str> = soa.versions.iter().map(|v| v.value.label.trim()).collect();
            anyhow::bail!(
                "{}",
                if labels.is_empty() {
                    format!(
                        "no SoA version is labelled {label:?}: no version has been approved yet"
                    )
                } else {
                    format!(
                        "no SoA version is labelled {label:?}; the approved versions are {}",
                        labels.join(", ")
                    )
                }
            );
        };
        let rows = self.soa_version_rows(&version.reference)?;
        let edition = SoaEdition::Frozen {
            version: version.value.approved(),
            changes: diff(&rows, &soa.rows()),
        };
        Ok((edition, rows))
    }

    /// The frozen rows of an approved version, in catalogue order.
    pub fn soa_version_rows(&self, version: &str) -> Result<Vec<SoaRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.control, r.applicability, r.reasons, r.justification, r.status, r.how,
                 r.owner, r.target_date, r.last_reviewed, r.linked_risks
             FROM soa_version_row r JOIN control c ON c.id = r.control
             WHERE r.version = ?1 ORDER BY c.position",
        )?;
        let rows = stmt.query_map([version], |row| {
            Ok(SoaRow {
                control: row.get(0)?,
                decision: decision_from_row(row, 1)?,
                linked_risks: row.get::<_, i64>(9)?.max(0) as usize,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
