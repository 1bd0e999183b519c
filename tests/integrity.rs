//! `isms verify` and `isms backup` run as plain commands: what they detect, what they write,
//! and that a backup taken while another process writes is a sound workspace.

mod workspace_files;
use workspace_files::{fixture, isms, s, text};

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use isms::domain::scope::{ContextIssue, IssueKind};
use isms::store::{OpenMode, Store};
use rusqlite::Connection;

/// Exactly one line, one sentence, no panic or backtrace.
fn assert_one_sentence(message: &str) {
    assert_eq!(message.lines().count(), 1, "{message:?}");
    assert!(message.trim_end().ends_with('.'), "{message:?}");
    assert!(!message.contains("panicked"), "{message:?}");
    assert!(!message.contains("backtrace"), "{message:?}");
}

fn demo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = isms(dir, &["demo", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

/// Runs `isms verify` on a file that must be found damaged; returns the message.
fn damaged(dir: &Path, path: &Path) -> String {
    let before = fs::read(path).unwrap();
    let out = isms(dir, &["verify", "--db", s(path)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let message = text(&out.stderr);
    assert_one_sentence(&message);
    assert!(message.contains(s(path)), "{message}");
    assert_eq!(fs::read(path).unwrap(), before, "verify changed the file");
    message
}

fn sql(path: &Path, statement: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(statement).unwrap();
}

#[test]
fn verify_says_ok_with_the_number_of_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let entries: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    let before = fs::read(&path).unwrap();
    let out = isms(dir.path(), &["verify", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let message = text(&out.stdout);
    assert_one_sentence(&message);
    assert!(
        message.contains(&format!("all {entries} change-log entries verify")),
        "{message}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    for suffix in ["-wal", "-shm"] {
        assert!(!dir.path().join(format!("demo.sqlite3{suffix}")).exists());
    }
}

#[test]
fn verify_names_the_first_entry_whose_value_was_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let (record, field): (String, String) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT record, field FROM change_log WHERE seq = 40",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    sql(
        &path,
        "UPDATE change_log SET new = 'forged' WHERE seq = 40;
         UPDATE change_log SET new = 'forged too' WHERE seq = 90;",
    );
    let message = damaged(dir.path(), &path);
    assert!(message.contains("entry 40"), "{message}");
    assert!(message.contains(&format!("record {record}")), "{message}");
    assert!(message.contains(&format!("field {field}")), "{message}");
    assert!(message.contains("does not match its hash"), "{message}");
}

#[test]
fn verify_detects_a_deleted_middle_entry_and_a_forged_actor() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    sql(&path, "DELETE FROM change_log WHERE seq = 25");
    let message = damaged(dir.path(), &path);
    assert!(message.contains("entry 26"), "{message}");
    assert!(message.contains("entry 25 is missing"), "{message}");

    let path = demo(dir.path(), "actor.sqlite3");
    sql(
        &path,
        "UPDATE change_log SET actor = 'someone else' WHERE seq = 3",
    );
    assert!(damaged(dir.path(), &path).contains("entry 3"));

    // A rewritten entry with a recomputed hash still breaks the next entry's link.
    let path = demo(dir.path(), "relinked.sqlite3");
    sql(
        &path,
        // Always a different first byte, whatever the hash was (it depends on the time).
        "UPDATE change_log
         SET hash = CASE WHEN substr(hash, 1, 2) = '00' THEN 'ff' ELSE '00' END || substr(hash, 3)
         WHERE seq = 7",
    );
    assert!(damaged(dir.path(), &path).contains("entry 7"));
}

#[test]
fn verify_detects_entries_removed_from_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let last: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT max(seq) FROM change_log", [], |r| r.get(0))
        .unwrap();
    // What is left is a chain that verifies on its own; the head says more was written.
    sql(
        &path,
        &format!("DELETE FROM change_log WHERE seq > {}", last - 3),
    );
    let message = damaged(dir.path(), &path);
    assert!(
        message.contains(&format!("entries {} to {last} are missing", last - 2)),
        "{message}"
    );
}

#[test]
fn verify_detects_damaged_pages() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let mut bytes = fs::read(&path).unwrap();
    let page_size = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    let page_size = if page_size == 1 { 65536 } else { page_size };
    let pages = bytes.len() / page_size;
    assert!(pages > 20);
    // Scribble over the middle of a run of pages (not page 1, which holds the header).
    for page in [pages / 3, pages / 2, 2 * pages / 3] {
        let start = page * page_size;
        for (i, byte) in bytes[start..start + page_size].iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(37) ^ 0x5a;
        }
    }
    fs::write(&path, &bytes).unwrap();
    let message = damaged(dir.path(), &path);
    assert!(
        message.contains("damaged") || message.contains("not a SQLite database"),
        "{message}"
    );
}

#[test]
fn verify_checks_an_older_schema_without_migrating_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    fs::copy(fixture(1), &path).unwrap();
    let before = fs::read(&path).unwrap();
    let out = isms(dir.path(), &["verify", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("(schema 1)"));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_backup_is_a_private_new_workspace_that_opens_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let copy = dir.path().join("copy.sqlite3");
    let out = isms(dir.path(), &["backup", "--db", s(&path), "--to", s(&copy)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_one_sentence(&text(&out.stdout));
    assert_eq!(
        fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let status = isms(dir.path(), &["status", "--db", s(&copy)]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let original = isms(dir.path(), &["status", "--db", s(&path)]);
    assert_eq!(text(&status.stdout), text(&original.stdout));
    let verify = isms(dir.path(), &["verify", "--db", s(&copy)]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
}

#[test]
fn a_backup_never_replaces_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let existing = dir.path().join("existing.txt");
    fs::write(&existing, "keep me").unwrap();
    let out = isms(
        dir.path(),
        &["backup", "--db", s(&path), "--to", s(&existing)],
    );
    assert_eq!(out.status.code(), Some(2));
    let message = text(&out.stderr);
    assert_one_sentence(&message);
    assert!(message.contains("already exists"), "{message}");
    assert_eq!(fs::read_to_string(&existing).unwrap(), "keep me");

    // A folder that is not there is one sentence naming the file asked for.
    let nowhere = dir.path().join("no-such-folder").join("copy.sqlite3");
    let out = isms(
        dir.path(),
        &["backup", "--db", s(&path), "--to", s(&nowhere)],
    );
    assert_eq!(out.status.code(), Some(2));
    let message = text(&out.stderr);
    assert_one_sentence(&message);
    assert!(
        message.contains(&format!("{}: could not be written", s(&nowhere))),
        "{message}"
    );

    // Nor is a missing source turned into an empty workspace.
    let missing = dir.path().join("missing.sqlite3");
    let out = isms(
        dir.path(),
        &[
            "backup",
            "--db",
            s(&missing),
            "--to",
            s(&dir.path().join("x")),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&text(&out.stderr));
    assert!(!missing.exists());
    assert!(!dir.path().join("x").exists());
}

#[test]
fn a_backup_taken_while_another_writer_writes_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "busy.sqlite3");
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let path = path.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut store = Store::open_as(&path, OpenMode::MustExist, "writer").unwrap();
            let mut written = 0u32;
            while !stop.load(Ordering::Relaxed) || written < 20 {
                store
                    .insert(&ContextIssue {
                        kind: IssueKind::Internal,
                        description: format!("Written during a backup {written}"),
                        effect: "x".repeat(2000),
                    })
                    .unwrap();
                written += 1;
            }
            written
        })
    };
    let mut copies = Vec::new();
    for n in 0..4 {
        let copy = dir.path().join(format!("copy-{n}.sqlite3"));
        let out = isms(dir.path(), &["backup", "--db", s(&path), "--to", s(&copy)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        copies.push(copy);
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written >= 20);

    let mut counts = Vec::new();
    for copy in &copies {
        let verify = isms(dir.path(), &["verify", "--db", s(copy)]);
        assert!(verify.status.success(), "{}", text(&verify.stderr));
        let conn = Connection::open(copy).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        // Every issue in the copy has its change-log rows in the copy, and no more.
        let issues: i64 = conn
            .query_row(
                "SELECT count(*) FROM context_issue WHERE description LIKE 'Written during%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let created: i64 = conn
            .query_row(
                "SELECT count(DISTINCT record) FROM change_log
                 WHERE operation = 'create' AND new LIKE 'Written during%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(issues, created, "{}", copy.display());
        counts.push(issues);
    }
    assert!(
        counts.windows(2).all(|w| w[0] <= w[1]),
        "later copies hold no fewer rows: {counts:?}"
    );
}
