//! The audit pack's anchor: the change-log entry a pack was sealed at (its number and hash),
//! read in the same read transaction as the pack's `workspace.json`, and the checks of
//! `isms verify --against PACK` that hold a workspace to it: the workspace's log still holds
//! that entry with that hash, and replaying the log up to it gives the records the pack's
//! `workspace.json` holds. Kept outside the file (by whoever holds the pack), the anchor
//! finds a history cut or rewritten after the pack was made, which the file alone cannot:
//! a log rewritten with recomputed hashes verifies on its own.

use std::fmt;
use std::path::Path;

use anyhow::Result;
use rusqlite::{Connection, ErrorCode, OptionalExtension};

use super::open::{self, OpenError};
use super::replay;
use super::workspace_dump::dump_each_in;
use super::{DumpEvent, Store};

/// A change-log entry as a pack names it: its number and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

/// The log's last entry as `conn` sees it; `None` for an empty log.
fn last_entry(conn: &Connection) -> rusqlite::Result<Option<Anchor>> {
    conn.query_row(
        "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1",
        [],
        |row| {
            Ok(Anchor {
                seq: row.get(0)?,
                hash: row.get(1)?,
            })
        },
    )
    .optional()
}

/// The last entry of the log of the workspace file at `path` (a backup just written, say).
pub(super) fn last_entry_of(path: &Path) -> Result<Option<Anchor>, OpenError> {
    let conn = open::open_read_only(path, open::Older::Accept)?;
    last_entry(&conn).map_err(|error| sqlite_error(path, error))
}

/// Why a workspace does not hold what a pack was sealed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorProblem {
    /// The log has no entry `seq`, or one with another hash.
    NotHeld { seq: i64 },
    /// The records the log gives at entry `seq` are not the pack's.
    Differs { seq: i64, problem: String },
}

impl fmt::Display for AnchorProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnchorProblem::NotHeld { seq } => write!(
                f,
                "the workspace's change log no longer holds entry {seq} as the pack sealed it: \
                 its history was cut or rewritten after the pack was made"
            ),
            AnchorProblem::Differs { seq, problem } => write!(
                f,
                "the pack's workspace.json differs from the workspace's records at entry {seq}: \
                 {problem}"
            ),
        }
    }
}

fn sqlite_error(path: &Path, error: rusqlite::Error) -> OpenError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => OpenError::NotADatabase {
            path: path.to_path_buf(),
        },
        _ => OpenError::Sqlite {
            path: path.to_path_buf(),
            error,
        },
    }
}

/// Checks, read-only and in one read transaction, that the log of the workspace at `path`
/// still holds `anchor` (an empty log's anchor, `None`, is held by every log) and that
/// replaying it up to that entry gives exactly the records of `pack` (the pack's
/// `workspace.json` restored into a store of its own).
pub fn check_anchor(
    path: &Path,
    anchor: Option<&Anchor>,
    pack: &Store,
) -> Result<Option<AnchorProblem>, OpenError> {
    let conn = open::open_read_only(path, open::Older::Accept)?;
    let tx = conn
        .unchecked_transaction()
        .map_err(|error| sqlite_error(path, error))?;
    let found = (|| -> rusqlite::Result<Option<AnchorProblem>> {
        let seq = anchor.map_or(0, |anchor| anchor.seq);
        if let Some(anchor) = anchor {
            let hash: Option<String> = tx
                .query_row(
                    "SELECT hash FROM change_log WHERE seq = ?1",
                    [anchor.seq],
                    |row| row.get(0),
                )
                .optional()?;
            if hash.as_deref() != Some(anchor.hash.as_str()) {
                return Ok(Some(AnchorProblem::NotHeld { seq }));
            }
        }
        let expected = match replay::replay(&tx, Some(seq))? {
            Ok(expected) => expected,
            Err(problem) => {
                return Ok(Some(AnchorProblem::Differs {
                    seq,
                    problem: problem.to_string(),
                }))
            }
        };
        Ok(
            replay::compare(&expected, &pack.conn)?.map(|problem| AnchorProblem::Differs {
                seq,
                problem: problem.to_string(),
            }),
        )
    })();
    let _ = tx.commit();
    found.map_err(|error| sqlite_error(path, error))
}

impl Store {
    /// The log's last entry, `None` while it is empty.
    pub fn last_entry(&self) -> rusqlite::Result<Option<Anchor>> {
        last_entry(&self.conn)
    }

    /// Whether the records are what replaying the log gives, and the log's last entry they
    /// were compared at, both in one read transaction: the export runs this beside the dump
    /// and seals the pack only when the entry is the one the dump read and nothing differs.
    /// The difference, if any, is one sentence naming the file.
    pub fn records_against_log(&self) -> Result<(Option<Anchor>, Option<String>)> {
        let tx = self.conn.unchecked_transaction()?;
        let head = last_entry(&tx)?;
        let damage = replay::check(&tx)?;
        tx.commit()?;
        // The replay's records are freed: give the memory back to the rest of the export.
        crate::memory::release_freed();
        let sentence = damage.map(|problem| {
            format!(
                "{}: is damaged, {problem}; no pack was written (`isms verify --db {}` checks \
                 the whole file)",
                self.path().display(),
                self.path().display()
            )
        });
        Ok((head, sentence))
    }

    /// [`Store::dump_each`], first telling `anchored` the log's last entry as the dump's own
    /// read transaction sees it, so that the anchor a pack names and its `workspace.json`
    /// always agree, whatever another process writes meanwhile.
    pub fn dump_each_anchored(
        &self,
        anchored: &mut dyn FnMut(Option<Anchor>) -> Result<()>,
        visit: &mut dyn FnMut(DumpEvent<'_>) -> Result<()>,
    ) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        anchored(last_entry(&tx)?)?;
        dump_each_in(&tx, visit)?;
        tx.commit()?;
        Ok(())
    }
}
