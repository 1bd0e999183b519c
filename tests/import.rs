//! CSV import: happy paths, every kind of error leaving the workspace as it was, dry runs that
//! change nothing, the command line end to end, and property tests of the reader.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use isms::domain::asset::{Asset, AssetKind};
use isms::domain::dates;
use isms::domain::method::RiskMethod;
use isms::domain::risk::{Risk, RiskStatus, Treatment};
use isms::domain::scope::{ScopeItem, ScopeItemKind};
use isms::import::{self, csv_table, Context, ImportError, Kind, Outcome, Rows};
use isms::store::{OpenMode, Store};
use proptest::prelude::*;

const ACTOR: &str = "import-test";

fn open(path: &Path, mode: OpenMode) -> anyhow::Result<Store> {
    Ok(Store::open_as(path, mode, ACTOR)?)
}

fn new_workspace(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("w.sqlite3");
    let store = open(&path, OpenMode::Create { organisation: None }).unwrap();
    (path, store)
}

/// Writes `bytes` to `name` in `dir` and imports it.
fn import_file(
    dir: &Path,
    workspace: &Path,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Outcome {
    let source = dir.join(name);
    fs::write(&source, bytes).unwrap();
    import::run(kind, &source, workspace, dry_run, open).unwrap()
}

/// Assets, risks and change-log rows: what an import may change.
fn counts(path: &Path) -> (usize, usize, i64) {
    let store = open(path, OpenMode::MustExist).unwrap();
    (
        store.list::<Asset>().unwrap().len(),
        store.list::<Risk>().unwrap().len(),
        store.change_log_len().unwrap(),
    )
}

fn refused(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::Refused { errors } => errors.iter().map(ToString::to_string).collect(),
        other => panic!("expected errors, got {other:?}"),
    }
}

fn references(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::Imported { references, .. } => references,
        other => panic!("expected an import, got {other:?}"),
    }
}

fn excluded_site(name: &str) -> ScopeItem {
    ScopeItem {
        kind: ScopeItemKind::Site,
        name: name.into(),
        in_scope: false,
        justification: "Run by a separate entity".into(),
    }
}

/// A spreadsheet export the hard way: BOM, semicolons, CRLF, synonyms in odd case, and a quoted
/// cell holding a delimiter, a comma, quotes and a line break.
const ASSETS_CSV: &str = "\u{feff}Asset Name;TYPE;asset_owner;Site;Classification;C;I;A;In scope;Comments\r\n\
    \"Ledger; main\";information;CFO;AWS;Confidential;3;High;low;;\"Nightly backup, \"\"encrypted\"\"\r\nsecond line\"\r\n\
    Badge printer;Hardware;Facilities;Munich office;;;;;;\r\n\
    CRM;software;Sales;Munich office;Internal;2;2;2;yes;\r\n";

#[test]
fn assets_import_with_bom_semicolons_crlf_and_quoted_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = new_workspace(dir.path());
    store.insert(&excluded_site("Munich office")).unwrap();
    drop(store);
    let (_, _, log_before) = counts(&path);

    let outcome = import_file(
        dir.path(),
        &path,
        Kind::Assets,
        "assets.csv",
        ASSETS_CSV.as_bytes(),
        false,
    );
    assert_eq!(
        outcome.summary(&path),
        format!(
            "Imported 3 assets into {} (A-001 to A-003).",
            path.display()
        )
    );
    assert_eq!(references(outcome), ["A-001", "A-002", "A-003"]);

    let store = open(&path, OpenMode::MustExist).unwrap();
    let assets = store.list::<Asset>().unwrap();
    assert_eq!(
        assets[0].value,
        Asset {
            name: "Ledger; main".into(),
            kind: AssetKind::Information,
            owner: "CFO".into(),
            location: "AWS".into(),
            classification: "Confidential".into(),
            confidentiality: 3,
            integrity: 3,
            availability: 1,
            in_scope: true,
            notes: "Nightly backup, \"encrypted\"\r\nsecond line".into(),
        }
    );
    let printer = &assets[1].value;
    assert_eq!(printer.kind, AssetKind::Hardware);
    assert_eq!(
        (
            printer.confidentiality,
            printer.integrity,
            printer.availability
        ),
        (2, 2, 2),
        "blank C/I/A are 2"
    );
    assert!(!printer.in_scope, "blank scope follows the Scope tab");
    assert!(assets[2].value.in_scope, "an explicit yes wins");

    // Each insert went through the write path: logged, by the actor, hash chain intact.
    assert!(store.change_log_len().unwrap() > log_before);
    let history = store.history("A-001").unwrap();
    assert!(!history.is_empty());
    assert!(history.iter().all(|entry| entry.actor == ACTOR));
    assert!(store.verify_change_log().unwrap().is_ok());
}

#[test]
fn risks_import_naming_assets_by_reference_or_name_and_levels_by_label() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = new_workspace(dir.path());
    drop(store);
    references(import_file(
        dir.path(),
        &path,
        Kind::Assets,
        "assets.csv",
        ASSETS_CSV.as_bytes(),
        false,
    ));
    let csv = "Risk;Threat;Weakness;Affected assets;Risk owner;Probability;Consequence;Treatment option;Plan;Annex A controls;Due;Residual likelihood;Residual impact;Status;Next review date\r\n\
        Ransomware;Criminal gang;Flat network;\"a-001, crm\";CTO;Likely;Severe;mitigate;Segment the network;\"A.8.22; 8.13\";2026-12-31;2;Minor;Treatment planned;2027-06-30\r\n\
        Printer tampering;Visitor;;\"Badge printer\";;1;2;accept;;;;;;;\r\n";
    let outcome = import_file(
        dir.path(),
        &path,
        Kind::Risks,
        "risks.csv",
        csv.as_bytes(),
        false,
    );
    assert_eq!(
        outcome.summary(&path),
        format!("Imported 2 risks into {} (R-001 to R-002).", path.display())
    );

    let store = open(&path, OpenMode::MustExist).unwrap();
    let risks = store.list::<Risk>().unwrap();
    let ransomware = &risks[0].value;
    assert_eq!(ransomware.assets, ["A-001", "A-003"]);
    assert_eq!((ransomware.likelihood, ransomware.impact), (4, 5));
    assert_eq!(ransomware.treatment, Some(Treatment::Modify));
    assert_eq!(ransomware.treatment_plan, "Segment the network");
    assert_eq!(ransomware.controls, ["8.13", "8.22"]);
    assert_eq!(
        ransomware.due_date,
        Some(dates::parse("2026-12-31").unwrap())
    );
    assert_eq!(
        (ransomware.residual_likelihood, ransomware.residual_impact),
        (Some(2), Some(2))
    );
    assert_eq!(ransomware.status, RiskStatus::TreatmentPlanned);
    assert_eq!(
        ransomware.next_review,
        Some(dates::parse("2027-06-30").unwrap())
    );
    let printer = &risks[1].value;
    assert_eq!(printer.assets, ["A-002"]);
    assert_eq!(printer.treatment, Some(Treatment::Retain));
    assert_eq!(printer.status, RiskStatus::Identified);
    assert!(store.verify_change_log().unwrap().is_ok());
}

/// A workspace with a 4x4 method, one asset and one risk.
fn prepared(dir: &Path) -> PathBuf {
    let (path, mut store) = new_workspace(dir);
    store.change_method(&RiskMethod::standard(4)).unwrap();
    store
        .insert(&Asset {
            name: "Ledger".into(),
            kind: AssetKind::Information,
            owner: "CFO".into(),
            location: String::new(),
            classification: String::new(),
            confidentiality: 3,
            integrity: 3,
            availability: 3,
            in_scope: true,
            notes: String::new(),
        })
        .unwrap();
    store
        .insert(&Risk {
            title: "Existing risk".into(),
            likelihood: 2,
            impact: 2,
            ..Risk::default()
        })
        .unwrap();
    path
}

#[test]
fn import_reports_every_kind_of_error_and_changes_nothing() {
    let good_risk = "Good,1,1,,,\n";
    let cases: Vec<(Kind, Vec<u8>, &str)> = vec![
        (
            Kind::Assets,
            b"Name,Colour\nLaptop,red\n".to_vec(),
            "row 1: unknown column \"Colour\"; the accepted columns are Name, Kind, Owner",
        ),
        (
            Kind::Risks,
            b"Title,Impact\nLeak,2\n".to_vec(),
            "row 1: the required column Likelihood is missing",
        ),
        (
            Kind::Assets,
            b"Name,C\nLaptop,2\nPhone,two\n".to_vec(),
            "row 3, column C: \"two\" is not 1, 2, 3, Low, Medium or High",
        ),
        (
            Kind::Risks,
            format!("Title,Likelihood,Impact,Assets,Controls,Due date\n{good_risk}Leak,5,2,,,\n")
                .into_bytes(),
            "row 3, column Likelihood: \"5\" is outside 1-4",
        ),
        (
            Kind::Risks,
            format!("Title,Likelihood,Impact,Assets,Controls,Due date\n{good_risk}Leak,Almost certain,2,,,\n")
                .into_bytes(),
            "row 3, column Likelihood: \"Almost certain\" is not a number from 1 to 4 or one of the likelihood levels Rare, Unlikely, Possible, Likely",
        ),
        (
            Kind::Risks,
            format!("Title,Likelihood,Impact,Assets,Controls,Due date\n{good_risk}Leak,1,1,\"A-001; Printer\",,\n")
                .into_bytes(),
            "row 3, column Assets: \"Printer\" is not an asset reference or name in the workspace",
        ),
        (
            Kind::Risks,
            format!("Title,Likelihood,Impact,Assets,Controls,Due date\n{good_risk}Leak,1,1,ledger,5.38,\n")
                .into_bytes(),
            "row 3, column Controls: \"5.38\" is not an Annex A control id",
        ),
        (
            Kind::Risks,
            format!("Title,Likelihood,Impact,Assets,Controls,Due date\n{good_risk}Leak,1,1,,,2026-02-30\n")
                .into_bytes(),
            "row 3, column Due date: \"2026-02-30\" is not a date like 2026-11-28",
        ),
        (
            Kind::Risks,
            b"Title,Likelihood,Impact\nLeak,1,1\nFire,1\n".to_vec(),
            "row 3: has 2 cells where the header row has 3",
        ),
        (
            Kind::Assets,
            b"Name,Notes\nLaptop,fine\nCaf\xe9,x\n".to_vec(),
            "row 3, column Name: is not valid UTF-8 text (byte 0xE9)",
        ),
        (
            Kind::Assets,
            Vec::new(),
            "no rows to import: the file is empty",
        ),
        (
            Kind::Risks,
            b"Title,Likelihood,Impact\r\n".to_vec(),
            "no rows to import: the file has a header row but no data rows",
        ),
        (
            Kind::Risks,
            b"Title,Likelihood,Impact\nexisting RISK,1,1\n".to_vec(),
            "row 2, column Title: \"existing RISK\" is already in the workspace",
        ),
        (
            Kind::Assets,
            b"Name\nLEDGER\n".to_vec(),
            "row 2, column Name: \"LEDGER\" is already in the workspace as A-001",
        ),
        (
            Kind::Risks,
            b"Title,Likelihood,Impact,Status\nLeak,1,1,Accepted\n".to_vec(),
            "row 2, column Owner: A risk needs an owner before it can be accepted",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let before = counts(&path);
    let bytes_before = fs::read(&path).unwrap();
    for (index, (kind, csv, expected)) in cases.into_iter().enumerate() {
        for dry_run in [false, true] {
            let name = format!("case{index}.csv");
            let lines = refused(import_file(dir.path(), &path, kind, &name, &csv, dry_run));
            assert!(
                lines.iter().any(|line| line.starts_with(expected)),
                "case {index}: expected {expected:?} in {lines:#?}"
            );
            assert_eq!(counts(&path), before, "case {index} changed the workspace");
        }
    }
    assert_eq!(fs::read(&path).unwrap(), bytes_before);
}

#[test]
fn one_bad_row_among_many_imports_nothing_and_all_errors_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let before = counts(&path);
    let mut csv = String::from("Title,Likelihood,Impact\n");
    for n in 1..=80 {
        let likelihood = if n % 20 == 0 { 9 } else { 2 };
        csv.push_str(&format!("Risk {n},{likelihood},2\n"));
    }
    let lines = refused(import_file(
        dir.path(),
        &path,
        Kind::Risks,
        "r.csv",
        csv.as_bytes(),
        false,
    ));
    assert_eq!(
        lines,
        [21, 41, 61, 81].map(|row| format!("row {row}, column Likelihood: \"9\" is outside 1-4"))
    );
    assert_eq!(counts(&path), before);
}

#[test]
fn import_cuts_more_than_fifty_errors_short() {
    let errors: Vec<ImportError> = (2..=61)
        .map(|row| ImportError::cell(row, "Name", "A name is required"))
        .collect();
    let lines = import::error_lines("a.csv", &errors);
    assert_eq!(lines.len(), 51);
    assert_eq!(lines[0], "a.csv: row 2, column Name: A name is required");
    assert_eq!(lines[50], "a.csv: and 10 more errors");
}

#[test]
fn import_dry_run_changes_no_byte_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let bytes = fs::read(&path).unwrap();
    let outcome = import_file(
        dir.path(),
        &path,
        Kind::Assets,
        "a.csv",
        ASSETS_CSV.as_bytes(),
        true,
    );
    assert_eq!(
        outcome.summary(&path),
        format!(
            "Dry run: 3 assets would be imported into {}; nothing was changed.",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);

    let missing = dir.path().join("missing.sqlite3");
    let outcome = import_file(
        dir.path(),
        &missing,
        Kind::Assets,
        "a.csv",
        ASSETS_CSV.as_bytes(),
        true,
    );
    assert!(matches!(outcome, Outcome::DryRun { count: 3, .. }));
    let risks = b"Title,Likelihood,Impact,Assets\nLeak,1,1,Ledger\n";
    let errors = refused(import_file(
        dir.path(),
        &missing,
        Kind::Risks,
        "r.csv",
        risks,
        true,
    ));
    assert_eq!(
        errors,
        ["row 2, column Assets: \"Ledger\" is not an asset reference or name in the workspace"],
        "a missing workspace is checked as an empty one"
    );
    for suffix in ["", "-wal", "-shm", "-journal"] {
        assert!(!dir.path().join(format!("missing.sqlite3{suffix}")).exists());
    }
}

#[test]
fn a_missing_workspace_is_created_only_by_a_good_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite3");
    let bad = b"Name,C\nLaptop,7\n";
    refused(import_file(
        dir.path(),
        &path,
        Kind::Assets,
        "bad.csv",
        bad,
        false,
    ));
    assert!(!path.exists(), "refused rows create no workspace");

    let outcome = import_file(
        dir.path(),
        &path,
        Kind::Assets,
        "a.csv",
        ASSETS_CSV.as_bytes(),
        false,
    );
    assert!(matches!(outcome, Outcome::Imported { created: true, .. }));
    assert!(outcome.summary(&path).starts_with("Created the workspace "));
    assert_eq!(counts(&path).0, 3);
    // The same file again is refused: every name is taken now.
    let lines = refused(import_file(
        dir.path(),
        &path,
        Kind::Assets,
        "a.csv",
        ASSETS_CSV.as_bytes(),
        false,
    ));
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("is already in the workspace as A-001"));
}

// --- the command line ---------------------------------------------------------------------

struct Cli {
    dir: tempfile::TempDir,
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        fs::write(self.dir.path().join(name), bytes).unwrap();
    }

    fn exists(&self, name: &str) -> bool {
        self.dir.path().join(name).exists()
    }

    fn run(&self, args: &[&str], envs: &[(&str, &str)]) -> Run {
        let home = self.dir.path().join("home");
        let output = Command::new(env!("CARGO_BIN_EXE_isms"))
            .current_dir(self.dir.path())
            .env_remove("ISMS_DB")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("ISMS_ACTOR", "cli-test")
            .env("NO_COLOR", "1")
            // The day the test is written for, whatever the clock says.
            .env("ISMS_TODAY", "2026-11-28")
            .env("RUST_BACKTRACE", "1")
            .envs(envs.iter().copied())
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
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

#[test]
fn cli_imports_reports_errors_and_dry_runs() {
    let cli = Cli::new();
    cli.write("assets.csv", ASSETS_CSV.as_bytes());
    cli.write(
        "risks.csv",
        b"Title,Likelihood,Impact,Assets\nLeak,Likely,4,CRM\nFire,7,2,A-001\nFlood,2,Huge,\n",
    );

    // A dry run on a missing workspace creates nothing.
    let run = cli.run(
        &[
            "import",
            "assets",
            "assets.csv",
            "--dry-run",
            "--db",
            "w.sqlite3",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(
        run.stdout,
        "Dry run: 3 assets would be imported into w.sqlite3; nothing was changed.\n"
    );
    assert!(!cli.exists("w.sqlite3"));

    // The import creates the workspace ($ISMS_DB works like --db).
    let run = cli.run(
        &["import", "assets", "assets.csv"],
        &[("ISMS_DB", "w.sqlite3")],
    );
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(
        run.stdout,
        "Created the workspace w.sqlite3. Imported 3 assets into w.sqlite3 (A-001 to A-003).\n"
    );
    assert!(run.stderr.is_empty(), "{}", run.describe());

    // Bad rows: every error on its own line naming file, row and column; exit 2.
    let before = fs::read(cli.dir.path().join("w.sqlite3")).unwrap();
    let run = cli.run(&["import", "risks", "risks.csv", "--db", "w.sqlite3"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.describe());
    assert!(run.stdout.is_empty(), "{}", run.describe());
    assert_eq!(
        run.stderr,
        "risks.csv: row 3, column Likelihood: \"7\" is outside 1-5\n\
         risks.csv: row 4, column Impact: \"Huge\" is not a number from 1 to 5 or one of the impact levels Negligible, Minor, Moderate, Major, Severe\n\
         isms: nothing was imported into w.sqlite3: 2 errors.\n"
    );
    assert_eq!(fs::read(cli.dir.path().join("w.sqlite3")).unwrap(), before);

    cli.write(
        "risks.csv",
        b"Title,Likelihood,Impact,Assets\nLeak,Likely,4,CRM\nFire,3,2,A-001\n",
    );
    let run = cli.run(
        &[
            "import",
            "risks",
            "risks.csv",
            "--db",
            "w.sqlite3",
            "--dry-run",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(fs::read(cli.dir.path().join("w.sqlite3")).unwrap(), before);
    let run = cli.run(&["import", "risks", "risks.csv", "--db", "w.sqlite3"], &[]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(
        run.stdout,
        "Imported 2 risks into w.sqlite3 (R-001 to R-002).\n"
    );
}

#[test]
fn cli_import_refuses_a_missing_file_and_a_bad_kind_in_one_sentence() {
    let cli = Cli::new();
    let run = cli.run(&["import", "assets", "nope.csv", "--db", "w.sqlite3"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.describe());
    assert_eq!(run.stderr, "isms: nope.csv: no such file to import.\n");
    assert!(!cli.exists("w.sqlite3"));

    cli.write("empty.csv", b"");
    let run = cli.run(&["import", "risks", "empty.csv", "--db", "w.sqlite3"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.describe());
    assert!(
        run.stderr
            .starts_with("empty.csv: no rows to import: the file is empty\n"),
        "{}",
        run.describe()
    );
    assert!(!cli.exists("w.sqlite3"));

    let run = cli.run(
        &["import", "controls", "empty.csv", "--db", "w.sqlite3"],
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.describe());
    assert!(!cli.exists("w.sqlite3"));
}

// --- properties ---------------------------------------------------------------------------

/// Pieces that make the reader's edge cases likely: headers, delimiters, quotes, line ends,
/// BOMs, invalid UTF-8.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"Name"[..]),
        Just(&b"Title"[..]),
        Just(&b"Likelihood"[..]),
        Just(&b"Impact"[..]),
        Just(&b"C"[..]),
        Just(&b","[..]),
        Just(&b";"[..]),
        Just(&b"\""[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\n"[..]),
        Just(&b"\r"[..]),
        Just(&b"\xEF\xBB\xBF"[..]),
        Just(&b"\xE9"[..]),
        Just(&b"3"[..]),
        Just(&b"Likely"[..]),
        Just(&b"A-001"[..]),
        Just(&b" "[..]),
        Just(&b"x"[..]),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// The most rows a file can have: one more than its line breaks.
fn max_row(bytes: &[u8]) -> usize {
    1 + bytes.iter().filter(|&&b| b == b'\n').count()
        + bytes.iter().filter(|&&b| b == b'\r').count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the bytes, the reader does not panic: it gives rows, or errors that each name
    /// a row within the file (only whole-file problems have none).
    #[test]
    fn import_of_any_bytes_parses_or_gives_errors_with_rows(
        bytes in prop_oneof![proptest::collection::vec(any::<u8>(), 0..300), soup()],
        assets in any::<bool>(),
    ) {
        let kind = if assets { Kind::Assets } else { Kind::Risks };
        match import::parse(kind, &bytes, &Context::empty()) {
            Ok(rows) => prop_assert!(!rows.is_empty()),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in &errors {
                    match error.row {
                        Some(row) => prop_assert!(row >= 1 && row <= max_row(&bytes), "{error} in {bytes:?}"),
                        None => prop_assert!(
                            error.message.starts_with("no rows to import") || error.message.contains("UTF-16"),
                            "{error}"
                        ),
                    }
                }
            }
        }
        if let Ok(read) = csv_table::read(&bytes) {
            for row in &read.table.rows {
                prop_assert!(row.number > read.table.header_row && row.number <= max_row(&bytes));
                prop_assert_eq!(row.cells.len(), read.table.headers.len());
            }
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,;\"'\n\r\u{e9}\u{df}\u{4e2d}-]{0,16}".prop_map(|s| s.trim().to_string())
}

/// Free text as a user writes it: leading and trailing tabs, spaces and line breaks are kept.
fn free_text() -> impl Strategy<Value = String> {
    "[\ta-zA-Z0-9 ,;\"'\n\r\u{e9}\u{df}\u{4e2d}-]{0,16}"
}

fn asset_strategy() -> impl Strategy<Value = Asset> {
    (
        text(),
        proptest::sample::select(AssetKind::ALL),
        (free_text(), text(), free_text(), free_text()),
        (1u8..=3, 1u8..=3, 1u8..=3),
        any::<bool>(),
    )
        .prop_map(
            |(name, kind, (owner, location, classification, notes), (c, i, a), in_scope)| Asset {
                name,
                kind,
                owner,
                location,
                classification,
                confidentiality: c,
                integrity: i,
                availability: a,
                in_scope,
                notes,
            },
        )
}

/// How a spreadsheet might spell things: which header, which word for a value, which case.
#[derive(Debug, Clone)]
struct Spelling {
    header: [usize; 10],
    upper_headers: bool,
    words: bool,
    yes_no: usize,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    (
        proptest::array::uniform10(0usize..8),
        any::<bool>(),
        any::<bool>(),
        0usize..5,
    )
        .prop_map(|(header, upper_headers, words, yes_no)| Spelling {
            header,
            upper_headers,
            words,
            yes_no,
        })
}

fn render(assets: &[Asset], spelling: &Spelling, delimiter: u8, crlf: bool, bom: bool) -> Vec<u8> {
    let headers: Vec<String> = import::headers::ASSET_COLUMNS
        .iter()
        .zip(spelling.header)
        .map(|(spec, choice)| {
            let names: Vec<&str> = std::iter::once(spec.label)
                .chain(spec.synonyms.iter().copied())
                .collect();
            let name = names[choice % names.len()];
            if spelling.upper_headers {
                name.to_uppercase()
            } else {
                name.to_string()
            }
        })
        .collect();
    let terminator = if crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(terminator)
        .from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    let cia = |value: u8| {
        if spelling.words {
            ["Low", "MEDIUM", "high"][usize::from(value) - 1].to_string()
        } else {
            value.to_string()
        }
    };
    let (yes, no) = [
        ("yes", "no"),
        ("TRUE", "false"),
        ("in", "out"),
        ("1", "0"),
        ("Y", "n"),
    ][spelling.yes_no];
    for asset in assets {
        let kind = if spelling.words {
            asset.kind.label().to_uppercase()
        } else {
            asset.kind.key().to_string()
        };
        writer
            .write_record([
                asset.name.clone(),
                kind,
                asset.owner.clone(),
                asset.location.clone(),
                asset.classification.clone(),
                cia(asset.confidentiality),
                cia(asset.integrity),
                cia(asset.availability),
                (if asset.in_scope { yes } else { no }).to_string(),
                asset.notes.clone(),
            ])
            .unwrap();
    }
    let mut bytes = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    bytes.extend(writer.into_inner().unwrap());
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Asset registers written by a CSV writer, in any of the accepted spellings, read back as
    /// the assets they were written from.
    #[test]
    fn asset_tables_round_trip_through_import(
        mut assets in proptest::collection::vec(asset_strategy(), 1..12),
        spelling in spelling(),
        semicolon in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        // Names are required and unique.
        for (index, asset) in assets.iter_mut().enumerate() {
            asset.name = format!("{index} {}", asset.name).trim().to_string();
        }
        let bytes = render(&assets, &spelling, if semicolon { b';' } else { b',' }, crlf, bom);
        match import::parse(Kind::Assets, &bytes, &Context::empty()) {
            Ok(Rows::Assets(read)) => prop_assert_eq!(read, assets),
            other => prop_assert!(false, "{:?}\n{}", other, String::from_utf8_lossy(&bytes)),
        }
    }
}

#[test]
fn free_text_cells_are_kept_exactly_and_key_and_choice_columns_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = new_workspace(dir.path());
    drop(store);
    let assets = "Name,Kind,Owner,Location,Classification,C,In scope,Notes\n\
                  \x20 Ledger\t, software ,\tCFO ,  AWS , Internal\t, high ,  yes ,\"\t- first\n  - second\n\"\n";
    let outcome = import_file(
        dir.path(),
        &path,
        Kind::Assets,
        "a.csv",
        assets.as_bytes(),
        false,
    );
    assert_eq!(references(outcome), ["A-001"]);
    let risks = "Title,Description,Threat,Vulnerability,Assets,Owner,Likelihood,Impact,Treatment,Treatment plan,Controls,Status\n\
                 \x20 Theft \t,\"  Laptop left\n\ton a train\",\tthief, no lock ,  Ledger ; A-001 , CISO\t, 3 ,  4 , modify ,\"\n1. encrypt\n2. train \", 8.1 ; 5.15 , identified \n";
    let outcome = import_file(
        dir.path(),
        &path,
        Kind::Risks,
        "r.csv",
        risks.as_bytes(),
        false,
    );
    assert_eq!(references(outcome), ["R-001"]);

    let store = open(&path, OpenMode::ReadOnly).unwrap();
    let asset = &store.list::<Asset>().unwrap()[0].value;
    // Key and choice columns: trimmed.
    assert_eq!(asset.name, "Ledger");
    assert_eq!(asset.kind, AssetKind::Software);
    assert_eq!(asset.location, "AWS");
    assert_eq!(asset.confidentiality, 3);
    assert!(asset.in_scope);
    // Free text: exactly as written.
    assert_eq!(asset.owner, "\tCFO ");
    assert_eq!(asset.classification, " Internal\t");
    assert_eq!(asset.notes, "\t- first\n  - second\n");

    let risk = &store.list::<Risk>().unwrap()[0].value;
    assert_eq!(risk.title, "Theft");
    assert_eq!((risk.likelihood, risk.impact), (3, 4));
    assert_eq!(risk.treatment, Some(Treatment::Modify));
    assert_eq!(risk.status, RiskStatus::Identified);
    assert_eq!(risk.assets, ["A-001"]);
    assert_eq!(risk.controls, ["5.15", "8.1"]);
    assert_eq!(risk.description, "  Laptop left\n\ton a train");
    assert_eq!(risk.threat, "\tthief");
    assert_eq!(risk.vulnerability, " no lock ");
    assert_eq!(risk.owner, " CISO\t");
    assert_eq!(risk.treatment_plan, "\n1. encrypt\n2. train ");
}
