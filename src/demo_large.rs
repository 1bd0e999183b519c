//! The benchmark workspace (`isms demo --size large`): a fictional organisation fifty times the
//! size of the demo, written through the store like any other data, in one transaction, from
//! a fixed seed, so that every run writes the same records (dates are relative to today, as in
//! the demo). It exists to measure the workbench at scale; its text is varied but not prose.

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate};

use crate::domain::asset::{Asset, AssetKind};
use crate::domain::audit::{Audit, AuditStatus, ChecklistItem, Finding, NcStatus, Nonconformity};
use crate::domain::catalogue::{auditable_clauses, controls};
use crate::domain::certification::{CertificationPlan, Milestone, MilestoneKind};
use crate::domain::document::{requirements, Document, DocumentKind, DocumentStatus};
use crate::domain::review::{
    ActionStatus, Measurement, Objective, ObjectiveStatus, Review, ReviewAction, ReviewStatus,
};
use crate::domain::risk::{Risk, RiskStatus, Treatment};
use crate::domain::scope::{ContextIssue, InterestedParty, IssueKind, ScopeItem, ScopeItemKind};
use crate::domain::soa::{Applicability, Implementation, InclusionReason, SoaDecision};
use crate::domain::workspace::Workspace;
use crate::progress::Progress;
use crate::store::{SoaVersion, Store, Writer, PLAN_REF, WORKSPACE_REF};

/// What the benchmark workspace holds. The checklist of an audit has one item per clause and
/// applicable control in its scope, so 300 items per audit cannot exist; the large workspace
/// keeps the issue's 6,000 checklist items by holding 50 full-scope audits instead of 20.
pub struct LargeSize {
    pub risks: usize,
    pub assets: usize,
    pub documents: usize,
    /// Risk-control links: each risk names this many controls on average.
    pub risk_control_links: usize,
    pub audits: usize,
    pub nonconformities: usize,
    pub reviews: usize,
}

/// The sizes the benchmarks and BENCHMARKS.md are measured on.
pub const LARGE: LargeSize = LargeSize {
    risks: 10_000,
    assets: 5_000,
    documents: 2_000,
    risk_control_links: 20_000,
    audits: 50,
    nonconformities: 200,
    reviews: 40,
};

/// The seed every run starts from: the same seed, the same workspace.
const SEED: u64 = 27_001;

/// SplitMix64: tiny, fast and good enough to vary generated records; not for anything secret.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// 1 to 5.
    fn scale(&mut self) -> u8 {
        self.below(5) as u8 + 1
    }
}

const THREATS: &[&str] = &[
    "Ransomware",
    "Phishing",
    "Credential stuffing",
    "Insider misuse",
    "Supplier outage",
    "Lost laptop",
    "Misconfigured storage",
    "Unpatched server",
    "Denial of service",
    "Social engineering",
    "Power failure",
    "Data entry error",
];
const WEAKNESSES: &[&str] = &[
    "no multi-factor sign-in",
    "backups in the same account",
    "shared administrator password",
    "no encryption at rest",
    "manual patching",
    "no supplier exit plan",
    "broad network access",
    "logs kept for seven days",
    "no access review",
    "single data centre",
];
const SYSTEMS: &[&str] = &[
    "billing platform",
    "customer portal",
    "HR system",
    "data warehouse",
    "mobile app",
    "payments gateway",
    "support desk",
    "build pipeline",
    "mail service",
    "file shares",
    "identity provider",
    "office network",
];
const PEOPLE: &[&str] = &[
    "Amara Osei (CISO)",
    "Ben Hartley (Head of IT)",
    "Chen Wei (Platform lead)",
    "Dana Kovacs (HR director)",
    "Eli Navarro (Finance lead)",
    "Farah Malik (DPO)",
    "Gus Lindqvist (Support lead)",
    "Hana Sato (Product owner)",
];
const AUDITORS: &[&str] = &[
    "Iris Moreau (contract auditor)",
    "Jon Pereira (internal audit)",
    "Kofi Mensah (contract auditor)",
];

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Writes the benchmark workspace into `store`, which should be new and empty, reporting each
/// stage to `progress`. `today` anchors the dates.
pub fn write_large_on(
    store: &mut Store,
    size: &LargeSize,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<()> {
    let mut random = Seeded(SEED);
    store.write(|writer| {
        write_scope(writer)?;
        let assets = write_assets(writer, size, &mut random, progress)?;
        write_soa(writer, today)?;
        write_risks(writer, size, &assets, &mut random, today, progress)?;
        write_documents(writer, size, &mut random, today, progress)?;
        write_audits(writer, size, &mut random, today, progress)?;
        write_reviews(writer, size, &mut random, today, progress)?;
        write_plan(writer, today)
    })
}

fn write_scope(writer: &mut Writer<'_>) -> Result<()> {
    writer.update(
        WORKSPACE_REF,
        &Workspace {
            organisation: "Largo Logistics Group".into(),
            isms_name: "Largo Group ISMS".into(),
            scope_statement: "The ISMS covers the group's freight booking, tracking and billing \
                services, the systems and people that run them, in all twelve countries."
                .into(),
            climate_relevant: Some(true),
            climate_note: "Floods and heat close depots and roads; customers ask for the \
                emissions of each shipment."
                .into(),
        },
    )?;
    for (n, system) in SYSTEMS.iter().enumerate() {
        writer.insert(&ContextIssue {
            kind: IssueKind::ALL[n % IssueKind::ALL.len()],
            description: format!("Growth of the {system} across new markets"),
            effect: format!("More users and data in the {system} widen what the ISMS protects."),
        })?;
        writer.insert(&InterestedParty {
            name: format!("Customers of the {system}"),
            needs: "Availability and confidentiality of their shipments' data".into(),
            addressed: format!("Service levels and access control on the {system}"),
        })?;
        writer.insert(&ScopeItem {
            kind: ScopeItemKind::ALL[n % ScopeItemKind::ALL.len()],
            name: title_case(system),
            in_scope: n % 6 != 5,
            justification: if n % 6 == 5 {
                format!("The {system} is run by the parent company under its own ISMS.")
            } else {
                String::new()
            },
        })?;
    }
    Ok(())
}

fn write_assets(
    writer: &mut Writer<'_>,
    size: &LargeSize,
    random: &mut Seeded,
    progress: &dyn Progress,
) -> Result<Vec<String>> {
    progress.stage("assets", size.assets as u64);
    let mut references = Vec::with_capacity(size.assets);
    for n in 0..size.assets {
        let system = random.pick(SYSTEMS);
        let kind = *random.pick(AssetKind::ALL);
        references.push(writer.insert(&Asset {
            name: format!(
                "{} {} {n:04}",
                title_case(system),
                kind.label().to_lowercase()
            ),
            kind,
            owner: random.pick(PEOPLE).to_string(),
            location: format!("Site {}", random.below(12) + 1),
            classification: ["Public", "Internal", "Confidential", "Restricted"][n % 4].into(),
            confidentiality: random.below(3) as u8 + 1,
            integrity: random.below(3) as u8 + 1,
            availability: random.below(3) as u8 + 1,
            in_scope: n % 10 != 9,
            notes: if n % 5 == 0 {
                format!("Shared with the {} team.", random.pick(SYSTEMS))
            } else {
                String::new()
            },
        })?);
        if n % 250 == 249 {
            progress.advance(250);
        }
    }
    Ok(references)
}

/// The controls left not applicable, with a reason, so that audits and checks have both kinds.
const NOT_APPLICABLE: &[&str] = &["7.5", "7.11", "8.19", "8.30", "7.13"];

fn write_soa(writer: &mut Writer<'_>, today: NaiveDate) -> Result<()> {
    for (n, control) in controls().iter().enumerate() {
        let decision = if NOT_APPLICABLE.contains(&control.id.as_str()) {
            SoaDecision {
                applicability: Applicability::No,
                justification: format!(
                    "{} does not arise: the group runs no such activity in scope.",
                    control.title
                ),
                last_reviewed: Some(today - Duration::days(40)),
                ..SoaDecision::default()
            }
        } else {
            SoaDecision {
                applicability: Applicability::Yes,
                reasons: vec![InclusionReason::ALL[n % InclusionReason::ALL.len()]],
                status: Implementation::ALL[(n % 3) + 1],
                how: format!(
                    "Implemented through the group standard for {}.",
                    control.title
                ),
                owner: PEOPLE[n % PEOPLE.len()].to_string(),
                target_date: Some(today + Duration::days((n % 90) as i64)),
                last_reviewed: Some(today - Duration::days((n % 60) as i64)),
                ..SoaDecision::default()
            }
        };
        writer.update(&control.id, &decision)?;
    }
    writer.approve_soa(&SoaVersion {
        label: "v1.0".into(),
        approved_by: PEOPLE[0].into(),
        approved_on: today - Duration::days(30),
    })?;
    Ok(())
}

fn write_risks(
    writer: &mut Writer<'_>,
    size: &LargeSize,
    assets: &[String],
    random: &mut Seeded,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<()> {
    progress.stage("risks", size.risks as u64);
    let applicable: Vec<&str> = controls()
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !NOT_APPLICABLE.contains(id))
        .collect();
    let per_risk = size.risk_control_links / size.risks.max(1);
    for n in 0..size.risks {
        let threat = random.pick(THREATS);
        let weakness = random.pick(WEAKNESSES);
        let system = random.pick(SYSTEMS);
        let mut linked: Vec<String> = Vec::with_capacity(per_risk);
        while linked.len() < per_risk {
            let control = random.pick(&applicable).to_string();
            if !linked.contains(&control) {
                linked.push(control);
            }
        }
        let status = RiskStatus::ALL[n % RiskStatus::ALL.len()];
        let treatment = match n % 4 {
            0 => Treatment::Retain,
            1 | 2 => Treatment::Modify,
            _ => Treatment::ALL[n % Treatment::ALL.len()],
        };
        let (likelihood, impact) = (random.scale(), random.scale());
        let residual =
            (treatment == Treatment::Modify).then(|| (likelihood.saturating_sub(1).max(1), impact));
        let mut risk = Risk {
            title: format!("{threat} against the {system} ({n:05})"),
            description: format!(
                "{threat} could reach the {system} because of {weakness}; a day's disruption \
                 would delay bookings in {} countries.",
                random.below(12) + 1
            ),
            threat: threat.to_string(),
            vulnerability: weakness.to_string(),
            owner: random.pick(PEOPLE).to_string(),
            likelihood,
            impact,
            treatment: Some(treatment),
            treatment_plan: if treatment == Treatment::Modify {
                format!("Fix {weakness} on the {system} and test it.")
            } else {
                String::new()
            },
            due_date: Some(today + Duration::days(random.below(240) as i64 - 60)),
            residual_likelihood: residual.map(|r| r.0),
            residual_impact: residual.map(|r| r.1),
            status,
            next_review: Some(today + Duration::days(random.below(365) as i64 - 30)),
            acceptance: None,
            assets: vec![assets[random.below(assets.len())].clone()],
            controls: linked,
        };
        if treatment == Treatment::Retain && n % 8 == 0 {
            risk.accept(
                PEOPLE[random.below(PEOPLE.len())],
                today - Duration::days(random.below(300) as i64),
                Some(today + Duration::days(random.below(300) as i64)),
            );
        }
        writer.insert(&risk)?;
        if n % 250 == 249 {
            progress.advance(250);
        }
    }
    Ok(())
}

fn write_documents(
    writer: &mut Writer<'_>,
    size: &LargeSize,
    random: &mut Seeded,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<()> {
    progress.stage("documents", size.documents as u64);
    let required = requirements();
    let ids: Vec<&str> = controls().iter().map(|c| c.id.as_str()).collect();
    for n in 0..size.documents {
        let kind = DocumentKind::ALL[n % DocumentKind::ALL.len()];
        // Every required document is fulfilled by the first documents, then some are drafts.
        let status = match n % 10 {
            0 => DocumentStatus::Draft,
            1 => DocumentStatus::InReview,
            9 if n > required.len() => DocumentStatus::Retired,
            _ => DocumentStatus::Approved,
        };
        let approved = status == DocumentStatus::Approved;
        let fulfils = if n < required.len() * 2 {
            vec![required[n % required.len()].key.clone()]
        } else {
            Vec::new()
        };
        // Reviewed yearly; a few approvals are more than a year old, so their review is overdue.
        let approved_on = approved.then(|| today - Duration::days(random.below(380) as i64 + 1));
        writer.insert(&Document {
            title: format!("{} for the {} {n:04}", kind.label(), random.pick(SYSTEMS)),
            kind,
            version: format!("{}.{}", random.below(4) + 1, random.below(10)),
            owner: random.pick(PEOPLE).to_string(),
            reviewer: random.pick(PEOPLE).to_string(),
            approved_by: if approved {
                PEOPLE[0].to_string()
            } else {
                String::new()
            },
            approved_on,
            next_review: Some(approved_on.unwrap_or(today) + Duration::days(365)),
            location: format!("https://docs.largo.example/{n:04}"),
            status,
            clauses: Vec::new(),
            controls: vec![random.pick(&ids).to_string()],
            requirements: fulfils,
        })?;
        if n % 100 == 99 {
            progress.advance(100);
        }
    }
    Ok(())
}

/// Audit results, drawn so that most items conform and the chosen few raise nonconformities.
fn result_for(random: &mut Seeded) -> Finding {
    match random.below(10) {
        0 => Finding::Observation,
        1 => Finding::Improvement,
        _ => Finding::Conforming,
    }
}

fn write_audits(
    writer: &mut Writer<'_>,
    size: &LargeSize,
    random: &mut Seeded,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<()> {
    progress.stage("audits", size.audits as u64);
    let clauses: Vec<String> = auditable_clauses().map(|c| c.id.clone()).collect();
    let all_controls: Vec<String> = controls().iter().map(|c| c.id.clone()).collect();
    // Spread the nonconformities over the audits that have results (all but the last).
    let with_results = size.audits.saturating_sub(1).max(1);
    let mut ncs_left = size.nonconformities;
    for n in 0..size.audits {
        // Four audits a year, the newest still planned.
        let start = today - Duration::days(((size.audits - 1 - n) * 91) as i64 + 14);
        let planned = n + 1 == size.audits;
        let audit = Audit {
            title: format!(
                "Internal audit {} of the whole ISMS, Q{}",
                start.year(),
                n % 4 + 1
            ),
            clauses: clauses.clone(),
            controls: all_controls.clone(),
            criteria: "ISO/IEC 27001:2022, the SoA and the group policy set".into(),
            lead_auditor: AUDITORS[n % AUDITORS.len()].into(),
            auditors: AUDITORS[(n + 1) % AUDITORS.len()].into(),
            independence_note: "Neither auditor owns a control or risk in scope.".into(),
            planned_start: Some(start),
            planned_end: Some(start + Duration::days(10)),
            actual_start: (!planned).then_some(start),
            actual_end: (!planned).then(|| start + Duration::days(9)),
            status: if planned {
                AuditStatus::Planned
            } else if n + 2 == size.audits {
                AuditStatus::Reported
            } else {
                AuditStatus::Closed
            },
            conclusion: if planned {
                String::new()
            } else {
                "The ISMS conforms in the main; the findings are recorded below.".into()
            },
        };
        let reference = writer.create_audit(&audit, start)?;
        if !planned {
            let items: Vec<_> = writer
                .list_where::<ChecklistItem>("audit", &reference)
                .context("the audit's checklist")?;
            let ncs_here = ncs_left / (with_results - n).max(1);
            ncs_left -= ncs_here;
            let count = items.len();
            for (i, stored) in items.into_iter().enumerate() {
                let mut item = stored.value;
                // The last `ncs_here` items of the checklist raise nonconformities.
                item.result = if i + ncs_here >= count {
                    if i % 7 == 0 {
                        Finding::MajorNc
                    } else {
                        Finding::MinorNc
                    }
                } else {
                    result_for(random)
                };
                item.evidence = format!(
                    "Sampled {} records of the {} with {}.",
                    random.below(20) + 3,
                    random.pick(SYSTEMS),
                    random.pick(PEOPLE)
                );
                if item.result.needs_note() {
                    // Every finding says what was found; a nonconformity's note is its statement.
                    item.notes = format!(
                        "{} at {}: the sample did not fully show the requirement met.",
                        item.result.short(),
                        item.target.label()
                    );
                }
                writer.record_result(&stored.reference, &item)?;
            }
            close_nonconformities(writer, &reference, n + 2 < size.audits, start)?;
        }
        progress.advance(1);
    }
    Ok(())
}

/// Fills in the nonconformities an audit raised: closed and checked for older audits, still
/// open for the latest reported one.
fn close_nonconformities(
    writer: &mut Writer<'_>,
    audit: &str,
    closed: bool,
    start: NaiveDate,
) -> Result<()> {
    for stored in writer.list_where::<Nonconformity>("audit", audit)? {
        let filled = Nonconformity {
            statement: format!(
                "The requirement at {} was not met in the sample.",
                stored.value.item
            ),
            evidence: "Two of the sampled records lacked the approval the procedure asks for."
                .into(),
            correction: "The two records were completed during the audit.".into(),
            root_cause: "The procedure step had no owner after a team change.".into(),
            corrective_action: "Name an owner for the step and add it to the monthly check.".into(),
            owner: PEOPLE[1].into(),
            due_date: Some(start + Duration::days(60)),
            status: if closed {
                NcStatus::Closed
            } else {
                NcStatus::ActionPlanned
            },
            checked_by: if closed {
                AUDITORS[0].into()
            } else {
                String::new()
            },
            checked_on: closed.then(|| start + Duration::days(80)),
            check_result: if closed {
                "Next sample showed every record approved; effective.".into()
            } else {
                String::new()
            },
            ..stored.value
        };
        writer.update(&stored.reference, &filled)?;
    }
    Ok(())
}

fn write_reviews(
    writer: &mut Writer<'_>,
    size: &LargeSize,
    random: &mut Seeded,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<()> {
    for (n, system) in SYSTEMS.iter().enumerate().take(8) {
        let objective = writer.create_objective(&Objective {
            statement: format!("Keep the {system} available"),
            measure: "Monthly availability in percent".into(),
            target: "99.9% or more".into(),
            target_value: Some(99.9),
            higher_is_better: true,
            owner: PEOPLE[n % PEOPLE.len()].into(),
            due_date: Some(today + Duration::days(180)),
            status: ObjectiveStatus::ALL[n % ObjectiveStatus::ALL.len()],
        })?;
        for month in 0..12 {
            writer.add_measurement(&Measurement {
                objective: objective.clone(),
                date: today - Duration::days(30 * (12 - month)),
                value: 99.5 + random.below(50) as f64 / 100.0,
                note: String::new(),
            })?;
        }
    }
    progress.stage("management reviews", size.reviews as u64);
    for n in 0..size.reviews {
        // Quarterly, the newest one still a draft.
        let date = today - Duration::days(((size.reviews - 1 - n) * 91) as i64 + 7);
        let draft = Review {
            date: Some(date),
            chair: PEOPLE[0].into(),
            attendees: PEOPLE[1..5].join(", "),
            feedback: "Two customers asked for the latest certificate and pen test summary.".into(),
            improvements: "Automate the access reviews.".into(),
            ..Review::default()
        };
        let reference = writer.create_review(&draft, date)?;
        writer.compile_review(&reference, date)?;
        if n + 1 < size.reviews {
            let mut review = writer
                .get::<Review>(&reference)?
                .context("the review just written")?;
            review.notes = std::array::from_fn(|i| format!("Discussed input {}.", i + 1));
            review.decisions = "Keep the ISMS as it is; fund the access review tooling.".into();
            review.changes = "None needed this quarter.".into();
            review.status = ReviewStatus::Approved;
            writer.update(&reference, &review)?;
            writer.insert(&ReviewAction {
                review: reference.clone(),
                description: "Report the access review tooling costs.".into(),
                owner: PEOPLE[4].into(),
                due_date: Some(date + Duration::days(45)),
                status: if n + 4 < size.reviews {
                    ActionStatus::ALL[ActionStatus::ALL.len() - 1]
                } else {
                    ActionStatus::ALL[0]
                },
            })?;
        }
        progress.advance(1);
    }
    Ok(())
}

fn write_plan(writer: &mut Writer<'_>, today: NaiveDate) -> Result<()> {
    writer.insert_with_reference(
        PLAN_REF,
        &CertificationPlan {
            body: "Northgate Certification Ltd".into(),
            accreditation_body: "UKAS".into(),
            accreditation_confirmed: true,
            competence_confirmed: true,
            currency: "EUR".into(),
        },
    )?;
    for (n, kind) in MilestoneKind::ALL.iter().enumerate().take(4) {
        writer.insert_with_reference(
            kind.key(),
            &Milestone {
                planned: Some(today + Duration::days(30 * n as i64 + 30)),
                done: None,
                note: String::new(),
            },
        )?;
    }
    Ok(())
}
