//! Migrations, tested on workspaces written by earlier versions of ISMS Workbench (see
//! tests/fixtures/README.md for how each fixture was made): every older schema is brought up to
//! the latest with all its data, a copy of the original is kept beside it first, and a migration
//! that fails leaves the file exactly as it was.

mod workspace_files;
use workspace_files::{fixture, isms, s, sidecars, text};

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use isms::store::{migration_backup_path, OpenMode, Store, SCHEMA_VERSION};
use rusqlite::types::Value;
use rusqlite::Connection;

/// Opens `path` as the workbench does (the read-only commands never migrate), and closes it;
/// the error is the sentence the workbench shows.
fn open_in_workbench(path: &Path) -> Result<(), String> {
    Store::open_as(path, OpenMode::MustExist, "workspace-file-test")
        .map(drop)
        .map_err(|error| error.to_string())
}

/// A private copy of a fixture in `dir`.
fn copy_of(dir: &Path, version: i64) -> PathBuf {
    let path = dir.join(format!("from-{version}.sqlite3"));
    fs::copy(fixture(version), &path).unwrap();
    path
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

fn tables(conn: &Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every table's rows (only the columns named in `columns` if given), sorted, as text.
fn contents(
    path: &Path,
    columns: Option<&BTreeMap<String, Vec<String>>>,
) -> BTreeMap<String, Vec<String>> {
    let conn = Connection::open(path).unwrap();
    let tables = tables(&conn);
    let mut out = BTreeMap::new();
    for table in tables {
        let list = match columns.and_then(|c| c.get(&table)) {
            Some(names) => names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", "),
            None => "*".to_string(),
        };
        let mut stmt = conn
            .prepare(&format!("SELECT {list} FROM \"{table}\""))
            .unwrap();
        let width = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |row| {
                (0..width)
                    .map(|i| row.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|values| format!("{values:?}"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.insert(table, rows);
    }
    out
}

fn column_names(path: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = Connection::open(path).unwrap();
    let tables = tables(&conn);
    tables
        .into_iter()
        .map(|table| {
            let names = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<Vec<String>, _>>()
                .unwrap();
            (table, names)
        })
        .collect()
}

#[test]
fn the_fixtures_are_what_their_names_say() {
    for version in 1..SCHEMA_VERSION {
        let path = fixture(version);
        assert_eq!(user_version(&path), version, "{}", path.display());
        assert!(sidecars(&path).is_empty());
    }
}

#[test]
fn every_older_schema_is_migrated_with_all_its_data_and_a_copy_kept() {
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of(dir.path(), version);
        let original_bytes = fs::read(&path).unwrap();
        let old_columns = column_names(&path);
        let old = contents(&path, None);
        assert!(
            old["change_log"].len() > 100,
            "schema {version} fixture has data"
        );

        if let Err(message) = open_in_workbench(&path) {
            panic!("schema {version}: {message}");
        }
        assert_eq!(user_version(&path), SCHEMA_VERSION, "schema {version}");

        // All the rows the old version wrote are there, column for column.
        let new = contents(&path, Some(&old_columns));
        for (table, rows) in &old {
            let now = &new[table];
            for row in rows {
                assert!(
                    now.binary_search(row).is_ok(),
                    "schema {version}: a row of {table} is gone: {row}"
                );
            }
            if table != "change_log" && table != "risk_method" && table != "ref_counter" {
                assert_eq!(rows.len(), now.len(), "schema {version}: rows of {table}");
            }
        }

        let verify = isms(dir.path(), &["verify", "--db", s(&path)]);
        assert!(
            verify.status.success(),
            "schema {version}: {}",
            text(&verify.stderr)
        );

        // The copy made first is the untouched original: same version, same rows, private.
        let copy = dir.path().join(format!(
            "from-{version}.sqlite3.before-v{SCHEMA_VERSION}.sqlite3"
        ));
        assert!(copy.exists(), "schema {version}: no copy before migrating");
        assert_eq!(
            fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(user_version(&copy), version);
        assert_eq!(
            contents(&copy, None),
            old,
            "schema {version}: the copy differs"
        );
        assert_eq!(fs::read(fixture(version)).unwrap(), original_bytes);
        let verify = isms(dir.path(), &["verify", "--db", s(&copy)]);
        assert!(verify.status.success(), "{}", text(&verify.stderr));

        // Opening the migrated file again makes no further copy.
        assert_eq!(open_in_workbench(&path), Ok(()));
        let again = isms(dir.path(), &["status", "--db", s(&path)]);
        assert!(again.status.success());
        let copies = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".before-v")
            })
            .count();
        assert_eq!(copies, 1, "schema {version}");
    }
}

#[test]
fn an_earlier_copy_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of(dir.path(), 5);
    let first = migration_backup_path(&path, SCHEMA_VERSION);
    fs::write(&first, "an earlier copy").unwrap();
    assert_eq!(open_in_workbench(&path), Ok(()));
    assert_eq!(fs::read_to_string(&first).unwrap(), "an earlier copy");
    let second = dir
        .path()
        .join(format!("from-5.sqlite3.before-v{SCHEMA_VERSION}-2.sqlite3"));
    assert_eq!(user_version(&second), 5);
}

#[test]
fn a_failed_migration_leaves_the_file_byte_for_byte_as_it_was() {
    for version in [1, 3, SCHEMA_VERSION - 1] {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of(dir.path(), version);
        // Every step runs, then the migration fails (a debug-build hook: a hand-edited file,
        // the natural cause, is refused before migrating; see the test below).
        std::env::set_var("ISMS_TEST_FAIL_MIGRATION", &path);
        assert!(sidecars(&path).is_empty());
        let before = fs::read(&path).unwrap();
        let mtime = fs::metadata(&path).unwrap().modified().unwrap();

        let message = open_in_workbench(&path).expect_err("the migration fails");
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(message.trim_end().ends_with('.'), "{message}");
        assert!(
            message.contains(&format!(
                "could not be brought from schema {version} to {SCHEMA_VERSION}"
            )),
            "{message}"
        );
        assert!(
            message.contains(&format!("left untouched at schema {version}")),
            "{message}"
        );
        assert_eq!(fs::read(&path).unwrap(), before, "schema {version}");
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), mtime);
        assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
        let copies: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".before-v"))
            .collect();
        assert!(copies.is_empty(), "{copies:?}");
    }
}

/// A file whose schema is not what its version's migrations made (here a column in the way of
/// the last migration, as a hand edit might leave) is refused before any step runs, with one
/// sentence; the file is left byte for byte as it was and no copy is made.
#[test]
fn a_hand_edited_older_file_is_refused_before_migrating() {
    for version in [1, SCHEMA_VERSION - 1] {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of(dir.path(), version);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("ALTER TABLE workspace ADD COLUMN climate_note TEXT")
                .unwrap();
        }
        let before = fs::read(&path).unwrap();
        let message = open_in_workbench(&path).expect_err("refused");
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(
            message.contains("the table \"workspace\" is defined differently"),
            "{message}"
        );
        assert!(message.contains("nothing in it was changed"), "{message}");
        assert_eq!(fs::read(&path).unwrap(), before, "schema {version}");
        assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no copy made");
    }
}

#[test]
fn an_older_workspace_has_not_yet_decided_on_climate_change() {
    for version in [1, SCHEMA_VERSION - 1] {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of(dir.path(), version);
        assert_eq!(open_in_workbench(&path), Ok(()));
        let out = isms(dir.path(), &["check", "--db", s(&path)]);
        let report = text(&out.stdout);
        assert!(
            report.contains("climate-undecided"),
            "schema {version}: {report}"
        );
        let conn = Connection::open(&path).unwrap();
        let (decision, note): (String, String) = conn
            .query_row(
                "SELECT climate_relevant, climate_note FROM workspace",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((decision.as_str(), note.as_str()), ("", ""));
        // The schema keeps to yes, no or undecided.
        let refused = conn.execute("UPDATE workspace SET climate_relevant = 'maybe'", []);
        assert!(refused.is_err(), "schema {version}");
    }
}

/// Before migrating, the file gets all of `isms verify`'s checks: an older file whose change
/// log was edited (which the cheap checks of every open do not see) is refused, not migrated
/// and sealed at the new schema; it is left as it was and no copy is made.
#[test]
fn an_older_file_with_an_edited_log_is_refused_before_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of(dir.path(), 5);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("UPDATE change_log SET new = 'forged' WHERE seq = 10")
            .unwrap();
    }
    let before = fs::read(&path).unwrap();
    let message = open_in_workbench(&path).expect_err("refused");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("the change log is broken at entry 10"),
        "{message}"
    );
    assert!(message.contains("run `isms verify --db"), "{message}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(user_version(&path), 5);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no copy made");
}
