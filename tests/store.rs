//! Store-level integration tests: opening and refusing files, the change log and its hash
//! chain, references, validation at the write path, the demo, and text round-trips.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use isms::domain::changelog::{ChangeEntry, Operation};
use isms::domain::scope::{ContextIssue, InterestedParty, IssueKind, ScopeItem, ScopeItemKind};
use isms::store::{OpenError, OpenMode, Store, Stored, APPLICATION_ID, SCHEMA_VERSION};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::Connection;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const FIXED_TIME: &str = "2026-11-28T10:00:00Z";

fn create(organisation: Option<&str>) -> OpenMode {
    OpenMode::Create {
        organisation: organisation.map(str::to_string),
    }
}

fn open(path: &Path, mode: OpenMode) -> Store {
    match Store::open(path, mode) {
        Ok(store) => store,
        Err(error) => panic!("could not open {}: {error}", path.display()),
    }
}

/// Opens a file that must be refused, returning why.
fn refusal(path: &Path, mode: OpenMode) -> OpenError {
    match Store::open(path, mode) {
        Ok(_) => panic!("{} was opened but should have been refused", path.display()),
        Err(error) => error,
    }
}

/// `path` with `suffix` appended to its file name (for SQLite's `-wal` and `-shm`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn assert_no_sidecars(path: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = sibling(path, suffix);
        assert!(!side.exists(), "{} should not exist", side.display());
    }
}

fn mode_bits(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn issue(kind: IssueKind, description: &str, effect: &str) -> ContextIssue {
    ContextIssue {
        kind,
        description: description.into(),
        effect: effect.into(),
    }
}

fn item(name: &str, in_scope: bool, justification: &str) -> ScopeItem {
    ScopeItem {
        kind: ScopeItemKind::Site,
        name: name.into(),
        in_scope,
        justification: justification.into(),
    }
}

/// A new workspace in a fresh temporary directory, with a fixed actor and time.
fn new_store(organisation: Option<&str>) -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspace.isms");
    let mut store = open(&path, create(organisation));
    store.set_actor("alex");
    store.set_fixed_time(FIXED_TIME);
    (dir, path, store)
}

/// A closed, checkpointed workspace file with a few records in it.
fn closed_workspace(dir: &Path) -> PathBuf {
    let path = dir.join("real.isms");
    let mut store = open(&path, create(Some("Acme")));
    store
        .insert(&issue(
            IssueKind::Internal,
            "Staff turnover",
            "Knowledge loss",
        ))
        .unwrap();
    drop(store);
    assert_no_sidecars(&path);
    path
}

fn log_len(store: &Store) -> i64 {
    store.change_log_len().unwrap()
}

fn summary(entries: &[ChangeEntry]) -> Vec<(Operation, &str, Option<&str>, Option<&str>)> {
    entries
        .iter()
        .map(|e| {
            (
                e.operation,
                e.field.as_str(),
                e.old.as_deref(),
                e.new.as_deref(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Opening and creating
// ---------------------------------------------------------------------------------------------

#[test]
fn create_makes_a_private_wal_workspace_that_reopens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.isms");
    assert!(!path.exists());

    let mut store = open(&path, create(Some("Acme")));
    assert!(path.is_file());
    assert_eq!(mode_bits(&path), 0o600, "the workspace must be private");
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.path(), path.as_path());
    assert_eq!(store.workspace().unwrap().organisation, "Acme");

    let reference = store
        .insert(&issue(IssueKind::External, "New regulation", "More audits"))
        .unwrap();
    // While the store is open and has written, the WAL exists and is as private as the file.
    let wal = sibling(&path, "-wal");
    assert!(
        wal.exists(),
        "a WAL-mode workspace keeps a -wal file while open"
    );
    assert_eq!(mode_bits(&wal), 0o600, "the -wal file must be private too");

    // A second, plain connection sees the header and pragmas the store set.
    {
        let conn = Connection::open(&path).unwrap();
        let application_id: i32 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .unwrap();
        assert_eq!(application_id, APPLICATION_ID);
        let journal_mode: String = conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        assert_eq!(journal_mode.to_ascii_lowercase(), "wal");
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }
    let entries = log_len(&store);
    drop(store);

    let store = open(&path, OpenMode::MustExist);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.workspace().unwrap().organisation, "Acme");
    assert_eq!(
        store.get::<ContextIssue>(&reference).unwrap(),
        Some(issue(IssueKind::External, "New regulation", "More audits"))
    );
    assert_eq!(
        log_len(&store),
        entries,
        "reopening must not write to the change log"
    );
    assert_eq!(store.verify_change_log().unwrap(), Ok(entries as usize));
    drop(store);

    // Opening again with Create keeps the existing organisation rather than overwriting it.
    let store = open(&path, create(Some("Someone else")));
    assert_eq!(store.workspace().unwrap().organisation, "Acme");
    assert_eq!(log_len(&store), entries);
    assert_eq!(mode_bits(&path), 0o600);
}

#[test]
fn must_exist_refuses_a_missing_file_without_creating_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.isms");
    let error = refusal(&path, OpenMode::MustExist);
    assert!(
        matches!(&error, OpenError::Missing { path: p } if p == &path),
        "{error:?}"
    );
    assert!(error.to_string().contains(&*path.to_string_lossy()));
    assert!(!path.exists(), "a refused open must not create the file");
    assert_no_sidecars(&path);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_empty_file_is_refused_where_a_workspace_must_exist_and_set_up_where_one_may_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite3");
    fs::write(&path, b"").unwrap();
    let error = refusal(&path, OpenMode::MustExist);
    assert!(matches!(error, OpenError::Empty { .. }), "{error:?}");
    assert!(error.to_string().contains("empty file"), "{error}");
    assert_eq!(fs::metadata(&path).unwrap().len(), 0, "left untouched");
    assert_no_sidecars(&path);
    let store = open(&path, create(Some("Acme")));
    assert_eq!(store.workspace().unwrap().organisation, "Acme");
}

#[test]
fn a_workspace_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path());
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        conn.close().map_err(|(_, error)| error).unwrap();
    }
    assert_no_sidecars(&path);
    let before = fs::read(&path).unwrap();

    for mode in [OpenMode::MustExist, create(Some("Acme"))] {
        let error = refusal(&path, mode);
        match &error {
            OpenError::NewerVersion {
                path: p,
                found,
                supported,
            } => {
                assert_eq!(p, &path);
                assert_eq!(*found, SCHEMA_VERSION + 1);
                assert_eq!(*supported, SCHEMA_VERSION);
            }
            other => panic!("expected NewerVersion, got {other:?}"),
        }
        let message = error.to_string();
        assert!(message.contains(&*path.to_string_lossy()), "{message}");
        assert!(message.contains("newer"), "{message}");
        assert_eq!(
            fs::read(&path).unwrap(),
            before,
            "the file must be untouched"
        );
        assert_no_sidecars(&path);
    }
}

#[test]
fn a_text_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let text = "hello, not a database\n".repeat(200);
    fs::write(&path, &text).unwrap();

    for mode in [OpenMode::MustExist, create(Some("Acme"))] {
        let error = refusal(&path, mode);
        assert!(
            matches!(&error, OpenError::NotADatabase { path: p } if p == &path),
            "{error:?}"
        );
        assert!(error.to_string().contains(&*path.to_string_lossy()));
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        assert_no_sidecars(&path);
    }

    // Shorter than the SQLite magic.
    let short = dir.path().join("short");
    fs::write(&short, b"SQLite").unwrap();
    let error = refusal(&short, OpenMode::MustExist);
    assert!(matches!(error, OpenError::NotADatabase { .. }), "{error:?}");
    assert_eq!(fs::read(&short).unwrap(), b"SQLite");
    assert_no_sidecars(&short);
}

#[test]
fn a_truncated_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let real = closed_workspace(dir.path());
    let bytes = fs::read(&real).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));

    for len in [100usize, 16, 512] {
        let path = dir.path().join(format!("truncated-{len}.isms"));
        fs::write(&path, &bytes[..len]).unwrap();
        for mode in [OpenMode::MustExist, create(Some("Acme"))] {
            let error = refusal(&path, mode);
            assert!(
                matches!(
                    error,
                    OpenError::NotADatabase { .. } | OpenError::Sqlite { .. }
                ),
                "{len} bytes: {error:?}"
            );
            assert!(error.to_string().contains(&*path.to_string_lossy()));
            assert_eq!(fs::read(&path).unwrap(), &bytes[..len], "{len} bytes");
            assert_no_sidecars(&path);
        }
    }

    // The magic followed by garbage.
    let path = dir.path().join("garbage.isms");
    let mut garbage = b"SQLite format 3\0".to_vec();
    garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    fs::write(&path, &garbage).unwrap();
    let error = refusal(&path, OpenMode::MustExist);
    assert!(
        matches!(
            error,
            OpenError::NotADatabase { .. } | OpenError::Sqlite { .. }
        ),
        "{error:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), garbage);
}

#[test]
fn another_applications_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), ('two');")
            .unwrap();
    }
    assert_no_sidecars(&path);
    let before = fs::read(&path).unwrap();

    for mode in [OpenMode::MustExist, create(Some("Acme"))] {
        let error = refusal(&path, mode);
        assert!(
            matches!(&error, OpenError::NotAWorkspace { path: p } if p == &path),
            "{error:?}"
        );
        assert!(error.to_string().contains(&*path.to_string_lossy()));
        assert_eq!(fs::read(&path).unwrap(), before);
        assert_no_sidecars(&path);
    }

    // A database with our user_version but no application id is not ours either.
    let path = dir.path().join("versioned.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let before = fs::read(&path).unwrap();
    let error = refusal(&path, OpenMode::MustExist);
    assert!(
        matches!(error, OpenError::NotAWorkspace { .. }),
        "{error:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for mode in [OpenMode::MustExist, create(Some("Acme"))] {
        let error = refusal(dir.path(), mode);
        assert!(
            matches!(&error, OpenError::IsDirectory { path } if path == dir.path()),
            "{error:?}"
        );
        assert!(error.to_string().contains("directory"));
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

// ---------------------------------------------------------------------------------------------
// The change log
// ---------------------------------------------------------------------------------------------

#[test]
fn every_edit_writes_change_log_rows() {
    let (_dir, _path, mut store) = new_store(Some("Acme"));
    let start = log_len(&store);
    assert_eq!(
        store.history("WS").unwrap().len(),
        1,
        "the workspace row's creation"
    );
    assert_eq!(
        start,
        1 + store.history("METHOD").unwrap().len() as i64,
        "a new workspace logs the creation of its workspace row and of its risk method"
    );

    let original = issue(IssueKind::Internal, "Staff turnover", "Knowledge loss");
    let reference = store.insert(&original).unwrap();
    assert_eq!(reference, "ISS-001");
    assert_eq!(log_len(&store), start + 3, "one row per non-empty field");

    // Saving the same values again changes nothing and logs nothing.
    assert_eq!(store.update(&reference, &original).unwrap(), 0);
    assert_eq!(log_len(&store), start + 3);

    store.set_actor("blake");
    store.set_fixed_time("2026-11-29T09:30:00Z");
    let mut edited = original.clone();
    edited.description = "High staff turnover".into();
    assert_eq!(store.update(&reference, &edited).unwrap(), 1);
    assert_eq!(log_len(&store), start + 4);
    assert_eq!(
        store.get::<ContextIssue>(&reference).unwrap(),
        Some(edited.clone())
    );

    store.set_actor("casey");
    store.set_fixed_time("2026-11-30T17:45:00Z");
    store.delete::<ContextIssue>(&reference).unwrap();
    assert_eq!(log_len(&store), start + 7);
    assert_eq!(store.get::<ContextIssue>(&reference).unwrap(), None);
    assert!(store.list::<ContextIssue>().unwrap().is_empty());

    // Deleting or updating what no longer exists fails and logs nothing.
    assert!(store.delete::<ContextIssue>(&reference).is_err());
    assert!(store.update(&reference, &edited).is_err());
    assert_eq!(log_len(&store), start + 7);

    let history = store.history(&reference).unwrap();
    use Operation::{Create, Delete, Update};
    assert_eq!(
        summary(&history),
        vec![
            (Delete, "effect", Some("Knowledge loss"), None),
            (Delete, "description", Some("High staff turnover"), None),
            (Delete, "kind", Some("internal"), None),
            (
                Update,
                "description",
                Some("Staff turnover"),
                Some("High staff turnover")
            ),
            (Create, "effect", None, Some("Knowledge loss")),
            (Create, "description", None, Some("Staff turnover")),
            (Create, "kind", None, Some("internal")),
        ]
    );
    let stamps: Vec<(&str, &str)> = history
        .iter()
        .map(|e| (e.actor.as_str(), e.at.as_str()))
        .collect();
    assert_eq!(
        stamps,
        vec![
            ("casey", "2026-11-30T17:45:00Z"),
            ("casey", "2026-11-30T17:45:00Z"),
            ("casey", "2026-11-30T17:45:00Z"),
            ("blake", "2026-11-29T09:30:00Z"),
            ("alex", FIXED_TIME),
            ("alex", FIXED_TIME),
            ("alex", FIXED_TIME),
        ]
    );
    assert!(history.iter().all(|e| e.record == reference));
    let seqs: Vec<i64> = history.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (start + 1..=start + 7).rev().collect::<Vec<_>>());

    // The workspace row has its own history.
    let ws = store.history("WS").unwrap();
    assert_eq!(
        summary(&ws),
        vec![(Create, "organisation", None, Some("Acme"))]
    );
    assert!(store.history("ISS-999").unwrap().is_empty());
    assert_eq!(store.verify_change_log().unwrap(), Ok(start as usize + 7));
}

#[test]
fn updating_the_workspace_row_is_logged() {
    let (_dir, _path, mut store) = new_store(None);
    let mut workspace = store.workspace().unwrap();
    assert_eq!(workspace.organisation, "");
    workspace.organisation = "Acme".into();
    workspace.scope_statement = "All of it".into();
    assert_eq!(store.update_workspace(&workspace).unwrap(), 2);
    assert_eq!(store.workspace().unwrap(), workspace);
    let history = store.history("WS").unwrap();
    assert_eq!(
        summary(&history),
        vec![
            (
                Operation::Update,
                "scope_statement",
                Some(""),
                Some("All of it")
            ),
            (Operation::Update, "organisation", Some(""), Some("Acme")),
            // A workspace created without an organisation still logs its creation.
            (Operation::Create, "organisation", None, Some("")),
        ]
    );
    assert_eq!(
        store.verify_change_log().unwrap(),
        Ok(log_len(&store) as usize)
    );
}

/// Deleting a record whose fields are all empty must still leave a trace, as inserting one does
/// (see `insert_row`'s fallback). `Store::delete` filters out empty values and then appends
/// nothing, so the row disappears without a change-log entry.
#[test]
fn deleting_an_all_empty_record_is_logged() {
    use isms::domain::workspace::Workspace;
    let (_dir, _path, mut store) = new_store(None);
    let before = log_len(&store);
    store.delete::<Workspace>("WS").unwrap();
    assert!(store.get::<Workspace>("WS").unwrap().is_none());
    assert!(log_len(&store) > before, "the delete left no trace");
    assert_eq!(store.history("WS").unwrap()[0].operation, Operation::Delete);
}

/// Builds a workspace with a handful of edits and returns its closed file and log length.
fn edited_workspace(dir: &Path, name: &str) -> (PathBuf, i64) {
    let path = dir.join(name);
    let mut store = open(&path, create(Some("Acme")));
    store.set_actor("alex");
    store.set_fixed_time(FIXED_TIME);
    let a = store
        .insert(&issue(
            IssueKind::Internal,
            "Staff turnover",
            "Knowledge loss",
        ))
        .unwrap();
    let b = store
        .insert(&InterestedParty {
            name: "Customers".into(),
            needs: "Availability".into(),
            addressed: String::new(),
        })
        .unwrap();
    store
        .update(
            &a,
            &issue(IssueKind::External, "Market turnover", "Knowledge loss"),
        )
        .unwrap();
    store.insert(&item("Berlin office", true, "")).unwrap();
    store.delete::<InterestedParty>(&b).unwrap();
    let len = log_len(&store);
    assert!(len >= 10, "{len}");
    assert_eq!(store.verify_change_log().unwrap(), Ok(len as usize));
    drop(store);
    (path, len)
}

#[test]
fn the_chain_verifies_and_detects_a_forged_value() {
    let dir = tempfile::tempdir().unwrap();
    let (path, len) = edited_workspace(dir.path(), "forged.isms");

    {
        let conn = Connection::open(&path).unwrap();
        let changed = conn
            .execute("UPDATE change_log SET new = 'forged' WHERE seq = 3", [])
            .unwrap();
        assert_eq!(changed, 1);
    }
    let store = open(&path, OpenMode::MustExist);
    assert_eq!(log_len(&store), len);
    let broken = store.verify_change_log().unwrap().unwrap_err();
    assert_eq!(broken.seq, 3, "{broken:?}");
    assert!(!broken.reason.is_empty());
}

#[test]
fn the_chain_detects_a_forged_hash_relinked_to_the_next_entry() {
    // Recomputing the forged entry's hash moves the break to the following entry.
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = edited_workspace(dir.path(), "relinked.isms");
    let store = open(&path, OpenMode::MustExist);
    // The oldest entry of ISS-001, somewhere in the middle of the log.
    let mut entry = store.history("ISS-001").unwrap().pop().unwrap();
    drop(store);
    entry.new = Some("forged".into());
    let hash = entry.expected_hash();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE change_log SET new = 'forged', hash = ?1 WHERE seq = ?2",
            rusqlite::params![hash, entry.seq],
        )
        .unwrap();
    }
    let store = open(&path, OpenMode::MustExist);
    assert_eq!(
        store.verify_change_log().unwrap().unwrap_err().seq,
        entry.seq + 1
    );
}

#[test]
fn the_chain_detects_a_deleted_middle_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (path, len) = edited_workspace(dir.path(), "gap.isms");
    {
        let conn = Connection::open(&path).unwrap();
        assert_eq!(
            conn.execute("DELETE FROM change_log WHERE seq = 4", [])
                .unwrap(),
            1
        );
    }
    let store = open(&path, OpenMode::MustExist);
    assert_eq!(log_len(&store), len - 1);
    let broken = store.verify_change_log().unwrap().unwrap_err();
    assert_eq!(broken.seq, 5, "the first entry after the gap: {broken:?}");
    assert!(broken.reason.contains('4'), "{broken:?}");
}

#[test]
fn the_chain_detects_tampering_with_any_column() {
    let dir = tempfile::tempdir().unwrap();
    let (pristine, len) = edited_workspace(dir.path(), "pristine.isms");
    // Entry 3 is the creation of ISS-001's description: old is NULL, new is text.
    let tampers = [
        "UPDATE change_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 3",
        "UPDATE change_log SET actor = 'mallory' WHERE seq = 3",
        "UPDATE change_log SET record = 'ISS-002' WHERE seq = 3",
        "UPDATE change_log SET operation = 'update' WHERE seq = 3",
        "UPDATE change_log SET field = 'effect' WHERE seq = 3",
        "UPDATE change_log SET old = '' WHERE seq = 3",
        "UPDATE change_log SET new = NULL WHERE seq = 3",
        "UPDATE change_log SET new = new || ' ' WHERE seq = 3",
        "UPDATE change_log SET prev_hash = hash WHERE seq = 3",
        "UPDATE change_log SET hash = upper(hash) WHERE seq = 3",
        // Swapping two entries.
        "UPDATE change_log SET seq = -seq WHERE seq IN (3, 4);
         UPDATE change_log SET seq = 4 WHERE seq = -3;
         UPDATE change_log SET seq = 3 WHERE seq = -4;",
    ];
    for (i, sql) in tampers.iter().enumerate() {
        let path = dir.path().join(format!("tampered-{i}.isms"));
        fs::copy(&pristine, &path).unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(sql).unwrap();
            assert!(conn.changes() >= 1, "{sql}");
        }
        let store = open(&path, OpenMode::MustExist);
        assert_eq!(log_len(&store), len, "{sql}");
        match store.verify_change_log().unwrap() {
            Ok(n) => panic!("tampering went unnoticed ({n} entries verified): {sql}"),
            Err(broken) => assert_eq!(broken.seq, 3, "{sql}: {broken:?}"),
        }
    }
    // The untouched file still verifies.
    let store = open(&pristine, OpenMode::MustExist);
    assert_eq!(store.verify_change_log().unwrap(), Ok(len as usize));
}

// ---------------------------------------------------------------------------------------------
// References and validation
// ---------------------------------------------------------------------------------------------

#[test]
fn references_are_never_reused() {
    let (_dir, path, mut store) = new_store(Some("Acme"));
    let one = store
        .insert(&issue(IssueKind::Internal, "One", ""))
        .unwrap();
    let two = store
        .insert(&issue(IssueKind::External, "Two", ""))
        .unwrap();
    assert_eq!((one.as_str(), two.as_str()), ("ISS-001", "ISS-002"));
    store.delete::<ContextIssue>(&two).unwrap();
    let three = store
        .insert(&issue(IssueKind::Internal, "Three", ""))
        .unwrap();
    assert_eq!(three, "ISS-003");

    // Each record type counts on its own.
    let party = store
        .insert(&InterestedParty {
            name: "Regulator".into(),
            needs: String::new(),
            addressed: String::new(),
        })
        .unwrap();
    assert_eq!(party, "IP-001");
    assert_eq!(store.insert(&item("HQ", true, "")).unwrap(), "SC-001");

    // Deleting the newest record and reopening does not bring its number back.
    store.delete::<ContextIssue>(&three).unwrap();
    drop(store);
    let mut store = open(&path, OpenMode::MustExist);
    let four = store
        .insert(&issue(IssueKind::Internal, "Four", ""))
        .unwrap();
    assert_eq!(four, "ISS-004");
    let refs: Vec<String> = store
        .list::<ContextIssue>()
        .unwrap()
        .into_iter()
        .map(|s| s.reference)
        .collect();
    assert_eq!(refs, ["ISS-001", "ISS-004"]);
}

#[test]
fn invalid_records_are_refused_and_nothing_is_written() {
    let (_dir, _path, mut store) = new_store(Some("Acme"));
    let before = log_len(&store);

    for justification in ["", "   ", "\t\n", "\u{3000}"] {
        let result = store.insert(&item("Berlin office", false, justification));
        let error = result.expect_err("an unjustified exclusion must be refused");
        assert!(error.to_string().contains("justification"), "{error}");
    }
    assert!(store
        .insert(&InterestedParty {
            name: "  ".into(),
            needs: "x".into(),
            addressed: String::new(),
        })
        .is_err());
    assert!(store
        .insert(&issue(IssueKind::Internal, " \n", "effect"))
        .is_err());
    assert!(store.list::<ScopeItem>().unwrap().is_empty());
    assert!(store.list::<InterestedParty>().unwrap().is_empty());
    assert!(store.list::<ContextIssue>().unwrap().is_empty());
    assert_eq!(log_len(&store), before);

    // A refused insert does not use up a reference number.
    let valid = item("Berlin office", true, "");
    let reference = store.insert(&valid).unwrap();
    assert_eq!(reference, "SC-001");
    let after_insert = log_len(&store);
    assert!(after_insert > before);

    // Updating a valid item into an invalid one is refused too.
    // The store says why (the schema's CHECK would only say "could not save"), and it also
    // refuses whitespace that SQL's trim() does not strip.
    for justification in ["", " ", "\t\n", "\u{3000}"] {
        let invalid = item("Berlin office", false, justification);
        let error = store
            .update(&reference, &invalid)
            .expect_err("an unjustified exclusion must be refused");
        assert!(error.to_string().contains("justification"), "{error}");
    }
    let error = store
        .update(&reference, &item("\t", true, ""))
        .expect_err("a blank name must be refused");
    assert!(error.to_string().contains("name"), "{error}");
    assert_eq!(
        store.get::<ScopeItem>(&reference).unwrap(),
        Some(valid.clone())
    );
    assert_eq!(log_len(&store), after_insert);
    assert_eq!(
        store.list::<ScopeItem>().unwrap(),
        vec![Stored {
            reference: reference.clone(),
            value: valid
        }]
    );

    // The justified exclusion is accepted.
    assert_eq!(
        store
            .update(&reference, &item("Berlin office", false, "Separate entity"))
            .unwrap(),
        2
    );
    assert_eq!(
        store.verify_change_log().unwrap(),
        Ok(log_len(&store) as usize)
    );
}

#[test]
fn the_schema_itself_refuses_an_unjustified_exclusion() {
    let (_dir, path, store) = new_store(Some("Acme"));
    let conn = Connection::open(&path).unwrap();
    let result = conn.execute(
        "INSERT INTO scope_item (ref, kind, name, scope, justification)
         VALUES ('SC-900', 'site', 'Berlin', 'out', '  ')",
        [],
    );
    assert!(result.is_err(), "the CHECK constraint should refuse it");
    drop(conn);
    assert!(store.list::<ScopeItem>().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// The demo
// ---------------------------------------------------------------------------------------------

#[test]
fn the_demo_fills_a_new_workspace() {
    let (_dir, path, mut store) = new_store(None);
    isms::demo::write_demo_on(
        &mut store,
        isms::domain::dates::parse("2026-11-28").unwrap(),
    )
    .unwrap();
    let scope = store.load_scope().unwrap();
    assert!(scope.issues.len() >= 10, "{} issues", scope.issues.len());
    assert!(scope.parties.len() >= 8, "{} parties", scope.parties.len());
    assert!(scope.items.len() >= 14, "{} items", scope.items.len());
    let excluded: Vec<&ScopeItem> = scope
        .items
        .iter()
        .map(|s| &s.value)
        .filter(|i| !i.in_scope)
        .collect();
    assert!(excluded.len() >= 3, "{} excluded", excluded.len());
    for item in &excluded {
        assert!(
            !item.justification.trim().is_empty(),
            "{} is excluded without justification",
            item.name
        );
    }
    assert!(!scope.workspace.scope_statement.trim().is_empty());
    assert!(!scope.workspace.organisation.trim().is_empty());
    for issue in &scope.issues {
        assert!(issue.value.validate().is_empty(), "{issue:?}");
    }
    for party in &scope.parties {
        assert!(party.value.validate().is_empty(), "{party:?}");
    }
    let len = log_len(&store);
    assert_eq!(store.verify_change_log().unwrap(), Ok(len as usize));
    drop(store);

    // It survives a reopen.
    let store = open(&path, OpenMode::MustExist);
    assert_eq!(store.load_scope().unwrap().items.len(), scope.items.len());
    assert_eq!(store.verify_change_log().unwrap(), Ok(len as usize));
}

// ---------------------------------------------------------------------------------------------
// Text round-trips
// ---------------------------------------------------------------------------------------------

/// Saves a party and checks that it reads back exactly and that its history says so.
fn check_party_round_trip(store: &mut Store, party: &InterestedParty) -> Result<(), String> {
    let len = log_len(store);
    let reference = store.insert(party).map_err(|e| e.to_string())?;
    let read = store
        .get::<InterestedParty>(&reference)
        .map_err(|e| e.to_string())?;
    if read.as_ref() != Some(party) {
        return Err(format!("{reference}: saved {party:?}, read {read:?}"));
    }
    let history = store.history(&reference).map_err(|e| e.to_string())?;
    let mut expected: Vec<(Operation, &str, Option<&str>, Option<&str>)> = [
        ("name", &party.name),
        ("needs", &party.needs),
        ("addressed", &party.addressed),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(field, value)| (Operation::Create, field, None, Some(value.as_str())))
    .collect();
    expected.reverse();
    if summary(&history) != expected {
        return Err(format!("{reference}: history {history:?}"));
    }
    if log_len(store) != len + expected.len() as i64 {
        return Err(format!("{reference}: wrong number of change-log rows"));
    }
    Ok(())
}

fn non_blank(name: String) -> String {
    if name.trim().is_empty() {
        format!("n{name}")
    } else {
        name
    }
}

fn awkward_strings() -> Vec<String> {
    vec![
        String::new(),
        "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🇩🇪".into(),
        "مرحبا بالعالم — עברית".into(),
        "\u{202E}reversed\u{202C} and \u{200F}rtl mark".into(),
        "zero\u{200B}width\u{200D}joiner\u{FEFF}bom".into(),
        "\u{0}nul\u{0}inside\u{0}".into(),
        "\u{1}\u{7}\u{8}\u{1b}[31mred\u{1b}[0m\r\n\t\u{7f}".into(),
        "'; DROP TABLE interested_party; --".into(),
        "%s %d {} {{}} \\ \" '".into(),
        "a".repeat(10_000),
        "é".repeat(10_000),
        "🦀".repeat(10_000),
        " leading and trailing whitespace \n".into(),
        "\u{3000}\u{00A0}".into(),
        "\u{10FFFF}\u{E000}\u{FFFD}".into(),
        "combining: e\u{301} a\u{308}\u{323}".into(),
    ]
}

#[test]
fn awkward_text_round_trips_through_a_party() {
    let (_dir, _path, mut store) = new_store(Some("Acme"));
    let strings = awkward_strings();
    for (i, text) in strings.iter().enumerate() {
        let other = &strings[(i + 1) % strings.len()];
        let party = InterestedParty {
            name: non_blank(text.clone()),
            needs: text.clone(),
            addressed: other.clone(),
        };
        check_party_round_trip(&mut store, &party).unwrap();
    }
    let len = log_len(&store);
    assert_eq!(store.verify_change_log().unwrap(), Ok(len as usize));
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC*",
        2 => any::<String>(),
        1 => "[\\x00-\\x1f\\x7f\u{200B}-\u{200F}\u{202A}-\u{202E} ]{0,12}",
        1 => proptest::sample::select(awkward_strings()),
    ]
}

#[test]
fn arbitrary_text_round_trips_through_a_party() {
    let (_dir, path, store) = new_store(Some("Acme"));
    let store = std::cell::RefCell::new(store);
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy =
        (text_strategy(), text_strategy(), text_strategy()).prop_map(|(name, needs, addressed)| {
            InterestedParty {
                name: non_blank(name),
                needs,
                addressed,
            }
        });
    let result = runner.run(&strategy, |party| {
        check_party_round_trip(&mut store.borrow_mut(), &party).map_err(TestCaseError::fail)
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    let store = store.into_inner();
    let len = log_len(&store);
    assert!(len > 64, "{len}");
    assert_eq!(store.verify_change_log().unwrap(), Ok(len as usize));
    drop(store);

    // The text also survives closing and reopening the file.
    let store = open(&path, OpenMode::MustExist);
    assert_eq!(store.verify_change_log().unwrap(), Ok(len as usize));
    assert!(store.list::<InterestedParty>().unwrap().len() >= 64);
}

#[test]
fn an_edit_from_a_stale_form_keeps_another_windows_change_to_other_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.sqlite3");
    let mut first = open(&path, create(Some("Acme")));
    first.set_actor("first");
    let reference = first
        .insert(&issue(
            IssueKind::External,
            "Supplier merger",
            "Review contracts",
        ))
        .unwrap();
    // The first window opens a form on the issue...
    let shown = first.get::<ContextIssue>(&reference).unwrap().unwrap();
    // ...while a second window changes its description.
    let mut second = open(&path, OpenMode::MustExist);
    second.set_actor("second");
    let mut theirs = shown.clone();
    theirs.description = "Supplier merger announced".into();
    assert_eq!(second.update(&reference, &theirs).unwrap(), 1);
    // The first window saves a change to the effect only.
    let mut mine = shown.clone();
    mine.effect = "Review contracts and access".into();
    assert_eq!(
        first.update_from(&reference, Some(&shown), &mine).unwrap(),
        1
    );
    let stored = first.get::<ContextIssue>(&reference).unwrap().unwrap();
    assert_eq!(
        stored.description, "Supplier merger announced",
        "the other window's change stays"
    );
    assert_eq!(stored.effect, "Review contracts and access");
    let history = first.history(&reference).unwrap();
    assert_eq!(
        (history[0].actor.as_str(), history[0].field.as_str()),
        ("first", "effect")
    );
    assert_eq!(
        (history[1].actor.as_str(), history[1].field.as_str()),
        ("second", "description")
    );
    assert!(first.verify_change_log().unwrap().is_ok());
}
