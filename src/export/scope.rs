//! `01-scope/isms-scope.md`: the scope document (4.3) with the context it rests on: the
//! issues (4.1), whether climate change is one of them, and the interested parties with their
//! requirements (4.2).
//!
//! Text typed on several lines is written as Markdown paragraphs, never with `<br>`: tables
//! hold only one-line cells (kinds and names), and the records with longer text (exclusions,
//! issues, parties) each get a heading with their text below it.

use std::fmt::Write as _;

use anyhow::Result;

use super::markdown::{escape, heading, one_line, paragraphs, paragraphs_or};
use super::PackData;
use crate::domain::dates;
use crate::domain::workspace::climate_label;

pub const SCOPE: &str = "01-scope/isms-scope.md";

fn table(out: &mut String, headers: &[&str], rows: &[Vec<String>], none: &str) {
    if rows.is_empty() {
        let _ = writeln!(out, "{none}\n");
        return;
    }
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| one_line(cell)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

pub fn file(data: &PackData) -> Result<Vec<u8>> {
    let scope = &data.scope;
    let mut out = String::new();
    heading(&mut out, "ISMS scope", &data.workspace.organisation);
    let isms = data.workspace.isms_name.trim();
    let _ = writeln!(
        out,
        "Exported on {} by ISMS Workbench.{}\n",
        dates::format_optional(Some(data.today)),
        if isms.is_empty() {
            String::new()
        } else {
            format!(" ISMS: {}.", escape(isms))
        }
    );
    let _ = writeln!(
        out,
        "## Scope statement (4.3)\n\n{}\n",
        paragraphs_or(
            &data.workspace.scope_statement,
            "*No scope statement has been written yet.*"
        )
    );

    out.push_str("## Inside the boundaries\n\n");
    let inside: Vec<Vec<String>> = scope
        .items
        .iter()
        .filter(|s| s.value.in_scope)
        .map(|s| vec![s.value.kind.label().to_string(), s.value.name.clone()])
        .collect();
    table(&mut out, &["Kind", "Name"], &inside, "*No scope item yet.*");

    out.push_str("## Exclusions\n\n");
    let mut excluded = 0;
    for item in scope.items.iter().filter(|s| !s.value.in_scope) {
        excluded += 1;
        let _ = writeln!(
            out,
            "### {} · {}: {}\n\n{}\n",
            item.reference,
            item.value.kind.label(),
            one_line(&item.value.name),
            paragraphs_or(&item.value.justification, "*No justification recorded.*")
        );
    }
    if excluded == 0 {
        out.push_str("*Nothing is excluded.*\n\n");
    }

    out.push_str("## Internal and external issues (4.1)\n\n");
    let climate = data.workspace.climate_relevant;
    let _ = writeln!(
        out,
        "**Climate change as a relevant issue:** {}\n\n{}\n",
        climate_label(climate),
        if climate.is_none() {
            "*Not yet decided.*".to_string()
        } else {
            paragraphs_or(&data.workspace.climate_note, "*No reasons recorded.*")
        }
    );
    if scope.issues.is_empty() {
        out.push_str("*No issue recorded yet.*\n\n");
    }
    for issue in &scope.issues {
        let _ = writeln!(
            out,
            "### {} · {}\n\n{}\n\n**Effect on the ISMS:**\n\n{}\n",
            issue.reference,
            issue.value.kind.label(),
            paragraphs(&issue.value.description),
            paragraphs_or(&issue.value.effect, "*Not recorded.*")
        );
    }

    out.push_str("## Interested parties (4.2)\n\n");
    if scope.parties.is_empty() {
        out.push_str("*No interested party recorded yet.*\n\n");
    }
    for party in &scope.parties {
        let _ = writeln!(
            out,
            "### {} · {}\n\n**Needs and expectations:**\n\n{}\n\n**Addressed by the ISMS:**\n\n{}\n",
            party.reference,
            one_line(&party.value.name),
            paragraphs_or(&party.value.needs, "*Not recorded.*"),
            paragraphs_or(&party.value.addressed, "*Not recorded.*")
        );
    }
    Ok(out.into_bytes())
}
