//! Drawing the Risks tab: section bar, register with details, heat map, treatment plan,
//! asset register and method; the open form on top.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

use super::{RisksTab, Section};
use crate::domain::dates::format_optional;
use crate::domain::method::RiskMethod;
use crate::domain::register::PlanGrouping;
use crate::domain::risk::{AcceptanceState, Risk, RiskStatus, TreatmentProgress};
use crate::ui::components::render_detail;
use crate::ui::components::ListFrame;
use crate::ui::components::{fit_columns, ListColumn};
use crate::ui::components::{section_bar, split_list};
use crate::ui::presentation::{labelled_field, labelled_fields, render_table};
use crate::ui::tabs::Sections;
use crate::ui::theme::Theme;

/// Width from which the detail pane sits beside the list instead of below it.
const SIDE_BY_SIDE_WIDTH: u16 = 130;

fn short_status(status: RiskStatus) -> &'static str {
    match status {
        RiskStatus::TreatmentPlanned => "Planned",
        other => other.label(),
    }
}

/// "20 Critical": a score with its band, so the level never rests on colour alone.
fn scored(method: &RiskMethod, score: u32) -> String {
    match method.band(score) {
        Some((_, band)) => format!("{score:>2} {}", band.name),
        None => score.to_string(),
    }
}

fn level_style(method: &RiskMethod, score: u32, theme: &Theme) -> Style {
    method
        .band(score)
        .map(|(index, _)| theme.level(index, method.bands.len()))
        .unwrap_or_default()
}

fn split(area: Rect) -> (Rect, Rect) {
    split_list(area, SIDE_BY_SIDE_WIDTH, 58)
}

impl RisksTab {
    fn section_titles(&self, short: bool) -> Vec<String> {
        let risks = self.data.risks.len();
        let assets = self.data.assets.len();
        let size = self.data.method.size;
        if short {
            vec![
                format!("Risks {risks}"),
                "Heat map".into(),
                "Plan".into(),
                format!("Assets {assets}"),
                "Method".into(),
            ]
        } else {
            vec![
                format!("6.1.2 Risk register ({risks})"),
                "Heat map".into(),
                "6.1.3 Treatment plan".into(),
                format!("Assets ({assets})"),
                format!("Method ({size}x{size})"),
            ]
        }
    }

    pub fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        section_bar(
            &self.section_titles(false),
            &self.section_titles(true),
            self.section.index(),
            bar,
            buf,
            theme,
        );
        match self.section {
            Section::Register => self.render_register(body, buf, theme),
            Section::HeatMap => self.render_heat_map(body, buf, theme),
            Section::Plan => self.render_plan(body, buf, theme),
            Section::Assets => self.render_assets(body, buf, theme),
            Section::Method => self.render_method(body, buf, theme),
        }
        if let Some(session) = &self.form {
            let popup = body.inner(Margin::new(if body.width > 110 { 6 } else { 0 }, 0));
            session.form.render(popup, buf, theme);
        }
    }

    fn filter_summary(&self) -> String {
        let filter = self.register.filter();
        let mut parts = Vec::new();
        if !filter.text.is_empty() || self.register.is_typing_filter() {
            parts.push(format!("text \"{}\"", filter.text));
        }
        if let Some(level) = filter.level.and_then(|l| self.data.method.bands.get(l)) {
            parts.push(format!("level {}", level.name));
        }
        if let Some(status) = filter.status {
            parts.push(format!("status {}", status.label()));
        }
        if let Some(owner) = &filter.owner {
            parts.push(format!("owner {owner}"));
        }
        if let Some((l, i, residual)) = filter.cell {
            parts.push(format!(
                "{} cell L{l} x I{i}",
                if residual { "residual" } else { "inherent" }
            ));
        }
        parts.join(", ")
    }

    fn render_register(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let filtering = !self.register.filter().is_empty() || self.register.is_typing_filter();
        let (area, filter_line) = if filtering {
            let [a, f] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
            (a, Some(f))
        } else {
            (area, None)
        };
        let (list_area, detail_area) = split(area);
        self.list_area = list_area;
        // Narrow lists drop the treatment, then the owner, then the due date and the status,
        // keeping the titles readable; the reference always stays.
        let columns = [
            ListColumn::new("Ref", Constraint::Length(6), 0),
            ListColumn::new("Title", Constraint::Min(16), 1),
            ListColumn::new("Owner", Constraint::Length(22), 8),
            ListColumn::new("Inherent", Constraint::Length(11), 2),
            ListColumn::new("Residual", Constraint::Length(11), 3),
            ListColumn::new("Treatment", Constraint::Length(9), 9),
            ListColumn::new("Status", Constraint::Length(10), 5),
            ListColumn::new("Due", Constraint::Length(11), 6),
            ListColumn::new("Acc", Constraint::Length(3), 4),
        ];
        let kept = fit_columns(&columns, list_area.width);
        let method = &self.data.method;
        let today = self.today;
        let (sort, descending) = self.register.sort();
        let total = self.data.risks.len();
        let shown = self.register.len();
        let height = list_area.height.saturating_sub(3) as usize;
        let (_, window, cursor) = self.register.window(height);
        let rows: Vec<Row> = window
            .iter()
            .map(|index| {
                let stored = &self.data.risks[*index];
                let risk = &stored.value;
                let mut cells = vec![
                    Cell::from(stored.reference.clone()),
                    Cell::from(risk.title.clone()),
                ];
                cells.push(Cell::from(risk.owner.clone()));
                cells.push(Cell::from(Span::styled(
                    scored(method, risk.score()),
                    level_style(method, risk.score(), theme),
                )));
                cells.push(match risk.residual_position_score() {
                    Some(score) => Cell::from(Span::styled(
                        scored(method, score),
                        level_style(method, score, theme),
                    )),
                    None => Cell::from(Span::styled("  —", theme.muted)),
                });
                // Treatment progress beside the option: open (…) or done (✓), apart from the
                // owner's acceptance in the last column.
                let progress = match risk.treatment_progress() {
                    TreatmentProgress::Open => " …",
                    TreatmentProgress::Done => " ✓",
                    TreatmentProgress::Retained | TreatmentProgress::NotChosen => "",
                };
                cells.push(Cell::from(format!(
                    "{}{progress}",
                    risk.treatment.map(|t| t.label()).unwrap_or("—")
                )));
                cells.push(Cell::from(short_status(risk.status)));
                let due = format_optional(risk.due_date);
                cells.push(if risk.is_overdue(today) {
                    Cell::from(Span::styled(format!("⚠{due}"), theme.warn))
                } else {
                    Cell::from(due)
                });
                let state = risk.acceptance_state(today);
                let style = match state {
                    AcceptanceState::Stale | AcceptanceState::Expired => theme.warn,
                    _ => theme.ok,
                };
                cells.push(Cell::from(Span::styled(state.mark(), style)));
                let cells: Vec<Cell> = cells
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| kept.contains(i))
                    .map(|(_, cell)| cell)
                    .collect();
                Row::new(cells).bottom_margin(theme.row_gap())
            })
            .collect();
        let header: Vec<&str> = kept.iter().map(|i| columns[*i].header).collect();
        let widths: Vec<Constraint> = kept.iter().map(|i| columns[*i].width).collect();
        let arrow = if descending { "↓" } else { "↑" };
        let title = if shown == total {
            format!(
                " {} · sorted by {} {arrow} ",
                super::risks(total),
                sort.label()
            )
        } else {
            format!(
                " {shown} of {} · sorted by {} {arrow} ",
                super::risks(total),
                sort.label()
            )
        };
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(theme.title))
            .list_frame(title, theme);
        let mut state = TableState::default().with_selected(cursor);
        StatefulWidget::render(table, list_area, buf, &mut state);
        if shown == 0 {
            let message = if total == 0 {
                "No risks yet. Press n to add one."
            } else {
                "No risk matches the filter. Press x to clear it."
            };
            Paragraph::new(Span::styled(message, theme.muted))
                .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        self.render_risk_detail(detail_area, buf, theme);
        if let Some(line) = filter_line {
            let typing = if self.register.is_typing_filter() {
                "▏ (Enter keep, Esc clear)"
            } else {
                " · x clears"
            };
            let text = Line::from(vec![
                Span::styled(" Filter: ", theme.label_focus),
                Span::raw(self.filter_summary()),
                Span::styled(typing, theme.muted),
            ]);
            Paragraph::new(text).render(line, buf);
        }
    }

    fn render_risk_detail(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let Some((reference, risk)) = self.selected_risk() else {
            Paragraph::new(Span::styled("Nothing selected.", theme.muted))
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(theme.border),
                )
                .render(area, buf);
            return;
        };
        let lines = self.risk_lines(&reference, &risk, theme);
        render_detail(
            format!(" {reference} · {} ", risk.title),
            lines,
            area,
            buf,
            theme,
        );
    }

    fn risk_lines(&self, reference: &str, risk: &Risk, theme: &Theme) -> Vec<Line<'static>> {
        let method = &self.data.method;
        let level_name = |l: u8, levels: &[crate::domain::method::Level]| {
            levels
                .get(usize::from(l).saturating_sub(1))
                .map(|x| x.label.clone())
                .unwrap_or_default()
        };
        let field = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label}: "), theme.label_focus),
                Span::raw(value),
            ])
        };
        let mut lines = vec![
            field(
                "Inherent",
                format!(
                    "L{} {} x I{} {} = {}",
                    risk.likelihood,
                    level_name(risk.likelihood, &method.likelihood),
                    risk.impact,
                    level_name(risk.impact, &method.impact),
                    scored(method, risk.score()).trim()
                ),
            ),
            field(
                "Residual",
                match (
                    risk.residual_likelihood,
                    risk.residual_impact,
                    risk.residual_score(),
                ) {
                    (Some(l), Some(i), Some(score)) => {
                        format!("L{l} x I{i} = {}", scored(method, score).trim())
                    }
                    _ => match risk.residual_position() {
                        Some((l, i)) => format!(
                            "L{l} x I{i} = {} (retained: as inherent)",
                            scored(method, u32::from(l) * u32::from(i)).trim()
                        ),
                        None => "not assessed".into(),
                    },
                },
            ),
            field(
                "Owner",
                if risk.owner.is_empty() {
                    "(none yet)".into()
                } else {
                    risk.owner.clone()
                },
            ),
            field(
                "Status",
                format!(
                    "{}{}",
                    risk.status.label(),
                    if risk.is_overdue(self.today) {
                        "  ⚠ treatment overdue"
                    } else {
                        ""
                    }
                ),
            ),
        ];
        let acceptance = match (&risk.acceptance, risk.acceptance_state(self.today)) {
            (Some(a), state) => {
                let until = a
                    .valid_until
                    .map(|d| format!(", valid until {d}"))
                    .unwrap_or_default();
                let mark = match state {
                    AcceptanceState::Stale => "! STALE: the risk changed after it was accepted; ",
                    AcceptanceState::Expired => "⌛ EXPIRED: ",
                    _ => "✓ ",
                };
                format!(
                    "{mark}accepted by {} on {}{until}",
                    a.accepted_by, a.accepted_on
                )
            }
            (None, _) => "not accepted (press a)".into(),
        };
        lines.push(field("Acceptance", acceptance));
        let progress = match risk.treatment_progress() {
            TreatmentProgress::Open => ", open (not yet done)",
            TreatmentProgress::Done => ", done",
            TreatmentProgress::Retained | TreatmentProgress::NotChosen => "",
        };
        lines.push(field(
            "Treatment",
            format!(
                "{}{progress}{}",
                risk.treatment.map(|t| t.label()).unwrap_or("not chosen"),
                risk.due_date
                    .map(|d| format!(", due {d}"))
                    .unwrap_or_default()
            ),
        ));
        let assets: Vec<String> = risk
            .assets
            .iter()
            .map(|r| {
                format!(
                    "{r} {}",
                    self.asset_names.get(r).cloned().unwrap_or_default()
                )
            })
            .collect();
        lines.push(field(
            "Assets",
            if assets.is_empty() {
                "(none)".into()
            } else {
                assets.join("; ")
            },
        ));
        let mut controls = risk.controls.clone();
        controls.sort_by_key(|id| crate::domain::catalogue::control_sort_key(id));
        lines.push(field(
            "Controls",
            if controls.is_empty() {
                "(none)".into()
            } else {
                controls.join(", ")
            },
        ));
        lines.push(field(
            "Next review",
            risk.next_review
                .map_or_else(|| "—".to_string(), |d| d.to_string()),
        ));
        lines.push(Line::from(""));
        lines.extend(labelled_fields(
            "risk",
            reference,
            &[
                ("Threat", "threat", &risk.threat),
                ("Vulnerability", "vulnerability", &risk.vulnerability),
                ("Treatment plan", "treatment_plan", &risk.treatment_plan),
                ("Description", "description", &risk.description),
            ],
            theme,
        ));
        lines
    }

    fn render_heat_map(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let method = &self.data.method;
        let size = method.size;
        let which = if self.residual {
            format!(
                "residual scores ({} not assessed, left out)",
                self.unassessed
            )
        } else {
            "inherent scores".to_string()
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .title(Span::styled(
                format!(" Heat map · {which} · r switches · Enter lists a cell "),
                theme.title,
            ));
        let inner = block.inner(area);
        block.render(area, buf);
        let counts = &self.heat[usize::from(self.residual)];
        let label_width: u16 = 18;
        let legend_rows = 2;
        let grid_height = inner.height.saturating_sub(2 + legend_rows);
        let cell_height = (grid_height / u16::from(size)).clamp(1, 5);
        let cell_width = (inner.width.saturating_sub(label_width) / u16::from(size)).max(3);
        let top = inner.y;
        for row in 0..size {
            let likelihood = size - row;
            let y = top + u16::from(row) * cell_height;
            if y >= inner.bottom() {
                break;
            }
            let label = method
                .likelihood
                .get(usize::from(likelihood) - 1)
                .map(|l| l.label.as_str())
                .unwrap_or("");
            let text: String = format!("{likelihood} {label}")
                .chars()
                .take(usize::from(label_width) - 1)
                .collect();
            Paragraph::new(Span::styled(text, theme.label))
                .render(Rect::new(inner.x, y + cell_height / 2, label_width, 1), buf);
            for impact in 1..=size {
                let x = inner.x + label_width + u16::from(impact - 1) * cell_width;
                let cell =
                    Rect::new(x, y, cell_width.saturating_sub(1), cell_height).intersection(inner);
                let score = u32::from(likelihood) * u32::from(impact);
                let count = counts[usize::from(likelihood) - 1][usize::from(impact) - 1];
                let band = method.band(score);
                let initial = band
                    .map(|(_, b)| b.name.chars().next().unwrap_or(' '))
                    .unwrap_or(' ');
                let selected = self.cell == (likelihood, impact);
                let style = if selected {
                    theme.selected
                } else {
                    level_style(method, score, theme)
                };
                buf.set_style(cell, style);
                let content = if selected {
                    format!("▶{count:>2} {initial}◀")
                } else {
                    format!("{count:>2} {initial}")
                };
                let line_y = cell.y + cell.height / 2;
                Paragraph::new(Span::styled(content, style))
                    .alignment(ratatui::layout::Alignment::Center)
                    .render(
                        Rect::new(cell.x, line_y, cell.width, 1).intersection(inner),
                        buf,
                    );
            }
        }
        let axis_y = top + u16::from(size) * cell_height;
        if axis_y < inner.bottom() {
            for impact in 1..=size {
                let x = inner.x + label_width + u16::from(impact - 1) * cell_width;
                let label = method
                    .impact
                    .get(usize::from(impact) - 1)
                    .map(|l| l.label.as_str())
                    .unwrap_or("");
                let text: String = format!("{impact} {label}")
                    .chars()
                    .take(usize::from(cell_width.saturating_sub(1)))
                    .collect();
                Paragraph::new(Span::styled(text, theme.label))
                    .render(Rect::new(x, axis_y, cell_width, 1).intersection(inner), buf);
            }
            Paragraph::new(Span::styled("impact →", theme.muted))
                .render(Rect::new(inner.x, axis_y, label_width, 1), buf);
        }
        let legend_y = axis_y + 1;
        if legend_y < inner.bottom() {
            let mut spans = vec![Span::styled("Rows: likelihood. Levels: ", theme.label)];
            for (index, band) in method.bands.iter().enumerate() {
                let end = method
                    .bands
                    .get(index + 1)
                    .map(|b| b.min_score - 1)
                    .unwrap_or(method.max_score());
                spans.push(Span::styled(
                    format!(
                        " {} {} {}-{} ",
                        band.name.chars().next().unwrap_or(' '),
                        band.name,
                        band.min_score,
                        end
                    ),
                    theme.level(index, method.bands.len()),
                ));
                spans.push(Span::raw(" "));
            }
            spans.push(Span::styled(
                format!(" accept up to {}", method.acceptance_threshold),
                theme.muted,
            ));
            Paragraph::new(Line::from(spans))
                .wrap(Wrap { trim: true })
                .render(
                    Rect::new(inner.x, legend_y, inner.width, inner.bottom() - legend_y),
                    buf,
                );
        }
    }

    fn render_plan(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (list_area, detail_area) = split(area);
        self.list_area = list_area;
        let method = &self.data.method;
        let grouping = match self.grouping {
            PlanGrouping::Owner => "owner",
            PlanGrouping::DueDate => "due date",
        };
        let count = self.plan_len();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .title(Span::styled(
                match count {
                    1 => format!(" 1 risk needs treatment · grouped by {grouping} (o) "),
                    n => format!(" {n} risks need treatment · grouped by {grouping} (o) "),
                },
                theme.title,
            ));
        let inner = block.inner(list_area);
        block.render(list_area, buf);
        let mut lines: Vec<Line> = Vec::new();
        let mut cursor_line = 0;
        let mut position = 0;
        for (group, items) in &self.plan {
            lines.push(Line::from(Span::styled(
                format!("{group} ({})", items.len()),
                theme.title,
            )));
            for index in items {
                let stored = &self.data.risks[*index];
                let risk = &stored.value;
                let selected = position == self.plan_cursor;
                if selected {
                    cursor_line = lines.len();
                }
                let overdue = risk.is_overdue(self.today);
                let due = match risk.due_date {
                    Some(date) if overdue => format!("⚠{date}"),
                    Some(date) => format!(" {date}"),
                    None => " no date".into(),
                };
                // Acceptance is shown beside the plan, never instead of it.
                let acceptance = match risk.acceptance_state(self.today) {
                    AcceptanceState::NotAccepted => String::new(),
                    state => format!("[{}] ", state.label()),
                };
                let text = format!(
                    "{}{:<6} {due:<11} {:<11} {acceptance}{} · {}",
                    if selected { "▶" } else { " " },
                    stored.reference,
                    scored(method, risk.score()),
                    risk.title,
                    if risk.owner.is_empty() {
                        "no owner"
                    } else {
                        &risk.owner
                    },
                );
                let style = if selected {
                    theme.selected
                } else if overdue {
                    theme.warn
                } else {
                    Style::default()
                };
                lines.push(Line::from(Span::styled(text, style)));
                position += 1;
            }
        }
        if lines.is_empty() {
            lines.push(Line::from(Span::styled(
                "No risk needs treatment right now.",
                theme.muted,
            )));
        }
        let scroll = cursor_line.saturating_sub(usize::from(inner.height.saturating_sub(1)));
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .render(inner, buf);
        self.render_risk_detail(detail_area, buf, theme);
    }

    fn render_assets(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (list_area, detail_area) = split(area);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .data
            .assets
            .iter()
            .map(|s| {
                let asset = &s.value;
                let (mark, style) = if asset.in_scope {
                    ("✓ in", theme.ok)
                } else {
                    ("✗ out", theme.warn)
                };
                Row::new(vec![
                    Cell::from(s.reference.clone()),
                    Cell::from(asset.name.clone()),
                    Cell::from(asset.kind.label()),
                    Cell::from(asset.cia()),
                    Cell::from(Span::styled(mark, style)),
                ])
                .bottom_margin(theme.row_gap())
            })
            .collect();
        let empty = rows.is_empty();
        let table = Table::new(
            rows,
            [
                Constraint::Length(6),
                Constraint::Min(14),
                Constraint::Length(11),
                Constraint::Length(8),
                Constraint::Length(5),
            ],
        )
        .header(Row::new(["Ref", "Name", "Kind", "C I A", "Scope"]).style(theme.title))
        .list_frame(" Asset register ", theme);
        render_table(table, list_area, buf, &mut self.assets, theme);
        if empty {
            Paragraph::new(Span::styled(
                "No assets yet. Press n to add one.",
                theme.muted,
            ))
            .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        let Some((reference, asset)) = self.selected_asset() else {
            return;
        };
        let linked: Vec<String> = self
            .data
            .risks
            .iter()
            .filter(|r| r.value.assets.contains(&reference))
            .map(|r| r.reference.clone())
            .collect();
        let field = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label}: "), theme.label_focus),
                Span::raw(value),
            ])
        };
        let mut lines = vec![
            field("Kind", asset.kind.label().into()),
            field("Owner", asset.owner.clone()),
            field("Location", asset.location.clone()),
            field("Classification", asset.classification.clone()),
            field(
                "C / I / A",
                format!(
                    "{} / {} / {} (1 low, 3 high)",
                    asset.confidentiality, asset.integrity, asset.availability
                ),
            ),
            field(
                "Scope",
                if asset.in_scope {
                    "in scope".into()
                } else {
                    "out of scope".into()
                },
            ),
            field(
                "Risks",
                if linked.is_empty() {
                    "(none)".into()
                } else {
                    linked.join(", ")
                },
            ),
            Line::from(""),
        ];
        lines.extend(labelled_field(
            "Notes",
            "asset",
            &reference,
            "notes",
            &asset.notes,
            theme,
        ));
        render_detail(
            format!(" {reference} · {} ", asset.name),
            lines,
            detail_area,
            buf,
            theme,
        );
    }

    fn render_method(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let method = &self.data.method;
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Matrix: ", theme.label_focus),
                Span::raw(format!("{0} x {0}, score = likelihood x impact (1 to {1})", method.size, method.max_score())),
            ]),
            Line::from(vec![
                Span::styled("Acceptance: ", theme.label_focus),
                Span::raw(format!("risks scoring {} or less may be accepted by their owner without further treatment", method.acceptance_threshold)),
            ]),
            Line::from(""),
            Line::from(Span::styled("Likelihood", theme.title)),
        ];
        let level_line = |index: usize, level: &crate::domain::method::Level| {
            Line::from(vec![
                Span::styled(
                    format!("  {} {:<15}", index + 1, level.label),
                    theme.label_focus,
                ),
                Span::raw(level.description.clone()),
            ])
        };
        lines.extend(
            method
                .likelihood
                .iter()
                .enumerate()
                .map(|(i, l)| level_line(i, l)),
        );
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Impact", theme.title)));
        lines.extend(
            method
                .impact
                .iter()
                .enumerate()
                .map(|(i, l)| level_line(i, l)),
        );
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Levels", theme.title)));
        for (index, band) in method.bands.iter().enumerate() {
            let end = method
                .bands
                .get(index + 1)
                .map(|b| b.min_score - 1)
                .unwrap_or(method.max_score());
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(
                    format!(" {:<10}", band.name),
                    theme.level(index, method.bands.len()),
                ),
                Span::raw(format!(" scores {}-{end}", band.min_score)),
            ]));
        }
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border_focus)
                    .title(Span::styled(
                        " Risk method (6.1.2) · Enter to edit · h history ",
                        theme.title,
                    )),
            )
            .render(area, buf);
    }
}
