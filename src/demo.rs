//! The demo organisation: a fictional SaaS company, written into a new workspace through the
//! store like any other data, in one transaction. Its content lives in `assets/demo/`.

use std::collections::HashMap;

use anyhow::{bail, Context, Result};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use crate::domain::asset::{Asset, AssetKind};
use crate::domain::audit::{
    Audit, AuditStatus, ChecklistItem, Finding, NcStatus, Nonconformity, Target,
};
use crate::domain::certification::{
    BudgetCategory, BudgetLine, CertificationPlan, Milestone, MilestoneKind,
};
use crate::domain::document::{Document, DocumentKind, DocumentStatus};
use crate::domain::review::{
    ActionStatus, Measurement, Objective, ObjectiveStatus, Review, ReviewAction, ReviewStatus,
};
use crate::domain::risk::{Risk, RiskStatus, Treatment};
use crate::domain::scope::{ContextIssue, InterestedParty, IssueKind, ScopeItem, ScopeItemKind};
use crate::domain::soa::{Applicability, Implementation, InclusionReason, SoaDecision};
use crate::domain::workspace::Workspace;
use crate::store::{SoaVersion, Store, Writer, PLAN_REF, WORKSPACE_REF};

const ORGANISATION_JSON: &str = include_str!("../assets/demo/organisation.json");
const RISKS_JSON: &str = include_str!("../assets/demo/risks.json");
const SOA_JSON: &str = include_str!("../assets/demo/soa.json");
const AUDITS_JSON: &str = include_str!("../assets/demo/audits.json");
const REVIEW_JSON: &str = include_str!("../assets/demo/review.json");
const CERTIFICATION_JSON: &str = include_str!("../assets/demo/certification.json");

#[derive(Deserialize)]
struct DemoCertification {
    body: String,
    accreditation_body: String,
    accreditation_confirmed: bool,
    competence_confirmed: bool,
    currency: String,
    milestones: Vec<DemoMilestone>,
    budget: Vec<DemoBudgetLine>,
}

/// Dates are days from today.
#[derive(Deserialize)]
struct DemoMilestone {
    kind: String,
    planned: Option<i64>,
    done: Option<i64>,
    note: String,
}

#[derive(Deserialize)]
struct DemoBudgetLine {
    year: u8,
    category: String,
    label: String,
    amount: f64,
}

const DOCUMENTS_JSON: &str = include_str!("../assets/demo/documents.json");

/// The register of documented information: most required documents approved, one draft,
/// one past its review, a retired one, and two required documents missing on purpose.
#[derive(Deserialize)]
struct DemoDocuments {
    documents: Vec<DemoDocument>,
}

#[derive(Deserialize)]
struct DemoDocument {
    title: String,
    kind: String,
    version: String,
    owner: String,
    reviewer: String,
    approved_by: String,
    approved_days_ago: Option<i64>,
    next_review_in_days: Option<i64>,
    location: String,
    status: String,
    clauses: Vec<String>,
    controls: Vec<String>,
    requirements: Vec<String>,
}

#[derive(Deserialize)]
struct DemoOrganisation {
    organisation: String,
    isms_name: String,
    scope_statement: String,
    climate_relevant: bool,
    climate_note: String,
    context_issues: Vec<DemoIssue>,
    interested_parties: Vec<DemoParty>,
    scope_items: Vec<DemoItem>,
}

#[derive(Deserialize)]
struct DemoIssue {
    kind: String,
    description: String,
    effect: String,
}

#[derive(Deserialize)]
struct DemoParty {
    name: String,
    needs: String,
    addressed: String,
}

#[derive(Deserialize)]
struct DemoItem {
    kind: String,
    name: String,
    in_scope: bool,
    justification: String,
}

#[derive(Deserialize)]
struct DemoRisks {
    assets: Vec<DemoAsset>,
    risks: Vec<DemoRisk>,
}

#[derive(Deserialize)]
struct DemoAsset {
    name: String,
    kind: String,
    owner: String,
    location: String,
    classification: String,
    confidentiality: u8,
    integrity: u8,
    availability: u8,
    in_scope: bool,
    notes: String,
}

/// Dates are given in days from the day the demo is written, so that "overdue" and "expired"
/// stay true whenever it is written.
#[derive(Deserialize)]
struct DemoRisk {
    title: String,
    description: String,
    threat: String,
    vulnerability: String,
    assets: Vec<String>,
    owner: String,
    likelihood: u8,
    impact: u8,
    treatment: String,
    treatment_plan: String,
    controls: Vec<String>,
    due_in_days: Option<i64>,
    residual_likelihood: Option<u8>,
    residual_impact: Option<u8>,
    status: String,
    next_review_in_days: Option<i64>,
    acceptance: Option<DemoAcceptance>,
}

#[derive(Deserialize)]
struct DemoAcceptance {
    accepted_by: String,
    accepted_days_ago: i64,
    valid_for_days: i64,
    /// Change the risk after the acceptance, so that it shows as stale.
    make_stale: bool,
}

/// The SoA as approved in v1.0, the approval, and what changed after it.
#[derive(Deserialize)]
struct DemoSoa {
    decisions: Vec<DemoDecision>,
    approved_version: DemoApproval,
    changes_since: Vec<DemoChange>,
}

#[derive(Deserialize)]
struct DemoDecision {
    control: String,
    applicable: String,
    reasons: Vec<String>,
    justification: String,
    status: String,
    how: String,
    owner: String,
    target_in_days: Option<i64>,
    reviewed_days_ago: Option<i64>,
}

#[derive(Deserialize)]
struct DemoApproval {
    label: String,
    approved_by: String,
    approved_days_ago: i64,
}

/// Only the fields given change; `target_in_days: null` clears the target.
#[derive(Deserialize)]
struct DemoChange {
    control: String,
    applicable: Option<String>,
    reasons: Option<Vec<String>>,
    justification: Option<String>,
    status: Option<String>,
    how: Option<String>,
    owner: Option<String>,
    #[serde(default, deserialize_with = "present")]
    target_in_days: Option<Option<i64>>,
}

/// Tells a field given as `null` (Some(None)) from a field left out (None).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
struct DemoAudits {
    audits: Vec<DemoAudit>,
}

#[derive(Deserialize)]
struct DemoAudit {
    title: String,
    scope_clauses: Vec<String>,
    scope_controls: Vec<String>,
    criteria: String,
    lead_auditor: String,
    auditors: String,
    independence_note: String,
    planned_start_days: i64,
    planned_end_days: i64,
    actual_start_days: Option<i64>,
    actual_end_days: Option<i64>,
    status: String,
    conclusion: String,
    /// Target label ("9.2.2", "A.8.13") -> result.
    results: HashMap<String, DemoResult>,
    nonconformities: Vec<DemoNc>,
}

#[derive(Deserialize)]
struct DemoResult {
    result: String,
    evidence: String,
    records: String,
    notes: String,
}

#[derive(Deserialize)]
struct DemoNc {
    target: String,
    statement: String,
    evidence: String,
    correction: String,
    root_cause: String,
    corrective_action: String,
    owner: String,
    due_days: i64,
    status: String,
    checked_by: String,
    checked_days_ago: Option<i64>,
    check_result: String,
}

#[derive(Deserialize)]
struct DemoReviews {
    objectives: Vec<DemoObjective>,
    reviews: Vec<DemoReview>,
}

#[derive(Deserialize)]
struct DemoObjective {
    statement: String,
    measure: String,
    target: String,
    target_value: f64,
    higher_is_better: bool,
    owner: String,
    due_days: i64,
    status: String,
    measurements: Vec<DemoMeasurement>,
}

#[derive(Deserialize)]
struct DemoMeasurement {
    days_ago: i64,
    value: f64,
    note: String,
}

#[derive(Deserialize)]
struct DemoReview {
    held_days_ago: Option<i64>,
    planned_in_days: Option<i64>,
    chair: String,
    attendees: String,
    status: String,
    notes: HashMap<String, String>,
    feedback: String,
    improvements: String,
    decisions: String,
    changes: String,
    actions: Vec<DemoAction>,
}

#[derive(Deserialize)]
struct DemoAction {
    description: String,
    owner: String,
    due_days: i64,
    status: String,
}

fn choice<T>(value: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<T> {
    parse(value).with_context(|| format!("the demo's {what} {value:?} is not a known value"))
}

/// Writes the demo organisation into `store`, which should be a new, empty workspace.
/// `today` anchors the relative dates.
pub fn write_demo_on(store: &mut Store, today: NaiveDate) -> Result<()> {
    let organisation: DemoOrganisation = serde_json::from_str(ORGANISATION_JSON)
        .context("the built-in demo organisation is malformed")?;
    let risks: DemoRisks =
        serde_json::from_str(RISKS_JSON).context("the built-in demo risks are malformed")?;
    let soa: DemoSoa =
        serde_json::from_str(SOA_JSON).context("the built-in demo SoA is malformed")?;
    let audits: DemoAudits =
        serde_json::from_str(AUDITS_JSON).context("the built-in demo audits are malformed")?;
    let reviews: DemoReviews =
        serde_json::from_str(REVIEW_JSON).context("the built-in demo reviews are malformed")?;
    let documents: DemoDocuments = serde_json::from_str(DOCUMENTS_JSON)
        .context("the built-in demo documents are malformed")?;
    let certification: DemoCertification = serde_json::from_str(CERTIFICATION_JSON)
        .context("the built-in demo certification plan is malformed")?;
    store.write(|writer| {
        write_scope(writer, organisation)?;
        write_risks(writer, risks, today)?;
        write_soa(writer, soa, today)?;
        write_audits(writer, audits, today)?;
        write_reviews(writer, reviews, today)?;
        write_documents(writer, documents, today)?;
        write_certification(writer, certification, today)
    })
}

fn write_documents(writer: &mut Writer<'_>, demo: DemoDocuments, today: NaiveDate) -> Result<()> {
    for d in demo.documents {
        writer.insert(&Document {
            title: d.title,
            kind: choice(&d.kind, DocumentKind::from_key, "document kind")?,
            version: d.version,
            owner: d.owner,
            reviewer: d.reviewer,
            approved_by: d.approved_by,
            approved_on: d.approved_days_ago.map(|days| today - Duration::days(days)),
            next_review: d
                .next_review_in_days
                .map(|days| today + Duration::days(days)),
            location: d.location,
            status: choice(&d.status, DocumentStatus::from_key, "document status")?,
            clauses: d.clauses,
            controls: d.controls,
            requirements: d.requirements,
        })?;
    }
    Ok(())
}

fn write_certification(
    writer: &mut Writer<'_>,
    demo: DemoCertification,
    today: NaiveDate,
) -> Result<()> {
    let days = |n: Option<i64>| n.map(|n| today + Duration::days(n));
    let plan = CertificationPlan {
        body: demo.body,
        accreditation_body: demo.accreditation_body,
        accreditation_confirmed: demo.accreditation_confirmed,
        competence_confirmed: demo.competence_confirmed,
        currency: demo.currency,
    };
    writer.insert_with_reference(PLAN_REF, &plan)?;
    for m in demo.milestones {
        let kind = choice(&m.kind, MilestoneKind::from_key, "milestone")?;
        let milestone = Milestone {
            planned: days(m.planned),
            done: days(m.done),
            note: m.note,
        };
        writer.insert_with_reference(kind.key(), &milestone)?;
    }
    for line in demo.budget {
        writer.insert(&BudgetLine {
            year: line.year,
            category: choice(&line.category, BudgetCategory::from_key, "budget category")?,
            label: line.label,
            amount: line.amount,
        })?;
    }
    Ok(())
}

fn write_scope(writer: &mut Writer<'_>, demo: DemoOrganisation) -> Result<()> {
    writer.update(
        WORKSPACE_REF,
        &Workspace {
            organisation: demo.organisation,
            isms_name: demo.isms_name,
            scope_statement: demo.scope_statement,
            climate_relevant: Some(demo.climate_relevant),
            climate_note: demo.climate_note,
        },
    )?;
    for issue in demo.context_issues {
        writer.insert(&ContextIssue {
            kind: choice(&issue.kind, IssueKind::from_key, "issue kind")?,
            description: issue.description,
            effect: issue.effect,
        })?;
    }
    for party in demo.interested_parties {
        writer.insert(&InterestedParty {
            name: party.name,
            needs: party.needs,
            addressed: party.addressed,
        })?;
    }
    for item in demo.scope_items {
        writer.insert(&ScopeItem {
            kind: choice(&item.kind, ScopeItemKind::from_key, "scope item kind")?,
            name: item.name,
            in_scope: item.in_scope,
            justification: item.justification,
        })?;
    }
    Ok(())
}

fn write_risks(writer: &mut Writer<'_>, demo: DemoRisks, today: NaiveDate) -> Result<()> {
    let mut asset_refs: HashMap<String, String> = HashMap::new();
    for asset in demo.assets {
        let reference = writer.insert(&Asset {
            name: asset.name.clone(),
            kind: choice(&asset.kind, AssetKind::from_key, "asset kind")?,
            owner: asset.owner,
            location: asset.location,
            classification: asset.classification,
            confidentiality: asset.confidentiality,
            integrity: asset.integrity,
            availability: asset.availability,
            in_scope: asset.in_scope,
            notes: asset.notes,
        })?;
        asset_refs.insert(asset.name, reference);
    }
    let days = |n: i64| today + Duration::days(n);
    for demo in demo.risks {
        let assets = demo
            .assets
            .iter()
            .map(|name| {
                asset_refs.get(name).cloned().with_context(|| {
                    format!(
                        "the demo risk {:?} names an unknown asset {name:?}",
                        demo.title
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let treatment = match demo.treatment.as_str() {
            "" => None,
            key => Some(choice(key, Treatment::from_key, "treatment")?),
        };
        let mut risk = Risk {
            title: demo.title,
            description: demo.description,
            threat: demo.threat,
            vulnerability: demo.vulnerability,
            owner: demo.owner,
            likelihood: demo.likelihood,
            impact: demo.impact,
            treatment,
            treatment_plan: demo.treatment_plan,
            due_date: demo.due_in_days.map(days),
            residual_likelihood: demo.residual_likelihood,
            residual_impact: demo.residual_impact,
            status: choice(&demo.status, RiskStatus::from_key, "risk status")?,
            next_review: demo.next_review_in_days.map(days),
            acceptance: None,
            assets,
            controls: demo.controls,
        };
        if let Some(acceptance) = &demo.acceptance {
            let accepted_on = days(-acceptance.accepted_days_ago);
            let valid_until = accepted_on + Duration::days(acceptance.valid_for_days);
            risk.accept(&acceptance.accepted_by, accepted_on, Some(valid_until));
        }
        let reference = writer.insert(&risk)?;
        if demo.acceptance.as_ref().is_some_and(|a| a.make_stale) {
            // After the owner accepted it, the risk was judged more likely: the acceptance
            // no longer covers the risk as it now stands.
            let mut changed = risk.clone();
            changed.residual_likelihood = changed.residual_likelihood.map(|l| (l + 1).min(5));
            changed.likelihood = (changed.likelihood + 1).min(5);
            writer.update(&reference, &changed)?;
        }
    }
    Ok(())
}

fn reasons(keys: &[String]) -> Result<Vec<InclusionReason>> {
    keys.iter()
        .map(|k| choice(k, InclusionReason::from_key, "inclusion reason"))
        .collect()
}

fn write_soa(writer: &mut Writer<'_>, demo: DemoSoa, today: NaiveDate) -> Result<()> {
    let days = |n: i64| today + Duration::days(n);
    for d in &demo.decisions {
        let decision = SoaDecision {
            applicability: choice(&d.applicable, Applicability::from_key, "applicability")?,
            reasons: reasons(&d.reasons)?,
            justification: d.justification.clone(),
            status: choice(&d.status, Implementation::from_key, "implementation status")?,
            how: d.how.clone(),
            owner: d.owner.clone(),
            target_date: d.target_in_days.map(days),
            last_reviewed: d.reviewed_days_ago.map(|n| days(-n)),
        };
        writer.update(&d.control, &decision)?;
    }
    let approval = &demo.approved_version;
    writer.approve_soa(&SoaVersion {
        label: approval.label.clone(),
        approved_by: approval.approved_by.clone(),
        approved_on: days(-approval.approved_days_ago),
    })?;
    for change in demo.changes_since {
        let mut decision = writer
            .get::<SoaDecision>(&change.control)?
            .with_context(|| {
                format!("the demo SoA names an unknown control {:?}", change.control)
            })?;
        if let Some(applicable) = &change.applicable {
            decision.applicability = choice(applicable, Applicability::from_key, "applicability")?;
        }
        if let Some(keys) = &change.reasons {
            decision.reasons = reasons(keys)?;
        }
        if let Some(status) = &change.status {
            decision.status = choice(status, Implementation::from_key, "implementation status")?;
        }
        if let Some(text) = change.justification {
            decision.justification = text;
        }
        if let Some(text) = change.how {
            decision.how = text;
        }
        if let Some(text) = change.owner {
            decision.owner = text;
        }
        if let Some(target) = change.target_in_days {
            decision.target_date = target.map(days);
        }
        writer.update(&change.control, &decision)?;
    }
    Ok(())
}

fn write_audits(writer: &mut Writer<'_>, demo: DemoAudits, today: NaiveDate) -> Result<()> {
    let days = |n: i64| today + Duration::days(n);
    for a in demo.audits {
        let audit = Audit {
            title: a.title,
            clauses: a.scope_clauses,
            controls: a.scope_controls,
            criteria: a.criteria,
            lead_auditor: a.lead_auditor,
            auditors: a.auditors,
            independence_note: a.independence_note,
            planned_start: Some(days(a.planned_start_days)),
            planned_end: Some(days(a.planned_end_days)),
            actual_start: a.actual_start_days.map(days),
            actual_end: a.actual_end_days.map(days),
            status: choice(&a.status, AuditStatus::from_key, "audit status")?,
            conclusion: a.conclusion,
        };
        let reference = writer.create_audit(&audit, today)?;
        let mut results = a.results;
        // In checklist order, so that the nonconformities are numbered the same every time.
        let items: Vec<_> = writer
            .list::<ChecklistItem>()?
            .into_iter()
            .filter(|i| i.value.audit == reference)
            .collect();
        for stored in items {
            let Some(result) = results.remove(&stored.value.target.label()) else {
                continue;
            };
            let (item_ref, mut item) = (stored.reference, stored.value);
            item.result = choice(&result.result, Finding::from_key, "audit result")?;
            item.evidence = result.evidence;
            item.records = result.records;
            item.notes = result.notes;
            writer.record_result(&item_ref, &item)?;
        }
        if let Some(label) = results.keys().next() {
            bail!("the demo audit has a result for {label}, which is not on its checklist");
        }
        // Fill in the nonconformities the findings raised.
        for nc in a.nonconformities {
            let item_ref = format!("{reference}/{}", Target::parse(&nc.target).label());
            let stored = writer
                .list::<Nonconformity>()?
                .into_iter()
                .find(|n| n.value.item == item_ref)
                .with_context(|| {
                    format!(
                        "the demo names a nonconformity at {item_ref}, but no finding raised one"
                    )
                })?;
            let filled = Nonconformity {
                statement: nc.statement,
                evidence: nc.evidence,
                correction: nc.correction,
                root_cause: nc.root_cause,
                corrective_action: nc.corrective_action,
                owner: nc.owner,
                due_date: Some(days(nc.due_days)),
                status: choice(&nc.status, NcStatus::from_key, "nonconformity status")?,
                checked_by: nc.checked_by,
                checked_on: nc.checked_days_ago.map(|n| days(-n)),
                check_result: nc.check_result,
                ..stored.value
            };
            writer.update(&stored.reference, &filled)?;
        }
    }
    Ok(())
}

fn write_reviews(writer: &mut Writer<'_>, demo: DemoReviews, today: NaiveDate) -> Result<()> {
    let days = |n: i64| today + Duration::days(n);
    for o in demo.objectives {
        let reference = writer.create_objective(&Objective {
            statement: o.statement,
            measure: o.measure,
            target: o.target,
            target_value: Some(o.target_value),
            higher_is_better: o.higher_is_better,
            owner: o.owner,
            due_date: Some(days(o.due_days)),
            status: choice(&o.status, ObjectiveStatus::from_key, "objective status")?,
        })?;
        for m in o.measurements {
            writer.add_measurement(&Measurement {
                objective: reference.clone(),
                date: days(-m.days_ago),
                value: m.value,
                note: m.note,
            })?;
        }
    }
    for r in demo.reviews {
        let date = match (r.held_days_ago, r.planned_in_days) {
            (Some(ago), _) => days(-ago),
            (None, Some(ahead)) => days(ahead),
            (None, None) => today,
        };
        let draft = Review {
            date: Some(date),
            chair: r.chair,
            attendees: r.attendees,
            feedback: r.feedback,
            improvements: r.improvements,
            ..Review::default()
        };
        let reference = writer.create_review(&draft, today)?;
        // Compiled as of the meeting (or of today, for the next one), then held and frozen.
        writer.compile_review(&reference, date.min(today))?;
        let mut review = writer
            .get::<Review>(&reference)?
            .context("the demo review just written")?;
        for (i, letter) in ["a", "b", "c", "d", "e", "f", "g"].iter().enumerate() {
            review.notes[i] = r.notes.get(*letter).cloned().unwrap_or_default();
        }
        review.decisions = r.decisions;
        review.changes = r.changes;
        review.status = choice(&r.status, ReviewStatus::from_key, "review status")?;
        writer.update(&reference, &review)?;
        for a in r.actions {
            writer.insert(&ReviewAction {
                review: reference.clone(),
                description: a.description,
                owner: a.owner,
                due_date: Some(days(a.due_days)),
                status: choice(&a.status, ActionStatus::from_key, "action status")?,
            })?;
        }
    }
    Ok(())
}
