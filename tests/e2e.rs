//! End-to-end tests of the real `isms` binary in a pseudo-terminal: keys go in as the bytes a
//! terminal sends, and the screen is read back through a VT100 emulator.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);

const RIGHT: &str = "\x1b[C";
const ENTER: &str = "\r";
const TAB: &str = "\t";
const ESC: &str = "\x1b";
const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";

/// What the reader thread has seen so far.
struct Output {
    parser: vt100::Parser,
    /// Every byte the child wrote, for checks on escape sequences.
    raw: Vec<u8>,
}

/// The `isms` binary running in a pseudo-terminal.
struct Tui {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Output>>,
    /// Set by the reader thread once the pty reports end of file.
    eof: Arc<AtomicBool>,
    /// Keeps the data directory alive while the child runs.
    _home: tempfile::TempDir,
}

impl Tui {
    /// Starts the workbench on `db` in a `cols` x `rows` terminal.
    fn spawn(db: &Path, cols: u16, rows: u16) -> Tui {
        Tui::spawn_with_env(db, cols, rows, &[])
    }

    fn spawn_with_env(db: &Path, cols: u16, rows: u16, env: &[(&str, &str)]) -> Tui {
        let home = tempfile::tempdir().expect("temp home");
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");

        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_isms"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.cwd(home.path());
        cmd.env_remove("ISMS_DB");
        cmd.env("NO_COLOR", "1");
        cmd.env("ISMS_TODAY", "2026-11-28");
        cmd.env("TERM", "xterm-256color");
        cmd.env("ISMS_ACTOR", "e2e");
        cmd.env("HOME", home.path());
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn isms");
        // Only the child may hold the slave end, or the reader would never see end of file.
        drop(pty.slave);

        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
        }));
        let eof = Arc::new(AtomicBool::new(false));
        {
            let output = Arc::clone(&output);
            let eof = Arc::clone(&eof);
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let mut output = output.lock().unwrap();
                            output.parser.process(&buf[..n]);
                            output.raw.extend_from_slice(&buf[..n]);
                        }
                    }
                }
                eof.store(true, Ordering::SeqCst);
            });
        }
        Tui {
            child,
            master: pty.master,
            writer,
            output,
            eof,
            _home: home,
        }
    }

    fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.writer.write_all(bytes.as_ref()).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    fn screen(&self) -> String {
        self.output.lock().unwrap().parser.screen().contents()
    }

    fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap().raw.clone()
    }

    /// Polls the screen until `done` holds, panicking with the screen on timeout.
    fn wait_until(&self, what: &str, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() >= deadline {
                panic!("timed out after {timeout:?} waiting for {what}; the screen:\n{screen}\n");
            }
            thread::sleep(POLL);
        }
    }

    /// Waits for `text` on the screen, also across the line breaks of wrapped paragraphs.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), TIMEOUT, |screen| {
            screen.contains(text) || flatten(screen).contains(text)
        })
    }

    /// Waits for `text` to leave the screen.
    fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to go away"), TIMEOUT, |screen| {
            !screen.contains(text)
        })
    }

    /// Waits for the child to exit, then for the pty to drain, and returns the exit status.
    fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "the workbench did not exit within {timeout:?}; the screen:\n{}\n",
                    self.screen()
                );
            }
            thread::sleep(POLL);
        };
        while !self.eof.load(Ordering::SeqCst) && Instant::now() < deadline {
            thread::sleep(POLL);
        }
        status
    }

    /// The terminal's local flags (ICANON, ECHO, ...) as their names.
    fn local_flags(&self) -> Vec<String> {
        let termios = self.master.get_termios().expect("termios of the pty");
        format!("{:?}", termios.local_flags)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The screen's rows, trimmed and joined by single spaces: a wrapped sentence reads whole.
fn flatten(screen: &str) -> String {
    screen
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn new_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("workspace.sqlite3");
    (dir, path)
}

fn open_db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the workspace with rusqlite")
}

/// Starts the workbench, which opens on the Overview, and goes to the Scope tab.
fn start(db: &Path, cols: u16, rows: u16) -> Tui {
    let mut tui = Tui::spawn(db, cols, rows);
    tui.wait_for("Readiness on");
    tui.send("2");
    tui.wait_for("Issues");
    tui.wait_for(" 2 Scope ");
    tui
}

/// Adds R-001 with `title`, likelihood 3 and impact 2, from the Risks tab of an empty
/// workspace.
fn add_first_risk(tui: &mut Tui, title: &str) {
    tui.send("3");
    tui.wait_for("No risks yet");
    tui.send("n");
    tui.wait_for("New risk");
    tui.send(title);
    // Title, description, threat, vulnerability, assets, owner, likelihood.
    for _ in 0..6 {
        tui.send(TAB);
    }
    tui.send("\x1b[C\x1b[C"); // likelihood 3
    tui.send(TAB);
    tui.send("\x1b[C"); // impact 2
    tui.send(CTRL_S);
    tui.wait_for("Saved R-001");
}

fn quit(mut tui: Tui) -> Tui {
    tui.send("q");
    let status = tui.wait_exit(TIMEOUT);
    assert!(
        status.success(),
        "exit status {status:?}; the screen:\n{}",
        tui.screen()
    );
    tui
}

#[test]
fn scope_statement_survives_restart() {
    let (_dir, db) = new_db();
    let statement = "The ISMS covers the payroll service in Leeds.";

    let mut tui = start(&db, 100, 30);
    tui.wait_for("No context issue yet");
    tui.send(RIGHT);
    tui.wait_for("▸Parties 0◂");
    tui.send(RIGHT);
    tui.wait_for("Enter to edit");
    tui.wait_for("No scope statement yet");
    tui.send(ENTER);
    tui.wait_for("· editing");
    tui.send(statement);
    tui.wait_for(statement);
    tui.wait_for("unsaved changes");
    tui.send(CTRL_S);
    tui.wait_for("Saved the scope statement");
    tui.wait_for("Enter to edit");
    drop(quit(tui));

    let mut tui = start(&db, 100, 30);
    tui.send(RIGHT);
    tui.wait_for("▸Parties 0◂");
    tui.send(RIGHT);
    tui.wait_for("Enter to edit");
    tui.wait_for(statement);
    drop(quit(tui));

    let conn = open_db(&db);
    let stored: String = conn
        .query_row("SELECT scope_statement FROM workspace", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(stored, statement);
    let (actor, new): (String, Option<String>) = conn
        .query_row(
            "SELECT actor, new FROM change_log WHERE field = 'scope_statement' \
             AND operation = 'update' ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("a change-log row for the scope statement");
    assert_eq!(actor, "e2e");
    assert_eq!(new.as_deref(), Some(statement));
}

#[test]
fn quit_asks_when_a_form_has_unsaved_changes() {
    let (_dir, db) = new_db();
    let mut tui = start(&db, 100, 30);
    tui.send("n");
    tui.wait_for("New context issue");
    // The first field is the Kind choice; Tab moves on to the Issue text.
    tui.send(TAB);
    tui.send("Unsaved text");
    tui.wait_for("Unsaved text");

    tui.send(CTRL_Q);
    tui.wait_for("There are unsaved changes. Quit without saving them?");
    tui.send("n");
    tui.wait_gone("Quit without saving");
    // Still running, the form and its text still there.
    let screen = tui.wait_for("Unsaved text");
    assert!(screen.contains("New context issue"), "{screen}");
    assert!(tui.child.try_wait().unwrap().is_none());

    tui.send(ESC);
    tui.wait_for("Discard the changes in this form?");
    tui.send("y");
    tui.wait_gone("New context issue");
    tui.wait_for("No context issue yet");
    drop(quit(tui));

    let count: i64 = open_db(&db)
        .query_row("SELECT count(*) FROM context_issue", [], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn adds_an_issue_and_finds_it_after_restart() {
    let (_dir, db) = new_db();
    let description = "Payroll supplier is changing its API";

    let mut tui = start(&db, 100, 30);
    tui.send("n");
    tui.wait_for("New context issue");
    tui.send(TAB);
    tui.send(description);
    tui.wait_for(description);
    tui.send(CTRL_S);
    tui.wait_for("Saved ISS-001");
    tui.wait_gone("New context issue");
    drop(quit(tui));

    let tui = start(&db, 100, 30);
    let screen = tui.wait_for(description);
    let row = screen
        .lines()
        .find(|line| line.contains("ISS-001"))
        .unwrap_or_else(|| panic!("no ISS-001 row:\n{screen}"));
    assert!(row.contains(description), "{row}");
    assert!(row.contains("External"), "{row}");
    drop(quit(tui));

    let conn = open_db(&db);
    let (reference, stored): (String, String) = conn
        .query_row("SELECT ref, description FROM context_issue", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    assert_eq!(reference, "ISS-001");
    assert_eq!(stored, description);
}

#[test]
fn terminal_is_restored_on_quit() {
    let (_dir, db) = new_db();
    let tui = start(&db, 100, 30);
    let flags = tui.local_flags();
    assert!(
        !flags.iter().any(|f| f == "ICANON" || f == "ECHO"),
        "raw mode while running: {flags:?}"
    );
    let tui = quit(tui);

    let raw = tui.raw();
    let last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = last(b"\x1b[?1049h").expect("entered the alternate screen");
    let left = last(b"\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered, "left at {left}, last entered at {entered}");
    for (on, off) in [
        (&b"\x1b[?1000h"[..], &b"\x1b[?1000l"[..]), // mouse capture
        (&b"\x1b[?2004h"[..], &b"\x1b[?2004l"[..]), // bracketed paste
    ] {
        let on_at = last(on).expect("enabled");
        let off_at = last(off).unwrap_or_else(|| panic!("{off:?} never sent"));
        assert!(off_at > on_at, "{off:?} not sent after {on:?}");
    }
    let shown = last(b"\x1b[?25h").expect("cursor shown");
    let hidden = last(b"\x1b[?25l").unwrap_or(0);
    assert!(shown > hidden, "cursor left hidden");
    assert!(!tui.screen().contains("Issues"), "{}", tui.screen());

    // Cooked mode again: canonical input and echo.
    let flags = tui.local_flags();
    assert!(flags.iter().any(|f| f == "ICANON"), "{flags:?}");
    assert!(flags.iter().any(|f| f == "ECHO"), "{flags:?}");
}

#[test]
fn too_small_terminal_says_so() {
    let (_dir, db) = new_db();
    let tui = Tui::spawn(&db, 40, 10);
    tui.wait_for("needs a terminal of at least 70x16; this one is 40x10");
    drop(quit(tui));
}

#[test]
fn a_panic_restores_the_terminal_and_prints_a_short_note() {
    let (_dir, db) = new_db();
    let mut tui = Tui::spawn_with_env(
        &db,
        100,
        30,
        &[("ISMS_TEST_PANIC", "1"), ("RUST_BACKTRACE", "1")],
    );
    let status = tui.wait_exit(TIMEOUT);
    assert!(!status.success(), "a panic must not exit 0");
    let raw = tui.raw();
    let last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = last(b"\x1b[?1049h").expect("entered the alternate screen");
    let left = last(b"\x1b[?1049l").expect("left the alternate screen");
    assert!(
        left > entered,
        "the alternate screen was not left after the panic"
    );
    let text = String::from_utf8_lossy(&raw[left..]).to_string();
    assert!(
        text.contains("internal error"),
        "no crash note after the restore: {text:?}"
    );
    assert!(
        text.contains(&*db.to_string_lossy()),
        "the note names the workspace: {text:?}"
    );
    assert!(
        !text.contains("stack backtrace") && !text.contains("panicked at"),
        "{text:?}"
    );
    // The panic's own message may quote record text, so it is never printed.
    assert!(!text.contains("test panic requested"), "{text:?}");
    let flags = tui.local_flags();
    assert!(
        flags.iter().any(|f| f == "ICANON") && flags.iter().any(|f| f == "ECHO"),
        "{flags:?}"
    );
}

#[test]
fn adds_a_risk_and_finds_it_after_restart() {
    let (_dir, db) = new_db();
    let title = "Laptop stolen from a car";

    let mut tui = start(&db, 110, 32);
    add_first_risk(&mut tui, title);
    drop(quit(tui));

    let mut tui = start(&db, 110, 32);
    tui.send("3");
    let screen = tui.wait_for(title);
    let row = screen
        .lines()
        .find(|line| line.contains("R-001"))
        .unwrap_or_else(|| panic!("no R-001 row:\n{screen}"));
    assert!(row.contains(" 6 Medium"), "3 x 2 = 6, a medium risk: {row}");
    tui.send("q");
    let _ = tui.wait_exit(TIMEOUT);

    let conn = open_db(&db);
    let (stored, likelihood, impact): (String, i64, i64) = conn
        .query_row("SELECT title, likelihood, impact FROM risk", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .unwrap();
    assert_eq!((stored.as_str(), likelihood, impact), (title, 3, 2));
}

#[test]
fn records_five_audit_results_and_finds_them_after_restart() {
    let (_dir, db) = new_db();
    // A workspace with one audit of three clauses and two applicable controls.
    {
        use isms::domain::audit::{Audit, AuditStatus};
        use isms::domain::soa::{Applicability, SoaDecision};
        let mut store = isms::store::Store::open(
            &db,
            isms::store::OpenMode::Create {
                organisation: Some("Acme".into()),
            },
        )
        .unwrap();
        for control in ["5.15", "8.13"] {
            let decision = SoaDecision {
                applicability: Applicability::Yes,
                ..SoaDecision::default()
            };
            store.update(control, &decision).unwrap();
        }
        let audit = Audit {
            title: "First internal audit".into(),
            clauses: vec!["4.1".into(), "4.2".into(), "4.3".into()],
            controls: vec!["5.15".into(), "8.13".into()],
            lead_auditor: "Ruth".into(),
            status: AuditStatus::InProgress,
            planned_start: isms::domain::dates::parse("2026-11-01").ok(),
            ..Audit::default()
        };
        store
            .create_audit(&audit, isms::domain::dates::parse("2026-11-28").unwrap())
            .unwrap();
    }

    let mut tui = start(&db, 110, 32);
    tui.send("6");
    tui.wait_for("IA-2026-01");
    tui.send("\x1b[C"); // the checklist
    tui.wait_for("0/5 audited");
    // Conforming is one key; an observation, an OFI and an NC ask for a note first.
    tui.send("c");
    tui.wait_for("1/5 audited");
    for (key, note, done) in [
        ("o", "Leavers list kept by hand", "2/5 audited"),
        ("i", "Automate the leavers list", "3/5 audited"),
        ("m", "Two leavers kept VPN access", "4/5 audited"),
    ] {
        tui.send(key);
        tui.wait_for("note what was found");
        tui.send(note);
        tui.wait_for(note);
        tui.send("\x13"); // Ctrl-S
        tui.wait_for(done);
    }
    tui.send("c");
    tui.wait_for("5/5 audited");
    drop(quit(tui));

    let mut tui = start(&db, 110, 32);
    tui.send("6");
    tui.wait_for("IA-2026-01");
    tui.send("\x1b[C");
    let screen = tui.wait_for("5/5 audited");
    for result in ["Conforming", "Observation", "OFI", "Minor NC"] {
        assert!(screen.contains(result), "{result} missing:\n{screen}");
    }
    tui.send("q");
    let _ = tui.wait_exit(TIMEOUT);

    let conn = open_db(&db);
    let results: Vec<String> = conn
        .prepare("SELECT result FROM checklist_item ORDER BY id")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        results,
        ["conforming", "observation", "ofi", "minor_nc", "conforming"]
    );
    let ncs: i64 = conn
        .query_row("SELECT count(*) FROM nonconformity", [], |row| row.get(0))
        .unwrap();
    assert_eq!(ncs, 1, "the minor NC raised one nonconformity");
    let statement: String = conn
        .query_row("SELECT statement FROM nonconformity", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        statement, "Two leavers kept VPN access",
        "the note, not the question"
    );
}

#[test]
fn unsaved_text_survives_a_kill_and_is_restored_on_yes() {
    let (_dir, db) = new_db();
    let title = "Laptop stolen from a car";
    let typed = " at the station";

    // A saved risk, then its form opened and typed into, and the process killed.
    let mut tui = start(&db, 110, 32);
    add_first_risk(&mut tui, title);
    tui.send(ENTER);
    tui.wait_for("Edit R-001");
    tui.send(typed);
    tui.wait_for(&format!("{title}{typed}"));
    // The draft is kept a couple of seconds after the last keystroke.
    thread::sleep(Duration::from_secs(3));
    let pid = tui.child.process_id().expect("the workbench's pid");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let _ = tui.wait_exit(TIMEOUT);
    drop(tui);
    let conn = open_db(&db);
    let kept: String = conn
        .query_row("SELECT text FROM draft WHERE record = 'R-001'", [], |row| {
            row.get(0)
        })
        .expect("a draft for R-001 after the kill");
    assert_eq!(kept, format!("{title}{typed}"));
    drop(conn);

    // The next start asks; yes opens the form with the text, and saving keeps it.
    let mut tui = Tui::spawn(&db, 110, 32);
    tui.wait_for("Unsaved text from");
    tui.wait_for("R-001 · Title");
    tui.send("y");
    tui.wait_for("Restored the unsaved text");
    tui.wait_for(&format!("{title}{typed}"));
    tui.send(CTRL_S);
    tui.wait_for("Saved R-001");
    drop(quit(tui));

    let tui = Tui::spawn(&db, 110, 32);
    tui.wait_for("Readiness on");
    let screen = tui.screen();
    assert!(!screen.contains("Unsaved text"), "{screen}");
    drop(quit(tui));

    let conn = open_db(&db);
    let stored: String = conn
        .query_row("SELECT title FROM risk WHERE ref = 'R-001'", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(stored, format!("{title}{typed}"));
    let drafts: i64 = conn
        .query_row("SELECT count(*) FROM draft", [], |row| row.get(0))
        .unwrap();
    assert_eq!(drafts, 0, "no draft remains after the save");
}

#[test]
fn an_accepted_risk_with_open_treatment_stays_in_the_plan_after_restart() {
    let (_dir, db) = new_db();
    let mut tui = start(&db, 110, 36);
    tui.send("3");
    tui.wait_for("No risks yet");
    tui.send("n");
    tui.wait_for("New risk");
    tui.send("Ransomware on the file server");
    // Description, threat, vulnerability, assets, then the owner.
    for _ in 0..5 {
        tui.send(TAB);
    }
    tui.send("Head of IT");
    // Likelihood 4 and impact 5, typed: 20, above the threshold.
    tui.send(TAB);
    tui.send("4");
    tui.send(TAB);
    tui.send("5");
    tui.wait_for("4 x 5 = 20 Critical");
    tui.send(TAB);
    tui.send("m"); // Modify
    tui.send(TAB);
    tui.send("Offline backups and restore drills");
    tui.send(TAB);
    tui.send(ENTER);
    tui.wait_for("Search:");
    tui.send("8.13");
    tui.send(ENTER);
    tui.wait_for("1 chosen");
    tui.send(ESC);
    tui.wait_gone("Search:");
    tui.send(TAB);
    tui.send("2026-12-31");
    tui.send(TAB);
    tui.send("2");
    tui.send(TAB);
    tui.send("2");
    tui.send(TAB);
    tui.send("t"); // Treatment planned
    tui.send(CTRL_S);
    tui.wait_for("Saved R-001");

    tui.send("a");
    tui.wait_for("risk owner accepts the residual risk");
    tui.send(CTRL_S);
    tui.wait_for("Saved the acceptance of R-001");
    tui.send("]]");
    let plan = tui.wait_for("1 risk needs treatment");
    let row = plan
        .lines()
        .find(|line| line.contains("R-001"))
        .unwrap_or_else(|| panic!("R-001 left the plan:\n{plan}"));
    assert!(row.contains("[accepted]"), "{row}");
    drop(quit(tui));

    let mut tui = start(&db, 110, 36);
    tui.send("3");
    tui.wait_for("Ransomware on the file server");
    tui.send("]]");
    let plan = tui.wait_for("1 risk needs treatment");
    assert!(plan.contains("R-001"), "{plan}");
    assert!(
        flatten(&plan).contains("Treatment: Modify, open (not yet done), due 2026-12-31"),
        "{plan}"
    );
    drop(quit(tui));

    let conn = open_db(&db);
    let (status, accepted_by): (String, String) = conn
        .query_row("SELECT status, accepted_by FROM risk", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (status.as_str(), accepted_by.as_str()),
        ("treatment_planned", "Head of IT")
    );
}

/// A workspace with a trigger planted on its change log: the workbench refuses it before it
/// takes over the terminal, with one sentence naming `isms verify`, exits non-zero and leaves
/// the file byte for byte as it was.
#[test]
fn the_workbench_refuses_a_file_with_a_planted_trigger() {
    let (_dir, db) = new_db();
    drop(
        isms::store::Store::open(
            &db,
            isms::store::OpenMode::Create {
                organisation: Some("Tampered Ltd".into()),
            },
        )
        .expect("create"),
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER quietly AFTER INSERT ON change_log BEGIN
                 UPDATE workspace SET organisation = 'Someone else'; END;",
        )
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let mut tui = Tui::spawn(&db, 100, 30);
    let status = tui.wait_exit(TIMEOUT);
    assert!(!status.success(), "a damaged file must not open");
    let text = String::from_utf8_lossy(&tui.raw()).to_string();
    assert!(
        text.contains("trigger \"quietly\" on table change_log that the workbench did not make"),
        "{text:?}"
    );
    assert!(text.contains("run `isms verify --db"), "{text:?}");
    assert!(
        !text.contains("\x1b[?1049h"),
        "took over the screen: {text:?}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
