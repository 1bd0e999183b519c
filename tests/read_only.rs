//! Read-only means read-only: `status`, `check`, `snapshot`, `export`, `verify` and `backup`
//! never change the workspace file or its folder. Each command is run once per case (an older
//! schema, an empty SQLite database, a 0-byte file, a journal left by another process, a
//! read-only file) and the file's bytes, its modification time and the folder's listing are
//! compared before and after.

mod workspace_files;
use workspace_files::{fixture, isms, s, sidecars, text};

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::SystemTime;

use rusqlite::Connection;

/// The folder's files with their bytes and modification times.
fn listing(folder: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    fs::read_dir(folder)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            // Another process's -shm is shared memory every reader of a WAL database marks
            // what it reads in (SQLite's locking); it holds no data, so only its presence counts.
            if name.ends_with("-shm") {
                return (name, (Vec::new(), SystemTime::UNIX_EPOCH));
            }
            let bytes = if meta.is_file() {
                fs::read(entry.path()).unwrap()
            } else {
                Vec::new()
            };
            (name, (bytes, meta.modified().unwrap()))
        })
        .collect()
}

/// The read-only commands on `path`; what they write goes into `out`, outside the folder.
fn commands(path: &Path, out: &Path) -> Vec<(&'static str, Vec<String>)> {
    let p = s(path).to_string();
    let pack = out.join("pack").display().to_string();
    let copy = out.join("copy.sqlite3").display().to_string();
    let list = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        ("status", list(&["status", "--db", &p])),
        ("check", list(&["check", "--db", &p])),
        (
            "snapshot",
            list(&["snapshot", "--tab", "risks", "--db", &p]),
        ),
        ("export", list(&["export", "--out", &pack, "--db", &p])),
        ("verify", list(&["verify", "--db", &p])),
        ("backup", list(&["backup", "--to", &copy, "--db", &p])),
    ]
}

/// Runs `args` in a private working folder and asserts that `path`'s folder is exactly as it
/// was before; returns the output.
fn run_unchanged(path: &Path, args: &[String]) -> Output {
    let folder = path.parent().unwrap();
    let before = listing(folder);
    let work = tempfile::tempdir().unwrap();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = isms(work.path(), &args);
    let after = listing(folder);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{args:?} changed the folder's listing: {}",
        text(&out.stderr)
    );
    assert!(before == after, "{args:?} changed a file in the folder");
    out
}

/// A fresh pair of folders: one holding the workspace, one for what the commands write.
struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
    out: PathBuf,
}

fn case(name: &str, make: impl FnOnce(&Path)) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("workspace");
    let out = dir.path().join("out");
    fs::create_dir(&folder).unwrap();
    fs::create_dir(&out).unwrap();
    let path = folder.join(name);
    make(&path);
    Case {
        _dir: dir,
        path,
        out,
    }
}

fn demo(path: &Path) {
    let made = isms(path.parent().unwrap(), &["demo", "--db", s(path)]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(sidecars(path).is_empty());
}

fn one_sentence(message: &str) {
    assert_eq!(message.lines().count(), 1, "{message:?}");
    assert!(message.starts_with("isms: "), "{message:?}");
    assert!(message.trim_end().ends_with('.'), "{message:?}");
}

#[test]
fn an_older_schema_is_never_migrated() {
    let version = isms::store::SCHEMA_VERSION - 1;
    for command in ["status", "check", "snapshot", "export", "verify", "backup"] {
        let c = case("older.sqlite3", |path| {
            fs::copy(fixture(version), path).unwrap();
        });
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let out = run_unchanged(&c.path, &args);
        let message = text(&out.stderr);
        if matches!(command, "verify" | "backup") {
            // Both read what every schema has: the file is checked or copied as it is.
            assert!(out.status.success(), "{command}: {message}");
        } else {
            assert_eq!(out.status.code(), Some(2), "{command}: {message}");
            one_sentence(&message);
            assert!(
                message.contains("was written by an older version"),
                "{command}: {message}"
            );
            assert!(
                message.contains(&format!("`isms --db {}`", s(&c.path))),
                "{command}: {message}"
            );
            assert!(!c.out.join("pack").exists(), "{command}");
        }
    }
}

#[test]
fn an_empty_sqlite_database_is_not_a_workspace() {
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("blank.sqlite3", |path| {
            // A valid SQLite database with no tables (a table made and dropped again).
            let conn = Connection::open(path).unwrap();
            conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
                .unwrap();
        });
        assert!(fs::metadata(&c.path).unwrap().len() > 0);
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let out = run_unchanged(&c.path, &args);
        let message = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {message}");
        one_sentence(&message);
        assert!(
            message.contains("not an ISMS Workbench workspace"),
            "{command}: {message}"
        );
        assert!(!c.out.join("copy.sqlite3").exists(), "{command}");
        assert!(!c.out.join("pack").exists(), "{command}");
    }
}

#[test]
fn a_zero_byte_file_is_not_a_workspace() {
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("zero.sqlite3", |path| fs::write(path, "").unwrap());
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let out = run_unchanged(&c.path, &args);
        let message = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {message}");
        one_sentence(&message);
        assert!(message.contains("is an empty file"), "{command}: {message}");
        assert_eq!(fs::metadata(&c.path).unwrap().len(), 0, "{command}");
    }
}

/// `check` exits 1 when it finds a blocker; every other command succeeds.
fn succeeded(command: &str, out: &Output) {
    let code = out.status.code();
    let ok = code == Some(0) || (command == "check" && code == Some(1));
    assert!(ok, "{command}: {code:?} {}", text(&out.stderr));
}

#[test]
fn a_current_workspace_is_read_without_leaving_a_journal() {
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("current.sqlite3", demo);
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let out = run_unchanged(&c.path, &args);
        succeeded(command, &out);
        assert!(sidecars(&c.path).is_empty(), "{command}");
    }
}

#[test]
fn a_journal_left_by_another_process_is_left_as_it_is() {
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("open.sqlite3", demo);
        // Another process has the workspace open, with a change still in its journal (as the
        // workbench has while it runs, or leaves when it is killed).
        let other = Connection::open(&c.path).unwrap();
        other
            .execute_batch(
                "PRAGMA wal_autocheckpoint = 0;
                 UPDATE workspace SET isms_name = isms_name;",
            )
            .unwrap();
        assert_eq!(sidecars(&c.path).len(), 2, "-wal and -shm are there");
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let out = run_unchanged(&c.path, &args);
        succeeded(command, &out);
        drop(other);
    }
}

#[test]
fn a_read_only_file_is_read_and_left_as_it_is() {
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("shelved.sqlite3", demo);
        fs::set_permissions(&c.path, fs::Permissions::from_mode(0o444)).unwrap();
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let out = run_unchanged(&c.path, &args);
        succeeded(command, &out);
        assert!(sidecars(&c.path).is_empty(), "{command}");
        fs::set_permissions(&c.path, fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn a_workspace_in_a_read_only_folder_is_read() {
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("shelved.sqlite3", demo);
        let folder = c.path.parent().unwrap().to_path_buf();
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let out = run_unchanged(&c.path, &args);
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
        succeeded(command, &out);
        assert!(sidecars(&c.path).is_empty(), "{command}");
    }
}

/// Runs `isms` as the unprivileged user `nobody` (through `setpriv`), or `None` where that is
/// not possible (not root, or no `setpriv`).
fn isms_as_nobody(work: &Path, args: &[&str]) -> Option<Output> {
    let root = fs::metadata("/proc/self")
        .map(|meta| std::os::unix::fs::MetadataExt::uid(&meta) == 0)
        .unwrap_or(false);
    if !root || !Path::new("/usr/bin/setpriv").exists() {
        return None;
    }
    let out = std::process::Command::new("/usr/bin/setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_isms"))
        .args(args)
        .current_dir(work)
        .env_remove("ISMS_DB")
        .env("HOME", work)
        .env("ISMS_ACTOR", "workspace-file-test")
        .env("ISMS_TODAY", "2026-11-28")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run isms through setpriv");
    Some(out)
}

#[test]
fn a_file_owned_by_someone_else_is_read_as_read_only() {
    // The file's bits say "writable" (0644), but not by this user: the OS is asked. Needs root
    // to hand the file to someone else; elsewhere the case cannot be made and is skipped.
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("theirs.sqlite3", demo);
        let folder = c.path.parent().unwrap().to_path_buf();
        let top = folder.parent().unwrap().to_path_buf();
        fs::set_permissions(&top, fs::Permissions::from_mode(0o755)).unwrap();
        // A shared folder others may write in (as /tmp is): SQLite could make -shm there.
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o777)).unwrap();
        fs::set_permissions(&c.out, fs::Permissions::from_mode(0o777)).unwrap();
        fs::set_permissions(&c.path, fs::Permissions::from_mode(0o644)).unwrap();
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = listing(&folder);
        let Some(out) = isms_as_nobody(&c.out, &args) else {
            eprintln!("note: not root or no setpriv; a file owned by someone else is not tested");
            return;
        };
        succeeded(command, &out);
        assert!(out.stderr.is_empty(), "{command}: {}", text(&out.stderr));
        assert!(listing(&folder) == before, "{command} changed the folder");
        assert!(sidecars(&c.path).is_empty(), "{command}");
    }
}

#[test]
fn a_journal_left_by_a_crash_is_folded_in_and_nothing_is_left() {
    // A -wal without its -shm: no process has the file open. Read-only, SQLite would make a
    // -shm it could not remove; instead the journal's committed change is folded into the file
    // (as any open would do) and nothing is left beside it.
    for (command, _) in commands(Path::new("x"), Path::new("y")) {
        let c = case("crashed.sqlite3", |path| {
            let folder = path.parent().unwrap();
            let live = folder.parent().unwrap().join("live.sqlite3");
            demo(&live);
            // A save through the workbench's store (so the change log has it), still in the
            // journal: a small write does not reach the automatic checkpoint.
            let mut store =
                isms::store::Store::open(&live, isms::store::OpenMode::MustExist).unwrap();
            let mut workspace: isms::domain::workspace::Workspace =
                store.get(isms::store::WORKSPACE_REF).unwrap().unwrap();
            workspace.isms_name = "after the crash".into();
            store
                .update(isms::store::WORKSPACE_REF, &workspace)
                .unwrap();
            // The file and its journal as a killed process leaves them.
            fs::copy(&live, path).unwrap();
            fs::copy(
                format!("{}-wal", live.display()),
                format!("{}-wal", path.display()),
            )
            .unwrap();
            drop(store);
        });
        assert_eq!(sidecars(&c.path).len(), 1, "only the -wal");
        let work = tempfile::tempdir().unwrap();
        let (_, args) = commands(&c.path, &c.out)
            .into_iter()
            .find(|(name, _)| *name == command)
            .unwrap();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = isms(work.path(), &args);
        succeeded(command, &out);
        assert!(
            sidecars(&c.path).is_empty(),
            "{command}: {:?}",
            sidecars(&c.path)
        );
        let names: Vec<String> = listing(c.path.parent().unwrap()).into_keys().collect();
        assert_eq!(names, ["crashed.sqlite3"], "{command}");
        let name: String =
            Connection::open_with_flags(&c.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap()
                .query_row("SELECT isms_name FROM workspace", [], |r| r.get(0))
                .unwrap();
        assert_eq!(name, "after the crash", "{command}");
    }
}
