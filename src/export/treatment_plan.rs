//! `02-risk/risk-treatment-plan.md`: the risk treatment plan (6.1.3 e). Its plan lists the
//! same risks as the Risks tab's plan, from the same domain function
//! ([`crate::domain::register::treatment_plan`]): every treatment not yet carried out, accepted
//! or not, and every risk above the threshold still waiting for a decision. The treatments
//! carried out and the risks retained follow, as the record of what was decided.

use std::fmt::Write as _;

use anyhow::Result;

use super::markdown::{escape, heading};
use super::PackData;
use crate::domain::dates;
use crate::domain::register::{treatment_plan, PlanGrouping};
use crate::domain::risk::Risk;
use crate::store::{RiskData, Stored};

pub const PLAN: &str = "02-risk/risk-treatment-plan.md";

/// The plan's groups (overdue, due within 30 days, due later, no due date) with the
/// references of their risks: what the Risks tab shows grouped by due date.
pub fn plan_references(risks: &RiskData, today: dates::Date) -> Vec<(String, Vec<String>)> {
    let rows: Vec<(&str, &Risk)> = risks
        .risks
        .iter()
        .map(|r| (r.reference.as_str(), &r.value))
        .collect();
    treatment_plan(&rows, &risks.method, today, PlanGrouping::DueDate)
        .into_iter()
        .map(|(group, items)| {
            let references = items
                .into_iter()
                .map(|i| risks.risks[i].reference.clone())
                .collect();
            (group, references)
        })
        .collect()
}

const TABLE_HEAD: &str = "| Risk | Level | Treatment | Progress | Plan | Controls | Owner | Due | Residual | Acceptance |\n\
                          |---|---|---|---|---|---|---|---|---|---|\n";

fn row(out: &mut String, data: &PackData, stored: &Stored<Risk>) {
    let method = &data.risks.method;
    let risk = &stored.value;
    let level = method
        .band(risk.score())
        .map(|(_, band)| band.name.as_str())
        .unwrap_or("");
    let _ = writeln!(
        out,
        "| {} {} | {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} |",
        stored.reference,
        escape(&risk.title),
        escape(level),
        risk.score(),
        risk.treatment.map(|t| t.label()).unwrap_or("not chosen"),
        risk.treatment_progress().label(),
        escape(&risk.treatment_plan),
        escape(&risk.controls.join(", ")),
        escape(&risk.owner),
        dates::format_optional(risk.due_date),
        risk.residual_score()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        risk.acceptance_state(data.today).label()
    );
}

pub fn file(data: &PackData) -> Result<Vec<u8>> {
    let method = &data.risks.method;
    let mut out = String::new();
    heading(
        &mut out,
        "Risk treatment plan",
        &data.workspace.organisation,
    );
    let _ = writeln!(
        out,
        "Exported on {} by ISMS Workbench. Risks scoring above {} need a treatment; each \
         residual risk needs its owner's acceptance. Treatment progress and the owner's \
         acceptance are separate: an accepted risk stays in the plan until its treatment is \
         done.\n",
        dates::format_optional(Some(data.today)),
        method.acceptance_threshold
    );

    let plan = plan_references(&data.risks, data.today);
    let by_reference = |reference: &str| data.risks.risks.iter().find(|r| r.reference == reference);
    let count: usize = plan.iter().map(|(_, refs)| refs.len()).sum();
    out.push_str("## Plan\n\n");
    if plan.is_empty() {
        out.push_str("*No risk needs treatment right now.*\n\n");
    } else {
        let _ = writeln!(
            out,
            "{} in the plan: treatments not yet done, and risks above the threshold with no \
             treatment chosen.\n",
            match count {
                1 => "1 risk".to_string(),
                n => format!("{n} risks"),
            }
        );
        for (group, references) in &plan {
            let _ = writeln!(out, "### {group} ({})\n", references.len());
            out.push_str(TABLE_HEAD);
            for stored in references.iter().filter_map(|r| by_reference(r)) {
                row(&mut out, data, stored);
            }
            out.push('\n');
        }
    }

    let in_plan: Vec<&String> = plan.iter().flat_map(|(_, refs)| refs).collect();
    let mut settled: Vec<_> = data
        .risks
        .risks
        .iter()
        .filter(|r| r.value.treatment.is_some() && !in_plan.contains(&&r.reference))
        .collect();
    settled.sort_by_key(|r| (r.value.due_date.is_none(), r.value.due_date, &r.reference));
    out.push_str("## Treatments done and risks retained\n\n");
    if settled.is_empty() {
        out.push_str("*None yet.*\n");
    } else {
        out.push_str(TABLE_HEAD);
        for stored in settled {
            row(&mut out, data, stored);
        }
    }
    Ok(out.into_bytes())
}
