//! The Review tab and the management review rules: inputs compiled from the workspace and
//! frozen when the meeting is held, actions carried into the next review, objectives and
//! their measurements, and the minutes export.

use isms::domain::review::{Review, ReviewStatus};
use isms::export::{minutes, PackData};
use ratatui::crossterm::event::KeyCode;
use tempfile::TempDir;

mod common;
use common::{demo_store, today, Harness};

fn harness() -> Harness {
    Harness::new(true, '7')
}

#[test]
fn reviews_inputs_actions_objectives_and_minutes() {
    let mut h = harness();
    insta::assert_snapshot!("reviews_80x24", h.screen(80, 24));
    h.key(KeyCode::Right);
    insta::assert_snapshot!("review_inputs_80x24", h.screen(80, 24));
    h.key(KeyCode::Right).key(KeyCode::Right);
    insta::assert_snapshot!("objectives_160x48", h.screen(160, 48));
    h.key(KeyCode::Right);
    insta::assert_snapshot!("minutes_160x48", h.screen(160, 48));
}

#[test]
fn a_held_review_keeps_its_inputs() {
    let mut h = harness();
    h.key(KeyCode::Right).key(KeyCode::Char('c'));
    let screen = h.screen(120, 36);
    assert!(
        screen.contains("has been held: its inputs stay as they were"),
        "{screen}"
    );
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let error = store
        .compile_review("MR-2026-01", today())
        .unwrap_err()
        .to_string();
    assert!(error.contains("frozen"), "{error}");
}

#[test]
fn inputs_are_compiled_live_for_a_draft_and_carry_earlier_actions() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let held = store.get::<Review>("MR-2026-01").unwrap().unwrap();
    // The draft's input a lists the actions decided at MR-2026-01.
    store.compile_review("MR-2027-01", today()).unwrap();
    let draft = store.get::<Review>("MR-2027-01").unwrap().unwrap();
    assert!(
        draft.inputs[0].starts_with("3 actions: 1 done, 1 in progress, 1 open (1 overdue)"),
        "{}",
        draft.inputs[0]
    );
    assert!(draft.inputs[0].contains("ACT-001"));
    // A later change to the workspace shows in the draft once recompiled, never in the held one.
    let mut risk = store
        .get::<isms::domain::risk::Risk>("R-001")
        .unwrap()
        .unwrap();
    risk.treatment = None;
    risk.status = isms::domain::risk::RiskStatus::Assessed;
    store.update("R-001", &risk).unwrap();
    store.compile_review("MR-2027-01", today()).unwrap();
    let recompiled = store.get::<Review>("MR-2027-01").unwrap().unwrap();
    assert_ne!(
        recompiled.inputs[5], draft.inputs[5],
        "input f follows the risks"
    );
    assert_eq!(
        store.get::<Review>("MR-2026-01").unwrap().unwrap().inputs,
        held.inputs,
        "held minutes never change"
    );
}

#[test]
fn a_new_review_is_prepared_compiled_and_held() {
    let mut h = harness();
    h.key(KeyCode::Char('n'))
        .key(KeyCode::Tab)
        .keys("Rachel Pryce (CEO)");
    h.ctrl('s');
    assert!(h.screen(120, 36).contains("Saved MR-2026-02."));
    // Holding needs compiled inputs.
    h.key(KeyCode::Enter);
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Right);
    h.ctrl('s');
    assert!(h
        .screen(120, 36)
        .contains("Compile the inputs (c) before holding the review."));
    h.key(KeyCode::Esc).key(KeyCode::Char('y'));
    h.key(KeyCode::Right).key(KeyCode::Char('c'));
    assert!(h
        .screen(120, 36)
        .contains("Compiled the inputs of MR-2026-02"));
    let review = h.app.store().get::<Review>("MR-2026-02").unwrap().unwrap();
    assert!(review.inputs.iter().all(|i| !i.is_empty()));
    assert_eq!(review.status, ReviewStatus::Draft);
}

#[test]
fn a_measurement_is_added_to_an_objective() {
    let mut h = harness();
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Right);
    h.key(KeyCode::Char('m'))
        .key(KeyCode::Tab)
        .keys("98.5")
        .key(KeyCode::Tab)
        .keys("December run");
    h.ctrl('s');
    let screen = h.screen(160, 48);
    assert!(screen.contains("Saved OBJ-01/M-06."), "{screen}");
    assert!(screen.contains("98.5 December run"), "{screen}");
    h.key(KeyCode::Char('m')).key(KeyCode::Tab).keys("lots");
    h.ctrl('s');
    assert!(h.screen(160, 48).contains("✗ \"lots\" is not a number."));
}

#[test]
fn the_minutes_export() {
    let dir = TempDir::new().unwrap();
    let store = demo_store(&dir);
    let data = PackData::load(&store, today()).unwrap();
    let files = minutes::files(&data).unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].0, "06-management-review/MR-2026-01-minutes.md");
    insta::assert_snapshot!(
        "minutes_mr_2026_01",
        String::from_utf8(files[0].1.clone()).unwrap()
    );
}

#[test]
fn rendering_never_panics_at_any_size() {
    let mut h = harness();
    for (width, height) in [(1, 1), (20, 6), (70, 16), (80, 24), (133, 41), (400, 120)] {
        for _ in 0..5 {
            h.screen(width, height);
            h.key(KeyCode::Char(']'));
        }
        h.key(KeyCode::Char('n'));
        h.screen(width, height);
        h.key(KeyCode::Esc);
    }
}

#[test]
fn a_held_review_cannot_go_back_to_draft_or_change_its_inputs() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let held = store.get::<Review>("MR-2026-01").unwrap().unwrap();
    let mut back = held.clone();
    back.status = ReviewStatus::Draft;
    let error = store.update("MR-2026-01", &back).unwrap_err().to_string();
    assert!(
        error.contains("approved review's minutes cannot change")
            || error.contains("cannot go back to draft"),
        "{error}"
    );
    let mut retyped = held.clone();
    retyped.feedback = "Rewritten after the meeting".into();
    assert!(store.update("MR-2026-01", &retyped).is_err());
    assert_eq!(
        store.get::<Review>("MR-2026-01").unwrap().unwrap(),
        held,
        "nothing changed"
    );
    // A held (not yet approved) review still takes discussion notes, but never back to draft.
    let mut draft = store.get::<Review>("MR-2027-01").unwrap().unwrap();
    store.compile_review("MR-2027-01", today()).unwrap();
    draft = Review {
        status: ReviewStatus::Held,
        ..store.get::<Review>("MR-2027-01").unwrap().unwrap_or(draft)
    };
    store.update("MR-2027-01", &draft).unwrap();
    let mut noted = draft.clone();
    noted.notes[0] = "Discussed".into();
    store.update("MR-2027-01", &noted).unwrap();
    noted.status = ReviewStatus::Draft;
    assert!(store
        .update("MR-2027-01", &noted)
        .unwrap_err()
        .to_string()
        .contains("cannot go back to draft"));
}

#[test]
fn held_reviews_are_not_deleted_and_the_minutes_scroll_to_the_end() {
    let mut h = harness();
    h.key(KeyCode::Char('d'));
    assert!(h.screen(120, 36).contains("cannot be deleted"));
    for _ in 0..4 {
        h.key(KeyCode::Right);
    }
    h.key(KeyCode::End);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("ACT-00"),
        "the actions close the minutes: {screen}"
    );
}

/// A compiled input is a copy of what it quotes: quoting a confidential field makes the input
/// confidential too, so presenting hides the copy as it hides the source.
#[test]
fn an_input_quoting_a_confidential_field_is_confidential_too() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    store.compile_review("MR-2027-01", today()).unwrap();
    let marks = store.confidentiality().unwrap();
    assert!(!marks.is_confidential("review", "MR-2027-01", "input_a"));

    store
        .set_confidential("ACT-001", "description", true)
        .unwrap();
    store.compile_review("MR-2027-01", today()).unwrap();
    let marks = store.confidentiality().unwrap();
    assert!(marks.is_confidential("review", "MR-2027-01", "input_a"));
    // Only the input that quotes it.
    assert!(!marks.is_confidential("review", "MR-2027-01", "input_f"));
}
