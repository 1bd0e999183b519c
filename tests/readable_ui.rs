//! Readable in the meeting: detail panes scroll to every field, long messages wrap, and the
//! history names fields and values as the forms do.

mod common;

use common::Harness;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

#[test]
fn a_nonconformity_shows_its_root_cause_and_corrective_action_at_120x36() {
    let mut h = Harness::new(true, '6');
    h.key(KeyCode::Char(']')).key(KeyCode::Char(']'));
    let first = h.screen(120, 36);
    assert!(first.contains("NC-001"), "{first}");
    assert!(
        first.contains("▼ more: J"),
        "the pane says it scrolls: {first}"
    );
    for _ in 0..30 {
        h.key(KeyCode::Char('J'));
    }
    let scrolled = h.screen(120, 36);
    for field in ["Root cause", "Corrective action", "Evidence"] {
        assert!(scrolled.contains(field), "{field} missing: {scrolled}");
    }
    assert!(scrolled.contains("▲ back: K"), "{scrolled}");
    insta::assert_snapshot!("nc_detail_scrolled_120x36", scrolled);
    // Ctrl-↑ scrolls back; the list's selection never moved.
    for _ in 0..30 {
        h.app.handle_event(&Event::Key(KeyEvent::new(
            KeyCode::Up,
            KeyModifiers::CONTROL,
        )));
    }
    assert_eq!(h.screen(120, 36), first);
    // Another record starts at the top of its details.
    h.key(KeyCode::Char('J')).key(KeyCode::Down);
    let next = h.screen(120, 36);
    assert!(next.contains("┌ NC-002"), "{next}");
    assert!(next.contains("Source:"), "{next}");
}

#[test]
fn a_long_message_wraps_instead_of_being_cut() {
    let mut h = Harness::new(true, '7');
    h.key(KeyCode::Char(']')).key(KeyCode::Char('c'));
    let screen = h.screen(70, 24);
    let text: String = screen.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("MR-2026-01 has been held: its inputs stay as they were at the meeting."),
        "{screen}"
    );
}

#[test]
fn history_uses_the_form_labels_and_shown_values() {
    let mut h = Harness::new(true, '3');
    // R-016 carries the owner's acceptance in the demo.
    for _ in 0..15 {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Char('h'));
    let screen = h.screen(160, 48);
    assert!(screen.contains("History of R-016"), "{screen}");
    for column in ["treatment_plan", "accepted_fingerprint", "accepted_until"] {
        assert!(!screen.contains(column), "{column} shown raw: {screen}");
    }
    for label in ["Treatment plan", "Scores accepted", "Valid until"] {
        assert!(screen.contains(label), "{label} missing: {screen}");
    }
    assert!(!screen.contains("set to modify"), "{screen}");
}

#[test]
fn a_narrow_register_drops_whole_columns_and_keeps_the_reference() {
    let mut h = Harness::new(true, '3');
    let header = |screen: &str| screen.lines().nth(3).unwrap_or("").to_string();
    let wide = h.screen(160, 48);
    for column in ["Ref", "Title", "Status", "Due", "Acc"] {
        assert!(header(&wide).contains(column), "{column}: {wide}");
    }
    let narrow = h.screen(70, 24);
    let line = header(&narrow);
    assert!(line.contains("Ref") && line.contains("Title"), "{narrow}");
    assert!(!line.contains("Owner") && !line.contains("Due"), "{narrow}");
    // What is shown is shown whole: no date cut short.
    assert!(!narrow.contains("⚠2026-11 "), "{narrow}");
    assert!(narrow.contains("R-001"), "{narrow}");
}
