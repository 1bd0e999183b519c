//! The risk files of the audit pack (`02-risk/`): the heat map as an SVG picture, the asset
//! register as CSV and the risk assessment method as a document.

use std::fmt::Write as _;

use anyhow::Result;

use super::markdown::{escape, heading};
use super::PackData;
use crate::domain::register::heat_map;

pub const HEATMAP: &str = "02-risk/risk-heatmap.svg";
pub const ASSETS: &str = "02-risk/asset-register.csv";
pub const METHOD: &str = "02-risk/risk-assessment-method.md";

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

/// `02-risk/risk-heatmap.svg`: the same picture as in `report.html`, on its own.
pub fn heatmap_file(data: &PackData) -> Result<Vec<u8>> {
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        heat_map_svg(data)
    )
    .into_bytes())
}

/// The asset register's columns: the reference, then those `isms import assets` reads.
const ASSET_HEADERS: [&str; 11] = [
    "Reference",
    "Name",
    "Kind",
    "Owner",
    "Location",
    "Classification",
    "Confidentiality",
    "Integrity",
    "Availability",
    "In scope",
    "Notes",
];

/// `02-risk/asset-register.csv`, one row per asset in reference order.
pub fn assets_file(data: &PackData) -> Result<Vec<u8>> {
    let rows: Vec<[String; 11]> = data
        .risks
        .assets
        .iter()
        .map(|stored| {
            let a = &stored.value;
            [
                stored.reference.clone(),
                a.name.clone(),
                a.kind.label().to_string(),
                a.owner.clone(),
                a.location.clone(),
                a.classification.clone(),
                a.confidentiality.to_string(),
                a.integrity.to_string(),
                a.availability.to_string(),
                if a.in_scope { "Yes" } else { "No" }.to_string(),
                a.notes.clone(),
            ]
        })
        .collect();
    super::csv::table(
        &ASSET_HEADERS,
        rows.iter().map(|row| row.iter().map(String::as_str)),
    )
}

/// `02-risk/risk-assessment-method.md`: the scales, how a score is made, the bands and the
/// acceptance criterion (6.1.2 a-b).
pub fn method_file(data: &PackData) -> Result<Vec<u8>> {
    let method = &data.risks.method;
    let mut out = String::new();
    heading(
        &mut out,
        "Risk assessment method",
        &data.workspace.organisation,
    );
    let _ = writeln!(
        out,
        "Exported on {} by ISMS Workbench. Each risk is rated for likelihood and impact on a \
         scale of 1 to {size}; its score is likelihood times impact (1 to {}).\n",
        crate::domain::dates::format_optional(Some(data.today)),
        u32::from(method.size) * u32::from(method.size),
        size = method.size
    );
    for (title, levels) in [
        ("Likelihood", &method.likelihood),
        ("Impact", &method.impact),
    ] {
        let _ = writeln!(
            out,
            "## {title}\n\n| Level | Label | Meaning |\n|---|---|---|"
        );
        for (n, level) in levels.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                n + 1,
                escape(&level.label),
                escape(&level.description)
            );
        }
        out.push('\n');
    }
    out.push_str("## Risk levels\n\n| Level | Scores |\n|---|---|\n");
    let top = u32::from(method.size) * u32::from(method.size);
    for (n, band) in method.bands.iter().enumerate() {
        let to = method
            .bands
            .get(n + 1)
            .map_or(top, |next| next.min_score - 1);
        let _ = writeln!(
            out,
            "| {} | {} to {to} |",
            escape(&band.name),
            band.min_score
        );
    }
    let _ = writeln!(
        out,
        "\n## Acceptance\n\nA risk scoring {} or less may be accepted by its owner without \
         further treatment; a risk above it needs a treatment, and its residual risk needs its \
         owner's acceptance.",
        method.acceptance_threshold
    );
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_run_from_green_to_red() {
        assert_eq!(band_colour(0, 4), "#c8e6c9");
        assert_eq!(band_colour(3, 4), "#e57373");
        assert_eq!(band_colour(0, 1), "#c8e6c9");
    }
}
