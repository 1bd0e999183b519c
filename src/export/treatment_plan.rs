//! `02-risk/risk-treatment-plan.md`: the risk treatment plan (6.1.3 e): what is done about each
//! treated risk, by whom and by when, and which risks above the threshold still wait for a
//! decision.

use std::fmt::Write as _;

use anyhow::Result;

use super::markdown::{escape, heading};
use super::PackData;
use crate::domain::dates;

pub const PLAN: &str = "02-risk/risk-treatment-plan.md";

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
         residual risk needs its owner's acceptance.\n",
        dates::format_optional(Some(data.today)),
        method.acceptance_threshold
    );

    let mut treated: Vec<_> = data
        .risks
        .risks
        .iter()
        .filter(|r| r.value.treatment.is_some())
        .collect();
    // Soonest due first; undated at the end, then by reference.
    treated.sort_by_key(|r| (r.value.due_date.is_none(), r.value.due_date, &r.reference));
    out.push_str("## Treatments\n\n");
    if treated.is_empty() {
        out.push_str("*No risk has a treatment chosen yet.*\n\n");
    } else {
        out.push_str(
            "| Risk | Level | Treatment | Plan | Controls | Owner | Due | Residual | Acceptance |\n\
             |---|---|---|---|---|---|---|---|---|\n",
        );
        for stored in treated {
            let risk = &stored.value;
            let level = method
                .band(risk.score())
                .map(|(_, band)| band.name.as_str())
                .unwrap_or("");
            let _ = writeln!(
                out,
                "| {} {} | {} ({}) | {} | {} | {} | {} | {} | {} | {} |",
                stored.reference,
                escape(&risk.title),
                escape(level),
                risk.score(),
                risk.treatment.map(|t| t.label()).unwrap_or(""),
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
        out.push('\n');
    }

    let waiting: Vec<_> = data
        .risks
        .risks
        .iter()
        .filter(|r| r.value.treatment.is_none() && r.value.score() > method.acceptance_threshold)
        .collect();
    out.push_str("## Waiting for a treatment decision\n\n");
    if waiting.is_empty() {
        out.push_str("*None: every risk above the threshold has a treatment.*\n");
    } else {
        out.push_str("| Risk | Score | Owner |\n|---|---|---|\n");
        for stored in waiting {
            let _ = writeln!(
                out,
                "| {} {} | {} | {} |",
                stored.reference,
                escape(&stored.value.title),
                stored.value.score(),
                escape(&stored.value.owner)
            );
        }
    }
    Ok(out.into_bytes())
}
