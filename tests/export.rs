//! The audit pack export: the SoA written as CSV, XLSX and Markdown, read back with the tools an
//! auditor's machine would use (the csv crate, calamine); the output folder's rules; the command
//! end to end.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use calamine::{open_workbook, Data, Reader, Xlsx};
use isms::demo::write_demo_on;
use isms::domain::dates::{self, Date};
use isms::domain::soa::{Applicability, Implementation, InclusionReason, SoaDecision};
use isms::export::{self, markdown, soa::SoaTable, PackData};
use isms::store::{OpenMode, SoaVersion, Store};

const CSV: &str = "03-soa/statement-of-applicability.csv";
const XLSX: &str = "03-soa/statement-of-applicability.xlsx";
const MD: &str = "03-soa/statement-of-applicability.md";
const INJECTION: &str = "=cmd|' /C calc'!A0 We have no premises of our own | everyone works remotely.\nThe co-working space's monitoring is theirs.";

fn date(text: &str) -> Date {
    dates::parse(text).unwrap()
}

fn today() -> Date {
    date("2026-05-01")
}

/// The demo organisation with an SoA set by this test (so that the snapshot does not follow
/// changes to the demo's own SoA) and an approved version made last.
fn workspace(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("workspace.sqlite3");
    let mut store = Store::open_as(
        &path,
        OpenMode::Create { organisation: None },
        "export-test",
    )
    .unwrap();
    store.set_fixed_time("2026-05-01T09:00:00Z");
    write_demo_on(&mut store, today()).unwrap();
    let controls = store.control_infos().unwrap();
    let decisions = [
        (
            "5.1",
            SoaDecision {
                applicability: Applicability::Yes,
                reasons: vec![InclusionReason::Legal, InclusionReason::Business],
                status: Implementation::Implemented,
                how: "Policy set approved by the board.\nReviewed every year.".into(),
                owner: "CISO".into(),
                last_reviewed: Some(date("2026-04-01")),
                ..SoaDecision::default()
            },
        ),
        (
            "5.15",
            SoaDecision {
                applicability: Applicability::Yes,
                reasons: vec![InclusionReason::Contractual],
                status: Implementation::Partial,
                owner: "IT | Operations".into(),
                target_date: Some(date("2026-09-30")),
                ..SoaDecision::default()
            },
        ),
        (
            "7.4",
            SoaDecision {
                applicability: Applicability::No,
                justification: INJECTION.into(),
                ..SoaDecision::default()
            },
        ),
        (
            "7.12",
            SoaDecision {
                applicability: Applicability::No,
                justification:
                    "No premises of our own: cabling is the landlord's and the cloud provider's."
                        .into(),
                ..SoaDecision::default()
            },
        ),
        (
            "8.1",
            SoaDecision {
                applicability: Applicability::Yes,
                status: Implementation::Planned,
                owner: "@helpdesk".into(),
                ..SoaDecision::default()
            },
        ),
    ];
    store
        .write(|writer| {
            for control in &controls {
                let decision = decisions
                    .iter()
                    .find(|(id, _)| *id == control.id)
                    .map(|(_, d)| d.clone())
                    .unwrap_or_default();
                writer.update(&control.id, &decision)?;
            }
            Ok(())
        })
        .unwrap();
    store
        .approve_soa(&SoaVersion {
            label: "v2.0-test".into(),
            approved_by: "Test Approver".into(),
            approved_on: date("2026-04-30"),
        })
        .unwrap();
    // Two controls change after the approval: 5.15 is now implemented, 5.2 is decided.
    let mut access = store.get::<SoaDecision>("5.15").unwrap().unwrap();
    access.status = Implementation::Implemented;
    store.update("5.15", &access).unwrap();
    store
        .update(
            "5.2",
            &SoaDecision {
                applicability: Applicability::Yes,
                reasons: vec![InclusionReason::Business],
                status: Implementation::Implemented,
                owner: "CEO".into(),
                ..SoaDecision::default()
            },
        )
        .unwrap();
    (path, store)
}

/// The sentence at the top of today's SoA files in the workspace above.
const CHANGED_SINCE: &str =
    "2 controls changed since v2.0-test approved on 2026-04-30 by Test Approver";

fn export_to(store: &Store, out: &Path, force: bool) -> anyhow::Result<Vec<String>> {
    export::export(store, out, force, today())
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, found);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                found.push(relative.to_str().unwrap().to_string());
            }
        }
    }
    let mut found = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut found);
    }
    found.sort();
    found
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = fs::read(path).unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("a BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body);
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn xlsx_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[0]).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "the header is on row 1");
    let rows = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(text) => text.clone(),
                    Data::Empty => String::new(),
                    other => panic!("every cell is text, found {other:?}"),
                })
                .collect()
        })
        .collect();
    (names, rows)
}

fn row<'a>(rows: &'a [Vec<String>], control: &str) -> &'a [String] {
    rows.iter().find(|r| r[0] == control).unwrap()
}

fn cell<'a>(rows: &'a [Vec<String>], control: &str, header: &str) -> &'a str {
    let column = SoaTable::headers()
        .iter()
        .position(|h| *h == header)
        .unwrap();
    &row(rows, control)[column]
}

#[test]
fn export_writes_the_soa_files_into_a_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("packs/2026-05");
    let written = export_to(&store, &out, false).unwrap();
    assert_eq!(
        &written[7..10],
        [CSV, XLSX, MD],
        "the SoA after the scope and risk files"
    );
    assert_eq!(
        written[10], "04-evidence/document-register.csv",
        "the document register after the SoA"
    );
    let mut expected: Vec<String> = written.clone();
    expected.sort();
    assert_eq!(files_under(&out), expected, "no temporary file is left");
}

#[test]
fn exported_csv_reads_back_with_every_control_and_injection_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("out");
    export_to(&store, &out, false).unwrap();

    let bytes = fs::read(out.join(CSV)).unwrap();
    assert!(bytes.starts_with(
        "\u{feff}\"Today's Statement of Applicability on 2026-05-01, not an approved version: "
            .as_bytes()
    ));
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(
        text.matches("\r\n").count(),
        95,
        "CRLF ends each record; line breaks inside a cell are kept as written"
    );
    assert!(text.contains("Policy set approved by the board.\nReviewed every year."));

    let rows = csv_rows(&out.join(CSV));
    assert!(rows[0][0].contains(CHANGED_SINCE), "{:?}", rows[0]);
    assert!(rows[0][1..].iter().all(String::is_empty));
    assert_eq!(rows[1], SoaTable::headers());
    let data = &rows[2..];
    assert_eq!(data.len(), 93);
    assert_eq!(data[0][0], "5.1");
    assert_eq!(data[92][0], "8.34");
    assert!(data.iter().all(|r| r.len() == 19));

    // The changed controls are marked with what changed; the others are not.
    assert_eq!(cell(data, "5.15", "Changed since approval"), "status");
    assert!(cell(data, "5.2", "Changed since approval").starts_with("applicability, "));
    assert_eq!(cell(data, "5.1", "Changed since approval"), "");
    assert_eq!(
        data.iter()
            .filter(|r| !r.last().unwrap().is_empty())
            .count(),
        2
    );

    assert_eq!(cell(data, "7.4", "Applicable"), "No");
    assert_eq!(
        cell(data, "7.4", "Justification for exclusion"),
        format!("'{INJECTION}")
    );
    assert_eq!(cell(data, "7.4", "Implementation status"), "");
    assert_eq!(cell(data, "8.1", "Owner"), "'@helpdesk");
    assert_eq!(cell(data, "5.15", "Owner"), "IT | Operations");
    assert_eq!(cell(data, "5.15", "Target date"), "2026-09-30");
    assert_eq!(cell(data, "5.1", "Last reviewed"), "2026-04-01");
    assert_eq!(cell(data, "5.1", "Implementation status"), "Implemented");
    assert_eq!(cell(data, "8.2", "Applicable"), "Undecided");

    // Linked risks and the derived reason follow the workspace's risk links.
    let soa = store.load_soa().unwrap();
    let (linked, risks) = soa
        .risks
        .iter()
        .min_by_key(|(control, _)| (*control).clone())
        .expect("the demo links risks to controls");
    assert_eq!(cell(data, linked, "Linked risks"), risks.join(", "));
    assert!(cell(data, linked, "Reasons for inclusion").starts_with("Risk treatment"));
    assert_eq!(
        cell(data, "5.1", "Reasons for inclusion").starts_with("Risk treatment"),
        soa.risk_count("5.1") > 0
    );
    assert!(cell(data, "5.1", "Reasons for inclusion")
        .ends_with("Legal or regulatory; Business requirement or best practice"));
    assert_eq!(
        cell(data, "5.1", "Security domains"),
        "Governance and Ecosystem, Resilience"
    );
}

#[test]
fn exported_xlsx_reads_back_and_matches_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("out");
    export_to(&store, &out, false).unwrap();

    let (names, rows) = xlsx_rows(&out.join(XLSX));
    assert_eq!(names, ["Statement of Applicability"]);
    assert!(rows[0][0].contains(CHANGED_SINCE), "{:?}", rows[0]);
    assert_eq!(rows[1], SoaTable::headers());
    assert_eq!(rows.len(), 2 + 93);
    assert_eq!(
        cell(&rows[2..], "7.4", "Justification for exclusion"),
        format!("'{INJECTION}")
    );
    assert_eq!(cell(&rows[2..], "8.1", "Owner"), "'@helpdesk");
    assert_eq!(cell(&rows[2..], "5.15", "Changed since approval"), "status");
    assert_eq!(rows, csv_rows(&out.join(CSV)), "the same cells as the CSV");
}

#[test]
fn exported_markdown_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("out");
    export_to(&store, &out, false).unwrap();
    let text = fs::read_to_string(out.join(MD)).unwrap();
    assert_eq!(
        text,
        markdown::soa(&PackData::load(&store, today()).unwrap()),
        "the file is the document"
    );
    insta::assert_snapshot!("soa_markdown", text);
}

#[test]
fn export_refuses_a_folder_that_is_not_empty_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let error = format!("{:#}", export_to(&store, &out, false).unwrap_err());
    assert!(
        error.contains("the folder is not empty") && error.contains("--force"),
        "{error}"
    );
    assert_eq!(files_under(&out), ["notes.txt"], "nothing written");
}

#[test]
fn export_force_replaces_only_the_earlier_pack_and_refuses_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let out = dir.path().join("out");
    let written = export_to(&store, &out, false).unwrap();
    let first = fs::read(out.join(CSV)).unwrap();
    fs::write(out.join(CSV), "stale").unwrap();
    let mut expected = files_under(&out);

    // A file the earlier pack did not write is named, and nothing is removed or written.
    fs::write(out.join("03-soa/reviewer-notes.txt"), "keep").unwrap();
    let error = format!("{:#}", export_to(&store, &out, true).unwrap_err());
    assert_eq!(
        error,
        format!(
            "{}: is not a file of the audit pack written there before (its SHA256SUMS does \
             not list it), and --force replaces only that pack; move it out of the folder or \
             choose another folder",
            out.join("03-soa/reviewer-notes.txt").display()
        )
    );
    assert_eq!(fs::read(out.join(CSV)).unwrap(), b"stale");

    // Moved out, the pack is replaced: every file the seal listed, and only those.
    fs::remove_file(out.join("03-soa/reviewer-notes.txt")).unwrap();
    export_to(&store, &out, true).unwrap();
    assert_eq!(fs::read(out.join(CSV)).unwrap(), first);
    expected.sort();
    assert_eq!(files_under(&out), expected);
    assert_eq!(written.len(), expected.len());

    // A folder that is not empty and holds no seal is no pack: refused, forced or not.
    let mine = dir.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("README.md"), "my notes").unwrap();
    let error = format!("{:#}", export_to(&store, &mine, true).unwrap_err());
    assert!(
        error.contains("mine: the folder is not empty and holds no SHA256SUMS"),
        "{error}"
    );
    assert_eq!(files_under(&mine), ["README.md"]);
}

#[test]
fn export_refuses_a_symbolic_link_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = workspace(dir.path());
    let elsewhere = dir.path().join("elsewhere.md");
    fs::write(&elsewhere, "not yours").unwrap();

    let out = dir.path().join("out");
    export_to(&store, &out, false).unwrap();
    fs::remove_file(out.join(MD)).unwrap();
    symlink(&elsewhere, out.join(MD)).unwrap();
    fs::write(out.join(CSV), "stale").unwrap();
    let error = format!("{:#}", export_to(&store, &out, true).unwrap_err());
    assert!(
        error.contains(&format!("{}: is a symbolic link", out.join(MD).display())),
        "{error}"
    );
    assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "not yours");
    assert_eq!(
        fs::read(out.join(CSV)).unwrap(),
        b"stale",
        "nothing written"
    );

    // A link in place of the pack's folder is refused as well.
    let out = dir.path().join("out2");
    let target = dir.path().join("target");
    fs::create_dir_all(&target).unwrap();
    fs::create_dir(&out).unwrap();
    symlink(&target, out.join("03-soa")).unwrap();
    let error = format!("{:#}", export_to(&store, &out, true).unwrap_err());
    assert!(error.contains("03-soa: is a symbolic link"), "{error}");
    assert!(files_under(&target).is_empty());

    // And --out itself a link, to a folder or to nothing.
    for (name, points_to) in [("link", &target), ("dangling", &dir.path().join("nowhere"))] {
        let link = dir.path().join(name);
        symlink(points_to, &link).unwrap();
        let error = format!("{:#}", export_to(&store, &link, true).unwrap_err());
        assert!(
            error.starts_with(&format!("{}: is a symbolic link", link.display())),
            "{error}"
        );
    }
    assert!(files_under(&target).is_empty());
    assert!(!dir.path().join("nowhere").exists());
}

// The command end to end.

fn isms(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("ISMS_ACTOR", "export-test")
        .env("NO_COLOR", "1")
        // The day the test is written for, whatever the clock says.
        .env("ISMS_TODAY", "2026-11-28")
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Exit 2 with one sentence on stderr and nothing on stdout.
fn one_sentence_error(output: &Output) -> String {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stdout(output).is_empty());
    let line = stderr.strip_suffix('\n').unwrap_or(&stderr);
    assert!(!line.contains('\n'), "one line: {stderr}");
    assert!(line.starts_with("isms: ") && line.ends_with('.'), "{line}");
    assert!(!line.contains("panicked") && !line.contains("acktrace"));
    line.to_string()
}

#[test]
fn export_command_writes_refuses_and_forces() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = workspace(dir.path());
    drop(store);
    let db = db.to_str().unwrap();

    let run = isms(dir.path(), &["export", "--db", db, "--out", "pack"]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let text = stdout(&run);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(&lines[7..10], [CSV, XLSX, MD]);
    let (summary, files) = lines.split_last().unwrap();
    assert!(
        summary.starts_with(&format!("Wrote {} files of the audit pack", files.len()))
            && summary.ends_with(" to pack."),
        "{text}"
    );
    let pack = dir.path().join("pack");
    assert!(files.iter().all(|file| pack.join(file).is_file()), "{text}");
    assert_eq!(csv_rows(&pack.join(CSV)).len(), 95);

    let line = one_sentence_error(&isms(dir.path(), &["export", "--db", db, "--out", "pack"]));
    assert!(line.contains("pack: the folder is not empty"), "{line}");

    let run = isms(
        dir.path(),
        &["export", "--db", db, "--out", "pack", "--force"],
    );
    assert_eq!(run.status.code(), Some(0), "{run:?}");

    fs::remove_file(pack.join(MD)).unwrap();
    symlink(dir.path().join("elsewhere"), pack.join(MD)).unwrap();
    let line = one_sentence_error(&isms(
        dir.path(),
        &["export", "--db", db, "--out", "pack", "--force"],
    ));
    assert!(
        line.contains("statement-of-applicability.md: is a symbolic link"),
        "{line}"
    );
    assert!(!dir.path().join("elsewhere").exists());
}

/// Every entry under `dir` whose name is a staging folder's.
fn staging_folders(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(export::pack::STAGING_PREFIX))
                .collect()
        })
        .unwrap_or_default()
}

/// `isms export` under `sh -c` with the given shell commands first (umask, ulimit).
fn isms_under_sh(dir: &Path, prefix: &str, args: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("{prefix}; exec \"$ISMS\" {args}"))
        .env("ISMS", env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("ISMS_ACTOR", "export-test")
        .env("NO_COLOR", "1")
        .env("ISMS_TODAY", "2026-11-28")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn export_command_refuses_an_out_that_is_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = workspace(dir.path());
    drop(store);
    let target = dir.path().join("target");
    fs::create_dir(&target).unwrap();
    symlink(&target, dir.path().join("link")).unwrap();
    for out in ["link", "link/"] {
        let line = one_sentence_error(&isms(
            dir.path(),
            &[
                "export",
                "--db",
                db.to_str().unwrap(),
                "--out",
                out,
                "--force",
            ],
        ));
        assert!(line.starts_with("isms: link: is a symbolic link"), "{line}");
    }
    assert!(files_under(&target).is_empty());
}

#[test]
fn pack_files_are_private_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = workspace(dir.path());
    drop(store);
    for umask in ["000", "022"] {
        let run = isms_under_sh(
            dir.path(),
            &format!("umask {umask}"),
            &format!("export --db {} --out pack-{umask}", db.display()),
        );
        assert_eq!(run.status.code(), Some(0), "{run:?}");
        let out = dir.path().join(format!("pack-{umask}"));
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), 0o700, "umask {umask}");
        let files = files_under(&out);
        assert!(files.len() > 15);
        for file in files {
            let path = out.join(&file);
            assert_eq!(mode(&path), 0o600, "umask {umask}: {file}");
            assert_eq!(mode(path.parent().unwrap()), 0o700, "umask {umask}: {file}");
        }
    }
}

#[test]
fn a_failed_export_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = workspace(dir.path());
    drop(store);
    // A file size limit of 64 KiB (SIGXFSZ ignored, so the write fails as on a full disk):
    // workspace.json cannot be written.
    let limited = "trap '' XFSZ; ulimit -f 128";
    let run = isms_under_sh(
        dir.path(),
        limited,
        &format!("export --db {} --out pack", db.display()),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("workspace.json: could not be written"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("pack").exists(),
        "the folder it made is gone"
    );

    // Over an earlier pack: that pack is left whole, with no staging folder.
    let run = isms(
        dir.path(),
        &["export", "--db", db.to_str().unwrap(), "--out", "pack"],
    );
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let pack = dir.path().join("pack");
    let before: Vec<(String, Vec<u8>)> = files_under(&pack)
        .into_iter()
        .map(|file| (file.clone(), fs::read(pack.join(&file)).unwrap()))
        .collect();
    let run = isms_under_sh(
        dir.path(),
        limited,
        &format!("export --db {} --out pack --force", db.display()),
    );
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let after: Vec<(String, Vec<u8>)> = files_under(&pack)
        .into_iter()
        .map(|file| (file.clone(), fs::read(pack.join(&file)).unwrap()))
        .collect();
    assert!(before == after, "the earlier pack is untouched");
    assert!(staging_folders(&pack).is_empty());
}

#[test]
fn a_killed_export_leaves_nothing_the_next_one_trips_over() {
    let dir = tempfile::tempdir().unwrap();
    // A workspace with a 16 MiB note full of commas: the export takes long enough to be
    // killed in the middle.
    let unit = "word, other, ";
    let note = unit.repeat((16 << 20) / unit.len());
    fs::write(
        dir.path().join("assets.csv"),
        format!("Name,Kind,Notes\nBig laptop,Hardware,\"{note}\"\n"),
    )
    .unwrap();
    let db = dir.path().join("big.sqlite3");
    let db = db.to_str().unwrap();
    let run = isms(dir.path(), &["import", "assets", "assets.csv", "--db", db]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");

    for force in [false, true] {
        let pack = dir.path().join(format!("pack-{force}"));
        let mut args = vec!["export", "--db", db, "--out", pack.to_str().unwrap()];
        if force {
            args.push("--force");
            let run = isms(dir.path(), &args);
            assert_eq!(run.status.code(), Some(0), "{run:?}");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_isms"))
            .current_dir(dir.path())
            .env("ISMS_TODAY", "2026-11-28")
            .env("ISMS_ACTOR", "export-test")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed once the staging folder holds part of workspace.json.
        let started = std::time::Instant::now();
        loop {
            let staged = staging_folders(&pack)
                .iter()
                .any(|name| pack.join(name).join("workspace.json").exists());
            if staged || started.elapsed().as_secs() > 60 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "still running when killed"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(staging_folders(&pack).len(), 1, "killed in the middle");

        // The next export, forced or not as before, succeeds and leaves no staging folder.
        let run = isms(dir.path(), &args);
        assert_eq!(run.status.code(), Some(0), "{run:?}");
        assert!(staging_folders(&pack).is_empty());
        let seal = fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
        let mut listed: Vec<String> = seal
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| line.split_once("  ").unwrap().1.to_string())
            .collect();
        listed.push("SHA256SUMS".into());
        listed.sort();
        assert_eq!(files_under(&pack), listed);
    }
}

#[test]
fn export_command_refuses_a_missing_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.sqlite3");
    let line = one_sentence_error(&isms(
        dir.path(),
        &["export", "--db", missing.to_str().unwrap(), "--out", "pack"],
    ));
    assert!(line.contains("missing.sqlite3"), "{line}");
    assert!(!missing.exists());
    assert!(!dir.path().join("pack").exists());
}

#[test]
fn todays_soa_files_and_the_readme_say_what_changed_since_the_approved_version() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = workspace(dir.path());
    drop(store);
    let run = isms(
        dir.path(),
        &["export", "--db", db.to_str().unwrap(), "--out", "pack"],
    );
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let pack = dir.path().join("pack");
    let md = fs::read_to_string(pack.join(MD)).unwrap();
    assert!(
        md.contains(&format!(
            "Today's Statement of Applicability on 2026-11-28, not an approved version: \
             {CHANGED_SINCE}; the column \"Changed since approval\" marks them."
        )),
        "{md}"
    );
    assert!(md.contains("| 5.15 | status | Partially implemented | Implemented |"));
    let readme = fs::read_to_string(pack.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!(
            "Statement of Applicability (`03-soa/`): today's SoA, not an approved version: \
             {CHANGED_SINCE} (each SoA file marks them)."
        )),
        "{readme}"
    );
    let csv = csv_rows(&pack.join(CSV));
    assert!(csv[0][0].contains(CHANGED_SINCE));
    let html = fs::read_to_string(pack.join("report.html")).unwrap();
    assert!(html.contains(CHANGED_SINCE), "report.html says it too");
}

#[test]
fn an_approved_version_exports_its_frozen_content() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = workspace(dir.path());
    drop(store);
    let db = db.to_str().unwrap();
    let run = isms(
        dir.path(),
        &[
            "export",
            "--db",
            db,
            "--out",
            "pack",
            "--soa-version",
            "v2.0-test",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let pack = dir.path().join("pack");
    let rows = csv_rows(&pack.join(CSV));
    assert_eq!(
        rows[0][0],
        format!(
            "Approved version v2.0-test of the Statement of Applicability, its content as frozen \
             at approval (exported on 2026-11-28; a version records how many risks named each \
             control, not which, and no evidence): {CHANGED_SINCE}; the column \"Changed since \
             approval\" marks them."
        )
    );
    let data = &rows[2..];
    // The rows as approved, not as they are today; the marks say what differs today.
    assert_eq!(
        cell(data, "5.15", "Implementation status"),
        "Partially implemented"
    );
    assert_eq!(cell(data, "5.15", "Changed since approval"), "status");
    assert_eq!(cell(data, "5.2", "Applicable"), "Undecided");
    assert_eq!(cell(data, "5.1", "Owner"), "CISO");
    let (_, sheet) = xlsx_rows(&pack.join(XLSX));
    assert_eq!(sheet, rows, "the workbook holds the same frozen rows");
    let md = fs::read_to_string(pack.join(MD)).unwrap();
    assert!(md.contains("Approved version v2.0-test of the Statement of Applicability"));
    assert!(
        md.contains("| 5.15 | Access control | Yes | Risk treatment; Contractual | Partial | IT \\| Operations | status |"),
        "{md}"
    );
    let readme = fs::read_to_string(pack.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!(
            "approved version v2.0-test, its content as frozen at approval; on 2026-11-28, \
             {CHANGED_SINCE} (each SoA file marks them). Every other file holds the workspace \
             as it is on 2026-11-28."
        )),
        "{readme}"
    );

    // An unknown label is one sentence naming the versions there are, and writes nothing.
    let line = one_sentence_error(&isms(
        dir.path(),
        &[
            "export",
            "--db",
            db,
            "--out",
            "other",
            "--soa-version",
            "v9",
        ],
    ));
    assert_eq!(
        line,
        "isms: no SoA version is labelled \"v9\"; the approved versions are v1.0, v2.0-test."
    );
    assert!(!dir.path().join("other").exists());
}
