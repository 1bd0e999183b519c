//! Two workbenches (or a workbench and a command) on one workspace file. SQLite serialises the
//! writes: each save waits up to the busy timeout (5 seconds) for the other's to finish, so
//! both succeed; a save that still cannot go ahead is refused with one clear sentence and
//! changes nothing. Either way the file stays sound and the change log's chain verifies, and
//! each side sees the other's saved changes the next time it acts.

mod common;

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use common::Harness;
use isms::domain::asset::{Asset, AssetKind};
use isms::store::{OpenMode, Store};
use ratatui::crossterm::event::KeyCode;

fn asset(name: &str) -> Asset {
    Asset {
        name: name.into(),
        kind: AssetKind::Information,
        owner: "Ana".into(),
        location: "Berlin".into(),
        classification: "Internal".into(),
        confidentiality: 2,
        integrity: 2,
        availability: 2,
        in_scope: true,
        notes: String::new(),
    }
}

fn integrity_check(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn two_stores_writing_at_once_both_succeed_and_the_file_stays_sound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    drop(Store::open(&path, OpenMode::Create { organisation: None }).unwrap());
    const EACH: usize = 30;
    let start = Arc::new(Barrier::new(2));
    let writers: Vec<_> = ["first", "second"]
        .into_iter()
        .map(|who| {
            let (path, start) = (path.clone(), Arc::clone(&start));
            thread::spawn(move || {
                let mut store = Store::open_as(&path, OpenMode::MustExist, who).unwrap();
                start.wait();
                (0..EACH)
                    .map(|n| store.insert(&asset(&format!("{who} {n}"))))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut references = Vec::new();
    for writer in writers {
        for result in writer.join().unwrap() {
            references.push(result.expect("a save waits for the other's to finish"));
        }
    }
    references.sort();
    references.dedup();
    assert_eq!(
        references.len(),
        2 * EACH,
        "every save got its own reference"
    );

    let store = Store::open(&path, OpenMode::MustExist).unwrap();
    assert_eq!(store.list::<Asset>().unwrap().len(), 2 * EACH);
    assert!(store.verify_change_log().unwrap().is_ok());
    drop(store);
    assert_eq!(integrity_check(&path), "ok");
}

#[test]
fn a_save_blocked_past_the_busy_timeout_is_refused_in_one_sentence_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    let mut store = Store::open(&path, OpenMode::Create { organisation: None }).unwrap();
    let before = store.change_log_len().unwrap();

    // Another process holds the write lock for longer than the busy timeout.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let error = store.insert(&asset("Ledger")).unwrap_err().to_string();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    assert!(
        error.contains("busy in another process") && !error.contains('\n'),
        "{error}"
    );
    assert_eq!(store.change_log_len().unwrap(), before);
    assert!(store.list::<Asset>().unwrap().is_empty());
    // Once the other process is done, the same save goes through.
    store.insert(&asset("Ledger")).unwrap();
    assert!(store.verify_change_log().unwrap().is_ok());
}

#[test]
fn the_workbench_shows_what_another_process_saved_when_the_user_next_acts() {
    let mut harness = Harness::new(false, '3');
    harness.keys("]]]");
    assert!(!harness.screen(100, 30).contains("Saved elsewhere"));

    let mut other = Store::open_as(harness.store().path(), OpenMode::MustExist, "other").unwrap();
    other.insert(&asset("Saved elsewhere")).unwrap();
    // A moment later the user presses a key: the tab re-reads because the change log moved.
    thread::sleep(Duration::from_millis(10));
    harness.key(KeyCode::Down);
    let screen = harness.screen(100, 30);
    assert!(screen.contains("Saved elsewhere"), "{screen}");

    // And the other process sees what the workbench saves (here: through its store).
    let ours = harness.store().list::<Asset>().unwrap();
    assert_eq!(ours.len(), 1);
    assert_eq!(other.list::<Asset>().unwrap(), ours);
    assert!(other.verify_change_log().unwrap().is_ok());
}
