//! `report.html`: the pack in one self-contained page for a browser or a projector: inline
//! CSS, the heat map as inline SVG, no script and nothing fetched from the network.

use std::fmt::Write as _;

use anyhow::Result;

use super::{nonconformities, PackData};
use crate::domain::dates;
use crate::domain::register::heat_map;

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

/// The colour of a band, from the lowest band (green) to the highest (red).
fn band_colour(index: usize, bands: usize) -> &'static str {
    const COLOURS: [&str; 5] = ["#c8e6c9", "#fff59d", "#ffcc80", "#ef9a9a", "#e57373"];
    if bands <= 1 {
        return COLOURS[0];
    }
    COLOURS[(index * (COLOURS.len() - 1)) / (bands - 1)]
}

/// The inherent heat map as an SVG grid: impact across, likelihood up, the count of risks in
/// each cell, coloured by the method's band of the cell's score.
pub fn heat_map_svg(data: &PackData) -> String {
    let method = &data.risks.method;
    let size = usize::from(method.size);
    let counts = heat_map(
        data.risks.risks.iter().map(|r| &r.value),
        method.size,
        false,
    );
    let cell = 56;
    let margin = 40;
    let side = margin + cell * size + 10;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" \
         role=\"img\" aria-label=\"Heat map of inherent risk: likelihood against impact\">"
    );
    for likelihood in 1..=size {
        for impact in 1..=size {
            let score = (likelihood * impact) as u32;
            let colour = method.band(score).map_or("#eeeeee", |(index, _)| {
                band_colour(index, method.bands.len())
            });
            let x = margin + (impact - 1) * cell;
            let y = (size - likelihood) * cell;
            let count = counts[likelihood - 1][impact - 1];
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{colour}\" \
                 stroke=\"#ffffff\"/>"
            );
            if count > 0 {
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"18\">{count}</text>",
                    x + cell / 2,
                    y + cell / 2 + 6
                );
            }
        }
    }
    for n in 1..=size {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{n}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{n}</text>",
            margin + (n - 1) * cell + cell / 2,
            cell * size + 16,
            margin - 12,
            (size - n) * cell + cell / 2 + 4
        );
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">impact</text>\
         <text x=\"12\" y=\"{}\" font-size=\"12\" transform=\"rotate(-90 12 {})\" \
         text-anchor=\"middle\">likelihood</text></svg>",
        margin + cell * size / 2,
        cell * size + 32,
        cell * size / 2,
        cell * size / 2
    );
    out
}

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
    let organisation = data.workspace.organisation.trim();
    let title = if organisation.is_empty() {
        "ISMS audit pack".to_string()
    } else {
        format!("ISMS audit pack — {organisation}")
    };
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
    out.push_str("<h2>Readiness</h2>");
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

    // Risks.
    let _ = write!(
        out,
        "<h2>Risk (6.1.2)</h2><p>{} risks, placed by their inherent likelihood and impact; \
         the acceptance threshold is a score of {}.</p>{}",
        data.risks.risks.len(),
        data.risks.method.acceptance_threshold,
        heat_map_svg(data)
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
    table(
        &mut out,
        &["Control", "Title", "Applicable", "Status", "Owner"],
        rows.iter().map(|r| {
            vec![
                r.control.clone(),
                r.title.clone(),
                r.applicable.to_string(),
                r.status.clone(),
                r.owner.clone(),
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

    #[test]
    fn bands_run_from_green_to_red() {
        assert_eq!(band_colour(0, 4), "#c8e6c9");
        assert_eq!(band_colour(3, 4), "#e57373");
        assert_eq!(band_colour(0, 1), "#c8e6c9");
    }
}
