//! `06-management-review/<MR-ref>-minutes.md`, one per review: attendees, each input with the
//! summary frozen at the meeting and its discussion, the decisions, changes and actions.

use std::fmt::Write;

use anyhow::Result;

use super::audit::file_name_part;
use super::markdown::{escape, heading, or};
use super::{Files, PackData};
use crate::domain::review::INPUTS;

pub const MINUTES: &str = "06-management-review/<MR-ref>-minutes.md";

/// A review's minutes file, inside the pack.
pub fn minutes_path(reference: &str) -> String {
    format!(
        "06-management-review/{}-minutes.md",
        file_name_part(reference)
    )
}

/// Multi-line text as escaped Markdown lines, or `missing` when there is none.
fn text_or(text: &str, missing: &str) -> String {
    if text.trim().is_empty() {
        missing.to_string()
    } else {
        paragraphs(text)
    }
}

/// A compiled input: the workbench lists records one a line, "- ACT-001 ...", which stay a
/// list; everything after the marker, and every other line (text typed in, which may start
/// with "- " too), is escaped.
fn compiled(text: &str) -> String {
    let listed = |item: &str| {
        let letters = item.chars().take_while(char::is_ascii_uppercase).count();
        letters > 0
            && item[letters..].starts_with('-')
            && item[letters + 1..].starts_with(|c: char| c.is_ascii_digit())
    };
    text.trim()
        .lines()
        .map(|line| match line.strip_prefix("- ") {
            Some(item) if listed(item) => format!("- {}", escape(item)),
            _ => escape(line),
        })
        .collect::<Vec<_>>()
        .join("  \n")
}

/// Multi-line text as Markdown paragraphs, each line escaped.
fn paragraphs(text: &str) -> String {
    text.trim()
        .lines()
        .map(escape)
        .collect::<Vec<_>>()
        .join("  \n")
}

pub fn files(data: &PackData) -> Result<Files> {
    let mut files = Files::new();
    for stored in &data.reviews.reviews {
        let (reference, review) = (&stored.reference, &stored.value);
        let mut out = String::new();
        heading(
            &mut out,
            &format!("Management review {reference}"),
            &data.workspace.organisation,
        );
        let date = review
            .date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "date not set".into());
        let _ = writeln!(
            out,
            "Date: {date}. Chair: {}. Status: {}.\n",
            or(&review.chair, "not named"),
            review.status.label()
        );
        let _ = writeln!(
            out,
            "Attendees: {}\n",
            or(&review.attendees.replace('\n', ", "), "not recorded")
        );
        let _ = writeln!(out, "## Inputs (9.3.2)\n");
        for (i, (letter, title)) in INPUTS.iter().enumerate() {
            let _ = writeln!(out, "### {letter}. {}\n", escape(title));
            let text = review.input_text(i);
            let summary = if text.is_empty() {
                "Not compiled.".to_string()
            } else {
                compiled(&text)
            };
            let _ = writeln!(out, "{summary}\n");
            if !review.notes[i].trim().is_empty() {
                let _ = writeln!(out, "Discussion: {}\n", paragraphs(&review.notes[i]));
            }
        }
        let _ = writeln!(out, "## Results (9.3.3)\n");
        let _ = writeln!(
            out,
            "### Decisions on continual improvement\n\n{}\n",
            text_or(&review.decisions, "None recorded.")
        );
        let _ = writeln!(
            out,
            "### Changes needed to the ISMS\n\n{}\n",
            text_or(&review.changes, "None recorded.")
        );
        let _ = writeln!(out, "### Actions\n");
        let actions: Vec<_> = data
            .reviews
            .actions
            .iter()
            .filter(|a| a.value.review == *reference)
            .collect();
        if actions.is_empty() {
            let _ = writeln!(out, "None.\n");
        } else {
            let _ = writeln!(
                out,
                "| Action | Description | Owner | Due | Status |\n|---|---|---|---|---|"
            );
            for a in actions {
                let due = a.value.due_date.map(|d| d.to_string()).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {due} | {} |",
                    a.reference,
                    escape(&a.value.description),
                    escape(&a.value.owner),
                    a.value.status.label()
                );
            }
            out.push('\n');
        }
        files.push((minutes_path(reference), out.into_bytes()));
    }
    Ok(files)
}
