//! Markdown documents of the audit pack, readable as plain text and rendered alike by GitHub,
//! GitLab and editors. Deterministic: the same workspace and date give the same bytes.

use std::fmt::Write;

use anyhow::Result;

use super::soa::SoaRow;
use super::PackData;
use crate::domain::dates;
use crate::domain::soa::{progress, Applicability, Progress};

/// How much of an exclusion's justification the SoA table shows; the Exclusions section has
/// all of it.
const JUSTIFICATION_IN_TABLE: usize = 80;

/// Text for inside a table cell or a line of prose: characters Markdown would read as table
/// borders, emphasis, code, links or HTML are escaped, and line breaks become `<br>`. A start
/// that Markdown would read as a block when the text begins a line (a heading `#`, a list item
/// `-`, `+` or `1.`, a setext underline `=`) is escaped too, so that user text can never add a
/// heading, a list item or a table row to a document (`|` and `>` are escaped everywhere).
pub fn escape(text: &str) -> String {
    let text = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 1);
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let mut rest = text[digits..].chars();
    let (marker, after) = (rest.next(), rest.next());
    // A marker counts only where Markdown reads one: before a space or the end of the line
    // (`-2+3` and `5.1` stay as they are), or repeated as in a rule (`---`, `===`).
    let spaced = after.is_none_or(char::is_whitespace);
    let starts_block = match marker {
        Some('#') => digits == 0,
        Some(c @ ('-' | '+' | '=')) => digits == 0 && (spaced || after == Some(c)),
        Some('.' | ')') => digits > 0 && spaced,
        _ => false,
    };
    if starts_block {
        // Before the marker of a list item, after the digits of a numbered one: `1\.`.
        out.push_str(&text[..digits]);
        out.push('\\');
        out.push_str(&text[digits..digits + 1]);
        return escape_rest(&text[digits + 1..], out);
    }
    escape_rest(&text, out)
}

/// [`escape`] for the text after its start, appended to `out`.
fn escape_rest(text: &str, mut out: String) -> String {
    for c in text.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Multi-line text as Markdown paragraphs: each line escaped as [`escape`] does, a single line
/// break kept in the source (a renderer joins the lines into one paragraph), blank lines
/// separating paragraphs, and never a `<br>`. A line that Markdown would read as a block (a
/// heading, a rule, a list item, a quote, a table row) is escaped by [`escape`] and so stays
/// text: user text cannot add structure to a document.
pub fn paragraphs(text: &str) -> String {
    let text = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push(String::new());
        }
        blank = false;
        out.push(escape(line));
    }
    out.join("\n")
}

/// Prose paragraphs ([`paragraphs`]), or `missing` in their place when there is no text.
pub fn paragraphs_or(text: &str, missing: &str) -> String {
    if text.trim().is_empty() {
        missing.to_string()
    } else {
        paragraphs(text)
    }
}

/// Text for one table cell: its lines joined with spaces, escaped, no `<br>`.
pub fn one_line(text: &str) -> String {
    let joined: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    escape(&joined.join(" "))
}

/// A document's first line: `# Title — Organisation`, or just the title without one.
pub fn heading(out: &mut String, title: &str, organisation: &str) {
    let organisation = organisation.trim();
    if organisation.is_empty() {
        let _ = writeln!(out, "# {}\n", escape(title));
    } else {
        let _ = writeln!(out, "# {} — {}\n", escape(title), escape(organisation));
    }
}

/// Prose text, or `missing` in its place when there is none.
pub fn or(text: &str, missing: &str) -> String {
    if text.trim().is_empty() {
        missing.to_string()
    } else {
        escape(text)
    }
}

/// The first line of `text`, cut at a word to about `max` characters with "…" when longer.
fn shortened(text: &str, max: usize) -> String {
    let first = text.trim().lines().next().unwrap_or("").trim();
    let more_lines = text.trim().lines().nth(1).is_some();
    if first.chars().count() <= max {
        return if more_lines {
            format!("{first} …")
        } else {
            first.to_string()
        };
    }
    let cut: String = first.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{} …", cut.trim_end())
}

/// "1 control", "3 controls".
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// "37 controls: 30 applicable, 2 excluded, 5 undecided."
fn counts(p: &Progress) -> String {
    format!(
        "{}: {} applicable, {} excluded, {} undecided.",
        plural(p.controls, "control", "controls"),
        p.applicable,
        p.excluded,
        p.undecided
    )
}

/// The applicable controls' implementation, in words.
fn implementation(p: &Progress) -> String {
    format!(
        "Of the applicable controls, {} implemented, {} partially implemented, {} planned, {} not started.",
        p.implemented, p.partial, p.planned, p.not_started
    )
}

fn table_row(out: &mut String, row: &SoaRow, marks: bool) {
    let decision = &row.decision;
    let (reasons, status) = match decision.applicability {
        Applicability::No => (
            escape(&shortened(&row.justification, JUSTIFICATION_IN_TABLE)),
            String::new(),
        ),
        _ => (escape(&row.reasons), decision.status.short().to_string()),
    };
    let _ = write!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        escape(&row.control),
        escape(&row.title),
        row.applicable,
        reasons,
        status,
        escape(&row.owner)
    );
    if marks {
        let _ = write!(out, " {} |", escape(&row.changed));
    }
    out.push('\n');
}

/// The SoA as a document: title, export date and approved version, counts, a table per theme,
/// then every exclusion with its full justification.
pub fn soa(data: &PackData) -> String {
    let rows = &data.soa_table.rows;
    let mut out = String::new();
    let organisation = data.workspace.organisation.trim();
    if organisation.is_empty() {
        out.push_str("# Statement of Applicability\n\n");
    } else {
        let _ = writeln!(
            out,
            "# Statement of Applicability — {}\n",
            escape(organisation)
        );
    }

    let _ = writeln!(
        out,
        "Exported on {} by ISMS Workbench. {}\n",
        dates::format_optional(Some(data.today)),
        escape(&data.soa_table.statement(data.today))
    );
    let all = progress(rows.iter().map(|row| &row.decision));
    let _ = writeln!(out, "{} {}\n", counts(&all), implementation(&all));

    let changes = data.soa_table.edition.changes();
    let marks = !changes.is_empty();
    if marks {
        let _ = writeln!(out, "## {}\n", escape(super::soa::CHANGED));
        out.push_str("| Control | What changed | At approval | Today |\n|---|---|---|---|\n");
        for change in changes {
            for (what, before, now) in &change.changes {
                let _ = writeln!(
                    out,
                    "| {} | {what} | {} | {} |",
                    escape(&change.control),
                    or(&shortened(before, JUSTIFICATION_IN_TABLE), "—"),
                    or(&shortened(now, JUSTIFICATION_IN_TABLE), "—")
                );
            }
        }
        out.push('\n');
    }

    let mut start = 0;
    while start < rows.len() {
        let theme = &rows[start].theme;
        let end = rows[start..]
            .iter()
            .position(|row| &row.theme != theme)
            .map_or(rows.len(), |n| start + n);
        let group = &rows[start..end];
        let major = group[0].control.split('.').next().unwrap_or("");
        let _ = writeln!(out, "## {} {} controls\n", escape(major), escape(theme));
        let _ = writeln!(
            out,
            "{}\n",
            counts(&progress(group.iter().map(|row| &row.decision)))
        );
        if marks {
            let _ = writeln!(
                out,
                "| Control | Title | Applicable | Reasons / justification | Status | Owner | {} |",
                super::soa::CHANGED
            );
            out.push_str("|---|---|---|---|---|---|---|\n");
        } else {
            out.push_str(
                "| Control | Title | Applicable | Reasons / justification | Status | Owner |\n",
            );
            out.push_str("|---|---|---|---|---|---|\n");
        }
        for row in group {
            table_row(&mut out, row, marks);
        }
        out.push('\n');
        start = end;
    }

    out.push_str("## Exclusions\n\n");
    let excluded: Vec<&SoaRow> = rows
        .iter()
        .filter(|row| row.decision.applicability == Applicability::No)
        .collect();
    if excluded.is_empty() {
        out.push_str("No control is excluded.\n");
    }
    for row in excluded {
        let _ = writeln!(
            out,
            "- **{} {}**: {}",
            escape(&row.control),
            escape(&row.title),
            escape(&row.justification)
        );
    }
    out
}

/// `03-soa/statement-of-applicability.md`
pub fn soa_file(data: &PackData) -> Result<Vec<u8>> {
    Ok(soa(data).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_markup() {
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape(" one\r\ntwo\rthree\n"), "one<br>two<br>three");
        assert_eq!(
            escape("<script>*x* _y_ `z` [l](u) ~~s~~ \\"),
            "\\<script\\>\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~\\~s\\~\\~ \\\\"
        );
        assert_eq!(escape("R-001, 5.1 & more"), "R-001, 5.1 & more");
    }

    #[test]
    fn paragraphs_keep_their_breaks_without_br() {
        assert_eq!(
            paragraphs(" One\r\ntwo\n\n\nThree | *x*\n# not a heading\n---\n- a list"),
            "One\ntwo\n\nThree \\| \\*x\\*\n\\# not a heading\n\\---\n\\- a list"
        );
        assert_eq!(paragraphs_or("  ", "*None.*"), "*None.*");
        assert_eq!(one_line("a\n\nb | c"), "a b \\| c");
    }

    #[test]
    fn a_start_that_would_make_a_block_is_escaped() {
        assert_eq!(escape("# Owned"), "\\# Owned");
        assert_eq!(escape("  - item"), "\\- item");
        assert_eq!(escape("+ item"), "\\+ item");
        assert_eq!(escape("12. item"), "12\\. item");
        assert_eq!(escape("3) item"), "3\\) item");
        assert_eq!(escape("=== "), "\\===");
        assert_eq!(escape("| a | b |"), "\\| a \\| b \\|");
        assert_eq!(escape("> quote"), "\\> quote");
        assert_eq!(escape("2026 plan - a #1"), "2026 plan - a #1");
        assert_eq!(escape("5.1 Policies"), "5.1 Policies");
        assert_eq!(escape("-2+3"), "-2+3");
        assert_eq!(escape("#1"), "\\#1");
        assert_eq!(escape("R-001"), "R-001");
        assert_eq!(
            paragraphs("ok\n# h\n- l\n1. n\n| a | b |\n|---|---|\n> q\n==="),
            "ok\n\\# h\n\\- l\n1\\. n\n\\| a \\| b \\|\n\\|---\\|---\\|\n\\> q\n\\==="
        );
    }

    #[test]
    fn long_justifications_are_shortened_at_a_word() {
        assert_eq!(shortened("Short.", 80), "Short.");
        assert_eq!(shortened("First line.\nSecond line.", 80), "First line. …");
        let long = "word ".repeat(30);
        let short = shortened(&long, 20);
        assert_eq!(short, "word word word word …");
    }
}
