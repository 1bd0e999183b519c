//! The register of documented information in the store: links to clauses, controls and
//! required documents saved, read back in one go and logged; the readiness rules fed from it.

use isms::domain::changelog::Operation;
use isms::domain::dates::parse;
use isms::domain::document::{Document, DocumentKind, DocumentStatus};
use isms::store::Store;

mod common;

fn policy() -> Document {
    Document {
        title: "Information security policy".into(),
        kind: DocumentKind::Policy,
        version: "1.0".into(),
        owner: "CISO".into(),
        status: DocumentStatus::Draft,
        clauses: vec!["5.2".into()],
        controls: vec!["5.1".into()],
        requirements: vec!["5.2 e".into()],
        ..Document::default()
    }
}

fn rules(store: &Store) -> Vec<(&'static str, String)> {
    store
        .check(common::today())
        .unwrap()
        .into_iter()
        .filter(|f| f.rule.contains("document"))
        .map(|f| (f.rule, f.record))
        .collect()
}

#[test]
fn documents_keep_their_links_and_log_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::workspace(&dir, false);
    let reference = store.insert(&policy()).unwrap();
    assert_eq!(reference, "DOC-001");
    let data = store.load_documents().unwrap();
    assert_eq!(data.documents.len(), 1);
    assert_eq!(data.documents[0].value, policy());
    assert!(
        data.applicable.is_empty(),
        "a new workspace decided nothing"
    );

    let mut approved = policy();
    approved.status = DocumentStatus::Approved;
    approved.approved_by = "CEO".into();
    approved.approved_on = parse("2026-11-01").ok();
    approved.controls = vec!["5.10".into(), "5.1".into()];
    approved.requirements.push("4.3".into());
    assert_eq!(store.update(&reference, &approved).unwrap(), 5);
    let stored = store.get::<Document>(&reference).unwrap().unwrap();
    assert_eq!(stored.controls, ["5.1", "5.10"], "in Annex A order");
    assert_eq!(stored.requirements, ["4.3", "5.2 e"], "in catalogue order");

    let history = store.history(&reference).unwrap();
    let controls = history
        .iter()
        .find(|e| e.field == "controls" && e.operation == Operation::Update)
        .unwrap();
    assert_eq!(
        (controls.old.as_deref(), controls.new.as_deref()),
        (Some("5.1"), Some("5.1, 5.10"))
    );

    // A link to a control that does not exist, or an unknown requirement, saves nothing.
    let mut bad = approved.clone();
    bad.controls.push("9.99".into());
    assert!(store.update(&reference, &bad).is_err());
    let mut bad = approved.clone();
    bad.requirements.push("7.5.1 b".into());
    let error = store.update(&reference, &bad).unwrap_err().to_string();
    assert!(error.contains("7.5.1 b"), "{error}");
    // Approval needs who and when.
    let mut bad = approved.clone();
    bad.approved_by.clear();
    assert!(store.insert(&bad).is_err());

    store.delete::<Document>(&reference).unwrap();
    assert!(store.load_documents().unwrap().documents.is_empty());
    assert!(store.history(&reference).unwrap()[0].operation == Operation::Delete);
}

#[test]
fn the_readiness_check_reads_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::workspace(&dir, false);
    let missing = rules(&store);
    assert_eq!(
        missing.len(),
        16,
        "every clause document, nothing applicable yet"
    );
    assert!(missing.contains(&("required-document-missing", "5.2 e".into())));

    let reference = store.insert(&policy()).unwrap();
    let found = rules(&store);
    assert!(found.contains(&("required-document-not-approved", "5.2 e".into())));
    assert!(!found.contains(&("required-document-missing", "5.2 e".into())));

    let mut approved = policy();
    approved.status = DocumentStatus::Approved;
    approved.approved_by = "CEO".into();
    approved.approved_on = parse("2025-11-01").ok();
    approved.next_review = parse("2026-11-01").ok();
    store.update(&reference, &approved).unwrap();
    let found = rules(&store);
    assert!(!found.iter().any(|(_, r)| r == "5.2 e"), "{found:?}");
    assert!(found.contains(&("document-review-overdue", reference.clone())));
}

#[test]
fn the_demo_has_documents_with_the_gaps_it_shows_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(&dir);
    let data = store.load_documents().unwrap();
    assert_eq!(data.documents.len(), 20);
    assert_eq!(
        rules(&store),
        [
            ("required-document-missing", "7.2 d".to_string()),
            ("required-document-not-approved", "A.5.37".to_string()),
            ("required-document-missing", "A.8.27".to_string()),
            ("document-review-overdue", "DOC-013".to_string()),
        ]
    );
    // The SoA shows the documents in use linked to a control, with their titles.
    let soa = store.load_soa().unwrap();
    assert_eq!(
        soa.evidence["5.1"],
        ["DOC-002"],
        "the retired DOC-020 is not evidence"
    );
    assert_eq!(
        soa.document_titles["DOC-002"],
        "Information security policy"
    );
}
