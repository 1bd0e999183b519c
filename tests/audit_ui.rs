//! The Audit tab driven through the app's input handler, and the audit rules in the store:
//! checklist generation from scope and SoA, NCs raised from results, the closing rule,
//! coverage, independence.

use isms::domain::audit::{Audit, AuditStatus, ChecklistItem, Finding, NcStatus, Nonconformity};
use isms::domain::soa::{Applicability, SoaDecision};
use isms::store::Store;
use ratatui::crossterm::event::KeyCode;
use tempfile::TempDir;

mod common;
use common::{demo_store, today, Harness};

fn harness() -> Harness {
    Harness::new(true, '6')
}

#[test]
fn programme_checklist_register_report_and_coverage() {
    let mut h = harness();
    insta::assert_snapshot!("audit_programme_80x24", h.screen(80, 24));
    h.key(KeyCode::Right);
    insta::assert_snapshot!("audit_checklist_80x24", h.screen(80, 24));
    insta::assert_snapshot!("audit_checklist_160x48", h.screen(160, 48));
    h.key(KeyCode::Right);
    insta::assert_snapshot!("audit_ncs_80x24", h.screen(80, 24));
    h.key(KeyCode::Right);
    insta::assert_snapshot!("audit_report_160x48", h.screen(160, 48));
    h.key(KeyCode::Right);
    let coverage = h.screen(120, 40);
    assert!(coverage.contains("34 of 34 audited"), "{coverage}");
    insta::assert_snapshot!("audit_coverage_120x40", coverage);
}

/// The text of the line after the heading `title` on `screen`, without the frame.
fn after(screen: &str, title: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(title))
        .unwrap_or_else(|| panic!("no {title}:\n{screen}"));
    lines[at + 1]
        .trim_matches(|c| c == '│' || c == ' ')
        .to_string()
}

#[test]
fn coverage_marks_what_is_covered_with_a_tick_and_what_to_audit_next_with_a_cross() {
    let mut h = harness();
    for _ in 0..4 {
        h.key(KeyCode::Right);
    }
    let screen = h.screen(120, 40);
    // The demo has audited every clause and 20 of 85 applicable controls.
    assert_eq!(
        after(&screen, "To audit next: clauses"),
        "none: every clause has been audited"
    );
    let next = after(&screen, "To audit next: applicable controls");
    assert!(next.starts_with("✗ 5.2, 5.3"), "{next}");
    let audited = after(&screen, "Clauses audited");
    assert!(audited.starts_with("✓ 4.1, 4.2"), "{audited}");
    assert!(after(&screen, "Applicable controls audited").starts_with("✓ 5.1"));
    assert!(
        screen.contains("Counted for Stage 2: 54 of 119"),
        "{screen}"
    );

    // A new workspace: everything is still to audit, nothing is covered.
    let mut h = Harness::new(false, '6');
    for _ in 0..4 {
        h.key(KeyCode::Right);
    }
    let screen = h.screen(120, 40);
    assert!(after(&screen, "To audit next: clauses").starts_with("✗ 4.1, 4.2"));
    assert_eq!(after(&screen, "Clauses audited"), "none yet");
    assert_eq!(
        after(&screen, "To audit next: applicable controls"),
        "none: every applicable control has been audited"
    );
}

#[test]
fn the_planned_audit_warns_about_independence() {
    let mut h = harness();
    h.key(KeyCode::Down);
    let screen = h.screen(160, 48);
    assert!(screen.contains("⚠ Independence: Dev Okafor"), "{screen}");
}

#[test]
fn five_results_with_the_result_keys_raise_an_nc_and_move_on() {
    let mut h = harness();
    // The planned audit: nothing audited yet.
    h.key(KeyCode::Down).key(KeyCode::Right);
    let before = h.app.store().list::<Nonconformity>().unwrap().len();
    // Conforming needs no note; an observation, an OFI and a minor NC ask for one.
    h.keys("co").keys("Leavers list kept by hand");
    h.ctrl('s');
    h.key(KeyCode::Char('i')).keys("Automate the leavers list");
    h.ctrl('s');
    h.key(KeyCode::Char('m'))
        .keys("Two leavers kept VPN access");
    h.ctrl('s');
    h.key(KeyCode::Char('c'));
    let screen = h.screen(120, 36);
    assert!(screen.contains("5/"), "{screen}");
    let audit = h.app.audit().data().audits[1].reference.clone();
    let items: Vec<ChecklistItem> = h
        .app
        .store()
        .list::<ChecklistItem>()
        .unwrap()
        .into_iter()
        .filter(|i| i.value.audit == audit)
        .map(|i| i.value)
        .collect();
    let results: Vec<Finding> = items.iter().take(5).map(|i| i.result).collect();
    assert_eq!(
        results,
        [
            Finding::Conforming,
            Finding::Observation,
            Finding::Improvement,
            Finding::MinorNc,
            Finding::Conforming
        ]
    );
    assert_eq!(items[1].notes, "Leavers list kept by hand");
    let ncs = h.app.store().list::<Nonconformity>().unwrap();
    assert_eq!(
        ncs.len(),
        before + 1,
        "the minor NC raised one nonconformity"
    );
    let raised = &ncs.last().unwrap().value;
    assert_eq!(raised.item, format!("{audit}/{}", items[3].target.label()));
    assert_eq!(raised.status, NcStatus::Open);
    // The statement is the auditor's note, not the checklist question.
    assert_eq!(raised.statement, "Two leavers kept VPN access");
    assert!(!raised.statement.contains(&items[3].question));
}

#[test]
fn an_observation_is_not_saved_without_a_note() {
    let mut h = harness();
    h.key(KeyCode::Down).key(KeyCode::Right);
    let audit = h.app.audit().data().audits[1].reference.clone();
    let first = |h: &Harness| {
        h.app
            .store()
            .list::<ChecklistItem>()
            .unwrap()
            .into_iter()
            .find(|i| i.value.audit == audit)
            .unwrap()
            .value
    };
    h.key(KeyCode::Char('o'));
    insta::assert_snapshot!("checklist_note_prompt_80x24", h.screen(80, 24));
    // Saving with no note is refused, and nothing is stored.
    h.ctrl('s');
    let screen = h.screen(80, 24);
    assert!(screen.contains("✗ An observation needs a note"), "{screen}");
    assert_eq!(first(&h).result, Finding::NotAudited);
    // Esc leaves the result as it was.
    h.key(KeyCode::Esc);
    if h.screen(80, 24).contains("Discard") {
        h.key(KeyCode::Char('y'));
    }
    assert_eq!(first(&h).result, Finding::NotAudited);
    assert!(!h.app.audit().is_typing());
    // A major NC with its note raises the NC with that statement and moves on.
    h.key(KeyCode::Char('M'))
        .keys("No backups tested since 2025");
    h.ctrl('s');
    let item = first(&h);
    assert_eq!(item.result, Finding::MajorNc);
    let raised = h.app.store().list::<Nonconformity>().unwrap();
    assert_eq!(
        raised.last().unwrap().value.statement,
        "No backups tested since 2025"
    );
    let screen = h.screen(120, 36);
    assert!(screen.contains("1/"), "{screen}");
    assert!(screen.contains(": Major NC · raised NC-"), "{screen}");
}

#[test]
fn an_nc_cannot_be_closed_without_an_effectiveness_check() {
    let mut h = harness();
    h.key(KeyCode::Right).key(KeyCode::Right);
    // NC-002 is open and overdue in the demo.
    h.key(KeyCode::Down).key(KeyCode::Enter);
    // Status is the 11th field.
    for _ in 0..10 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Right); // action planned -> closed
    h.ctrl('s');
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("✗ Closing needs the effectiveness check"),
        "{screen}"
    );
    assert_eq!(
        h.app
            .store()
            .get::<Nonconformity>("NC-002")
            .unwrap()
            .unwrap()
            .status,
        NcStatus::ActionPlanned
    );
    insta::assert_snapshot!("nc_form_refused_80x24", h.screen(80, 24));
}

#[test]
fn checklist_follows_scope_and_soa_and_keeps_audited_items() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    // Exclude a control, then plan an audit with it and another in scope.
    let mut excluded = store.get::<SoaDecision>("7.8").unwrap().unwrap();
    excluded.applicability = Applicability::No;
    excluded.justification = "Cloud hosted".into();
    store.update("7.8", &excluded).unwrap();
    let audit = Audit {
        title: "Spot check".into(),
        clauses: vec!["9.2.2".into()],
        controls: vec!["7.8".into(), "8.13".into()],
        lead_auditor: "Ruth".into(),
        status: AuditStatus::Planned,
        planned_start: Some(today()),
        ..Audit::default()
    };
    let reference = store.create_audit(&audit, today()).unwrap();
    let labels = |store: &Store| -> Vec<String> {
        store
            .list::<ChecklistItem>()
            .unwrap()
            .into_iter()
            .filter(|i| i.value.audit == reference)
            .map(|i| i.value.target.label())
            .collect()
    };
    assert_eq!(labels(&store), ["9.2.2", "A.8.13"], "7.8 is not applicable");
    assert!(
        store
            .get::<ChecklistItem>(&format!("{reference}/A.8.13"))
            .unwrap()
            .unwrap()
            .question
            .len()
            > 20
    );
    // Audit 8.13, then drop it and 9.2.2 from scope: the audited item stays.
    let item_ref = format!("{reference}/A.8.13");
    let mut item = store.get::<ChecklistItem>(&item_ref).unwrap().unwrap();
    item.result = Finding::Conforming;
    store.record_result(&item_ref, &item).unwrap();
    let narrowed = Audit {
        clauses: vec![],
        controls: vec![],
        ..audit.clone()
    };
    store
        .write(|w| {
            w.update(&reference, &narrowed)?;
            w.sync_checklist(&reference)
        })
        .unwrap();
    assert_eq!(labels(&store), ["A.8.13"]);
    assert!(store.verify_change_log().unwrap().is_ok());
}

#[test]
fn a_new_audit_is_numbered_in_its_year() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let audit = Audit {
        title: "Year check".into(),
        lead_auditor: "Ruth".into(),
        planned_start: isms::domain::dates::parse("2026-12-01").ok(),
        ..Audit::default()
    };
    assert_eq!(store.create_audit(&audit, today()).unwrap(), "IA-2026-02");
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
fn a_planned_audit_follows_its_planned_start_into_another_year() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let day = |text: &str| isms::domain::dates::parse(text).ok();
    // No planned start yet: the year of the day it is created.
    let audit = Audit {
        title: "Supplier controls".into(),
        lead_auditor: "Ruth".into(),
        controls: vec!["5.19".into()],
        ..Audit::default()
    };
    let first = store.create_audit(&audit, today()).unwrap();
    assert_eq!(first, "IA-2026-02");
    // Planned for 2027: renumbered there, the checklist with it.
    let moved = Audit {
        planned_start: day("2027-03-01"),
        ..audit.clone()
    };
    let renumbered = store
        .write(|w| {
            w.update(&first, &moved)?;
            w.renumber_audit(&first, today())
        })
        .unwrap();
    assert_eq!(renumbered.as_deref(), Some("IA-2027-02"));
    assert!(store.get::<Audit>(&first).unwrap().is_none());
    let items: Vec<String> = store
        .list::<ChecklistItem>()
        .unwrap()
        .into_iter()
        .filter(|i| i.value.audit.starts_with("IA-2026-02") || i.value.audit == "IA-2027-02")
        .map(|i| i.reference)
        .collect();
    assert_eq!(items, ["IA-2027-02/A.5.19"]);
    // Same year: nothing to do.
    let again = store
        .write(|w| w.renumber_audit("IA-2027-02", today()))
        .unwrap();
    assert_eq!(again, None);
    // Once a result is recorded the reference is cited, and it stays.
    let item_ref = "IA-2027-02/A.5.19";
    let mut item = store.get::<ChecklistItem>(item_ref).unwrap().unwrap();
    item.result = Finding::Conforming;
    store.record_result(item_ref, &item).unwrap();
    let later = Audit {
        planned_start: day("2028-01-10"),
        ..moved.clone()
    };
    let kept = store
        .write(|w| {
            w.update("IA-2027-02", &later)?;
            w.renumber_audit("IA-2027-02", today())
        })
        .unwrap();
    assert_eq!(kept, None);
    // So does an audit that is no longer planned.
    let started = store
        .create_audit(
            &Audit {
                title: "Started".into(),
                lead_auditor: "Ruth".into(),
                planned_start: day("2026-12-10"),
                status: AuditStatus::InProgress,
                ..Audit::default()
            },
            today(),
        )
        .unwrap();
    let kept = store
        .write(|w| {
            let mut audit = w.get::<Audit>(&started)?.unwrap();
            audit.planned_start = day("2027-01-05");
            w.update(&started, &audit)?;
            w.renumber_audit(&started, today())
        })
        .unwrap();
    assert_eq!(kept, None);
    assert!(store.verify_change_log().unwrap().is_ok());
}
