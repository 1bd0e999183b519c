//! Files that are not (or no longer) good workspaces, given to the `isms` binary: each is
//! refused with one sentence naming the file, never a panic, and nothing is modified.
//! (A full disk is simulated at the store level, in `src/store/backup.rs`'s tests.)

mod workspace_files;
use workspace_files::{isms, s, sidecars};

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

fn is_root() -> bool {
    // Root reads and writes whatever the permission bits say; the tests that rely on the
    // kernel refusing are skipped then, with a note.
    fs::metadata("/proc/self")
        .map(|meta| std::os::unix::fs::MetadataExt::uid(&meta) == 0)
        .unwrap_or(false)
}

/// A valid workspace, closed, with some data in it.
fn workspace(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = isms(dir, &["demo", "--db", s(&path)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// What must not change: the bytes (for a file) and the modification time.
fn state(path: &Path) -> (Option<Vec<u8>>, SystemTime) {
    let meta = fs::metadata(path).unwrap();
    let bytes = if meta.is_file() && meta.permissions().mode() & 0o444 != 0 {
        fs::read(path).ok()
    } else {
        None
    };
    (bytes, meta.modified().unwrap())
}

/// Runs `args` (which name `path`) expecting a refusal; checks the message and that nothing
/// changed; returns the message.
fn refused(dir: &Path, path: &Path, args: &[&str]) -> String {
    let before = state(path);
    let out = isms(dir, args);
    let message = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert_eq!(message.lines().count(), 1, "{args:?}: {message:?}");
    assert!(message.starts_with("isms: "), "{message:?}");
    assert!(message.trim_end().ends_with('.'), "{message:?}");
    assert!(message.contains(s(path)), "{message:?}");
    for word in [
        "panicked",
        "backtrace",
        "RUST_BACKTRACE",
        "Error {",
        "code:",
    ] {
        assert!(!message.contains(word), "{message:?}");
    }
    assert_eq!(state(path), before, "{args:?} changed {}", path.display());
    assert!(sidecars(path).is_empty(), "{:?}", sidecars(path));
    message
}

/// The commands that open an existing workspace.
fn every_command(path: &Path) -> Vec<Vec<String>> {
    let p = s(path).to_string();
    [
        vec!["status", "--db", &p],
        vec!["verify", "--db", &p],
        vec!["check", "--db", &p],
        vec!["snapshot", "--tab", "scope", "--db", &p],
        vec!["backup", "--db", &p, "--to", "never-written.sqlite3"],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(String::from).collect())
    .collect()
}

fn refused_everywhere(dir: &Path, path: &Path) -> Vec<String> {
    let messages: Vec<String> = every_command(path)
        .iter()
        .map(|args| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            refused(dir, path, &args)
        })
        .collect();
    assert!(!dir.join("never-written.sqlite3").exists());
    messages
}

#[test]
fn a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    fs::write(&path, "Meeting notes, not a workspace.\n".repeat(100)).unwrap();
    for message in refused_everywhere(dir.path(), &path) {
        assert!(message.contains("is not a SQLite database"), "{message}");
    }
}

#[test]
fn a_database_cut_in_half() {
    let dir = tempfile::tempdir().unwrap();
    let whole = workspace(dir.path(), "whole.sqlite3");
    let bytes = fs::read(&whole).unwrap();
    let path = dir.path().join("half.sqlite3");
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    for message in refused_everywhere(dir.path(), &path) {
        assert!(
            message.contains("damaged") || message.contains("malformed"),
            "{message}"
        );
    }
}

#[test]
fn a_zero_byte_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite3");
    fs::write(&path, "").unwrap();
    for message in refused_everywhere(dir.path(), &path) {
        assert!(message.contains("is an empty file"), "{message}");
    }
}

#[test]
fn a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("folder.sqlite3");
    fs::create_dir(&path).unwrap();
    for message in refused_everywhere(dir.path(), &path) {
        assert!(message.contains("is a directory"), "{message}");
    }
}

#[test]
fn a_file_without_permission_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace(dir.path(), "locked.sqlite3");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if is_root() {
        // Root may read it anyway, so the kernel's refusal cannot be tested; the permission
        // bits still say "read-only", which the workbench refuses to write to, and a command
        // that only reads leaves it as it was.
        eprintln!("note: running as root, which bypasses file permissions; only the read-only refusal is tested");
        let message = refused_for_writing(dir.path(), &path);
        assert!(message.contains("is read-only"), "{message}");
        read_and_left_alone(dir.path(), &path, &["status", "--db", s(&path)]);
    } else {
        for message in refused_everywhere(dir.path(), &path) {
            assert!(
                message.contains("permission denied") || message.contains("is read-only"),
                "{message}"
            );
        }
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
}

/// An import (which writes) into `path`: returns its one-sentence refusal; nothing changed.
fn refused_for_writing(dir: &Path, path: &Path) -> String {
    let csv = dir.join("assets.csv");
    fs::write(&csv, "Name\nLaptop\n").unwrap();
    refused(dir, path, &["import", "assets", s(&csv), "--db", s(path)])
}

/// Runs a command that only reads: it succeeds (or, for `check`, reports blockers) and leaves
/// the file and its sidecars as they were.
fn read_and_left_alone(dir: &Path, path: &Path, args: &[&str]) {
    let before = state(path);
    let out = isms(dir, args);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(state(path), before, "{args:?}");
    assert!(sidecars(path).is_empty(), "{:?}", sidecars(path));
}

#[test]
fn a_read_only_file_is_refused_for_writing_but_can_be_read_verified_and_copied() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace(dir.path(), "readonly.sqlite3");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let message = refused_for_writing(dir.path(), &path);
    assert!(message.contains("is read-only"), "{message}");
    assert!(message.contains("isms backup"), "{message}");
    let copy = dir.path().join("copy.sqlite3");
    for args in [
        vec!["status", "--db", s(&path)],
        vec!["check", "--db", s(&path)],
        vec!["snapshot", "--tab", "scope", "--db", s(&path)],
        vec!["verify", "--db", s(&path)],
        vec!["backup", "--db", s(&path), "--to", s(&copy)],
    ] {
        read_and_left_alone(dir.path(), &path, &args);
    }
    let out = isms(dir.path(), &["status", "--db", s(&copy)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn a_workspace_in_a_read_only_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shelf");
    fs::create_dir(&folder).unwrap();
    let path = workspace(&folder, "shelved.sqlite3");
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let message = refused_for_writing(dir.path(), &path);
    assert!(message.contains("its folder is read-only"), "{message}");
    assert!(message.contains("-wal"), "{message}");
    // Reading it makes nothing beside it.
    for args in [
        vec!["status", "--db", s(&path)],
        vec!["check", "--db", s(&path)],
    ] {
        read_and_left_alone(dir.path(), &path, &args);
    }
    // A new workspace is not made there either.
    let new = folder.join("new.sqlite3");
    let out = isms(dir.path(), &["init", "--db", s(&new)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!new.exists());
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
}
