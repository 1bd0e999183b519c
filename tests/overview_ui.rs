//! The Overview: readiness findings from the same rules as `isms check`, and `Enter` taking
//! the user to each finding's record in its tab.

use isms::ui::Tab;
use ratatui::crossterm::event::KeyCode;

mod common;
use common::Harness;

/// The screen's line with the selection marker, where the selected row is.
fn selected_line(h: &mut Harness, width: u16, height: u16) -> String {
    h.screen(width, height)
        .lines()
        .find(|line| line.contains('▶'))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_overview_lists_the_demo_findings() {
    let mut h = Harness::new(true, '1');
    assert_eq!(h.app.tab(), Tab::Overview);
    let findings = h.app.overview().findings();
    // The same rules as `isms check`: the demo's untreated risks come first, as blockers.
    assert_eq!(findings[0].rule, "risk-untreated");
    assert_eq!(findings[0].record, "R-010");
    insta::assert_snapshot!("overview_80x24", h.screen(80, 24));
    insta::assert_snapshot!("overview_140x36", h.screen(140, 36));
    // Only the rows on screen are drawn; the selection stays among them.
    h.key(KeyCode::End);
    assert!(selected_line(&mut h, 80, 24).contains("DOC-013"));
    h.key(KeyCode::PageUp);
    let line = selected_line(&mut h, 80, 24);
    assert!(
        line.contains("warning") && !line.contains("DOC-013"),
        "{line}"
    );
    h.key(KeyCode::Home);
    assert!(selected_line(&mut h, 80, 24).contains("R-010"));
}

#[test]
fn enter_goes_to_the_record_of_each_kind_of_finding() {
    let mut h = Harness::new(true, '1');
    // A risk: the register, with the risk selected.
    h.key(KeyCode::Enter);
    assert_eq!(h.app.tab(), Tab::Risks);
    assert!(selected_line(&mut h, 140, 36).contains("R-010"));

    // A control, even when a search in the SoA hides it: the search is cleared.
    h.key(KeyCode::Char('4')).keys("/8.1").key(KeyCode::Enter);
    assert!(
        !h.screen(140, 36).contains(" 7.4 "),
        "the search should hide 7.4"
    );
    h.key(KeyCode::Char('1'))
        .key(KeyCode::Down)
        .key(KeyCode::Down);
    assert_eq!(h.app.overview().findings()[2].record, "7.4");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.tab(), Tab::Soa);
    assert!(selected_line(&mut h, 140, 36).contains("7.4"));

    // A nonconformity past due: the register of nonconformities.
    h.key(KeyCode::Char('1')).key(KeyCode::Home);
    let findings = h.app.overview().findings().to_vec();
    let nc = findings
        .iter()
        .position(|f| f.rule == "nc-overdue")
        .unwrap();
    assert_eq!(findings[nc].record, "NC-002");
    for _ in 0..nc {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    assert_eq!(h.app.tab(), Tab::Audit);
    let screen = h.screen(140, 36);
    assert!(screen.contains("Nonconformities"), "{screen}");
    assert!(selected_line(&mut h, 140, 36).contains("NC-002"));
}

#[test]
fn a_new_workspace_starts_with_its_scope() {
    let mut h = Harness::new(false, '1');
    let first = h.app.overview().findings()[0].clone();
    assert_eq!(first.rule, "scope-statement-empty");
    assert_eq!(first.record, "WS");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.tab(), Tab::Scope);
    assert!(
        h.screen(80, 24).contains("Enter edit"),
        "the scope statement is shown"
    );
}

#[test]
fn the_plan_shows_the_certification_body_and_the_timeline() {
    let mut h = Harness::new(true, '1');
    h.key(KeyCode::Right);
    let screen = h.screen(80, 24);
    assert!(screen.contains("Northgate Assurance Ltd"), "{screen}");
    insta::assert_snapshot!("overview_plan_80x24", screen);
    insta::assert_snapshot!("overview_plan_140x36", h.screen(140, 36));

    // Stage 1 is the sixth milestone: mark it done today.
    h.key(KeyCode::Home).keys("jjjjj").key(KeyCode::Enter);
    assert!(h.screen(80, 24).contains("Milestone · Stage 1 audit"));
    h.key(KeyCode::Tab).keys("2026-13-01").key(KeyCode::Tab);
    assert!(
        h.screen(80, 24).contains("is not a date"),
        "a bad date is refused"
    );
    h.key(KeyCode::BackTab);
    for _ in 0.."2026-13-01".len() {
        h.key(KeyCode::Backspace);
    }
    h.keys("2026-11-27").ctrl('s');
    let stage1 = h
        .app
        .overview()
        .timeline()
        .iter()
        .find(|r| r.kind == isms::domain::certification::MilestoneKind::Stage1)
        .unwrap();
    assert_eq!(
        stage1.done.map(|d| d.to_string()).as_deref(),
        Some("2026-11-27")
    );
    assert!(h.screen(140, 36).contains("Saved Stage 1 audit."));

    // The certification body's form, from the plan.
    h.key(KeyCode::Char('b'));
    assert!(h.screen(80, 24).contains("Certification body"));
    h.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Tab);
    h.key(KeyCode::Right).ctrl('s');
    let screen = h.screen(140, 36);
    assert!(
        screen.contains("27006 auditor competence ✓ confirmed"),
        "{screen}"
    );
}

#[test]
fn the_budget_adds_up_per_year_and_refuses_a_bad_amount() {
    let mut h = Harness::new(true, '1');
    h.key(KeyCode::Right).key(KeyCode::Right);
    let screen = h.screen(140, 36);
    assert!(
        screen.contains("78,550"),
        "the demo's cycle total:\n{screen}"
    );
    insta::assert_snapshot!("overview_budget_80x24", h.screen(80, 24));
    insta::assert_snapshot!("overview_budget_140x36", screen);

    // A new line in year 2, typed with a bad amount first.
    h.key(KeyCode::Char('n')).key(KeyCode::Right);
    h.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .keys("Consultant, surveillance prep");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Backspace).keys("twelve").ctrl('s');
    assert!(h.screen(80, 24).contains("is not an amount"));
    for _ in 0.."twelve".len() {
        h.key(KeyCode::Backspace);
    }
    h.keys("1,250").ctrl('s');
    let screen = h.screen(140, 36);
    assert!(screen.contains("Saved BUD-011."), "{screen}");
    assert!(screen.contains("Consultant, surveillance prep"));
    // Year 2 was 14,150; the cycle 78,550.
    assert!(
        screen.contains("15,400") && screen.contains("79,800"),
        "{screen}"
    );

    // Deleting asks first.
    h.key(KeyCode::Char('d'));
    assert!(h.screen(80, 24).contains("Delete BUD-011?"));
    h.key(KeyCode::Char('y'));
    assert!(h.screen(140, 36).contains("78,550"));
}
