//! `isms import workspace FILE`: an audit pack's `workspace.json` made into a new workspace
//! file, all or nothing.
//!
//! - The file's header is checked before anything touches the disk: the format marker and
//!   this build's schema version (older and newer are refused for now: open the old workspace
//!   with this build and export it again). Both come before `"tables"`, as the export writes
//!   them; a file with them after its tables is refused.
//! - Then a new workspace is made under a temporary name and the file is read again, as a
//!   stream: each row is checked against the workspace's schema (known tables and columns
//!   only, every column present, each value of the column's type) and written as soon as it
//!   is read, all in one transaction, so that a large file is never held in memory whole.
//!   After the last row every table must have been there, and SQLite's own rules (checks,
//!   uniqueness, references) and the change log's hash chain are checked too; only
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

use std::cell::{Cell as Flag, RefCell};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use anyhow::{anyhow, bail, Result};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::long_text::{Diverting, Long};
use crate::export::workspace_json::{FORMAT, FORMAT_KEY, TABLES_KEY, VERSION_KEY};
use crate::export::PackData;
use crate::progress::{Progress, Silent};
use crate::store::{
    Affinity, Cell, ColumnSchema, Dump, DumpError, Restore, Restored, Store, Table, TableSchema,
    SCHEMA_VERSION,
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
    fn of(restored: &Restored) -> Summary {
        Summary {
            tables: restored.tables.len(),
            rows: restored.row_count(),
            changes: restored.rows_of("change_log"),
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

/// The top level of a workspace.json but its tables: the format marker, the schema version and
/// the first (by name) of any other keys.
#[derive(Default)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
    unknown: Option<String>,
}

/// Why the format marker and the schema version must come before the tables.
const FIRST: &str = "(the format and the schema version must come first, before the tables, \
                     as isms export writes them)";

impl Header {
    /// The format marker and the schema version: this build's. `at_tables`: the check is made
    /// on reaching `"tables"`, so that what is missing may only come later.
    fn check_marks(&self, at_tables: bool) -> Result<(), DumpError> {
        let before = if at_tables {
            format!(" before its \"{TABLES_KEY}\" {FIRST}")
        } else {
            String::new()
        };
        match &self.format {
            Some(Value::String(format)) if format == FORMAT => {}
            Some(other) => {
                return Err(DumpError::whole(format!(
                    "is not an ISMS Workbench workspace.json: its \"{FORMAT_KEY}\" is {other}, not \"{FORMAT}\""
                )))
            }
            None => {
                return Err(DumpError::whole(format!(
                    "is not an ISMS Workbench workspace.json: it has no \"{FORMAT_KEY}\": \"{FORMAT}\"{before}"
                )))
            }
        }
        let version = match &self.version {
            Some(value) => value.as_i64().ok_or_else(|| {
                DumpError::whole(format!(
                    "its \"{VERSION_KEY}\" is {value}, not a whole number"
                ))
            })?,
            None if at_tables => {
                return Err(DumpError::whole(format!(
                    "has no \"{VERSION_KEY}\" before its \"{TABLES_KEY}\", so it cannot be read \
                     safely {FIRST}"
                )))
            }
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
        Ok(())
    }

    /// No key but the known ones.
    fn check_unknown(&self) -> Result<(), DumpError> {
        match &self.unknown {
            Some(key) => Err(DumpError::whole(format!(
                "has an unknown key {key:?} at the top level"
            ))),
            None => Ok(()),
        }
    }

    fn note_unknown(&mut self, key: String) {
        if self.unknown.as_ref().is_none_or(|first| key < *first) {
            self.unknown = Some(key);
        }
    }
}

/// Reads the JSON and checks what needs no workspace: the format marker and the schema
/// version; returns the `"tables"` object.
fn read(bytes: &[u8]) -> Result<Map<String, Value>, DumpError> {
    // A byte-order mark, as some editors write one, is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let Strict(value) = serde_json::from_slice(bytes).map_err(json_error)?;
    let Value::Object(mut top) = value else {
        return Err(not_an_object());
    };
    let header = Header {
        format: top.remove(FORMAT_KEY),
        version: top.remove(VERSION_KEY),
        unknown: None,
    };
    header.check_marks(false)?;
    let tables = match top.remove(TABLES_KEY) {
        Some(Value::Object(tables)) => tables,
        Some(_) => return Err(tables_not_an_object()),
        None => return Err(no_tables()),
    };
    if let Some(key) = top.keys().min() {
        return Err(DumpError::whole(format!(
            "has an unknown key {key:?} at the top level"
        )));
    }
    Ok(tables)
}

fn json_error(error: serde_json::Error) -> DumpError {
    if error.is_io() {
        DumpError::whole(format!("could not be read ({error})"))
    } else {
        DumpError::whole(format!("is not valid JSON ({error})"))
    }
}

fn not_an_object() -> DumpError {
    DumpError::whole("is not a workspace.json: it is not a JSON object")
}

fn tables_not_an_object() -> DumpError {
    DumpError::whole(format!("its \"{TABLES_KEY}\" is not an object of tables"))
}

fn no_tables() -> DumpError {
    DumpError::whole(format!("has no \"{TABLES_KEY}\""))
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
fn cell(value: Value, column: &ColumnSchema) -> Result<Cell, String> {
    let wrong = |found: String| format!("expected {}, not {found}", expected(column.affinity));
    match (value, column.affinity) {
        (Value::Null, _) if column.required => Err("needs a value, not null".into()),
        (Value::Null, _) => Ok(Cell::Null),
        (Value::String(text), Affinity::Integer | Affinity::Real) => {
            Err(wrong(format!("the text {}", Cell::Text(text).describe())))
        }
        (Value::String(text), _) => Ok(Cell::Text(text)),
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

/// One row's values, checked against its table: `values` holds what the row gives for each
/// column, in the order of the columns, and `unknown` the first (by name) of its other keys.
fn row_cells(
    schema: &TableSchema,
    number: usize,
    values: Vec<Option<Value>>,
    unknown: Option<&str>,
) -> Result<Vec<Cell>, DumpError> {
    let (table, number) = (schema.name.as_str(), Some(number));
    if let Some(unknown) = unknown {
        return Err(DumpError::at(
            table,
            number,
            Some(unknown),
            "is not a column of this table",
        ));
    }
    schema
        .columns
        .iter()
        .zip(values)
        .map(|(column, value)| {
            let name = Some(column.name.as_str());
            let value = value.ok_or_else(|| DumpError::at(table, number, name, "is missing"))?;
            cell(value, column).map_err(|reason| DumpError::at(table, number, name, reason))
        })
        .collect()
}

/// One table's rows, checked against its schema.
fn rows(schema: &TableSchema, value: Value) -> Result<Vec<Vec<Cell>>, DumpError> {
    let table = schema.name.as_str();
    let Value::Array(rows) = value else {
        return Err(DumpError::at(table, None, None, "is not a list of rows"));
    };
    let mut read = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        let number = index + 1;
        let Value::Object(mut row) = row else {
            return Err(DumpError::at(
                table,
                Some(number),
                None,
                "is not an object of columns",
            ));
        };
        let unknown = row
            .keys()
            .filter(|key| schema.column(key).is_none())
            .min()
            .cloned();
        let values = schema
            .columns
            .iter()
            .map(|column| row.remove(&column.name))
            .collect();
        read.push(row_cells(schema, number, values, unknown.as_deref())?);
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
            let rows = rows(table, value)?;
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
    // Which day it is changes what is overdue, not what can be read; a bad ISMS_TODAY has
    // already stopped the command.
    let today = crate::today::today().unwrap_or_default();
    PackData::load_with_progress(store, today, progress)
        .map(drop)
        .map_err(|error| {
            DumpError::whole(format!("makes a workspace that cannot be read: {error:#}"))
        })
}

// --- reading as the file streams in ---------------------------------------------------------
//
// A large workspace.json (hundreds of thousands of change-log entries) is never held whole:
// it is read through a buffer, and each row is checked and written into the new workspace's
// restore transaction as soon as it is read. The checks and their messages are those of
// [`parse`]; serde carries only text in its errors, so a refusal is kept aside in a
// [`Stopped`] and the reading stopped with a placeholder error.

/// Why the reading stopped before the end: a refusal, or (when only the header was wanted)
/// the `"tables"` key reached.
enum Stop {
    Refused(anyhow::Error),
    AtTables,
}

type Stopped = RefCell<Option<Stop>>;

/// Keeps `why` aside and returns the error that stops the reading.
fn stop<E: de::Error>(stopped: &Stopped, why: Stop) -> E {
    *stopped.borrow_mut() = Some(why);
    E::custom("the reading was stopped")
}

fn refuse<E: de::Error>(stopped: &Stopped, error: impl Into<anyhow::Error>) -> E {
    stop(stopped, Stop::Refused(error.into()))
}

fn twice<E: de::Error>(key: &str) -> E {
    E::custom(format!("the key {key:?} appears twice"))
}

/// Visitor methods for everything but the one kind of value a visitor wants: each refuses
/// with `self.wrong()`.
macro_rules! refuse_other_values {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.wrong())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.wrong())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.wrong())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.wrong())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.wrong())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(self.wrong())
        }
    };
}

/// What the top level turned out to be.
enum Top {
    NotObject,
    Object { header: Header, tables: bool },
}

/// The top level. Without a restore it reads the header only, stopping at `"tables"`; with
/// one it restores the tables' rows as they come.
struct TopVisitor<'s, 'r, 'a> {
    stopped: &'s Stopped,
    long: &'s Long,
    restore: Option<&'r mut Restore<'a>>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
        Ok(Top::NotObject)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
        Ok(Top::NotObject)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
        Ok(Top::NotObject)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
        Ok(Top::NotObject)
    }

    fn visit_str<E>(self, _: &str) -> Result<Top, E> {
        Ok(Top::NotObject)
    }

    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::NotObject)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        // The rest is read all the same: invalid JSON is reported as that.
        while seq.next_element::<Strict>()?.is_some() {}
        Ok(Top::NotObject)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Top, A::Error> {
        let mut header = Header::default();
        let mut seen: Vec<String> = Vec::new();
        let mut tables = false;
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(twice(&key));
            }
            match key.as_str() {
                FORMAT_KEY => header.format = Some(map.next_value::<Strict>()?.0),
                VERSION_KEY => header.version = Some(map.next_value::<Strict>()?.0),
                TABLES_KEY => {
                    if let Err(error) = header
                        .check_marks(true)
                        .and_then(|()| header.check_unknown())
                    {
                        return Err(refuse(self.stopped, error));
                    }
                    let Some(restore) = self.restore.as_deref_mut() else {
                        return Err(stop(self.stopped, Stop::AtTables));
                    };
                    map.next_value_seed(TablesSeed {
                        stopped: self.stopped,
                        long: self.long,
                        restore,
                    })?;
                    tables = true;
                }
                _ => {
                    map.next_value::<Strict>()?;
                    header.note_unknown(key.clone());
                }
            }
            seen.push(key);
        }
        Ok(Top::Object { header, tables })
    }
}

/// The `"tables"` object: each table's rows restored as they come.
struct TablesSeed<'s, 'r, 'a> {
    stopped: &'s Stopped,
    long: &'s Long,
    restore: &'r mut Restore<'a>,
}

impl<'de> DeserializeSeed<'de> for TablesSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TablesSeed<'_, '_, '_> {
    fn wrong<E: de::Error>(&self) -> E {
        refuse(self.stopped, tables_not_an_object())
    }
}

impl<'de> Visitor<'de> for TablesSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tables")
    }

    refuse_other_values!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if seen.contains(&name) {
                return Err(twice(&name));
            }
            let Some(index) = self
                .restore
                .schema()
                .iter()
                .position(|table| table.name == name)
            else {
                return Err(refuse(
                    self.stopped,
                    DumpError::at(
                        &name,
                        None,
                        None,
                        format!("is not a table of a schema {SCHEMA_VERSION} workspace"),
                    ),
                ));
            };
            self.restore
                .table(index)
                .map_err(|error| refuse(self.stopped, error))?;
            let schema = self.restore.schema()[index].clone();
            map.next_value_seed(RowsSeed {
                stopped: self.stopped,
                long: self.long,
                restore: &mut *self.restore,
                schema: &schema,
            })?;
            seen.push(name);
        }
        Ok(())
    }
}

/// One table's list of rows, each written as soon as it is read and checked.
struct RowsSeed<'s, 'r, 'a> {
    stopped: &'s Stopped,
    long: &'s Long,
    restore: &'r mut Restore<'a>,
    schema: &'s TableSchema,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl RowsSeed<'_, '_, '_> {
    fn wrong<E: de::Error>(&self) -> E {
        refuse(
            self.stopped,
            DumpError::at(&self.schema.name, None, None, "is not a list of rows"),
        )
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of rows")
    }

    refuse_other_values!();

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0;
        while seq
            .next_element_seed(RowSeed {
                stopped: self.stopped,
                long: self.long,
                restore: &mut *self.restore,
                schema: self.schema,
                number: number + 1,
            })?
            .is_some()
        {
            number += 1;
        }
        Ok(())
    }
}

/// One row: an object of columns, checked as [`rows`] checks it, and written. Each value is
/// bound into the insert as soon as it is read, text straight from the reader's buffer, so
/// that a long text is never copied into a value of its own.
struct RowSeed<'s, 'r, 'a> {
    stopped: &'s Stopped,
    long: &'s Long,
    restore: &'r mut Restore<'a>,
    schema: &'s TableSchema,
    number: usize,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl RowSeed<'_, '_, '_> {
    fn wrong<E: de::Error>(&self) -> E {
        refuse(
            self.stopped,
            DumpError::at(
                &self.schema.name,
                Some(self.number),
                None,
                "is not an object of columns",
            ),
        )
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of columns")
    }

    refuse_other_values!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let columns = &self.schema.columns;
        // Each column's value: bound, or why it cannot be.
        let mut values: Vec<Option<Result<(), String>>> = columns.iter().map(|_| None).collect();
        let mut unknown: Vec<String> = Vec::new();
        while let Some(key) = map.next_key_seed(ColumnKey(self.schema))? {
            match key {
                Key::Column(index) => {
                    if values[index].is_some() {
                        return Err(twice(&columns[index].name));
                    }
                    values[index] = Some(map.next_value_seed(ValueSeed {
                        stopped: self.stopped,
                        long: self.long,
                        restore: &mut *self.restore,
                        column: &columns[index],
                        index,
                    })?);
                }
                Key::Other(name) => {
                    if unknown.contains(&name) {
                        return Err(twice(&name));
                    }
                    map.next_value::<Strict>()?;
                    unknown.push(name);
                }
            }
        }
        // The first problem as [`row_cells`] finds it: an unknown key, then the columns in
        // their order.
        let (table, number) = (self.schema.name.as_str(), Some(self.number));
        if let Some(unknown) = unknown.iter().min() {
            return Err(refuse(
                self.stopped,
                DumpError::at(
                    table,
                    number,
                    Some(unknown),
                    "is not a column of this table",
                ),
            ));
        }
        for (column, value) in columns.iter().zip(values) {
            let name = Some(column.name.as_str());
            let reason = match value {
                Some(Ok(())) => continue,
                Some(Err(reason)) => reason,
                None => "is missing".to_string(),
            };
            return Err(refuse(
                self.stopped,
                DumpError::at(table, number, name, reason),
            ));
        }
        self.restore
            .insert_bound()
            .map_err(|error| refuse(self.stopped, error))
    }
}

/// One value of a row, checked as [`cell`] checks it and bound into the insert; the reason it
/// cannot be is the value read, so that the row's first problem is found in column order.
struct ValueSeed<'s, 'r, 'a> {
    stopped: &'s Stopped,
    long: &'s Long,
    restore: &'r mut Restore<'a>,
    column: &'s ColumnSchema,
    index: usize,
}

impl ValueSeed<'_, '_, '_> {
    /// A value that is not text, checked and bound.
    fn other<E: de::Error>(self, value: Value) -> Result<Result<(), String>, E> {
        match cell(value, self.column) {
            Ok(cell) => self
                .restore
                .bind(self.index, &cell)
                .map(Ok)
                .map_err(|error| refuse(self.stopped, error)),
            Err(reason) => Ok(Err(reason)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, '_> {
    type Value = Result<(), String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        // A text may be long: the reader keeps a long one for `visit_str` (see long_text.rs).
        let long = self.long;
        if !matches!(self.column.affinity, Affinity::Integer | Affinity::Real) {
            long.arm();
        }
        let read = deserializer.deserialize_any(self);
        long.disarm();
        read
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_, '_> {
    type Value = Result<(), String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        self.other(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        self.other(Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        self.other(Value::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        self.other(StrictVisitor.visit_f64(value)?)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.other(Value::Null)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        if matches!(self.column.affinity, Affinity::Integer | Affinity::Real) {
            // Only the start of the text is quoted: [`cell`] gives the reason.
            let start: String = text.chars().take(41).collect();
            return self.other(Value::String(start));
        }
        if let Some(whole) = self.long.take(text) {
            let whole = whole.map_err(|error| {
                self.long.refuse(error);
                E::custom("a long text could not be read")
            })?;
            // The reader's buffer for the text grew by doubling: the smaller buffers it left
            // are handed back before SQLite builds the row.
            crate::memory::release_freed();
            return self
                .restore
                .bind_owned_text(self.index, whole)
                .map(Ok)
                .map_err(|error| refuse(self.stopped, error));
        }
        if text.len() >= crate::memory::LONG_TEXT {
            // The reader's buffer grew by doubling to hold the text; the smaller buffers it
            // left are handed back before SQLite makes its copies of the text.
            crate::memory::release_freed();
        }
        self.restore
            .bind_text(self.index, text)
            .map(Ok)
            .map_err(|error| refuse(self.stopped, error))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let value = StrictVisitor.visit_seq(seq)?;
        self.other(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let value = StrictVisitor.visit_map(map)?;
        self.other(value)
    }
}

/// A key of a row: one of its table's columns (by index), or another name.
enum Key {
    Column(usize),
    Other(String),
}

/// Reads a row's key without keeping the name of a known column.
struct ColumnKey<'s>(&'s TableSchema);

impl<'de> DeserializeSeed<'de> for ColumnKey<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ColumnKey<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a column name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Key, E> {
        Ok(match self.0.columns.iter().position(|c| c.name == name) {
            Some(index) => Key::Column(index),
            None => Key::Other(name.to_string()),
        })
    }
}

/// The file read to the end, as far as [`stream`]'s messages need to know.
struct Tracked {
    file: File,
    ended: Rc<Flag<bool>>,
    /// The file's size when it was opened (past a byte-order mark), as far as known.
    size: u64,
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.file.read(buf)?;
        if read == 0 && !buf.is_empty() {
            self.ended.set(true);
        }
        Ok(read)
    }
}

/// The file, opened for reading through a buffer and past a byte-order mark (as some editors
/// write one, and which is not part of the JSON).
fn open(source: &Path) -> Result<BufReader<Tracked>> {
    let file = match File::open(source) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            bail!("{}: no such file to import", source.display())
        }
        Err(_) if source.is_dir() => {
            bail!("{}: is a directory, not a file to import", source.display())
        }
        Err(error) => bail!("{}: could not be read ({error})", source.display()),
    };
    if source.is_dir() {
        bail!("{}: is a directory, not a file to import", source.display());
    }
    let size = file.metadata().map_or(0, |metadata| metadata.len());
    let mut reader = BufReader::with_capacity(
        1 << 16,
        Tracked {
            file,
            ended: Rc::default(),
            size,
        },
    );
    let start = reader
        .fill_buf()
        .map_err(|error| anyhow!("{}: could not be read ({error})", source.display()))?;
    if start.starts_with(b"\xef\xbb\xbf") {
        reader.consume(3);
        reader.get_mut().size = size.saturating_sub(3);
    }
    Ok(reader)
}

/// [`json_error`] for an error of [`stream`]. A key twice is found by our visitors, and when
/// the error reaches the reader it has looked one byte further than a reader of the whole
/// file in memory would have: the place is given as [`parse`] gives it (the column one less,
/// but at the end of the file, where there is no byte further to look at).
///
/// On the line of a long text, serde_json's column misses the bytes [`Long`] read: they are
/// added back.
fn streamed_json_error(error: serde_json::Error, ended: bool, long: &Long) -> DumpError {
    if let Some(error) = long.error() {
        return DumpError::whole(format!("is not valid JSON ({error})"));
    }
    let (line, column) = (error.line(), error.column());
    let text = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let Some(message) = text.strip_suffix(&suffix).filter(|_| line > 0) else {
        return json_error(error);
    };
    let mut place = long.column(line, column, message == "invalid unicode code point");
    if error.classify() == serde_json::error::Category::Data && !ended && place > 0 {
        place -= 1;
    }
    if place == column {
        return json_error(error);
    }
    DumpError::whole(format!(
        "is not valid JSON ({message} at line {line} column {place})"
    ))
}

/// Reads the whole file (`restore` given: its rows restored as they come) or only its
/// header, up to `"tables"`, checking what it reads; a refusal is a [`DumpError`].
fn stream(reader: BufReader<Tracked>, restore: Option<&mut Restore<'_>>) -> Result<()> {
    let stopped = Stopped::default();
    let ended = Rc::clone(&reader.get_ref().ended);
    let size = reader.get_ref().size;
    let long = Rc::new(Long::default());
    let mut deserializer =
        serde_json::Deserializer::from_reader(Diverting::new(reader, Rc::clone(&long), size));
    let read = (&mut deserializer)
        .deserialize_any(TopVisitor {
            stopped: &stopped,
            long: &long,
            restore,
        })
        .and_then(|top| deserializer.end().map(|()| top));
    match (read, stopped.into_inner()) {
        (_, Some(Stop::Refused(error))) => Err(error),
        (_, Some(Stop::AtTables)) => Ok(()),
        (Err(error), None) => Err(streamed_json_error(error, ended.get(), &long).into()),
        (Ok(Top::NotObject), None) => Err(not_an_object().into()),
        (Ok(Top::Object { header, tables }), None) => {
            header.check_marks(false)?;
            if !tables {
                return Err(no_tables().into());
            }
            header.check_unknown()?;
            Ok(())
        }
    }
}

/// [`stream`] of the rows into `restore`, and then the reader's buffers handed back: the one
/// that held the longest text was as long as that text, and the checks of the restored
/// workspace that follow read that text again.
fn stream_then_release(reader: BufReader<Tracked>, restore: &mut Restore<'_>) -> Result<()> {
    let read = stream(reader, Some(restore));
    crate::memory::release_freed();
    read
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
    let refused =
        |error: &DumpError| anyhow!("{}: {error}; nothing was imported", source.display());
    // The header first, before anything touches the disk: the format marker and the schema
    // version come before the tables.
    stream(open(source)?, None).map_err(|error| match error.downcast_ref::<DumpError>() {
        Some(place) => refused(place),
        None => error,
    })?;
    progress.advance(1);
    if fs::symlink_metadata(workspace).is_ok() {
        bail!(
            "{}: already exists; a workspace.json is imported only into a new workspace file, \
             so that nothing is overwritten: name a new one with --db FILE",
            workspace.display()
        );
    }
    let made = Store::create_complete(workspace, actor, !dry_run, |store| {
        let reader = open(source)?;
        let ((), restored) =
            store.restore_streaming(progress, |restore| stream_then_release(reader, restore))?;
        // What the checks of the restored rows freed (each long text read and hashed) is
        // handed back before the records are read again.
        crate::memory::release_freed();
        readable(store, progress)?;
        Ok(Summary::of(&restored))
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

/// Restores `source` (an audit pack's `workspace.json`) into a private temporary workspace,
/// all checks of an import included, and runs `work` on it; the workspace and its folder
/// (under the system's temporary folder, 0700) are removed afterwards whatever happens.
/// Nothing is written anywhere else. `isms verify --against PACK` compares it with a
/// workspace's change log.
///
/// A file the import refuses is an error holding the [`DumpError`] (with the file's name as
/// its context), so that a caller can tell it from a failure to read or write.
pub fn with_restored<T>(source: &Path, work: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
    let refused =
        |error: &DumpError| anyhow::Error::new(error.clone()).context(source.display().to_string());
    stream(open(source)?, None).map_err(|error| match error.downcast_ref::<DumpError>() {
        Some(place) => refused(place),
        None => error,
    })?;
    let folder = PrivateFolder::new()?;
    let made = Store::create_complete(&folder.0.join("pack.sqlite3"), "verify", false, |store| {
        let reader = open(source)?;
        store.restore_streaming(&Silent, |restore| stream_then_release(reader, restore))?;
        work(store)
    });
    drop(folder);
    made.map_err(|error| match error.downcast_ref::<DumpError>() {
        Some(place) => refused(place),
        None => error,
    })
}

/// A fresh folder of this process's own under the system's temporary folder, made 0700 (and
/// never one that exists already, so never one another user planted); removed with all it
/// holds when dropped.
struct PrivateFolder(std::path::PathBuf);

impl PrivateFolder {
    fn new() -> Result<PrivateFolder> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        let base = std::env::temp_dir();
        let mut last = None;
        for attempt in 0..100u32 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.subsec_nanos());
            let path = base.join(format!(
                "isms-verify-{}-{nanos:09}-{attempt}",
                std::process::id()
            ));
            match fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => {
                    let folder = PrivateFolder(path);
                    // Whatever the umask: the folder holds the whole pack's records.
                    fs::set_permissions(&folder.0, fs::Permissions::from_mode(0o700))?;
                    return Ok(folder);
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last = Some(error),
                Err(error) => {
                    return Err(anyhow!(
                        "{}: could not make a private folder to restore the pack in ({error})",
                        base.display()
                    ))
                }
            }
        }
        Err(anyhow!(
            "{}: could not make a private folder to restore the pack in ({})",
            base.display(),
            last.map_or_else(String::new, |error| error.to_string())
        ))
    }
}

impl Drop for PrivateFolder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
