//! `--presentation` on the command line: `isms snapshot` draws the tab as presented.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use isms::domain::risk::Risk;
use isms::store::{OpenMode, Store};

fn isms(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("NO_COLOR", "1")
        // The day the test is written for, whatever the clock says.
        .env("ISMS_TODAY", "2026-11-28")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .expect("run isms")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn snapshot_with_presentation_hides_the_vulnerability_and_says_presenting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();
    stdout(&isms(dir.path(), &["demo", "--db", db]));
    let store = Store::open(Path::new(db), OpenMode::MustExist).unwrap();
    let first = store.get::<Risk>("R-001").unwrap().unwrap();
    // The start of the vulnerability fits on the detail pane's first line.
    let secret: String = first.vulnerability.chars().take(24).collect();
    assert!(!secret.trim().is_empty());
    drop(store);

    let args = [
        "snapshot", "--tab", "risks", "--width", "160", "--height", "48",
    ];
    let plain = stdout(&isms(dir.path(), &[&args[..], &["--db", db]].concat()));
    assert!(plain.contains(&secret), "{plain}");
    assert!(!plain.contains("PRESENTING"), "{plain}");

    let presenting = stdout(&isms(
        dir.path(),
        &[&args[..], &["--db", db, "--presentation"]].concat(),
    ));
    assert!(presenting.contains("PRESENTING"), "{presenting}");
    assert!(!presenting.contains(&secret), "{presenting}");
    assert!(
        presenting.contains("(confidential: hidden while presenting)"),
        "{presenting}"
    );
    let medium = stdout(&isms(
        dir.path(),
        &[
            "--presentation",
            "snapshot",
            "--tab",
            "3",
            "--width",
            "120",
            "--height",
            "36",
            "--db",
            db,
        ],
    ));
    assert_eq!(medium.lines().count(), 36);
    insta::assert_snapshot!(
        "snapshot_risks_presentation_120x36",
        medium.replace(db, "[workspace]")
    );
}
