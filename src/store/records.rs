//! The one write path: generic create, update and delete for every record type, each in one
//! transaction with the change-log rows that describe it.

use anyhow::{bail, Context, Result};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension, Row, Transaction, TransactionBehavior};

use super::changelog::{self, Change};
use super::Store;
use crate::domain::changelog::Operation;
use crate::domain::FieldError;

/// A record type the store can keep. `FIELDS` are both the table's columns and the field
/// names the change log uses, so history reads the same as the schema.
pub trait Record: Sized + Clone {
    const TABLE: &'static str;
    /// The reference prefix: records are numbered `PREFIX-001`, `PREFIX-002`, ...
    const PREFIX: &'static str;
    const FIELDS: &'static [&'static str];

    /// The field values, in the order of `FIELDS`.
    fn values(&self) -> Vec<Value>;
    /// Reads a record from a row whose columns are `FIELDS`, starting at `offset`.
    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self>;
    /// The reasons this record may not be saved; empty when it may.
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
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

fn refuse_invalid<R: Record>(record: &R) -> Result<()> {
    match record.validate().first() {
        Some(error) => bail!("{}", error.message),
        None => Ok(()),
    }
}

fn columns<R: Record>() -> String {
    R::FIELDS.join(", ")
}

impl Store {
    fn write_transaction(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }

    /// Every record of a type, in the order they were created.
    pub fn list<R: Record>(&self) -> Result<Vec<Stored<R>>> {
        let sql = format!(
            "SELECT ref, {} FROM {} ORDER BY id",
            columns::<R>(),
            R::TABLE
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |row| {
            Ok(Stored {
                reference: row.get(0)?,
                value: R::from_row(row, 1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One record by reference.
    pub fn get<R: Record>(&self, reference: &str) -> Result<Option<R>> {
        select_one::<R>(&self.conn, reference)
    }

    /// Saves a new record and returns the reference it was given.
    pub fn insert<R: Record>(&mut self, record: &R) -> Result<String> {
        refuse_invalid(record)?;
        let (at, actor) = (self.now(), self.actor.clone());
        let tx = self.write_transaction()?;
        let reference = next_reference(&tx, R::PREFIX)?;
        insert_row(&tx, &reference, record, &at, &actor)?;
        tx.commit()?;
        Ok(reference)
    }

    /// Saves a record under a reference chosen by the caller (single-row records).
    pub(super) fn insert_with_reference<R: Record>(
        &mut self,
        reference: &str,
        record: &R,
    ) -> Result<()> {
        let (at, actor) = (self.now(), self.actor.clone());
        let tx = self.write_transaction()?;
        insert_row(&tx, reference, record, &at, &actor)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves the fields that changed; returns how many did (0 writes nothing).
    pub fn update<R: Record>(&mut self, reference: &str, record: &R) -> Result<usize> {
        refuse_invalid(record)?;
        let (at, actor) = (self.now(), self.actor.clone());
        let tx = self.write_transaction()?;
        let Some(old) = select_one::<R>(&tx, reference)? else {
            bail!("{reference} no longer exists; it may have been deleted in another window.");
        };
        let (old_values, new_values) = (old.values(), record.values());
        let changes: Vec<Change<'_>> = R::FIELDS
            .iter()
            .zip(old_values.iter().zip(&new_values))
            .filter(|(_, (old, new))| old != new)
            .map(|(field, (old, new))| Change {
                record: reference,
                operation: Operation::Update,
                field,
                old: log_text(old),
                new: log_text(new),
            })
            .collect();
        if changes.is_empty() {
            return Ok(0);
        }
        let assignments: Vec<String> = R::FIELDS
            .iter()
            .enumerate()
            .map(|(index, field)| format!("{field} = ?{}", index + 2))
            .collect();
        let sql = format!(
            "UPDATE {} SET {} WHERE ref = ?1",
            R::TABLE,
            assignments.join(", ")
        );
        let params =
            std::iter::once(Value::Text(reference.to_string())).chain(new_values.iter().cloned());
        tx.execute(&sql, params_from_iter(params))
            .with_context(|| format!("could not save {reference}"))?;
        changelog::append(&tx, &at, &actor, &changes)?;
        let count = changes.len();
        tx.commit()?;
        Ok(count)
    }

    /// Deletes a record; the change log keeps its last values.
    pub fn delete<R: Record>(&mut self, reference: &str) -> Result<()> {
        let (at, actor) = (self.now(), self.actor.clone());
        let tx = self.write_transaction()?;
        let Some(old) = select_one::<R>(&tx, reference)? else {
            bail!("{reference} no longer exists; it may have been deleted in another window.");
        };
        let values = old.values();
        let changes = whole_record_changes::<R>(reference, Operation::Delete, &values);
        tx.execute(
            &format!("DELETE FROM {} WHERE ref = ?1", R::TABLE),
            [reference],
        )?;
        changelog::append(&tx, &at, &actor, &changes)?;
        tx.commit()?;
        Ok(())
    }
}

/// The change-log rows for a record created or deleted as a whole: one per non-empty field,
/// and at least one, so that a record with every field empty still leaves a trace.
fn whole_record_changes<'a, R: Record>(
    reference: &'a str,
    operation: Operation,
    values: &[Value],
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
    let mut changes: Vec<Change<'a>> = R::FIELDS
        .iter()
        .zip(values)
        .filter(|(_, value)| !is_empty(value))
        .map(|(field, value)| change(field, value))
        .collect();
    if changes.is_empty() {
        changes.push(change(R::FIELDS[0], &values[0]));
    }
    changes
}

fn select_one<R: Record>(conn: &rusqlite::Connection, reference: &str) -> Result<Option<R>> {
    let sql = format!("SELECT {} FROM {} WHERE ref = ?1", columns::<R>(), R::TABLE);
    let record = conn
        .prepare_cached(&sql)?
        .query_row([reference], |row| R::from_row(row, 0))
        .optional()?;
    Ok(record)
}

/// Hands out `PREFIX-001`, `PREFIX-002`, ...; numbers are never reused, even after a delete,
/// so a reference in an old export or in the change log always means one record.
fn next_reference(tx: &Transaction<'_>, prefix: &str) -> rusqlite::Result<String> {
    let last: i64 = tx.query_row(
        "INSERT INTO ref_counter (prefix, last) VALUES (?1, 1)
         ON CONFLICT (prefix) DO UPDATE SET last = last + 1
         RETURNING last",
        [prefix],
        |row| row.get(0),
    )?;
    Ok(format!("{prefix}-{last:03}"))
}

fn insert_row<R: Record>(
    tx: &Transaction<'_>,
    reference: &str,
    record: &R,
    at: &str,
    actor: &str,
) -> Result<()> {
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
    let params = std::iter::once(Value::Text(reference.to_string())).chain(values.iter().cloned());
    tx.execute(&sql, params_from_iter(params))
        .with_context(|| format!("could not save {reference}"))?;
    let changes = whole_record_changes::<R>(reference, Operation::Create, &values);
    changelog::append(tx, at, actor, &changes)?;
    Ok(())
}
