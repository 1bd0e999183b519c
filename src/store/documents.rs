//! How the register of documented information is kept: each document with its links to
//! clauses, controls and the required documents it fulfils, read in one query per table.

use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::Row;

use super::records::{Link, Record, Stored};
use super::row::{date, date_text, key, text};
use super::Store;
use crate::domain::document::{requirements, Document, DocumentKind, DocumentStatus};
use crate::domain::FieldError;

impl Record for Document {
    const TABLE: &'static str = "document";
    const PREFIX: &'static str = "DOC";
    const FIELDS: &'static [&'static str] = &[
        "title",
        "kind",
        "version",
        "owner",
        "reviewer",
        "approved_by",
        "approved_on",
        "next_review",
        "location",
        "status",
    ];
    const LINKS: &'static [Link] = &[
        Link {
            field: "clauses",
            table: "document_clause",
        },
        Link {
            field: "controls",
            table: "document_control",
        },
        Link {
            field: "requirements",
            table: "document_requirement",
        },
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.title),
            text(self.kind.key()),
            text(&self.version),
            text(&self.owner),
            text(&self.reviewer),
            text(&self.approved_by),
            date_text(self.approved_on),
            date_text(self.next_review),
            text(&self.location),
            text(self.status.key()),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(Document {
            title: row.get(offset)?,
            kind: key(row, offset + 1, DocumentKind::from_key)?,
            version: row.get(offset + 2)?,
            owner: row.get(offset + 3)?,
            reviewer: row.get(offset + 4)?,
            approved_by: row.get(offset + 5)?,
            approved_on: date(row, offset + 6)?,
            next_review: date(row, offset + 7)?,
            location: row.get(offset + 8)?,
            status: key(row, offset + 9, DocumentStatus::from_key)?,
            clauses: Vec::new(),
            controls: Vec::new(),
            requirements: Vec::new(),
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        Document::validate(self)
    }

    fn links(&self) -> Vec<Vec<String>> {
        vec![
            self.clauses.clone(),
            self.controls.clone(),
            self.requirements.clone(),
        ]
    }

    fn set_links(&mut self, links: Vec<Vec<String>>) {
        let mut links = links.into_iter();
        self.clauses = links.next().unwrap_or_default();
        self.controls = links.next().unwrap_or_default();
        self.requirements = links.next().unwrap_or_default();
        crate::domain::catalogue::sort_ids(&mut self.clauses);
        crate::domain::catalogue::sort_ids(&mut self.controls);
        // Requirements in the catalogue's order; unknown keys (from an older catalogue) last.
        let position = |key: &String| {
            requirements()
                .iter()
                .position(|r| &r.key == key)
                .unwrap_or(usize::MAX)
        };
        self.requirements.sort_by_key(position);
    }
}

/// Everything the Evidence tab shows, read in one go after each change.
#[derive(Debug, Clone, Default)]
pub struct DocumentData {
    pub documents: Vec<Stored<Document>>,
    /// The controls decided applicable in the SoA, whose Annex A documents are expected.
    pub applicable: Vec<String>,
}

impl DocumentData {
    pub fn document(&self, reference: &str) -> Option<&Document> {
        self.documents
            .iter()
            .find(|d| d.reference == reference)
            .map(|d| &d.value)
    }

    /// The register as (reference, document) pairs, for the domain's functions.
    pub fn pairs(&self) -> Vec<(String, Document)> {
        self.documents
            .iter()
            .map(|d| (d.reference.clone(), d.value.clone()))
            .collect()
    }
}

impl Store {
    /// The control ids decided applicable in the SoA, in catalogue order.
    pub fn applicable_controls(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.ref FROM soa_decision d JOIN control c ON c.id = d.ref
             WHERE d.applicability = 'yes' ORDER BY c.position",
        )?;
        let ids = stmt.query_map([], |row| row.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    pub fn load_documents(&self) -> Result<DocumentData> {
        Ok(DocumentData {
            documents: self.list()?,
            applicable: self.applicable_controls()?,
        })
    }
}
