//! Presentation mode (`p`, `--presentation`): the PRESENTING marker, confidential fields never
//! drawn, marks set with Ctrl-L in a form, and the screen restored exactly when it ends.

use isms::domain::audit::Nonconformity;
use isms::domain::confidential::{ConfidentialMark, HIDDEN_TEXT};
use isms::domain::risk::Risk;
use isms::store::Store;
use isms::ui::snapshot::buffer_text;
use isms::ui::{App, Theme, ThemeName};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;
use tempfile::TempDir;

mod common;
use common::{today, workspace, Harness};

/// The word every secret in these tests carries: it must never be on screen while presenting.
const SECRET: &str = "XYZZY";

/// Every risk's vulnerability and every NC's evidence made secret, and each risk's
/// description tagged with the other word these tests look for.
fn with_secrets(store: &mut Store) {
    for risk in store.list::<Risk>().unwrap() {
        let mut changed = risk.value.clone();
        changed.vulnerability = format!("{SECRET} weakness of {}", risk.reference);
        changed.description = format!("PLUGH {}", risk.reference);
        store.update(&risk.reference, &changed).unwrap();
    }
    for nc in store.list::<Nonconformity>().unwrap() {
        let mut changed = nc.value.clone();
        changed.evidence = format!("{SECRET} evidence of {}", nc.reference);
        store.update(&nc.reference, &changed).unwrap();
    }
}

/// The demo with secrets, on the tab numbered `tab`, in `theme`.
fn harness_with(tab: char, theme: Theme) -> Harness {
    harness_on(tab, theme, with_secrets)
}

/// The demo changed by `prepare`, on the tab numbered `tab`, in `theme`.
fn harness_on(tab: char, theme: Theme, prepare: impl FnOnce(&mut Store)) -> Harness {
    let dir = TempDir::new().unwrap();
    let mut store = workspace(&dir, true);
    prepare(&mut store);
    let mut app = App::new(store, theme, today()).unwrap();
    app.set_location_label("/home/lead/workbench.sqlite3");
    app.set_today(today());
    let mut harness = Harness { app, dir };
    harness.key(KeyCode::Char(tab));
    harness
}

fn harness(tab: char) -> Harness {
    harness_with(tab, Theme::new(ThemeName::Dark, true))
}

/// One frame's whole buffer: symbols and styles.
fn frame(app: &mut App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| app.render(frame.area(), frame.buffer_mut()))
        .unwrap();
    terminal.backend().buffer().clone()
}

/// Presents at both sizes: the marker is there, the secret is not; `p` again gives back the
/// very frames (symbols and styles) drawn before.
fn present_and_restore(h: &mut Harness, name: &str) {
    let sizes = [(80, 24), (160, 48)];
    let before: Vec<Buffer> = sizes
        .iter()
        .map(|(w, t)| frame(&mut h.app, *w, *t))
        .collect();
    assert!(
        buffer_text(&before[1]).contains(SECRET),
        "the test needs the secret on screen before presenting:\n{}",
        buffer_text(&before[1])
    );
    h.key(KeyCode::Char('p'));
    assert!(h.app.is_presenting());
    for (width, height) in sizes {
        let screen = buffer_text(&frame(&mut h.app, width, height));
        assert!(screen.contains("PRESENTING"), "{screen}");
        assert!(
            !screen.contains(SECRET),
            "secret drawn while presenting:\n{screen}"
        );
        insta::assert_snapshot!(format!("{name}_presenting_{width}x{height}"), screen);
    }
    h.key(KeyCode::Char('p'));
    assert!(!h.app.is_presenting());
    for ((width, height), before) in sizes.iter().zip(&before) {
        let after = frame(&mut h.app, *width, *height);
        // The status line said "Presenting"; the second `p` cleared it, as any key does.
        assert_eq!(
            buffer_text(&after),
            buffer_text(before),
            "not restored at {width}x{height}"
        );
        assert_eq!(&after, before, "styles not restored at {width}x{height}");
    }
}

#[test]
fn risks_hide_the_vulnerability_and_come_back_as_they_were() {
    let mut h = harness('3');
    // Somewhere down the register, so that selection and scroll must be restored.
    h.keys("jjjjjjjjjjjj");
    present_and_restore(&mut h, "risks");
    let presenting_detail = {
        h.key(KeyCode::Char('p'));
        let screen = h.screen(160, 48);
        h.key(KeyCode::Char('p'));
        screen
    };
    assert!(
        presenting_detail.contains(HIDDEN_TEXT),
        "{presenting_detail}"
    );
    // Not confidential: still shown.
    assert!(presenting_detail.contains("PLUGH"), "{presenting_detail}");
}

#[test]
fn audit_hides_nc_evidence_and_comes_back_as_it_was() {
    let mut h = harness('6');
    // The nonconformity register.
    h.key(KeyCode::Right).key(KeyCode::Right).key(KeyCode::Down);
    present_and_restore(&mut h, "audit_ncs");
}

#[test]
fn presenting_uses_the_high_contrast_theme_and_restores_the_chosen_one() {
    let mut h = harness_with('3', Theme::new(ThemeName::Light, false));
    let light = frame(&mut h.app, 120, 36);
    h.key(KeyCode::Char('p'));
    let presenting = frame(&mut h.app, 120, 36);
    // The high-contrast theme draws on black.
    let cell = &presenting[(119, 10)];
    assert_eq!(cell.bg, ratatui::style::Color::Black, "{cell:?}");
    assert_ne!(light[(119, 10)].bg, ratatui::style::Color::Black);
    // Too narrow for the marker beside the tabs: the status bar carries it.
    let narrow = buffer_text(&frame(&mut h.app, 72, 24));
    assert!(
        narrow.lines().nth(22).unwrap().contains("PRESENTING"),
        "{narrow}"
    );
    h.key(KeyCode::Char('p'));
    assert_eq!(frame(&mut h.app, 120, 36), light);
}

#[test]
fn p_types_into_a_form_instead_of_presenting() {
    let mut h = harness('3');
    h.key(KeyCode::Enter).keys("p");
    assert!(!h.app.is_presenting());
    assert!(h.app.has_unsaved_changes());
}

#[test]
fn a_field_marked_with_ctrl_l_is_saved_logged_and_hidden_while_presenting() {
    let mut h = harness('3');
    let reference = h.app.risks().data().risks[0].reference.clone();
    // The first risk's form: Title, then Description.
    h.key(KeyCode::Enter).key(KeyCode::Tab);
    let form = h.screen(80, 24);
    assert!(form.contains("Ctrl-L confidential"), "{form}");
    h.ctrl('l');
    let form = h.screen(80, 24);
    assert!(form.contains("[confidential]"), "{form}");
    insta::assert_snapshot!("risk_form_marked_80x24", form);
    h.ctrl('s');
    let marks = h.store().confidentiality().unwrap();
    assert!(marks.is_confidential("risk", &reference, "description"));
    let stored = h.store().list::<ConfidentialMark>().unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}");
    let history = h.store().history(&stored[0].reference).unwrap();
    assert!(!history.is_empty(), "the mark is in the change log");

    let shown = h.screen(160, 48);
    assert!(shown.contains(&format!("PLUGH {reference}")), "{shown}");
    assert!(shown.contains("Description · confidential"), "{shown}");
    h.key(KeyCode::Char('p'));
    let presenting = h.screen(160, 48);
    assert!(!presenting.contains("PLUGH"), "{presenting}");
    assert!(!presenting.contains(SECRET), "{presenting}");

    // A form opened while presenting hides the confidential fields and will not type into
    // them blind.
    h.key(KeyCode::Enter).key(KeyCode::Tab);
    let form = h.screen(120, 36);
    assert!(form.contains(HIDDEN_TEXT), "{form}");
    assert!(!form.contains("PLUGH") && !form.contains(SECRET), "{form}");
    h.keys("zz");
    assert!(!h.app.has_unsaved_changes());
    // Nor will it unmark them: that would show the text on the shared screen.
    h.ctrl('l');
    assert!(!h.app.has_unsaved_changes());
    let form = h.screen(120, 36);
    assert!(form.contains(HIDDEN_TEXT), "{form}");
    assert!(!form.contains("PLUGH"), "{form}");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('p'));
    // Once the screen is the user's own again, unmarking is a change the form saves.
    h.key(KeyCode::Enter).key(KeyCode::Tab);
    h.ctrl('l');
    assert!(h.app.has_unsaved_changes());
    h.ctrl('s');
    let marks = h.store().confidentiality().unwrap();
    assert!(!marks.is_confidential("risk", &reference, "description"));
    assert!(h.screen(160, 48).contains("PLUGH"));
}

#[test]
fn an_nc_evidence_default_can_be_unmarked() {
    let mut h = harness('6');
    h.key(KeyCode::Right).key(KeyCode::Right);
    // The NC form: Source, Audit, Statement, then Evidence.
    h.key(KeyCode::Enter);
    let form = h.screen(80, 24);
    assert!(form.contains("[confidential]"), "{form}");
    h.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Tab);
    h.ctrl('l').ctrl('s');
    assert!(!h.app.has_unsaved_changes(), "{}", h.screen(80, 24));
    h.key(KeyCode::Char('p'));
    let presenting = h.screen(160, 48);
    assert!(
        presenting.contains(SECRET),
        "unmarked evidence is shown:\n{presenting}"
    );
}

/// The demo with `marks` set through the store, on the tab numbered `tab`.
fn harness_marked(tab: char, marks: &[(&str, &str)]) -> Harness {
    harness_on(tab, Theme::new(ThemeName::Dark, true), |store| {
        for (record, field) in marks {
            store.set_confidential(record, field, true).unwrap();
        }
    })
}

#[test]
fn marked_scope_and_review_fields_are_hidden_in_lists_details_and_minutes() {
    let mut h = harness_marked('2', &[("ISS-001", "description")]);
    let issue = h
        .app
        .store()
        .list::<isms::domain::scope::ContextIssue>()
        .unwrap()[0]
        .value
        .description
        .clone();
    let start: String = issue.chars().take(12).collect();
    assert!(h.screen(160, 48).contains(&start));
    h.key(KeyCode::Char('p'));
    let screen = h.screen(160, 48);
    assert!(!screen.contains(&start), "{screen}");
    assert!(screen.contains(HIDDEN_TEXT), "{screen}");

    let mut h = harness_marked('7', &[("MR-2026-01", "decisions")]);
    let review = h
        .app
        .store()
        .get::<isms::domain::review::Review>("MR-2026-01")
        .unwrap()
        .unwrap();
    let start: String = review.decisions.chars().take(16).collect();
    // The minutes, the last section.
    h.key(KeyCode::Left);
    h.keys("GGGGGGGGGG");
    let minutes = |h: &mut Harness| {
        let mut seen = String::new();
        for _ in 0..8 {
            seen.push_str(&h.screen(160, 48));
            h.key(KeyCode::PageDown);
        }
        h.key(KeyCode::Home);
        seen
    };
    assert!(minutes(&mut h).contains(&start));
    h.key(KeyCode::Char('p'));
    let presenting = minutes(&mut h);
    assert!(
        presenting.contains("Management review MR-2026-01"),
        "{presenting}"
    );
    assert!(!presenting.contains(&start), "{presenting}");
}

#[test]
fn the_register_filter_does_not_search_hidden_text_while_presenting() {
    let mut h = harness('3');
    // Only the vulnerabilities carry the secret word: typed into the filter, it finds every
    // risk when not presenting and none while presenting.
    h.key(KeyCode::Char('/')).keys(&SECRET.to_lowercase());
    h.key(KeyCode::Enter);
    let shown = h.screen(160, 48);
    assert!(shown.contains("R-001"), "{shown}");
    h.key(KeyCode::Char('p'));
    let presenting = h.screen(160, 48);
    assert!(!presenting.contains("R-001"), "{presenting}");
    assert!(!presenting.contains(SECRET));
    h.key(KeyCode::Char('p'));
    assert!(h.screen(160, 48).contains("R-001"));
}
