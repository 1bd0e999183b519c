//! `report.html`: the auditor's one-file view, for a browser, a projector or print: inline
//! CSS, the heat map as inline SVG, no script and nothing fetched from the network. Its print
//! stylesheet starts each section on a new page and repeats table headers on every page, so
//! a browser's "print to PDF" makes a document to hand over.

use std::fmt::Write as _;

use anyhow::Result;

use super::{nonconformities, PackData};
use crate::domain::audit::Finding;
use crate::domain::dates;
use crate::domain::register::{treatment_plan, PlanGrouping};
use crate::domain::review::INPUTS;
use crate::domain::risk::Risk;

pub const REPORT: &str = "report.html";

/// Text made safe inside HTML elements and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;\
padding:0 1rem;color:#1b1b1b;line-height:1.4}h1{margin-bottom:.2rem}h2{margin-top:2rem;\
border-bottom:1px solid #ccc}table{border-collapse:collapse;width:100%;margin:.5rem 0}\
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
th{background:#f0f0f0}.draft{background:#fde2e1;border:2px solid #b3261e;padding:.5rem 1rem}\
.ready{background:#e3f4e1;border:2px solid #2e7d32;padding:.5rem 1rem}.muted{color:#555}\
svg text{font-family:system-ui,sans-serif}td{white-space:pre-line}td:first-child{white-space:nowrap}h3{margin-bottom:.3rem}\
.statement{white-space:pre-line;border-left:3px solid #ccc;padding-left:1rem}\
@page{margin:15mm}\
@media print{body{margin:0;max-width:none;padding:0;font-size:10pt;color:#000;background:#fff}\
h2{page-break-before:always;break-before:page;break-after:avoid}\
body>h2:first-of-type{page-break-before:auto;break-before:auto}\
h3{break-after:avoid}thead{display:table-header-group}tr{break-inside:avoid}\
th{background:none;border-bottom:2px solid #000}.draft,.ready{background:none}\
svg rect{print-color-adjust:exact;-webkit-print-color-adjust:exact}}";

fn table(out: &mut String, headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    out.push_str("<table><thead><tr>");
    for header in headers {
        let _ = write!(out, "<th>{}</th>", escape(header));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

pub fn report(data: &PackData) -> Result<Vec<u8>> {
    let title = data.title("ISMS audit pack");
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1>",
        escape(&title),
        escape(&title)
    );
    let _ = write!(
        out,
        "<p class=\"muted\">{} · exported on {} by ISMS Workbench</p>",
        escape(data.workspace.isms_name.trim()),
        dates::format_optional(Some(data.today))
    );

    // Readiness.
    out.push_str(
        "<h2>Readiness</h2><p class=\"muted\">A stage is as ready as its weakest criterion: \
         its readiness is the lowest criterion's percentage. A count of 0 of 0 is 0%.</p>",
    );
    table(
        &mut out,
        &["Stage", "Readiness", "Criterion", "Where it stands", "Met"],
        [&data.readiness.stage1, &data.readiness.stage2]
            .into_iter()
            .flat_map(|stage| {
                stage.criteria.iter().enumerate().map(move |(i, c)| {
                    let (name, percent) = if i == 0 {
                        (stage.name.to_string(), format!("{}%", stage.percent()))
                    } else {
                        (String::new(), String::new())
                    };
                    let met = if c.is_met() { "yes" } else { "no" };
                    vec![name, percent, c.label.to_string(), c.figure(), met.into()]
                })
            }),
    );
    let (blockers, warnings) = data.blockers_and_warnings();
    if blockers.is_empty() {
        let _ = write!(
            out,
            "<p class=\"ready\">No blockers were open on the export date ({warnings} warnings).</p>"
        );
    } else {
        let _ = write!(
            out,
            "<p class=\"draft\"><strong>DRAFT:</strong> {} blockers open on the export date \
             ({warnings} warnings besides).</p>",
            blockers.len()
        );
        table(
            &mut out,
            &["Clause", "Record", "Blocker"],
            blockers
                .iter()
                .map(|f| vec![f.clause.to_string(), f.record.clone(), f.message.clone()]),
        );
    }

    out.push_str("<h2>Certification milestones</h2>");
    table(
        &mut out,
        &["Milestone", "Planned", "Done", "State"],
        data.timeline.iter().map(|row| {
            vec![
                row.kind.label().to_string(),
                row.planned_text(),
                row.done_text(),
                row.state.label().to_string(),
            ]
        }),
    );

    scope_section(&mut out, data);

    // Risks.
    let _ = write!(
        out,
        "<h2>Risk (6.1.2)</h2><p>{} risks, placed by their inherent likelihood and impact; \
         the acceptance threshold is a score of {}.</p>{}",
        data.risks.risks.len(),
        data.risks.method.acceptance_threshold,
        super::risk::heat_map_svg(data)
    );
    risk_register(&mut out, data);
    plan_section(&mut out, data);

    // Statement of Applicability.
    let rows = &data.soa_table.rows;
    let applicable = rows.iter().filter(|r| r.applicable == "Yes").count();
    let excluded = rows.iter().filter(|r| r.applicable == "No").count();
    let _ = write!(
        out,
        "<h2>Statement of Applicability (6.1.3 d)</h2><p>{} controls: {applicable} applicable, \
         {excluded} excluded, {} undecided.</p>",
        rows.len(),
        rows.len() - applicable - excluded
    );
    let _ = write!(
        out,
        "<p>{}</p>",
        escape(&data.soa_table.statement(data.today))
    );
    table(
        &mut out,
        &[
            "Control",
            "Title",
            "Applicable",
            "Status",
            "Owner",
            super::soa::CHANGED,
        ],
        rows.iter().map(|r| {
            vec![
                r.control.clone(),
                r.title.clone(),
                r.applicable.to_string(),
                r.status.clone(),
                r.owner.clone(),
                r.changed.clone(),
            ]
        }),
    );

    // Internal audit and nonconformities.
    out.push_str("<h2>Internal audit (9.2)</h2>");
    table(
        &mut out,
        &["Audit", "Title", "Status", "Planned", "Done"],
        data.audits.audits.iter().map(|a| {
            let audit = &a.value;
            vec![
                a.reference.clone(),
                audit.title.clone(),
                audit.status.label().to_string(),
                dates::format_optional(audit.planned_start),
                dates::format_optional(audit.actual_end),
            ]
        }),
    );
    audit_findings(&mut out, data);
    out.push_str("<h2>Nonconformities (10.2)</h2>");
    let headers = nonconformities::headers();
    // Reference, grade, status, statement, root cause, corrective action, owner, due date,
    // checked on and the effectiveness result.
    let shown = [0, 4, 12, 5, 8, 9, 10, 11, 15, 16];
    table(
        &mut out,
        &shown.map(|i| headers[i]),
        nonconformities::rows(&data.audits, data.today)
            .into_iter()
            .map(|row| shown.iter().map(|i| row[*i].clone()).collect()),
    );

    // Management review.
    out.push_str("<h2>Management review (9.3)</h2>");
    table(
        &mut out,
        &["Review", "Date", "Chair", "Status"],
        data.reviews.reviews.iter().map(|r| {
            vec![
                r.reference.clone(),
                dates::format_optional(r.value.date),
                r.value.chair.clone(),
                r.value.status.label().to_string(),
            ]
        }),
    );
    review_results(&mut out, data);
    objectives_section(&mut out, data);
    out.push_str("</body></html>\n");
    Ok(out.into_bytes())
}

/// Text that may run over several lines, escaped, in its own block ("None written." when empty).
fn text_block(out: &mut String, text: &str) {
    if text.trim().is_empty() {
        out.push_str("<p class=\"muted\">None written.</p>");
    } else {
        let _ = write!(
            out,
            "<div class=\"statement\">{}</div>",
            escape(text.trim())
        );
    }
}

/// The scope (4.3): the statement and what is in and out of the boundaries.
fn scope_section(out: &mut String, data: &PackData) {
    out.push_str("<h2>Scope of the ISMS (4.3)</h2><h3>Scope statement</h3>");
    text_block(out, &data.workspace.scope_statement);
    out.push_str("<h3>Boundaries</h3>");
    if data.scope.items.is_empty() {
        out.push_str("<p class=\"muted\">No scope item recorded.</p>");
        return;
    }
    table(
        out,
        &["Ref", "Kind", "Name", "In or out", "Justification"],
        data.scope.items.iter().map(|stored| {
            let item = &stored.value;
            vec![
                stored.reference.clone(),
                item.kind.label().to_string(),
                item.name.clone(),
                if item.in_scope {
                    "In scope"
                } else {
                    "Out of scope"
                }
                .to_string(),
                item.justification.clone(),
            ]
        }),
    );
}

/// A score with the method's level: "12 High".
fn scored(data: &PackData, score: Option<u32>) -> String {
    match score {
        None => String::new(),
        Some(score) => match data.risks.method.band(score) {
            Some((_, band)) => format!("{score} {}", band.name),
            None => score.to_string(),
        },
    }
}

/// The acceptance of a risk's residual risk: its state, and who accepted it when.
fn acceptance(data: &PackData, risk: &Risk) -> String {
    let state = risk.acceptance_state(data.today).label();
    match &risk.acceptance {
        Some(a) => format!(
            "{state}: {} on {}",
            a.accepted_by,
            dates::format_optional(Some(a.accepted_on))
        ),
        None => state.to_string(),
    }
}

/// Every risk of the register (8.2) with its scores, treatment and acceptance.
fn risk_register(out: &mut String, data: &PackData) {
    out.push_str("<h3>Risk register (8.2)</h3>");
    if data.risks.risks.is_empty() {
        out.push_str("<p class=\"muted\">No risk assessed yet.</p>");
        return;
    }
    table(
        out,
        &[
            "Ref",
            "Risk",
            "Owner",
            "Inherent",
            "Residual",
            "Treatment",
            "Status",
            "Acceptance",
        ],
        data.risks.risks.iter().map(|stored| {
            let risk = &stored.value;
            vec![
                stored.reference.clone(),
                risk.title.clone(),
                risk.owner.clone(),
                scored(data, Some(risk.score())),
                scored(data, risk.residual_score()),
                risk.treatment.map(|t| t.label()).unwrap_or("").to_string(),
                risk.status.label().to_string(),
                acceptance(data, risk),
            ]
        }),
    );
}

/// The treatment plan (6.1.3 e, 8.3): the risks the Risks tab's plan lists, as it groups them
/// by due date.
fn plan_section(out: &mut String, data: &PackData) {
    out.push_str("<h2>Risk treatment plan (6.1.3 e, 8.3)</h2>");
    let risks: Vec<(&str, &Risk)> = data
        .risks
        .risks
        .iter()
        .map(|r| (r.reference.as_str(), &r.value))
        .collect();
    let plan = treatment_plan(
        &risks,
        &data.risks.method,
        data.today,
        PlanGrouping::DueDate,
    );
    if plan.is_empty() {
        out.push_str("<p class=\"muted\">No risk needs treatment.</p>");
        return;
    }
    table(
        out,
        &[
            "When",
            "Ref",
            "Risk",
            "Owner",
            "Treatment",
            "Plan",
            "Controls",
            "Due",
            "Status",
            "Residual",
            "Acceptance",
        ],
        plan.iter().flat_map(|(group, items)| {
            items
                .iter()
                .filter_map(|index| risks.get(*index))
                .map(|(reference, risk)| {
                    vec![
                        group.clone(),
                        reference.to_string(),
                        risk.title.clone(),
                        risk.owner.clone(),
                        risk.treatment.map(|t| t.label()).unwrap_or("").to_string(),
                        risk.treatment_plan.clone(),
                        risk.controls.join(", "),
                        dates::format_optional(risk.due_date),
                        risk.status.label().to_string(),
                        scored(data, risk.residual_score()),
                        acceptance(data, risk),
                    ]
                })
        }),
    );
}

/// Each audit's findings: its results counted, and every observation, opportunity for
/// improvement and nonconformity with its notes; then its conclusion.
fn audit_findings(out: &mut String, data: &PackData) {
    for stored in &data.audits.audits {
        let audit = &stored.value;
        let _ = write!(
            out,
            "<h3>{} · {}</h3><p>Lead auditor {} · held {} to {}</p>",
            escape(&stored.reference),
            escape(&audit.title),
            escape(&audit.lead_auditor),
            dates::format_optional(audit.actual_start),
            dates::format_optional(audit.actual_end)
        );
        let items: Vec<_> = data.audits.items_of(&stored.reference).collect();
        let found: Vec<_> = items
            .iter()
            .filter(|i| !matches!(i.value.result, Finding::NotAudited | Finding::Conforming))
            .collect();
        let audited = items
            .iter()
            .filter(|i| i.value.result != Finding::NotAudited)
            .count();
        let _ = write!(
            out,
            "<p>{audited} of {} checklist items audited; {} findings other than conforming.</p>",
            items.len(),
            found.len()
        );
        if !found.is_empty() {
            table(
                out,
                &["Clause or control", "Finding", "Evidence examined", "Notes"],
                found.iter().map(|item| {
                    let item = &item.value;
                    vec![
                        format!(
                            "{} {}",
                            item.target.label(),
                            data.audits.title_of(&item.target)
                        ),
                        item.result.label().to_string(),
                        item.evidence.clone(),
                        item.notes.clone(),
                    ]
                }),
            );
        }
        out.push_str("<p><strong>Conclusion</strong></p>");
        text_block(out, &audit.conclusion);
    }
}

/// Each review's results (9.3.3): attendees, decisions, changes to the ISMS and its actions.
fn review_results(out: &mut String, data: &PackData) {
    for stored in &data.reviews.reviews {
        let review = &stored.value;
        let _ = write!(
            out,
            "<h3>{} · {}</h3><p>Chair {} · {}</p><p><strong>Attendees</strong></p>",
            escape(&stored.reference),
            dates::format_optional(review.date),
            escape(&review.chair),
            escape(review.status.label())
        );
        text_block(out, &review.attendees);
        out.push_str("<p><strong>Inputs discussed (9.3.2)</strong></p>");
        table(
            out,
            &["Input", "Discussion"],
            INPUTS
                .iter()
                .zip(&review.notes)
                .map(|((key, heading), notes)| vec![format!("{key}) {heading}"), notes.clone()]),
        );
        out.push_str("<p><strong>Decisions on continual improvement</strong></p>");
        text_block(out, &review.decisions);
        out.push_str("<p><strong>Changes needed to the ISMS</strong></p>");
        text_block(out, &review.changes);
        let actions: Vec<_> = data
            .reviews
            .actions
            .iter()
            .filter(|a| a.value.review == stored.reference)
            .collect();
        out.push_str("<p><strong>Actions</strong></p>");
        if actions.is_empty() {
            out.push_str("<p class=\"muted\">None.</p>");
            continue;
        }
        table(
            out,
            &["Ref", "Action", "Owner", "Due", "Status"],
            actions.iter().map(|a| {
                vec![
                    a.reference.clone(),
                    a.value.description.clone(),
                    a.value.owner.clone(),
                    dates::format_optional(a.value.due_date),
                    a.value.status.label().to_string(),
                ]
            }),
        );
    }
}

/// The security objectives (6.2) with their latest measurement.
fn objectives_section(out: &mut String, data: &PackData) {
    out.push_str("<h2>Information security objectives (6.2)</h2>");
    if data.reviews.objectives.is_empty() {
        out.push_str("<p class=\"muted\">No objective set yet.</p>");
        return;
    }
    table(
        out,
        &[
            "Ref",
            "Objective",
            "Measure",
            "Target",
            "Latest measurement",
            "Owner",
            "Due",
            "Status",
        ],
        data.reviews.objectives.iter().map(|stored| {
            let objective = &stored.value;
            let latest = data
                .reviews
                .measurements_of(&stored.reference)
                .max_by_key(|m| m.date)
                .map(|m| format!("{} on {}", m.value, dates::format_optional(Some(m.date))))
                .unwrap_or_else(|| "not measured yet".into());
            vec![
                stored.reference.clone(),
                objective.statement.clone(),
                objective.measure.clone(),
                objective.target.clone(),
                latest,
                objective.owner.clone(),
                dates::format_optional(objective.due_date),
                objective.status.label().to_string(),
            ]
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_shown_not_run() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("R-001 · 5.1"), "R-001 · 5.1");
    }
}
