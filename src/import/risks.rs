//! Risk rows: one row of the risk register's spreadsheet into one [`Risk`], with its assets
//! resolved against the workspace and its controls against the catalogue.

use std::collections::{HashMap, HashSet};

use super::context::{name_key, AssetIndex, Context};
use super::headers::{match_headers, Cells, RISK_COLUMNS};
use super::{csv_table, values, ImportError};
use crate::domain::method::RiskMethod;
use crate::domain::risk::{Risk, RiskStatus, Treatment};

/// Reads a risk register. Titles must be new: neither in the workspace nor twice in the file
/// (so that importing the same file twice is refused).
pub fn parse(bytes: &[u8], context: &Context) -> Result<Vec<Risk>, Vec<ImportError>> {
    let read = csv_table::read(bytes)?;
    let mut errors = read.errors;
    let table = read.table;
    let map = match match_headers(&table.headers, table.header_row, RISK_COLUMNS) {
        Ok(map) => map,
        Err(header_errors) => {
            errors.extend(header_errors);
            errors.sort_by_key(|error| error.row);
            return Err(errors);
        }
    };
    let assets = context.asset_index();
    let controls = context.control_set();
    let existing: HashSet<String> = context.risk_titles.iter().map(|t| name_key(t)).collect();
    let mut in_file: HashMap<String, usize> = HashMap::new();
    let mut risks = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        errors.extend(map.unheaded_values(row));
        let mut cells = map.cells(row);
        let risk = risk(&mut cells, &context.method, &assets, &controls);
        let key = name_key(&risk.title);
        if !key.is_empty() {
            if existing.contains(&key) {
                cells.error(
                    "title",
                    format!("{:?} is already in the workspace", risk.title),
                );
            } else if let Some(first) = in_file.get(&key) {
                cells.error(
                    "title",
                    format!("{:?} is already on row {first}", risk.title),
                );
            } else {
                in_file.insert(key, row.number);
            }
        }
        if cells.has_errors() {
            errors.extend(cells.into_errors());
        } else {
            risks.push(risk);
        }
    }
    if errors.is_empty() {
        Ok(risks)
    } else {
        errors.sort_by_key(|error| error.row);
        Err(errors)
    }
}

/// The treatment options and the words spreadsheets use for them (including the "four Ts").
fn treatment(text: &str) -> Result<Option<Treatment>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(option) = values::choice(text, Treatment::ALL, Treatment::key, Treatment::label) {
        return Ok(Some(option));
    }
    const SYNONYMS: &[(&str, Treatment)] = &[
        ("mitigate", Treatment::Modify),
        ("reduce", Treatment::Modify),
        ("treat", Treatment::Modify),
        ("accept", Treatment::Retain),
        ("tolerate", Treatment::Retain),
        ("transfer", Treatment::Share),
        ("terminate", Treatment::Avoid),
    ];
    SYNONYMS
        .iter()
        .find(|(word, _)| values::same_word(text, word))
        .map(|(_, option)| Some(*option))
        .ok_or_else(|| {
            format!(
                "{text:?} is not a treatment option; use Modify, Retain, Avoid or Share (or mitigate, reduce, accept, transfer)"
            )
        })
}

fn status(text: &str) -> Result<RiskStatus, String> {
    if text.is_empty() {
        return Ok(RiskStatus::Identified);
    }
    values::choice(text, RiskStatus::ALL, RiskStatus::key, RiskStatus::label).ok_or_else(|| {
        format!(
            "{text:?} is not a status; use one of {}",
            values::labels(RiskStatus::ALL, RiskStatus::label)
        )
    })
}

/// The assets a risk names: the whole cell as one asset if it is one (a name may hold a
/// comma), otherwise each item of the list. Every one must exist.
fn asset_refs(text: &str, assets: &AssetIndex) -> Result<Vec<String>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    if let Ok(reference) = assets.resolve(text) {
        return Ok(vec![reference]);
    }
    let mut references = Vec::new();
    let mut problems = Vec::new();
    for item in values::list(text) {
        match assets.resolve(item) {
            Ok(reference) if !references.contains(&reference) => references.push(reference),
            Ok(_) => {}
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(references)
    } else {
        Err(problems.join("; "))
    }
}

/// Annex A control ids: `5.15` or `A.5.15`, separated by `;`, `,`, spaces or line breaks.
fn control_ids(text: &str, controls: &HashSet<&str>) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for item in text
        .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
    {
        let id = item
            .strip_prefix("A.")
            .or_else(|| item.strip_prefix("a."))
            .unwrap_or(item);
        if controls.contains(id) {
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_string());
            }
        } else {
            unknown.push(format!("{item:?}"));
        }
    }
    match unknown.as_slice() {
        [] => Ok(ids),
        [one] => Err(format!(
            "{one} is not an Annex A control id (5.1 to 8.34, e.g. 5.15 or A.5.15)"
        )),
        many => Err(format!(
            "{} are not Annex A control ids (5.1 to 8.34, e.g. 5.15 or A.5.15)",
            many.join(", ")
        )),
    }
}

/// One row into a risk; what cannot be read is recorded in `cells` and given a placeholder.
fn risk(
    cells: &mut Cells<'_>,
    method: &RiskMethod,
    assets: &AssetIndex,
    controls: &HashSet<&str>,
) -> Risk {
    let level = |cells: &mut Cells<'_>, key: &'static str, what: &str, required: bool| {
        let levels = if key.ends_with("likelihood") {
            &method.likelihood
        } else {
            &method.impact
        };
        match cells.parse(key, |text| values::level(text, levels, method.size, what)) {
            Some(None) if required => {
                cells.error(
                    key,
                    format!(
                        "a {what} is required: a number from 1 to {} or a level such as {}",
                        method.size,
                        levels.last().map_or("", |level| level.label.as_str())
                    ),
                );
                None
            }
            parsed => parsed.flatten(),
        }
    };
    let likelihood = level(cells, "likelihood", "likelihood", true);
    let impact = level(cells, "impact", "impact", true);
    let residual_likelihood = level(cells, "residual_likelihood", "likelihood", false);
    let residual_impact = level(cells, "residual_impact", "impact", false);
    let risk = Risk {
        title: cells.get("title").to_string(),
        description: cells.text("description").to_string(),
        threat: cells.text("threat").to_string(),
        vulnerability: cells.text("vulnerability").to_string(),
        owner: cells.text("owner").to_string(),
        likelihood: likelihood.unwrap_or(1),
        impact: impact.unwrap_or(1),
        treatment: cells.parse("treatment", treatment).flatten(),
        treatment_plan: cells.text("treatment_plan").to_string(),
        due_date: cells.parse("due_date", values::date).flatten(),
        residual_likelihood,
        residual_impact,
        status: cells
            .parse("status", status)
            .unwrap_or(RiskStatus::Identified),
        next_review: cells.parse("next_review", values::date).flatten(),
        acceptance: None,
        assets: cells
            .parse("assets", |text| asset_refs(text, assets))
            .unwrap_or_default(),
        controls: cells
            .parse("controls", |text| control_ids(text, controls))
            .unwrap_or_default(),
    };
    cells.add_field_errors(risk.validate_with(method));
    risk
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates;

    fn context(size: u8) -> Context {
        let mut context = Context::empty();
        context.method = RiskMethod::standard(size);
        context.assets = vec![
            ("A-001".into(), "Customer ledger".into()),
            ("A-002".into(), "CRM, sales".into()),
            ("A-003".into(), "Laptops".into()),
        ];
        context
    }

    fn lines(errors: &[ImportError]) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_full_register_with_synonyms() {
        let csv = "Risk title,Threat,Weakness,Affected assets,Risk owner,Probability,Severity,Treatment option,Plan,Annex A controls,Due,Residual likelihood,Residual impact,Status,Next review date,Description\n\
                   Ransomware,Criminals,Flat network,\"a-001; laptops\",CTO,Likely,5,mitigate,Segment,\"A.8.22, 8.13 8.13\",2026-12-31,2,3,Treatment planned,2027-06-30,\"Line one\nline two\"\n\
                   Sales data leak,,,\"CRM, sales\",,2,2,,,,,,,,,\n";
        let risks = parse(csv.as_bytes(), &context(5)).unwrap();
        assert_eq!(risks.len(), 2);
        let r = &risks[0];
        assert_eq!(r.title, "Ransomware");
        assert_eq!(r.assets, ["A-001", "A-003"]);
        assert_eq!((r.likelihood, r.impact), (4, 5));
        assert_eq!(r.treatment, Some(Treatment::Modify));
        assert_eq!(r.controls, ["8.22", "8.13"]);
        assert_eq!(r.due_date, Some(dates::parse("2026-12-31").unwrap()));
        assert_eq!(
            (r.residual_likelihood, r.residual_impact),
            (Some(2), Some(3))
        );
        assert_eq!(r.status, RiskStatus::TreatmentPlanned);
        assert_eq!(r.description, "Line one\nline two");
        assert_eq!(
            risks[1].assets,
            ["A-002"],
            "a name with a comma is one asset"
        );
        assert_eq!(risks[1].status, RiskStatus::Identified);
        assert_eq!(risks[1].treatment, None);
    }

    #[test]
    fn each_bad_cell_is_reported_against_a_4x4_method() {
        let csv = "Title,Likelihood,Impact,Assets,Controls,Due date,Residual likelihood,Status,Treatment\n\
                   A,7,Catastrophic,,,,,,\n\
                   B,2,2,Printer; A-001,5.38,31/12/2026,,,\n\
                   C,,2,,,,3,assessed,maybe\n\
                   a,1,1,,,,,,\n";
        let errors = parse(csv.as_bytes(), &context(4)).unwrap_err();
        assert_eq!(
            lines(&errors),
            [
                "row 2, column Likelihood: \"7\" is outside 1-4",
                "row 2, column Impact: \"Catastrophic\" is not a number from 1 to 4 or one of the impact levels Minor, Moderate, Major, Severe",
                "row 3, column Assets: \"Printer\" is not an asset reference or name in the workspace",
                "row 3, column Controls: \"5.38\" is not an Annex A control id (5.1 to 8.34, e.g. 5.15 or A.5.15)",
                "row 3, column Due date: \"31/12/2026\" is not a date like 2026-11-28",
                "row 4, column Likelihood: a likelihood is required: a number from 1 to 4 or a level such as Likely",
                "row 4, column Treatment: \"maybe\" is not a treatment option; use Modify, Retain, Avoid or Share (or mitigate, reduce, accept, transfer)",
                "row 4, column Owner: A risk needs an owner before it can be assessed",
                "row 4, column Residual impact: Give both residual likelihood and impact, or neither",
                "row 5, column Title: \"a\" is already on row 2",
            ]
        );
    }

    #[test]
    fn domain_rules_name_the_column() {
        let csv = "Title,L,I,Status\nLeak,1,1,Assessed\n";
        let errors = parse(csv.as_bytes(), &context(5)).unwrap_err();
        assert_eq!(
            lines(&errors),
            ["row 2, column Owner: A risk needs an owner before it can be assessed"]
        );
    }

    #[test]
    fn treatments_and_their_synonyms() {
        for (text, option) in [
            ("Modify", Treatment::Modify),
            ("reduce", Treatment::Modify),
            ("ACCEPT", Treatment::Retain),
            ("retain", Treatment::Retain),
            ("transfer", Treatment::Share),
            ("avoid", Treatment::Avoid),
        ] {
            assert_eq!(treatment(text), Ok(Some(option)), "{text}");
        }
        assert_eq!(treatment(""), Ok(None));
    }

    #[test]
    fn statuses_by_key_or_label_and_blank_is_identified() {
        assert_eq!(status(""), Ok(RiskStatus::Identified));
        assert_eq!(
            status("Treatment planned"),
            Ok(RiskStatus::TreatmentPlanned)
        );
        assert_eq!(
            status("treatment_planned"),
            Ok(RiskStatus::TreatmentPlanned)
        );
        assert_eq!(status("ACCEPTED"), Ok(RiskStatus::Accepted));
        assert_eq!(
            status("done").unwrap_err(),
            "\"done\" is not a status; use one of Identified, Assessed, Treatment planned, Treated, Accepted, Closed"
        );
    }
}
