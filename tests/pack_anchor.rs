//! The audit pack's anchor (issue 15, item 3): the pack names the change-log entry it was
//! sealed at, and `isms verify --against PACK` finds a history cut or rewritten after the pack
//! was made, even one that plain `isms verify` passes because every hash was recomputed.
//! Every command runs the real binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use isms::domain::changelog::{ChangeEntry, Operation};
use isms::domain::scope::{ContextIssue, IssueKind};
use isms::store::{OpenMode, Store};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

/// Runs `isms` in `dir` with a private home, data and temporary folder.
fn isms(dir: &Path, args: &[&str]) -> Output {
    let tmp = dir.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    Command::new(env!("CARGO_BIN_EXE_isms"))
        .current_dir(dir)
        .env_remove("ISMS_DB")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("TMPDIR", &tmp)
        .env("ISMS_ACTOR", "anchor-test")
        .env("ISMS_TODAY", "2026-11-28")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run isms")
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exactly one line, one sentence, no panic or backtrace.
fn assert_one_sentence(message: &str) {
    assert_eq!(message.lines().count(), 1, "{message:?}");
    assert!(message.trim_end().ends_with('.'), "{message:?}");
    assert!(!message.contains("panicked"), "{message:?}");
    assert!(!message.contains("backtrace"), "{message:?}");
}

fn add_issue(path: &Path, description: &str) {
    let mut store = Store::open_as(path, OpenMode::MustExist, "anchor-test").unwrap();
    store
        .insert(&ContextIssue {
            kind: IssueKind::External,
            description: description.into(),
            effect: "Checked by the anchor test".into(),
        })
        .unwrap();
}

fn last_entry(path: &Path) -> (i64, String) {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
}

/// The demo with one issue added, exported: the workspace, the pack, the entry the pack
/// was sealed at, and the last entry before the added issue.
struct Sealed {
    workspace: PathBuf,
    pack: PathBuf,
    seq: i64,
    before: i64,
}

fn sealed(dir: &Path) -> Sealed {
    let workspace = dir.join("w.sqlite3");
    let out = isms(dir, &["demo", "--db", s(&workspace)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (before, _) = last_entry(&workspace);
    add_issue(&workspace, "Added before the pack was made");
    let pack = dir.join("pack");
    let out = isms(dir, &["export", "--db", s(&workspace), "--out", s(&pack)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (seq, _) = last_entry(&workspace);
    Sealed {
        workspace,
        pack,
        seq,
        before,
    }
}

/// `isms verify --against`, which must pass; returns its line.
fn holds(dir: &Path, workspace: &Path, pack: &Path) -> String {
    let out = isms(dir, &["verify", "--db", s(workspace), "--against", s(pack)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let message = text(&out.stdout);
    assert_one_sentence(&message);
    message
}

/// `isms verify --against`, which must find damage; returns its sentence.
fn refused(dir: &Path, workspace: &Path, pack: &Path) -> String {
    let out = isms(dir, &["verify", "--db", s(workspace), "--against", s(pack)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let message = text(&out.stderr);
    assert_one_sentence(&message);
    message
}

fn plain_verify_passes(dir: &Path, workspace: &Path) {
    let out = isms(dir, &["verify", "--db", s(workspace)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "plain verify must pass: {}",
        text(&out.stderr)
    );
}

fn copy_of(dir: &Path, workspace: &Path, name: &str) -> PathBuf {
    let copy = dir.join(name);
    fs::copy(workspace, &copy).unwrap();
    copy
}

fn copy_pack(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_pack(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_pack_names_its_entry_in_the_seal_and_the_readme_and_sha256sum_still_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let (seq, hash) = last_entry(&sealed.workspace);
    let seal = fs::read_to_string(sealed.pack.join("SHA256SUMS")).unwrap();
    assert_eq!(
        seal.lines().next().unwrap(),
        format!("# isms change-log entry {seq} sha256 {hash}")
    );
    let readme = fs::read_to_string(sealed.pack.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!(
            "Sealed at change-log entry {seq}, hash {hash}: `isms verify --against THIS_FOLDER` \
             checks the workspace still holds it"
        )),
        "{readme}"
    );
    // The pack's workspace.json ends its change log at the same entry.
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(sealed.pack.join("workspace.json")).unwrap()).unwrap();
    let log = json["tables"]["change_log"].as_array().unwrap();
    assert_eq!(log.last().unwrap()["seq"], seq);
    assert_eq!(log.last().unwrap()["hash"], hash.as_str());
    // GNU sha256sum skips the comment and checks every file.
    if let Ok(out) = Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(&sealed.pack)
        .output()
    {
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(!text(&out.stdout).contains("FAILED"));
    }
}

#[test]
fn the_workspace_holds_its_pack_while_it_grows_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let message = holds(dir.path(), &sealed.workspace, &sealed.pack);
    assert!(
        message.contains(&format!(
            "OK, the workspace verifies and holds change-log entry {} as sealed in {} on \
             2026-11-28",
            sealed.seq,
            s(&sealed.pack)
        )),
        "{message}"
    );
    assert!(
        message.contains("the pack's records are the records at that entry"),
        "{message}"
    );

    // More saves: the log grows past the anchor, which stays where it was.
    add_issue(&sealed.workspace, "Added after the pack was made");
    add_issue(&sealed.workspace, "And another");
    assert!(last_entry(&sealed.workspace).0 > sealed.seq);
    let before = fs::read(&sealed.workspace).unwrap();
    let listing = |folder: &Path| {
        let mut names: Vec<String> = fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let folder = listing(dir.path());
    let message = holds(dir.path(), &sealed.workspace, &sealed.pack);
    assert!(
        message.contains(&format!("holds change-log entry {}", sealed.seq)),
        "{message}"
    );
    // Read-only: the workspace and its folder as they were, the private restore removed.
    assert_eq!(fs::read(&sealed.workspace).unwrap(), before);
    assert_eq!(listing(dir.path()), folder);
    assert!(listing(&dir.path().join("tmp")).is_empty());
}

#[test]
fn a_log_cut_back_with_its_head_passes_plain_verify_but_not_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    add_issue(&sealed.workspace, "Added after the pack was made");
    let cut = copy_of(dir.path(), &sealed.workspace, "cut.sqlite3");
    // The attacker removes the last entries (the pack's own among them) and the records they
    // made, and sets the head back, so that the file agrees with itself.
    let conn = Connection::open(&cut).unwrap();
    let removed: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE seq > ?1",
            [sealed.before],
            |row| row.get(0),
        )
        .unwrap();
    assert!(removed >= 5, "{removed}");
    conn.execute(
        "DELETE FROM context_issue WHERE ref IN
           (SELECT record FROM change_log WHERE seq > ?1)",
        [sealed.before],
    )
    .unwrap();
    conn.execute("DELETE FROM change_log WHERE seq > ?1", [sealed.before])
        .unwrap();
    conn.execute(
        "UPDATE change_log_head SET seq = ?1,
           hash = (SELECT hash FROM change_log WHERE seq = ?1) WHERE id = 1",
        [sealed.before],
    )
    .unwrap();
    drop(conn);
    plain_verify_passes(dir.path(), &cut);
    let message = refused(dir.path(), &cut, &sealed.pack);
    assert!(
        message.contains(&format!(
            "the workspace's change log no longer holds entry {} as the pack sealed it: its \
             history was cut or rewritten after the pack was made",
            sealed.seq
        )),
        "{message}"
    );
    assert!(message.contains(s(&cut)), "{message}");
}

#[test]
fn a_log_rewritten_with_every_hash_recomputed_passes_plain_verify_but_not_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let rewritten = copy_of(dir.path(), &sealed.workspace, "rewritten.sqlite3");
    let mut conn = Connection::open(&rewritten).unwrap();
    let tx = conn.transaction().unwrap();
    let entries: Vec<ChangeEntry> = {
        let mut stmt = tx
            .prepare(
                "SELECT seq, at, actor, record, operation, field, old, new, prev_hash, hash
                 FROM change_log ORDER BY seq",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |row| {
                Ok(ChangeEntry {
                    seq: row.get(0)?,
                    at: row.get(1)?,
                    actor: row.get(2)?,
                    record: row.get(3)?,
                    operation: Operation::from_key(&row.get::<_, String>(4)?).unwrap(),
                    field: row.get(5)?,
                    old: row.get(6)?,
                    new: row.get(7)?,
                    prev_hash: row.get(8)?,
                    hash: row.get(9)?,
                })
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    // One value changed in an early entry (who made it), every hash after it re-sealed.
    let mut prev = entries[0].prev_hash.clone();
    for (index, mut entry) in entries.into_iter().enumerate() {
        if index == 2 {
            entry.actor = "someone else".into();
        }
        entry.prev_hash = prev;
        entry.hash = entry.expected_hash();
        tx.execute(
            "UPDATE change_log SET actor = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1",
            params![entry.seq, entry.actor, entry.prev_hash, entry.hash],
        )
        .unwrap();
        prev = entry.hash;
    }
    tx.execute("UPDATE change_log_head SET hash = ?1 WHERE id = 1", [&prev])
        .unwrap();
    tx.commit().unwrap();
    drop(conn);
    plain_verify_passes(dir.path(), &rewritten);
    let message = refused(dir.path(), &rewritten, &sealed.pack);
    assert!(
        message.contains(&format!(
            "no longer holds entry {} as the pack sealed it",
            sealed.seq
        )),
        "{message}"
    );
}

#[test]
fn a_changed_pack_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let pack = dir.path().join("edited");
    copy_pack(&sealed.pack, &pack);
    let soa = pack.join("03-soa/statement-of-applicability.csv");
    let mut bytes = fs::read(&soa).unwrap();
    bytes.extend_from_slice(b"A.5.1,added,\n");
    fs::write(&soa, bytes).unwrap();
    let message = refused(dir.path(), &sealed.workspace, &pack);
    assert!(
        message.contains(&format!("{} does not match its SHA256SUMS line", s(&soa))),
        "{message}"
    );
    // A listed file that is gone is named too.
    fs::copy(
        sealed.pack.join("03-soa/statement-of-applicability.csv"),
        &soa,
    )
    .unwrap();
    fs::remove_file(pack.join("01-scope/isms-scope.md")).unwrap();
    let message = refused(dir.path(), &sealed.workspace, &pack);
    assert!(
        message.contains("01-scope/isms-scope.md: is listed in SHA256SUMS but missing"),
        "{message}"
    );
    // And a file added after the seal.
    fs::copy(
        sealed.pack.join("01-scope/isms-scope.md"),
        pack.join("01-scope/isms-scope.md"),
    )
    .unwrap();
    fs::write(
        pack.join("05-internal-audit/IA-2026-09-report.md"),
        "# forged\n",
    )
    .unwrap();
    let message = refused(dir.path(), &sealed.workspace, &pack);
    assert!(
        message.contains(
            "05-internal-audit/IA-2026-09-report.md: is in the pack but not in its SHA256SUMS"
        ),
        "{message}"
    );
}

#[test]
fn a_seal_without_its_anchor_line_is_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let pack = dir.path().join("unanchored");
    copy_pack(&sealed.pack, &pack);
    let seal = fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
    let (_, listing) = seal.split_once('\n').unwrap();
    fs::write(pack.join("SHA256SUMS"), listing).unwrap();
    let message = refused(dir.path(), &sealed.workspace, &pack);
    assert!(
        message.contains("SHA256SUMS: names no change-log entry"),
        "{message}"
    );
    fs::remove_file(pack.join("SHA256SUMS")).unwrap();
    let message = refused(dir.path(), &sealed.workspace, &pack);
    assert!(message.contains("is not an audit pack"), "{message}");
}

/// Writes `json` as the pack's workspace.json and seals it again, as an attacker holding
/// the pack would.
fn reseal(pack: &Path, json: &serde_json::Value) {
    let bytes = serde_json::to_vec_pretty(json).unwrap();
    fs::write(pack.join("workspace.json"), &bytes).unwrap();
    let seal = fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
    let seal: String = seal
        .lines()
        .map(|line| match line.split_once("  ") {
            Some((_, "workspace.json")) => format!("{}  workspace.json\n", hex(&bytes)),
            _ => format!("{line}\n"),
        })
        .collect();
    fs::write(pack.join("SHA256SUMS"), seal).unwrap();
}

fn entry_of(row: &serde_json::Value) -> ChangeEntry {
    let text = |key: &str| row[key].as_str().map(str::to_string);
    ChangeEntry {
        seq: row["seq"].as_i64().unwrap(),
        at: text("at").unwrap(),
        actor: text("actor").unwrap(),
        record: text("record").unwrap(),
        operation: Operation::from_key(row["operation"].as_str().unwrap()).unwrap(),
        field: text("field").unwrap(),
        old: text("old"),
        new: text("new"),
        prev_hash: text("prev_hash").unwrap(),
        hash: text("hash").unwrap(),
    }
}

#[test]
fn a_pack_whose_records_and_log_were_rewritten_and_resealed_differs_from_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let pack = dir.path().join("resealed");
    copy_pack(&sealed.pack, &pack);
    let mut json: serde_json::Value =
        serde_json::from_slice(&fs::read(pack.join("workspace.json")).unwrap()).unwrap();

    // Only the record changed: the import finds it disagrees with the pack's own log.
    let issue = json["tables"]["context_issue"]
        .as_array_mut()
        .unwrap()
        .last_mut()
        .unwrap();
    let reference = issue["ref"].as_str().unwrap().to_string();
    issue["description"] = "Nothing to see here".into();
    reseal(&pack, &json);
    let message = refused(dir.path(), &sealed.workspace, &pack);
    assert!(
        message.contains("the pack's workspace.json cannot be restored"),
        "{message}"
    );
    assert!(
        message.contains(&format!("record {reference}, field description")),
        "{message}"
    );

    // The record and its log entry changed, every hash after it recomputed: the pack agrees
    // with itself, but not with the workspace's log.
    let log = json["tables"]["change_log"].as_array_mut().unwrap();
    let mut prev: Option<String> = None;
    for row in log.iter_mut() {
        let mut entry = entry_of(row);
        if entry.record == reference && entry.field == "description" {
            entry.new = Some("Nothing to see here".into());
            row["new"] = "Nothing to see here".into();
        }
        if let Some(prev) = prev.take() {
            entry.prev_hash = prev;
        }
        entry.hash = entry.expected_hash();
        row["prev_hash"] = entry.prev_hash.clone().into();
        row["hash"] = entry.hash.clone().into();
        prev = Some(entry.hash);
    }
    json["tables"]["change_log_head"][0]["hash"] = prev.unwrap().into();
    reseal(&pack, &json);
    let message = refused(dir.path(), &sealed.workspace, &pack);
    assert!(
        message.contains(&format!(
            "the pack's workspace.json differs from the workspace's records at entry {}: \
             table context_issue, record {reference}, field description",
            sealed.seq
        )),
        "{message}"
    );
    assert!(message.contains("Nothing to see here"), "{message}");
}

#[test]
fn a_damaged_workspace_is_found_before_the_pack_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let damaged = copy_of(dir.path(), &sealed.workspace, "damaged.sqlite3");
    Connection::open(&damaged)
        .unwrap()
        .execute(
            "UPDATE context_issue SET description = 'edited behind its back'
             WHERE id = (SELECT max(id) FROM context_issue)",
            [],
        )
        .unwrap();
    let message = refused(dir.path(), &damaged, &sealed.pack);
    assert!(
        message.contains("where the change log says \"Added before the pack was made\""),
        "{message}"
    );
}

#[test]
fn backup_prints_the_entry_it_copied_up_to() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = sealed(dir.path());
    let (seq, hash) = last_entry(&sealed.workspace);
    let copy = dir.path().join("copy.sqlite3");
    let out = isms(
        dir.path(),
        &["backup", "--db", s(&sealed.workspace), "--to", s(&copy)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let message = text(&out.stdout);
    assert_one_sentence(&message);
    assert!(
        message.contains(&format!(
            "copied up to change-log entry {seq} (hash {}…)",
            &hash[..16]
        )),
        "{message}"
    );
    // The copy holds the pack as the workspace does.
    holds(dir.path(), &copy, &sealed.pack);
}
