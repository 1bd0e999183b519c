//! The Evidence tab driven through the app's input handler: the required documents with
//! their state, writing a missing one from its row, the register with its filter, form,
//! delete and history, and the Overview's findings leading here.

use isms::domain::document::{Document, DocumentStatus, RequiredState};
use isms::ui::Tab;
use ratatui::crossterm::event::KeyCode;

mod common;
use common::Harness;

fn harness() -> Harness {
    Harness::new(true, '5')
}

fn selected_line(h: &mut Harness, width: u16, height: u16) -> String {
    h.screen(width, height)
        .lines()
        .find(|line| line.contains('▶'))
        .unwrap_or_default()
        .to_string()
}

/// Moves the Required list onto the requirement `key`.
fn go_to_requirement(h: &mut Harness, key: &str) {
    h.key(KeyCode::Home);
    let index = h
        .app
        .evidence()
        .expected()
        .iter()
        .position(|e| e.requirement.key == key)
        .unwrap();
    for _ in 0..index {
        h.key(KeyCode::Down);
    }
}

#[test]
fn required_documents_at_both_sizes() {
    let mut h = harness();
    assert_eq!(h.app.tab(), Tab::Evidence);
    let screen = h.screen(80, 24);
    assert!(screen.contains("23 of 27 in place"), "{screen}");
    insta::assert_snapshot!("evidence_required_80x24", screen);
    go_to_requirement(&mut h, "7.2 d");
    insta::assert_snapshot!("evidence_required_160x48", h.screen(160, 48));
}

#[test]
fn the_register_at_both_sizes_with_the_overdue_review_standing_out() {
    let mut h = harness();
    h.key(KeyCode::Right);
    insta::assert_snapshot!("evidence_register_80x24", h.screen(80, 24));
    h.keys("/accept").key(KeyCode::Enter);
    let screen = h.screen(160, 48);
    assert!(screen.contains("1 of 20 documents"), "{screen}");
    assert!(screen.contains("⚠ overdue 2026-10-24"), "{screen}");
    insta::assert_snapshot!("evidence_register_filtered_160x48", screen);
    h.key(KeyCode::Char('x'));
    assert!(h.screen(80, 24).contains(" 20 documents "));
}

#[test]
fn enter_on_a_missing_requirement_writes_it_already_linked() {
    let mut h = harness();
    go_to_requirement(&mut h, "A.8.27");
    h.key(KeyCode::Char('h'));
    assert!(h
        .screen(80, 24)
        .contains("No document fulfils A.8.27 yet: it has no history."));
    h.key(KeyCode::Enter);
    let screen = h.screen(80, 24);
    assert!(screen.contains("New document (7.5)"), "{screen}");
    assert!(
        screen.contains("Secure engineering and architecture principles"),
        "{screen}"
    );
    insta::assert_snapshot!("evidence_new_for_requirement_80x24", screen);
    // Approved without who and when is refused in place; a bad date as the field is left.
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Right).key(KeyCode::Right); // Draft -> In review -> Approved
    for _ in 0..4 {
        h.key(KeyCode::Tab);
    }
    h.keys("2026-02-30").key(KeyCode::Tab);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("✗ \"2026-02-30\" is not a date"),
        "{screen}"
    );
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Not saved: fix the fields marked ✗."),
        "{screen}"
    );
    // Fixed, it saves and the requirement is in place. The refusal put the focus on
    // "Approved by", the first field with an error.
    h.keys("Priya Shah (CTO)").key(KeyCode::Tab);
    for _ in 0..10 {
        h.key(KeyCode::Backspace);
    }
    h.keys("2026-11-20").ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("Saved DOC-021."), "{screen}");
    let document = h.store().get::<Document>("DOC-021").unwrap().unwrap();
    assert_eq!(document.requirements, ["A.8.27"]);
    assert_eq!(document.status, DocumentStatus::Approved);
    let state = h
        .app
        .evidence()
        .expected()
        .iter()
        .find(|e| e.requirement.key == "A.8.27")
        .unwrap()
        .state;
    assert_eq!(state, RequiredState::InPlace);
    assert!(h.screen(80, 24).contains("24 of 27 in place"));
}

#[test]
fn enter_on_a_fulfilled_requirement_shows_its_document() {
    let mut h = harness();
    go_to_requirement(&mut h, "5.2 e");
    h.key(KeyCode::Enter);
    assert!(selected_line(&mut h, 160, 48).contains("DOC-002"));
    assert!(h
        .screen(160, 48)
        .contains("Register of documents and evidence"));
}

#[test]
fn edit_delete_and_history_in_the_register() {
    let mut h = harness();
    h.key(KeyCode::Right)
        .keys("/platform operations")
        .key(KeyCode::Enter);
    assert!(selected_line(&mut h, 160, 48).contains("DOC-016"));
    // Edit: approve the draft operating procedures.
    h.key(KeyCode::Enter);
    assert!(h.screen(80, 24).contains("Edit DOC-016"));
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Right).key(KeyCode::Right);
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.keys("Priya Shah (CTO)")
        .key(KeyCode::Tab)
        .keys("2026-11-28");
    h.ctrl('s');
    assert!(h.screen(80, 24).contains("Saved DOC-016."));
    let findings = h.store().check(common::today()).unwrap();
    assert!(!findings.iter().any(|f| f.record == "A.5.37"));
    // History shows the change.
    h.key(KeyCode::Char('h'));
    let screen = h.screen(100, 30);
    assert!(screen.contains("Status"), "{screen}");
    assert!(screen.contains("Approved"), "{screen}");
    assert!(!screen.contains("approved_by"), "{screen}");
    h.key(KeyCode::Esc);
    // Delete asks first.
    h.key(KeyCode::Char('d'));
    assert!(h.screen(80, 24).contains("Delete DOC-016"));
    h.key(KeyCode::Char('y'));
    assert!(h.screen(80, 24).contains("Deleted DOC-016."));
    assert!(h.store().get::<Document>("DOC-016").unwrap().is_none());
}

#[test]
fn the_overview_leads_to_documents_and_requirements_and_the_soa_follows_edits() {
    let mut h = Harness::new(true, '1');
    let findings = h.app.overview().findings().to_vec();
    for (rule, record) in [
        ("required-document-missing", "7.2 d"),
        ("document-review-overdue", "DOC-013"),
    ] {
        h.key(KeyCode::Char('1')).key(KeyCode::Home);
        let index = findings
            .iter()
            .position(|f| f.rule == rule && f.record == record)
            .unwrap();
        for _ in 0..index {
            h.key(KeyCode::Down);
        }
        h.key(KeyCode::Enter);
        assert_eq!(h.app.tab(), Tab::Evidence);
        let line = selected_line(&mut h, 160, 48);
        assert!(line.contains(record), "{record}: {line}");
    }
    // The SoA shows the documents linked to a control, and re-reads after they change.
    h.key(KeyCode::Char('4')).keys("/5.10").key(KeyCode::Enter);
    let screen = h.screen(160, 48);
    assert!(screen.contains("DOC-013 Acceptable use policy"), "{screen}");
    h.key(KeyCode::Char('5'))
        .key(KeyCode::Char('d'))
        .key(KeyCode::Char('y'));
    h.key(KeyCode::Char('4'));
    let screen = h.screen(160, 48);
    assert!(!screen.contains("DOC-013"), "{screen}");
}

/// A new workspace whose scope statement is written and one risk assessed, on the Evidence tab.
fn half_done() -> Harness {
    use isms::domain::risk::{Risk, RiskStatus};
    use isms::domain::workspace::Workspace;
    use isms::ui::{App, Theme, ThemeName};
    let dir = tempfile::TempDir::new().unwrap();
    let mut store = common::workspace(&dir, false);
    store
        .update_workspace(&Workspace {
            organisation: "Halfway Ltd".into(),
            isms_name: "Halfway ISMS".into(),
            scope_statement: "The hosted payroll service.".into(),
            ..Workspace::default()
        })
        .unwrap();
    store
        .insert(&Risk {
            title: "Payroll data leaks".into(),
            owner: "CFO".into(),
            likelihood: 2,
            impact: 3,
            status: RiskStatus::Assessed,
            ..Risk::default()
        })
        .unwrap();
    let mut app = App::new(store, Theme::new(ThemeName::Dark, true), common::today()).unwrap();
    app.set_location_label("/home/lead/workbench.sqlite3");
    app.set_today(common::today());
    let mut h = Harness { app, dir };
    h.key(KeyCode::Char('5'));
    h
}

#[test]
fn what_the_workbench_holds_is_in_place_without_a_document() {
    let mut h = half_done();
    let screen = h.screen(80, 24);
    // The scope statement (4.3), the risk method in use (6.1.2) and the assessed risk (8.2).
    assert!(screen.contains("3 of 16 in place"), "{screen}");
    insta::assert_snapshot!("evidence_required_workbench_80x24", screen);
    go_to_requirement(&mut h, "8.2");
    let screen = h.screen(120, 36);
    assert!(
        screen.contains("in place (in the workbench: 02-risk/risk-register.csv)"),
        "{screen}"
    );
    insta::assert_snapshot!("evidence_required_workbench_120x36", screen);
    // Enter on it says where it is rather than opening a document that does not exist.
    h.key(KeyCode::Enter);
    let screen = h.screen(120, 36);
    assert!(
        screen.contains("8.2 is in place in the workbench: 02-risk/risk-register.csv"),
        "{screen}"
    );
    // What the records do not hold yet says what would put it in place.
    go_to_requirement(&mut h, "9.2.2");
    let screen = h.screen(120, 36);
    assert!(screen.contains("✗ missing"), "{screen}");
    assert!(
        screen.contains("fulfilled once an internal audit is reported or closed"),
        "{screen}"
    );
}
