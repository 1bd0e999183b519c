//! `05-internal-audit/audit-programme.md`: the internal audit programme (9.2.2) as a document:
//! every audit with its dates, team, scope, criteria and independence, then how much of the
//! certification cycle the audits have covered and what is still to be audited.

use std::fmt::Write;

use anyhow::Result;

use super::audit::{
    clauses_in_scope, controls_in_scope, file_name_part, independence_warnings, period,
};
use super::markdown::{escape, heading, or, plural};
use super::PackData;
use crate::domain::audit::{coverage, finished_items, AuditStatus, Target};
use crate::domain::dates;

/// The programme as a document.
pub fn programme(data: &PackData) -> String {
    let audits = &data.audits;
    let mut out = String::new();
    heading(
        &mut out,
        "Internal audit programme",
        &data.workspace.organisation,
    );

    let statuses: Vec<String> = AuditStatus::ALL
        .iter()
        .map(|status| {
            let count = audits
                .audits
                .iter()
                .filter(|a| a.value.status == *status)
                .count();
            format!("{count} {}", status.label().to_lowercase())
        })
        .collect();
    let open: Vec<_> = audits
        .nonconformities
        .iter()
        .filter(|nc| !nc.value.status.is_done())
        .collect();
    let overdue = open
        .iter()
        .filter(|nc| nc.value.is_overdue(data.today))
        .count();
    let _ = writeln!(
        out,
        "Exported on {} by ISMS Workbench. {}: {}. {}, {} still open, {} overdue; the register is \
         in nonconformities.csv.\n",
        dates::format_optional(Some(data.today)),
        plural(audits.audits.len(), "audit", "audits"),
        statuses.join(", "),
        plural(
            audits.nonconformities.len(),
            "nonconformity",
            "nonconformities"
        ),
        open.len(),
        overdue
    );

    out.push_str("## Programme\n\n");
    if audits.audits.is_empty() {
        out.push_str("No audit has been planned yet.\n\n");
    } else {
        out.push_str(
            "| Reference | Title | Planned | Actual | Lead auditor | Auditors | Status |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|\n");
        for stored in &audits.audits {
            let audit = &stored.value;
            let when = |start, end| period(start, end).unwrap_or_else(|| "—".to_string());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                escape(&stored.reference),
                escape(&audit.title),
                when(audit.planned_start, audit.planned_end),
                when(audit.actual_start, audit.actual_end),
                escape(&audit.lead_auditor),
                escape(&audit.auditors),
                audit.status.label()
            );
        }
        out.push('\n');
    }

    for stored in &audits.audits {
        let audit = &stored.value;
        let _ = writeln!(
            out,
            "## {} {}\n",
            escape(&stored.reference),
            escape(&audit.title)
        );
        let _ = writeln!(
            out,
            "- Clauses in scope: {}",
            escape(&clauses_in_scope(audit, audits))
        );
        let _ = writeln!(
            out,
            "- Controls in scope: {}",
            escape(&controls_in_scope(audit, audits))
        );
        let _ = writeln!(out, "- Criteria: {}", or(&audit.criteria, "not recorded"));
        let _ = writeln!(
            out,
            "- Independence: {}",
            or(&audit.independence_note, "no note recorded")
        );
        let warnings = independence_warnings(audit, audits);
        if warnings.is_empty() {
            out.push_str("- Independence warnings: none.\n");
        } else {
            out.push_str("- Independence warnings:\n");
            for warning in &warnings {
                let _ = writeln!(out, "  - Warning: {}", escape(warning));
            }
        }
        let name = file_name_part(&stored.reference);
        let _ = writeln!(
            out,
            "- Report: [{}-report.md]({name}-report.md)\n",
            escape(&name)
        );
    }

    coverage_section(&mut out, data);
    out
}

/// "Coverage of the cycle": counts, then the clauses and applicable controls that no audit
/// has given a result yet.
fn coverage_section(out: &mut String, data: &PackData) {
    let audits = &data.audits;
    let clauses: Vec<String> = audits.clauses.iter().map(|(id, _)| id.clone()).collect();
    let controls: Vec<String> = audits
        .applicable
        .iter()
        .map(|(id, ..)| id.clone())
        .collect();
    let covered = coverage(
        &clauses,
        &controls,
        audits.items.iter().map(|item| &item.value),
    );

    out.push_str("## Coverage of the cycle\n\n");
    out.push_str(
        "Across every audit of the programme, a clause or an applicable control counts as \
         audited once a checklist item for it has a result. The gaps name the audits whose \
         checklists hold them still to be audited.\n\n",
    );
    let _ = writeln!(
        out,
        "- Clauses: {} of {} audited, {} not yet.",
        covered.clauses_audited.len(),
        clauses.len(),
        covered.clauses_missing.len()
    );
    let _ = writeln!(
        out,
        "- Applicable controls: {} of {} audited, {} not yet.",
        covered.controls_audited.len(),
        controls.len(),
        covered.controls_missing.len()
    );
    // Stage 2 readiness counts only what audits reported or closed have examined.
    let finished = coverage(
        &clauses,
        &controls,
        finished_items(
            audits
                .audits
                .iter()
                .map(|a| (a.reference.as_str(), a.value.status)),
            audits.items.iter().map(|item| &item.value),
        ),
    );
    let _ = writeln!(
        out,
        "- Counted for Stage 2 readiness (audits reported or closed): {} of {}.\n",
        finished.clauses_audited.len() + finished.controls_audited.len(),
        clauses.len() + controls.len()
    );

    let planned = |target: Target| -> String {
        let audits: Vec<String> = audits
            .items
            .iter()
            .filter(|item| item.value.target == target)
            .map(|item| escape(&item.value.audit))
            .collect();
        if audits.is_empty() {
            "**no audit yet**".to_string()
        } else {
            audits.join(", ")
        }
    };

    out.push_str("### Gaps: clauses not yet audited\n\n");
    if covered.clauses_missing.is_empty() {
        out.push_str("None: every clause has been audited.\n\n");
    } else {
        out.push_str("| Clause | Title | On the checklist of |\n|---|---|---|\n");
        for id in &covered.clauses_missing {
            let title = audits.title_of(&Target::Clause(id.clone()));
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(id),
                escape(title),
                planned(Target::Clause(id.clone()))
            );
        }
        out.push('\n');
    }

    out.push_str("### Gaps: applicable controls not yet audited\n\n");
    if covered.controls_missing.is_empty() {
        out.push_str("None: every applicable control has been audited.\n");
    } else {
        out.push_str("| Control | Title | Owner | On the checklist of |\n|---|---|---|---|\n");
        for id in &covered.controls_missing {
            let (title, owner) = audits
                .applicable
                .iter()
                .find(|(c, ..)| c == id)
                .map_or(("", ""), |(_, title, owner)| {
                    (title.as_str(), owner.as_str())
                });
            let _ = writeln!(
                out,
                "| A.{} | {} | {} | {} |",
                escape(id),
                escape(title),
                escape(owner),
                planned(Target::Control(id.clone()))
            );
        }
    }
}

/// `05-internal-audit/audit-programme.md`
pub fn file(data: &PackData) -> Result<Vec<u8>> {
    Ok(programme(data).into_bytes())
}
