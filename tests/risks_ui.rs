//! The Risks tab driven through the app's input handler: register, heat map, plan, assets,
//! method, forms and acceptance; whole screens snapshotted at 80x24 and 160x48.

use isms::domain::method::RiskMethod;
use isms::domain::risk::{AcceptanceState, Risk, RiskStatus};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

mod common;
use common::{today, Harness};

fn harness(with_demo: bool) -> Harness {
    Harness::new(with_demo, '3')
}

/// Moves `n` sections to the right in the Risks tab.
trait Sections {
    fn section(&mut self, n: usize) -> &mut Self;
}

impl Sections for Harness {
    fn section(&mut self, n: usize) -> &mut Self {
        for _ in 0..n {
            self.key(KeyCode::Char(']'));
        }
        self
    }
}

#[test]
fn register_at_both_sizes() {
    let mut h = harness(true);
    insta::assert_snapshot!("risk_register_80x24", h.screen(80, 24));
    insta::assert_snapshot!("risk_register_160x48", h.screen(160, 48));
}

#[test]
fn heat_map_counts_and_filters_the_register() {
    let mut h = harness(true);
    h.section(1);
    insta::assert_snapshot!("heat_map_inherent_80x24", h.screen(80, 24));
    insta::assert_snapshot!("heat_map_inherent_160x48", h.screen(160, 48));
    h.key(KeyCode::Char('r'));
    insta::assert_snapshot!("heat_map_residual_80x24", h.screen(80, 24));
    h.key(KeyCode::Char('r'));
    // Move to likelihood 4, impact 5 (the cell starts at 1,1).
    for _ in 0..3 {
        h.key(KeyCode::Up);
    }
    for _ in 0..4 {
        h.key(KeyCode::Right);
    }
    let expected = h
        .app
        .risks()
        .data()
        .risks
        .iter()
        .filter(|r| (r.value.likelihood, r.value.impact) == (4, 5))
        .count();
    assert!(expected > 0);
    h.key(KeyCode::Enter);
    let screen = h.screen(120, 36);
    assert!(
        screen.contains(&format!("{expected} of 30 risks")),
        "{screen}"
    );
    assert!(screen.contains("inherent cell L4 x I5"), "{screen}");
    h.key(KeyCode::Char('x'));
    assert!(h.screen(120, 36).contains("┌ 30 risks"));
}

#[test]
fn text_filter_is_typed_live_and_cleared() {
    let mut h = harness(true);
    h.key(KeyCode::Char('/')).keys("aws");
    let screen = h.screen(120, 36);
    assert!(screen.contains("Filter: text \"aws\""), "{screen}");
    assert!(
        screen.contains(" of 30 risks"),
        "the filter narrows the list: {screen}"
    );
    // q is typed into the filter, not a quit.
    h.keys("q");
    assert!(!h.app.should_quit());
    h.key(KeyCode::Backspace).key(KeyCode::Enter);
    let kept = h.screen(120, 36);
    assert!(kept.contains("Filter: text \"aws\""), "{kept}");
    insta::assert_snapshot!("register_filtered_80x24", h.screen(80, 24));
    h.key(KeyCode::Char('/')).key(KeyCode::Esc);
    assert!(h.screen(120, 36).contains("┌ 30 risks"));
}

#[test]
fn sorting_cycles_columns() {
    let mut h = harness(true);
    h.keys("sss"); // ref -> title -> owner -> inherent score
    let screen = h.screen(120, 36);
    assert!(screen.contains("sorted by inherent score ↑"), "{screen}");
    h.key(KeyCode::Char('S'));
    let screen = h.screen(120, 36);
    assert!(screen.contains("sorted by inherent score ↓"), "{screen}");
    // The first row under the header holds the highest score; the cursor stays on its risk.
    let first = screen
        .lines()
        .skip_while(|l| !l.contains("Inherent"))
        .nth(1)
        .unwrap();
    assert!(first.contains("25 Critical"), "highest first: {first}");
}

#[test]
fn treatment_plan_groups_and_marks_overdue() {
    let mut h = harness(true);
    h.section(2);
    let screen = h.screen(120, 40);
    assert!(screen.contains("Overdue ("), "{screen}");
    assert!(
        screen.contains("⚠2026-"),
        "overdue dates are marked: {screen}"
    );
    insta::assert_snapshot!("plan_by_due_80x24", h.screen(80, 24));
    h.key(KeyCode::Char('o'));
    let screen = h.screen(120, 40);
    assert!(screen.contains("grouped by owner"), "{screen}");
    assert!(
        screen.contains("Tom Ellery (Head of Platform) ("),
        "{screen}"
    );
}

#[test]
fn assets_and_method_sections() {
    let mut h = harness(true);
    h.section(3);
    insta::assert_snapshot!("assets_80x24", h.screen(80, 24));
    h.section(1);
    insta::assert_snapshot!("method_80x24", h.screen(80, 24));
    insta::assert_snapshot!("method_160x48", h.screen(160, 48));
}

#[test]
fn a_new_risk_is_validated_and_saved_with_links() {
    let mut h = harness(true);
    h.key(KeyCode::Char('n'));
    insta::assert_snapshot!("risk_form_80x24", h.screen(80, 24));
    h.keys("Laptop theft on a train");
    // Skip description, threat, vulnerability to the assets picker.
    for _ in 0..4 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Enter).keys("laptop");
    let picker = h.screen(80, 24);
    assert!(picker.contains("Search: laptop"), "{picker}");
    h.key(KeyCode::Enter).key(KeyCode::Esc);
    h.key(KeyCode::Tab); // owner: left empty
    h.key(KeyCode::Tab).key(KeyCode::Right).key(KeyCode::Right); // likelihood 3
    h.key(KeyCode::Tab)
        .key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Right); // impact 4
                              // A bad due date is refused in place as the field is left.
    for _ in 0..4 {
        h.key(KeyCode::Tab);
    }
    h.keys("2026-13-01");
    h.key(KeyCode::Tab);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("✗ \"2026-13-01\" is not a date like 2026-11-28"),
        "{screen}"
    );
    // Status "assessed" needs an owner.
    h.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Right);
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("Not saved"), "{screen}");
    assert_eq!(h.store().list::<Risk>().unwrap().len(), 30);
    insta::assert_snapshot!("risk_form_refused_80x24", screen);

    // Fix both: the cursor is on the first field in error.
    h.app.handle_event(&Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    let screen = h.screen(160, 48);
    assert!(
        screen.contains("✗ A risk needs an owner before it can be assessed."),
        "{screen}"
    );
}

#[test]
fn a_valid_new_risk_is_saved_and_selected() {
    let mut h = harness(true);
    h.key(KeyCode::Char('n')).keys("Laptop theft on a train");
    for _ in 0..4 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Enter)
        .keys("laptop")
        .key(KeyCode::Enter)
        .key(KeyCode::Esc);
    h.key(KeyCode::Tab).keys("Hannah Clarke (People Director)");
    h.key(KeyCode::Tab).key(KeyCode::Right).key(KeyCode::Right);
    h.key(KeyCode::Tab)
        .key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Right);
    h.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Enter)
        .keys("8.1")
        .key(KeyCode::Enter)
        .key(KeyCode::Esc);
    h.ctrl('s');
    let screen = h.screen(120, 36);
    assert!(screen.contains("Saved R-031."), "{screen}");
    assert!(screen.contains("▶R-031"), "{screen}");
    let risk = h.store().get::<Risk>("R-031").unwrap().unwrap();
    assert_eq!((risk.likelihood, risk.impact, risk.score()), (3, 4, 12));
    assert_eq!(risk.controls, vec!["8.1".to_string()]);
    assert_eq!(risk.assets.len(), 1);
    assert_eq!(risk.owner, "Hannah Clarke (People Director)");
}

#[test]
fn accepting_a_risk_and_seeing_it_go_stale() {
    let mut h = harness(true);
    // R-010 is assessed and not accepted.
    for _ in 0..9 {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Char('a'));
    let form = h.screen(80, 24);
    assert!(
        form.contains("risk owner accepts the residual risk"),
        "{form}"
    );
    h.ctrl('s');
    assert!(h.screen(80, 24).contains("Saved the acceptance of R-010."));
    let accepted = h.store().get::<Risk>("R-010").unwrap().unwrap();
    assert_eq!(accepted.acceptance_state(today()), AcceptanceState::Valid);
    assert_eq!(
        accepted.acceptance.as_ref().unwrap().valid_until,
        isms::domain::dates::parse("2027-11-28").ok()
    );

    // Changing its impact through the form makes the acceptance stale, visibly.
    h.key(KeyCode::Enter);
    for _ in 0..7 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Left);
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("STALE"), "{screen}");
    let changed = h.store().get::<Risk>("R-010").unwrap().unwrap();
    assert_eq!(changed.acceptance_state(today()), AcceptanceState::Stale);
}

#[test]
fn changing_the_method_rescores_and_is_logged() {
    let mut h = harness(true);
    h.section(4).key(KeyCode::Enter);
    h.key(KeyCode::Left).key(KeyCode::Left); // 5x5 -> 3x3; levels follow the size
    insta::assert_snapshot!("method_form_3x3_80x24", h.screen(80, 24));
    h.ctrl('s');
    let question = h.screen(120, 36);
    assert!(question.contains("lowers the scores of"), "{question}");
    h.key(KeyCode::Char('y'));
    let screen = h.screen(120, 36);
    assert!(screen.contains("Saved the risk method;"), "{screen}");
    assert!(screen.contains("moved onto the 3x3 matrix"), "{screen}");
    let method = h.store().risk_method().unwrap();
    assert_eq!(method, RiskMethod::standard(3));
    let risks = h.store().list::<Risk>().unwrap();
    assert!(risks
        .iter()
        .all(|r| r.value.likelihood <= 3 && r.value.impact <= 3));
    assert!(h
        .store()
        .history("METHOD")
        .unwrap()
        .iter()
        .any(|e| e.field == "size"));
    h.section(2);
    assert!(
        h.screen(80, 24).contains("3 Likely"),
        "the heat map is now 3x3"
    );
}

#[test]
fn a_linked_asset_cannot_be_deleted_and_a_free_one_can() {
    let mut h = harness(true);
    h.section(3).key(KeyCode::Char('d'));
    let screen = h.screen(120, 36);
    assert!(screen.contains("A-001 is linked to"), "{screen}");
    h.key(KeyCode::Char('n')).keys("Spare laptop pool");
    h.ctrl('s');
    assert!(h.screen(120, 36).contains("Saved A-026."));
    h.key(KeyCode::Char('d')).key(KeyCode::Char('y'));
    assert!(h.screen(120, 36).contains("Deleted A-026."));
    assert_eq!(
        h.store()
            .list::<isms::domain::asset::Asset>()
            .unwrap()
            .len(),
        25
    );
}

#[test]
fn a_new_asset_defaults_out_of_scope_at_an_excluded_site() {
    let mut h = harness(true);
    h.section(3).key(KeyCode::Char('n')).keys("Payroll laptop");
    h.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Tab);
    // The demo excludes the German subsidiary's scope item by this exact name.
    let excluded = h
        .store()
        .list::<isms::domain::scope::ScopeItem>()
        .unwrap()
        .into_iter()
        .find(|s| !s.value.in_scope)
        .unwrap()
        .value
        .name;
    h.keys(&excluded).key(KeyCode::Tab);
    let screen = h.screen(160, 48);
    assert!(screen.contains("[Out of scope]"), "{screen}");
}

#[test]
fn an_empty_workspace_invites_the_first_risk() {
    let mut h = harness(false);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("No risks yet. Press n to add one."),
        "{screen}"
    );
    h.section(1);
    assert!(h.screen(80, 24).contains(" 0 "));
    assert!(h.store().list::<Risk>().unwrap().is_empty());
    let _ = RiskStatus::Identified;
    let _ = &h.dir;
}

#[test]
fn rendering_never_panics_at_any_size() {
    let mut h = harness(true);
    for (width, height) in [
        (1, 1),
        (10, 5),
        (69, 15),
        (70, 16),
        (80, 24),
        (133, 41),
        (400, 120),
    ] {
        for _ in 0..5 {
            h.screen(width, height);
            h.key(KeyCode::Char(']'));
        }
        h.key(KeyCode::Char('n'));
        h.screen(width, height);
        h.key(KeyCode::Esc);
    }
}

/// The references in the "## Plan" section of the pack's treatment plan, in order.
fn pack_plan(h: &Harness) -> Vec<String> {
    let data = isms::export::PackData::load(h.store(), today()).unwrap();
    let text = String::from_utf8(isms::export::treatment_plan::file(&data).unwrap()).unwrap();
    let plan = text
        .split("## Plan")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_else(|| panic!("no plan section: {text}"));
    plan.lines()
        .filter_map(|line| line.strip_prefix("| R-"))
        .map(|rest| format!("R-{}", &rest[..3]))
        .collect()
}

#[test]
fn the_plan_on_screen_and_in_the_pack_list_the_same_risks() {
    let mut h = harness(true);
    let on_screen = h.app.risks().plan_references();
    assert!(!on_screen.is_empty());
    assert_eq!(on_screen, pack_plan(&h), "the demo");

    // R-001 is treated by Modify, not done: its owner accepts it and it stays in both.
    assert!(on_screen.contains(&"R-001".to_string()));
    h.key(KeyCode::Char('a'));
    h.ctrl('s');
    assert!(h.screen(80, 24).contains("Saved the acceptance of R-001."));
    let accepted = h.store().get::<Risk>("R-001").unwrap().unwrap();
    assert_eq!(accepted.acceptance_state(today()), AcceptanceState::Valid);
    assert_eq!(
        accepted.status,
        RiskStatus::TreatmentPlanned,
        "not marked treated"
    );
    let after = h.app.risks().plan_references();
    assert_eq!(after, on_screen, "acceptance drops nothing from the plan");
    assert_eq!(after, pack_plan(&h), "an accepted risk with open treatment");

    // Once its treatment is done, it leaves both.
    h.key(KeyCode::Enter);
    for _ in 0..14 {
        h.key(KeyCode::Tab);
    }
    h.keys("t").ctrl('s'); // status: from "Treatment planned" to "Treated"
    let treated = h.store().get::<Risk>("R-001").unwrap().unwrap();
    assert_eq!(treated.status, RiskStatus::Treated);
    let done = h.app.risks().plan_references();
    assert!(!done.contains(&"R-001".to_string()));
    assert_eq!(done, pack_plan(&h));
}

#[test]
fn the_plan_shows_acceptance_beside_an_open_treatment() {
    let mut h = harness(true);
    h.key(KeyCode::Char('a')).ctrl('s');
    h.section(2);
    let screen = h.screen(120, 36);
    let line = screen
        .lines()
        .find(|l| l.contains("R-001"))
        .unwrap_or_else(|| panic!("R-001 not in the plan: {screen}"));
    assert!(line.contains("accepted"), "{line}");
    h.key(KeyCode::Char('o')); // by owner: R-001 still listed
    assert!(h.screen(120, 36).contains("R-001"));
}

#[test]
fn the_risk_form_shows_scores_and_levels_live() {
    let mut h = harness(true);
    h.key(KeyCode::Char('n')).keys("Laptop theft on a train");
    for _ in 0..6 {
        h.key(KeyCode::Tab);
    }
    // Typing a digit on a likelihood or impact choice picks that level.
    h.keys("3").key(KeyCode::Tab).keys("4");
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("Inherent score  3 x 4 = 12 High"),
        "{screen}"
    );
    h.key(KeyCode::Right);
    assert!(h.screen(120, 40).contains("3 x 5 = 15 High"));
    // Space on a choice changes nothing.
    h.key(KeyCode::Char(' '));
    assert!(h.screen(120, 40).contains("3 x 5 = 15 High"));
    // Residual: not assessed until both are chosen; retained risks keep their inherent place.
    assert!(h
        .screen(120, 40)
        .contains("Residual score  not assessed: choose residual likelihood and impact"));
    h.key(KeyCode::Tab).keys("r"); // treatment: Retain
    assert!(h
        .screen(120, 40)
        .contains("Residual score  3 x 5 = 15 High"));
    for _ in 0..4 {
        h.key(KeyCode::Tab); // plan, controls, due date, residual likelihood
    }
    h.keys("1").key(KeyCode::Tab).keys("2");
    let screen = h.screen(120, 40);
    assert!(screen.contains("Residual score  1 x 2 = 2 Low"), "{screen}");
    insta::assert_snapshot!("risk_form_live_scores_120x40", screen);
}

#[test]
fn retained_risks_appear_on_the_residual_heat_map() {
    let mut h = harness(false);
    h.key(KeyCode::Char('n')).keys("Office flood");
    for _ in 0..5 {
        h.key(KeyCode::Tab);
    }
    h.keys("Facilities").key(KeyCode::Tab).keys("2");
    h.key(KeyCode::Tab).keys("3").key(KeyCode::Tab).keys("r");
    h.ctrl('s');
    assert!(h.screen(80, 24).contains("Saved R-001."));
    h.section(1).key(KeyCode::Char('r'));
    // Move to likelihood 2, impact 3 and list the cell.
    h.key(KeyCode::Up).key(KeyCode::Right).key(KeyCode::Right);
    let map = h.screen(120, 36);
    assert!(map.contains("0 not assessed"), "{map}");
    assert!(map.contains("▶ 1 M◀"), "{map}");
    h.key(KeyCode::Enter);
    let screen = h.screen(120, 36);
    assert!(
        screen.contains("Risks with residual likelihood 2 and impact 3: 1."),
        "{screen}"
    );
    assert!(
        screen.contains("6 Medium (retained: as inherent)"),
        "{screen}"
    );
}

#[test]
fn heat_map_arrows_move_cells_and_brackets_switch_sections() {
    let mut h = harness(true);
    h.section(1);
    h.key(KeyCode::Right).key(KeyCode::Left).key(KeyCode::Right);
    let map = h.screen(120, 36);
    assert!(
        map.contains("Heat map ·"),
        "→ and ← stay on the heat map: {map}"
    );
    assert!(map.contains("←/→ move"), "{map}");
    assert!(map.contains("[/] section"), "{map}");
    h.key(KeyCode::Char(']'));
    assert!(
        h.screen(120, 36).contains("need treatment"),
        "] goes to the plan"
    );
    h.key(KeyCode::Char('['));
    assert!(h.screen(120, 36).contains("Heat map ·"), "[ comes back");
    h.key(KeyCode::Char('['));
    assert!(h.screen(120, 36).contains("sorted by"), "[ to the register");
    h.key(KeyCode::Char('?'));
    let help = h.screen(160, 48);
    assert!(help.contains("Heat map"), "{help}");
}

#[test]
fn marking_a_used_asset_out_of_scope_asks_first() {
    let mut h = harness(true);
    h.section(3).key(KeyCode::Enter);
    // The scope choice: typing "o" picks "Out of scope".
    for _ in 0..8 {
        h.key(KeyCode::Tab);
    }
    h.keys("o");
    h.ctrl('s');
    let question = h.screen(120, 36);
    let users = h
        .store()
        .list::<Risk>()
        .unwrap()
        .iter()
        .filter(|r| r.value.assets.contains(&"A-001".to_string()))
        .count();
    assert!(users > 1);
    assert!(
        question.contains(&format!("A-001 is used by {users} risks")),
        "{question}"
    );
    h.key(KeyCode::Char('n'));
    let asset = |h: &Harness| {
        h.store()
            .get::<isms::domain::asset::Asset>("A-001")
            .unwrap()
            .unwrap()
    };
    assert!(asset(&h).in_scope, "no: nothing saved, the form stays open");
    h.ctrl('s').key(KeyCode::Char('y'));
    assert!(h.screen(120, 36).contains("Saved A-001."));
    assert!(!asset(&h).in_scope);
}

#[test]
fn counts_read_right_for_one_risk() {
    let mut h = harness(false);
    h.key(KeyCode::Char('n')).keys("Office flood");
    h.ctrl('s');
    let screen = h.screen(120, 36);
    assert!(screen.contains("┌ 1 risk · sorted by"), "{screen}");
    h.key(KeyCode::Char('f')).ctrl('s');
    assert!(h.screen(120, 36).contains("1 risk matches."));
}
