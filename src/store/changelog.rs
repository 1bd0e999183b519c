//! Appending to and reading the hash-chained change log.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::Store;
use crate::domain::changelog::{self, BrokenLink, ChangeEntry, Operation, GENESIS_HASH};

/// One change about to be logged; the log adds sequence number, time, actor and hashes.
pub(super) struct Change<'a> {
    pub record: &'a str,
    pub operation: Operation,
    pub field: &'a str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Appends `changes` to the log. Must run inside the transaction that makes the changes.
pub(super) fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    changes: &[Change<'_>],
) -> rusqlite::Result<()> {
    let (mut seq, mut prev_hash) = conn
        .query_row(
            "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_string()));
    let mut insert = conn.prepare_cached(
        "INSERT INTO change_log (seq, at, actor, record, operation, field, old, new, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for change in changes {
        seq += 1;
        let mut entry = ChangeEntry {
            seq,
            at: at.to_string(),
            actor: actor.to_string(),
            record: change.record.to_string(),
            operation: change.operation,
            field: change.field.to_string(),
            old: change.old.clone(),
            new: change.new.clone(),
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry.expected_hash();
        insert.execute(params![
            entry.seq,
            entry.at,
            entry.actor,
            entry.record,
            entry.operation.key(),
            entry.field,
            entry.old,
            entry.new,
            entry.prev_hash,
            entry.hash
        ])?;
        prev_hash = entry.hash;
    }
    if !changes.is_empty() {
        // The head: the newest entry, kept apart so that removing entries from the end of the
        // log (which leaves a chain that verifies) is detected too.
        conn.prepare_cached(
            "INSERT INTO change_log_head (id, seq, hash) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        )?
        .execute(params![seq, prev_hash])?;
    }
    Ok(())
}

pub(super) const SELECT_ENTRY: &str =
    "SELECT seq, at, actor, record, operation, field, old, new, prev_hash, hash FROM change_log";

pub(super) fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<ChangeEntry> {
    let operation: String = row.get(4)?;
    Ok(ChangeEntry {
        seq: row.get(0)?,
        at: row.get(1)?,
        actor: row.get(2)?,
        record: row.get(3)?,
        // An unknown operation cannot verify; keep the row readable and let the hash say so.
        operation: Operation::from_key(&operation).unwrap_or(Operation::Update),
        field: row.get(5)?,
        old: row.get(6)?,
        new: row.get(7)?,
        prev_hash: row.get(8)?,
        hash: row.get(9)?,
    })
}

/// Every change-log entry of the records whose reference starts with `prefix`, oldest first.
pub(super) fn entries_of_records(
    conn: &Connection,
    prefix: &str,
) -> rusqlite::Result<Vec<ChangeEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ENTRY} WHERE substr(record, 1, length(?1)) = ?1 ORDER BY seq"
    ))?;
    let rows = stmt.query_map([prefix], entry_from_row)?;
    rows.collect()
}

/// Checks the whole hash chain as `conn` sees it (inside a transaction, say); returns the
/// number of entries or the first broken one.
pub(super) fn verify(conn: &Connection) -> rusqlite::Result<Result<usize, BrokenLink>> {
    // One entry at a time: the log can hold hundreds of thousands of entries.
    let mut stmt = conn.prepare(&format!("{SELECT_ENTRY} ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut check = changelog::ChainCheck::default();
    let mut last: Option<(i64, String)> = None;
    while let Some(row) = rows.next()? {
        let entry = entry_from_row(row)?;
        if let Err(broken) = check.next(&entry) {
            return Ok(Err(broken));
        }
        last = Some((entry.seq, entry.hash));
    }
    drop(rows);
    let count = check.count();
    // Files from before schema 8 have no head to compare with.
    let has_head = super::replay::table_exists(conn, "change_log_head")?;
    if has_head {
        let head: Option<(i64, String)> = conn
            .query_row(
                "SELECT seq, hash FROM change_log_head WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Err(broken) = changelog::verify_head(last, head) {
            return Ok(Err(broken));
        }
    }
    // Every record is written together with its entries: a log emptied (with its head) beside
    // records chains perfectly and is damage all the same.
    if count == 0 {
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if let Some(table) = super::soundness::table_with_records(conn, version)? {
            return Ok(Err(BrokenLink {
                seq: 1,
                reason: super::soundness::empty_log_beside(table),
            }));
        }
    }
    Ok(Ok(count))
}

impl Store {
    /// Every change to one record, newest first.
    pub fn history(&self, record: &str) -> rusqlite::Result<Vec<ChangeEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_ENTRY} WHERE record = ?1 ORDER BY seq DESC"
        ))?;
        let rows = stmt.query_map([record], entry_from_row)?;
        rows.collect()
    }

    /// The sequence number of the latest change (0 for none): a cheap stamp that tells a
    /// view whether anything was written since it last read.
    pub fn last_change(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("SELECT coalesce(max(seq), 0) FROM change_log", [], |row| {
                row.get(0)
            })
    }

    /// The number of entries in the change log.
    pub fn change_log_len(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM change_log", [], |row| row.get(0))
    }

    /// Checks the whole hash chain; returns the number of entries or the first broken one.
    pub fn verify_change_log(&self) -> rusqlite::Result<Result<usize, BrokenLink>> {
        verify(&self.conn)
    }
}
