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
    assert_eq!(stage_percents(&store).1, 25);

    let mut closed = store.get::<Nonconformity>(&nc).unwrap().unwrap();
    closed.status = NcStatus::Closed;
    closed.checked_by = "Auditor".into();
    closed.checked_on = Some(today());
    closed.check_result = "Restore test passed.".into();
    store.update(&nc, &closed).unwrap();
    // No major NC is open, but no internal audit has been carried out to look for them.
    let (_, readiness) = store.check_with_readiness(today()).unwrap();
    assert_eq!(readiness.stage2.percent(), 25);
    assert_eq!(readiness.stage2.criteria[3].detail, "no audit yet");
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
    // The demo's Stage 1 audit is planned 30 days ahead and is the next milestone.
    let next = text
        .lines()
        .skip_while(|line| *line != "Next milestones")
        .nth(1)
        .unwrap();
    assert!(
        next.contains("2026-12-28") && next.contains("Stage 1"),
        "{next}"
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
