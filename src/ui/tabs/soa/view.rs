//! Drawing the SoA tab: progress at the top, the controls with the selected one's details,
//! progress by theme, and approved versions with their differences from today.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, Widget, Wrap};

use super::{Section, SoaTab};
use crate::domain::soa::{progress, Applicability, Implementation, Progress};
use crate::ui::components::filter_line as render_filter_line;
use crate::ui::components::render_detail;
use crate::ui::components::ListFrame;
use crate::ui::components::{section_bar, split_list};
use crate::ui::presentation::labelled_field;
use crate::ui::tabs::Sections;
use crate::ui::theme::Theme;

const SIDE_BY_SIDE_WIDTH: u16 = 130;

/// A bar of `width` cells: implemented, partial and planned parts of the applicable controls,
/// drawn with different glyphs so the bar reads without colour.
fn bar(p: &Progress, width: usize, theme: &Theme) -> Vec<Span<'static>> {
    let total = p.applicable.max(1);
    let cells = |n: usize| (n * width).div_ceil(total).min(width);
    let done = cells(p.implemented);
    let partial = cells(p.partial).min(width - done);
    let planned = cells(p.planned).min(width - done - partial);
    let rest = width - done - partial - planned;
    vec![
        Span::styled("█".repeat(done), theme.ok),
        Span::styled("▓".repeat(partial), theme.warn),
        Span::styled("▒".repeat(planned), theme.label),
        Span::styled("░".repeat(rest), theme.muted),
    ]
}

fn theme_short(theme: &str) -> &str {
    match theme {
        "Organizational" => "Org",
        "People" => "People",
        "Physical" => "Phys",
        "Technological" => "Tech",
        other => other,
    }
}

impl SoaTab {
    fn section_titles(&self, short: bool) -> Vec<String> {
        let versions = self.data.versions.len();
        if short {
            vec![
                "Controls".into(),
                "Progress".into(),
                format!("Versions {versions}"),
            ]
        } else {
            vec![
                "6.1.3 d Statement of Applicability".into(),
                "Progress by theme".into(),
                format!("Approved versions ({versions})"),
            ]
        }
    }

    pub fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [bar_area, summary, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        section_bar(
            &self.section_titles(false),
            &self.section_titles(true),
            self.section.index(),
            bar_area,
            buf,
            theme,
        );
        self.render_summary(summary, buf, theme);
        if self.viewing.is_some() {
            self.render_version_view(body, buf, theme);
        } else {
            match self.section {
                Section::Controls => self.render_controls(body, buf, theme),
                Section::Progress => self.render_progress(body, buf, theme),
                Section::Versions => self.render_versions(body, buf, theme),
            }
        }
        if let Some(session) = &self.form {
            let popup = body.inner(Margin::new(if body.width > 110 { 6 } else { 0 }, 0));
            session.form.render(popup, buf, theme);
        }
    }

    fn render_summary(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let p = progress(self.data.decisions.iter().map(|d| &d.value));
        let counts = if area.width >= 100 {
            format!(
                "{} applicable: {} implemented, {} partial, {} planned, {} not started · {} excluded",
                p.applicable, p.implemented, p.partial, p.planned, p.not_started, p.excluded
            )
        } else {
            format!(
                "{} applicable: {} done, {} part, {} planned, {} to start · {} out",
                p.applicable, p.implemented, p.partial, p.planned, p.not_started, p.excluded
            )
        };
        // Undecided first: it is what still needs the user, and it must not be cut off.
        let undecided = format!(" {} undecided · ", p.undecided);
        let style = if p.undecided > 0 {
            theme.warn
        } else {
            theme.ok
        };
        let spans = vec![Span::styled(undecided, style), Span::raw(counts)];
        Paragraph::new(Line::from(spans)).render(area, buf);
    }

    fn render_controls(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let filtering = !self.filter.is_empty() || self.typing;
        let (area, filter_line) = if filtering {
            let [a, f] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
            (a, Some(f))
        } else {
            (area, None)
        };
        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 55);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .order
            .iter()
            .map(|index| {
                let control = &self.data.controls[*index];
                let decision = self.data.decision(&control.id).cloned().unwrap_or_default();
                let (applicable, style) = match decision.applicability {
                    Applicability::Yes => ("Yes", Style::default()),
                    Applicability::No => ("No", theme.muted),
                    Applicability::Undecided => ("? undecided", theme.warn),
                };
                let status = match decision.applicability {
                    Applicability::Yes => decision.status.short(),
                    _ => "",
                };
                let status_style = match (decision.applicability, decision.status) {
                    (Applicability::Yes, Implementation::Implemented) => theme.ok,
                    (Applicability::Yes, Implementation::NotStarted) => theme.warn,
                    _ => Style::default(),
                };
                let risks = self.data.risk_count(&control.id);
                let evidence = self.data.evidence_count(&control.id);
                Row::new(vec![
                    Cell::from(control.id.clone()),
                    Cell::from(control.title.clone()),
                    Cell::from(theme_short(&control.theme).to_string()),
                    Cell::from(Span::styled(applicable, style)),
                    Cell::from(Span::styled(status, status_style)),
                    Cell::from(if risks > 0 {
                        risks.to_string()
                    } else {
                        String::new()
                    }),
                    Cell::from(if evidence > 0 {
                        evidence.to_string()
                    } else {
                        String::new()
                    }),
                ])
            })
            .collect();
        let title = if self.order.len() == self.data.controls.len() {
            format!(" {} controls ", self.data.controls.len())
        } else {
            format!(
                " {} of {} controls ",
                self.order.len(),
                self.data.controls.len()
            )
        };
        let table = Table::new(
            rows,
            [
                Constraint::Length(5),
                Constraint::Min(16),
                Constraint::Length(6),
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Length(5),
                Constraint::Length(4),
            ],
        )
        .header(
            Row::new([
                "Id",
                "Control",
                "Theme",
                "Applicable",
                "Status",
                "Risks",
                "Ev.",
            ])
            .style(theme.title),
        )
        .list_frame(title, theme);
        StatefulWidget::render(table, list_area, buf, &mut self.controls);
        if self.order.is_empty() {
            Paragraph::new(Span::styled(
                "No control matches the filter. Press x to clear it.",
                theme.muted,
            ))
            .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        self.render_control_detail(detail_area, buf, theme);
        if let Some(line) = filter_line {
            render_filter_line(self.filter.describe(), self.typing, line, buf, theme);
        }
    }

    fn render_control_detail(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let Some(index) = self.selected_control_index() else {
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .render(area, buf);
            return;
        };
        let control = &self.data.controls[index];
        let decision = self.data.decision(&control.id).cloned().unwrap_or_default();
        let risks = self
            .data
            .risks
            .get(&control.id)
            .cloned()
            .unwrap_or_default();
        let evidence = self
            .data
            .evidence
            .get(&control.id)
            .cloned()
            .unwrap_or_default();
        let field = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label}: "), theme.label_focus),
                Span::raw(value),
            ])
        };
        let mut lines = vec![
            Line::from(Span::styled(control.guidance.clone(), theme.muted)),
            Line::from(""),
        ];
        lines.push(field("Decision", decision.applicability.label().into()));
        match decision.applicability {
            Applicability::No => lines.extend(labelled_field(
                "Why excluded",
                "soa_decision",
                &control.id,
                "justification",
                &decision.justification,
                theme,
            )),
            _ => {
                let reasons = decision.reasons_text(risks.len());
                lines.push(field(
                    "Reasons",
                    if reasons.is_empty() {
                        "(none yet)".into()
                    } else {
                        reasons
                    },
                ));
                lines.push(field("Status", decision.status.label().into()));
                lines.push(field(
                    "Owner",
                    if decision.owner.is_empty() {
                        "(none)".into()
                    } else {
                        decision.owner.clone()
                    },
                ));
                let date = |d: Option<chrono::NaiveDate>| {
                    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
                };
                lines.push(field(
                    "Target / reviewed",
                    format!(
                        "{} / {}",
                        date(decision.target_date),
                        date(decision.last_reviewed)
                    ),
                ));
            }
        }
        lines.push(field(
            "Risks",
            if risks.is_empty() {
                "(none)".into()
            } else {
                risks.join(", ")
            },
        ));
        if evidence.is_empty() {
            lines.push(field("Evidence", "(none linked yet)".into()));
        } else {
            lines.push(field("Evidence", String::new()));
            for reference in &evidence {
                let title = self
                    .data
                    .document_titles
                    .get(reference)
                    .map(String::as_str)
                    .unwrap_or("");
                lines.push(Line::from(format!("  {reference} {title}")));
            }
        }
        if decision.applicability == Applicability::Yes {
            lines.push(Line::from(""));
            lines.extend(labelled_field(
                "How implemented",
                "soa_decision",
                &control.id,
                "how",
                &decision.how,
                theme,
            ));
        }
        let attributes = [
            ("Type", &control.control_type),
            ("Properties", &control.security_properties),
            ("Concepts", &control.cybersecurity_concepts),
            ("Capabilities", &control.operational_capabilities),
            ("Domains", &control.security_domains),
        ];
        for (label, values) in attributes {
            lines.push(field(
                label,
                values
                    .iter()
                    .map(|v| v.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        render_detail(
            format!(" {} {} · Enter to decide ", control.id, control.title),
            lines,
            area,
            buf,
            theme,
        );
    }

    fn render_progress(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .title(Span::styled(
                " Implementation of applicable controls, by theme ",
                theme.title,
            ));
        let inner = block.inner(area);
        block.render(area, buf);
        let label_width = 16;
        let counts_width = 40;
        let bar_width = (inner.width as usize)
            .saturating_sub(label_width + counts_width + 2)
            .max(4);
        let mut lines = Vec::new();
        let mut themes: Vec<&str> = Vec::new();
        for control in &self.data.controls {
            if !themes.contains(&control.theme.as_str()) {
                themes.push(&control.theme);
            }
        }
        let line = |name: &str, p: &Progress| {
            let mut spans = vec![Span::styled(
                format!("{name:<label_width$}"),
                theme.label_focus,
            )];
            spans.extend(bar(p, bar_width, theme));
            spans.push(Span::raw(format!(
                " {:>2}/{:<2} done, {} part, {} plan, {} to start",
                p.implemented, p.applicable, p.partial, p.planned, p.not_started
            )));
            Line::from(spans)
        };
        let all = progress(self.data.decisions.iter().map(|d| &d.value));
        lines.push(line("All themes", &all));
        lines.push(Line::from(""));
        for name in themes {
            let p = progress(
                self.data
                    .controls
                    .iter()
                    .filter(|c| c.theme == name)
                    .filter_map(|c| self.data.decision(&c.id)),
            );
            lines.push(line(name, &p));
            lines.push(Line::from(Span::styled(
                format!(
                    "{:label_width$}{} controls: {} applicable, {} excluded, {} undecided",
                    "", p.controls, p.applicable, p.excluded, p.undecided
                ),
                theme.muted,
            )));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled("█", theme.ok),
            Span::raw(" implemented  "),
            Span::styled("▓", theme.warn),
            Span::raw(" partially  "),
            Span::styled("▒", theme.label),
            Span::raw(" planned  "),
            Span::styled("░", theme.muted),
            Span::raw(" not started"),
        ]));
        Paragraph::new(Text::from(lines)).render(inner, buf);
    }

    fn render_versions(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 40);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .data
            .versions
            .iter()
            .map(|v| {
                Row::new(vec![
                    Cell::from(v.value.label.clone()),
                    Cell::from(v.value.approved_on.to_string()),
                    Cell::from(v.value.approved_by.clone()),
                ])
            })
            .collect();
        let empty = rows.is_empty();
        let table = Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Length(11),
                Constraint::Min(10),
            ],
        )
        .header(Row::new(["Version", "Approved", "By"]).style(theme.title))
        .list_frame(" Approved versions · a approves ", theme);
        StatefulWidget::render(table, list_area, buf, &mut self.versions);
        if empty {
            Paragraph::new(Span::styled(
                "No version approved yet. Press a to approve the SoA as it is now.",
                theme.muted,
            ))
            .wrap(Wrap { trim: true })
            .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        let Some(version) = self
            .versions
            .selected()
            .and_then(|i| self.data.versions.get(i))
        else {
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .render(detail_area, buf);
            return;
        };
        let mut lines: Vec<Line> = Vec::new();
        if let Some(error) = &self.changes_error {
            lines.push(Line::from(Span::styled(format!("✗ {error}"), theme.error)));
        } else if self.changes.is_empty() {
            lines.push(Line::from(Span::styled(
                "No control has changed since this version.",
                theme.ok,
            )));
        }
        for change in &self.changes {
            let title = self
                .data
                .controls
                .iter()
                .find(|c| c.id == change.control)
                .map(|c| c.title.as_str())
                .unwrap_or("");
            lines.push(Line::from(Span::styled(
                format!("{} {title}", change.control),
                theme.label_focus,
            )));
            for (what, before, now) in &change.changes {
                let shorten = |text: &str| {
                    let text = text.replace('\n', " ");
                    if text.chars().count() > 60 {
                        format!("{}…", text.chars().take(59).collect::<String>())
                    } else if text.is_empty() {
                        "—".into()
                    } else {
                        text
                    }
                };
                lines.push(Line::from(format!(
                    "  {what}: {} → {}",
                    shorten(before),
                    shorten(now)
                )));
            }
        }
        let title = format!(
            " Changes since {} ({} controls) · PgUp/PgDn scroll ",
            version.value.label,
            self.changes.len()
        );
        // Keep the scroll within the text (lines are short; wrapping rarely adds rows).
        let visible = usize::from(detail_area.height.saturating_sub(2));
        self.changes_scroll = self.changes_scroll.min(lines.len().saturating_sub(visible));
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .scroll((self.changes_scroll as u16, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border)
                    .title(Span::styled(title, theme.title)),
            )
            .render(detail_area, buf);
    }

    /// An approved version's frozen rows, read-only: each control that changed since marked
    /// with what changed, and beside (or below) the list the selected row as frozen with its
    /// changes up to today.
    fn render_version_view(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let Some(view) = &mut self.viewing else {
            return;
        };
        let [note, area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let edition = crate::domain::soa::SoaEdition::Frozen {
            version: view.version.clone(),
            changes: view.changes.clone(),
        };
        let count = view.changes.len();
        let style = if count > 0 { theme.warn } else { theme.ok };
        let marked = if count > 0 { " (marked ●)" } else { "" };
        let label = view.version.label.trim().to_string();
        let compared = view.compared_with().map(|v| v.label.trim().to_string());
        let mut text = match &compared {
            Some(before) => format!(
                "{} from {before} to {label}{marked} · c compares with today",
                sentence_case(&match count {
                    0 => "no control changed".to_string(),
                    1 => "1 control changed".to_string(),
                    n => format!("{n} controls changed"),
                })
            ),
            None => format!("{}{marked}", sentence_case(&edition.changed_since())),
        };
        if compared.is_none() && text.chars().count() > usize::from(note.width) {
            // The title names who approved it and when.
            text = match count {
                0 => format!("No control changed since {label}"),
                1 => format!("1 control changed since {label}{marked}"),
                n => format!("{n} controls changed since {label}{marked}"),
            };
        }
        Paragraph::new(Line::from(Span::styled(text, style))).render(note, buf);
        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 55);
        self.list_area = list_area;
        let titles: std::collections::HashMap<&str, &str> = self
            .data
            .controls
            .iter()
            .map(|c| (c.id.as_str(), c.title.as_str()))
            .collect();
        let rows: Vec<Row> = view
            .rows
            .iter()
            .map(|row| {
                let decision = &row.decision;
                let (applicable, style) = match decision.applicability {
                    Applicability::Yes => ("Yes", Style::default()),
                    Applicability::No => ("No", theme.muted),
                    Applicability::Undecided => ("? undecided", theme.warn),
                };
                let status = match decision.applicability {
                    Applicability::Yes => decision.status.short(),
                    _ => "",
                };
                let changed = view
                    .changes
                    .iter()
                    .find(|c| c.control == row.control)
                    .map(|c| format!("● {}", c.fields()))
                    .unwrap_or_default();
                Row::new(vec![
                    Cell::from(row.control.clone()),
                    Cell::from(titles.get(row.control.as_str()).copied().unwrap_or("")),
                    Cell::from(Span::styled(applicable, style)),
                    Cell::from(status),
                    Cell::from(Span::styled(changed, theme.warn)),
                ])
            })
            .collect();
        let title = format!(
            " {} as approved on {} by {} · read-only ",
            view.version.label.trim(),
            view.version.approved_on,
            view.version.approved_by.trim()
        );
        let table = Table::new(
            rows,
            [
                Constraint::Length(5),
                Constraint::Fill(3),
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Fill(2),
            ],
        )
        .header(
            Row::new(vec![
                "Id".to_string(),
                "Control".to_string(),
                "Applicable".to_string(),
                "Status".to_string(),
                match &compared {
                    Some(before) => format!("Changed from {before}"),
                    None => "Changed since".to_string(),
                },
            ])
            .style(theme.title),
        )
        .list_frame(title, theme);
        StatefulWidget::render(table, list_area, buf, &mut view.table);

        let Some(row) = view.table.selected().and_then(|i| view.rows.get(i)) else {
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .render(detail_area, buf);
            return;
        };
        let decision = &row.decision;
        let field = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label}: "), theme.label_focus),
                Span::raw(if value.trim().is_empty() {
                    "—".to_string()
                } else {
                    value
                }),
            ])
        };
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut lines = Vec::new();
        match view.changes.iter().find(|c| c.control == row.control) {
            None => lines.push(Line::from(Span::styled(
                match &compared {
                    Some(before) => format!("Unchanged from {before}."),
                    None => format!("Unchanged since {label}."),
                },
                theme.ok,
            ))),
            Some(change) => {
                lines.push(Line::from(Span::styled(
                    match &compared {
                        Some(before) => format!("Changed from {before} ({before} → {label}):"),
                        None => format!("Changed since {label} (then → today):"),
                    },
                    theme.warn,
                )));
                for (what, before, now) in &change.changes {
                    let text = |t: &str| {
                        if t.trim().is_empty() {
                            "—".to_string()
                        } else {
                            t.replace('\n', " ")
                        }
                    };
                    lines.push(Line::from(format!(
                        "  {what}: {} → {}",
                        text(before),
                        text(now)
                    )));
                }
            }
        }
        lines.push(Line::from(""));
        lines.extend([
            field("Decision", decision.applicability.label().into()),
            field("Reasons", decision.reasons_text(row.linked_risks)),
            field("Why excluded", decision.justification.clone()),
            field("Status", decision.status.label().into()),
            field("How implemented", decision.how.clone()),
            field("Owner", decision.owner.clone()),
            field("Target date", date(decision.target_date)),
            field("Risks naming it", row.linked_risks.to_string()),
        ]);
        render_detail(
            format!(
                " {} {} as approved ",
                row.control,
                titles.get(row.control.as_str()).copied().unwrap_or("")
            ),
            lines,
            detail_area,
            buf,
            theme,
        );
    }
}

/// The sentence with its first letter in capitals.
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
