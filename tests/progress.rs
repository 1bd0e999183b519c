//! Progress bars of the real `isms` binary: drawn for long work (`isms export`, `isms import
//! workspace`) when standard error is a terminal, and not one byte of them anywhere else.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(20);
/// Tall enough that the bars and the list of files never scroll off the screen.
const ROWS: u16 = 80;
const COLS: u16 = 100;

/// What a bar line holds, and what must never reach a pipe.
const BAR_TEXT: &[&str] = &[
    "█",
    "░",
    "files written",
    "pack entries made",
    "workspace parts read",
    "tables checked",
    "rows restored",
];

/// A private folder for the workspace files and the home and data directories.
fn dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

/// The binary run with its output piped, in `dir` with a private home.
fn run_piped(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(args)
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("ISMS_ACTOR", "progress-test")
        .env("TERM", "xterm-256color")
        .env("ISMS_TODAY", "2026-11-28")
        .stdin(Stdio::null())
        .output()
        .expect("run isms");
    assert!(
        output.status.success(),
        "isms {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Standard error of a piped run holds nothing of a bar: no escape code, no bar text.
fn assert_quiet(what: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.stderr.contains(&0x1b),
        "{what}: an escape code went to a pipe: {stderr:?}"
    );
    for text in BAR_TEXT {
        assert!(
            !stderr.contains(text),
            "{what}: bar text {text:?} went to a pipe: {stderr:?}"
        );
    }
    assert_eq!(stderr, "", "{what}: standard error is not quiet");
}

/// Writes the demo to `demo.db` in `dir` and exports its pack to `pack`.
fn demo_pack(dir: &Path) -> (PathBuf, PathBuf) {
    let (db, out) = (dir.join("demo.db"), dir.join("pack"));
    run_piped(dir, &["demo", "--db", s(&db)]);
    run_piped(dir, &["export", "--db", s(&db), "--out", s(&out)]);
    (db, out)
}

/// Runs the binary in a pseudo-terminal (standard output and error both on it) until it exits,
/// and returns the screen as a VT100 terminal shows it.
fn run_in_pty(dir: &Path, args: &[&str]) -> String {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_isms"));
    cmd.args(args);
    cmd.cwd(dir);
    cmd.env_remove("ISMS_DB");
    cmd.env("HOME", dir.join("home"));
    cmd.env("XDG_DATA_HOME", dir.join("data"));
    cmd.env("ISMS_ACTOR", "progress-test");
    cmd.env("TERM", "xterm-256color");
    cmd.env("ISMS_TODAY", "2026-11-28");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn isms");
    // Only the child may hold the slave end, or the reader would never see end of file.
    drop(pty.slave);

    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
        let _ = sender.send(raw);
    });

    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!("isms {args:?} did not exit within {TIMEOUT:?}");
        }
        thread::sleep(POLL);
    };
    let raw = receiver.recv_timeout(TIMEOUT).expect("the pty's output");
    drop(pty.master);
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    parser.process(&raw);
    // Row by row as the user sees them: a bar fills its row to the terminal's width, so the
    // next output starts on the next row by wrapping, and `contents` would join the two.
    let screen = parser.screen().rows(0, COLS).collect::<Vec<_>>().join("\n");
    assert!(
        status.success(),
        "isms {args:?} failed; the screen:\n{screen}"
    );
    screen
}

/// The screen's line showing `what` as a completed stage of `command`: `N/N what`, N > 0.
fn completed_line<'a>(screen: &'a str, command: &str, what: &str) -> Option<&'a str> {
    screen.lines().find(|line| {
        let line = line.trim();
        let Some(before) = line.strip_suffix(what) else {
            return false;
        };
        let count = before.split_whitespace().last().unwrap_or("");
        let done = count
            .split_once('/')
            .is_some_and(|(pos, len)| pos == len && pos.parse::<u64>().is_ok_and(|n| n > 0));
        line.starts_with(command) && line.contains('█') && done
    })
}

#[test]
fn nothing_of_a_bar_reaches_a_pipe() {
    let dir = dir();
    let dir = dir.path();
    let (db, out) = (dir.join("demo.db"), dir.join("pack"));
    assert_quiet("demo", &run_piped(dir, &["demo", "--db", s(&db)]));
    let export = run_piped(dir, &["export", "--db", s(&db), "--out", s(&out)]);
    assert_quiet("export", &export);
    assert!(
        String::from_utf8_lossy(&export.stdout).contains("files of the audit pack"),
        "the export still says what it wrote"
    );
    let workspace = out.join("workspace.json");
    let new = dir.join("new.db");
    let import = run_piped(
        dir,
        &["import", "workspace", s(&workspace), "--db", s(&new)],
    );
    assert_quiet("import", &import);
    assert!(
        !import.stdout.contains(&0x1b),
        "no escape code on standard output either"
    );
}

#[test]
fn export_on_a_terminal_leaves_a_completed_bar_per_stage() {
    let dir = dir();
    let dir = dir.path();
    let (db, _) = demo_pack(dir);
    let out = dir.join("pack-on-a-terminal");
    let screen = run_in_pty(dir, &["export", "--db", s(&db), "--out", s(&out)]);
    for stage in ["workspace parts read", "pack entries made", "files written"] {
        assert!(
            completed_line(&screen, "export", stage).is_some(),
            "no completed {stage:?} bar; the screen:\n{screen}"
        );
    }
    // The command's own output follows the bars, on lines of its own.
    assert!(
        screen
            .lines()
            .any(|line| line.starts_with("Wrote ") && line.contains("files of the audit pack")),
        "the summary is not on a line of its own; the screen:\n{screen}"
    );
}

#[test]
fn import_on_a_terminal_leaves_a_completed_bar_per_stage() {
    let dir = dir();
    let dir = dir.path();
    let (_, out) = demo_pack(dir);
    let workspace = out.join("workspace.json");
    let new = dir.join("imported.db");
    let screen = run_in_pty(
        dir,
        &["import", "workspace", s(&workspace), "--db", s(&new)],
    );
    for stage in ["tables checked", "rows restored", "workspace parts read"] {
        assert!(
            completed_line(&screen, "import", stage).is_some(),
            "no completed {stage:?} bar; the screen:\n{screen}"
        );
    }
    assert!(
        screen
            .lines()
            .any(|line| line.starts_with("Created the workspace")),
        "the summary is not on a line of its own; the screen:\n{screen}"
    );
}
