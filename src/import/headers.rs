//! The columns an import accepts and how a header row is matched to them: ignoring case,
//! surrounding spaces and the difference between spaces, `_` and `-`, with common synonyms.

use super::csv_table::TableRow;
use super::ImportError;

/// One accepted column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The record's field key, as the domain's `FieldError`s name it.
    pub key: &'static str,
    /// The header as the README and the error messages write it.
    pub label: &'static str,
    /// Other headers that mean the same column.
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

const fn column(
    key: &'static str,
    label: &'static str,
    synonyms: &'static [&'static str],
    required: bool,
) -> ColumnSpec {
    ColumnSpec {
        key,
        label,
        synonyms,
        required,
    }
}

pub const ASSET_COLUMNS: &[ColumnSpec] = &[
    column("name", "Name", &["Asset", "Asset name"], true),
    column("kind", "Kind", &["Type", "Category", "Asset type"], false),
    column("owner", "Owner", &["Asset owner"], false),
    column("location", "Location", &["Site", "Where"], false),
    column(
        "classification",
        "Classification",
        &["Class", "Sensitivity"],
        false,
    ),
    column("confidentiality", "Confidentiality", &["C"], false),
    column("integrity", "Integrity", &["I"], false),
    column("availability", "Availability", &["A"], false),
    column("in_scope", "In scope", &["Scope"], false),
    column(
        "notes",
        "Notes",
        &["Note", "Comments", "Comment", "Description"],
        false,
    ),
];

pub const RISK_COLUMNS: &[ColumnSpec] = &[
    column("title", "Title", &["Risk", "Name", "Risk title"], true),
    column("description", "Description", &[], false),
    column("threat", "Threat", &[], false),
    column("vulnerability", "Vulnerability", &["Weakness"], false),
    column("assets", "Assets", &["Asset", "Affected assets"], false),
    column("owner", "Owner", &["Risk owner"], false),
    column("likelihood", "Likelihood", &["Probability", "L"], true),
    column("impact", "Impact", &["Consequence", "Severity", "I"], true),
    column("treatment", "Treatment", &["Treatment option"], false),
    column(
        "treatment_plan",
        "Treatment plan",
        &["Plan", "Actions"],
        false,
    ),
    column(
        "controls",
        "Controls",
        &["Annex A controls", "Control ids", "Control"],
        false,
    ),
    column("due_date", "Due date", &["Due", "Target date"], false),
    column(
        "residual_likelihood",
        "Residual likelihood",
        &["Residual probability"],
        false,
    ),
    column("residual_impact", "Residual impact", &[], false),
    column("status", "Status", &[], false),
    column("next_review", "Next review", &["Next review date"], false),
];

/// A header or synonym reduced to what is compared: lower case, without spaces, `_` or `-`.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn spec_for(header: &str, specs: &'static [ColumnSpec]) -> Option<usize> {
    let wanted = normalise(header);
    specs.iter().position(|spec| {
        normalise(spec.label) == wanted || spec.synonyms.iter().any(|s| normalise(s) == wanted)
    })
}

/// The accepted headers, for messages: "Name, Kind, Owner, ...".
pub fn accepted(specs: &[ColumnSpec]) -> String {
    specs
        .iter()
        .map(|spec| spec.label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which column of the file holds which field.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    specs: &'static [ColumnSpec],
    /// Per spec: the index of the file's column, if it has one.
    positions: Vec<Option<usize>>,
    headers: Vec<String>,
}

impl HeaderMap {
    fn spec(&self, key: &str) -> Option<usize> {
        self.specs.iter().position(|spec| spec.key == key)
    }

    /// The file's column for a field.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.spec(key).and_then(|index| self.positions[index])
    }

    /// The column as the user knows it: its header in the file, else the label.
    pub fn column_name(&self, key: &str) -> String {
        match (self.position(key), self.spec(key)) {
            (Some(index), _) => self.headers[index].clone(),
            (None, Some(spec)) => self.specs[spec].label.to_string(),
            (None, None) => key.to_string(),
        }
    }

    /// A row's cells by field key; a column the file does not have reads as blank.
    pub fn cells<'a>(&'a self, row: &'a TableRow) -> Cells<'a> {
        Cells {
            map: self,
            row,
            errors: Vec::new(),
        }
    }

    /// Columns without a header must stay empty: a value there is likely a mistake.
    pub fn unheaded_values(&self, row: &TableRow) -> Vec<ImportError> {
        self.headers
            .iter()
            .enumerate()
            .filter(|(index, header)| header.is_empty() && !row.cells[*index].trim().is_empty())
            .map(|(index, _)| {
                ImportError::cell(
                    row.number,
                    format!("{} (no header)", index + 1),
                    format!(
                        "{:?} is in a column without a header; give the column a header or clear it",
                        row.cells[index].trim()
                    ),
                )
            })
            .collect()
    }
}

/// One row's cells by field, collecting errors against the column as the file names it.
pub struct Cells<'a> {
    map: &'a HeaderMap,
    row: &'a TableRow,
    errors: Vec<(&'static str, ImportError)>,
}

impl<'a> Cells<'a> {
    pub fn row(&self) -> usize {
        self.row.number
    }

    /// The trimmed cell, or "" when the file has no such column: for key and choice columns
    /// (a name, a level, a date, a list of references), where spaces around are not meant.
    pub fn get(&self, key: &str) -> &'a str {
        self.text(key).trim()
    }

    /// The cell exactly as written (leading tabs, spaces and line breaks included), or "" when
    /// the file has no such column: for free-text columns, whose text is the user's.
    pub fn text(&self, key: &str) -> &'a str {
        self.map
            .position(key)
            .map_or("", |index| self.row.cells[index].as_str())
    }

    /// Parses a cell; on failure records the error and returns `None`.
    pub fn parse<T>(
        &mut self,
        key: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(self.get(key)) {
            Ok(value) => Some(value),
            Err(message) => {
                self.error(key, message);
                None
            }
        }
    }

    pub fn error(&mut self, key: &'static str, message: impl Into<String>) {
        let error = ImportError::cell(self.row.number, self.map.column_name(key), message);
        self.errors.push((key, error));
    }

    /// Adds the domain's verdict, one error per field, skipping fields already in error.
    pub fn add_field_errors(&mut self, errors: Vec<crate::domain::FieldError>) {
        for error in errors {
            if self.errors.iter().any(|(key, _)| *key == error.field) {
                continue;
            }
            let message = error.message.trim_end_matches('.').to_string();
            self.error(error.field, message);
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors, in the order of the file's columns (fields it lacks last).
    pub fn into_errors(self) -> Vec<ImportError> {
        let map = self.map;
        let mut errors = self.errors;
        errors.sort_by_key(|(key, _)| map.position(key).unwrap_or(usize::MAX));
        errors.into_iter().map(|(_, error)| error).collect()
    }
}

/// Matches the header row to the accepted columns. Unknown headers, a column given twice and a
/// missing required column are errors (all of them at once), so that a typo is caught rather
/// than a column silently dropped. Blank headers are allowed (spreadsheets leave them after the
/// last column) as long as their cells are blank too.
pub fn match_headers(
    headers: &[String],
    header_row: usize,
    specs: &'static [ColumnSpec],
) -> Result<HeaderMap, Vec<ImportError>> {
    let mut positions: Vec<Option<usize>> = vec![None; specs.len()];
    let mut unknown = Vec::new();
    let mut errors = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        if header.is_empty() {
            continue;
        }
        match spec_for(header, specs) {
            None => unknown.push(header.as_str()),
            Some(spec) => match positions[spec] {
                Some(first) => errors.push(ImportError::cell(
                    header_row,
                    header.clone(),
                    format!(
                        "{} is already given by column {} ({}); keep one of them",
                        specs[spec].label,
                        first + 1,
                        headers[first]
                    ),
                )),
                None => positions[spec] = Some(index),
            },
        }
    }
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|name| format!("{name:?}")).collect();
        errors.insert(
            0,
            ImportError::row(
                header_row,
                format!(
                    "unknown column{} {}; the accepted columns are {} (see the README for synonyms)",
                    if unknown.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    accepted(specs)
                ),
            ),
        );
    }
    for (spec, position) in specs.iter().zip(&positions) {
        if spec.required && position.is_none() {
            errors.push(ImportError::row(
                header_row,
                format!("the required column {} is missing", spec.label),
            ));
        }
    }
    if errors.is_empty() {
        Ok(HeaderMap {
            specs,
            positions,
            headers: headers.to_vec(),
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_and_synonyms_never_collide() {
        for specs in [ASSET_COLUMNS, RISK_COLUMNS] {
            let mut seen = HashSet::new();
            for spec in specs {
                for name in std::iter::once(&spec.label).chain(spec.synonyms) {
                    assert!(seen.insert(normalise(name)), "{name} is taken twice");
                }
            }
        }
    }

    #[test]
    fn matching_ignores_case_spaces_underscores_and_dashes() {
        let headers = strings(&[
            " ASSET name ",
            "asset-type",
            "in_scope",
            "c",
            "Comments",
            "",
        ]);
        let map = match_headers(&headers, 1, ASSET_COLUMNS).unwrap();
        assert_eq!(map.position("name"), Some(0));
        assert_eq!(map.position("kind"), Some(1));
        assert_eq!(map.position("in_scope"), Some(2));
        assert_eq!(map.position("confidentiality"), Some(3));
        assert_eq!(map.position("notes"), Some(4));
        assert_eq!(map.position("owner"), None);
        assert_eq!(map.column_name("name"), " ASSET name ");
        assert_eq!(map.column_name("owner"), "Owner");
    }

    #[test]
    fn unknown_duplicate_and_missing_columns_are_all_reported() {
        let headers = strings(&["Risk", "Likelyhood", "Severity", "Impact", "Colour"]);
        let errors = match_headers(&headers, 1, RISK_COLUMNS).unwrap_err();
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(
            lines[0].starts_with("row 1: unknown columns \"Likelyhood\", \"Colour\"; the accepted columns are Title, Description"),
            "{lines:?}"
        );
        assert_eq!(
            lines[1],
            "row 1, column Impact: Impact is already given by column 3 (Severity); keep one of them"
        );
        assert_eq!(lines[2], "row 1: the required column Likelihood is missing");
        assert_eq!(lines.len(), 3);
    }
}
