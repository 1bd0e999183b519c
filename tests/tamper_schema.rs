//! Tampering with a workspace file's schema or its change-log head behind the workbench's back,
//! as an attacker with nothing but SQL would, and what the real binary does about it: `isms
//! verify` exits 1 naming the damage in one sentence, and every other command refuses the file
//! with one sentence naming it and `isms verify`, leaving it byte for byte as it was.

mod workspace_files;
use workspace_files::{s, sidecars, text};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rusqlite::Connection;

fn isms(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("ISMS_ACTOR", "tamper-test")
        .env("ISMS_TODAY", "2026-11-28")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run isms")
}

fn demo(dir: &Path) -> PathBuf {
    let path = dir.join("demo.sqlite3");
    let out = isms(dir, &["demo", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

fn sql(path: &Path, statement: &str) {
    Connection::open(path)
        .unwrap()
        .execute_batch(statement)
        .unwrap();
}

fn assert_one_sentence(message: &str) {
    assert_eq!(message.lines().count(), 1, "{message:?}");
    assert!(message.trim_end().ends_with('.'), "{message:?}");
    assert!(!message.contains("panicked"), "{message:?}");
}

/// `isms verify` on a damaged file: exit 1, one sentence naming the file; the message.
fn verify_finds(dir: &Path, path: &Path) -> String {
    let before = fs::read(path).unwrap();
    let out = isms(dir, &["verify", "--db", s(path)]);
    let message = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{message}{}", text(&out.stdout));
    assert_one_sentence(&message);
    assert!(message.contains(s(path)), "{message}");
    assert_eq!(fs::read(path).unwrap(), before, "verify changed the file");
    message
}

/// Every command that opens the workspace refuses it: not 0, one sentence naming the file, the
/// damage and `isms verify`; the file byte for byte as it was, and nothing left beside it.
fn every_command_refuses(dir: &Path, path: &Path, damage: &str) {
    let csv = dir.join("assets.csv");
    fs::write(&csv, "Name\nLaptop\n").unwrap();
    let out_dir = dir.join("pack");
    let commands: [&[&str]; 6] = [
        &["status", "--db", s(path)],
        &["check", "--db", s(path)],
        &["snapshot", "--tab", "risks", "--db", s(path)],
        &["export", "--out", s(&out_dir), "--db", s(path)],
        &["import", "assets", s(&csv), "--db", s(path)],
        &["import", "assets", s(&csv), "--dry-run", "--db", s(path)],
    ];
    let before = fs::read(path).unwrap();
    for args in commands {
        let out = isms(dir, args);
        let message = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
        assert_one_sentence(&message);
        assert!(message.contains(s(path)), "{message}");
        assert!(message.contains(damage), "{args:?}: {message}");
        assert!(
            message.contains(&format!("run `isms verify --db {}`", s(path))),
            "{message}"
        );
        assert!(message.contains("nothing in it was changed"), "{message}");
        assert_eq!(fs::read(path).unwrap(), before, "{args:?} changed the file");
        assert!(sidecars(path).is_empty(), "{args:?}: {:?}", sidecars(path));
        assert!(!out_dir.exists(), "{args:?} exported a damaged file");
    }
}

/// The attack of issue 15: a trigger on the change log that rewrites a risk on every later
/// save. Nothing the workbench does runs with it in place.
#[test]
fn a_trigger_planted_on_the_change_log_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    sql(
        &path,
        "CREATE TRIGGER quietly AFTER INSERT ON change_log BEGIN
             UPDATE risk SET likelihood = 1, impact = 1; END;",
    );
    let message = verify_finds(dir.path(), &path);
    assert!(
        message.contains(
            "there is a trigger \"quietly\" on table change_log that the workbench did not make"
        ),
        "{message}"
    );
    every_command_refuses(
        dir.path(),
        &path,
        "trigger \"quietly\" on table change_log that the workbench did not make",
    );
}

#[test]
fn extra_views_and_tables_and_changed_tables_are_damage() {
    for (damage, named) in [
        (
            "CREATE VIEW all_risks AS SELECT * FROM risk;",
            "there is a view \"all_risks\" that the workbench did not make",
        ),
        (
            "CREATE TABLE shadow (ref TEXT);",
            "there is a table \"shadow\" that the workbench did not make",
        ),
        (
            "DROP INDEX risk_asset_by_target;",
            "the index \"risk_asset_by_target\" on table risk_asset that the workbench made is missing",
        ),
        (
            "ALTER TABLE soa_decision ADD COLUMN hidden TEXT;",
            "the table \"soa_decision\" is defined differently from how the workbench made it",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = demo(dir.path());
        sql(&path, damage);
        let message = verify_finds(dir.path(), &path);
        assert!(message.contains(named), "{damage}: {message}");
        every_command_refuses(dir.path(), &path, named);
    }
}

/// Deleting the whole log and its head, or the head table, or setting the head to another
/// entry: each is found by verify and refused on open.
#[test]
fn a_cut_or_missing_log_head_is_damage() {
    for (damage, named) in [
        (
            "DELETE FROM change_log; DELETE FROM change_log_head;",
            "the change log is empty, but the table workspace holds records",
        ),
        (
            "DROP TABLE change_log_head;",
            "the table \"change_log_head\" that the workbench made is missing",
        ),
        (
            "UPDATE change_log_head SET seq = seq + 5;",
            "are missing: the log was last written at entry",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = demo(dir.path());
        sql(&path, damage);
        let message = verify_finds(dir.path(), &path);
        assert!(message.contains(named), "{damage}: {message}");
        every_command_refuses(dir.path(), &path, named);
    }
}

/// Setting `user_version` back would make the next open migrate and seal whatever the file
/// holds; the schema then is not the one of the version it claims, so it is damage.
#[test]
fn a_version_set_back_is_damage_not_a_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    sql(&path, "PRAGMA user_version = 8;");
    let message = verify_finds(dir.path(), &path);
    assert!(
        message.contains("version number says 8 but its tables are those of schema 9"),
        "{message}"
    );
    let before = fs::read(&path).unwrap();
    // The import writes, so it would migrate: it is refused instead, and no copy is made.
    let csv = dir.path().join("assets.csv");
    fs::write(&csv, "Name\nLaptop\n").unwrap();
    let out = isms(dir.path(), &["import", "assets", s(&csv), "--db", s(&path)]);
    let refusal = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{refusal}");
    assert_one_sentence(&refusal);
    assert!(refusal.contains("run `isms verify --db"), "{refusal}");
    assert_eq!(fs::read(&path).unwrap(), before);
    let copies = fs::read_dir(dir.path())
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().contains(".before-v")
        })
        .count();
    assert_eq!(copies, 0);
}

/// Statistics made by `ANALYZE` only steer query plans: a file holding them is sound.
#[test]
fn statistics_are_not_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    sql(&path, "ANALYZE;");
    let out = isms(dir.path(), &["verify", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = isms(dir.path(), &["status", "--db", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
