//! The risk register (6.1.2, 6.1.3) as one table of rows, for `02-risk/risk-register.csv` and
//! `.xlsx`: every risk with its scores, level, treatment and acceptance on the export date.

use anyhow::Result;

use super::xlsx::{workbook, Properties, Sheet};
use super::{Column, PackData};
use crate::domain::dates;

pub const CSV: &str = "02-risk/risk-register.csv";
pub const XLSX: &str = "02-risk/risk-register.xlsx";

pub const COLUMNS: [Column; 23] = [
    Column::new("Reference", 10.0, false),
    Column::new("Title", 40.0, true),
    Column::new("Description", 50.0, true),
    Column::new("Threat", 30.0, true),
    Column::new("Vulnerability", 30.0, true),
    Column::new("Assets", 16.0, true),
    Column::new("Owner", 20.0, true),
    Column::new("Likelihood", 10.0, false),
    Column::new("Impact", 8.0, false),
    Column::new("Score", 7.0, false),
    Column::new("Level", 10.0, false),
    Column::new("Treatment", 10.0, false),
    Column::new("Treatment plan", 50.0, true),
    Column::new("Controls", 16.0, true),
    Column::new("Due date", 12.0, false),
    Column::new("Treatment progress", 12.0, false),
    Column::new("Residual likelihood", 10.0, false),
    Column::new("Residual impact", 10.0, false),
    Column::new("Residual score", 9.0, false),
    Column::new("Status", 16.0, false),
    Column::new("Next review", 12.0, false),
    Column::new("Acceptance", 14.0, false),
    Column::new("Accepted by and on", 30.0, true),
];

fn number(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// One row per risk, in reference order.
pub fn rows(data: &PackData) -> Vec<[String; COLUMNS.len()]> {
    let method = &data.risks.method;
    data.risks
        .risks
        .iter()
        .map(|stored| {
            let risk = &stored.value;
            let score = risk.score();
            let level = method
                .band(score)
                .map(|(_, band)| band.name.clone())
                .unwrap_or_default();
            let accepted = risk
                .acceptance
                .as_ref()
                .map(|a| {
                    let until = a
                        .valid_until
                        .map(|d| format!(", valid until {}", dates::format_optional(Some(d))))
                        .unwrap_or_default();
                    format!(
                        "{} on {}{until}",
                        a.accepted_by,
                        dates::format_optional(Some(a.accepted_on))
                    )
                })
                .unwrap_or_default();
            [
                stored.reference.clone(),
                risk.title.clone(),
                risk.description.clone(),
                risk.threat.clone(),
                risk.vulnerability.clone(),
                risk.assets.join("; "),
                risk.owner.clone(),
                risk.likelihood.to_string(),
                risk.impact.to_string(),
                score.to_string(),
                level,
                risk.treatment
                    .map(|t| t.label())
                    .unwrap_or_default()
                    .to_string(),
                risk.treatment_plan.clone(),
                risk.controls.join("; "),
                dates::format_optional(risk.due_date),
                risk.treatment_progress().label().to_string(),
                number(risk.residual_likelihood),
                number(risk.residual_impact),
                number(risk.residual_score()),
                risk.status.label().to_string(),
                dates::format_optional(risk.next_review),
                risk.acceptance_state(data.today).label().to_string(),
                accepted,
            ]
        })
        .collect()
}

fn headers() -> [&'static str; COLUMNS.len()] {
    COLUMNS.map(|c| c.header)
}

/// `02-risk/risk-register.csv`
pub fn csv_file(data: &PackData) -> Result<Vec<u8>> {
    let rows = rows(data);
    super::csv::table(
        &headers(),
        rows.iter().map(|row| row.iter().map(String::as_str)),
    )
}

/// `02-risk/risk-register.xlsx`
pub fn xlsx_file(data: &PackData) -> Result<Vec<u8>> {
    let organisation = data.workspace.organisation.trim();
    let title = data.title("Risk register");
    let rows = rows(data);
    workbook(
        &Properties {
            title: &title,
            subject: "Information security risk assessment and treatment (6.1.2, 6.1.3)",
            company: organisation,
            created: data.today,
        },
        Sheet {
            name: "Risk register",
            columns: &COLUMNS,
            rows: rows.iter().map(|row| row.iter().map(String::as_str)),
        },
    )
}
