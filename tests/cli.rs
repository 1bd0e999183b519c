//! The `isms` binary run as a plain command: exit codes, messages and what it does to files.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A private home and data directory, so that nothing touches the real ones.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn data_home(&self) -> PathBuf {
        self.path("xdg-data")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_isms"));
        cmd.current_dir(self.dir.path())
            .env_remove("ISMS_DB")
            .env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.data_home())
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("ISMS_ACTOR", "cli-test")
            .env("NO_COLOR", "1")
            // The day the test is written for, whatever the clock says.
            .env("ISMS_TODAY", "2026-11-28")
            // A backtrace must never reach the user, even when one is asked for.
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = self.command().args(args).output().expect("run isms");
        Run::from(output)
    }

    /// Writes the demo into a new file and returns its path.
    fn demo(&self, name: &str) -> PathBuf {
        let path = self.path(name);
        self.run(&["demo", "--db", s(&path)]).success();
        path
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    fn success(&self) -> &Run {
        assert_eq!(self.code, Some(0), "{}", self.describe());
        self
    }

    /// Exit code 2 with one line on stderr, `isms: ...`, and no panic or backtrace.
    fn user_error(&self) -> &str {
        assert_eq!(self.code, Some(2), "{}", self.describe());
        let line = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(
            !line.contains('\n'),
            "more than one line: {}",
            self.describe()
        );
        assert!(line.starts_with("isms: "), "{}", self.describe());
        for word in [
            "panicked",
            "backtrace",
            "Backtrace",
            "RUST_BACKTRACE",
            "Caused by",
        ] {
            assert!(!line.contains(word), "{word:?} in: {}", self.describe());
        }
        line
    }
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn help_and_version_name_the_program() {
    let env = Env::new();
    for flag in ["--help", "--version"] {
        let run = env.run(&[flag]);
        run.success();
        assert!(run.stdout.contains("isms"), "{flag}: {}", run.describe());
    }
    let version = env.run(&["--version"]);
    assert!(
        version.stdout.contains(env!("CARGO_PKG_VERSION")),
        "{}",
        version.describe()
    );
}

#[test]
fn snapshot_of_a_missing_file_is_one_sentence_and_creates_nothing() {
    let env = Env::new();
    let missing = env.path("missing.sqlite3");
    let run = env.run(&["snapshot", "--tab", "scope", "--db", s(&missing)]);
    let line = run.user_error();
    assert!(line.contains(s(&missing)), "{}", run.describe());
    assert!(run.stdout.is_empty(), "{}", run.describe());
    assert!(!missing.exists());
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(!env.path(&format!("missing.sqlite3{suffix}")).exists());
    }
}

#[test]
fn init_creates_a_private_file_once() {
    let env = Env::new();
    let file = env.path("acme.sqlite3");
    let run = env.run(&["init", "--db", s(&file), "--org", "Acme Ltd"]);
    run.success();
    assert!(file.is_file());
    assert_eq!(mode(&file), 0o600, "mode {:o}", mode(&file));
    for suffix in ["-wal", "-shm"] {
        let side = env.path(&format!("acme.sqlite3{suffix}"));
        if side.exists() {
            assert_eq!(
                mode(&side),
                0o600,
                "{}: mode {:o}",
                side.display(),
                mode(&side)
            );
        }
    }

    let conn = rusqlite::Connection::open(&file).unwrap();
    let org: String = conn
        .query_row("SELECT organisation FROM workspace", [], |row| row.get(0))
        .unwrap();
    assert_eq!(org, "Acme Ltd");
    drop(conn);

    let before = fs::read(&file).unwrap();
    let again = env.run(&["init", "--db", s(&file), "--org", "Other Ltd"]);
    let line = again.user_error();
    assert!(line.contains("already exists"), "{}", again.describe());
    assert!(line.contains(s(&file)), "{}", again.describe());
    assert_eq!(fs::read(&file).unwrap(), before, "the file changed");

    // The snapshot shows the organisation.
    let snap = env.run(&[
        "snapshot",
        "--tab",
        "scope",
        "--width",
        "100",
        "--db",
        s(&file),
    ]);
    snap.success();
    assert!(snap.stdout.contains("Acme Ltd"), "{}", snap.describe());
}

#[test]
fn demo_writes_only_into_a_new_file() {
    let env = Env::new();
    let file = env.path("demo.sqlite3");
    let run = env.run(&["demo", "--db", s(&file)]);
    run.success();
    assert!(run.stdout.contains(s(&file)), "{}", run.describe());
    assert!(file.is_file());
    assert_eq!(mode(&file), 0o600, "mode {:o}", mode(&file));

    let before = fs::read(&file).unwrap();
    let again = env.run(&["demo", "--db", s(&file)]);
    let line = again.user_error();
    assert!(line.contains("already exists"), "{}", again.describe());
    assert_eq!(fs::read(&file).unwrap(), before, "the file changed");

    let without = env.run(&["demo"]);
    let line = without.user_error();
    assert!(line.contains("--db"), "{}", without.describe());
    assert!(!env
        .data_home()
        .join("isms-workbench/workbench.sqlite3")
        .exists());
}

#[test]
fn snapshot_prints_the_screen_of_a_tab() {
    let env = Env::new();
    let demo = env.demo("demo.sqlite3");
    let run = env.run(&[
        "snapshot",
        "--tab",
        "scope",
        "--width",
        "80",
        "--height",
        "24",
        "--db",
        s(&demo),
    ]);
    run.success();
    assert_eq!(run.stdout.lines().count(), 24, "{}", run.describe());
    for line in run.stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    // At 80 columns the tab row only has room for the start of the organisation's name.
    for text in ["Larchmere", "ISS-001", "Scope"] {
        assert!(
            run.stdout.contains(text),
            "{text:?} missing:\n{}",
            run.stdout
        );
    }
    assert!(run.stderr.is_empty(), "{}", run.describe());

    let wide = env.run(&[
        "snapshot",
        "--tab",
        "scope",
        "--width",
        "120",
        "--db",
        s(&demo),
    ]);
    wide.success();
    assert!(
        wide.stdout.contains("Larchmere Ledger Ltd"),
        "{}",
        wide.stdout
    );

    let seventh = env.run(&["snapshot", "--tab", "7", "--db", s(&demo)]);
    seventh.success();
    assert!(seventh.stdout.contains("MR-2026-01"), "{}", seventh.stdout);

    let nonsense = env.run(&["snapshot", "--tab", "nonsense", "--db", s(&demo)]);
    let line = nonsense.user_error();
    for tab in [
        "overview", "scope", "risks", "soa", "evidence", "audit", "review",
    ] {
        assert!(line.contains(tab), "{tab:?} not named: {line}");
    }
    assert!(line.contains("nonsense"), "{line}");
}

#[test]
fn a_file_that_is_not_a_database_is_left_untouched() {
    let env = Env::new();
    let file = env.path("notes.sqlite3");
    fs::write(&file, b"hello").unwrap();
    let run = env.run(&["snapshot", "--tab", "scope", "--db", s(&file)]);
    let line = run.user_error();
    assert!(line.contains("is not a SQLite database"), "{line}");
    assert!(line.contains(s(&file)), "{line}");
    assert!(line.ends_with('.'), "{line}");
    assert_eq!(
        line.matches(". ").count(),
        0,
        "more than one sentence: {line}"
    );
    assert_eq!(fs::read(&file).unwrap(), b"hello");
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(!env.path(&format!("notes.sqlite3{suffix}")).exists());
    }

    // `init` does not overwrite it either.
    let init = env.run(&["init", "--db", s(&file)]);
    assert!(
        init.user_error().contains("already exists"),
        "{}",
        init.describe()
    );
    assert_eq!(fs::read(&file).unwrap(), b"hello");
}

#[test]
fn the_workbench_needs_a_terminal() {
    let env = Env::new();
    let output = env
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run isms");
    let run = Run::from(output);
    let line = run.user_error();
    assert!(line.contains("terminal"), "{line}");
    assert!(run.stdout.is_empty(), "{}", run.describe());
    // Refused before the default workspace was created.
    assert!(!env
        .data_home()
        .join("isms-workbench/workbench.sqlite3")
        .exists());
}

#[test]
fn demo_flag_keeps_the_demo_in_the_data_directory() {
    let env = Env::new();
    let expected = env.data_home().join("isms-workbench/demo.sqlite3");
    assert!(!expected.exists());
    let run = env.run(&["--demo", "snapshot", "--tab", "scope", "--width", "100"]);
    run.success();
    assert!(expected.is_file(), "{} was not created", expected.display());
    assert!(
        run.stdout.contains("Larchmere Ledger Ltd"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("ISS-001"), "{}", run.stdout);
    let dir = expected.parent().unwrap();
    assert_eq!(mode(dir), 0o700, "data directory mode {:o}", mode(dir));

    // A second run reuses the same file.
    let before = fs::read(&expected).unwrap();
    env.run(&["--demo", "snapshot", "--tab", "scope"]).success();
    assert_eq!(fs::read(&expected).unwrap(), before);
    // Nothing under the real-looking home.
    assert!(!env.path("home").exists());
}

// ---- Known bugs in src/, kept here so that they are easy to check once fixed. ----

#[test]
fn creating_a_workspace_logs_the_actor() {
    let env = Env::new();
    let file = env.path("acme.sqlite3");
    env.run(&["init", "--db", s(&file), "--org", "Acme Ltd"])
        .success();
    let conn = rusqlite::Connection::open(&file).unwrap();
    let actors: Vec<String> = conn
        .prepare("SELECT DISTINCT actor FROM change_log")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actors, ["cli-test"]);
}

#[test]
fn demo_flag_works_with_isms_db_in_the_environment() {
    let env = Env::new();
    let own = env.path("own.sqlite3");
    let run = Run::from(
        env.command()
            .env("ISMS_DB", &own)
            .args(["--demo", "snapshot", "--tab", "scope", "--width", "100"])
            .output()
            .expect("run isms"),
    );
    run.success();
    assert!(
        run.stdout.contains("Larchmere Ledger Ltd"),
        "{}",
        run.stdout
    );
    assert!(!own.exists(), "the user's own workspace was touched");
}

#[test]
fn check_lists_the_demo_findings_and_exits_1_on_blockers() {
    let env = Env::new();
    let demo = env.demo("demo.sqlite3");
    let text = env.run(&["check", "--db", s(&demo)]);
    assert_eq!(text.code, Some(1), "{}", text.describe());
    assert!(text.stderr.is_empty(), "{}", text.describe());
    // The demo leaves a high risk untreated on purpose; it is a blocker under 6.1.3.
    let untreated = text
        .stdout
        .lines()
        .find(|line| line.contains("risk-untreated"))
        .unwrap_or_else(|| panic!("no untreated risk:\n{}", text.stdout));
    assert!(untreated.starts_with("blocker 6.1.3"), "{untreated}");
    let summary = text.stdout.lines().last().expect("a summary line");
    assert!(
        summary.ends_with("warnings.") && summary.contains("blocker"),
        "{summary}"
    );

    let json = env.run(&["check", "--format", "json", "--db", s(&demo)]);
    assert_eq!(json.code, Some(1), "{}", json.describe());
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    let findings = findings.as_array().expect("an array of findings");
    // One finding per line of text, minus the summary line.
    assert_eq!(findings.len(), text.stdout.lines().count() - 1);
    for finding in findings {
        for key in ["rule", "severity", "clause", "record", "message"] {
            assert!(finding.get(key).is_some(), "{key} missing in {finding}");
        }
    }
}

#[test]
fn check_names_the_demo_overdue_treatments_and_no_incomplete_one() {
    let env = Env::new();
    let demo = env.demo("demo.sqlite3");
    let json = env.run(&["check", "--format", "json", "--db", s(&demo)]);
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    let findings = findings.as_array().expect("an array of findings");
    let of_rule = |rule: &str| -> Vec<&serde_json::Value> {
        findings.iter().filter(|f| f["rule"] == rule).collect()
    };
    // The demo's ransomware treatment was due three weeks ago and is not done.
    let overdue = of_rule("treatment-overdue");
    let r001 = overdue
        .iter()
        .find(|f| f["record"] == "R-001")
        .unwrap_or_else(|| panic!("R-001 is not overdue: {overdue:?}"));
    assert_eq!(r001["severity"], "warning");
    assert_eq!(r001["clause"], "8.3");
    assert!(
        r001["message"]
            .as_str()
            .unwrap()
            .ends_with("was due on 2026-11-07 and is not done."),
        "{r001}"
    );
    // Every demo treatment above the threshold names its controls, plan and date.
    assert!(of_rule("treatment-incomplete").is_empty(), "{findings:?}");
}

#[test]
fn check_of_a_new_workspace_names_the_empty_scope() {
    let env = Env::new();
    let path = env.path("new.sqlite3");
    env.run(&["init", "--db", s(&path)]).success();
    let run = env.run(&["check", "--db", s(&path)]);
    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(
        run.stdout
            .lines()
            .any(|line| line.starts_with("blocker 4.3") && line.contains("scope")),
        "{}",
        run.describe()
    );
}

#[test]
fn output_into_a_reader_that_stops_early_is_quiet() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let env = Env::new();
    let demo = env.demo("demo.sqlite3");
    // 400x400 cells are far more than a pipe holds, so the writer meets the closed pipe.
    let mut child = env
        .command()
        .args([
            "snapshot", "--tab", "soa", "--width", "400", "--height", "400",
        ])
        .args(["--db", s(&demo)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn isms");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read one line");
    // The reader is dropped here, like `head -1` exiting.
    assert!(first.contains("Overview"), "{first}");
    let output = child.wait_with_output().expect("wait for isms");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn status_summarises_readiness_areas_and_milestones() {
    let env = Env::new();
    let demo = env.demo("demo.sqlite3");
    let run = env.run(&["status", "--db", s(&demo)]);
    run.success();
    let text = &run.stdout;
    // The figures are those of the library's own readiness rules on the same file today.
    let store = isms::store::Store::open(&demo, isms::store::OpenMode::MustExist).unwrap();
    let (findings, readiness) = store
        .check_with_readiness(isms::domain::dates::parse("2026-11-28").unwrap())
        .unwrap();
    for stage in [&readiness.stage1, &readiness.stage2] {
        let line = format!("{} readiness: {}%", stage.name, stage.percent());
        assert!(text.contains(&line), "{line} missing:\n{text}");
        assert!(text.contains(&stage.headline()), "{text}");
        for c in &stage.criteria {
            assert!(
                text.contains(&format!("{}: {}", c.label, c.figure())),
                "{text}"
            );
        }
    }
    let blockers = isms::domain::check::blockers(&findings).count();
    assert!(
        text.contains(&format!("Findings: {blockers} blocker")),
        "{text}"
    );
    for area in ["Scope", "Risks", "SoA", "Evidence", "Audit", "Review"] {
        assert!(text.lines().any(|l| l.starts_with(area)), "{area}:\n{text}");
    }
    assert!(
        text.contains("Next milestones") && text.contains("Stage 1 audit"),
        "{text}"
    );
}

#[test]
fn status_of_a_new_workspace_names_the_weakest_criterion_and_passes_nothing_on_nothing() {
    let env = Env::new();
    let file = env.path("new.sqlite3");
    env.run(&["init", "--db", s(&file), "--org", "Acme Ltd"])
        .success();
    let run = env.run(&["status", "--db", s(&file)]);
    run.success();
    let text = &run.stdout;
    for line in [
        "Stage 1 readiness: 0% (weakest: required documents, 0 of 16)",
        "  ✗ Required documents in place and approved: 0 of 16 (0%)",
        "Stage 2 readiness: 0% (weakest: decided, 0 of 93)",
        "  ✗ Annex A controls decided (applicable or excluded): 0 of 93 (0%)",
        // No applicable control: 0 of 0 is not met.
        "  ✗ Applicable controls implemented with evidence: 0 of 0 (0%)",
        "  ✗ No major nonconformity open after an internal audit: no audit yet (0%)",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} missing:\n{text}");
    }
    assert!(
        !text.contains('✓'),
        "nothing is met in a new workspace:\n{text}"
    );
}

#[test]
fn a_command_that_panics_prints_one_sentence() {
    let env = Env::new();
    let demo = env.demo("demo.sqlite3");
    let run = {
        let mut cmd = env.command();
        cmd.env("ISMS_TEST_PANIC", "command")
            .env("RUST_BACKTRACE", "1")
            .args(["status", "--db", s(&demo)]);
        Run::from(cmd.output().unwrap())
    };
    assert_eq!(run.code, Some(101), "{}", run.describe());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.describe());
    assert!(
        run.stderr.starts_with("isms: the command stopped"),
        "{}",
        run.describe()
    );
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("backtrace"));
    assert!(
        !run.stderr.contains("ISMS_TEST_PANIC"),
        "the message is left out"
    );
}

/// `ISMS_TODAY` fixes the day for every command: the demo is written around it and the pack is
/// dated with it, so two runs on different days give the same files. A date that does not
/// exist is refused before anything is opened.
#[test]
fn isms_today_fixes_the_day_of_every_command() {
    let env = Env::new();
    let leap = |args: &[&str]| {
        let output = env
            .command()
            .env("ISMS_TODAY", "2028-02-29")
            .args(args)
            .output()
            .expect("run isms");
        Run::from(output)
    };
    let demo = env.path("leap.sqlite3");
    leap(&["demo", "--db", s(&demo)]).success();
    let pack = env.path("pack");
    leap(&["export", "--db", s(&demo), "--out", s(&pack)]).success();
    let readme = std::fs::read_to_string(pack.join("README.md")).unwrap();
    assert!(readme.contains("Exported on 2028-02-29"), "{readme}");

    for bad in ["2027-02-29", "tomorrow", "29/02/2028"] {
        let output = env
            .command()
            .env("ISMS_TODAY", bad)
            .args(["status", "--db", s(&demo)])
            .output()
            .expect("run isms");
        let run = Run::from(output);
        let line = run.user_error();
        assert!(line.contains("ISMS_TODAY="), "{line}");
        assert!(line.contains("YYYY-MM-DD"), "{line}");
    }
}

#[test]
fn export_says_which_soa_the_pack_holds() {
    let env = Env::new();
    let demo = env.demo("demo.sqlite3");
    let changed = "7 controls changed since v1.0 approved on 2026-09-14 by Priya Shah (CTO)";

    // Today's SoA: every SoA file and the README say how much changed since v1.0.
    env.run(&["export", "--db", s(&demo), "--out", "today"])
        .success();
    let read = |path: &str| fs::read_to_string(env.path(path)).expect(path);
    let csv = read("today/03-soa/statement-of-applicability.csv");
    let first = csv.lines().next().unwrap();
    assert!(
        first.starts_with("\u{feff}\"Today's Statement of Applicability on 2026-11-28")
            && first.contains(changed),
        "{first}"
    );
    assert!(read("today/03-soa/statement-of-applicability.md").contains(changed));
    assert!(read("today/README.md")
        .contains(&format!("today's SoA, not an approved version: {changed}")));

    // The approved version: its frozen rows, said so.
    env.run(&[
        "export",
        "--db",
        s(&demo),
        "--out",
        "v1",
        "--soa-version",
        "v1.0",
    ])
    .success();
    let csv = read("v1/03-soa/statement-of-applicability.csv");
    assert!(
        csv.lines().next().unwrap().contains(&format!(
            "Approved version v1.0 of the Statement of Applicability, its content as frozen at approval (exported on 2026-11-28; a version records how many risks named each control, not which, and no evidence): {changed}"
        )),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("5.7,Threat intelligence,Organizational,Undecided,")),
        "5.7 as it was approved"
    );
    assert!(
        read("v1/README.md").contains("approved version v1.0, its content as frozen at approval")
    );
    assert!(read("v1/report.html").contains("Approved version v1.0"));

    // An unknown label: one sentence naming the versions there are; nothing written.
    let run = env.run(&[
        "export",
        "--db",
        s(&demo),
        "--out",
        "v9",
        "--soa-version",
        "v9",
    ]);
    assert_eq!(
        run.user_error(),
        "isms: no SoA version is labelled \"v9\"; the approved versions are v1.0."
    );
    assert!(!env.path("v9").exists());

    // A new workspace has no version yet, and says so.
    let empty = env.path("empty.sqlite3");
    env.run(&["init", "--db", s(&empty)]).success();
    env.run(&["export", "--db", s(&empty), "--out", "empty"])
        .success();
    assert!(read("empty/03-soa/statement-of-applicability.md").contains("no version approved yet"));
    assert!(read("empty/README.md").contains("no version approved yet"));
    let run = env.run(&[
        "export",
        "--db",
        s(&empty),
        "--out",
        "e2",
        "--soa-version",
        "v1.0",
    ]);
    assert_eq!(
        run.user_error(),
        "isms: no SoA version is labelled \"v1.0\": no version has been approved yet."
    );

    // The readiness check names the approved version that left controls undecided.
    let check = env.run(&["check", "--db", s(&demo)]);
    let line = check
        .stdout
        .lines()
        .find(|l| l.contains("soa-version-undecided"))
        .unwrap_or_else(|| panic!("{}", check.describe()));
    assert!(line.starts_with("blocker 6.1.3  SOAV-001"), "{line}");
}
