//! What the workspace-file test files (integrity, migrations, bad_files) share: running the
//! `isms` binary in a private directory, and looking at a file's SQLite sidecars.
#![allow(dead_code)] // each test file uses the part it needs

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `isms` in `dir` with a private home and data directory and a fixed actor.
pub fn isms(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("ISMS_ACTOR", "workspace-file-test")
        .env("NO_COLOR", "1")
        // A backtrace must never reach the user, even when one is asked for.
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run isms")
}

pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The -wal, -shm and -journal files that exist beside `path`.
pub fn sidecars(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
        .filter(|side| side.exists())
        .collect()
}

/// The workspace written by an earlier version at schema `version` (see tests/fixtures).
pub fn fixture(version: i64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("schema-{version}.sqlite3"))
}
