//! The one write path: generic create, update and delete for every record type, run inside a
//! [`Writer`] whose transaction also holds the change-log rows that describe each change.

use std::collections::HashMap;

use anyhow::{bail, Context, Result};
use rusqlite::types::Value;
use rusqlite::{
    params_from_iter, Connection, OptionalExtension, Row, Transaction, TransactionBehavior,
};

use super::changelog::{self, Change};
use super::Store;
use crate::domain::changelog::Operation;
use crate::domain::FieldError;

/// A many-to-many link from a record to other records, kept in its own table with the columns
/// `owner` (this record's reference) and `target` (the other record's reference or id).
pub struct Link {
    /// The field name the change log uses for the link.
    pub field: &'static str,
    pub table: &'static str,
}

/// A record type the store can keep. `FIELDS` are both the table's columns and the field
/// names the change log uses, so history reads the same as the schema.
pub trait Record: Sized + Clone {
    const TABLE: &'static str;
    /// The reference prefix: records are numbered `PREFIX-001`, `PREFIX-002`, ...
    const PREFIX: &'static str;
    const FIELDS: &'static [&'static str];
    /// Links to other records, saved and logged together with the record.
    const LINKS: &'static [Link] = &[];

    /// The field values, in the order of `FIELDS`.
    fn values(&self) -> Vec<Value>;
    /// Reads a record from a row whose columns are `FIELDS`, starting at `offset`.
    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self>;
    /// The reasons this record may not be saved; empty when it may.
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
    /// The reasons this record may not change from `old` to itself (a frozen record, say);
    /// empty when it may.
    fn validate_change(&self, _old: &Self) -> Vec<FieldError> {
        Vec::new()
    }
    /// The linked references, one list per entry of `LINKS`.
    fn links(&self) -> Vec<Vec<String>> {
        Vec::new()
    }
    /// Takes the linked references read from the link tables, one list per entry of `LINKS`.
    fn set_links(&mut self, _links: Vec<Vec<String>>) {}
}

/// A write that another process kept waiting past the busy timeout (5 seconds), said plainly.
fn busy(error: rusqlite::Error) -> anyhow::Error {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            anyhow::anyhow!(
                "the workspace is busy in another process; nothing was saved, try again"
            )
        }
        _ => error.into(),
    }
}

/// A record together with its stable reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<R> {
    pub reference: String,
    pub value: R,
}

/// How a value reads in the change log: text as it is, numbers in decimal, NULL as nothing.
fn log_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Integer(number) => Some(number.to_string()),
        Value::Real(number) => Some(number.to_string()),
        Value::Text(text) => Some(text.clone()),
        Value::Blob(bytes) => Some(format!("<{} bytes>", bytes.len())),
    }
}

fn is_empty(value: &Value) -> bool {
    matches!(value, Value::Null) || matches!(value, Value::Text(text) if text.is_empty())
}

/// A link list as one logged value: sorted, comma-separated, empty as nothing.
fn link_text(targets: &[String]) -> Value {
    let mut sorted = targets.to_vec();
    sorted.sort();
    sorted.dedup();
    Value::Text(sorted.join(", "))
}

/// Every field of a record as logged: its columns, then its links.
fn logged_fields<R: Record>(record: &R) -> Vec<(&'static str, Value)> {
    let mut fields: Vec<(&'static str, Value)> =
        R::FIELDS.iter().copied().zip(record.values()).collect();
    let links = record.links();
    for (index, link) in R::LINKS.iter().enumerate() {
        let targets = links.get(index).map(Vec::as_slice).unwrap_or(&[]);
        fields.push((link.field, link_text(targets)));
    }
    fields
}

fn refuse_invalid<R: Record>(record: &R) -> Result<()> {
    match record.validate().first() {
        Some(error) => bail!("{}", error.message),
        None => Ok(()),
    }
}

fn columns<R: Record>() -> String {
    R::FIELDS.join(", ")
}

/// A stored value a record cannot take (a row written by another tool, say), named by table,
/// record and field: `table risk, record R-003, field status: unknown value "x"`.
fn unreadable<R: Record>(reference: &str, offset: usize, error: rusqlite::Error) -> anyhow::Error {
    let field = |index: usize| index.checked_sub(offset).and_then(|i| R::FIELDS.get(i));
    let damaged = |column: &str, binary: bool| {
        anyhow::Error::new(super::DamagedValue {
            table: R::TABLE.to_string(),
            row: format!("record {reference}"),
            column: column.to_string(),
            binary,
        })
    };
    match &error {
        // A value only another program writes: named as damage (see `store/damage.rs`).
        rusqlite::Error::InvalidColumnType(_, column, rusqlite::types::Type::Blob) => {
            return damaged(column, true)
        }
        rusqlite::Error::FromSqlConversionFailure(index, _, cause)
            if cause.is::<std::str::Utf8Error>() && field(*index).is_some() =>
        {
            return damaged(field(*index).copied().unwrap_or_default(), false)
        }
        _ => {}
    }
    match &error {
        rusqlite::Error::FromSqlConversionFailure(index, _, cause) => {
            let field = index
                .checked_sub(offset)
                .and_then(|i| R::FIELDS.get(i))
                .map_or_else(String::new, |field| format!(", field {field}"));
            anyhow::anyhow!("table {}, record {reference}{field}: {cause}", R::TABLE)
        }
        _ => anyhow::Error::from(error).context(format!("could not read {reference}")),
    }
}

/// Each row of `SELECT ref, FIELDS...` as a stored record (links not yet read).
fn read_records<R: Record>(mut rows: rusqlite::Rows<'_>) -> Result<Vec<Stored<R>>> {
    let mut records: Vec<Stored<R>> = Vec::new();
    while let Some(row) = rows.next()? {
        let reference: String = row.get(0)?;
        let value = R::from_row(row, 1).map_err(|error| unreadable::<R>(&reference, 1, error))?;
        records.push(Stored { reference, value });
    }
    Ok(records)
}

/// Reads every record of a type with its links: one query per table, whatever the count.
fn list_in<R: Record>(conn: &Connection) -> Result<Vec<Stored<R>>> {
    let sql = format!(
        "SELECT ref, {} FROM {} ORDER BY id",
        columns::<R>(),
        R::TABLE
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut records = read_records::<R>(stmt.query([])?)?;
    if R::LINKS.is_empty() {
        return Ok(records);
    }
    // Each link is dealt to its owner through an index by reference, read without copying
    // the owner's text: tens of thousands of links in one pass.
    let position: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(index, record)| (record.reference.as_str(), index))
        .collect();
    let mut all_links: Vec<Vec<Vec<String>>> =
        vec![Vec::with_capacity(R::LINKS.len()); records.len()];
    for link in R::LINKS {
        for links in all_links.iter_mut() {
            links.push(Vec::new());
        }
        let sql = format!(
            "SELECT owner, target FROM {} ORDER BY owner, target",
            link.table
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let owner = row.get_ref(0)?.as_str()?;
            if let Some(links) = position.get(owner).and_then(|&i| all_links[i].last_mut()) {
                links.push(row.get(1)?);
            }
        }
    }
    drop(position);
    for (record, links) in records.iter_mut().zip(all_links) {
        record.value.set_links(links);
    }
    Ok(records)
}

/// Reads the records of a type whose `column` (one of its `FIELDS`) equals `value`, with their
/// links: the checklist of one audit, say, without reading every audit's.
fn list_where_in<R: Record>(
    conn: &Connection,
    column: &str,
    value: &str,
) -> Result<Vec<Stored<R>>> {
    if !R::FIELDS.contains(&column) {
        bail!("{} has no field {column}", R::TABLE);
    }
    let sql = format!(
        "SELECT ref, {} FROM {} WHERE {column} = ?1 ORDER BY id",
        columns::<R>(),
        R::TABLE
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut records = read_records::<R>(stmt.query([value])?)?;
    for (index, link) in R::LINKS.iter().enumerate() {
        let sql = format!(
            "SELECT owner, target FROM {} WHERE owner IN (SELECT ref FROM {} WHERE {column} = ?1)
             ORDER BY owner, target",
            link.table,
            R::TABLE
        );
        let mut by_owner: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([value])?;
        while let Some(row) = rows.next()? {
            by_owner.entry(row.get(0)?).or_default().push(row.get(1)?);
        }
        for record in &mut records {
            let mut links = record.value.links();
            links.resize(R::LINKS.len(), Vec::new());
            links[index] = by_owner.remove(&record.reference).unwrap_or_default();
            record.value.set_links(links);
        }
    }
    Ok(records)
}

fn select_one<R: Record>(conn: &Connection, reference: &str) -> Result<Option<R>> {
    let sql = format!("SELECT {} FROM {} WHERE ref = ?1", columns::<R>(), R::TABLE);
    let record = conn
        .prepare_cached(&sql)?
        .query_row([reference], |row| R::from_row(row, 0))
        .optional()
        .map_err(|error| unreadable::<R>(reference, 0, error))?;
    let Some(mut record) = record else {
        return Ok(None);
    };
    if !R::LINKS.is_empty() {
        let mut links = Vec::new();
        for link in R::LINKS {
            let sql = format!(
                "SELECT target FROM {} WHERE owner = ?1 ORDER BY target",
                link.table
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let targets = stmt.query_map([reference], |row| row.get(0))?;
            links.push(targets.collect::<rusqlite::Result<Vec<String>>>()?);
        }
        record.set_links(links);
    }
    Ok(Some(record))
}

/// One write transaction. Every change made through it is logged in the same transaction;
/// nothing is kept unless the whole closure given to [`Store::write`] succeeds.
pub struct Writer<'t> {
    tx: Transaction<'t>,
    at: String,
    actor: String,
}

impl Store {
    /// Runs `work` in one transaction: all of its changes and their change-log rows are
    /// committed together, or none of them (an error anywhere rolls everything back).
    pub fn write<T>(&mut self, work: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let (at, actor) = (self.now(), self.actor.clone());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(busy)?;
        let mut writer = Writer { tx, at, actor };
        let result = work(&mut writer)?;
        writer.tx.commit().map_err(busy)?;
        Ok(result)
    }

    /// Every record of a type, in the order they were created.
    pub fn list<R: Record>(&self) -> Result<Vec<Stored<R>>> {
        list_in(&self.conn)
    }

    /// One record by reference.
    pub fn get<R: Record>(&self, reference: &str) -> Result<Option<R>> {
        select_one::<R>(&self.conn, reference)
    }

    /// The records whose `column` equals `value`, in the order they were created.
    pub fn list_where<R: Record>(&self, column: &str, value: &str) -> Result<Vec<Stored<R>>> {
        list_where_in(&self.conn, column, value)
    }

    /// Saves a new record and returns the reference it was given.
    pub fn insert<R: Record>(&mut self, record: &R) -> Result<String> {
        self.write(|writer| writer.insert(record))
    }

    /// Saves the fields that changed; returns how many did (0 writes nothing).
    pub fn update<R: Record>(&mut self, reference: &str, record: &R) -> Result<usize> {
        self.write(|writer| writer.update(reference, record))
    }

    /// See [`Writer::update_from`]: saves only what the user edited.
    pub fn update_from<R: Record>(
        &mut self,
        reference: &str,
        before: Option<&R>,
        after: &R,
    ) -> Result<usize> {
        self.write(|writer| writer.update_from(reference, before, after))
    }

    /// Deletes a record; the change log keeps its last values.
    pub fn delete<R: Record>(&mut self, reference: &str) -> Result<()> {
        self.write(|writer| writer.delete::<R>(reference))
    }
}

impl Writer<'_> {
    pub fn list<R: Record>(&self) -> Result<Vec<Stored<R>>> {
        list_in(&self.tx)
    }

    pub fn get<R: Record>(&self, reference: &str) -> Result<Option<R>> {
        select_one::<R>(&self.tx, reference)
    }

    pub fn list_where<R: Record>(&self, column: &str, value: &str) -> Result<Vec<Stored<R>>> {
        list_where_in(&self.tx, column, value)
    }

    /// The connection inside the transaction, for reads that are not records.
    pub(super) fn conn(&self) -> &Connection {
        &self.tx
    }

    fn log(&self, changes: &[Change<'_>]) -> Result<()> {
        changelog::append(&self.tx, &self.at, &self.actor, changes)?;
        Ok(())
    }

    /// Saves a new record and returns the reference it was given.
    pub fn insert<R: Record>(&mut self, record: &R) -> Result<String> {
        refuse_invalid(record)?;
        self.insert_numbered(R::PREFIX, 3, record)
    }

    /// Saves a new record numbered in its own series: `PREFIX-01` with `digits` 2, say, as
    /// for audits numbered by year (`IA-2026-01`).
    pub fn insert_numbered<R: Record>(
        &mut self,
        prefix: &str,
        digits: usize,
        record: &R,
    ) -> Result<String> {
        refuse_invalid(record)?;
        let reference = next_reference(&self.tx, prefix, digits)?;
        self.insert_with_reference(&reference, record)?;
        Ok(reference)
    }

    /// Saves a record under a reference chosen by the caller (single-row records).
    pub fn insert_with_reference<R: Record>(&mut self, reference: &str, record: &R) -> Result<()> {
        let values = record.values();
        let placeholders: Vec<String> = (0..=R::FIELDS.len())
            .map(|i| format!("?{}", i + 1))
            .collect();
        let sql = format!(
            "INSERT INTO {} (ref, {}) VALUES ({})",
            R::TABLE,
            columns::<R>(),
            placeholders.join(", ")
        );
        let params = std::iter::once(Value::Text(reference.to_string())).chain(values);
        self.tx
            .execute(&sql, params_from_iter(params))
            .with_context(|| format!("could not save {reference}"))?;
        for (link, targets) in R::LINKS.iter().zip(record.links()) {
            insert_links(&self.tx, link, reference, &targets)?;
        }
        let fields = logged_fields(record);
        self.log(&whole_record_changes(reference, Operation::Create, &fields))
    }

    /// Saves the fields and links that differ from the stored record; returns how many did
    /// (0 writes nothing).
    pub fn update<R: Record>(&mut self, reference: &str, record: &R) -> Result<usize> {
        self.update_from(reference, None, record)
    }

    /// Saves what the user changed between `before` (the record as their form showed it;
    /// `None` for the stored one) and `after`, onto the record as it is stored now: a field
    /// someone else changed meanwhile and the user left alone keeps the other change.
    pub fn update_from<R: Record>(
        &mut self,
        reference: &str,
        before: Option<&R>,
        after: &R,
    ) -> Result<usize> {
        refuse_invalid(after)?;
        let Some(current) = self.get::<R>(reference)? else {
            bail!("{reference} no longer exists; it may have been deleted in another window.");
        };
        self.apply_edits(reference, &current, before.unwrap_or(&current), after)
    }

    fn apply_edits<R: Record>(
        &mut self,
        reference: &str,
        current: &R,
        before: &R,
        after: &R,
    ) -> Result<usize> {
        let (current_fields, before_fields, after_fields) = (
            logged_fields(current),
            logged_fields(before),
            logged_fields(after),
        );
        // The fields the user edited whose stored value is not already what they want.
        let edited: Vec<usize> = (0..after_fields.len())
            .filter(|i| {
                before_fields[*i].1 != after_fields[*i].1
                    && current_fields[*i].1 != after_fields[*i].1
            })
            .collect();
        if edited.is_empty() {
            return Ok(0);
        }
        let columns: Vec<usize> = edited
            .iter()
            .copied()
            .filter(|i| *i < R::FIELDS.len())
            .collect();
        if !columns.is_empty() {
            let assignments: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(n, i)| format!("{} = ?{}", R::FIELDS[*i], n + 2))
                .collect();
            let sql = format!(
                "UPDATE {} SET {} WHERE ref = ?1",
                R::TABLE,
                assignments.join(", ")
            );
            let values = after.values();
            let params = std::iter::once(Value::Text(reference.to_string()))
                .chain(columns.iter().map(|i| values[*i].clone()));
            self.tx
                .execute(&sql, params_from_iter(params))
                .with_context(|| format!("could not save {reference}"))?;
        }
        let links = after.links();
        for i in edited.iter().copied().filter(|i| *i >= R::FIELDS.len()) {
            let link = &R::LINKS[i - R::FIELDS.len()];
            self.tx.execute(
                &format!("DELETE FROM {} WHERE owner = ?1", link.table),
                [reference],
            )?;
            insert_links(&self.tx, link, reference, &links[i - R::FIELDS.len()])?;
        }
        let changes: Vec<Change<'_>> = edited
            .iter()
            .map(|i| Change {
                record: reference,
                operation: Operation::Update,
                field: after_fields[*i].0,
                old: log_text(&current_fields[*i].1),
                new: log_text(&after_fields[*i].1),
            })
            .collect();
        self.log(&changes)?;
        // The edits were checked as the user saw the record; the merged row must hold too.
        match self.get::<R>(reference)? {
            Some(merged) => {
                refuse_invalid(&merged)?;
                if let Some(error) = merged.validate_change(current).first() {
                    bail!("{}", error.message);
                }
            }
            None => bail!("{reference} no longer exists."),
        }
        Ok(changes.len())
    }

    /// Deletes a record and its links; the change log keeps its last values.
    pub fn delete<R: Record>(&mut self, reference: &str) -> Result<()> {
        let Some(old) = self.get::<R>(reference)? else {
            bail!("{reference} no longer exists; it may have been deleted in another window.");
        };
        let fields = logged_fields(&old);
        for link in R::LINKS {
            self.tx.execute(
                &format!("DELETE FROM {} WHERE owner = ?1", link.table),
                [reference],
            )?;
        }
        self.tx
            .execute(
                &format!("DELETE FROM {} WHERE ref = ?1", R::TABLE),
                [reference],
            )
            .map_err(|error| match error.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    anyhow::anyhow!(
                        "{reference} is still linked from other records; remove those links first"
                    )
                }
                _ => error.into(),
            })?;
        self.log(&whole_record_changes(reference, Operation::Delete, &fields))
    }
}

fn insert_links(tx: &Transaction<'_>, link: &Link, owner: &str, targets: &[String]) -> Result<()> {
    let sql = format!(
        "INSERT OR IGNORE INTO {} (owner, target) VALUES (?1, ?2)",
        link.table
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    for target in targets {
        stmt.execute([owner, target.as_str()])
            .with_context(|| format!("{owner}: {target} does not exist"))?;
    }
    Ok(())
}

/// The change-log rows for a record created or deleted as a whole: one per non-empty field,
/// and at least one, so that a record with every field empty still leaves a trace.
fn whole_record_changes<'a>(
    reference: &'a str,
    operation: Operation,
    fields: &[(&'static str, Value)],
) -> Vec<Change<'a>> {
    let change = |field: &'static str, value: &Value| {
        let text = log_text(value);
        let (old, new) = match operation {
            Operation::Delete => (text, None),
            _ => (None, text),
        };
        Change {
            record: reference,
            operation,
            field,
            old,
            new,
        }
    };
    let mut changes: Vec<Change<'a>> = fields
        .iter()
        .filter(|(_, value)| !is_empty(value))
        .map(|(field, value)| change(field, value))
        .collect();
    if changes.is_empty() {
        changes.push(change(fields[0].0, &fields[0].1));
    }
    changes
}

/// Hands out `PREFIX-001`, `PREFIX-002`, ...; numbers are never reused, even after a delete,
/// so a reference in an old export or in the change log always means one record.
fn next_reference(tx: &Transaction<'_>, prefix: &str, digits: usize) -> rusqlite::Result<String> {
    let last: i64 = tx.query_row(
        "INSERT INTO ref_counter (prefix, last) VALUES (?1, 1)
         ON CONFLICT (prefix) DO UPDATE SET last = last + 1
         RETURNING last",
        [prefix],
        |row| row.get(0),
    )?;
    Ok(format!("{prefix}-{last:0digits$}"))
}
