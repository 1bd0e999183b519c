//! `report.html`: the pack in one self-contained page for a browser or a projector: inline
//! CSS, the heat map as inline SVG, no script and nothing fetched from the network.

use std::fmt::Write as _;

use anyhow::Result;

use super::{nonconformities, PackData};
use crate::domain::dates;

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
svg text{font-family:system-ui,sans-serif}";

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

    // Risks.
    let _ = write!(
        out,
        "<h2>Risk (6.1.2)</h2><p>{} risks, placed by their inherent likelihood and impact; \
         the acceptance threshold is a score of {}.</p>{}",
        data.risks.risks.len(),
        data.risks.method.acceptance_threshold,
        super::risk::heat_map_svg(data)
    );

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
    out.push_str("<h2>Nonconformities (10.2)</h2>");
    let headers = nonconformities::headers();
    let shown = [0, 4, 5, 10, 11, 12, 13];
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

    // Objectives: the pack's record of 6.2 g, which the workbench counts as in place.
    out.push_str("<h2>Information security objectives (6.2)</h2>");
    table(
        &mut out,
        &[
            "Objective",
            "Statement",
            "Measure",
            "Target",
            "Owner",
            "Status",
        ],
        data.reviews.objectives.iter().map(|o| {
            vec![
                o.reference.clone(),
                o.value.statement.clone(),
                o.value.measure.clone(),
                o.value.target.clone(),
                o.value.owner.clone(),
                o.value.status.label().to_string(),
            ]
        }),
    );
    out.push_str("</body></html>\n");
    Ok(out.into_bytes())
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
