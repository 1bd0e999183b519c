//! Single bytes of a workspace file flipped at random: each flip is found by `isms verify`,
//! refused when the file is opened, or changes nothing the workbench reads from the file.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use isms::domain::asset::{Asset, AssetKind};
use isms::domain::dates::Date;
use isms::domain::risk::Risk;
use isms::domain::scope::{ContextIssue, IssueKind};
use isms::domain::soa::{Applicability, SoaDecision};
use isms::store::{verify_file, Dump, OpenMode, SoaVersion, Store};
use proptest::prelude::*;

/// A small workspace with records of several kinds, links, an approved SoA and a deletion,
/// kept small so that most flips land on records, links, the log or the schema.
fn original() -> &'static (tempfile::TempDir, PathBuf, Vec<u8>, Dump) {
    static ORIGINAL: OnceLock<(tempfile::TempDir, PathBuf, Vec<u8>, Dump)> = OnceLock::new();
    ORIGINAL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.sqlite3");
        {
            let mut store = Store::open(
                &path,
                OpenMode::Create {
                    organisation: Some("Acme Ltd".into()),
                },
            )
            .unwrap();
            store.set_fixed_time("2026-11-28T09:00:00Z");
            let asset = store
                .insert(&Asset {
                    name: "Customer database".into(),
                    kind: AssetKind::Software,
                    owner: "Ann".into(),
                    location: "eu-west".into(),
                    classification: "confidential".into(),
                    confidentiality: 3,
                    integrity: 2,
                    availability: 2,
                    in_scope: true,
                    notes: "Holds personal data".into(),
                })
                .unwrap();
            let mut risk = Risk {
                title: "Stolen laptop".into(),
                likelihood: 3,
                impact: 4,
                assets: vec![asset],
                controls: vec!["8.1".into(), "5.15".into()],
                ..Risk::default()
            };
            let reference = store.insert(&risk).unwrap();
            risk.likelihood = 2;
            store.update(&reference, &risk).unwrap();
            let mut decision: SoaDecision = store.get("8.1").unwrap().unwrap();
            decision.applicability = Applicability::Yes;
            decision.how = "Disk encryption on every laptop".into();
            store.update("8.1", &decision).unwrap();
            store
                .approve_soa(&SoaVersion {
                    label: "1.0".into(),
                    approved_by: "Ann".into(),
                    approved_on: Date::from_ymd_opt(2026, 11, 28).unwrap(),
                })
                .unwrap();
            let issue = store
                .insert(&ContextIssue {
                    kind: IssueKind::Internal,
                    description: "A small team".into(),
                    effect: String::new(),
                })
                .unwrap();
            store.delete::<ContextIssue>(&issue).unwrap();
            store
                .set_confidential(&reference, "description", true)
                .unwrap();
        }
        // Folded into one file, without free pages: every byte is part of the workspace.
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("VACUUM")
            .unwrap();
        assert!(
            verify_file(&path).unwrap().is_sound(),
            "the original verifies"
        );
        let bytes = std::fs::read(&path).unwrap();
        let dump = read(&path).unwrap();
        (dir, path, bytes, dump)
    })
}

/// Everything the workbench reads from the file, or `None` when it refuses to open it.
fn read(path: &Path) -> Option<Dump> {
    let store = Store::open(path, OpenMode::ReadOnly).ok()?;
    store.dump().ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_flipped_byte_is_found_refused_or_harmless(at in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let (_keep, _, bytes, dump) = original();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flipped.sqlite3");
        let offset = at.index(bytes.len());
        let mut flipped = bytes.clone();
        flipped[offset] ^= mask;
        std::fs::write(&path, &flipped).unwrap();
        let found = match verify_file(&path) {
            Ok(verdict) => !verdict.is_sound(),
            Err(_) => true,
        };
        if !found {
            if let Some(seen) = read(&path) {
                prop_assert!(
                    &seen == dump,
                    "byte {offset} xor {mask:#04x} changes what the workbench reads, and verify \
                     says the file is sound"
                );
            }
        }
    }
}

/// A flip inside a record's value is found by the replay: the check the property leans on
/// does find what it must. (Some copies of the name are stale bytes in the unused space of a
/// page, which nothing reads; flipping those must change nothing.)
#[test]
fn a_flip_inside_a_stored_name_is_found() {
    let (_keep, _, bytes, dump) = original();
    let needle = b"Customer database";
    let at: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| window == needle)
        .map(|(at, _)| at)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut found = 0;
    for at in at {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x01; // 'C' -> 'B'
        let path = dir.path().join(format!("flipped-{at}.sqlite3"));
        std::fs::write(&path, &flipped).unwrap();
        if verify_file(&path).unwrap().is_sound() {
            assert!(
                read(&path).as_ref() == Some(dump),
                "byte {at} changed what is read"
            );
        } else {
            found += 1;
        }
    }
    assert!(found >= 1, "the asset's name in its row is found");
}
