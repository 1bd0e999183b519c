//! `05-internal-audit/<IA-ref>-report.md`: one audit's report (9.2.2): who audited what
//! against which criteria, the results by kind, the nonconformities raised, the observations
//! and opportunities for improvement, the conclusion, and the whole checklist.

use std::fmt::Write;

use anyhow::Result;

use super::audit::{
    clauses_in_scope, controls_in_scope, independence_warnings, period, report_path,
};
use super::markdown::{escape, heading, or, plural};
use super::{Files, PackData};
use crate::domain::audit::{result_counts, Audit, ChecklistItem, Finding};
use crate::domain::dates;
use crate::store::{AuditData, Stored};

/// How a result reads in the checklist table.
fn result_text(result: Finding) -> &'static str {
    match result {
        Finding::NotAudited => "Not yet audited",
        other => other.short(),
    }
}

fn facts(out: &mut String, reference: &str, audit: &Audit, data: &AuditData) {
    let when = |start, end, missing: &str| period(start, end).unwrap_or_else(|| missing.into());
    let _ = writeln!(out, "- Reference: {}", escape(reference));
    let _ = writeln!(out, "- Status: {}", audit.status.label());
    let _ = writeln!(
        out,
        "- Planned: {}",
        when(audit.planned_start, audit.planned_end, "not set")
    );
    let _ = writeln!(
        out,
        "- Conducted: {}",
        when(audit.actual_start, audit.actual_end, "not yet")
    );
    let _ = writeln!(
        out,
        "- Lead auditor: {}",
        or(&audit.lead_auditor, "not named")
    );
    let _ = writeln!(
        out,
        "- Audit team: {}",
        or(&audit.auditors, "the lead auditor alone")
    );
    let _ = writeln!(
        out,
        "- Clauses in scope: {}",
        escape(&clauses_in_scope(audit, data))
    );
    let _ = writeln!(
        out,
        "- Controls in scope: {}",
        escape(&controls_in_scope(audit, data))
    );
    let _ = writeln!(out, "- Criteria: {}", or(&audit.criteria, "not recorded"));
    let _ = writeln!(
        out,
        "- Independence: {}",
        or(&audit.independence_note, "no note recorded")
    );
    let warnings = independence_warnings(audit, data);
    if warnings.is_empty() {
        out.push_str("- Independence warnings: none.\n");
    } else {
        out.push_str("- Independence warnings:\n");
        for warning in &warnings {
            let _ = writeln!(out, "  - Warning: {}", escape(warning));
        }
    }
    out.push('\n');
}

fn results_by_kind(out: &mut String, items: &[&ChecklistItem]) {
    out.push_str("## Results by kind\n\n");
    let counts = result_counts(items.iter().copied());
    let not_audited = counts
        .iter()
        .find(|(finding, _)| *finding == Finding::NotAudited)
        .map_or(0, |(_, count)| *count);
    let _ = writeln!(
        out,
        "{}, {} audited.\n",
        plural(items.len(), "checklist item", "checklist items"),
        items.len() - not_audited
    );
    out.push_str("| Result | Items |\n|---|---|\n");
    let audited = counts.iter().filter(|(f, _)| *f != Finding::NotAudited);
    for (finding, count) in audited {
        let _ = writeln!(out, "| {} | {count} |", finding.label());
    }
    let _ = writeln!(out, "| {} | {not_audited} |", Finding::NotAudited.label());
    let _ = writeln!(out, "| Total | {} |\n", items.len());
}

fn nonconformities(out: &mut String, reference: &str, data: &PackData) {
    out.push_str("## Nonconformities\n\n");
    let raised: Vec<_> = data
        .audits
        .nonconformities
        .iter()
        .filter(|nc| nc.value.audit == reference)
        .collect();
    if raised.is_empty() {
        out.push_str("None raised.\n\n");
        return;
    }
    out.push_str("| Reference | Grade | Checklist item | Statement | Status | Due |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    let prefix = format!("{reference}/");
    for stored in raised {
        let nc = &stored.value;
        let item = nc.item.strip_prefix(&prefix).unwrap_or(&nc.item);
        let mut due = dates::format_optional(nc.due_date);
        if nc.is_overdue(data.today) {
            due.push_str(" **overdue**");
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            escape(&stored.reference),
            nc.grade.label(),
            escape(item),
            escape(&nc.statement),
            nc.status.label(),
            due.trim()
        );
    }
    out.push('\n');
}

/// A section listing the items with `result`: target, title, then the notes (or the
/// evidence when there are no notes).
fn items_with(
    out: &mut String,
    title: &str,
    result: Finding,
    items: &[&ChecklistItem],
    data: &AuditData,
) {
    let _ = writeln!(out, "## {title}\n");
    let found: Vec<_> = items.iter().filter(|item| item.result == result).collect();
    if found.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    for item in found {
        let said = if item.notes.trim().is_empty() {
            &item.evidence
        } else {
            &item.notes
        };
        let _ = writeln!(
            out,
            "- **{} {}**: {}",
            escape(&item.target.label()),
            escape(data.title_of(&item.target)),
            or(said, "no notes")
        );
    }
    out.push('\n');
}

fn checklist(out: &mut String, items: &[&ChecklistItem], data: &AuditData) {
    out.push_str("## Checklist\n\n");
    if items.is_empty() {
        out.push_str("The checklist is empty: nothing in scope is on it.\n");
        return;
    }
    out.push_str("| Target | Title | Result | Evidence examined | Records sampled | Notes |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for item in items {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            escape(&item.target.label()),
            escape(data.title_of(&item.target)),
            result_text(item.result),
            escape(&item.evidence),
            escape(&item.records),
            escape(&item.notes)
        );
    }
}

/// One audit's report as a document.
pub fn report(data: &PackData, audit: &Stored<Audit>) -> String {
    let (reference, value) = (audit.reference.as_str(), &audit.value);
    let audits = &data.audits;
    let items: Vec<&ChecklistItem> = audits.items_of(reference).map(|i| &i.value).collect();
    let mut out = String::new();
    heading(
        &mut out,
        &format!("Internal audit report {reference}: {}", value.title.trim()),
        &data.workspace.organisation,
    );
    let _ = writeln!(
        out,
        "Exported on {} by ISMS Workbench.\n",
        dates::format_optional(Some(data.today))
    );
    facts(&mut out, reference, value, audits);
    results_by_kind(&mut out, &items);
    nonconformities(&mut out, reference, data);
    items_with(
        &mut out,
        "Observations",
        Finding::Observation,
        &items,
        audits,
    );
    items_with(
        &mut out,
        "Opportunities for improvement",
        Finding::Improvement,
        &items,
        audits,
    );
    out.push_str("## Conclusion\n\n");
    let _ = writeln!(out, "{}\n", or(&value.conclusion, "Not concluded yet."));
    checklist(&mut out, &items, audits);
    out
}

/// `05-internal-audit/<IA-ref>-report.md`, one per audit of the programme, in its order.
pub fn files(data: &PackData) -> Result<Files> {
    Ok(data
        .audits
        .audits
        .iter()
        .map(|audit| {
            (
                report_path(&audit.reference),
                report(data, audit).into_bytes(),
            )
        })
        .collect())
}
