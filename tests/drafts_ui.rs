//! Autosave of unsaved text, driven through the app with an injected clock: the open editor's
//! text becomes a draft a couple of seconds after the last keystroke (never at once), saving
//! or discarding the form removes it, and a start after a crash offers to restore it.

mod common;

use std::time::{Duration, Instant};

use common::Harness;
use isms::store::{OpenMode, Store, WORKSPACE_REF};
use isms::ui::{App, Theme, ThemeName};
use ratatui::crossterm::event::KeyCode;

fn later(seconds: u64) -> Instant {
    Instant::now() + Duration::from_secs(seconds)
}

/// The demo's risks with R-001's form open and " (draft)" typed at the end of its title.
fn typing_into_r001() -> Harness {
    let mut h = Harness::new(true, '3');
    h.key(KeyCode::Enter);
    assert!(h.screen(110, 32).contains("R-001"), "{}", h.screen(110, 32));
    h.keys(" (draft)");
    h
}

fn drafts(h: &Harness) -> Vec<(String, String, String)> {
    h.store()
        .drafts()
        .unwrap()
        .into_iter()
        .map(|d| (d.record, d.field, d.text))
        .collect()
}

#[test]
fn typed_text_is_kept_as_a_draft_after_a_pause_only() {
    let mut h = typing_into_r001();
    let log = h.store().change_log_len().unwrap();
    // Typing goes on: nothing is written yet.
    assert!(!h.app.tick(Instant::now()));
    assert!(drafts(&h).is_empty());
    h.app.tick(later(3));
    let kept = drafts(&h);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].0, "R-001");
    assert_eq!(kept[0].1, "title");
    assert!(kept[0].2.ends_with(" (draft)"), "{kept:?}");
    // Drafts are not edits: the change log did not move, the record is unchanged.
    assert_eq!(h.store().change_log_len().unwrap(), log);
    // A second tick with no typing writes nothing more.
    assert!(!h.app.tick(later(10)));

    // Saving the form removes its draft.
    h.ctrl('s');
    assert!(h.screen(110, 32).contains("Saved R-001"));
    assert!(drafts(&h).is_empty());
}

#[test]
fn discarding_the_form_removes_its_draft() {
    let mut h = typing_into_r001();
    h.app.tick(later(3));
    assert_eq!(drafts(&h).len(), 1);
    h.key(KeyCode::Esc);
    assert!(h.screen(110, 32).contains("Discard the changes"));
    h.key(KeyCode::Char('y'));
    assert!(drafts(&h).is_empty());
}

#[test]
fn a_new_record_keeps_its_draft_under_a_stable_key() {
    let mut h = Harness::new(true, '3');
    h.key(KeyCode::Char('n')).keys("Tailgating at the door");
    h.app.tick(later(3));
    assert_eq!(
        drafts(&h),
        [(
            "new:risk".to_string(),
            "title".to_string(),
            "Tailgating at the door".to_string()
        )]
    );
}

/// The app started again on the same file, as after a crash: the old one is dropped without
/// a chance to clean up.
fn restart(h: Harness) -> Harness {
    restart_with(h, |_| {})
}

/// [`restart`], with `before` done on the file before the app opens it.
fn restart_with(h: Harness, before: impl FnOnce(&mut Store)) -> Harness {
    let path = h.store().path().to_path_buf();
    let Harness { app, dir } = h;
    drop(app);
    let mut store = Store::open(&path, OpenMode::MustExist).unwrap();
    store.set_actor("tester");
    before(&mut store);
    let mut app = App::new(store, Theme::new(ThemeName::Dark, true), common::today()).unwrap();
    app.set_location_label("/home/lead/workbench.sqlite3");
    app.set_today(common::today());
    app.offer_drafts();
    Harness { app, dir }
}

#[test]
fn a_start_after_a_crash_restores_the_text_on_yes() {
    let mut h = typing_into_r001();
    h.app.tick(later(3));
    let mut h = restart(h);
    let screen = h.screen(110, 32);
    assert!(
        screen.contains("Unsaved text from") && screen.contains("R-001 · Title"),
        "{screen}"
    );
    h.key(KeyCode::Char('y'));
    let screen = h.screen(110, 32);
    assert!(screen.contains(" (draft)"), "{screen}");
    assert!(screen.contains("Restored the unsaved text"), "{screen}");
    h.ctrl('s');
    assert!(drafts(&h).is_empty());
    let title = h
        .store()
        .get::<isms::domain::risk::Risk>("R-001")
        .unwrap()
        .unwrap()
        .title;
    assert!(title.ends_with(" (draft)"), "{title}");
}

#[test]
fn a_start_after_a_crash_discards_the_text_on_no() {
    let mut h = typing_into_r001();
    h.app.tick(later(3));
    let mut h = restart(h);
    assert!(h.screen(110, 32).contains("Restore it?"));
    h.key(KeyCode::Char('n'));
    assert!(drafts(&h).is_empty());
    assert!(!h.screen(110, 32).contains(" (draft)"));
}

#[test]
fn the_scope_statement_editor_keeps_a_draft_and_restores_it() {
    let mut h = Harness::new(false, '2');
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Enter);
    h.keys("All of Leeds");
    h.app.tick(later(3));
    assert_eq!(
        drafts(&h),
        [(
            WORKSPACE_REF.to_string(),
            "scope_statement".to_string(),
            "All of Leeds".to_string()
        )]
    );
    let mut h = restart(h);
    assert!(h.screen(100, 30).contains("the scope statement"));
    h.key(KeyCode::Char('y'));
    assert!(h.screen(100, 30).contains("All of Leeds"));
    h.ctrl('s');
    assert!(drafts(&h).is_empty());
    assert_eq!(
        h.store().load_scope().unwrap().workspace.scope_statement,
        "All of Leeds"
    );
}

#[test]
fn text_whose_record_is_gone_is_discarded_instead_of_asked_about_again() {
    let h = Harness::new(true, '3');
    let mut h = restart_with(h, |store| {
        store
            .save_drafts("R-999", &[("title".into(), "gone".into())])
            .unwrap();
    });
    assert!(h.screen(110, 32).contains("R-999 · Title"));
    h.key(KeyCode::Char('y'));
    assert!(h.screen(110, 32).contains("could not be restored"));
    assert!(drafts(&h).is_empty());
}

#[test]
fn a_document_form_keeps_a_draft_and_restores_it() {
    let mut h = Harness::new(false, '5');
    h.key(KeyCode::Right)
        .key(KeyCode::Char('n'))
        .keys("Access policy");
    h.app.tick(later(3));
    assert_eq!(
        drafts(&h),
        [(
            "new:document".to_string(),
            "title".to_string(),
            "Access policy".to_string()
        )]
    );
    let mut h = restart(h);
    assert!(h.screen(110, 32).contains("a new document · Title"));
    h.key(KeyCode::Char('y'));
    let screen = h.screen(110, 32);
    assert!(screen.contains("New document"), "{screen}");
    assert!(screen.contains("Access policy"), "{screen}");
}

#[test]
fn an_soa_decision_keeps_its_draft_under_the_control_id() {
    let mut h = Harness::new(true, '4');
    h.key(KeyCode::Char('/'))
        .keys("5.6")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    h.key(KeyCode::Right); // Applicable -> Not applicable
    h.ctrl('s'); // refused: the cursor goes to the justification
    h.keys("No groups");
    h.app.tick(later(3));
    assert_eq!(
        drafts(&h),
        [(
            "5.6".to_string(),
            "justification".to_string(),
            "No groups".to_string()
        )]
    );
}

#[test]
fn an_soa_decision_draft_is_restored_into_its_control_form() {
    let h = Harness::new(true, '4');
    let mut h = restart_with(h, |store| {
        store
            .save_drafts("5.6", &[("how".into(), "Alerts from NCSC".into())])
            .unwrap();
    });
    assert!(h.screen(110, 32).contains("5.6 · How"));
    h.key(KeyCode::Char('y'));
    let screen = h.screen(110, 32);
    assert!(screen.contains("Alerts from NCSC"), "{screen}");
    h.ctrl('s');
    assert!(drafts(&h).is_empty());
    let how = h
        .store()
        .get::<isms::domain::soa::SoaDecision>("5.6")
        .unwrap()
        .unwrap()
        .how;
    assert_eq!(how, "Alerts from NCSC");
}

#[test]
fn a_nonconformity_draft_is_restored_into_its_form() {
    let h = Harness::new(true, '6');
    let mut h = restart_with(h, |store| {
        store
            .save_drafts("NC-002", &[("root_cause".into(), "No owner".into())])
            .unwrap();
    });
    assert!(h.screen(110, 32).contains("NC-002 · Root cause"));
    h.key(KeyCode::Char('y'));
    let screen = h.screen(110, 32);
    assert!(screen.contains("Edit NC-002"), "{screen}");
    assert!(screen.contains("No owner"), "{screen}");
    assert_eq!(
        drafts(&h).len(),
        1,
        "kept until the form is saved or discarded"
    );
    h.key(KeyCode::Esc).key(KeyCode::Char('y'));
    assert!(drafts(&h).is_empty());
}

#[test]
fn scope_record_forms_keep_drafts_new_and_stored() {
    // A new context issue: Tab skips the kind to the description.
    let mut h = Harness::new(false, '2');
    h.key(KeyCode::Char('n'))
        .key(KeyCode::Tab)
        .keys("Regulator fines");
    h.app.tick(later(3));
    assert_eq!(
        drafts(&h),
        [(
            "new:context_issue".to_string(),
            "description".to_string(),
            "Regulator fines".to_string()
        )]
    );
    let mut h = restart(h);
    assert!(
        h.screen(100, 30).contains("a new context issue"),
        "{}",
        h.screen(100, 30)
    );
    h.key(KeyCode::Char('y'));
    assert!(h.screen(100, 30).contains("Regulator fines"));
    h.ctrl('s');
    assert!(drafts(&h).is_empty());
    let issues = h.store().load_scope().unwrap().issues;
    assert_eq!(issues[0].value.description, "Regulator fines");

    // A stored scope item of the demo: its draft comes back into its own form.
    let mut h = Harness::new(true, '2');
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Right);
    h.key(KeyCode::Enter).key(KeyCode::Tab).keys(" (draft)");
    h.app.tick(later(3));
    let kept = drafts(&h);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].0.starts_with("SC-"), "{kept:?}");
    let record = kept[0].0.clone();
    let mut h = restart(h);
    h.key(KeyCode::Char('y'));
    let screen = h.screen(120, 36);
    assert!(
        screen.contains(&format!("Edit {record}")) && screen.contains(" (draft)"),
        "{screen}"
    );
}

#[test]
fn checklist_items_and_new_nonconformities_keep_drafts() {
    // A checklist item's notes, in the demo's first audit.
    let mut h = Harness::new(true, '6');
    h.key(KeyCode::Right)
        .key(KeyCode::Enter)
        .key(KeyCode::Tab)
        .keys(" Sampled 5 tickets");
    h.app.tick(later(3));
    let kept = drafts(&h);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].0, "IA-2026-01/4.1", "{kept:?}");
    assert!(kept[0].2.ends_with("Sampled 5 tickets"), "{kept:?}");
    let mut h = restart(h);
    h.key(KeyCode::Char('y'));
    assert!(
        h.screen(120, 36).contains("Sampled 5 tickets"),
        "{}",
        h.screen(120, 36)
    );
    h.ctrl('s');
    assert!(drafts(&h).is_empty());

    // A new nonconformity raised by the certification body: Tab to its statement.
    let mut h = Harness::new(true, '6');
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Char('n'));
    let before = drafts(&h).len();
    assert_eq!(before, 0);
    // Tab along to the first text field the form has.
    for _ in 0..8 {
        h.keys("Qwerty");
        h.app.tick(later(3));
        if !drafts(&h).is_empty() {
            break;
        }
        h.key(KeyCode::Tab);
    }
    let kept = drafts(&h);
    assert_eq!(kept[0].0, "new:nonconformity", "{kept:?}");
    let mut h = restart(h);
    assert!(
        h.screen(120, 36).contains("a new nonconformity"),
        "{}",
        h.screen(120, 36)
    );
    h.key(KeyCode::Char('y'));
    let screen = h.screen(120, 36);
    assert!(
        screen.contains("New ") && screen.contains("Qwerty"),
        "{screen}"
    );
}

/// Types `word` into the open form's first text field that takes it (tabbing along), and lets
/// the autosave fire; returns the drafts then.
fn type_into_first_text_field(h: &mut Harness, word: &str) -> Vec<(String, String, String)> {
    for _ in 0..10 {
        h.keys(word);
        h.app.tick(later(3));
        let kept = drafts(h);
        if !kept.is_empty() {
            return kept;
        }
        h.key(KeyCode::Tab);
    }
    Vec::new()
}

#[test]
fn review_input_notes_and_new_actions_keep_drafts() {
    // The notes of input a of the demo's next review (a draft: the held one is frozen).
    let mut h = Harness::new(true, '7');
    h.key(KeyCode::Down).key(KeyCode::Right).key(KeyCode::Enter);
    let kept = type_into_first_text_field(&mut h, "Zyxwv");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].0, "MR-2027-01/input-a", "{kept:?}");
    let mut h = restart(h);
    h.key(KeyCode::Char('y'));
    let screen = h.screen(120, 36);
    assert!(screen.contains("Zyxwv"), "{screen}");
    h.ctrl('s');
    assert!(drafts(&h).is_empty());

    // A new action.
    let mut h = Harness::new(true, '7');
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Char('n'));
    let kept = type_into_first_text_field(&mut h, "Vwxyz");
    assert_eq!(kept[0].0, "new:review_action", "{kept:?}");
    let mut h = restart(h);
    h.key(KeyCode::Char('y'));
    assert!(h.screen(120, 36).contains("Vwxyz"), "{}", h.screen(120, 36));
}

#[test]
fn the_overview_plan_and_budget_forms_keep_drafts() {
    // A milestone's note: Stage 1 is the sixth milestone.
    let mut h = Harness::new(true, '1');
    h.key(KeyCode::Right).keys("jjjjj").key(KeyCode::Enter);
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    let kept = type_into_first_text_field(&mut h, " Qrstu");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!((kept[0].0.as_str(), kept[0].1.as_str()), ("stage1", "note"));
    let mut h = restart(h);
    h.key(KeyCode::Char('y'));
    assert!(h.screen(120, 36).contains("Qrstu"), "{}", h.screen(120, 36));
    // Discarding the form removes the draft.
    h.key(KeyCode::Esc).key(KeyCode::Char('y'));
    assert!(drafts(&h).is_empty());

    // A new budget line.
    let mut h = Harness::new(true, '1');
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Char('n'));
    let kept = type_into_first_text_field(&mut h, "Tuvwx");
    assert_eq!(kept[0].0, "new:budget_line", "{kept:?}");
    let mut h = restart(h);
    h.key(KeyCode::Char('y'));
    assert!(h.screen(120, 36).contains("Tuvwx"), "{}", h.screen(120, 36));
}
