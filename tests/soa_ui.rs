//! The SoA tab driven through the app's input handler, and the SoA's store rules: decisions,
//! derived reasons, exclusions, approved versions and their differences from today.

use isms::domain::risk::Risk;
use isms::domain::soa::{diff, Applicability, Implementation, InclusionReason, SoaDecision};
use isms::store::{OpenMode, SoaVersion, Store};
use ratatui::crossterm::event::KeyCode;
use tempfile::TempDir;

mod common;
use common::{demo_store, today, Harness};

fn harness() -> Harness {
    Harness::new(true, '4')
}

/// The SoA tab's own moves: pick a control by searching for it; read its stored decision.
trait SoaKeys {
    fn select(&mut self, control: &str) -> &mut Self;
    fn decision(&self, control: &str) -> SoaDecision;
}

impl SoaKeys for Harness {
    fn select(&mut self, control: &str) -> &mut Self {
        self.key(KeyCode::Char('/'))
            .keys(control)
            .key(KeyCode::Enter)
    }

    fn decision(&self, control: &str) -> SoaDecision {
        self.store().get::<SoaDecision>(control).unwrap().unwrap()
    }
}

#[test]
fn the_table_at_both_sizes_and_the_progress() {
    let mut h = harness();
    insta::assert_snapshot!("soa_controls_80x24", h.screen(80, 24));
    insta::assert_snapshot!("soa_controls_160x48", h.screen(160, 48));
    h.key(KeyCode::Right);
    insta::assert_snapshot!("soa_progress_80x24", h.screen(80, 24));
}

#[test]
fn undecided_controls_stand_out_and_filter() {
    let mut h = harness();
    h.key(KeyCode::Char('f'));
    // Applicability is the third field: Undecided is its second choice.
    h.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Right);
    h.ctrl('s');
    let screen = h.screen(100, 30);
    assert!(screen.contains("2 of 93 controls"), "{screen}");
    assert!(screen.contains("? undecided"), "{screen}");
}

#[test]
fn filter_by_attribute() {
    let mut h = harness();
    h.key(KeyCode::Char('f'));
    for _ in 0..4 {
        h.key(KeyCode::Tab);
    }
    // The attribute choices: Any, then each attribute's values in order; cycle to Detective.
    let control_types: std::collections::BTreeSet<String> = h
        .app
        .soa()
        .data()
        .controls
        .iter()
        .flat_map(|c| c.control_type.clone())
        .collect();
    let position = control_types.iter().position(|v| v == "Detective").unwrap() + 1;
    for _ in 0..position {
        h.key(KeyCode::Right);
    }
    h.ctrl('s');
    let detective = h
        .app
        .soa()
        .data()
        .controls
        .iter()
        .filter(|c| c.control_type.iter().any(|t| t == "Detective"))
        .count();
    assert!(detective > 5);
    let screen = h.screen(100, 30);
    assert!(
        screen.contains(&format!("{detective} of 93 controls")),
        "{screen}"
    );
    assert!(screen.contains("Control type: Detective"), "{screen}");
}

#[test]
fn an_exclusion_needs_a_justification_in_place() {
    let mut h = harness();
    h.select("5.6").key(KeyCode::Enter);
    insta::assert_snapshot!("soa_decision_form_80x24", h.screen(80, 24));
    h.key(KeyCode::Right); // Applicable -> Not applicable
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("✗ A control marked not applicable needs a justification"),
        "{screen}"
    );
    assert_eq!(
        h.decision("5.6").applicability,
        Applicability::Yes,
        "nothing saved"
    );
    h.keys("We join no special interest groups; the CISO follows NCSC alerts instead.");
    h.ctrl('s');
    assert!(h.screen(80, 24).contains("Saved 5.6."));
    let saved = h.decision("5.6");
    assert_eq!(saved.applicability, Applicability::No);
    assert!(saved.justification.starts_with("We join no special"));
}

#[test]
fn excluding_a_control_that_risks_rely_on_asks_and_lists_them() {
    let mut h = harness();
    let relied: Vec<String> = h.app.soa().data().risks.get("8.13").cloned().unwrap();
    assert!(!relied.is_empty());
    h.select("8.13").key(KeyCode::Enter);
    h.key(KeyCode::Right);
    h.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .keys("Backups are the hosting provider's job.");
    h.ctrl('s');
    let screen = h.screen(100, 30);
    for risk in &relied {
        assert!(
            screen.contains(risk.as_str()),
            "{risk} missing from the question: {screen}"
        );
    }
    assert!(screen.contains("Mark 8.13 not applicable"), "{screen}");
    h.key(KeyCode::Char('n'));
    assert_eq!(h.decision("8.13").applicability, Applicability::Yes);
    h.ctrl('s').key(KeyCode::Char('y'));
    assert_eq!(h.decision("8.13").applicability, Applicability::No);
}

#[test]
fn derived_reasons_follow_risk_links() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    // A control no risk names shows no risk-treatment reason; linking a risk adds it.
    let data = store.load_soa().unwrap();
    let free = data
        .controls
        .iter()
        .find(|c| data.risk_count(&c.id) == 0)
        .unwrap()
        .id
        .clone();
    assert!(!data
        .decision(&free)
        .unwrap()
        .reasons_text(data.risk_count(&free))
        .starts_with("Risk treatment"));
    let mut risk = store.get::<Risk>("R-001").unwrap().unwrap();
    risk.controls.push(free.clone());
    store.update("R-001", &risk).unwrap();
    let data = store.load_soa().unwrap();
    assert_eq!(data.risks.get(&free).unwrap(), &vec!["R-001".to_string()]);
    assert!(data
        .decision(&free)
        .unwrap()
        .reasons_text(data.risk_count(&free))
        .starts_with("Risk treatment"));
}

#[test]
fn the_demo_version_differs_from_today_and_a_new_approval_matches_it() {
    let mut h = harness();
    h.key(KeyCode::Right).key(KeyCode::Right);
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("Changes since v1.0 (7 controls)"),
        "{screen}"
    );
    assert!(
        screen.contains("applicability: Applicable → Not applicable"),
        "{screen}"
    );
    insta::assert_snapshot!("soa_versions_80x24", h.screen(80, 24));
    h.key(KeyCode::Char('a'));
    // Two controls are undecided in the demo: the question comes first.
    h.key(KeyCode::Char('y'));
    h.key(KeyCode::Tab).keys("Priya Shah (CTO)");
    h.ctrl('s');
    let screen = h.screen(120, 40);
    assert!(screen.contains("Approved the SoA as v2.0."), "{screen}");
    assert!(
        screen.contains("No control has changed since this version."),
        "{screen}"
    );
    let versions = h.app.store().load_soa().unwrap().versions;
    assert_eq!(versions.len(), 2);
    let rows = h
        .app
        .store()
        .soa_version_rows(&versions[1].reference)
        .unwrap();
    assert_eq!(rows.len(), 93);
}

#[test]
fn version_rows_are_a_frozen_copy() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let reference = store
        .approve_soa(&SoaVersion {
            label: "v2.0".into(),
            approved_by: "CEO".into(),
            approved_on: today(),
        })
        .unwrap();
    let mut decision = store.get::<SoaDecision>("5.1").unwrap().unwrap();
    decision.status = Implementation::Partial;
    store.update("5.1", &decision).unwrap();
    let frozen = store.soa_version_rows(&reference).unwrap();
    let now = store.load_soa().unwrap().rows();
    let changes = diff(&frozen, &now);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].control, "5.1");
    assert_eq!(changes[0].changes[0].0, "status");
    assert!(store
        .history(&reference)
        .unwrap()
        .iter()
        .any(|e| e.field == "label"));
    // An approval without an approver is refused and leaves nothing behind.
    let before = store.load_soa().unwrap().versions.len();
    assert!(store
        .approve_soa(&SoaVersion {
            label: "v3.0".into(),
            approved_by: " ".into(),
            approved_on: today(),
        })
        .is_err());
    assert_eq!(store.load_soa().unwrap().versions.len(), before);
}

#[test]
fn an_old_workspace_gets_its_soa_rows_by_migration() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.sqlite3");
    drop(Store::open(&path, OpenMode::Create { organisation: None }).unwrap());
    // Take the file back to schema 2: drop what migrations 3 and later made.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "ALTER TABLE workspace DROP COLUMN climate_note;
         ALTER TABLE workspace DROP COLUMN climate_relevant;
         DROP TABLE change_log_head; DROP TABLE draft; DROP TABLE confidential_field; DROP TABLE budget_line; DROP TABLE milestone;
         DROP TABLE certification_plan; DROP TABLE document_requirement;
         DROP TABLE measurement; DROP TABLE objective; DROP TABLE review_action; DROP TABLE review;
         DROP TABLE nonconformity; DROP TABLE checklist_item; DROP TABLE audit_control;
         DROP TABLE audit_clause; DROP TABLE audit;
         DROP TABLE document_clause; DROP TABLE document_control; DROP TABLE document;
         DROP TABLE soa_version_row; DROP TABLE soa_version; DROP TABLE soa_decision;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path, OpenMode::MustExist).unwrap();
    assert_eq!(store.schema_version().unwrap(), isms::store::SCHEMA_VERSION);
    let data = store.load_soa().unwrap();
    assert_eq!(data.decisions.len(), 93);
    assert!(data
        .decisions
        .iter()
        .all(|d| d.value.applicability == Applicability::Undecided));
}

#[test]
fn rendering_never_panics_at_any_size() {
    let mut h = harness();
    for (width, height) in [(1, 1), (12, 4), (70, 16), (80, 24), (151, 47), (400, 120)] {
        for _ in 0..3 {
            h.screen(width, height);
            h.key(KeyCode::Char(']'));
        }
        h.key(KeyCode::Enter);
        h.screen(width, height);
        h.key(KeyCode::Esc);
    }
}

#[test]
fn approving_with_undecided_controls_says_how_many_and_asks_first() {
    let mut h = harness();
    h.key(KeyCode::Right).key(KeyCode::Right);
    h.key(KeyCode::Char('a'));
    let screen = h.screen(80, 24);
    insta::assert_snapshot!("soa_approve_undecided_question_80x24", screen);
    assert!(
        screen.contains("2 controls are still undecided"),
        "{screen}"
    );
    // No: nothing opens, nothing is approved.
    h.key(KeyCode::Char('n'));
    assert!(!h.screen(80, 24).contains("Approve the SoA as it is now"));
    assert_eq!(h.store().load_soa().unwrap().versions.len(), 1);
    // Yes: the approval form opens.
    h.key(KeyCode::Char('a')).key(KeyCode::Char('y'));
    assert!(
        h.screen(100, 30).contains("Approve the SoA as it is now"),
        "{}",
        h.screen(100, 30)
    );
    // With every control decided, approving asks nothing.
    let mut h = harness();
    {
        let mut store = Store::open(&h.dir.path().join("w.sqlite3"), OpenMode::MustExist).unwrap();
        for control in ["7.4", "8.23"] {
            let mut decision = store.get::<SoaDecision>(control).unwrap().unwrap();
            if decision.applicability == Applicability::Undecided {
                decision.applicability = Applicability::Yes;
                store.update(control, &decision).unwrap();
            }
        }
    }
    h.key(KeyCode::Right).key(KeyCode::Right);
    h.key(KeyCode::Char('a'));
    let screen = h.screen(100, 30);
    assert!(!screen.contains("undecided ("), "{screen}");
    assert!(screen.contains("Approve the SoA as it is now"), "{screen}");
}

#[test]
fn an_approved_version_shows_its_frozen_rows_with_the_changes_marked() {
    let mut h = harness();
    h.key(KeyCode::Right).key(KeyCode::Right);
    h.key(KeyCode::Enter);
    insta::assert_snapshot!("soa_version_view_80x24", h.screen(80, 24));
    // 5.7 was undecided at approval and is applicable today: marked, and the detail says so.
    h.key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Down);
    h.key(KeyCode::Down).key(KeyCode::Down);
    let screen = h.screen(160, 40);
    insta::assert_snapshot!("soa_version_view_160x40", screen);
    assert!(
        screen.contains("5.7 Threat intelligence as approved"),
        "{screen}"
    );
    assert!(
        screen.contains("applicability: Undecided → Applicable"),
        "{screen}"
    );
    // Read-only: Enter opens no form; Esc goes back to the versions.
    h.key(KeyCode::Enter);
    assert!(!h.screen(160, 40).contains("Ctrl-S"));
    h.key(KeyCode::Esc);
    let screen = h.screen(120, 40);
    assert!(screen.contains("Changes since v1.0"), "{screen}");
    assert!(!screen.contains("as approved on"), "{screen}");
}

#[test]
fn a_version_freezes_every_field_and_the_editions_compare_with_it() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let before = store.get::<SoaDecision>("5.1").unwrap().unwrap();
    let reference = store
        .approve_soa(&SoaVersion {
            label: "v2.0".into(),
            approved_by: "CEO".into(),
            approved_on: today(),
        })
        .unwrap();
    // Every field of 5.1 changes after the approval.
    let after = SoaDecision {
        applicability: Applicability::No,
        reasons: vec![InclusionReason::Contractual],
        justification: "Covered by the group policy.".into(),
        status: Implementation::Planned,
        how: "Group policy".into(),
        owner: "Group CISO".into(),
        target_date: isms::domain::dates::parse_optional("2027-06-30").unwrap(),
        last_reviewed: Some(today()),
    };
    assert_ne!(before.reasons, after.reasons);
    store.update("5.1", &after).unwrap();

    let frozen = store.soa_version_rows(&reference).unwrap();
    assert_eq!(frozen.len(), 93);
    let row = frozen.iter().find(|r| r.control == "5.1").unwrap();
    assert_eq!(
        row.decision, before,
        "the version holds 5.1 as it was approved"
    );

    let soa = store.load_soa().unwrap();
    let latest = soa.latest_version().unwrap();
    assert_eq!(latest.value.label, "v2.0");
    let current = store.current_soa_edition(&soa).unwrap();
    let change = current.change("5.1").expect("5.1 changed since v2.0");
    let fields: Vec<&str> = change.changes.iter().map(|c| c.0).collect();
    assert_eq!(fields, isms::domain::soa::DIFF_FIELDS);
    assert_eq!(current.changes().len(), 1);
    assert!(current
        .changed_since()
        .starts_with("1 control changed since v2.0 approved on 2026-11-28 by CEO"));

    // The frozen edition of v2.0 compares with today alike; v1.0 is there too.
    let (frozen_edition, rows) = store.frozen_soa_edition(&soa, " v2.0 ").unwrap();
    assert_eq!(rows, frozen);
    assert_eq!(frozen_edition.changes(), current.changes());
    assert!(store.frozen_soa_edition(&soa, "v1.0").is_ok());
    let error = store
        .frozen_soa_edition(&soa, "v3")
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "no SoA version is labelled \"v3\"; the approved versions are v1.0, v2.0"
    );

    // The readiness rules read the latest version: v2.0 froze the demo's undecided controls.
    let approved = store.latest_approved_soa().unwrap().unwrap();
    assert_eq!(approved.reference, reference);
    assert_eq!(approved.undecided(), ["7.4", "8.23"]);
    assert!(store
        .check(today())
        .unwrap()
        .iter()
        .any(|f| f.rule == "soa-version-undecided" && f.record == reference));
}

#[test]
fn a_finding_on_a_version_opens_it_in_the_versions() {
    let mut h = Harness::new(true, '1');
    // The demo's findings: move to the one about the approved version, then Enter.
    let position = h
        .store()
        .check(today())
        .unwrap()
        .iter()
        .position(|f| f.rule == "soa-version-undecided")
        .unwrap();
    for _ in 0..position {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    let screen = h.screen(120, 40);
    assert!(screen.contains("▸Approved versions (1)◂"), "{screen}");
    assert!(screen.contains("Changes since v1.0"), "{screen}");
}

#[test]
fn a_version_compares_with_the_one_before_it() {
    let mut h = harness();
    h.key(KeyCode::Right).key(KeyCode::Right);
    // v1.0 is the first: c says it compares with today only.
    h.key(KeyCode::Enter).key(KeyCode::Char('c'));
    let screen = h.screen(100, 30);
    assert!(
        screen.contains("v1.0 is the first approved version: it compares with today only."),
        "{screen}"
    );
    h.key(KeyCode::Esc);
    // Approve v2.0 as today stands, then compare it with v1.0: the demo's 7 changes.
    h.key(KeyCode::Char('a')).key(KeyCode::Char('y'));
    h.key(KeyCode::Tab).keys("Priya Shah (CTO)");
    h.ctrl('s');
    h.key(KeyCode::Enter);
    assert!(
        h.screen(100, 30)
            .contains("No control changed since v2.0 approved on 2026-11-28"),
        "{}",
        h.screen(100, 30)
    );
    h.key(KeyCode::Char('c'));
    insta::assert_snapshot!("soa_version_compared_80x24", h.screen(80, 24));
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("7 controls changed from v1.0 to v2.0 (marked ●)"),
        "{screen}"
    );
    assert!(screen.contains("Changed from v1.0"), "{screen}");
    // c again: back to today.
    h.key(KeyCode::Char('c'));
    assert!(h.screen(120, 40).contains("Comparing v2.0 with today."));
}
