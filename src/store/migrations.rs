//! Forward-only schema migrations, numbered by SQLite's `user_version`.
//!
//! Migration N takes a file from version N-1 to N. Each runs in its own transaction together
//! with the version bump, so a failure leaves the file at the version it had.

use rusqlite::{Connection, TransactionBehavior};

use super::open::APPLICATION_ID;

const MIGRATIONS: &[&str] = &[
    // 1: the workspace, the Scope tab (4.1-4.4), reference counters and the change log.
    r#"
    CREATE TABLE workspace (
        ref             TEXT PRIMARY KEY CHECK (ref = 'WS'),
        organisation    TEXT NOT NULL DEFAULT '',
        isms_name       TEXT NOT NULL DEFAULT '',
        scope_statement TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE ref_counter (
        prefix TEXT PRIMARY KEY,
        last   INTEGER NOT NULL
    );
    CREATE TABLE context_issue (
        id          INTEGER PRIMARY KEY,
        ref         TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL CHECK (kind IN ('internal', 'external')),
        description TEXT NOT NULL CHECK (trim(description) <> ''),
        effect      TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE interested_party (
        id        INTEGER PRIMARY KEY,
        ref       TEXT NOT NULL UNIQUE,
        name      TEXT NOT NULL CHECK (trim(name) <> ''),
        needs     TEXT NOT NULL DEFAULT '',
        addressed TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE scope_item (
        id            INTEGER PRIMARY KEY,
        ref           TEXT NOT NULL UNIQUE,
        kind          TEXT NOT NULL CHECK (kind IN ('site', 'unit', 'process', 'service',
                                                    'technology', 'interface', 'dependency')),
        name          TEXT NOT NULL CHECK (trim(name) <> ''),
        scope         TEXT NOT NULL CHECK (scope IN ('in', 'out')),
        justification TEXT NOT NULL DEFAULT '',
        CHECK (scope = 'in' OR trim(justification) <> '')
    );
    CREATE TABLE change_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        record    TEXT NOT NULL,
        operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
        field     TEXT NOT NULL,
        old       TEXT,
        new       TEXT,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    CREATE INDEX change_log_by_record ON change_log (record, seq);
    "#,
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the file from its current version up to [`LATEST`].
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        if version == 1 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}
