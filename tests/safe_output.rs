//! Every message of every command is safe to print (issue 15, item 6), and a damaged value in
//! the file is named, never an internal message (item 7): the `isms` binary run on workspaces
//! whose text and values were made hostile, with the store or with SQL behind its back.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use isms::domain::risk::Risk;
use isms::domain::workspace::Workspace;
use isms::store::{OpenMode, Store};

/// An OSC 52 clipboard write, a screen clear and a right-to-left override.
const HOSTILE: &str = "\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{202e}";

/// The bytes that must never reach the terminal raw.
fn raw_in(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
    })
}

fn isms(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(args)
        .env_remove("ISMS_DB")
        .env("NO_COLOR", "1")
        .env("ISMS_ACTOR", "cli-test")
        // The day the test is written for, whatever the clock says.
        .env("ISMS_TODAY", "2026-11-28")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The demo written by the binary into `dir/name`.
fn demo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let output = isms(&["demo", "--db", path.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    path
}

/// The demo with the hostile text in the organisation's name and in the title of R-010,
/// which `isms check` quotes (it scores above the threshold with no treatment).
fn hostile_demo(dir: &Path) -> PathBuf {
    let path = demo(dir, "w.sqlite3");
    let mut store = Store::open(&path, OpenMode::MustExist).unwrap();
    let workspace = Workspace {
        organisation: format!("Org {HOSTILE}"),
        ..store.workspace().unwrap()
    };
    store.update_workspace(&workspace).unwrap();
    let risk = Risk {
        title: format!("Title {HOSTILE}\u{7f}\u{9b}\u{200f}"),
        ..store.get::<Risk>("R-010").unwrap().unwrap()
    };
    store.update("R-010", &risk).unwrap();
    path
}

#[test]
fn status_check_and_verify_print_escapes_never_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_demo(dir.path());
    let db = path.to_str().unwrap();

    let status = isms(&["status", "--db", db]);
    assert!(status.status.success(), "{status:?}");
    let out = text(&status.stdout);
    assert!(
        out.contains("\\u{1b}]52;c;SGVsbG8=\\u{7}\\u{1b}[2J\\u{202e}"),
        "{out}"
    );
    assert_eq!(raw_in(&out), None, "{out:?}");

    let check = isms(&["check", "--db", db]);
    let out = text(&check.stdout);
    assert!(out.contains("Title \\u{1b}]52"), "{out}");
    assert_eq!(raw_in(&out), None, "{out:?}");

    // The log's entry names a record whose reference is the hostile text: verify quotes it.
    let broken = dir.path().join("broken.sqlite3");
    std::fs::copy(&path, &broken).unwrap();
    let conn = rusqlite::Connection::open(&broken).unwrap();
    conn.execute(
        "UPDATE change_log SET record = ?1 WHERE seq = 5",
        [format!("R {HOSTILE}")],
    )
    .unwrap();
    drop(conn);
    let verify = isms(&["verify", "--db", broken.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(1), "{verify:?}");
    let err = text(&verify.stderr);
    assert!(err.contains("entry 5"), "{err}");
    assert!(err.contains("\\u{1b}]52;c;SGVsbG8=\\u{7}"), "{err}");
    assert_eq!(raw_in(&err), None, "{err:?}");
    assert_eq!(raw_in(&text(&verify.stdout)), None);
}

#[test]
fn check_json_is_valid_json_with_the_text_exact_and_nothing_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile_demo(dir.path());
    let output = isms(&["check", "--format", "json", "--db", path.to_str().unwrap()]);
    let out = text(&output.stdout);
    assert_eq!(raw_in(&out), None, "{out:?}");
    let findings: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let title = format!("Title {HOSTILE}\u{7f}\u{9b}\u{200f}");
    let quoted = findings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .find(|m| m.contains("Title "))
        .expect("a finding quotes R-010's title");
    // The finding's message quotes the title as the domain writes it; the JSON carries that
    // message exactly, every character of it.
    assert!(
        quoted.contains(&format!("{title:?}")) || quoted.contains(&title),
        "{quoted:?}"
    );
    assert!(out.contains("\\u202e") && out.contains("\\u007f"), "{out}");
}

#[test]
fn import_errors_print_escapes_never_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("a.csv");
    std::fs::write(&csv, format!("Name,Kind,Owner\nLedger,{HOSTILE}bad,Ana\n")).unwrap();
    let new = dir.path().join("new.sqlite3");
    let output = isms(&[
        "import",
        "assets",
        csv.to_str().unwrap(),
        "--db",
        new.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let err = text(&output.stderr);
    assert!(err.contains("\\u{1b}]52;c;SGVsbG8=\\u{7}"), "{err}");
    assert_eq!(raw_in(&err), None, "{err:?}");
}

/// Each way another program can damage a value: text that is not UTF-8, and binary data, in a
/// record's column and in a change-log entry.
const DAMAGE: [(&str, &str); 4] = [
    (
        "UPDATE risk SET title = CAST(x'ff' AS TEXT) WHERE ref = 'R-003'",
        "record R-003 is damaged: column title of table risk holds text that is not valid UTF-8",
    ),
    (
        "UPDATE risk SET title = x'00ff' WHERE ref = 'R-003'",
        "record R-003 is damaged: column title of table risk holds binary data",
    ),
    (
        "UPDATE change_log SET new = CAST(x'ff' AS TEXT) WHERE seq = 7",
        "change-log entry 7 is damaged: column new of table change_log holds text that is not valid UTF-8",
    ),
    (
        "UPDATE change_log SET new = x'00ff' WHERE seq = 7",
        "change-log entry 7 is damaged: column new of table change_log holds binary data",
    ),
];

fn damaged(dir: &Path, index: usize, sql: &str) -> PathBuf {
    let path = demo(dir, &format!("damaged-{index}.sqlite3"));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    path
}

#[test]
fn verify_names_the_damaged_value_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    for (index, (sql, named)) in DAMAGE.iter().enumerate() {
        let path = damaged(dir.path(), index, sql);
        let output = isms(&["verify", "--db", path.to_str().unwrap()]);
        let err = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{sql}: {err}");
        assert!(err.contains(named), "{sql}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains("index"), "an internal message: {err}");
    }
}

/// The export reads the change log for `workspace.json`: a damaged entry is named by its number.
#[test]
fn export_names_a_damaged_change_log_entry() {
    let dir = tempfile::tempdir().unwrap();
    for (index, (sql, named)) in DAMAGE.iter().enumerate().skip(2) {
        let path = damaged(dir.path(), index, sql);
        let out = dir.path().join(format!("pack-{index}"));
        let output = isms(&[
            "export",
            "--out",
            out.to_str().unwrap(),
            "--db",
            path.to_str().unwrap(),
        ]);
        let err = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains(named), "{sql}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn every_command_that_reads_a_damaged_record_names_it_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    for (index, (sql, named)) in DAMAGE.iter().enumerate().take(2) {
        let path = damaged(dir.path(), index, sql);
        let db = path.to_str().unwrap();
        let out = dir.path().join(format!("pack-{index}"));
        for args in [
            vec!["status", "--db", db],
            vec!["check", "--db", db],
            vec!["check", "--format", "json", "--db", db],
            vec!["export", "--out", out.to_str().unwrap(), "--db", db],
            vec!["snapshot", "--tab", "risks", "--db", db],
            vec!["snapshot", "--tab", "overview", "--db", db],
        ] {
            let output = isms(&args);
            let err = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.starts_with(&format!("isms: {db}: {named}")),
                "{args:?}: {err}"
            );
            assert!(err.contains("isms verify"), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        }
    }
}

/// The workbench names a record damaged behind its back when a tab reads it, on its status
/// line, and keeps running.
#[test]
fn the_workbench_names_a_damaged_record_when_a_tab_reads_it() {
    let mut harness = common::Harness::new(true, '2');
    let conn = rusqlite::Connection::open(harness.store().path()).unwrap();
    conn.execute_batch("UPDATE risk SET title = x'00ff' WHERE ref = 'R-003'")
        .unwrap();
    drop(conn);
    harness.key(ratatui::crossterm::event::KeyCode::Char('3'));
    let screen = harness.screen(200, 40);
    assert!(
        screen.contains("record R-003 is damaged: column title of table risk"),
        "{screen}"
    );
}
