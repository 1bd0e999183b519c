//! The app driven through its input handler, with whole screens snapshotted (80x24 and
//! 160x48) and the effects checked in the store.

use isms::demo::write_demo_on;
use isms::domain::scope::{ContextIssue, ScopeItem};
use isms::store::{OpenMode, Store};
use isms::ui::snapshot::render_to_string;
use isms::ui::{App, Tab, Theme, ThemeName};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use tempfile::TempDir;

struct Harness {
    app: App,
    _dir: TempDir,
}

/// The day these tests run on, whatever the clock says.
fn today() -> chrono::NaiveDate {
    isms::domain::dates::parse("2026-11-28").unwrap()
}

fn open_store(dir: &TempDir) -> Store {
    let mut store = Store::open(
        &dir.path().join("w.sqlite3"),
        OpenMode::Create { organisation: None },
    )
    .unwrap();
    store.set_actor("tester");
    store.set_fixed_time("2026-11-28T09:30:00Z");
    store
}

fn harness(with_demo: bool) -> Harness {
    let dir = TempDir::new().unwrap();
    let mut store = open_store(&dir);
    if with_demo {
        write_demo_on(&mut store, today()).unwrap();
    }
    let mut app = App::new(store, Theme::new(ThemeName::Dark, true), today()).unwrap();
    app.set_location_label("/home/lead/workbench.sqlite3");
    // The app opens on the Overview; these tests are about the Scope tab.
    assert_eq!(app.tab(), isms::ui::Tab::Overview);
    app.select_tab(isms::ui::Tab::Scope);
    Harness { app, _dir: dir }
}

impl Harness {
    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app
            .handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    fn ctrl(&mut self, c: char) -> &mut Self {
        self.app.handle_event(&Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
        self
    }

    fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    fn screen(&mut self, width: u16, height: u16) -> String {
        render_to_string(&mut self.app, width, height)
    }

    fn reopen(self) -> Store {
        let path = self.app.store().path().to_path_buf();
        drop(self.app);
        let store = Store::open(&path, OpenMode::MustExist).unwrap();
        std::mem::forget(self._dir); // keep the files for the caller's checks
        store
    }
}

#[test]
fn shell_and_scope_issues() {
    let mut h = harness(true);
    insta::assert_snapshot!("scope_issues_80x24", h.screen(80, 24));
    insta::assert_snapshot!("scope_issues_160x48", h.screen(160, 48));
}

#[test]
fn scope_sections() {
    let mut h = harness(true);
    h.key(KeyCode::Right);
    insta::assert_snapshot!("scope_parties_80x24", h.screen(80, 24));
    h.key(KeyCode::Right);
    insta::assert_snapshot!("scope_statement_80x24", h.screen(80, 24));
    insta::assert_snapshot!("scope_statement_160x48", h.screen(160, 48));
    h.key(KeyCode::Right);
    h.key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Down);
    insta::assert_snapshot!("scope_items_excluded_80x24", h.screen(80, 24));
    insta::assert_snapshot!("scope_items_160x48", h.screen(160, 48));
}

#[test]
fn empty_workspace_invites_the_first_record() {
    let mut h = harness(false);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("No context issue yet. Press n to add one."),
        "{screen}"
    );
    assert!(h.screen(160, 48).contains("(organisation not set)"));
    insta::assert_snapshot!("scope_empty_80x24", screen);
}

#[test]
fn the_evidence_tab_lists_the_required_documents() {
    let mut h = harness(true);
    h.key(KeyCode::Char('5'));
    assert_eq!(h.app.tab(), Tab::Evidence);
    let screen = h.screen(160, 24);
    assert!(
        screen.contains("Required documents (23 of 27 in place)"),
        "{screen}"
    );
}

#[test]
fn tab_keys_and_mouse_switch_tabs() {
    let mut h = harness(true);
    assert_eq!(h.app.tab(), Tab::Scope);
    h.key(KeyCode::Tab);
    assert_eq!(h.app.tab(), Tab::Risks);
    h.app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    h.app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(h.app.tab(), Tab::Overview);
    h.app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(h.app.tab(), Tab::Review);
    // " 1 Overview  2 Scope  3 Risks  4 SoA": column 36 lies in " 4 SoA ".
    let click = |column| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row: 0,
            modifiers: KeyModifiers::NONE,
        })
    };
    h.app.handle_event(&click(36));
    assert_eq!(h.app.tab(), Tab::Soa);
    h.app.handle_event(&click(15));
    assert_eq!(h.app.tab(), Tab::Scope);
}

#[test]
fn mouse_click_selects_a_row() {
    let mut h = harness(true);
    // Clicks land on what the last frame drew.
    h.screen(80, 24);
    h.app.handle_event(&Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        // The list starts below the section bar and the climate change line.
        row: 7,
        modifiers: KeyModifiers::NONE,
    }));
    let screen = h.screen(80, 24);
    assert!(screen.contains("▶ ISS-003"), "{screen}");
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut h = harness(true);
    h.key(KeyCode::Char('?'));
    let screen = h.screen(80, 24);
    for binding in isms::ui::keymap::BINDINGS.iter().take(5) {
        assert!(
            screen.contains(binding.help) || screen.contains("Keys"),
            "{screen}"
        );
    }
    insta::assert_snapshot!("help_80x24", screen);
    let tall = h.screen(160, 400);
    for binding in isms::ui::keymap::BINDINGS {
        assert!(
            tall.contains(binding.help),
            "help misses {:?}:\n{tall}",
            binding.help
        );
    }
    // Help says how each readiness criterion is counted, and that the weakest one wins.
    assert!(tall.contains("Readiness gauges"), "{tall}");
    assert!(tall.contains("weakest criterion"), "{tall}");
    for stage in isms::domain::readiness::Readiness::from_facts(&Default::default()).stages() {
        for criterion in &stage.criteria {
            assert!(
                tall.contains(&format!("• {}", criterion.label)),
                "help misses {}:\n{tall}",
                criterion.label
            );
        }
    }
    h.key(KeyCode::Esc);
    assert!(!h.screen(80, 24).contains(" Keys "));
}

#[test]
fn new_issue_is_saved_with_its_change_log() {
    let mut h = harness(false);
    h.key(KeyCode::Char('n'));
    insta::assert_snapshot!("new_issue_form_80x24", h.screen(80, 24));
    h.key(KeyCode::Tab)
        .type_text("A key supplier was acquired by a competitor");
    h.key(KeyCode::Tab)
        .type_text("Review the supplier's access and contract");
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("Saved ISS-001."), "{screen}");
    assert!(
        screen.contains("▶ ISS-001 External A key supplier"),
        "{screen}"
    );
    let store = h.reopen();
    let issues = store.list::<ContextIssue>().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].value.effect,
        "Review the supplier's access and contract"
    );
    let history = store.history("ISS-001").unwrap();
    assert_eq!(history.len(), 3, "kind, description and effect are logged");
    assert!(history.iter().all(|e| e.actor == "tester"));
}

#[test]
fn exclusion_without_justification_is_refused_in_place() {
    let mut h = harness(false);
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Right);
    h.key(KeyCode::Char('n'));
    h.key(KeyCode::Tab).type_text("Leeds warehouse");
    h.key(KeyCode::Tab).key(KeyCode::Right); // Scope: out (Space no longer changes a choice)
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("✗ An item left out of scope needs a justification."),
        "{screen}"
    );
    assert!(screen.contains("Not saved"), "{screen}");
    insta::assert_snapshot!("item_form_refused_80x24", screen);
    insta::assert_snapshot!("item_form_refused_160x48", h.screen(160, 48));
    assert_eq!(h.app.store().list::<ScopeItem>().unwrap().len(), 0);
    // The cursor was moved to the field in error; typing there fixes it.
    h.type_text("Run by a logistics partner under its own certificate");
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("Saved SC-001."), "{screen}");
    assert!(screen.contains("✗ out"), "{screen}");
    let items = h.app.store().list::<ScopeItem>().unwrap();
    assert!(!items[0].value.in_scope);
}

#[test]
fn required_fields_are_checked_as_you_leave_them_after_a_refused_save() {
    let mut h = harness(false);
    h.key(KeyCode::Right).key(KeyCode::Char('n'));
    h.ctrl('s');
    assert!(h.screen(80, 24).contains("✗ A name is required."));
    h.type_text("Regulator");
    h.key(KeyCode::Tab);
    assert!(!h.screen(80, 24).contains("✗ A name is required."));
}

#[test]
fn quitting_with_an_unsaved_form_asks_first() {
    let mut h = harness(false);
    h.key(KeyCode::Char('n'))
        .key(KeyCode::Tab)
        .type_text("q is text here");
    assert!(!h.app.should_quit(), "q typed into a form must not quit");
    h.ctrl('q');
    let screen = h.screen(80, 24);
    assert!(screen.contains("unsaved changes"), "{screen}");
    insta::assert_snapshot!("quit_confirm_80x24", screen);
    h.key(KeyCode::Char('n'));
    assert!(!h.app.should_quit());
    assert!(
        h.screen(80, 24).contains("q is text here"),
        "the form is still open"
    );
    h.key(KeyCode::Esc);
    assert!(h
        .screen(80, 24)
        .contains("Discard the changes in this form?"));
    h.key(KeyCode::Char('y'));
    h.key(KeyCode::Char('q'));
    assert!(h.app.should_quit());
    assert_eq!(h.app.store().list::<ContextIssue>().unwrap().len(), 0);
}

#[test]
fn quitting_from_another_tab_still_guards_an_open_form() {
    let mut h = harness(false);
    h.key(KeyCode::Char('n'))
        .key(KeyCode::Tab)
        .type_text("draft");
    h.ctrl('q');
    h.key(KeyCode::Char('y'));
    assert!(h.app.should_quit());
}

#[test]
fn scope_statement_is_edited_and_saved_with_ctrl_s() {
    let mut h = harness(false);
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Enter);
    h.type_text("The ISMS covers the payroll service.");
    h.key(KeyCode::Enter).type_text("Second paragraph.");
    insta::assert_snapshot!("statement_editing_80x24", h.screen(80, 24));
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("Saved the scope statement."), "{screen}");
    let store = h.reopen();
    assert_eq!(
        store.workspace().unwrap().scope_statement,
        "The ISMS covers the payroll service.\nSecond paragraph."
    );
    let history = store.history("WS").unwrap();
    assert_eq!(history[0].field, "scope_statement");
}

#[test]
fn delete_asks_and_history_shows_changes() {
    let mut h = harness(true);
    h.key(KeyCode::Enter).key(KeyCode::Tab);
    h.type_text(" (updated)");
    h.ctrl('s');
    h.key(KeyCode::Char('h'));
    let screen = h.screen(80, 24);
    assert!(screen.contains("History of ISS-001"), "{screen}");
    assert!(screen.contains("tester"), "{screen}");
    insta::assert_snapshot!("history_80x24", screen);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('d'));
    assert!(h.screen(80, 24).contains("Delete ISS-001?"));
    h.key(KeyCode::Char('n'));
    assert_eq!(h.app.store().list::<ContextIssue>().unwrap().len(), 12);
    h.key(KeyCode::Char('d')).key(KeyCode::Char('y'));
    let screen = h.screen(80, 24);
    assert!(screen.contains("Deleted ISS-001."), "{screen}");
    assert!(!screen.contains("ISS-001 "), "{screen}");
    assert_eq!(h.app.store().list::<ContextIssue>().unwrap().len(), 11);
    assert!(h.app.store().verify_change_log().unwrap().is_ok());
}

#[test]
fn too_small_a_terminal_says_which_size_is_needed() {
    let mut h = harness(true);
    let screen = h.screen(50, 12);
    assert!(
        screen.contains("needs a terminal of at least 70x16"),
        "{screen}"
    );
}

#[test]
fn rendering_never_panics_at_any_size() {
    let mut h = harness(true);
    for (width, height) in [
        (1, 1),
        (2, 3),
        (59, 15),
        (60, 16),
        (61, 17),
        (80, 24),
        (120, 40),
        (400, 120),
    ] {
        for _ in 0..4 {
            h.screen(width, height);
            h.key(KeyCode::Right);
        }
        h.key(KeyCode::Char('n'));
        h.screen(width, height);
        h.key(KeyCode::Esc);
        h.key(KeyCode::Char('?'));
        h.screen(width, height);
        h.key(KeyCode::Esc);
    }
}

#[test]
fn organisation_and_isms_names_are_edited_from_the_statement_section() {
    let mut h = harness(false);
    h.key(KeyCode::Right).key(KeyCode::Right);
    assert!(h
        .screen(80, 24)
        .contains("Organisation: (not set: press o)"));
    h.key(KeyCode::Char('o')).type_text("Acme Payroll Ltd");
    h.key(KeyCode::Enter).type_text("Acme ISMS");
    h.ctrl('s');
    let screen = h.screen(100, 24);
    assert!(
        screen.contains("Saved the organisation and ISMS names."),
        "{screen}"
    );
    assert!(
        screen.lines().next().unwrap().contains("Acme Payroll Ltd"),
        "{screen}"
    );
    let store = h.reopen();
    let workspace = store.workspace().unwrap();
    assert_eq!(
        (
            workspace.organisation.as_str(),
            workspace.isms_name.as_str()
        ),
        ("Acme Payroll Ltd", "Acme ISMS")
    );
    assert_eq!(
        store.history("WS").unwrap().len(),
        3,
        "creation plus two named fields"
    );
}

#[test]
fn organisation_names_are_edited_from_every_scope_section() {
    let mut h = harness(true);
    for section in ["Issues", "Parties", "Statement", "Items"] {
        h.key(KeyCode::Char('o'));
        let screen = h.screen(100, 30);
        assert!(
            screen.contains("Organisation and ISMS"),
            "{section}: {screen}"
        );
        assert!(!screen.contains("New "), "{section}: {screen}");
        h.key(KeyCode::Esc).key(KeyCode::Right);
    }
}

#[test]
fn climate_change_is_decided_on_the_scope_tab() {
    let mut h = harness(false);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Climate change relevant (4.1, c): Not decided · press c to decide"),
        "{screen}"
    );
    // From another section too.
    h.key(KeyCode::Right).key(KeyCode::Char('c'));
    insta::assert_snapshot!("scope_climate_form_80x24", h.screen(80, 24));
    // A decision needs its reasons.
    h.key(KeyCode::Right);
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("✗ Say why"), "{screen}");
    // The refused save put the cursor in the note.
    h.type_text("Floods close the Leeds office; customers ask for emissions.");
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Saved the climate change decision."),
        "{screen}"
    );
    h.key(KeyCode::Left);
    insta::assert_snapshot!("scope_climate_decided_80x24", h.screen(80, 24));
    let store = h.reopen();
    let workspace = store.workspace().unwrap();
    assert_eq!(workspace.climate_relevant, Some(true));
    assert_eq!(
        workspace.climate_note,
        "Floods close the Leeds office; customers ask for emissions."
    );
    // Through the write path: both fields are in the change log, by the actor.
    let history = store.history("WS").unwrap();
    let fields: Vec<&str> = history.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"climate_relevant") && fields.contains(&"climate_note"),
        "{fields:?}"
    );
    assert!(history
        .iter()
        .filter(|e| e.field.starts_with("climate"))
        .all(|e| e.actor == "tester"));
    assert!(store.verify_change_log().unwrap().is_ok());
}

#[test]
fn the_party_form_says_needs_may_be_about_climate() {
    let mut h = harness(false);
    h.key(KeyCode::Right).key(KeyCode::Char('n'));
    let screen = h.screen(100, 30);
    assert!(screen.contains("climate-related"), "{screen}");
    h.type_text("Key customers");
    h.key(KeyCode::Tab)
        .type_text("Yearly emissions figures for the hosting we provide");
    h.ctrl('s');
    let store = h.reopen();
    let parties = store
        .list::<isms::domain::scope::InterestedParty>()
        .unwrap();
    assert_eq!(
        parties[0].value.needs,
        "Yearly emissions figures for the hosting we provide"
    );
}
