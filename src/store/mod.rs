//! The workspace file: one SQLite database, opened with safe pragmas, migrated forward, and
//! written only through [`Store`]'s methods, each change in one transaction with its
//! change-log rows.

mod anchor;
mod audit;
mod backup;
mod certification;
mod changelog;
mod confidential;
mod damage;
mod documents;
mod drafts;
mod fingerprint;
mod migrations;
mod open;
mod readiness;
mod records;
mod replay;
mod review;
mod risks;
mod row;
mod scope;
mod soa;
mod soundness;
mod workspace_dump;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use anchor::{check_anchor, Anchor, AnchorProblem};
pub use audit::AuditData;
pub use backup::{backup_file, verify_file, BackupSummary, Verdict};
pub use certification::{PlanData, PLAN_REF};
pub use damage::DamagedValue;
pub use documents::DocumentData;
pub use drafts::{new_record_key, Draft};
pub use open::{migration_backup_path, OpenError, OpenMode, APPLICATION_ID};
pub use readiness::Readiness;
pub use records::{Link, Record, Stored, Writer};
pub use review::ReviewData;
pub use risks::{ControlRef, RiskData, METHOD_REF};
pub use scope::{ScopeData, WORKSPACE_REF};
pub use soa::{ControlInfo, SoaData, SoaVersion};
pub use workspace_dump::{
    Affinity, Cell, ColumnSchema, Dump, DumpError, DumpEvent, Restore, Restored, Table, TableSchema,
};

/// The latest schema version this build knows.
pub const SCHEMA_VERSION: i64 = migrations::LATEST;

/// Where the time of a change comes from. Tests fix it so that history screens are stable.
#[derive(Debug, Clone)]
enum Clock {
    System,
    Fixed(String),
}

/// An open workspace.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    actor: String,
    clock: Clock,
}

impl Store {
    /// Opens (and, with [`OpenMode::Create`], creates) the workspace at `path`; changes are
    /// logged as made by "unknown" until [`Store::set_actor`] says otherwise.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store, OpenError> {
        Store::open_as(path, mode, "unknown")
    }

    /// Opens the workspace with `actor` named in the change log from the first change on,
    /// including the creation of a new workspace.
    pub fn open_as(path: &Path, mode: OpenMode, actor: &str) -> Result<Store, OpenError> {
        if let OpenMode::ReadOnly = mode {
            // Nothing is set up: a workspace this build can read has its rows already.
            let conn = open::open_read_only(path, open::Older::Refuse)?;
            open::refuse_damage(&conn, path, SCHEMA_VERSION)?;
            return Ok(Store {
                conn,
                path: path.to_path_buf(),
                actor: actor.to_string(),
                clock: Clock::System,
            });
        }
        let conn = open::open_connection(path, &mode)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            actor: actor.to_string(),
            clock: Clock::System,
        };
        let organisation = match mode {
            OpenMode::Create { organisation } => organisation,
            OpenMode::MustExist | OpenMode::ReadOnly => None,
        };
        store
            .ensure_workspace_row(organisation.as_deref().unwrap_or(""))
            .and_then(|()| store.ensure_method_row())
            .map_err(|error| OpenError::Setup {
                path: path.to_path_buf(),
                error,
            })?;
        Ok(store)
    }

    /// Makes a new workspace file at `path` (which the caller has found missing) with `work`
    /// done on it, all or nothing: the file is made under a temporary name next to `path`
    /// (`PATH.partial`, private like every workspace) and renamed to `path` only when `work`
    /// succeeded and `keep` says so; otherwise it is removed. An interrupted run therefore never
    /// leaves a half-made workspace where a finished one is expected.
    pub fn create_complete<T>(
        path: &Path,
        actor: &str,
        keep: bool,
        work: impl FnOnce(&mut Store) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let partial = PathBuf::from(format!("{}.partial", path.display()));
        let remove_partial = || {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
            }
        };
        remove_partial();
        let done = Store::open_as(&partial, OpenMode::Create { organisation: None }, actor)
            .map_err(anyhow::Error::from)
            .and_then(|mut store| work(&mut store));
        // The store is closed by now: closing the last connection folds the journal back into
        // the file, so the file alone is the whole workspace.
        match done {
            Ok(value) if keep => {
                let renamed = std::fs::rename(&partial, path);
                remove_partial();
                renamed.map_err(|error| {
                    anyhow::anyhow!("{}: could not be written ({error})", path.display())
                })?;
                Ok(value)
            }
            other => {
                remove_partial();
                other
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who the change log names for the changes made through this store.
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Stamps every later change with this time instead of the clock's (for tests and demos).
    pub fn set_fixed_time(&mut self, at: impl Into<String>) {
        self.clock = Clock::Fixed(at.into());
    }

    fn now(&self) -> String {
        match &self.clock {
            Clock::System => chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            Clock::Fixed(at) => at.clone(),
        }
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> rusqlite::Result<i64> {
        self.conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
    }
}
