//! Importing assets and risks from a spreadsheet's CSV export, or a whole workspace from an
//! audit pack's `workspace.json` ([`workspace`]), all or nothing.
//!
//! The reading is pure: bytes go in, rows or errors come out, without a database (so that
//! property tests can hit it). [`Context`] is what the rows are checked against: the risk method,
//! the assets and risks already there, the scope items and the control catalogue. [`apply`] ties
//! it to a workspace: it checks every row inside the write transaction and inserts them all, or
//! nothing.
//!
//! - [`csv_table`]: decoding, delimiter detection, spreadsheet row numbers, ragged rows.
//! - [`headers`]: the accepted columns and their synonyms.
//! - [`values`]: cell parsers shared by both record types.
//! - [`assets`], [`risks`]: one row into one record.

pub mod apply;
pub mod assets;
mod context;
pub mod csv_table;
pub mod headers;
mod long_text;
pub mod risks;
mod values;
pub mod workspace;

use std::fmt;

pub use apply::{import, read_source, run, Outcome};
pub use context::Context;

use crate::domain::asset::Asset;
use crate::domain::risk::Risk;

/// How many errors are printed before "and N more".
pub const MAX_ERRORS_SHOWN: usize = 50;

/// What is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Assets,
    Risks,
}

impl Kind {
    /// The plural noun, for messages ("12 assets").
    pub fn noun(self, count: usize) -> &'static str {
        match (self, count) {
            (Kind::Assets, 1) => "asset",
            (Kind::Assets, _) => "assets",
            (Kind::Risks, 1) => "risk",
            (Kind::Risks, _) => "risks",
        }
    }
}

/// One reason the file cannot be imported: where (spreadsheet row, counting the header as row
/// 1, and the column as its header reads) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// `None` only for what concerns the whole file (empty, no rows, not UTF-8 text at all).
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl ImportError {
    pub fn file(message: impl Into<String>) -> Self {
        ImportError {
            row: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn row(row: usize, message: impl Into<String>) -> Self {
        ImportError {
            row: Some(row),
            column: None,
            message: message.into(),
        }
    }

    pub fn cell(row: usize, column: impl Into<String>, message: impl Into<String>) -> Self {
        ImportError {
            row: Some(row),
            column: Some(column.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    /// `row 4, column Likelihood: "7" is outside 1-5`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (Some(row), Some(column)) => write!(f, "row {row}, column {column}: {}", self.message),
            (Some(row), None) => write!(f, "row {row}: {}", self.message),
            (None, _) => write!(f, "{}", self.message),
        }
    }
}

/// The error lines to print, each naming the file: at most [`MAX_ERRORS_SHOWN`], then
/// "and N more".
pub fn error_lines(file: &str, errors: &[ImportError]) -> Vec<String> {
    let mut lines: Vec<String> = errors
        .iter()
        .take(MAX_ERRORS_SHOWN)
        .map(|error| format!("{file}: {error}"))
        .collect();
    if errors.len() > MAX_ERRORS_SHOWN {
        let more = errors.len() - MAX_ERRORS_SHOWN;
        lines.push(format!(
            "{file}: and {more} more error{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    lines
}

/// The records of one file, ready to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    Assets(Vec<Asset>),
    Risks(Vec<Risk>),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Assets(assets) => assets.len(),
            Rows::Risks(risks) => risks.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads a CSV file's bytes into records of `kind`, checked against `context`: every row is
/// read and every error reported, sorted by row; `Ok` only when there is none.
pub fn parse(kind: Kind, bytes: &[u8], context: &Context) -> Result<Rows, Vec<ImportError>> {
    match kind {
        Kind::Assets => assets::parse(bytes, context).map(Rows::Assets),
        Kind::Risks => risks::parse(bytes, context).map(Rows::Risks),
    }
}
