//! Checking a workspace file (`isms verify`) and copying it safely (`isms backup`), both
//! through a read-only connection, so neither ever writes to the workspace itself.

use std::fs::{self, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};

use super::changelog;
use super::damage::{self, DamagedValue};
use super::fingerprint;
use super::open::{self, OpenError};
use super::replay;

/// What `isms verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// SQLite's integrity check passed and every change-log entry verifies.
    Sound { entries: usize, schema: i64 },
    /// SQLite found the file's pages damaged; its first complaint.
    Damaged { problem: String },
    /// A value no workbench writes (text that is not UTF-8, binary data), in the records or
    /// in the change log.
    DamagedValue(DamagedValue),
    /// The chain verifies, but the records are not what replaying the log gives (or the log
    /// contradicts itself): a change made outside the workbench.
    Disagrees { problem: String, entries: usize },
    /// The schema is not the one this version makes for the file's schema version: a table,
    /// index, view or trigger added, missing or changed (a clause naming it).
    ForeignSchema { problem: String },
    /// The change log's hash chain breaks at this entry.
    BrokenChain {
        seq: i64,
        record: Option<String>,
        field: Option<String>,
        reason: String,
        checked: usize,
    },
}

impl Verdict {
    pub fn is_sound(&self) -> bool {
        matches!(self, Verdict::Sound { .. })
    }

    /// One sentence naming the file.
    pub fn sentence(&self, path: &Path) -> String {
        let path = path.display();
        match self {
            Verdict::Sound { entries, schema } => format!(
                "{path}: OK, SQLite's integrity check passed, all {entries} change-log {} verify and replaying them gives every record in the file (schema {schema}).",
                if *entries == 1 { "entry" } else { "entries" }
            ),
            Verdict::Damaged { problem } => format!(
                "{path}: is damaged, SQLite's integrity check says: {}.",
                problem.trim_end_matches('.')
            ),
            Verdict::DamagedValue(found) => format!("{path}: {found}."),
            Verdict::Disagrees { problem, .. } => format!("{path}: is damaged, {problem}."),
            Verdict::ForeignSchema { problem } => format!("{path}: is damaged, {problem}."),
            Verdict::BrokenChain {
                seq,
                record,
                field,
                reason,
                ..
            } => {
                let what = match (record, field) {
                    (Some(record), Some(field)) if !field.is_empty() => {
                        format!(" (record {record}, field {field})")
                    }
                    (Some(record), _) => format!(" (record {record})"),
                    _ => String::new(),
                };
                format!("{path}: the change log is broken at entry {seq}{what}: {reason}.")
            }
        }
    }
}

/// Runs `PRAGMA integrity_check` and verifies the change log's hash chain, both in one read
/// transaction so that a writer in another process cannot make them disagree.
pub(super) fn verify_connection(conn: &Connection) -> rusqlite::Result<Verdict> {
    let corrupt = |error: &rusqlite::Error| {
        matches!(
            error.sqlite_error_code(),
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
        )
    };
    conn.execute_batch("BEGIN")?;
    let verdict = (|| {
        let first: String = match conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)) {
            Ok(first) => first,
            Err(error) if corrupt(&error) => {
                return Ok(Verdict::Damaged {
                    problem: error.to_string(),
                })
            }
            Err(error) => return Err(error),
        };
        if first != "ok" {
            // The report can run to many lines; the first real complaint is enough to say.
            let problem = first
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty() && !line.starts_with("***"))
                .unwrap_or("the file is damaged")
                .to_string();
            return Ok(Verdict::Damaged { problem });
        }
        // Before the chain: a damaged value in the log is named by its entry and column, not
        // by the reader's failure to take it.
        if let Some(found) = damage::find(conn)? {
            return Ok(Verdict::DamagedValue(found));
        }
        let schema: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if let Some(problem) = fingerprint::difference(conn, schema)? {
            return Ok(Verdict::ForeignSchema { problem });
        }
        match changelog::verify(conn) {
            Ok(Ok(entries)) => match replay::check(conn)? {
                None => Ok(Verdict::Sound { entries, schema }),
                Some(problem) => Ok(Verdict::Disagrees {
                    problem: problem.to_string(),
                    entries,
                }),
            },
            Ok(Err(broken)) => {
                let named = conn
                    .query_row(
                        "SELECT record, field FROM change_log WHERE seq = ?1",
                        [broken.seq],
                        |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
                    )
                    .optional()?;
                let (record, field) = named.map_or((None, None), |(r, f)| (Some(r), Some(f)));
                Ok(Verdict::BrokenChain {
                    seq: broken.seq,
                    record,
                    field,
                    reason: broken.reason,
                    checked: broken.seq.max(1) as usize - 1,
                })
            }
            Err(error) if corrupt(&error) => Ok(Verdict::Damaged {
                problem: error.to_string(),
            }),
            Err(error) => Err(error),
        }
    })();
    let _ = conn.execute_batch("COMMIT");
    verdict
}

/// Checks the workspace at `path` without changing it (not even migrating an older one).
pub fn verify_file(path: &Path) -> Result<Verdict, OpenError> {
    let conn = open::open_read_only(path, open::Older::Accept)?;
    verify_connection(&conn).map_err(|error| match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => OpenError::NotADatabase {
            path: path.to_path_buf(),
        },
        _ => OpenError::Sqlite {
            path: path.to_path_buf(),
            error,
        },
    })
}

/// What a finished backup holds.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub to: PathBuf,
    pub bytes: u64,
    pub verdict: Verdict,
    /// The copy's last change-log entry (`None` for an empty log): what the backup holds.
    pub head: Option<super::Anchor>,
}

/// Copies the workspace at `from` to the new file `to` with SQLite's online backup API, in one
/// step and so in one read transaction: the copy is consistent even while the workbench (or
/// any other process) writes to `from`. The copy is made private (mode 0600) under a temporary
/// name next to `to` and put in place only when complete; an existing `to` is never replaced.
/// The copy is verified before returning.
pub fn backup_file(from: &Path, to: &Path) -> Result<BackupSummary> {
    let conn = open::open_read_only(from, open::Older::Accept)?;
    backup_connection(&conn, to)?;
    let verdict = verify_file(to)?;
    let bytes = fs::metadata(to)
        .with_context(|| format!("{}: could not be read back", to.display()))?
        .len();
    // A copy that cannot be read says so through its verdict.
    let head = super::anchor::last_entry_of(to).unwrap_or(None);
    Ok(BackupSummary {
        to: to.to_path_buf(),
        bytes,
        verdict,
        head,
    })
}

/// Copies what `conn` sees into the new file `to` (see [`backup_file`]).
pub(super) fn backup_connection(conn: &Connection, to: &Path) -> Result<()> {
    if fs::symlink_metadata(to).is_ok() {
        bail!(
            "{}: already exists; a backup is written only to a new file",
            to.display()
        );
    }
    let partial = PathBuf::from(format!("{}.partial-{}", to.display(), std::process::id()));
    let remove_partial = || {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{suffix}", partial.display()));
        }
    };
    remove_partial();
    let copied = copy_into(conn, &partial, to);
    let placed = copied.and_then(|()| place(&partial, to));
    remove_partial();
    placed
}

fn copy_into(conn: &Connection, partial: &Path, to: &Path) -> Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(partial)
        .map_err(|error| {
            anyhow::anyhow!(
                "{}: could not be written ({})",
                to.display(),
                error.to_string().to_lowercase()
            )
        })?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut dest = Connection::open_with_flags(partial, flags)
        .with_context(|| format!("{}: could not be opened", partial.display()))?;
    dest.pragma_update(None, "synchronous", "FULL")?;
    {
        let backup = Backup::new(conn, &mut dest)?;
        let mut waited = 0;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if waited < 100 => {
                    waited += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                StepResult::Busy | StepResult::Locked => {
                    bail!("the workspace stayed busy in another process; try again")
                }
                _ => {}
            }
        }
    }
    // Closing folds any journal back into the file, so the file alone is the whole copy.
    dest.close().map_err(|(_, error)| error)?;
    fs::File::open(partial)?.sync_all()?;
    Ok(())
}

/// Puts the finished copy in place without replacing anything: a hard link fails if `to`
/// appeared meanwhile; where links are not supported, a rename after one more check.
fn place(partial: &Path, to: &Path) -> Result<()> {
    let written =
        |error: io::Error| anyhow::anyhow!("{}: could not be written ({error})", to.display());
    match fs::hard_link(partial, to) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => bail!(
            "{}: already exists; a backup is written only to a new file",
            to.display()
        ),
        Err(_) => {
            if fs::symlink_metadata(to).is_ok() {
                bail!(
                    "{}: already exists; a backup is written only to a new file",
                    to.display()
                );
            }
            fs::rename(partial, to).map_err(written)?;
        }
    }
    let folder = match to.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scope::{ContextIssue, IssueKind};
    use crate::store::{OpenMode, Store};

    /// A full disk, simulated by capping the file's pages on the store's own connection: the
    /// write that needs a new page fails with SQLITE_FULL, is reported in one sentence, and
    /// nothing of it is left behind; the file still passes the integrity check and verifies.
    #[test]
    fn a_full_disk_rolls_the_write_back_and_leaves_a_sound_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.sqlite3");
        let mut store =
            Store::open_as(&path, OpenMode::Create { organisation: None }, "t").expect("create");
        store
            .insert(&ContextIssue {
                kind: IssueKind::Internal,
                description: "Before the disk filled".into(),
                effect: "none".into(),
            })
            .unwrap();
        let entries = store.change_log_len().unwrap();
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .unwrap();
        store
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
            .unwrap();
        let error = store
            .insert(&ContextIssue {
                kind: IssueKind::External,
                description: "x".repeat(200_000),
                effect: "y".repeat(200_000),
            })
            .expect_err("the disk is full");
        let sentence = format!("{error:#}");
        assert_eq!(sentence.lines().count(), 1, "{sentence}");
        assert!(sentence.contains("full"), "{sentence}");
        assert_eq!(store.change_log_len().unwrap(), entries, "rolled back");
        let issues: i64 = store
            .conn
            .query_row("SELECT count(*) FROM context_issue", [], |row| row.get(0))
            .unwrap();
        assert_eq!(issues, 1);
        assert!(verify_connection(&store.conn).unwrap().is_sound());
        drop(store);
        let verdict = verify_file(&path).unwrap();
        assert!(
            matches!(verdict, Verdict::Sound { entries: n, .. } if n as i64 == entries),
            "{verdict:?}"
        );
    }
}
