//! `workspace.json` and `isms import workspace`: the export is complete and deterministic, an
//! import into a new file exports the same bytes again, and every bad file is refused in one
//! sentence that names the place, leaving nothing behind.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use isms::demo::write_demo_on;
use isms::domain::asset::{Asset, AssetKind};
use isms::domain::dates::{self, Date};
use isms::export::{self, workspace_json};
use isms::import::workspace::{self, Outcome};
use isms::store::{Cell, OpenMode, Store, SCHEMA_VERSION};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACTOR: &str = "json-test";

fn today() -> Date {
    dates::parse("2026-11-28").unwrap()
}

fn open(path: &Path) -> Store {
    let mut store = Store::open_as(path, OpenMode::Create { organisation: None }, ACTOR).unwrap();
    store.set_fixed_time("2026-11-28T09:00:00Z");
    store
}

/// The demo organisation, written into a new file in `dir`.
fn demo(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("demo.sqlite3");
    let mut store = open(&path);
    write_demo_on(&mut store, today()).unwrap();
    (path, store)
}

fn json_of(store: &Store) -> Vec<u8> {
    workspace_json::render(&store.dump().unwrap()).unwrap()
}

/// The demo's `workspace.json`, made once per test binary.
fn demo_json() -> &'static [u8] {
    static JSON: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        json_of(&demo(dir.path()).1)
    })
}

/// The file names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, found: &mut Vec<(String, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, found);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_str().unwrap();
                found.push((relative.to_string(), fs::read(&path).unwrap()));
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, dir, &mut found);
    found.sort();
    found
}

// --- the binary ----------------------------------------------------------------------------

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    fn success(&self) -> &str {
        assert_eq!(self.code, Some(0), "{}", self.describe());
        &self.stdout
    }

    /// Exit 2 and one line on standard error, `isms: ...`, without a panic or backtrace.
    fn refusal(&self) -> &str {
        assert_eq!(self.code, Some(2), "{}", self.describe());
        assert!(self.stdout.is_empty(), "{}", self.describe());
        let line = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(!line.contains('\n'), "one line: {}", self.describe());
        assert!(line.starts_with("isms: "), "{}", self.describe());
        for word in ["panicked", "backtrace", "RUST_BACKTRACE", "Caused by"] {
            assert!(!line.contains(word), "{word:?} in {}", self.describe());
        }
        line
    }
}

fn isms(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home/data"))
        .env("ISMS_ACTOR", "cli-test")
        .env("NO_COLOR", "1")
        // The day the test is written for, whatever the clock says.
        .env("ISMS_TODAY", "2026-11-28")
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

// --- export --------------------------------------------------------------------------------

#[test]
fn workspace_json_holds_every_table_in_order_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = demo(dir.path());
    let bytes = json_of(&store);
    assert_eq!(bytes, json_of(&store), "the same workspace, the same bytes");
    drop(store);
    let reopened = Store::open_as(&path, OpenMode::MustExist, "someone else").unwrap();
    assert_eq!(
        bytes,
        json_of(&reopened),
        "opening it again changes nothing"
    );

    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with(&format!(
        "{{\n  \"format\": \"isms-workbench-workspace\",\n  \"schema_version\": {SCHEMA_VERSION},\n  \"tables\": {{\n    \"asset\": [\n      {{\n        \"id\": 1,\n        \"ref\": \"A-001\",\n"
    )), "{}", &text[..300]);
    assert!(text.ends_with("\n  }\n}\n"));

    // Every table of the file, the change log and reference counters included, by name; but
    // not the drafts of unsaved text, which are not edits and are never exported.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'
               AND name <> 'draft'
             ORDER BY name",
        )
        .unwrap();
    let tables: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|line| {
            line.strip_prefix("    \"")?
                .split_once("\": [")
                .map(|(k, _)| k)
        })
        .collect();
    assert_eq!(keys, tables);
    for table in [
        "change_log",
        "ref_counter",
        "control",
        "clause",
        "milestone",
    ] {
        assert!(keys.contains(&table), "{table}");
    }

    // Rows in key order, values typed as stored.
    let value: Value = serde_json::from_str(&text).unwrap();
    let log = value["tables"]["change_log"].as_array().unwrap();
    let seqs: Vec<i64> = log.iter().map(|row| row["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] + 1 == w[1]), "by sequence");
    assert_eq!(seqs.len() as i64, reopened.change_log_len().unwrap());
    assert_eq!(
        value["tables"]["risk"][0]["residual_likelihood"],
        reopened_value(
            &conn,
            "SELECT residual_likelihood FROM risk ORDER BY id LIMIT 1"
        )
    );
    let measurement = &value["tables"]["measurement"][0]["value"];
    assert!(measurement.is_f64(), "a real stays a real: {measurement}");
    assert!(text.contains("\n        \"value\": "));
}

fn reopened_value(conn: &rusqlite::Connection, sql: &str) -> Value {
    let value: rusqlite::types::Value = conn.query_row(sql, [], |row| row.get(0)).unwrap();
    match value {
        rusqlite::types::Value::Null => Value::Null,
        rusqlite::types::Value::Integer(n) => json!(n),
        rusqlite::types::Value::Real(x) => json!(x),
        rusqlite::types::Value::Text(t) => json!(t),
        rusqlite::types::Value::Blob(_) => panic!("no blobs"),
    }
}

#[test]
fn a_table_added_later_is_carried_without_a_change_to_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    // The table stands for one a later migration adds. Added by hand, it is one the workbench
    // did not make, and opening the file would refuse it; so it is added beside the open store.
    let store = open(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE zz_later (code TEXT PRIMARY KEY, weight REAL, note TEXT);
         INSERT INTO zz_later VALUES ('b', 2, NULL), ('a', 0.5, 'first by key');",
    )
    .unwrap();
    drop(conn);
    let text = String::from_utf8(json_of(&store)).unwrap();
    assert!(
        text.ends_with(
            "    \"zz_later\": [\n      {\n        \"code\": \"a\",\n        \"weight\": 0.5,\n        \"note\": \"first by key\"\n      },\n      {\n        \"code\": \"b\",\n        \"weight\": 2.0,\n        \"note\": null\n      }\n    ]\n  }\n}\n"
        ),
        "{}",
        &text[text.len() - 400..]
    );
}

#[test]
fn the_pack_carries_workspace_json_and_seals_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path());
    let out = dir.path().join("pack");
    let written = export::export(&store, &out, false, today()).unwrap();
    let n = written.len();
    assert_eq!(
        written[n - 4..],
        ["report.html", "workspace.json", "README.md", "SHA256SUMS"]
    );
    assert_eq!(
        fs::read(out.join("workspace.json")).unwrap(),
        json_of(&store)
    );
    let seal = fs::read_to_string(out.join("SHA256SUMS")).unwrap();
    assert!(seal.contains("  workspace.json\n"), "{seal}");
    let readme = fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        readme.contains("| `workspace.json` | The whole workspace"),
        "{readme}"
    );
}

// --- the round trip ------------------------------------------------------------------------

#[test]
fn an_imported_workspace_exports_the_same_pack_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path());
    let first = dir.path().join("first");
    export::export(&store, &first, false, today()).unwrap();

    let restored = dir.path().join("restored.sqlite3");
    let outcome = workspace::run(&first.join("workspace.json"), &restored, false, ACTOR).unwrap();
    let Outcome::Imported(summary) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(summary.changes as i64, store.change_log_len().unwrap());
    assert_eq!(mode(&restored), 0o600);
    assert!(
        !names(dir.path())
            .iter()
            .any(|name| name.contains("partial")),
        "no temporary file is left"
    );

    let restored = Store::open_as(&restored, OpenMode::MustExist, ACTOR).unwrap();
    assert_eq!(
        restored.verify_change_log().unwrap(),
        store.verify_change_log().unwrap(),
        "the chain verifies, and the import added no entry"
    );
    let second = dir.path().join("second");
    export::export(&restored, &second, false, today()).unwrap();
    let (first, second) = (files_under(&first), files_under(&second));
    assert_eq!(
        first.iter().map(|f| &f.0).collect::<Vec<_>>(),
        second.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{path} differs after the round trip");
    }
}

#[test]
fn the_climate_decision_travels_in_workspace_json() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = demo(dir.path());
    let workspace = isms::domain::workspace::Workspace {
        climate_relevant: Some(false),
        climate_note: "Offices and hosting are not exposed.\nReviewed yearly.".into(),
        ..store.workspace().unwrap()
    };
    store.update_workspace(&workspace).unwrap();
    let json: Value = serde_json::from_slice(&json_of(&store)).unwrap();
    let row = &json["tables"]["workspace"][0];
    assert_eq!(row["climate_relevant"], json!("no"));
    assert_eq!(
        row["climate_note"],
        json!("Offices and hosting are not exposed.\nReviewed yearly.")
    );

    let file = dir.path().join("ws.json");
    fs::write(&file, json_of(&store)).unwrap();
    let restored = dir.path().join("restored.sqlite3");
    let outcome = workspace::run(&file, &restored, false, ACTOR).unwrap();
    assert!(matches!(outcome, Outcome::Imported(_)), "{outcome:?}");
    let restored = Store::open_as(&restored, OpenMode::MustExist, ACTOR).unwrap();
    assert_eq!(restored.workspace().unwrap(), workspace);

    // A value the schema does not allow is refused, naming the place.
    let bad = changed(|v| v["tables"]["workspace"][0]["climate_relevant"] = json!("maybe"));
    let bad_file = dir.path().join("bad.json");
    fs::write(&bad_file, bad).unwrap();
    let error = workspace::run(&bad_file, &dir.path().join("bad.sqlite3"), false, ACTOR)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("workspace") && error.contains("climate_relevant"),
        "{error}"
    );
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_command_line_round_trip_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    isms(d, &["demo", "--db", "demo.sqlite3"]).success();
    isms(d, &["export", "--db", "demo.sqlite3", "--out", "one"]).success();
    let stdout = isms(
        d,
        &[
            "import",
            "workspace",
            "one/workspace.json",
            "--db",
            "new.sqlite3",
        ],
    )
    .success()
    .to_string();
    assert!(
        stdout.starts_with("Created the workspace new.sqlite3 from one/workspace.json: ")
            && stdout.ends_with(" change-log entries whose hash chain verifies.\n"),
        "{stdout}"
    );
    isms(d, &["export", "--db", "new.sqlite3", "--out", "two"]).success();
    let (one, two) = (
        fs::read(d.join("one/workspace.json")).unwrap(),
        fs::read(d.join("two/workspace.json")).unwrap(),
    );
    assert!(one == two, "workspace.json differs after the round trip");

    // Into a file that exists, never: whatever it holds, it is left as it was.
    let before = fs::read(d.join("new.sqlite3")).unwrap();
    let line = isms(
        d,
        &[
            "import",
            "workspace",
            "one/workspace.json",
            "--db",
            "new.sqlite3",
        ],
    )
    .refusal()
    .to_string();
    assert_eq!(
        line,
        "isms: new.sqlite3: already exists; a workspace.json is imported only into a new \
         workspace file, so that nothing is overwritten: name a new one with --db FILE."
    );
    assert!(fs::read(d.join("new.sqlite3")).unwrap() == before);
}

#[test]
fn a_dry_run_checks_everything_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("workspace.json"), demo_json()).unwrap();
    let stdout = isms(
        d,
        &[
            "import",
            "workspace",
            "workspace.json",
            "--db",
            "new.sqlite3",
            "--dry-run",
        ],
    )
    .success()
    .to_string();
    assert!(
        stdout.starts_with("Dry run: workspace.json holds ")
            && stdout.ends_with(
                " whose hash chain verifies and would make the new workspace new.sqlite3; \
                 nothing was changed.\n"
            ),
        "{stdout}"
    );
    assert_eq!(names(d), ["workspace.json"], "no file made, none left");

    // An editor's byte-order mark in front is not an error.
    fs::write(
        d.join("workspace.json"),
        [b"\xef\xbb\xbf", demo_json()].concat(),
    )
    .unwrap();
    isms(
        d,
        &[
            "import",
            "workspace",
            "workspace.json",
            "--db",
            "new.sqlite3",
            "--dry-run",
        ],
    )
    .success();
    assert_eq!(names(d), ["workspace.json"]);

    // A dry run finds what only the database can: a row its rules refuse.
    let mut value: Value = serde_json::from_slice(demo_json()).unwrap();
    value["tables"]["risk"][0]["status"] = json!("forgotten");
    fs::write(d.join("workspace.json"), value.to_string()).unwrap();
    let line = isms(
        d,
        &[
            "import",
            "workspace",
            "workspace.json",
            "--db",
            "new.sqlite3",
            "--dry-run",
        ],
    )
    .refusal()
    .to_string();
    assert!(
        line.contains("table risk, row 1, column status: "),
        "{line}"
    );
    assert_eq!(names(d), ["workspace.json"]);
}

// --- refusals ------------------------------------------------------------------------------

/// The demo's workspace.json changed by `change`.
fn changed(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(demo_json()).unwrap();
    change(&mut value);
    serde_json::to_vec_pretty(&value).unwrap()
}

#[test]
fn every_bad_file_is_refused_in_one_sentence_that_names_the_place() {
    let newer = format!("bad.json: was exported by a newer version of ISMS Workbench (schema {}; this build knows up to {SCHEMA_VERSION}), so import it with that version; nothing was imported.", SCHEMA_VERSION + 1);
    let older = format!("bad.json: was exported from a schema {} workspace and this build imports schema {SCHEMA_VERSION} only: open that workspace with this build and export it again; nothing was imported.", SCHEMA_VERSION - 1);
    let unknown = format!("bad.json: table spreadsheet: is not a table of a schema {SCHEMA_VERSION} workspace; nothing was imported.");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "not JSON",
            b"risk,status\nR-001,open\n".to_vec(),
            "bad.json: is not valid JSON (expected value at line 1 column 1); nothing was imported.",
        ),
        (
            "cut short",
            demo_json()[..demo_json().len() / 2].to_vec(),
            "bad.json: is not valid JSON (EOF while parsing",
        ),
        (
            "a key twice",
            br#"{"format": "isms-workbench-workspace", "format": "x"}"#.to_vec(),
            "bad.json: is not valid JSON (the key \"format\" appears twice at line 1 column 47); nothing was imported.",
        ),
        (
            "not an object",
            b"[1, 2]".to_vec(),
            "bad.json: is not a workspace.json: it is not a JSON object; nothing was imported.",
        ),
        (
            "wrong format marker",
            changed(|v| v["format"] = json!("something-else")),
            "bad.json: is not an ISMS Workbench workspace.json: its \"format\" is \"something-else\", not \"isms-workbench-workspace\"; nothing was imported.",
        ),
        (
            "no format marker",
            changed(|v| {
                v.as_object_mut().unwrap().remove("format");
            }),
            "bad.json: is not an ISMS Workbench workspace.json: it has no \"format\": \"isms-workbench-workspace\"",
        ),
        (
            "newer schema",
            changed(|v| v["schema_version"] = json!(SCHEMA_VERSION + 1)),
            &newer,
        ),
        (
            "older schema",
            changed(|v| v["schema_version"] = json!(SCHEMA_VERSION - 1)),
            &older,
        ),
        (
            "unknown top-level key",
            changed(|v| v["comment"] = json!("hello")),
            "bad.json: has an unknown key \"comment\" at the top level; nothing was imported.",
        ),
        (
            "unknown table",
            changed(|v| v["tables"]["spreadsheet"] = json!([])),
            &unknown,
        ),
        (
            "missing table",
            changed(|v| {
                v["tables"].as_object_mut().unwrap().remove("asset");
            }),
            "bad.json: table asset: is missing; nothing was imported.",
        ),
        (
            "unknown column",
            changed(|v| v["tables"]["asset"][1]["colour"] = json!("red")),
            "bad.json: table asset, row 2, column colour: is not a column of this table; nothing was imported.",
        ),
        (
            "missing column",
            changed(|v| {
                v["tables"]["asset"][1].as_object_mut().unwrap().remove("name");
            }),
            "bad.json: table asset, row 2, column name: is missing; nothing was imported.",
        ),
        (
            "wrong type",
            changed(|v| v["tables"]["risk"][2]["likelihood"] = json!("high")),
            "bad.json: table risk, row 3, column likelihood: expected a whole number, not the text \"high\"; nothing was imported.",
        ),
        (
            "text where a number goes",
            changed(|v| v["tables"]["asset"][0]["name"] = json!(42)),
            "bad.json: table asset, row 1, column name: expected text, not the number 42; nothing was imported.",
        ),
        (
            "null where a value is required",
            changed(|v| v["tables"]["risk"][0]["title"] = Value::Null),
            "bad.json: table risk, row 1, column title: needs a value, not null; nothing was imported.",
        ),
        (
            "status outside the allowed set",
            changed(|v| v["tables"]["risk"][1]["status"] = json!("forgotten")),
            "bad.json: table risk, row 2, column status: \"forgotten\" is not allowed here (the schema requires status IN ('identified', 'assessed', 'treatment_planned', 'treated', 'accepted', 'closed')); nothing was imported.",
        ),
        (
            "a reference used twice",
            changed(|v| v["tables"]["asset"][1]["ref"] = json!("A-001")),
            "bad.json: table asset, row 2, column ref: \"A-001\" is already taken by an earlier row; nothing was imported.",
        ),
        (
            "a link to a record the file does not hold",
            changed(|v| v["tables"]["risk_asset"][0]["target"] = json!("A-999")),
            "bad.json: table risk_asset, row 1, column target: refers to \"A-999\" in asset (ref), which the file does not hold; nothing was imported.",
        ),
        (
            "a value the schema allows and the record does not",
            changed(|v| v["tables"]["risk"][0]["due_date"] = json!("soon")),
            "bad.json: its records do not match its change log (table risk, record R-001, field due_date: the file holds \"soon\" where the change log says \"2026-11-07\", so it was changed outside the workbench); nothing was imported.",
        ),
        (
            "a record edited without its log",
            changed(|v| v["tables"]["workspace"][0]["organisation"] = json!("Someone Else Ltd")),
            "bad.json: its records do not match its change log (table workspace, record WS, field organisation: the file holds \"Someone Else Ltd\" where the change log says",
        ),
        (
            "the log emptied beside the records",
            changed(|v| {
                v["tables"]["change_log"] = json!([]);
                v["tables"]["change_log_head"] = json!([]);
            }),
            "bad.json: table change_log: the change log's hash chain breaks at entry 1: the change log is empty, but the table workspace holds records; nothing was imported.",
        ),
        (
            "a change-log entry edited",
            changed(|v| v["tables"]["change_log"][9]["actor"] = json!("mallory")),
            "bad.json: table change_log, row 10: the change log's hash chain breaks at entry 10: its content does not match its hash; nothing was imported.",
        ),
        (
            "a change-log entry removed",
            changed(|v| {
                v["tables"]["change_log"].as_array_mut().unwrap().remove(3);
            }),
            "bad.json: table change_log, row 4: the change log's hash chain breaks at entry 5: entry 4 is missing (found 5 next); nothing was imported.",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (case, bytes, expected) in cases {
        fs::write(d.join("bad.json"), &bytes).unwrap();
        for dry_run in [false, true] {
            let mut args = vec!["import", "workspace", "bad.json", "--db", "new.sqlite3"];
            if dry_run {
                args.push("--dry-run");
            }
            let run = isms(d, &args);
            let line = run.refusal();
            assert!(
                line.starts_with(&format!("isms: {expected}")),
                "{case} (dry run: {dry_run}):\n{line}\nwanted\nisms: {expected}"
            );
            assert!(line.ends_with("; nothing was imported."), "{case}: {line}");
            assert_eq!(names(d), ["bad.json"], "{case}: nothing is left behind");
        }
    }
}

#[test]
fn a_missing_file_or_a_folder_is_refused_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let line = isms(
        d,
        &["import", "workspace", "nope.json", "--db", "w.sqlite3"],
    )
    .refusal()
    .to_string();
    assert_eq!(line, "isms: nope.json: no such file to import.");
    fs::create_dir(d.join("folder")).unwrap();
    let line = isms(d, &["import", "workspace", "folder", "--db", "w.sqlite3"])
        .refusal()
        .to_string();
    assert_eq!(line, "isms: folder: is a directory, not a file to import.");
    assert_eq!(names(d), ["folder"]);
}

// --- properties ----------------------------------------------------------------------------

/// A small workspace's workspace.json: the catalogue, a few records, a short change log.
fn small_json() -> &'static [u8] {
    static JSON: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let csv =
            "Name,Kind,Owner,C,I,A\nLedger,information,Tom,3,3,2\nLaptops,hardware,Ana,2,2,1\n";
        fs::write(d.join("assets.csv"), csv).unwrap();
        isms(d, &["import", "assets", "assets.csv", "--db", "w.sqlite3"]).success();
        let store = Store::open_as(&d.join("w.sqlite3"), OpenMode::MustExist, ACTOR).unwrap();
        json_of(&store)
    })
}

/// Numbers compared as numbers (`2` and `2.0` in a real column are the same value), and arrays
/// as sets.
fn normalised(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64()),
        // Rows come in primary-key order, and an edited key moves its row: compare the rows
        // of a table as a set.
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(normalised).collect();
            items.sort_by_key(|item| item.to_string());
            Value::Array(items)
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), normalised(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A change to a valid file: cut it short, overwrite a byte, remove a stretch, or put a
/// JSON token somewhere.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Byte(usize, u8),
    Remove(usize, usize),
    Insert(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        Just("null"),
        Just("0"),
        Just("-1"),
        Just("1.5"),
        Just("1e999"),
        Just("99999999999999999999"),
        Just("\"x\""),
        Just("true"),
        Just("[]"),
        Just("{}"),
        Just(","),
        Just("\""),
        Just("\\u0000"),
        Just("\u{e9}"),
        Just("\"ref\": \"A-001\","),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Byte(at, byte)),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Remove(at, len)),
        (any::<usize>(), token).prop_map(|(at, token)| Mutation::Insert(at, token)),
    ]
}

fn apply(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for mutation in mutations {
        let len = bytes.len().max(1);
        match mutation {
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::Byte(at, byte) => {
                if !bytes.is_empty() {
                    bytes[at % len] = *byte;
                }
            }
            Mutation::Remove(at, count) => {
                let start = (at % len).min(bytes.len());
                let end = (start + count).min(bytes.len());
                bytes.drain(start..end);
            }
            Mutation::Insert(at, token) => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, token.bytes());
            }
        }
    }
    bytes
}

/// A change to one value of a valid file, which stays valid JSON: a value replaced, a row
/// removed or repeated, a column removed. Indices are taken modulo what there is.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, usize, usize, Value),
    RemoveRow(usize, usize),
    RepeatRow(usize, usize),
    RemoveColumn(usize, usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let value = prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!([])),
        (-3i64..30).prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|x| json!(x)),
        prop_oneof![
            Just(""),
            Just("in"),
            Just("out"),
            Just("identified"),
            Just("closed"),
            Just("A-001"),
            Just("R-001"),
            Just("5.1"),
            Just("WS"),
            Just("2026-11-28"),
        ]
        .prop_map(|text| json!(text)),
        "[a-z_ -]{0,12}".prop_map(|text| json!(text)),
    ];
    let index = any::<usize>;
    prop_oneof![
        3 => (index(), index(), index(), value).prop_map(|(t, r, c, v)| Edit::Set(t, r, c, v)),
        1 => (index(), index()).prop_map(|(t, r)| Edit::RemoveRow(t, r)),
        1 => (index(), index()).prop_map(|(t, r)| Edit::RepeatRow(t, r)),
        1 => (index(), index(), index()).prop_map(|(t, r, c)| Edit::RemoveColumn(t, r, c)),
    ]
}

fn edited(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(bytes).unwrap();
    let tables = value["tables"].as_object_mut().unwrap();
    let count = tables.len();
    for edit in edits {
        let (Edit::Set(t, ..)
        | Edit::RemoveRow(t, _)
        | Edit::RepeatRow(t, _)
        | Edit::RemoveColumn(t, ..)) = edit;
        let rows = tables
            .values_mut()
            .nth(t % count)
            .unwrap()
            .as_array_mut()
            .unwrap();
        if rows.is_empty() {
            continue;
        }
        let n = rows.len();
        match edit {
            Edit::Set(_, r, c, new) => {
                let row = rows[r % n].as_object_mut().unwrap();
                let key = row.keys().nth(c % row.len()).unwrap().clone();
                row[&key] = new.clone();
            }
            Edit::RemoveRow(_, r) => {
                rows.remove(r % n);
            }
            Edit::RepeatRow(_, r) => {
                let row = rows[r % n].clone();
                rows.push(row);
            }
            Edit::RemoveColumn(_, r, c) => {
                let row = rows[r % n].as_object_mut().unwrap();
                let key = row.keys().nth(c % row.len()).unwrap().clone();
                row.remove(&key);
            }
        }
    }
    serde_json::to_vec_pretty(&value).unwrap()
}

/// Imports `bytes` into a new file: either the whole workspace is made (and exports what the
/// file said), or the import is refused in one sentence naming the file and no file is left.
fn imports_fully_or_not_at_all(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let (source, target) = (dir.path().join("w.json"), dir.path().join("new.sqlite3"));
    fs::write(&source, bytes).unwrap();
    match workspace::run(&source, &target, false, ACTOR) {
        Ok(outcome) => {
            prop_assert!(matches!(outcome, Outcome::Imported(_)));
            let store = Store::open_as(&target, OpenMode::MustExist, ACTOR).unwrap();
            prop_assert!(store.verify_change_log().unwrap().is_ok());
            let exported: Value = serde_json::from_slice(&json_of(&store)).unwrap();
            let imported: Value = serde_json::from_slice(bytes).unwrap();
            let logged = |value: &Value| value["tables"]["change_log"].as_array().unwrap().clone();
            let (before, after) = (logged(&imported), logged(&exported));
            if after.len() > before.len() {
                // A file without a record every workspace has (the workspace row, say): opening
                // the new workspace made it, and logged that, as it does for any workspace.
                prop_assert!(after[before.len()..]
                    .iter()
                    .all(|e| e["operation"] == "create"));
            } else {
                prop_assert_eq!(normalised(&exported), normalised(&imported));
            }
            Ok(true)
        }
        Err(error) => {
            let text = format!("{error:#}");
            prop_assert!(
                text.starts_with(&format!("{}: ", source.display())),
                "{}",
                text
            );
            prop_assert!(text.ends_with("; nothing was imported"), "{}", text);
            prop_assert!(!text.contains('\n'), "{}", text);
            prop_assert_eq!(names(dir.path()), ["w.json"]);
            Ok(false)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the damage to the bytes, the import neither panics nor half-imports.
    #[test]
    fn a_damaged_workspace_json_imports_fully_or_changes_nothing(
        mutations in prop::collection::vec(mutation(), 1..4)
    ) {
        imports_fully_or_not_at_all(&apply(small_json(), &mutations))?;
    }

    /// Values changed inside valid JSON reach the type checks, the schema's rules, the
    /// references and the change log's chain: still all or nothing.
    #[test]
    fn a_changed_value_imports_fully_or_changes_nothing(
        edits in prop::collection::vec(edit(), 1..3)
    ) {
        imports_fully_or_not_at_all(&edited(small_json(), &edits))?;
    }
}

/// The pack streams `workspace.json` from the store a row at a time (a large workspace's
/// file is over 100 MB); the bytes are the same as those made from a dump held in memory,
/// and the empty workspace's too.
#[test]
fn the_streamed_file_is_the_file_made_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path());
    let mut streamed = Vec::new();
    workspace_json::write_from(&store, &mut streamed).unwrap();
    assert_eq!(streamed, json_of(&store));

    let empty = open(&dir.path().join("empty.sqlite3"));
    let mut streamed = Vec::new();
    workspace_json::write_from(&empty, &mut streamed).unwrap();
    assert_eq!(streamed, json_of(&empty));
}

// --- the import streams --------------------------------------------------------------------

#[test]
fn rows_in_many_tables_import_equal_to_their_source() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path());
    let source = store.dump().unwrap();
    let filled = source
        .tables
        .iter()
        .filter(|table| !table.rows.is_empty())
        .count();
    assert!(filled >= 10, "the demo fills only {filled} tables");
    let json = dir.path().join("workspace.json");
    fs::write(&json, json_of(&store)).unwrap();

    let target = dir.path().join("imported.sqlite3");
    let Outcome::Imported(summary) = workspace::run(&json, &target, false, ACTOR).unwrap() else {
        panic!("not imported")
    };
    assert_eq!(summary.tables, source.tables.len());
    assert_eq!(summary.rows, source.row_count());
    assert_eq!(
        summary.changes,
        source.table("change_log").unwrap().rows.len()
    );

    let imported = Store::open_as(&target, OpenMode::MustExist, ACTOR).unwrap();
    let restored = imported.dump().unwrap();
    for (before, after) in source.tables.iter().zip(&restored.tables) {
        assert_eq!(before.schema.name, after.schema.name);
        assert!(
            before.rows == after.rows,
            "table {} differs after the import",
            before.schema.name
        );
    }
    assert_eq!(restored, source);
    assert!(
        json_of(&imported) == fs::read(&json).unwrap(),
        "the same bytes"
    );
    // The streamed import and the in-memory reading agree.
    assert_eq!(
        workspace::parse(&fs::read(&json).unwrap(), &imported.tables().unwrap()).unwrap(),
        restored
    );
}

/// Imports `bytes` (and dry-runs them) expecting a refusal that starts with `expected` after
/// the file's name; nothing may be left behind either way.
fn refused_leaving_nothing(bytes: &[u8], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (source, target) = (dir.path().join("w.json"), dir.path().join("new.sqlite3"));
    fs::write(&source, bytes).unwrap();
    for dry_run in [false, true] {
        let error = workspace::run(&source, &target, dry_run, ACTOR)
            .err()
            .unwrap_or_else(|| panic!("imported (dry run: {dry_run})"));
        let text = format!("{error:#}");
        let wanted = format!("{}: {expected}", source.display());
        assert!(text.starts_with(&wanted), "{text}\nwanted\n{wanted}");
        assert!(text.ends_with("; nothing was imported"), "{text}");
        assert_eq!(names(dir.path()), ["w.json"], "{text}: left behind");
    }
}

#[test]
fn an_error_in_the_last_table_leaves_no_file_behind() {
    let value: Value = serde_json::from_slice(demo_json()).unwrap();
    let tables = value["tables"].as_object().unwrap();
    // The file's tables come in name order: the last one is read last.
    let (last, rows) = tables.iter().next_back().unwrap();
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty(), "the demo's last table ({last}) is empty");
    let column = rows[0].as_object().unwrap().keys().next().unwrap().clone();
    let number = rows.len();

    // A value of the wrong kind in the very last row.
    let bytes = changed(|v| v["tables"][last.as_str()][number - 1][column.as_str()] = json!([1]));
    refused_leaving_nothing(
        &bytes,
        &format!("table {last}, row {number}, column {column}: expected "),
    );

    // An unknown table after it.
    let bytes = changed(|v| v["tables"]["zz_spreadsheet"] = json!([{"a": 1}]));
    refused_leaving_nothing(
        &bytes,
        &format!(
            "table zz_spreadsheet: is not a table of a schema {SCHEMA_VERSION} workspace; \
             nothing was imported"
        ),
    );

    // The file cut short after every row was read.
    let cut = demo_json().trim_ascii_end();
    refused_leaving_nothing(
        &cut[..cut.len() - 1],
        "is not valid JSON (EOF while parsing",
    );

    // A key twice in the last row.
    let text = String::from_utf8(serde_json::to_vec(&value).unwrap()).unwrap();
    let end = text.rfind('}').unwrap(); // the top level's
    let end = text[..end].rfind('}').unwrap(); // the tables'
    let row_end = text[..end].rfind('}').unwrap(); // the last row's
    let duplicated = format!("{},\"{column}\":null{}", &text[..row_end], &text[row_end..]);
    refused_leaving_nothing(
        duplicated.as_bytes(),
        &format!("is not valid JSON (the key {column:?} appears twice at line 1"),
    );
}

#[test]
fn the_format_and_schema_version_must_come_before_the_tables() {
    let value: Value = serde_json::from_slice(demo_json()).unwrap();
    let tables = serde_json::to_string(&value["tables"]).unwrap();
    let late = format!(
        "{{\"tables\": {tables}, \"format\": \"isms-workbench-workspace\", \
         \"schema_version\": {SCHEMA_VERSION}}}"
    );
    refused_leaving_nothing(
        late.as_bytes(),
        "is not an ISMS Workbench workspace.json: it has no \"format\": \
         \"isms-workbench-workspace\" before its \"tables\" (the format and the schema version \
         must come first",
    );
    let late = format!(
        "{{\"format\": \"isms-workbench-workspace\", \"tables\": {tables}, \
         \"schema_version\": {SCHEMA_VERSION}}}"
    );
    refused_leaving_nothing(
        late.as_bytes(),
        "has no \"schema_version\" before its \"tables\", so it cannot be read safely (the \
         format and the schema version must come first",
    );
}

#[test]
fn the_streamed_import_refuses_as_the_reading_in_memory_does() {
    let pretty = |v: &Value| serde_json::to_vec_pretty(v).unwrap();
    let value: Value = serde_json::from_slice(demo_json()).unwrap();
    let text = String::from_utf8(pretty(&value)).unwrap();
    // A key twice in a row, in a value nested in a cell, and at the top.
    let row_key = text.replacen("\"name\": ", "\"name\": \"x\",\n \"name\": ", 1);
    let nested = text.replacen("\"name\": ", "\"name\": {\"a\": 1, \"a\": 2}, \"_\": ", 1);
    let top = text.replacen("\"format\": ", "\"format\": 1, \"format\": ", 1);
    let mut cases: Vec<Vec<u8>> = vec![
        row_key.into_bytes(),
        nested.into_bytes(),
        top.into_bytes(),
        b"risk,status\n".to_vec(),
        demo_json()[..demo_json().len() / 3].to_vec(),
        b"{\"format\": \"isms-workbench-workspace\", \"format\"".to_vec(),
    ];
    for change in [
        |v: &mut Value| v["tables"]["asset"][1]["colour"] = json!("red"),
        |v: &mut Value| v["tables"]["risk"][2]["likelihood"] = json!(1.5),
        |v: &mut Value| v["tables"]["risk"][0]["title"] = json!([]),
        |v: &mut Value| v["tables"]["risk"][0]["likelihood"] = json!(u64::MAX),
        |v: &mut Value| v["tables"]["risk"] = json!({}),
        |v: &mut Value| v["tables"]["risk"][1] = json!(3),
    ] {
        let mut changed = value.clone();
        change(&mut changed);
        cases.push(pretty(&changed));
    }
    let dir = tempfile::tempdir().unwrap();
    let (source, target) = (dir.path().join("w.json"), dir.path().join("new.sqlite3"));
    let schema = open(&dir.path().join("schema.sqlite3")).tables().unwrap();
    for bytes in cases {
        let in_memory = workspace::parse(&bytes, &schema).unwrap_err().to_string();
        fs::write(&source, &bytes).unwrap();
        let streamed = format!(
            "{:#}",
            workspace::run(&source, &target, false, ACTOR).unwrap_err()
        );
        assert_eq!(
            streamed,
            format!("{}: {in_memory}; nothing was imported", source.display())
        );
        assert!(!target.exists());
    }
}

/// The 1-based row of the first row of `table` whose `column` is `value`, in the demo's file.
fn row_where(value: &Value, table: &str, column: &str, wanted: &str) -> usize {
    value["tables"][table]
        .as_array()
        .unwrap()
        .iter()
        .position(|row| row[column] == json!(wanted))
        .unwrap_or_else(|| panic!("{table} has no {column} {wanted}"))
        + 1
}

#[test]
fn a_reference_counter_set_back_is_refused_naming_the_table_and_row() {
    let value: Value = serde_json::from_slice(demo_json()).unwrap();
    let risk_row = row_where(&value, "risk", "ref", "R-004");
    let counter_row = row_where(&value, "ref_counter", "prefix", "R");
    // Set back below the references in use: the next risk saved would be R-004 again.
    let set_back = changed(|v| {
        v["tables"]["ref_counter"][counter_row - 1]["last"] = json!(3);
    });
    refused_leaving_nothing(
        &set_back,
        &format!(
            "table risk, row {risk_row}, column ref: R-004 is in use, but the counter for R \
             (table ref_counter, row {counter_row}) is at 3, so the next record saved in that \
             series would be given a reference already taken; nothing was imported"
        ),
    );
    // No counter at all for a series in use.
    let removed = changed(|v| {
        v["tables"]["ref_counter"]
            .as_array_mut()
            .unwrap()
            .remove(counter_row - 1);
    });
    let first_risk = value["tables"]["risk"][0]["ref"]
        .as_str()
        .unwrap()
        .to_string();
    refused_leaving_nothing(
        &removed,
        &format!(
            "table risk, row 1, column ref: {first_risk} is in use, but table ref_counter has \
             no counter for R, so the next record saved in that series would be given a \
             reference already taken; nothing was imported"
        ),
    );
    // At the highest reference in use it imports (the demo's own file does, at any rate).
    let exact = changed(|v| {
        let highest = v["tables"]["risk"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|row| row["ref"].as_str()?.strip_prefix("R-")?.parse::<i64>().ok())
            .chain(
                v["tables"]["change_log"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|row| row["record"].as_str()?.strip_prefix("R-")?.parse().ok()),
            )
            .max()
            .unwrap();
        v["tables"]["ref_counter"][counter_row - 1]["last"] = json!(highest);
    });
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("w.json");
    fs::write(&source, &exact).unwrap();
    workspace::run(&source, &dir.path().join("new.sqlite3"), false, ACTOR).unwrap();
}

/// A workspace whose one asset has a 2 MiB note of commas, quotes, line breaks, tabs and
/// non-ASCII text: its `workspace.json` imports, and the note comes back byte for byte (it is
/// read and written as it streams, never held as a JSON value).
#[test]
fn a_row_with_a_long_text_imports_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let unit = "word, \"other\",\n\tline é 🙂\\ ";
    let note = unit.repeat((2 << 20) / unit.len());
    let path = dir.path().join("big.sqlite3");
    let mut store = open(&path);
    store
        .write(|writer| {
            writer.insert(&Asset {
                name: "Big laptop".into(),
                kind: AssetKind::Hardware,
                owner: String::new(),
                location: String::new(),
                classification: String::new(),
                confidentiality: 2,
                integrity: 2,
                availability: 2,
                in_scope: true,
                notes: note.clone(),
            })
        })
        .unwrap();
    let json = dir.path().join("workspace.json");
    let mut out = fs::File::create(&json).unwrap();
    workspace_json::write_from(&store, &mut out).unwrap();
    drop(out);

    let restored = dir.path().join("restored.sqlite3");
    let outcome = workspace::run(&json, &restored, false, ACTOR).unwrap();
    assert!(matches!(outcome, Outcome::Imported(_)), "{outcome:?}");
    let restored = Store::open_as(&restored, OpenMode::MustExist, ACTOR).unwrap();
    let dump = restored.dump().unwrap();
    let assets = dump.table("asset").unwrap();
    let notes = assets
        .schema
        .columns
        .iter()
        .position(|c| c.name == "notes")
        .unwrap();
    assert_eq!(assets.rows.len(), 1);
    assert!(
        assets.rows[0][notes] == Cell::Text(note),
        "the note is kept byte for byte"
    );
    // The change log carries the note too, and its chain verifies.
    assert_eq!(json_of(&restored), json_of(&store));
}
