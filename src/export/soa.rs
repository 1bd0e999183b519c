//! The Statement of Applicability as one table: a row per Annex A control, in catalogue order,
//! with the text of every cell worked out once for the CSV, XLSX and Markdown files, and the
//! edition it is (today's SoA or an approved version's frozen content) with the controls
//! changed since the version was approved.

use std::collections::HashMap;

use super::cells;
use super::Column;
use crate::domain::dates;
use crate::domain::soa::{self as domain, Applicability, SoaDecision, SoaEdition};
use crate::store::SoaData;

/// The columns of the SoA, in the order every format writes them.
pub const COLUMNS: [Column; 19] = [
    Column::new("Control", 8.0, false),
    Column::new("Title", 38.0, true),
    Column::new("Theme", 14.0, false),
    Column::new("Applicable", 11.0, false),
    Column::new("Reasons for inclusion", 30.0, true),
    Column::new("Justification for exclusion", 40.0, true),
    Column::new("Implementation status", 20.0, false),
    Column::new("How implemented", 50.0, true),
    Column::new("Owner", 20.0, true),
    Column::new("Target date", 12.0, false),
    Column::new("Last reviewed", 13.0, false),
    Column::new("Linked risks", 18.0, true),
    Column::new("Evidence", 18.0, true),
    Column::new("Control type", 14.0, true),
    Column::new("Security properties", 22.0, true),
    Column::new("Cybersecurity concepts", 16.0, true),
    Column::new("Operational capabilities", 28.0, true),
    Column::new("Security domains", 26.0, true),
    Column::new(CHANGED, 24.0, true),
];

/// The header of the column that marks each control changed since the version was approved,
/// naming what changed.
pub const CHANGED: &str = "Changed since approval";

/// How the Applicable column reads.
pub fn applicable_text(applicability: Applicability) -> &'static str {
    match applicability {
        Applicability::Yes => "Yes",
        Applicability::No => "No",
        Applicability::Undecided => "Undecided",
    }
}

/// One control's row.
#[derive(Debug, Clone, PartialEq)]
pub struct SoaRow {
    pub control: String,
    pub title: String,
    pub theme: String,
    /// The decision as stored, for counts and for formats that show less than every column.
    pub decision: SoaDecision,
    pub applicable: &'static str,
    pub reasons: String,
    pub justification: String,
    /// Empty for an excluded control: it has nothing to implement.
    pub status: String,
    pub how: String,
    pub owner: String,
    pub target_date: String,
    pub last_reviewed: String,
    pub linked_risks: String,
    pub evidence: String,
    pub control_type: String,
    pub security_properties: String,
    pub cybersecurity_concepts: String,
    pub operational_capabilities: String,
    pub security_domains: String,
    /// What changed since the version was approved ("status, owner"), empty when nothing did.
    pub changed: String,
}

impl SoaRow {
    /// The cells in the order of [`COLUMNS`], as plain text (not yet made spreadsheet-safe).
    pub fn cells(&self) -> [&str; COLUMNS.len()] {
        [
            &self.control,
            &self.title,
            &self.theme,
            self.applicable,
            &self.reasons,
            &self.justification,
            &self.status,
            &self.how,
            &self.owner,
            &self.target_date,
            &self.last_reviewed,
            &self.linked_risks,
            &self.evidence,
            &self.control_type,
            &self.security_properties,
            &self.cybersecurity_concepts,
            &self.operational_capabilities,
            &self.security_domains,
            &self.changed,
        ]
    }
}

/// The whole SoA, one row per control of the catalogue, and what edition it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SoaTable {
    pub edition: SoaEdition,
    pub rows: Vec<SoaRow>,
}

impl Default for SoaTable {
    fn default() -> Self {
        SoaTable {
            edition: SoaEdition::Current {
                since: None,
                changes: Vec::new(),
            },
            rows: Vec::new(),
        }
    }
}

impl SoaTable {
    /// Today's SoA, rows in catalogue (Annex A) order; a control without a stored decision
    /// reads as undecided.
    pub fn build(soa: &SoaData) -> SoaTable {
        let edition = SoaEdition::Current {
            since: None,
            changes: Vec::new(),
        };
        SoaTable::build_edition(soa, edition, None)
    }

    /// The table of `edition`: today's decisions, or for a frozen version its `frozen` rows
    /// (a version froze how many risks named each control, not which, and no evidence).
    pub fn build_edition(
        soa: &SoaData,
        edition: SoaEdition,
        frozen: Option<&[domain::SoaRow]>,
    ) -> SoaTable {
        let decisions: HashMap<&str, (&SoaDecision, Option<usize>)> = match frozen {
            Some(rows) => rows
                .iter()
                .map(|r| (r.control.as_str(), (&r.decision, Some(r.linked_risks))))
                .collect(),
            None => soa
                .decisions
                .iter()
                .map(|stored| (stored.reference.as_str(), (&stored.value, None)))
                .collect(),
        };
        let no_refs: Vec<String> = Vec::new();
        let rows = soa
            .controls
            .iter()
            .map(|control| {
                let (decision, frozen_risks) = decisions
                    .get(control.id.as_str())
                    .map(|(d, n)| ((*d).clone(), *n))
                    .unwrap_or_default();
                let risks = soa.risks.get(&control.id).unwrap_or(&no_refs);
                let evidence = soa.evidence.get(&control.id).unwrap_or(&no_refs);
                let (risk_count, linked_risks, evidence) = match frozen_risks {
                    Some(0) => (0, String::new(), String::new()),
                    Some(n) => (n, format!("{n} at approval"), String::new()),
                    None => (risks.len(), cells::list(risks), cells::list(evidence)),
                };
                let status = match decision.applicability {
                    Applicability::No => String::new(),
                    _ => decision.status.label().to_string(),
                };
                SoaRow {
                    control: control.id.clone(),
                    title: control.title.clone(),
                    theme: control.theme.clone(),
                    applicable: applicable_text(decision.applicability),
                    reasons: decision.reasons_text(risk_count),
                    justification: decision.justification.trim().to_string(),
                    status,
                    how: decision.how.trim().to_string(),
                    owner: decision.owner.trim().to_string(),
                    target_date: dates::format_optional(decision.target_date),
                    last_reviewed: dates::format_optional(decision.last_reviewed),
                    linked_risks,
                    evidence,
                    control_type: cells::attributes(&control.control_type),
                    security_properties: cells::attributes(&control.security_properties),
                    cybersecurity_concepts: cells::attributes(&control.cybersecurity_concepts),
                    operational_capabilities: cells::attributes(&control.operational_capabilities),
                    security_domains: cells::attributes(&control.security_domains),
                    changed: edition
                        .change(&control.id)
                        .map(|c| c.fields())
                        .unwrap_or_default(),
                    decision,
                }
            })
            .collect();
        SoaTable { edition, rows }
    }

    /// The sentence that says what this table is, for the top of each SoA file.
    pub fn statement(&self, today: dates::Date) -> String {
        self.edition.statement(today)
    }

    /// The header texts, in column order.
    pub fn headers() -> [&'static str; COLUMNS.len()] {
        COLUMNS.map(|c| c.header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::soa::{Implementation, InclusionReason};
    use crate::store::{ControlInfo, Stored};

    fn control(id: &str, theme: &str) -> ControlInfo {
        ControlInfo {
            id: id.into(),
            title: format!("Control {id}"),
            theme: theme.into(),
            control_type: vec!["Preventive".into()],
            security_properties: vec!["Confidentiality".into(), "Integrity".into()],
            cybersecurity_concepts: vec!["Protect".into()],
            operational_capabilities: vec!["Identity_and_access_management".into()],
            security_domains: vec!["Governance_and_Ecosystem".into(), "Protection".into()],
            guidance: String::new(),
        }
    }

    fn data() -> SoaData {
        let mut soa = SoaData {
            controls: vec![
                control("5.1", "Organizational"),
                control("7.4", "Physical"),
                control("8.1", "Technological"),
            ],
            ..SoaData::default()
        };
        // Stored out of catalogue order: the table follows the catalogue.
        soa.decisions = vec![
            Stored {
                reference: "7.4".into(),
                value: SoaDecision {
                    applicability: Applicability::No,
                    justification: "  No premises of our own. \n".into(),
                    status: Implementation::Planned,
                    ..SoaDecision::default()
                },
            },
            Stored {
                reference: "5.1".into(),
                value: SoaDecision {
                    applicability: Applicability::Yes,
                    reasons: vec![InclusionReason::Contractual],
                    status: Implementation::Partial,
                    owner: "CISO".into(),
                    target_date: dates::parse_optional("2026-11-28").unwrap(),
                    ..SoaDecision::default()
                },
            },
        ];
        soa.risks
            .insert("5.1".into(), vec!["R-002".into(), "R-007".into()]);
        soa
    }

    #[test]
    fn rows_follow_the_catalogue_and_read_as_words() {
        let table = SoaTable::build(&data());
        let ids: Vec<&str> = table.rows.iter().map(|r| r.control.as_str()).collect();
        assert_eq!(ids, ["5.1", "7.4", "8.1"]);

        let first = &table.rows[0];
        assert_eq!(first.applicable, "Yes");
        assert_eq!(first.reasons, "Risk treatment; Contractual");
        assert_eq!(first.status, "Partially implemented");
        assert_eq!(first.target_date, "2026-11-28");
        assert_eq!(first.linked_risks, "R-002, R-007");
        assert_eq!(first.security_properties, "Confidentiality, Integrity");
        assert_eq!(
            first.operational_capabilities,
            "Identity and access management"
        );
        assert_eq!(
            first.security_domains,
            "Governance and Ecosystem, Protection"
        );

        let excluded = &table.rows[1];
        assert_eq!(excluded.applicable, "No");
        assert_eq!(excluded.justification, "No premises of our own.");
        assert_eq!(excluded.status, "", "an excluded control has no status");

        let missing = &table.rows[2];
        assert_eq!(missing.applicable, "Undecided");
        assert_eq!(missing.status, "Not started");
        assert_eq!(missing.reasons, "");
    }

    #[test]
    fn cells_line_up_with_the_headers() {
        let table = SoaTable::build(&data());
        let headers = SoaTable::headers();
        let cells = table.rows[0].cells();
        let cell = |header: &str| cells[headers.iter().position(|h| *h == header).unwrap()];
        assert_eq!(cell("Control"), "5.1");
        assert_eq!(cell("Applicable"), "Yes");
        assert_eq!(cell("Owner"), "CISO");
        assert_eq!(cell("Linked risks"), "R-002, R-007");
        assert_eq!(cell("Control type"), "Preventive");
    }
}
