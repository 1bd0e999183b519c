//! report.html is the auditor's one-file view: every section of the ISMS for the demo,
//! printable, every user text escaped and nothing fetched.

mod common;

use common::{demo_store, today};
use isms::domain::review::Review;
use isms::domain::risk::Risk;
use isms::domain::scope::ScopeItem;
use isms::domain::workspace::Workspace;
use isms::export::{html, PackData};
use isms::store::{Store, WORKSPACE_REF};
use tempfile::TempDir;

fn report(store: &Store) -> String {
    let data = PackData::load(store, today()).unwrap();
    String::from_utf8(html::report(&data).unwrap()).unwrap()
}

#[test]
fn the_report_holds_every_section_for_the_demo() {
    let dir = TempDir::new().unwrap();
    let store = demo_store(&dir);
    let html = report(&store);
    for section in [
        "Scope of the ISMS (4.3)",
        "Scope statement",
        "Risk register (8.2)",
        "Risk treatment plan (6.1.3 e, 8.3)",
        "Statement of Applicability (6.1.3 d)",
        "Internal audit (9.2)",
        "Nonconformities (10.2)",
        "Management review (9.3)",
        "Decisions on continual improvement",
        "Information security objectives (6.2)",
    ] {
        assert!(html.contains(section), "{section} missing");
    }
    let data = PackData::load(&store, today()).unwrap();
    // The scope statement and items.
    let statement = data.workspace.scope_statement.lines().next().unwrap();
    assert!(html.contains(&html::escape(statement)), "scope statement");
    for item in &data.scope.items {
        assert!(html.contains(&format!("<td>{}</td>", item.reference)));
    }
    // Every risk, its acceptance included.
    for risk in &data.risks.risks {
        assert!(
            html.contains(&format!("<td>{}</td>", risk.reference)),
            "{}",
            risk.reference
        );
    }
    assert!(html.contains("accepted: "), "an acceptance with its owner");
    // Audits with their findings, every NC with its root cause, reviews with their actions,
    // the objectives.
    for audit in &data.audits.audits {
        assert!(html.contains(&format!("<h3>{} · ", audit.reference)));
    }
    for nc in &data.audits.nonconformities {
        assert!(html.contains(&html::escape(nc.value.root_cause.trim())));
    }
    assert!(html.contains("Observation") || html.contains("Opportunity for improvement"));
    for action in &data.reviews.actions {
        assert!(html.contains(&format!("<td>{}</td>", action.reference)));
    }
    for objective in &data.reviews.objectives {
        assert!(html.contains(&format!("<td>{}</td>", objective.reference)));
    }
}

#[test]
fn the_treatment_plan_lists_what_the_risks_tab_lists() {
    let dir = TempDir::new().unwrap();
    let store = demo_store(&dir);
    let data = PackData::load(&store, today()).unwrap();
    let html = report(&store);
    let plan_part = html
        .split("Risk treatment plan (6.1.3 e, 8.3)")
        .nth(1)
        .and_then(|rest| rest.split("<h2>").next())
        .unwrap();
    let risks: Vec<(&str, &Risk)> = data
        .risks
        .risks
        .iter()
        .map(|r| (r.reference.as_str(), &r.value))
        .collect();
    let plan = isms::domain::register::treatment_plan(
        &risks,
        &data.risks.method,
        today(),
        isms::domain::register::PlanGrouping::DueDate,
    );
    let listed: Vec<&str> = plan
        .iter()
        .flat_map(|(_, items)| items.iter().map(|i| risks[*i].0))
        .collect();
    assert!(!listed.is_empty());
    for (reference, _) in &risks {
        let cell = format!("<td>{reference}</td>");
        assert_eq!(
            plan_part.contains(&cell),
            listed.contains(reference),
            "{reference} in the report's plan and the domain's plan alike"
        );
    }
}

#[test]
fn the_report_prints_as_a_document() {
    let dir = TempDir::new().unwrap();
    let html = report(&demo_store(&dir));
    assert!(html.contains("@media print"));
    assert!(html.contains("break-before:page"), "a page per section");
    assert!(
        html.contains("thead{display:table-header-group}"),
        "table headers repeat on every printed page"
    );
}

#[test]
fn nothing_is_fetched() {
    let dir = TempDir::new().unwrap();
    let html = report(&demo_store(&dir));
    // The inline SVG names its namespace; that is an identifier, never fetched.
    let without_namespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for fetching in [
        "http:", "https:", "src=", "<link", "@import", "url(", "<script",
    ] {
        assert!(
            !without_namespace.contains(fetching),
            "{fetching} in report.html"
        );
    }
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let dir = TempDir::new().unwrap();
    let mut store = demo_store(&dir);
    let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"q\"";
    let mut workspace: Workspace = store.get(WORKSPACE_REF).unwrap().unwrap();
    workspace.scope_statement = hostile.into();
    store.update(WORKSPACE_REF, &workspace).unwrap();
    let items = store.list::<ScopeItem>().unwrap();
    let mut item = items[0].value.clone();
    item.justification = hostile.into();
    store.update(&items[0].reference, &item).unwrap();
    let risks = store.list::<Risk>().unwrap();
    let mut risk = risks[0].value.clone();
    risk.title = hostile.into();
    risk.owner = hostile.into();
    risk.treatment_plan = hostile.into();
    store.update(&risks[0].reference, &risk).unwrap();
    // The last review is a draft; an approved one's minutes cannot change.
    let reviews = store.list::<Review>().unwrap();
    let draft = reviews.last().unwrap();
    let mut review = draft.value.clone();
    review.decisions = hostile.into();
    review.notes[0] = hostile.into();
    store.update(&draft.reference, &review).unwrap();
    let html = report(&store);
    assert!(!html.contains("<script"), "a script tag reached the report");
    assert!(!html.contains("<img"), "an image tag reached the report");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(
        html.matches("&lt;img src=x").count() >= 6,
        "each field escaped"
    );
}
