//! The tamper suite: each attack the issue tried with nothing but an SQLite shell, run on the
//! demo workspace, and `isms verify` must name it (exit 1, one sentence, file unchanged).
//! Changes to the log itself are in `integrity.rs`; changes to the schema in `tamper_schema.rs`.

mod workspace_files;
use workspace_files::{isms, s, text};

use std::fs;
use std::path::{Path, PathBuf};

use isms::store::{OpenMode, Store};
use rusqlite::Connection;

fn demo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = isms(dir, &["demo", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

fn sql(path: &Path, statement: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(statement).unwrap();
}

fn one<T: rusqlite::types::FromSql>(path: &Path, query: &str) -> T {
    Connection::open(path)
        .unwrap()
        .query_row(query, [], |row| row.get(0))
        .unwrap()
}

/// `isms verify` on a tampered copy of the demo: exit 1, one sentence naming every part of
/// `expected`, the file left as it was.
fn found(attack: &str, expected: &[&str]) -> String {
    found_after(|_| {}, attack, expected)
}

/// [`found`], with `setup` run on the demo (through the workbench's store) before the attack.
fn found_after(setup: impl FnOnce(&Path), attack: &str, expected: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    setup(&path);
    sql(&path, attack);
    let before = fs::read(&path).unwrap();
    let out = isms(dir.path(), &["verify", "--db", s(&path)]);
    let message = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{attack}: {message}{}",
        text(&out.stdout)
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    for part in expected {
        assert!(
            message.contains(part),
            "{attack}: {part:?} not in {message}"
        );
    }
    assert_eq!(fs::read(&path).unwrap(), before, "verify changed the file");
    message
}

#[test]
fn the_untouched_demo_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let out = isms(dir.path(), &["verify", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("replaying them gives every record"));
}

#[test]
fn a_risk_score_changed_in_its_table_is_named() {
    found(
        "UPDATE risk SET likelihood = CASE likelihood WHEN 1 THEN 2 ELSE 1 END WHERE ref = 'R-001'",
        &[
            "table risk",
            "record R-001",
            "field likelihood",
            "changed outside the workbench",
        ],
    );
}

#[test]
fn a_risk_deleted_with_its_links_is_named() {
    found(
        "DELETE FROM risk_asset WHERE owner = 'R-002';
         DELETE FROM risk_control WHERE owner = 'R-002';
         DELETE FROM risk WHERE ref = 'R-002';",
        &[
            "record R-002 is in the change log but in no table",
            "outside the workbench",
        ],
    );
}

#[test]
fn a_record_added_behind_the_workbench_is_named() {
    found(
        "INSERT INTO context_issue (ref, kind, description) VALUES ('ISS-900', 'internal', 'x')",
        &["table context_issue", "record ISS-900", "never created"],
    );
}

#[test]
fn a_link_added_or_removed_is_named() {
    found(
        "DELETE FROM risk_control WHERE rowid = (SELECT min(rowid) FROM risk_control)",
        &["table risk_control", "field controls"],
    );
}

#[test]
fn an_soa_decision_changed_is_named() {
    found(
        "UPDATE soa_decision SET justification = justification || ' (edited)' WHERE ref = '5.1'",
        &["table soa_decision", "record 5.1", "field justification"],
    );
}

#[test]
fn the_organisation_renamed_is_named() {
    found(
        "UPDATE workspace SET organisation = 'Someone Else Ltd'",
        &[
            "table workspace",
            "record WS",
            "field organisation",
            "Someone Else Ltd",
        ],
    );
}

#[test]
fn confidentiality_marks_deleted_are_named() {
    let mark = |path: &Path| {
        let mut store = Store::open(path, OpenMode::MustExist).unwrap();
        store
            .set_confidential("R-001", "description", true)
            .unwrap();
    };
    found_after(
        mark,
        "DELETE FROM confidential_field",
        &["record CF-", "in no table"],
    );
    found(
        "INSERT INTO confidential_field (ref, record, field, confidential)
         VALUES ('CF-900', 'R-001', 'description', 0)",
        &["table confidential_field", "record CF-900", "never created"],
    );
}

#[test]
fn a_frozen_soa_version_changed_is_named() {
    found(
        "UPDATE soa_version_row SET applicability = 'no', justification = 'never'
         WHERE control = '8.24'",
        &["table soa_version_row", "control 8.24"],
    );
}

#[test]
fn the_catalogue_changed_is_named() {
    found(
        "UPDATE control SET title = 'Something else' WHERE id = '5.15'",
        &["table control", "row 5.15", "field title", "catalogue"],
    );
}

#[test]
fn a_counter_set_back_is_named() {
    found(
        "UPDATE ref_counter SET last = 1 WHERE prefix = 'R'",
        &["table ref_counter", "series R", "reference already used"],
    );
}

#[test]
fn the_whole_log_deleted_beside_the_records_is_damage() {
    found(
        "DELETE FROM change_log; DELETE FROM change_log_head;",
        &["broken at entry 1", "the change log is empty"],
    );
}

#[test]
fn a_log_rewritten_to_agree_with_an_edit_still_fails_its_chain_or_replay() {
    // Changing both the record and its last log entry's value breaks the chain.
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    let seq: i64 = one(
        &path,
        "SELECT max(seq) FROM change_log WHERE record = 'WS' AND field = 'organisation'",
    );
    sql(
        &path,
        &format!(
            "UPDATE workspace SET organisation = 'Forged';
             UPDATE change_log SET new = 'Forged' WHERE seq = {seq};"
        ),
    );
    let out = isms(dir.path(), &["verify", "--db", s(&path)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!("entry {seq}")),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_table_the_workbench_does_not_keep_is_named() {
    // The schema check finds it first; the replay would too (see store::replay's tests).
    found(
        "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hidden')",
        &["table \"notes\"", "did not make"],
    );
}

#[test]
fn a_record_moved_in_the_order_of_its_table_is_named() {
    found(
        "UPDATE risk SET id = 99999 WHERE ref = 'R-001'",
        &[
            "table risk",
            "record R-001",
            "field id",
            "order was changed outside the workbench",
        ],
    );
}

#[test]
fn a_version_number_set_back_is_named_as_such_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    sql(&path, "PRAGMA user_version = 8");
    let before = fs::read(&path).unwrap();
    for args in [vec!["verify"], vec!["status"], vec!["check"]] {
        let mut args = args;
        args.extend(["--db", s(&path)]);
        let out = isms(dir.path(), &args);
        let message = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            message.contains("version number says 8 but its tables are those of schema 9"),
            "{args:?}: {message}"
        );
    }
    assert_eq!(fs::read(&path).unwrap(), before);
}

/// A pack is never sealed over damage: the export refuses, names it, and writes nothing.
#[test]
fn the_export_refuses_to_seal_a_tampered_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), "demo.sqlite3");
    sql(&path, "UPDATE workspace SET organisation = 'Evil Corp'");
    let out_dir = dir.path().join("pack");
    let out = isms(
        dir.path(),
        &["export", "--db", s(&path), "--out", s(&out_dir)],
    );
    let message = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("record WS, field organisation"),
        "{message}"
    );
    assert!(message.contains("no pack was written"), "{message}");
    assert!(!out_dir.exists(), "nothing is left behind");
    let staging: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(staging.is_empty());
}
