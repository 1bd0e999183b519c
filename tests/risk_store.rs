//! The Risks tab's records in the store: links, the method change, acceptance and the demo.

use chrono::NaiveDate;
use isms::demo::write_demo_on;
use isms::domain::asset::{Asset, AssetKind};
use isms::domain::method::RiskMethod;
use isms::domain::risk::{AcceptanceState, Risk, RiskStatus, Treatment};
use isms::store::{OpenMode, Store, METHOD_REF};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &dir.path().join("w.sqlite3"),
        OpenMode::Create { organisation: None },
    )
    .unwrap();
    store.set_actor("tester");
    (dir, store)
}

fn asset(name: &str) -> Asset {
    Asset {
        name: name.into(),
        kind: AssetKind::Software,
        owner: "CTO".into(),
        location: "AWS".into(),
        classification: "Internal".into(),
        confidentiality: 2,
        integrity: 2,
        availability: 2,
        in_scope: true,
        notes: String::new(),
    }
}

fn day(text: &str) -> NaiveDate {
    isms::domain::dates::parse(text).unwrap()
}

#[test]
fn a_new_workspace_has_the_catalogue_and_a_default_method() {
    let (_dir, store) = store();
    let controls = store.controls().unwrap();
    assert_eq!(controls.len(), 93);
    assert_eq!(controls[0].id, "5.1");
    assert_eq!(controls[92].id, "8.34");
    assert_eq!(store.risk_method().unwrap(), RiskMethod::default());
    assert!(
        !store.history(METHOD_REF).unwrap().is_empty(),
        "the method's creation is logged"
    );
}

#[test]
fn links_are_saved_logged_and_checked() {
    let (_dir, mut store) = store();
    let a = store.insert(&asset("Ledger DB")).unwrap();
    let b = store.insert(&asset("Build server")).unwrap();
    let mut risk = Risk {
        title: "Data loss".into(),
        owner: "CTO".into(),
        likelihood: 3,
        impact: 4,
        status: RiskStatus::Assessed,
        assets: vec![a.clone()],
        controls: vec!["8.13".into(), "5.30".into()],
        ..Risk::default()
    };
    let r = store.insert(&risk).unwrap();
    assert_eq!(r, "R-001");
    let saved = store.get::<Risk>(&r).unwrap().unwrap();
    assert_eq!(saved.assets, vec![a.clone()]);
    assert_eq!(saved.controls, vec!["5.30".to_string(), "8.13".to_string()]);

    risk.assets = vec![a.clone(), b.clone()];
    assert_eq!(store.update(&r, &risk).unwrap(), 1);
    let history = store.history(&r).unwrap();
    assert_eq!(history[0].field, "assets");
    assert_eq!(history[0].old.as_deref(), Some("A-001"));
    assert_eq!(history[0].new.as_deref(), Some("A-001, A-002"));
    assert_eq!(store.list::<Risk>().unwrap()[0].value.assets.len(), 2);

    // A control that does not exist, or an asset still linked, is refused and nothing changes.
    let before = store.change_log_len().unwrap();
    let bogus = Risk {
        controls: vec!["9.99".into()],
        ..risk.clone()
    };
    assert!(store.update(&r, &bogus).is_err());
    let error = store.delete::<Asset>(&a).unwrap_err().to_string();
    assert!(error.contains("still linked"), "{error}");
    assert_eq!(store.change_log_len().unwrap(), before);
    assert_eq!(store.get::<Risk>(&r).unwrap().unwrap().controls.len(), 2);

    // Deleting the risk removes its links and logs them.
    store.delete::<Risk>(&r).unwrap();
    store.delete::<Asset>(&a).unwrap();
    assert!(store
        .history(&r)
        .unwrap()
        .iter()
        .any(|e| e.field == "controls" && e.new.is_none()));
    assert!(store.verify_change_log().unwrap().is_ok());
}

#[test]
fn an_owner_is_required_once_the_risk_is_assessed() {
    let (_dir, mut store) = store();
    let risk = Risk {
        title: "Phishing".into(),
        status: RiskStatus::Assessed,
        ..Risk::default()
    };
    let error = store.insert(&risk).unwrap_err().to_string();
    assert!(error.contains("owner"), "{error}");
    assert!(store.list::<Risk>().unwrap().is_empty());
}

#[test]
fn changing_the_method_rescores_every_risk_in_one_logged_change() {
    let (_dir, mut store) = store();
    let big = store
        .insert(&Risk {
            title: "Outage".into(),
            likelihood: 5,
            impact: 4,
            residual_likelihood: Some(4),
            residual_impact: Some(2),
            ..Risk::default()
        })
        .unwrap();
    let small = store
        .insert(&Risk {
            title: "Typo".into(),
            likelihood: 1,
            impact: 2,
            ..Risk::default()
        })
        .unwrap();
    let method = RiskMethod::standard(3);
    assert_eq!(
        store.change_method(&method).unwrap(),
        1,
        "only the risk off the new matrix moves"
    );
    assert_eq!(store.risk_method().unwrap(), method);
    let moved = store.get::<Risk>(&big).unwrap().unwrap();
    assert_eq!(
        (
            moved.likelihood,
            moved.impact,
            moved.residual_likelihood,
            moved.residual_impact
        ),
        (3, 3, Some(3), Some(2))
    );
    assert_eq!(store.get::<Risk>(&small).unwrap().unwrap().likelihood, 1);
    assert!(store
        .history(METHOD_REF)
        .unwrap()
        .iter()
        .any(|e| e.field == "size" && e.new.as_deref() == Some("3")));
    assert!(store
        .history(&big)
        .unwrap()
        .iter()
        .any(|e| e.field == "likelihood" && e.new.as_deref() == Some("3")));
    // The level is derived from the method, so the 3x3 bands apply at once.
    assert_eq!(method.band(moved.score()).unwrap().1.name, "Critical");

    // An invalid method is refused whole.
    let mut bad = RiskMethod::standard(5);
    bad.acceptance_threshold = 0;
    assert!(store.change_method(&bad).is_err());
    assert_eq!(store.risk_method().unwrap().size, 3);
}

#[test]
fn an_acceptance_survives_a_reopen_and_goes_stale_after_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    let today = day("2026-11-28");
    let mut store = Store::open(&path, OpenMode::Create { organisation: None }).unwrap();
    let mut risk = Risk {
        title: "Supplier failure".into(),
        owner: "CFO".into(),
        likelihood: 2,
        impact: 3,
        treatment: Some(Treatment::Retain),
        status: RiskStatus::Accepted,
        ..Risk::default()
    };
    risk.accept("CFO", today, Some(day("2027-11-28")));
    let r = store.insert(&risk).unwrap();
    drop(store);
    let mut store = Store::open(&path, OpenMode::MustExist).unwrap();
    let saved = store.get::<Risk>(&r).unwrap().unwrap();
    assert_eq!(saved, risk);
    assert_eq!(saved.acceptance_state(today), AcceptanceState::Valid);
    let mut changed = saved.clone();
    changed.impact = 4;
    store.update(&r, &changed).unwrap();
    let saved = store.get::<Risk>(&r).unwrap().unwrap();
    assert_eq!(saved.acceptance_state(today), AcceptanceState::Stale);
}

#[test]
fn the_demo_has_assets_and_risks_across_the_matrix() {
    let (_dir, mut store) = store();
    let today = day("2026-11-28");
    write_demo_on(&mut store, today).unwrap();
    let data = store.load_risks().unwrap();
    assert_eq!(data.assets.len(), 25);
    assert_eq!(data.risks.len(), 30);
    let states: Vec<AcceptanceState> = data
        .risks
        .iter()
        .map(|r| r.value.acceptance_state(today))
        .collect();
    assert_eq!(
        states
            .iter()
            .filter(|s| **s == AcceptanceState::Stale)
            .count(),
        1
    );
    assert_eq!(
        states
            .iter()
            .filter(|s| **s == AcceptanceState::Expired)
            .count(),
        1
    );
    assert!(
        states
            .iter()
            .filter(|s| **s == AcceptanceState::Valid)
            .count()
            >= 3
    );
    assert!(
        data.risks
            .iter()
            .filter(|r| r.value.is_overdue(today))
            .count()
            >= 4
    );
    let bands: std::collections::BTreeSet<usize> = data
        .risks
        .iter()
        .map(|r| data.method.band(r.value.score()).unwrap().0)
        .collect();
    assert_eq!(
        bands.len(),
        data.method.bands.len(),
        "every level is represented"
    );
    assert!(data
        .risks
        .iter()
        .all(|r| r.value.validate_with(&data.method).is_empty()));
    assert!(store.verify_change_log().unwrap().is_ok());
}
