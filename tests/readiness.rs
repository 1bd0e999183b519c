//! Readiness figures, the certification plan, milestones and budget as kept by the store.

use isms::domain::audit::{NcGrade, NcStatus, Nonconformity};
use isms::domain::certification::{
    BudgetCategory, BudgetLine, CertificationPlan, Milestone, MilestoneKind, MilestoneState,
};
use isms::domain::review::{Review, ReviewStatus};
use isms::store::Store;
use tempfile::TempDir;

mod common;
use common::{today, workspace};

fn stage_percents(store: &Store) -> (u8, u8) {
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    (readiness.stage1.percent(), readiness.stage2.percent())
}

#[test]
fn stage_two_moves_with_reviews_and_major_nonconformities() {
    let dir = TempDir::new().unwrap();
    let mut store = workspace(&dir, false);
    // Nothing is in place in a new workspace.
    assert_eq!(stage_percents(&store), (0, 0));

    let nc = store
        .insert(&Nonconformity {
            statement: "Backups were never restored in a test.".into(),
            grade: NcGrade::Major,
            status: NcStatus::Open,
            ..Nonconformity::default()
        })
        .unwrap();
    assert_eq!(stage_percents(&store).1, 0);

    let review = store
        .create_review(
            &Review {
                date: Some(today() - chrono::Duration::days(30)),
                chair: "CEO".into(),
                ..Review::default()
            },
            today(),
        )
        .unwrap();
    // A draft review is not a review held.
    assert_eq!(stage_percents(&store).1, 0);
    store.compile_review(&review, today()).unwrap();
    let mut held = store.get::<Review>(&review).unwrap().unwrap();
    held.status = ReviewStatus::Held;
    store.update(&review, &held).unwrap();
    // The review criterion is met, but the stage stands at its weakest criterion.
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    let review_criterion = readiness
        .stage2
        .criteria
        .iter()
        .find(|c| c.short == "review")
        .unwrap();
    assert!(review_criterion.is_met());
    assert_eq!(review_criterion.figure(), "held (100%)");
    assert_eq!(readiness.stage2.percent(), 0);

    let mut closed = store.get::<Nonconformity>(&nc).unwrap().unwrap();
    closed.status = NcStatus::Closed;
    closed.checked_by = "Auditor".into();
    closed.checked_on = Some(today());
    closed.check_result = "Restore test passed.".into();
    store.update(&nc, &closed).unwrap();
    // No major NC is open, but no internal audit has been carried out to look for them.
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    assert_eq!(readiness.stage2.percent(), 0);
    let no_major = readiness
        .stage2
        .criteria
        .iter()
        .find(|c| c.short == "no major NC")
        .unwrap();
    assert_eq!(no_major.detail, "no audit yet");
    assert!(!no_major.is_met());
}

#[test]
fn the_demo_status_names_every_area_and_the_next_milestones() {
    let dir = TempDir::new().unwrap();
    let store = workspace(&dir, true);
    let text = store.status_text(today()).unwrap();
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    assert!(
        text.contains(&format!(
            "Stage 1 readiness: {}%",
            readiness.stage1.percent()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Stage 2 readiness: {}%",
            readiness.stage2.percent()
        )),
        "{text}"
    );
    for area in ["Scope", "Risks", "SoA", "Evidence", "Audit", "Review"] {
        assert!(
            text.lines().any(|line| line.starts_with(area)),
            "{area} missing:\n{text}"
        );
    }
    // The demo leaves two controls undecided: its controls are not decided, whatever version
    // was approved, and that milestone is late. Its Stage 1 audit, 30 days ahead, comes next.
    let next: Vec<&str> = text
        .lines()
        .skip_while(|line| *line != "Next milestones")
        .skip(1)
        .take(2)
        .collect();
    assert!(
        next[0].contains("(late)") && next[0].contains("Controls decided"),
        "{next:?}"
    );
    assert!(
        next[1].contains("2026-12-28") && next[1].contains("Stage 1"),
        "{next:?}"
    );
    assert!(text.contains("30 risks"), "{text}");
}

#[test]
fn the_plan_milestones_and_budget_are_saved_and_logged() {
    let dir = TempDir::new().unwrap();
    let mut store = workspace(&dir, false);
    let empty = store.load_plan().unwrap();
    assert_eq!(empty.plan, CertificationPlan::default());
    assert!(empty.milestones.is_empty() && empty.budget.is_empty());

    let plan = CertificationPlan {
        body: "Northgate Assurance".into(),
        accreditation_body: "UKAS".into(),
        accreditation_confirmed: true,
        competence_confirmed: false,
        currency: "GBP".into(),
    };
    store.save_plan(&empty.plan, &plan).unwrap();
    // A second save writes only what changed.
    let confirmed = CertificationPlan {
        competence_confirmed: true,
        ..plan.clone()
    };
    store.save_plan(&plan, &confirmed).unwrap();
    assert_eq!(store.load_plan().unwrap().plan, confirmed);
    let history = store.history(isms::store::PLAN_REF).unwrap();
    assert!(history
        .iter()
        .any(|e| e.field == "competence_confirmed" && e.new.as_deref() == Some("1")));

    let certificate = Milestone {
        planned: Some(today() + chrono::Duration::days(100)),
        ..Milestone::default()
    };
    store
        .save_milestone(
            MilestoneKind::Certificate,
            &Milestone::default(),
            &certificate,
        )
        .unwrap();
    let done = Milestone {
        done: Some(today()),
        ..certificate.clone()
    };
    store
        .save_milestone(MilestoneKind::Certificate, &certificate, &done)
        .unwrap();
    let timeline = store.timeline(today()).unwrap();
    let certified = timeline
        .iter()
        .find(|r| r.kind == MilestoneKind::Certificate)
        .unwrap();
    assert_eq!(certified.state, MilestoneState::Done);
    let surveillance = timeline
        .iter()
        .find(|r| r.kind == MilestoneKind::Surveillance1)
        .unwrap();
    assert_eq!(
        surveillance.planned,
        Some(isms::domain::dates::parse("2027-11-28").unwrap())
    );

    let line = BudgetLine {
        year: 1,
        category: BudgetCategory::Certification,
        label: "Stage 2 audit".into(),
        amount: 5600.0,
    };
    let reference = store.insert(&line).unwrap();
    assert_eq!(reference, "BUD-001");
    // A line the domain refuses is not saved.
    assert!(store
        .insert(&BudgetLine {
            year: 4,
            ..line.clone()
        })
        .is_err());
    assert_eq!(store.load_plan().unwrap().budget.len(), 1);
    store.delete::<BudgetLine>(&reference).unwrap();
    assert!(store.load_plan().unwrap().budget.is_empty());
    assert!(!store.history(&reference).unwrap().is_empty());
}

#[test]
fn stage_one_counts_required_documents_approved_and_reviewed() {
    use isms::domain::document::{Document, DocumentKind, DocumentStatus};
    let dir = TempDir::new().unwrap();
    let mut store = workspace(&dir, false);
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    let required = &readiness.stage1.criteria[0];
    assert_eq!(readiness.stage1.percent(), 0);
    let of: usize = required.detail.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(
        of >= 10,
        "the clause requirements are expected: {}",
        required.detail
    );

    let scope = Document {
        title: "ISMS scope".into(),
        kind: DocumentKind::Policy,
        owner: "CISO".into(),
        requirements: vec!["4.3".into()],
        ..Document::default()
    };
    let reference = store.insert(&scope).unwrap();
    // A draft is not in place.
    assert_eq!(stage_percents(&store).0, 0);
    let approved = Document {
        status: DocumentStatus::Approved,
        approved_by: "CEO".into(),
        approved_on: Some(today()),
        next_review: Some(today() + chrono::Duration::days(365)),
        ..scope.clone()
    };
    store.update(&reference, &approved).unwrap();
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    assert_eq!(readiness.stage1.criteria[0].detail, format!("1 of {of}"));
    assert_eq!(readiness.stage1.percent() as usize, 100 / of);
    // Past its review date it no longer counts.
    let lapsed = Document {
        approved_on: Some(today() - chrono::Duration::days(400)),
        next_review: Some(today() - chrono::Duration::days(1)),
        ..approved
    };
    store.update(&reference, &lapsed).unwrap();
    assert_eq!(stage_percents(&store).0, 0);
    let text = store.status_text(today()).unwrap();
    assert!(
        text.contains("1 document (1 approved, 1 overdue for review); 0 of"),
        "{text}"
    );
}

/// Every readiness figure of `store` as the four outputs show it: `isms status`, the pack's
/// README, report.html and the Overview. Each must show the domain's figures, alike.
fn assert_four_outputs_agree(store: Store) {
    use isms::export::{html, index, PackData};
    use isms::ui::snapshot::render_to_string;
    use isms::ui::{App, Theme, ThemeName};

    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    let status = store.status_text(today()).unwrap();
    let data = PackData::load(&store, today()).unwrap();
    assert_eq!(
        data.readiness, readiness,
        "the pack reads the same readiness"
    );
    let readme = String::from_utf8(index::readme(&data, &[])).unwrap();
    let report = String::from_utf8(html::report(&data).unwrap()).unwrap();
    let mut app = App::new(store, Theme::new(ThemeName::Dark, true), today()).unwrap();
    app.set_today(today());
    let overview = render_to_string(&mut app, 160, 48);

    for stage in readiness.stages() {
        let percent = stage.percent();
        // Never above its weakest criterion.
        assert!(stage.criteria.iter().all(|c| percent <= c.percent()));
        assert!(status.contains(&stage.headline()), "status:\n{status}");
        assert!(readme.contains(&stage.headline()), "README:\n{readme}");
        assert!(
            report.contains(&format!("<td>{}</td><td>{percent}%</td>", stage.name)),
            "report.html has {} at {percent}%",
            stage.name
        );
        let gauge = overview
            .lines()
            .find(|l| l.contains(&format!(" {} ", stage.name)) && l.contains('%'))
            .unwrap_or_else(|| panic!("no {} gauge:\n{overview}", stage.name));
        assert!(
            gauge.contains(&format!("{percent:>3}% ")),
            "Overview shows {} at {percent}%: {gauge}",
            stage.name
        );
        for c in &stage.criteria {
            let figure = c.figure();
            assert!(
                status.contains(&format!("{}: {figure}", c.label)),
                "status lacks {figure}:\n{status}"
            );
            assert!(
                readme.contains(&format!("{}: {figure}", c.label)),
                "README lacks {figure}"
            );
            assert!(
                report.contains(&format!("<td>{}</td><td>{figure}</td>", c.label)),
                "report.html lacks {figure}"
            );
            let overview_figure = if c.detail.contains(" of ") {
                format!("{} {}", c.short, c.detail.replace(" of ", "/"))
            } else {
                c.short.to_string()
            };
            let mark = if c.is_met() { "✓" } else { "✗" };
            assert!(
                gauge.contains(&format!("{mark} {overview_figure}")),
                "Overview lacks {mark} {overview_figure}: {gauge}"
            );
        }
    }
}

#[test]
fn the_four_outputs_show_the_same_readiness_for_the_demo() {
    let dir = TempDir::new().unwrap();
    let store = workspace(&dir, true);
    assert_four_outputs_agree(store);
}

/// A workspace part of the way: scope written, some controls decided, one policy approved.
fn half_done(dir: &TempDir) -> Store {
    use isms::domain::document::{Document, DocumentKind, DocumentStatus};
    use isms::domain::soa::{Applicability, Implementation, SoaDecision};
    use isms::domain::workspace::Workspace;
    let mut store = workspace(dir, false);
    store
        .update_workspace(&Workspace {
            organisation: "Halfway Ltd".into(),
            isms_name: "Halfway ISMS".into(),
            scope_statement: "The hosted payroll service.".into(),
            ..Workspace::default()
        })
        .unwrap();
    for (control, applicability) in [
        ("5.1", Applicability::Yes),
        ("5.2", Applicability::Yes),
        ("7.4", Applicability::No),
    ] {
        store
            .update(
                control,
                &SoaDecision {
                    applicability,
                    justification: "No premises of our own.".into(),
                    status: Implementation::Implemented,
                    ..SoaDecision::default()
                },
            )
            .unwrap();
    }
    store
        .insert(&Document {
            title: "Information security policy".into(),
            kind: DocumentKind::Policy,
            status: DocumentStatus::Approved,
            approved_by: "CEO".into(),
            approved_on: Some(today()),
            next_review: Some(today() + chrono::Duration::days(365)),
            requirements: vec!["5.2 e".into(), "A.5.1".into()],
            ..Document::default()
        })
        .unwrap();
    store
}

#[test]
fn the_four_outputs_show_the_same_readiness_for_a_half_done_workspace() {
    let dir = TempDir::new().unwrap();
    let store = half_done(&dir);
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    let figures: Vec<String> = readiness
        .stages()
        .iter()
        .flat_map(|s| s.criteria.iter().map(|c| c.figure()))
        .collect();
    // Scope (4.3), policy (5.2 e) and A.5.1 in place of the 16 clause requirements and A.5.1;
    // 3 of 93 decided; 5.1 implemented with the policy as its evidence (through A.5.1), 5.2
    // without any; 34 clauses and 2 applicable controls to audit.
    assert_eq!(
        figures,
        [
            "3 of 17 (17%)",
            "3 of 93 (3%)",
            "1 of 2 (50%)",
            "0 of 36 (0%)",
            "not held (0%)",
            "no audit yet (0%)"
        ]
    );
    assert_four_outputs_agree(store);
}

#[test]
fn the_workbench_records_fulfil_required_documents_and_the_controls_milestone() {
    use isms::domain::certification::{MilestoneKind, MilestoneState};
    use isms::domain::document::RequiredState;
    use isms::domain::soa::{Applicability, SoaDecision};
    use isms::store::SoaVersion;
    let dir = TempDir::new().unwrap();
    let mut store = half_done(&dir);
    let required = store.required_documents(today()).unwrap();
    let scope = required
        .iter()
        .find(|e| e.requirement.key == "4.3")
        .unwrap();
    assert_eq!(
        scope.state_text(),
        "in place (in the workbench: 01-scope/isms-scope.md)"
    );
    let soa = |store: &Store| {
        store
            .required_documents(today())
            .unwrap()
            .into_iter()
            .find(|e| e.requirement.key == "6.1.3 d")
            .unwrap()
            .state
    };
    let controls = |store: &Store| {
        let rows = store.timeline(today()).unwrap();
        rows.into_iter()
            .find(|r| r.kind == MilestoneKind::Controls)
            .unwrap()
            .state
    };
    // Approved while controls are undecided: neither the SoA requirement nor the milestone.
    store
        .approve_soa(&SoaVersion {
            label: "v0.1".into(),
            approved_by: "CEO".into(),
            approved_on: today(),
        })
        .unwrap();
    assert_eq!(soa(&store), RequiredState::Missing);
    assert_ne!(controls(&store), MilestoneState::Done);
    let findings = store.check(today()).unwrap();
    assert!(findings
        .iter()
        .any(|f| f.rule == "required-document-missing" && f.record == "6.1.3 d"));

    // Every control decided: still no version approved with all of them decided.
    let soa_data = store.load_soa().unwrap();
    for decision in soa_data.decisions {
        if decision.value.applicability == Applicability::Undecided {
            store
                .update(
                    &decision.reference,
                    &SoaDecision {
                        applicability: Applicability::No,
                        justification: "Outside the hosted service.".into(),
                        ..SoaDecision::default()
                    },
                )
                .unwrap();
        }
    }
    assert_eq!(soa(&store), RequiredState::Missing);
    assert_ne!(controls(&store), MilestoneState::Done);
    store
        .approve_soa(&SoaVersion {
            label: "v1.0".into(),
            approved_by: "CEO".into(),
            approved_on: today(),
        })
        .unwrap();
    assert_eq!(soa(&store), RequiredState::InPlace);
    assert_eq!(controls(&store), MilestoneState::Done);
    let findings = store.check(today()).unwrap();
    assert!(!findings.iter().any(|f| f.record == "6.1.3 d"));
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    assert_eq!(readiness.stage2.criteria[0].figure(), "93 of 93 (100%)");
}

#[test]
fn a_document_fulfilling_an_annex_a_requirement_is_evidence_for_its_control() {
    let dir = TempDir::new().unwrap();
    let store = half_done(&dir);
    let soa = store.load_soa().unwrap();
    assert_eq!(soa.evidence_count("5.1"), 1, "the policy fulfils A.5.1");
    assert_eq!(soa.evidence_count("5.2"), 0);
}

#[test]
fn status_says_each_criterion_and_the_weakest() {
    let dir = TempDir::new().unwrap();
    let store = half_done(&dir);
    let text = store.status_text(today()).unwrap();
    assert!(
        text.contains("Stage 1 readiness: 17% (weakest: required documents, 3 of 17)\n"),
        "{text}"
    );
    // The first of the lowest criteria names the stage's weakest area.
    assert!(
        text.contains("Stage 2 readiness: 0% (weakest: audited, 0 of 36)\n"),
        "{text}"
    );
    assert!(
        text.contains("  ✗ Annex A controls decided (applicable or excluded): 3 of 93 (3%)\n"),
        "{text}"
    );
}

#[test]
fn the_pack_lists_the_required_documents_with_what_the_workbench_holds() {
    let dir = TempDir::new().unwrap();
    let store = half_done(&dir);
    let out = dir.path().join("pack");
    let written = isms::export::export(&store, &out, false, today()).unwrap();
    let text = std::fs::read_to_string(out.join("04-evidence/required-documents.csv")).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "Requirement,Clause or control,Required document,State,In the workbench,Documents"
    );
    assert_eq!(
        lines[1],
        "4.3,4.3,Scope of the ISMS,in place,01-scope/isms-scope.md,"
    );
    assert!(lines.contains(&"5.2 e,5.2,Information security policy,in place,,DOC-001"));
    assert!(lines.contains(&"8.2,8.2,Risk assessment results,missing,,"));
    // The Stage 1 figure counts the rows in place.
    let in_place = lines.iter().filter(|l| l.contains(",in place,")).count();
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    assert_eq!(
        readiness.stage1.criteria[0].detail,
        format!("{in_place} of {}", lines.len() - 1)
    );
    // Every pack file the workbench names for a requirement it holds is a file the pack
    // writes, named in full (the minutes of the review held, not a pattern).
    let records = store.workbench_records(today()).unwrap();
    assert!(
        records.iter().any(|r| r.held),
        "the half-done workspace holds some"
    );
    for held in records.iter().filter(|r| r.held) {
        assert!(
            written.contains(&held.pack_file),
            "{} names {}, not in the pack",
            held.key,
            held.pack_file
        );
    }
}

#[test]
fn report_html_holds_the_objectives_that_fulfil_6_2_g() {
    use isms::domain::review::Objective;
    use isms::export::{html, PackData};
    let dir = TempDir::new().unwrap();
    let store = workspace(&dir, true);
    let held = store.workbench_records(today()).unwrap();
    let objectives = held.iter().find(|h| h.key == "6.2 g").unwrap();
    assert!(objectives.held, "the demo's objectives are written");
    assert_eq!(objectives.pack_file, "report.html");
    let report =
        String::from_utf8(html::report(&PackData::load(&store, today()).unwrap()).unwrap())
            .unwrap();
    assert!(report.contains("<h2>Information security objectives (6.2)</h2>"));
    for objective in store.list::<Objective>().unwrap() {
        assert!(
            report.contains(&format!("<td>{}</td>", objective.reference)),
            "{}",
            objective.reference
        );
    }
}

/// The requirement a held review fulfils names that review's minutes, a file the pack writes.
#[test]
fn a_held_review_fulfils_9_3_3_with_its_own_minutes() {
    let dir = TempDir::new().unwrap();
    let store = common::demo_store(&dir);
    let out = dir.path().join("pack");
    let written = isms::export::export(&store, &out, false, today()).unwrap();
    let records = store.workbench_records(today()).unwrap();
    let review = records.iter().find(|r| r.key == "9.3.3").unwrap();
    assert!(review.held);
    assert_eq!(
        review.pack_file,
        "06-management-review/MR-2026-01-minutes.md"
    );
    assert!(written.contains(&review.pack_file), "{written:?}");
}
