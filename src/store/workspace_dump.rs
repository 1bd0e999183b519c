//! The whole workspace as plain tables, which is what `workspace.json` carries: read from and
//! restored into the file generically, table by table as the schema itself lists them, so that
//! a table a later migration adds is carried without a change here.
//!
//! - Which tables: every table of the file but SQLite's own (`sqlite_*`), virtual tables and the
//!   drafts of unsaved text ([`NOT_EXPORTED`]),
//!   in name order; columns in schema order; rows in primary-key order (all columns for a
//!   table without one). The same file always gives the same [`Dump`].
//! - The catalogue (Annex A controls, clauses) is restored like every other table, verbatim.
//!   A workspace keeps the catalogue copied into it when it was created (a later build never
//!   rewrites it), so it is part of what the workspace holds; checking it against this
//!   build's catalogue instead would refuse the export of a workspace made by a build with
//!   other wording, and the round trip would no longer be exact.
//! - The change log is restored verbatim, so its hash chain still verifies (and is verified
//!   before anything is kept). The restore adds no entry of its own: the restored workspace
//!   reads exactly as the exported one did, and the caller reports the import instead.
//! - A restore replaces every row of every table in one write transaction. Foreign keys are
//!   checked once at the end, so rows may come in any order, and an error names the table,
//!   the row (counting from 1 within its table) and, where it can, the column.

use std::collections::HashMap;
use std::fmt;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, Statement, ToSql};

use super::{changelog, Store};
use crate::progress::{Progress, Silent};

/// The table whose hash chain is verified after a restore.
const CHANGE_LOG: &str = "change_log";

/// Tables that are not part of what the workspace holds, and so are neither exported nor
/// restored: `draft` keeps text typed into an open editor and not yet saved (see
/// `store/drafts.rs`). Drafts are not edits; an export carries saved work only, and leaving
/// them out keeps the `workspace.json` round trip exact whatever happened to be open.
const NOT_EXPORTED: &[&str] = &["draft"];

/// One stored value, typed as SQLite stores it. Binary data is not among them: no column of
/// the schema holds any, and `workspace.json` could not carry it as text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

/// A cell binds as its value, text borrowed rather than copied.
impl ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Cell::Null => ValueRef::Null,
            Cell::Integer(number) => ValueRef::Integer(*number),
            Cell::Real(number) => ValueRef::Real(*number),
            Cell::Text(text) => ValueRef::Text(text.as_bytes()),
        }))
    }
}

impl Cell {
    /// The value as an error message quotes it: text in quotes, cut short when long.
    pub fn describe(&self) -> String {
        match self {
            Cell::Null => "null".into(),
            Cell::Integer(number) => number.to_string(),
            Cell::Real(number) => number.to_string(),
            Cell::Text(text) => {
                const LONGEST: usize = SHOWN - 1;
                match text.char_indices().nth(LONGEST) {
                    Some((cut, _)) => format!("{:?}...", &text[..cut]),
                    None => format!("{text:?}"),
                }
            }
        }
    }
}

/// The values a column takes, from its declared type by SQLite's rules of type affinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    Integer,
    Text,
    /// No declared type: any value, kept as given.
    Blob,
    Real,
    Numeric,
}

impl Affinity {
    /// SQLite's rules, applied in its order (<https://sqlite.org/datatype3.html>, 3.1).
    pub fn of_declared(declared: &str) -> Affinity {
        let declared = declared.to_ascii_uppercase();
        let has = |part: &str| declared.contains(part);
        if has("INT") {
            Affinity::Integer
        } else if has("CHAR") || has("CLOB") || has("TEXT") {
            Affinity::Text
        } else if has("BLOB") || declared.trim().is_empty() {
            Affinity::Blob
        } else if has("REAL") || has("FLOA") || has("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }
}

/// One column of a table, as the schema declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSchema {
    pub name: String,
    pub affinity: Affinity,
    /// `NOT NULL`, or part of the primary key: null is refused.
    pub required: bool,
}

/// One table of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSchema {
    pub name: String,
    pub columns: Vec<ColumnSchema>,
    /// The columns that order the rows: the primary key's, else all of them.
    order: Vec<String>,
}

impl TableSchema {
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|column| column.name == name)
    }
}

/// A table and its rows, each row's values in the order of the table's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub schema: TableSchema,
    pub rows: Vec<Vec<Cell>>,
}

/// Every table of a workspace with every row.
#[derive(Debug, Clone, PartialEq)]
pub struct Dump {
    pub schema_version: i64,
    pub tables: Vec<Table>,
}

impl Dump {
    /// How many rows all the tables hold together.
    pub fn row_count(&self) -> usize {
        self.tables.iter().map(|table| table.rows.len()).sum()
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| table.schema.name == name)
    }
}

/// What is wrong with a dump, and where: the table, the row (from 1, in the table's order)
/// and the column, as far as they are known. Renders as `table risk, row 3, column status:
/// reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpError {
    pub table: Option<String>,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl DumpError {
    pub fn whole(message: impl Into<String>) -> Self {
        DumpError {
            table: None,
            row: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(
        table: &str,
        row: Option<usize>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        DumpError {
            table: Some(table.to_string()),
            row,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for DumpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(table) = &self.table {
            place.push(format!("table {table}"));
        }
        if let Some(row) = self.row {
            place.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            place.push(format!("column {column}"));
        }
        if place.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)
        }
    }
}

impl std::error::Error for DumpError {}

/// The prepared statement of `conn` whose text starts with `tag`.
fn statement_named(conn: &Connection, tag: &str) -> Option<*mut rusqlite::ffi::sqlite3_stmt> {
    use rusqlite::ffi;
    // SAFETY: the connection's handle is only used to walk its prepared statements and read
    // their texts, on this thread, while `conn` is borrowed; nothing is changed.
    unsafe {
        let db = conn.handle();
        let mut stmt = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
        while !stmt.is_null() {
            let text = ffi::sqlite3_sql(stmt);
            if !text.is_null()
                && std::ffi::CStr::from_ptr(text)
                    .to_bytes()
                    .starts_with(tag.as_bytes())
            {
                return Some(stmt);
            }
            stmt = ffi::sqlite3_next_stmt(db, stmt);
        }
    }
    None
}

/// An identifier quoted for SQL.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quoted_list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|name| quote(name.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The tables of the file and their columns, in name order.
fn schema_in(conn: &Connection) -> rusqlite::Result<Vec<TableSchema>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema
         WHERE type = 'table'
           AND lower(substr(name, 1, 7)) <> 'sqlite_'
           AND upper(substr(ltrim(coalesce(sql, '')), 1, 14)) <> 'CREATE VIRTUAL'
         ORDER BY name",
    )?;
    let mut names = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    names.retain(|name| !NOT_EXPORTED.contains(&name.as_str()));
    let mut columns =
        conn.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        let mut key: Vec<(i64, String)> = Vec::new();
        let columns = columns
            .query_map([&name], |row| {
                let (name, declared, not_null, pk): (String, String, bool, i64) =
                    (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
                Ok((name, declared, not_null, pk))
            })?
            .map(|row| {
                row.map(|(name, declared, not_null, pk)| {
                    if pk > 0 {
                        key.push((pk, name.clone()));
                    }
                    ColumnSchema {
                        affinity: Affinity::of_declared(&declared),
                        required: not_null || pk > 0,
                        name,
                    }
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        key.sort();
        let order = if key.is_empty() {
            columns.iter().map(|column| column.name.clone()).collect()
        } else {
            key.into_iter().map(|(_, name)| name).collect()
        };
        tables.push(TableSchema {
            name,
            columns,
            order,
        });
    }
    Ok(tables)
}

fn cell(table: &str, row: usize, column: &str, value: ValueRef<'_>) -> Result<Cell> {
    let refuse = |message: &str| -> anyhow::Error {
        DumpError::at(table, Some(row), Some(column), message).into()
    };
    Ok(match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(number) => Cell::Integer(number),
        ValueRef::Real(number) if number.is_finite() => Cell::Real(number),
        ValueRef::Real(_) => {
            return Err(refuse(
                "holds an infinite number, which workspace.json cannot carry",
            ))
        }
        // Values only another program writes: damage, which `Store::explain` names by record.
        ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => Cell::Text(text.to_string()),
            Err(_) => return Err(damaged(table, row, column, false)),
        },
        ValueRef::Blob(_) => return Err(damaged(table, row, column, true)),
    })
}

fn damaged(table: &str, row: usize, column: &str, binary: bool) -> anyhow::Error {
    anyhow::Error::new(super::DamagedValue {
        table: table.to_string(),
        row: format!("row {row}"),
        column: column.to_string(),
        binary,
    })
}

/// What [`Store::dump_each`] hands its visitor, in order: the schema version, then each
/// table followed by its rows.
pub enum DumpEvent<'a> {
    SchemaVersion(i64),
    Table(&'a TableSchema),
    Row(&'a [Cell]),
}

/// Reads every table and row in dump order, handing each to `visit` as it is read, so that a
/// large workspace is never held in memory whole.
pub(super) fn dump_each_in(
    conn: &Connection,
    visit: &mut dyn FnMut(DumpEvent<'_>) -> Result<()>,
) -> Result<()> {
    let schema_version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    visit(DumpEvent::SchemaVersion(schema_version))?;
    for schema in schema_in(conn)? {
        visit(DumpEvent::Table(&schema))?;
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            quoted_list(schema.columns.iter().map(|c| &c.name)),
            quote(&schema.name),
            quoted_list(&schema.order)
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut number = 0;
        let mut cells = Vec::with_capacity(schema.columns.len());
        while let Some(row) = rows.next()? {
            number += 1;
            cells.clear();
            for (index, column) in schema.columns.iter().enumerate() {
                cells.push(cell(
                    &schema.name,
                    number,
                    &column.name,
                    row.get_ref(index)?,
                )?);
            }
            visit(DumpEvent::Row(&cells))?;
        }
    }
    Ok(())
}

fn dump_in(conn: &Connection) -> Result<Dump> {
    let mut dump = Dump {
        schema_version: 0,
        tables: Vec::new(),
    };
    dump_each_in(conn, &mut |event| {
        match event {
            DumpEvent::SchemaVersion(version) => dump.schema_version = version,
            DumpEvent::Table(schema) => dump.tables.push(Table {
                schema: schema.clone(),
                rows: Vec::new(),
            }),
            DumpEvent::Row(cells) => {
                if let Some(table) = dump.tables.last_mut() {
                    table.rows.push(cells.to_vec());
                }
            }
        }
        Ok(())
    })?;
    Ok(dump)
}

/// Every run of white space as one space, so that a rule from the schema reads on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The columns of `table` that a rule of the schema names (outside its quoted strings).
fn columns_named_in<'a>(table: &'a TableSchema, rule: &str) -> Vec<&'a str> {
    let mut outside_quotes = String::new();
    for (index, part) in rule.split('\'').enumerate() {
        if index % 2 == 0 {
            outside_quotes.push_str(part);
        }
        outside_quotes.push(' ');
    }
    let words: Vec<&str> = outside_quotes
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .collect();
    table
        .columns
        .iter()
        .map(|column| column.name.as_str())
        .filter(|name| words.contains(name))
        .collect()
}

/// The row's value of a column, quoted for a message.
fn value_of(table: &TableSchema, row: &[Cell], column: &str) -> String {
    table
        .columns
        .iter()
        .position(|c| c.name == column)
        .and_then(|index| row.get(index))
        .map_or_else(|| "the value".into(), Cell::describe)
}

/// A row SQLite refused, as one sentence naming the place.
fn insert_error(
    table: &TableSchema,
    number: usize,
    row: &[Cell],
    error: rusqlite::Error,
) -> DumpError {
    let text = match &error {
        rusqlite::Error::SqliteFailure(_, Some(message)) => one_line(message),
        other => one_line(&other.to_string()),
    };
    let name = table.name.as_str();
    let unqualified = |columns: &str| -> Vec<String> {
        columns
            .split(", ")
            .map(|c| c.rsplit('.').next().unwrap_or(c).to_string())
            .collect()
    };
    if let Some(columns) = text.strip_prefix("NOT NULL constraint failed: ") {
        let columns = unqualified(columns);
        return DumpError::at(
            name,
            Some(number),
            columns.first().map(String::as_str),
            "needs a value, not null",
        );
    }
    if let Some(columns) = text.strip_prefix("UNIQUE constraint failed: ") {
        let columns = unqualified(columns);
        let values: Vec<String> = columns.iter().map(|c| value_of(table, row, c)).collect();
        return DumpError::at(
            name,
            Some(number),
            Some(&columns.join(", ")),
            format!("{} is already taken by an earlier row", values.join(", ")),
        );
    }
    if let Some(rule) = text.strip_prefix("CHECK constraint failed: ") {
        return match columns_named_in(table, rule).as_slice() {
            [column] => DumpError::at(
                name,
                Some(number),
                Some(column),
                format!(
                    "{} is not allowed here (the schema requires {rule})",
                    value_of(table, row, column)
                ),
            ),
            _ => DumpError::at(
                name,
                Some(number),
                None,
                format!("the row breaks the schema's rule `{rule}`"),
            ),
        };
    }
    DumpError::at(
        name,
        Some(number),
        None,
        format!("could not be written ({text})"),
    )
}

/// Characters of a text that [`Cell::describe`] shows, and one more to tell that it was cut.
const SHOWN: usize = 41;

/// The start of a text, enough for [`Cell::describe`] to quote it as it quotes the whole.
fn preview_text(text: &str) -> String {
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.to_string(),
    }
}

/// A value as far as [`Cell::describe`] quotes it.
fn preview(value: &Cell) -> Cell {
    match value {
        Cell::Text(text) => Cell::Text(preview_text(text)),
        other => other.clone(),
    }
}

/// A stored value as a message quotes it.
fn describe(value: Value) -> String {
    match value {
        Value::Null => Cell::Null,
        Value::Integer(number) => Cell::Integer(number),
        Value::Real(number) => Cell::Real(number),
        Value::Text(text) => Cell::Text(text),
        Value::Blob(_) => return "binary data".into(),
    }
    .describe()
}

/// The first row, in file order, that refers to a row the restore did not write; `numbers`
/// gives each table's rows' numbers by rowid, and the values are read back from the row.
/// The table of reference counters: for each series (`R`, `IA-2026`, `OBJ-01/M`...), the
/// number its last record was given.
const REF_COUNTER: &str = "ref_counter";

/// `PREFIX-NUMBER` split into its series and number, for a reference numbered by a counter
/// (`R-031`, `IA-2026-01`); `None` for one that is not (`WS`, `5.1`, `IA-2026-01/4.1`).
pub(super) fn numbered(reference: &str) -> Option<(&str, u64)> {
    let (prefix, digits) = reference.rsplit_once('-')?;
    if prefix.is_empty() || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((prefix, digits.parse().unwrap_or(u64::MAX)))
}

/// The first reference in use (in a record's `ref`, or named by the change log) whose series'
/// counter is below its number: the next record saved in that series would be given a
/// reference already taken, so every later save there would fail (or reuse a deleted record's
/// reference). Named by its table and row, with the counter's row.
fn counter_error(
    conn: &Connection,
    schema: &[TableSchema],
    numbers: &HashMap<&str, &HashMap<i64, usize>>,
) -> Result<Option<DumpError>> {
    let Some(counters_schema) = schema.iter().find(|table| table.name == REF_COUNTER) else {
        return Ok(None);
    };
    if counters_schema.column("prefix").is_none() || counters_schema.column("last").is_none() {
        return Ok(None);
    }
    let mut counters: HashMap<String, (i64, i64)> = HashMap::new();
    let mut stmt = conn.prepare("SELECT prefix, last, rowid FROM ref_counter")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if let (Ok(prefix), Ok(last)) = (row.get_ref(0)?.as_str(), row.get_ref(1)?.as_i64()) {
            counters.insert(prefix.to_string(), (last, row.get(2)?));
        }
    }
    let row_of = |table: &str, rowid: i64| numbers.get(table)?.get(&rowid).copied();
    // The records first, then the change log (which names deleted records too).
    let records = schema.iter().filter(|table| table.name != CHANGE_LOG);
    let log = schema.iter().filter(|table| table.name == CHANGE_LOG);
    for table in records.chain(log) {
        let column = if table.name == CHANGE_LOG {
            "record"
        } else {
            "ref"
        };
        if table.column(column).is_none() {
            continue;
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT rowid, \"{column}\" FROM \"{}\" ORDER BY rowid",
            table.name.replace('"', "\"\"")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let Ok(reference) = row.get_ref(1)?.as_str() else {
                continue;
            };
            let Some((prefix, number)) = numbered(reference) else {
                continue;
            };
            let counter = counters.get(prefix).copied();
            if counter.is_some_and(|(last, _)| u64::try_from(last).is_ok_and(|last| last >= number))
            {
                continue;
            }
            let counter = match counter {
                Some((last, rowid)) => {
                    let place = match row_of(REF_COUNTER, rowid) {
                        Some(counter_row) => format!("table {REF_COUNTER}, row {counter_row}"),
                        None => format!("table {REF_COUNTER}"),
                    };
                    format!("the counter for {prefix} ({place}) is at {last}")
                }
                None => format!("table {REF_COUNTER} has no counter for {prefix}"),
            };
            let what = if table.name == CHANGE_LOG {
                "is named by the change log"
            } else {
                "is in use"
            };
            return Ok(Some(DumpError::at(
                &table.name,
                row_of(&table.name, row.get(0)?),
                Some(column),
                format!(
                    "{reference} {what}, but {counter}, so the next record saved in that \
                     series would be given a reference already taken"
                ),
            )));
        }
    }
    Ok(None)
}

fn foreign_key_error(
    conn: &Connection,
    numbers: &HashMap<&str, &HashMap<i64, usize>>,
) -> Result<Option<DumpError>> {
    let mut stmt =
        conn.prepare("SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check()")?;
    let violations = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<i64>>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let first = violations
        .into_iter()
        .map(|(table, rowid, parent, fkid)| {
            let number = rowid.and_then(|rowid| numbers.get(table.as_str())?.get(&rowid).copied());
            (table, number, rowid, parent, fkid)
        })
        .min_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let Some((table, number, rowid, parent, fkid)) = first else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?1) WHERE id = ?2 ORDER BY seq",
    )?;
    let pairs = stmt
        .query_map(rusqlite::params![table, fkid], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let columns: Vec<&str> = pairs.iter().map(|(from, _)| from.as_str()).collect();
    let targets: Vec<&str> = pairs.iter().filter_map(|(_, to)| to.as_deref()).collect();
    let values = match (number, rowid) {
        (Some(_), Some(rowid)) => columns
            .iter()
            .map(|column| {
                conn.query_row(
                    &format!(
                        "SELECT {} FROM {} WHERE rowid = ?1",
                        quote(column),
                        quote(&table)
                    ),
                    [rowid],
                    |row| row.get::<_, Value>(0),
                )
                .map(describe)
            })
            .collect::<rusqlite::Result<Vec<_>>>()?
            .join(", "),
        _ => "a row".into(),
    };
    let parent_key = if targets.is_empty() {
        parent
    } else {
        format!("{parent} ({})", targets.join(", "))
    };
    Ok(Some(DumpError::at(
        &table,
        number,
        Some(&columns.join(", ")),
        format!("refers to {values} in {parent_key}, which the file does not hold"),
    )))
}

/// Rows inserted between two progress reports: a report per row would cost more than the
/// bar is worth on a large change log.
const ROWS_PER_STEP: usize = 256;

/// A restore under way, in the caller's write transaction: every table emptied, rows written
/// one at a time as they come (so that a large file is never held whole), and the whole
/// checked by [`Restore::finish`]. Foreign keys are checked at the end, so rows may come in
/// any order. Reports the stage "rows restored", its total growing with the rows, and then
/// "tables checked".
pub struct Restore<'a> {
    conn: &'a Connection,
    schema: Vec<TableSchema>,
    progress: &'a dyn Progress,
    /// Rows written so far, by table of `schema`.
    rows: Vec<usize>,
    /// Whether each table of `schema` was restored.
    seen: Vec<bool>,
    /// Each table's row numbers (from 1, in the order given) by rowid, for messages.
    numbers: Vec<HashMap<i64, usize>>,
    /// The table being written and its insert statement.
    current: Option<(usize, Statement<'a>)>,
    /// The values bound for the next row, as far as a message quotes them: text cut short
    /// (see [`preview`]), so that a long text is held once, by SQLite, not twice.
    bound: Vec<Cell>,
    /// Rows written and not yet reported to `progress`.
    unreported: u64,
    /// The current insert statement as SQLite knows it, to bind a long text without a copy.
    raw_insert: *mut rusqlite::ffi::sqlite3_stmt,
    /// Long texts bound to the current insert by [`Restore::bind_owned_text`], by column: held
    /// here until the bindings are cleared. Declared after `current`, so that the statement
    /// goes first.
    owned: Vec<Option<String>>,
}

/// What a restore wrote: each table's name and row count, in schema order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub tables: Vec<(String, usize)>,
}

impl Restored {
    pub fn row_count(&self) -> usize {
        self.tables.iter().map(|(_, rows)| rows).sum()
    }

    pub fn rows_of(&self, table: &str) -> usize {
        self.tables
            .iter()
            .find(|(name, _)| name == table)
            .map_or(0, |(_, rows)| *rows)
    }
}

impl<'a> Restore<'a> {
    /// Empties every table of the workspace, in the transaction `conn` is in.
    fn begin(conn: &'a Connection, progress: &'a dyn Progress) -> Result<Restore<'a>> {
        let schema = schema_in(conn)?;
        // Rows refer to rows of tables restored later; the references are checked at the end.
        conn.pragma_update(None, "defer_foreign_keys", true)?;
        for table in &schema {
            conn.execute(&format!("DELETE FROM {}", quote(&table.name)), [])?;
        }
        progress.stage("rows restored", 0);
        Ok(Restore {
            conn,
            rows: vec![0; schema.len()],
            seen: vec![false; schema.len()],
            numbers: vec![HashMap::new(); schema.len()],
            schema,
            progress,
            current: None,
            bound: Vec::new(),
            unreported: 0,
            raw_insert: std::ptr::null_mut(),
            owned: Vec::new(),
        })
    }

    /// The workspace's tables, in name order.
    pub fn schema(&self) -> &[TableSchema] {
        &self.schema
    }

    /// The rows that follow are the rows of `self.schema()[table]`.
    pub fn table(&mut self, table: usize) -> Result<()> {
        let schema = &self.schema[table];
        let placeholders: Vec<String> = (1..=schema.columns.len())
            .map(|i| format!("?{i}"))
            .collect();
        // The comment makes the statement's text one of its own, to find it by (see
        // `statement_named`).
        static INSERTS: AtomicU64 = AtomicU64::new(0);
        let tag = format!("/* restore {} */", INSERTS.fetch_add(1, Ordering::Relaxed));
        let sql = format!(
            "{tag} INSERT INTO {} ({}) VALUES ({})",
            quote(&schema.name),
            quoted_list(schema.columns.iter().map(|c| &c.name)),
            placeholders.join(", "),
        );
        self.current = None;
        self.raw_insert = std::ptr::null_mut();
        self.owned = vec![None; schema.columns.len()];
        let insert = self.conn.prepare(&sql)?;
        self.raw_insert = statement_named(self.conn, &tag)
            .ok_or_else(|| anyhow::anyhow!("the insert into {} was not found", schema.name))?;
        self.current = Some((table, insert));
        self.bound = vec![Cell::Null; schema.columns.len()];
        self.seen[table] = true;
        Ok(())
    }

    /// Writes the next row of the current table, its values in the order of its columns.
    pub fn insert(&mut self, row: &[Cell]) -> Result<()> {
        let Some((table, _)) = self.current.as_ref() else {
            anyhow::bail!("a row was given before its table");
        };
        let schema = &self.schema[*table];
        if row.len() != schema.columns.len() {
            return Err(DumpError::at(
                &schema.name,
                Some(self.rows[*table] + 1),
                None,
                "does not have every column",
            )
            .into());
        }
        for (column, cell) in row.iter().enumerate() {
            self.bind(column, cell)?;
        }
        self.insert_bound()
    }

    /// Binds the next row's value of the current table's `column` (from 0, in the order of
    /// its columns). SQLite copies the value, so a long text read from a file need not be
    /// kept by the caller: [`Restore::insert_bound`] writes the row once every column is bound.
    pub fn bind(&mut self, column: usize, value: &Cell) -> Result<()> {
        self.bind_value(column, value, preview(value))
    }

    /// [`Restore::bind`] of a text, borrowed.
    pub fn bind_text(&mut self, column: usize, text: &str) -> Result<()> {
        self.bind_value(column, &text, Cell::Text(preview_text(text)))
    }

    /// [`Restore::bind`] of a long text, owned: SQLite reads it where it is, without the copy
    /// it makes of a borrowed one, and it is held until the row is written.
    pub fn bind_owned_text(&mut self, column: usize, text: String) -> Result<()> {
        if self.current.is_none() || column >= self.owned.len() {
            anyhow::bail!("a value was given before its table");
        }
        let index = c_int::try_from(column + 1)?;
        // SAFETY: `raw_insert` is the statement of `self.current` (found by its own text when
        // it was prepared, and reset with it), alive while `current` is. SQLITE_STATIC asks
        // SQLite to read the text where it is until the parameter is bound again or the
        // statement finalized; the text is kept in `self.owned` until then: it is let go only
        // after `clear_bindings` (insert_bound) or once the statement is finalized (table, and
        // `owned` is dropped after `current`), and replaced below only after the new binding.
        let code = unsafe {
            rusqlite::ffi::sqlite3_bind_text64(
                self.raw_insert,
                index,
                text.as_ptr().cast(),
                text.len() as u64,
                rusqlite::ffi::SQLITE_STATIC(),
                rusqlite::ffi::SQLITE_UTF8 as _,
            )
        };
        if code != rusqlite::ffi::SQLITE_OK {
            return Err(
                rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None).into(),
            );
        }
        self.bound[column] = Cell::Text(preview_text(&text));
        self.owned[column] = Some(text);
        Ok(())
    }

    fn bind_value(&mut self, column: usize, value: &dyn ToSql, shown: Cell) -> Result<()> {
        let Some((_, insert)) = self.current.as_mut() else {
            anyhow::bail!("a value was given before its table");
        };
        insert.raw_bind_parameter(column + 1, value)?;
        self.bound[column] = shown;
        Ok(())
    }

    /// Writes the next row of the current table from the values bound for every column.
    pub fn insert_bound(&mut self) -> Result<()> {
        let Some((table, insert)) = self.current.as_mut() else {
            anyhow::bail!("a row was given before its table");
        };
        let schema = &self.schema[*table];
        let number = self.rows[*table] + 1;
        let written = insert.raw_execute();
        // The bound copy of a long text is let go at once, not held until the next row.
        insert.clear_bindings();
        self.owned.iter_mut().for_each(|text| *text = None);
        written.map_err(|error| insert_error(schema, number, &self.bound, error))?;
        self.rows[*table] = number;
        self.numbers[*table].insert(self.conn.last_insert_rowid(), number);
        self.unreported += 1;
        if self.unreported == ROWS_PER_STEP as u64 {
            self.report();
        }
        Ok(())
    }

    fn report(&mut self) {
        if self.unreported > 0 {
            self.progress.extend(self.unreported);
            self.progress.advance(self.unreported);
            self.unreported = 0;
        }
    }

    /// Checks what the rows make together: every table given, every reference to a row that
    /// was written, the change log's hash chain whole.
    fn finish(mut self) -> Result<Restored> {
        self.report();
        self.current = None;
        self.raw_insert = std::ptr::null_mut();
        self.owned.clear();
        if let Some(missing) = self.seen.iter().position(|seen| !seen) {
            return Err(DumpError::at(&self.schema[missing].name, None, None, "is missing").into());
        }
        self.progress
            .stage("tables checked", self.schema.len() as u64);
        let numbers: HashMap<&str, &HashMap<i64, usize>> = self
            .schema
            .iter()
            .map(|table| table.name.as_str())
            .zip(&self.numbers)
            .collect();
        if let Some(error) = foreign_key_error(self.conn, &numbers)? {
            return Err(error.into());
        }
        if let Err(broken) = changelog::verify(self.conn)? {
            let number = numbers
                .get(CHANGE_LOG)
                .and_then(|rows| rows.get(&broken.seq))
                .copied();
            return Err(DumpError::at(
                CHANGE_LOG,
                number,
                None,
                format!(
                    "the change log's hash chain breaks at entry {}: {}",
                    broken.seq, broken.reason
                ),
            )
            .into());
        }
        if let Some(error) = counter_error(self.conn, &self.schema, &numbers)? {
            return Err(error.into());
        }
        // The hash chain's check read each long text of the log; what it freed is handed back
        // before the replay reads them again (see `crate::memory`).
        crate::memory::release_freed();
        if let Some(problem) = super::replay::check(self.conn)? {
            return Err(DumpError::whole(format!(
                "its records do not match its change log ({problem})"
            ))
            .into());
        }
        self.progress.advance(self.schema.len() as u64);
        Ok(Restored {
            tables: self
                .schema
                .iter()
                .map(|table| table.name.clone())
                .zip(self.rows.iter().copied())
                .collect(),
        })
    }
}

/// Replaces every row of every table by the dump's; see the module's notes.
fn restore_in(conn: &Connection, dump: &Dump, progress: &dyn Progress) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if dump.schema_version != version {
        return Err(DumpError::whole(format!(
            "it holds a schema {} workspace, and this workspace has schema {version}",
            dump.schema_version
        ))
        .into());
    }
    let schema = schema_in(conn)?;
    for table in &schema {
        match dump.table(&table.name) {
            None => return Err(DumpError::at(&table.name, None, None, "is missing").into()),
            Some(dumped) if dumped.schema.columns != table.columns => {
                return Err(DumpError::at(
                    &table.name,
                    None,
                    None,
                    "has other columns than this workspace's table",
                )
                .into())
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = dump
        .tables
        .iter()
        .find(|dumped| !schema.iter().any(|table| table.name == dumped.schema.name))
    {
        return Err(DumpError::at(
            &extra.schema.name,
            None,
            None,
            "is not a table of this workspace",
        )
        .into());
    }
    let mut restore = Restore::begin(conn, progress)?;
    for table in &dump.tables {
        let Some(index) = schema.iter().position(|t| t.name == table.schema.name) else {
            continue;
        };
        restore.table(index)?;
        for row in &table.rows {
            restore.insert(row)?;
        }
    }
    restore.finish().map(drop)
}

impl Store {
    /// The tables of this workspace and their columns, in name order.
    pub fn tables(&self) -> Result<Vec<TableSchema>> {
        Ok(schema_in(&self.conn)?)
    }

    /// Every table with every row, read in one transaction so that the tables agree.
    pub fn dump(&self) -> Result<Dump> {
        let tx = self.conn.unchecked_transaction()?;
        let dump = dump_in(&tx)?;
        tx.commit()?;
        Ok(dump)
    }

    /// [`Store::dump`] without holding it: each table and row is handed to `visit` as it is
    /// read, all in one read transaction (a consistent picture even while another process
    /// writes).
    pub fn dump_each(&self, visit: &mut dyn FnMut(DumpEvent<'_>) -> Result<()>) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        dump_each_in(&tx, visit)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces everything the workspace holds, the change log included, by the dump's rows,
    /// in one write transaction: all of it, or (on any error) nothing. Meant for a new
    /// workspace; a row the schema refuses, a reference to a row the dump does not hold or a
    /// change log whose chain does not verify is a [`DumpError`] naming the place.
    pub fn restore(&mut self, dump: &Dump) -> Result<()> {
        self.restore_with_progress(dump, &Silent)
    }

    /// [`Store::restore`], reporting a stage counted in rows inserted.
    pub fn restore_with_progress(&mut self, dump: &Dump, progress: &dyn Progress) -> Result<()> {
        self.write(|writer| restore_in(writer.conn(), dump, progress))
            .context("nothing was restored")
    }

    /// [`Store::restore`] from rows that `feed` hands to a [`Restore`] as it reads them, so
    /// that they are never all held: one write transaction, all or (on any error from `feed`
    /// or from the checks after it) nothing. Returns `feed`'s value and what was written.
    pub fn restore_streaming<T>(
        &mut self,
        progress: &dyn Progress,
        feed: impl FnOnce(&mut Restore<'_>) -> Result<T>,
    ) -> Result<(T, Restored)> {
        self.write(|writer| {
            let mut restore = Restore::begin(writer.conn(), progress)?;
            let value = feed(&mut restore)?;
            Ok((value, restore.finish()?))
        })
        .context("nothing was restored")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affinity_follows_sqlites_rules() {
        for (declared, affinity) in [
            ("INTEGER", Affinity::Integer),
            ("BIGINT", Affinity::Integer),
            ("TEXT", Affinity::Text),
            ("VARCHAR(10)", Affinity::Text),
            ("", Affinity::Blob),
            ("BLOB", Affinity::Blob),
            ("REAL", Affinity::Real),
            ("DOUBLE PRECISION", Affinity::Real),
            ("NUMERIC", Affinity::Numeric),
            ("DATE", Affinity::Numeric),
        ] {
            assert_eq!(Affinity::of_declared(declared), affinity, "{declared}");
        }
    }

    #[test]
    fn a_rule_names_the_columns_outside_its_strings() {
        let table = TableSchema {
            name: "t".into(),
            columns: ["scope", "in", "justification"]
                .iter()
                .map(|name| ColumnSchema {
                    name: name.to_string(),
                    affinity: Affinity::Text,
                    required: true,
                })
                .collect(),
            order: Vec::new(),
        };
        assert_eq!(
            columns_named_in(&table, "scope IN ('in', 'out')"),
            ["scope"]
        );
        assert_eq!(
            columns_named_in(&table, "scope = 'in' OR trim(justification) <> ''"),
            ["scope", "justification"]
        );
    }

    #[test]
    fn an_error_names_its_place() {
        assert_eq!(
            DumpError::at("risk", Some(3), Some("status"), "bad").to_string(),
            "table risk, row 3, column status: bad"
        );
        assert_eq!(DumpError::whole("bad").to_string(), "bad");
        assert_eq!(
            Cell::Text("x".repeat(50)).describe(),
            format!("{:?}...", "x".repeat(40))
        );
    }
}
