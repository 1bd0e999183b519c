//! The change log names the login name even when the environment does not say who is there.

use std::process::Command;

use isms::store::{OpenMode, Store};
use tempfile::TempDir;

#[test]
fn without_user_in_the_environment_the_login_name_is_read_from_the_user_database() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.sqlite3");
    let output = Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(["init", "--db"])
        .arg(&path)
        .env_remove("USER")
        .env_remove("USERNAME")
        .env_remove("ISMS_ACTOR")
        .env("ISMS_TODAY", "2026-11-28")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let id = Command::new("id").arg("-un").output().unwrap();
    let login = String::from_utf8_lossy(&id.stdout).trim().to_string();
    let store = Store::open(&path, OpenMode::MustExist).unwrap();
    let history = store.history("WS").unwrap();
    assert!(!history.is_empty());
    for entry in history {
        assert_eq!(entry.actor, login);
        assert_ne!(entry.actor, "unknown");
    }
}
