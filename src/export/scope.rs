//! `01-scope/isms-scope.md`: the scope document (4.3) with the context it rests on: the
//! issues (4.1) and the interested parties with their requirements (4.2).

use std::fmt::Write as _;

use anyhow::Result;

use super::markdown::{escape, heading, or};
use super::PackData;
use crate::domain::dates;

pub const SCOPE: &str = "01-scope/isms-scope.md";

fn table(out: &mut String, headers: &[&str], rows: &[Vec<String>], none: &str) {
    if rows.is_empty() {
        let _ = writeln!(out, "{none}\n");
        return;
    }
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| escape(cell)).collect();
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
        or(
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
    let outside: Vec<Vec<String>> = scope
        .items
        .iter()
        .filter(|s| !s.value.in_scope)
        .map(|s| {
            vec![
                s.value.kind.label().to_string(),
                s.value.name.clone(),
                s.value.justification.clone(),
            ]
        })
        .collect();
    table(
        &mut out,
        &["Kind", "Name", "Why it is left out"],
        &outside,
        "*Nothing is excluded.*",
    );

    out.push_str("## Internal and external issues (4.1)\n\n");
    let issues: Vec<Vec<String>> = scope
        .issues
        .iter()
        .map(|i| {
            vec![
                i.reference.clone(),
                i.value.kind.label().to_string(),
                i.value.description.clone(),
                i.value.effect.clone(),
            ]
        })
        .collect();
    table(
        &mut out,
        &["Ref", "Kind", "Issue", "Effect on the ISMS"],
        &issues,
        "*No issue recorded yet.*",
    );

    out.push_str("## Interested parties (4.2)\n\n");
    let parties: Vec<Vec<String>> = scope
        .parties
        .iter()
        .map(|p| {
            vec![
                p.reference.clone(),
                p.value.name.clone(),
                p.value.needs.clone(),
                p.value.addressed.clone(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "Ref",
            "Party",
            "Needs and expectations",
            "Addressed by the ISMS",
        ],
        &parties,
        "*No interested party recorded yet.*",
    );
    Ok(out.into_bytes())
}
