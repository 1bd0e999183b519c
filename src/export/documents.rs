//! The register of documented information (7.5) as one table, for
//! `04-evidence/document-register.csv`: a row per document, in reference order, with its
//! links and whether its review is overdue on the export date.

use anyhow::Result;

use super::{csv, Column, PackData};
use crate::domain::dates::{self, Date};
use crate::domain::document::Document;
use crate::store::Stored;

pub const REGISTER: &str = "04-evidence/document-register.csv";
pub const REQUIRED: &str = "04-evidence/required-documents.csv";

/// The columns of the required documents, in the order they are written.
pub const REQUIRED_COLUMNS: [Column; 6] = [
    Column::new("Requirement", 10.0, false),
    Column::new("Clause or control", 12.0, false),
    Column::new("Required document", 40.0, true),
    Column::new("State", 14.0, false),
    Column::new("In the workbench", 40.0, true),
    Column::new("Documents", 20.0, true),
];

/// The columns of the register, in the order they are written.
pub const COLUMNS: [Column; 15] = [
    Column::new("Reference", 10.0, false),
    Column::new("Title", 40.0, true),
    Column::new("Kind", 10.0, false),
    Column::new("Version", 10.0, false),
    Column::new("Owner", 20.0, true),
    Column::new("Reviewer", 20.0, true),
    Column::new("Approved by", 20.0, true),
    Column::new("Approved on", 12.0, false),
    Column::new("Next review", 12.0, false),
    Column::new("Location", 40.0, true),
    Column::new("Status", 10.0, false),
    Column::new("Clauses", 16.0, true),
    Column::new("Controls", 16.0, true),
    Column::new("Requirements", 20.0, true),
    Column::new("Review overdue", 9.0, false),
];

pub fn headers() -> [&'static str; COLUMNS.len()] {
    COLUMNS.map(|c| c.header)
}

/// One document's cells in the order of [`COLUMNS`], as plain text (not yet made
/// spreadsheet-safe). Review overdue is "Yes" when it is in use and its next review is
/// before `today`.
pub fn row(stored: &Stored<Document>, today: Date) -> [String; COLUMNS.len()] {
    let d = &stored.value;
    let text = |value: &str| value.trim().to_string();
    [
        stored.reference.clone(),
        text(&d.title),
        d.kind.label().to_string(),
        text(&d.version),
        text(&d.owner),
        text(&d.reviewer),
        text(&d.approved_by),
        dates::format_optional(d.approved_on),
        dates::format_optional(d.next_review),
        text(&d.location),
        d.status.label().to_string(),
        d.clauses.join(", "),
        d.controls.join(", "),
        d.requirements.join(", "),
        if d.is_review_overdue(today) {
            "Yes"
        } else {
            "No"
        }
        .to_string(),
    ]
}

/// `04-evidence/document-register.csv`
pub fn csv_file(data: &PackData) -> Result<Vec<u8>> {
    let rows: Vec<_> = data
        .documents
        .documents
        .iter()
        .map(|d| row(d, data.today))
        .collect();
    csv::table(
        &headers(),
        rows.iter().map(|row| row.iter().map(String::as_str)),
    )
}

/// `04-evidence/required-documents.csv`: each required document (the clause requirements and
/// the Annex A ones of applicable controls) with its state on the export date and what fulfils
/// it: the pack file holding the workbench's own records, and the documents of the register.
/// The same list as the Evidence tab's and the Stage 1 gauge's.
pub fn required_csv(data: &PackData) -> Result<Vec<u8>> {
    let rows: Vec<[String; REQUIRED_COLUMNS.len()]> = data
        .required
        .iter()
        .map(|e| {
            [
                e.requirement.key.clone(),
                e.requirement.clause.clone(),
                e.requirement.label.clone(),
                e.state.label().to_string(),
                e.in_workbench().unwrap_or_default().to_string(),
                e.documents.join(", "),
            ]
        })
        .collect();
    csv::table(
        &REQUIRED_COLUMNS.map(|c| c.header),
        rows.iter().map(|row| row.iter().map(String::as_str)),
    )
}
