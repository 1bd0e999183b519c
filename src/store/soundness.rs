//! The cheap checks every open makes before it reads a record or writes anything: the schema is
//! the one this build makes for the file's version (the fingerprint), the change log's head
//! names its last entry, and a workspace with records has a log. They cost a few milliseconds
//! whatever the size of the file; the full check (SQLite's integrity check, every hash) is
//! `isms verify`'s.

use rusqlite::{Connection, OptionalExtension};

use super::fingerprint;
use crate::domain::changelog;

/// The first thing wrong with the file behind `conn` at schema `version`, as a clause naming
/// it, or `None`. Must not be called inside a transaction: it opens its own read transaction,
/// so that a writer in another process cannot make the log and its head disagree between two
/// reads.
pub(super) fn cheap_problem(conn: &Connection, version: i64) -> rusqlite::Result<Option<String>> {
    let tx = conn.unchecked_transaction()?;
    let problem = match fingerprint::difference(&tx, version)? {
        Some(problem) => Some(problem),
        None => log_problem(&tx, version)?,
    };
    tx.commit()?;
    Ok(problem)
}

/// The head against the last entry (files from schema 8 on have a head), then records beside
/// an empty log. Assumes the schema matched the fingerprint.
fn log_problem(conn: &Connection, version: i64) -> rusqlite::Result<Option<String>> {
    let last = match last_entry(
        conn,
        "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1",
    )? {
        Ok(last) => last,
        Err(problem) => return Ok(Some(format!("the change log's last entry {problem}"))),
    };
    let has_head = fingerprint::expected(version)?
        .iter()
        .any(|object| object.kind == "table" && object.name == "change_log_head");
    if has_head {
        let head = match last_entry(conn, "SELECT seq, hash FROM change_log_head WHERE id = 1")? {
            Ok(head) => head,
            Err(problem) => return Ok(Some(format!("the change log's head {problem}"))),
        };
        if let Err(broken) = changelog::verify_head(last.clone(), head) {
            return Ok(Some(format!(
                "the change log is broken at entry {}: {}",
                broken.seq, broken.reason
            )));
        }
    }
    if last.is_none() {
        if let Some(table) = table_with_records(conn, version)? {
            return Ok(Some(empty_log_beside(table)));
        }
    }
    Ok(None)
}

/// How an empty log beside records is named, by the open check and by `isms verify`.
pub(super) fn empty_log_beside(table: &str) -> String {
    format!("the change log is empty, but the table {table} holds records")
}

/// A (seq, hash) row read by `sql`; a value of the wrong type is named ("holds a value no
/// workbench writes") rather than failing the open with a reader's message.
fn last_entry(
    conn: &Connection,
    sql: &str,
) -> rusqlite::Result<Result<Option<(i64, String)>, &'static str>> {
    match conn
        .query_row(sql, [], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
    {
        Ok(found) => Ok(Ok(found)),
        Err(
            rusqlite::Error::InvalidColumnType(..) | rusqlite::Error::FromSqlConversionFailure(..),
        ) => Ok(Err("holds a value no workbench writes")),
        Err(error) => Err(error),
    }
}

/// The first table of `version` that holds records (see [`fingerprint::record_tables`]).
pub(super) fn table_with_records(
    conn: &Connection,
    version: i64,
) -> rusqlite::Result<Option<&'static str>> {
    for table in fingerprint::record_tables(version)? {
        // The name comes from this build's own migrations, never from the file.
        let holds: bool = conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM \"{table}\")"),
            [],
            |row| row.get(0),
        )?;
        if holds {
            return Ok(Some(table));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::domain::scope::{ContextIssue, IssueKind};
    use crate::store::{OpenError, OpenMode, Store, SCHEMA_VERSION};

    /// A workspace with one record of its own beside the two every workspace gets.
    fn workspace(dir: &Path) -> PathBuf {
        let path = dir.join("w.sqlite3");
        let mut store =
            Store::open_as(&path, OpenMode::Create { organisation: None }, "t").expect("create");
        store
            .insert(&ContextIssue {
                kind: IssueKind::Internal,
                description: "Staff turnover".into(),
                effect: "none".into(),
            })
            .unwrap();
        path
    }

    fn problem_of(path: &Path) -> Option<String> {
        let conn = Connection::open(path).unwrap();
        cheap_problem(&conn, SCHEMA_VERSION).unwrap()
    }

    /// Damages a fresh workspace with `sql` and returns what the cheap check says, after
    /// checking that every way of opening it refuses it (naming the same problem) and that
    /// `isms verify`'s checks find damage too.
    fn found_after(sql: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        assert_eq!(problem_of(&path), None, "a fresh workspace is sound");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let problem = problem_of(&path).unwrap_or_else(|| panic!("not found: {sql}"));
        for mode in [
            OpenMode::MustExist,
            OpenMode::ReadOnly,
            OpenMode::Create { organisation: None },
        ] {
            match Store::open_as(&path, mode.clone(), "t") {
                Err(error @ OpenError::Damaged { .. }) => {
                    let sentence = error.to_string();
                    assert!(sentence.contains(&problem), "{mode:?}: {sentence}");
                    assert!(sentence.contains("isms verify --db"), "{sentence}");
                    assert_eq!(sentence.lines().count(), 1, "{sentence}");
                }
                Err(other) => panic!("{mode:?}: refused for another reason: {other}"),
                Ok(_) => panic!("{mode:?}: opened a damaged file ({sql})"),
            }
        }
        let verdict = crate::store::verify_file(&path).unwrap();
        assert!(!verdict.is_sound(), "verify passed {sql}: {verdict:?}");
        problem
    }

    #[test]
    fn a_planted_trigger_is_found() {
        let problem = found_after(
            "CREATE TRIGGER rewrite AFTER INSERT ON change_log BEGIN
                 UPDATE context_issue SET effect = 'changed'; END;",
        );
        assert_eq!(
            problem,
            "there is a trigger \"rewrite\" on table change_log that the workbench did not make"
        );
    }

    #[test]
    fn an_extra_view_or_table_is_found() {
        assert_eq!(
            found_after("CREATE VIEW shown AS SELECT * FROM risk;"),
            "there is a view \"shown\" that the workbench did not make"
        );
        assert_eq!(
            found_after("CREATE TABLE notes (text);"),
            "there is a table \"notes\" that the workbench did not make"
        );
        assert_eq!(
            found_after("CREATE INDEX risk_by_title ON risk (title);"),
            "there is an index \"risk_by_title\" on table risk that the workbench did not make"
        );
    }

    #[test]
    fn a_dropped_index_or_an_altered_table_is_found() {
        assert_eq!(
            found_after("DROP INDEX change_log_by_record;"),
            "the index \"change_log_by_record\" on table change_log that the workbench made is \
             missing"
        );
        assert_eq!(
            found_after("ALTER TABLE risk ADD COLUMN hidden TEXT;"),
            "the table \"risk\" is defined differently from how the workbench made it"
        );
        // A table replaced by one with the same name and columns but without its checks.
        assert_eq!(
            found_after(
                "CREATE TABLE draft2 (record TEXT, field TEXT, text TEXT, saved_at TEXT,
                     PRIMARY KEY (record, field));
                 DROP TABLE draft; ALTER TABLE draft2 RENAME TO draft;"
            ),
            "the table \"draft\" is defined differently from how the workbench made it"
        );
    }

    #[test]
    fn a_dropped_or_wrong_head_is_found() {
        assert_eq!(
            found_after("DROP TABLE change_log_head;"),
            "the table \"change_log_head\" that the workbench made is missing"
        );
        let wrong = found_after("UPDATE change_log_head SET hash = 'forged';");
        assert!(
            wrong.starts_with("the change log is broken at entry"),
            "{wrong}"
        );
        let cut =
            found_after("DELETE FROM change_log WHERE seq = (SELECT max(seq) FROM change_log);");
        assert!(cut.contains("are missing"), "{cut}");
        let gone = found_after("DELETE FROM change_log_head;");
        assert!(
            gone.starts_with("the change log is broken at entry"),
            "{gone}"
        );
    }

    #[test]
    fn a_log_emptied_beside_records_is_found() {
        assert_eq!(
            found_after("DELETE FROM change_log; DELETE FROM change_log_head;"),
            "the change log is empty, but the table workspace holds records"
        );
    }

    #[test]
    fn statistics_and_a_fresh_workspace_are_sound() {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        Connection::open(&path)
            .unwrap()
            .execute_batch("ANALYZE;")
            .unwrap();
        assert_eq!(problem_of(&path), None);
        Store::open_as(&path, OpenMode::ReadOnly, "t").expect("opens");
        Store::open_as(&path, OpenMode::MustExist, "t").expect("opens");
        assert!(crate::store::verify_file(&path).unwrap().is_sound());
    }

    /// Each fixture written by an earlier build matches this build's idea of its schema as it
    /// is, and again after it has been migrated step by step to the latest: the text that
    /// `ALTER TABLE ... ADD COLUMN` leaves is the same as a fresh run of the migrations makes.
    #[test]
    fn older_files_match_their_version_and_again_after_migrating() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for version in 1..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("old.sqlite3");
            std::fs::copy(fixtures.join(format!("schema-{version}.sqlite3")), &path).unwrap();
            let conn = Connection::open(&path).unwrap();
            assert_eq!(
                cheap_problem(&conn, version).unwrap(),
                None,
                "schema {version}"
            );
            // Against the latest schema it differs, so the version matters.
            assert!(cheap_problem(&conn, SCHEMA_VERSION).unwrap().is_some());
            drop(conn);
            let store = Store::open_as(&path, OpenMode::MustExist, "t").expect("migrates");
            assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
            drop(store);
            assert_eq!(problem_of(&path), None, "schema {version} migrated");
        }
    }
}
