//! `isms import workspace FILE`: an audit pack's `workspace.json` made into a new workspace
//! file, all or nothing.
//!
//! - The file is checked before anything touches the disk as far as it can be alone: valid
//!   JSON, the format marker, this build's schema version (older and newer are refused for
//!   now: open the old workspace with this build and export it again).
//! - Then a new workspace is made under a temporary name, the file's tables are checked
//!   against its schema (known tables and columns only, every table and column present, each
//!   value of the column's type) and restored in one transaction, where SQLite's own rules
//!   (checks, uniqueness, references) and the change log's hash chain are checked too; only
//!   when all of that holds, and every record of the audit pack reads back from the new
//!   workspace, is the workspace renamed into place. A dry run does all of it
//!   and then removes the temporary file.
//! - Only into a new file: a workspace file that exists already is refused, whatever it holds,
//!   so that an import never overwrites or mixes with records.
//! - The import writes no change-log entry of its own: the file's change log is restored as
//!   it was, so that the new workspace exports the same `workspace.json` again, byte for
//!   byte; the import is reported on standard output instead.
//! - The first problem found is the one reported, as one sentence naming the file and the
//!   place: `FILE: table risk, row 3, column status: reason`, rows counting from 1 within
//!   their table.

use std::fmt;
use std::fs;
use std::path::Path;

use anyhow::{anyhow, bail, Result};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::read_source;
use crate::export::workspace_json::{FORMAT, FORMAT_KEY, TABLES_KEY, VERSION_KEY};
use crate::export::PackData;
use crate::progress::{Progress, Silent};
use crate::store::{
    Affinity, Cell, ColumnSchema, Dump, DumpError, Store, Table, TableSchema, SCHEMA_VERSION,
};

/// What a `workspace.json` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub tables: usize,
    pub rows: usize,
    /// Entries of the change log.
    pub changes: usize,
}

impl Summary {
    fn of(dump: &Dump) -> Summary {
        Summary {
            tables: dump.tables.len(),
            rows: dump.row_count(),
            changes: dump.table("change_log").map_or(0, |table| table.rows.len()),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} rows in {} tables, with {} change-log {} whose hash chain verifies",
            self.rows,
            self.tables,
            self.changes,
            if self.changes == 1 {
                "entry"
            } else {
                "entries"
            }
        )
    }
}

/// What an import of a workspace did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Imported(Summary),
    DryRun(Summary),
}

impl Outcome {
    /// The summary for standard output, naming the file and the workspace.
    pub fn summary(&self, source: &Path, workspace: &Path) -> String {
        let (source, workspace) = (source.display(), workspace.display());
        match self {
            Outcome::Imported(summary) => format!(
                "Created the workspace {workspace} from {source}: {}.",
                summary.describe()
            ),
            Outcome::DryRun(summary) => format!(
                "Dry run: {source} holds {} and would make the new workspace {workspace}; \
                 nothing was changed.",
                summary.describe()
            ),
        }
    }
}

/// A JSON value read as `serde_json` reads one, except that an object with the same key twice
/// is an error: which of two values for a column was meant is not for the import to guess.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("the key {key:?} appears twice")));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Reads the JSON and checks what needs no workspace: the format marker and the schema
/// version; returns the `"tables"` object.
fn read(bytes: &[u8]) -> Result<Map<String, Value>, DumpError> {
    // A byte-order mark, as some editors write one, is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let Strict(value) = serde_json::from_slice(bytes)
        .map_err(|error| DumpError::whole(format!("is not valid JSON ({error})")))?;
    let Value::Object(mut top) = value else {
        return Err(DumpError::whole(
            "is not a workspace.json: it is not a JSON object",
        ));
    };
    match top.remove(FORMAT_KEY) {
        Some(Value::String(format)) if format == FORMAT => {}
        Some(other) => {
            return Err(DumpError::whole(format!(
                "is not an ISMS Workbench workspace.json: its \"{FORMAT_KEY}\" is {other}, not \"{FORMAT}\""
            )))
        }
        None => {
            return Err(DumpError::whole(format!(
                "is not an ISMS Workbench workspace.json: it has no \"{FORMAT_KEY}\": \"{FORMAT}\""
            )))
        }
    }
    let version = match top.remove(VERSION_KEY) {
        Some(value) => value.as_i64().ok_or_else(|| {
            DumpError::whole(format!(
                "its \"{VERSION_KEY}\" is {value}, not a whole number"
            ))
        })?,
        None => {
            return Err(DumpError::whole(format!(
                "has no \"{VERSION_KEY}\", so it cannot be read safely"
            )))
        }
    };
    if version > SCHEMA_VERSION {
        return Err(DumpError::whole(format!(
            "was exported by a newer version of ISMS Workbench (schema {version}; this build \
             knows up to {SCHEMA_VERSION}), so import it with that version"
        )));
    }
    if version < SCHEMA_VERSION {
        return Err(DumpError::whole(format!(
            "was exported from a schema {version} workspace and this build imports schema \
             {SCHEMA_VERSION} only: open that workspace with this build and export it again"
        )));
    }
    let tables = match top.remove(TABLES_KEY) {
        Some(Value::Object(tables)) => tables,
        Some(_) => {
            return Err(DumpError::whole(format!(
                "its \"{TABLES_KEY}\" is not an object of tables"
            )))
        }
        None => return Err(DumpError::whole(format!("has no \"{TABLES_KEY}\""))),
    };
    if let Some(key) = top.keys().min() {
        return Err(DumpError::whole(format!(
            "has an unknown key {key:?} at the top level"
        )));
    }
    Ok(tables)
}

/// What a column takes, for messages.
fn expected(affinity: Affinity) -> &'static str {
    match affinity {
        Affinity::Integer => "a whole number",
        Affinity::Real => "a number",
        Affinity::Text => "text",
        Affinity::Numeric | Affinity::Blob => "a single value",
    }
}

/// One JSON value as a value of `column`, or the reason it is not one.
fn cell(value: &Value, column: &ColumnSchema) -> Result<Cell, String> {
    let wrong = |found: String| format!("expected {}, not {found}", expected(column.affinity));
    match (value, column.affinity) {
        (Value::Null, _) if column.required => Err("needs a value, not null".into()),
        (Value::Null, _) => Ok(Cell::Null),
        (Value::String(text), Affinity::Integer | Affinity::Real) => Err(wrong(format!(
            "the text {}",
            Cell::Text(text.clone()).describe()
        ))),
        (Value::String(text), _) => Ok(Cell::Text(text.clone())),
        (Value::Number(number), Affinity::Text) => Err(wrong(format!("the number {number}"))),
        (Value::Number(number), Affinity::Real) => number
            .as_f64()
            .map(Cell::Real)
            .ok_or_else(|| format!("{number} is out of range")),
        (Value::Number(number), _) => match (number.as_i64(), number.as_f64()) {
            (Some(whole), _) => Ok(Cell::Integer(whole)),
            (None, _) if number.is_u64() => Err(format!("{number} is out of range")),
            (None, Some(real)) if column.affinity != Affinity::Integer => Ok(Cell::Real(real)),
            _ => Err(wrong(number.to_string())),
        },
        (Value::Bool(flag), _) => Err(wrong(flag.to_string())),
        (Value::Array(_), _) => Err(wrong("a list".into())),
        (Value::Object(_), _) => Err(wrong("an object".into())),
    }
}

/// One table's rows, checked against its schema.
fn rows(schema: &TableSchema, value: &Value) -> Result<Vec<Vec<Cell>>, DumpError> {
    let table = schema.name.as_str();
    let Value::Array(rows) = value else {
        return Err(DumpError::at(table, None, None, "is not a list of rows"));
    };
    let mut read = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let number = Some(index + 1);
        let Value::Object(row) = row else {
            return Err(DumpError::at(
                table,
                number,
                None,
                "is not an object of columns",
            ));
        };
        if let Some(unknown) = row.keys().filter(|key| schema.column(key).is_none()).min() {
            return Err(DumpError::at(
                table,
                number,
                Some(unknown),
                "is not a column of this table",
            ));
        }
        let cells = schema
            .columns
            .iter()
            .map(|column| {
                let name = Some(column.name.as_str());
                let value = row
                    .get(&column.name)
                    .ok_or_else(|| DumpError::at(table, number, name, "is missing"))?;
                cell(value, column).map_err(|reason| DumpError::at(table, number, name, reason))
            })
            .collect::<Result<Vec<_>, _>>()?;
        read.push(cells);
    }
    Ok(read)
}

/// The tables of the file, checked against the workspace's `schema`: every table there, no
/// other, and each row with every column of its table and no other, each value of its type.
fn tables(
    mut tables: Map<String, Value>,
    schema: &[TableSchema],
    progress: &dyn Progress,
) -> Result<Vec<Table>, DumpError> {
    if let Some(unknown) = tables
        .keys()
        .filter(|name| !schema.iter().any(|table| &table.name == *name))
        .min()
    {
        return Err(DumpError::at(
            unknown,
            None,
            None,
            format!("is not a table of a schema {SCHEMA_VERSION} workspace"),
        ));
    }
    progress.stage("tables checked", schema.len() as u64);
    schema
        .iter()
        .map(|table| {
            let value = tables
                .remove(&table.name)
                .ok_or_else(|| DumpError::at(&table.name, None, None, "is missing"))?;
            let rows = rows(table, &value)?;
            progress.advance(1);
            Ok(Table {
                schema: table.clone(),
                rows,
            })
        })
        .collect()
}

/// Reads a `workspace.json` against a workspace's schema, without writing anything.
pub fn parse(bytes: &[u8], schema: &[TableSchema]) -> Result<Dump, DumpError> {
    Ok(Dump {
        schema_version: SCHEMA_VERSION,
        tables: tables(read(bytes)?, schema, &Silent)?,
    })
}

/// The restored workspace must be one the workbench can read: every record the audit pack is
/// made of is read back, so that a value the schema allows but a record does not (a risk
/// method whose levels are not a list, say) is refused here rather than on the next start.
fn readable(store: &Store, progress: &dyn Progress) -> Result<(), DumpError> {
    PackData::load_with_progress(store, chrono::Local::now().date_naive(), progress)
        .map(drop)
        .map_err(|error| {
            DumpError::whole(format!("makes a workspace that cannot be read: {error:#}"))
        })
}

/// `isms import workspace FILE [--dry-run]` into the new workspace file `workspace`, whose
/// change-log setup is made by `actor` (and replaced by the file's change log).
pub fn run(source: &Path, workspace: &Path, dry_run: bool, actor: &str) -> Result<Outcome> {
    run_with_progress(source, workspace, dry_run, actor, &Silent)
}

/// [`run`], reporting its stages to `progress`: the file read, its tables checked, the rows
/// restored and the new workspace read back. The command line passes a bar; everything else
/// calls [`run`], which reports nowhere.
pub fn run_with_progress(
    source: &Path,
    workspace: &Path,
    dry_run: bool,
    actor: &str,
    progress: &dyn Progress,
) -> Result<Outcome> {
    progress.stage("file read", 1);
    let bytes = read_source(source)?;
    let refused =
        |error: &DumpError| anyhow!("{}: {error}; nothing was imported", source.display());
    let tables_json = read(&bytes).map_err(|error| refused(&error))?;
    progress.advance(1);
    if fs::symlink_metadata(workspace).is_ok() {
        bail!(
            "{}: already exists; a workspace.json is imported only into a new workspace file, \
             so that nothing is overwritten: name a new one with --db FILE",
            workspace.display()
        );
    }
    let made = Store::create_complete(workspace, actor, !dry_run, |store| {
        let dump = Dump {
            schema_version: SCHEMA_VERSION,
            tables: tables(tables_json, &store.tables()?, progress)?,
        };
        store.restore_with_progress(&dump, progress)?;
        readable(store, progress)?;
        Ok(Summary::of(&dump))
    });
    match made {
        Ok(summary) if dry_run => Ok(Outcome::DryRun(summary)),
        Ok(summary) => Ok(Outcome::Imported(summary)),
        Err(error) => match error.downcast_ref::<DumpError>() {
            Some(place) => Err(refused(place)),
            None => Err(error.context(format!(
                "{}: nothing was imported from {}",
                workspace.display(),
                source.display()
            ))),
        },
    }
}
