//! Drawing the Overview: the section bar; readiness gauges over the findings; the
//! certification body over the milestone timeline; the budget with its totals per year.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

use super::{OverviewTab, Section, AREAS};
use crate::domain::certification::{format_amount, BudgetCategory, MilestoneState};
use crate::domain::check::Severity;
use crate::domain::readiness::StageReadiness;
use crate::ui::components::{section_bar, ListFrame};
use crate::ui::presentation::finding_message;
use crate::ui::tabs::Sections;
use crate::ui::theme::Theme;

impl Section {
    fn title(self, short: bool) -> &'static str {
        match (self, short) {
            (Section::Readiness, false) => "Readiness and findings",
            (Section::Readiness, true) => "Readiness",
            (Section::Plan, false) => "Certification plan and milestones",
            (Section::Plan, true) => "Plan",
            (Section::Budget, false) => "Budget over the three-year cycle",
            (Section::Budget, true) => "Budget",
        }
    }
}

/// Width from which a gauge and its criteria share one line.
const WIDE: u16 = 150;

/// A bar of `width` cells, filled in proportion to `ratio`, drawn with characters so that it
/// reads without colour.
fn bar(ratio: f64, width: usize) -> (String, String) {
    // Rounded down, so that only a stage at 100% draws a full bar.
    let filled = ((ratio.clamp(0.0, 1.0) * width as f64).floor() as usize).min(width);
    ("█".repeat(filled), "░".repeat(width - filled))
}

/// Only the rows on screen are formatted; returns the first row shown and how many fit.
fn window(table: &mut TableState, len: usize, area: Rect) -> (usize, usize) {
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let mut offset = table.offset();
    if let Some(selected) = table.selected() {
        if selected < offset {
            offset = selected;
        } else if selected >= offset + visible {
            offset = selected + 1 - visible;
        }
    }
    offset = offset.min(len.saturating_sub(visible));
    *table.offset_mut() = offset;
    (offset, visible)
}

fn render_window(
    table: Table<'_>,
    state: &TableState,
    offset: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut shown = TableState::default().with_selected(state.selected().map(|s| s - offset));
    StatefulWidget::render(table, area, buf, &mut shown);
}

impl OverviewTab {
    pub fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [bar_area, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let full: Vec<String> = Section::ALL.iter().map(|s| s.title(false).into()).collect();
        let short: Vec<String> = Section::ALL.iter().map(|s| s.title(true).into()).collect();
        section_bar(&full, &short, self.section.index(), bar_area, buf, theme);
        match self.section {
            Section::Readiness => self.render_readiness(body, buf, theme),
            Section::Plan => self.render_plan(body, buf, theme),
            Section::Budget => self.render_budget(body, buf, theme),
        }
        if let Some(session) = &self.form {
            let popup = body.inner(Margin::new(if body.width > 100 { 8 } else { 0 }, 0));
            session.form.render(popup, buf, theme);
        }
    }

    fn render_readiness(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let gauges = self.gauge_lines(area.width, theme);
        let [gauges_area, list, detail] = Layout::vertical([
            Constraint::Length(gauges.len() as u16 + 1),
            Constraint::Min(5),
            Constraint::Length(3),
        ])
        .areas(area);
        Paragraph::new(Text::from(gauges))
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border)
                    .title(Span::styled(
                        format!(" Readiness on {} ", self.today),
                        theme.title,
                    )),
            )
            .render(gauges_area, buf);
        self.render_findings(list, buf, theme);
        self.render_finding_detail(detail, buf, theme);
    }

    /// A stage's gauge and its criteria: on one line when wide, the criteria on a second line
    /// when narrow.
    fn stage_lines(&self, stage: &StageReadiness, width: u16, theme: &Theme) -> Vec<Line<'static>> {
        let percent = stage.percent();
        let style = match percent {
            100 => theme.ok,
            p if p >= 60 => theme.warn,
            _ => theme.error,
        };
        let wide = width >= WIDE;
        let (filled, empty) = bar(stage.ratio(), if wide { 24 } else { 20 });
        let mut gauge = vec![
            Span::styled(format!(" {} ", stage.name), theme.label_focus),
            Span::styled(filled, style),
            Span::styled(empty, theme.muted),
            Span::styled(format!(" {percent:>3}% "), style),
        ];
        // The headline is the weakest criterion's figure: name it.
        if let Some(weakest) = stage.weakest().filter(|w| !w.is_met()) {
            gauge.push(Span::styled(
                format!("weakest: {} ", weakest.short),
                theme.muted,
            ));
        }
        let mut criteria = vec![Span::raw(if wide { "" } else { "  " })];
        for criterion in &stage.criteria {
            let (mark, style) = if criterion.is_met() {
                ("✓", theme.ok)
            } else {
                ("✗", theme.error)
            };
            criteria.push(Span::styled(format!(" {mark} "), style));
            // "controls 12/16" for counts, the mark alone for yes/no criteria ("✓ review"), so
            // that Stage 2 fits in the narrowest screen the app draws.
            let text = if criterion.detail.contains(" of ") {
                format!(
                    "{} {}",
                    criterion.short,
                    criterion.detail.replace(" of ", "/")
                )
            } else {
                criterion.short.to_string()
            };
            criteria.push(Span::raw(text));
        }
        if wide {
            gauge.extend(criteria);
            vec![Line::from(gauge)]
        } else {
            vec![Line::from(gauge), Line::from(criteria)]
        }
    }

    fn gauge_lines(&self, width: u16, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if let Some(readiness) = &self.readiness {
            lines.extend(self.stage_lines(&readiness.stage1, width, theme));
            lines.extend(self.stage_lines(&readiness.stage2, width, theme));
        }
        let blockers = self.blockers;
        let warnings = self.findings.len() - blockers;
        let ready = self
            .readiness
            .as_ref()
            .is_some_and(|r| r.stage1.percent() == 100 && r.stage2.percent() == 100);
        let verdict = if blockers == 0 && ready {
            Span::styled(" No blockers: ready to face the auditor. ", theme.ok)
        } else if blockers == 0 {
            Span::styled(
                " No blockers, but the stages are not at 100% yet; ",
                theme.warn,
            )
        } else {
            Span::styled(
                format!(
                    " {blockers} {} (b) before certification, ",
                    plural(blockers, "blocker")
                ),
                theme.error,
            )
        };
        let mut summary = vec![
            verdict,
            Span::styled(
                format!("{warnings} {} (w).", plural(warnings, "warning")),
                theme.muted,
            ),
        ];
        // Per tab: "Risks 2b 11w" (blockers, warnings), or ✓ where nothing is found.
        let mut areas = vec![Span::styled(" by tab:", theme.muted)];
        for (tab, (b, w)) in AREAS.iter().zip(self.per_area) {
            let (style, counts) = match (b, w) {
                (0, 0) => (theme.ok, "✓".to_string()),
                (0, w) => (theme.warn, format!("{w}w")),
                (b, 0) => (theme.error, format!("{b}b")),
                (b, w) => (theme.error, format!("{b}b {w}w")),
            };
            areas.push(Span::styled(format!(" {} {counts}", tab.title()), style));
        }
        if width >= WIDE {
            summary.push(Span::raw("  "));
            summary.extend(areas);
            lines.push(Line::from(summary));
        } else {
            lines.push(Line::from(summary));
            lines.push(Line::from(areas));
        }
        lines
    }

    fn render_findings(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        self.list_area = area;
        let (offset, visible) = window(&mut self.tables[0], self.findings.len(), area);
        let rows: Vec<Row> = self
            .findings
            .iter()
            .skip(offset)
            .take(visible)
            .map(|f| {
                let style = match f.severity {
                    Severity::Blocker => theme.error,
                    Severity::Warning => theme.warn,
                };
                let record = if f.record.is_empty() {
                    "—"
                } else {
                    &f.record
                };
                Row::new(vec![
                    Cell::from(Span::styled(f.severity.label(), style)),
                    Cell::from(f.clause),
                    Cell::from(record.to_string()),
                    Cell::from(finding_message(theme, f.rule, &f.record, &f.message).to_string()),
                ])
            })
            .collect();
        let empty = rows.is_empty();
        let table = Table::new(
            rows,
            [
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(11),
                Constraint::Min(10),
            ],
        )
        .header(Row::new(vec!["", "Clause", "Record", "Finding"]).style(theme.title))
        .list_frame(" Findings (isms check) · Enter goes to the record ", theme);
        render_window(table, &self.tables[0], offset, area, buf);
        if empty {
            Paragraph::new(Span::styled(
                "Every readiness rule passes.",
                Style::default().patch(theme.ok),
            ))
            .render(area.inner(Margin::new(2, 2)), buf);
        }
    }

    fn render_finding_detail(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let text = match self.selected_finding() {
            Some(f) => Line::from(vec![
                Span::styled(
                    format!("{} ({}, clause {}): ", f.rule, f.severity.label(), f.clause),
                    theme.label_focus,
                ),
                Span::raw(finding_message(theme, f.rule, &f.record, &f.message).to_string()),
            ]),
            None => Line::from(""),
        };
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border),
            )
            .render(area, buf);
    }

    fn render_plan(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [body_area, list] =
            Layout::vertical([Constraint::Length(4), Constraint::Min(5)]).areas(area);
        let plan = &self.plan.plan;
        let confirmed = |yes: bool| {
            if yes {
                Span::styled("✓ confirmed", theme.ok)
            } else {
                Span::styled("✗ not confirmed", theme.warn)
            }
        };
        let named = |text: &str| {
            if text.trim().is_empty() {
                Span::styled("not chosen yet", theme.warn)
            } else {
                Span::raw(text.to_string())
            }
        };
        let lines = vec![
            Line::from(vec![
                Span::styled(" Certification body: ", theme.label_focus),
                named(&plan.body),
                Span::styled("  accredited by ", theme.label_focus),
                named(&plan.accreditation_body),
            ]),
            Line::from(vec![
                Span::styled(" 17021-1 accreditation ", theme.label_focus),
                confirmed(plan.accreditation_confirmed),
                Span::styled(" · 27006 auditor competence ", theme.label_focus),
                confirmed(plan.competence_confirmed),
            ]),
            Line::from(match self.certificate_expiry() {
                Some(expiry) => vec![
                    Span::styled(" Certificate valid until ", theme.label_focus),
                    Span::raw(format!("{expiry}; recertify before then")),
                ],
                None => vec![Span::styled(
                    " Give the certificate a date to see when each audit of the cycle falls due.",
                    theme.muted,
                )],
            }),
        ];
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border)
                    .title(Span::styled(" Certification plan · b edits ", theme.title)),
            )
            .render(body_area, buf);

        self.list_area = list;
        let (offset, visible) = window(&mut self.tables[1], self.timeline.len(), list);
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let rows: Vec<Row> = self
            .timeline
            .iter()
            .skip(offset)
            .take(visible)
            .map(|row| {
                let style = match row.state {
                    MilestoneState::Done => theme.ok,
                    MilestoneState::Late => theme.error,
                    MilestoneState::Planned => Style::default(),
                    MilestoneState::Unplanned => theme.muted,
                };
                let planned = match (row.planned, row.planned_is_due_date) {
                    (Some(d), true) => format!("≤{d}"),
                    (d, _) => date(d),
                };
                let done = match (row.done, row.done_from_records) {
                    (Some(d), true) => format!("{d}*"),
                    (d, _) => date(d),
                };
                Row::new(vec![
                    Cell::from(row.kind.label()),
                    Cell::from(row.kind.clause()),
                    Cell::from(planned),
                    Cell::from(done),
                    Cell::from(Span::styled(row.state.label(), style)),
                    Cell::from(row.note.lines().next().unwrap_or("").to_string()),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Length(29),
                Constraint::Length(6),
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Length(10),
                Constraint::Min(4),
            ],
        )
        .header(
            Row::new(vec![
                "Milestone",
                "Clause",
                "Planned",
                "Done",
                "State",
                "Note",
            ])
            .style(theme.title),
        )
        .list_frame(
            " Timeline · ≤ due by, from the certificate date · * done by the records ",
            theme,
        );
        render_window(table, &self.tables[1], offset, list, buf);
    }

    fn render_budget(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [list, totals_area] =
            Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(area);
        self.list_area = list;
        let currency = self.plan.plan.currency.trim().to_string();
        let (offset, visible) = window(&mut self.tables[2], self.plan.budget.len(), list);
        let rows: Vec<Row> = self
            .plan
            .budget
            .iter()
            .skip(offset)
            .take(visible)
            .map(|stored| {
                let line = &stored.value;
                Row::new(vec![
                    Cell::from(stored.reference.clone()),
                    Cell::from(format!("Year {}", line.year)),
                    Cell::from(line.category.label()),
                    Cell::from(line.label.clone()),
                    Cell::from(Line::from(format_amount(line.amount)).alignment(Alignment::Right)),
                ])
            })
            .collect();
        let empty = rows.is_empty();
        let title = if currency.is_empty() {
            " Budget lines ".to_string()
        } else {
            format!(" Budget lines ({currency}) ")
        };
        let table = Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Length(7),
                Constraint::Length(24),
                Constraint::Min(10),
                Constraint::Length(12),
            ],
        )
        .header(Row::new(vec!["Ref", "Year", "Category", "For", "      Amount"]).style(theme.title))
        .list_frame(title, theme);
        render_window(table, &self.tables[2], offset, list, buf);
        if empty {
            Paragraph::new(Span::styled(
                "No budget yet: press n to add the first cost.",
                theme.muted,
            ))
            .render(list.inner(Margin::new(2, 2)), buf);
        }

        let totals = &self.totals;
        let right = |text: String| Cell::from(Line::from(text).alignment(Alignment::Right));
        let header = Row::new(
            std::iter::once(Cell::from(""))
                .chain(
                    BudgetCategory::ALL
                        .iter()
                        .map(|c| right(short_category(*c).to_string())),
                )
                .chain(std::iter::once(right("Total".to_string())))
                .collect::<Vec<_>>(),
        )
        .style(theme.title);
        let amount = |value: f64| right(format_amount(value));
        let mut rows: Vec<Row> = (1..=3u8)
            .map(|year| {
                let mut cells = vec![Cell::from(format!("Year {year}"))];
                cells.extend(
                    totals.by_year[usize::from(year) - 1]
                        .iter()
                        .map(|v| amount(*v)),
                );
                cells.push(amount(totals.year(year)));
                Row::new(cells)
            })
            .collect();
        let mut cycle = vec![Cell::from(Span::styled("Cycle", theme.label_focus))];
        for index in 0..BudgetCategory::ALL.len() {
            cycle.push(amount((0..3).map(|y| totals.by_year[y][index]).sum()));
        }
        cycle.push(amount(totals.cycle()));
        rows.push(Row::new(cycle).style(theme.label_focus));
        let totals_table = Table::new(
            rows,
            [
                Constraint::Length(7),
                Constraint::Length(14),
                Constraint::Length(14),
                Constraint::Length(14),
                Constraint::Length(14),
            ],
        )
        .header(header)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border)
                .title(Span::styled(" Totals per year ", theme.title)),
        );
        Widget::render(totals_table, totals_area, buf);
    }
}

fn short_category(category: BudgetCategory) -> &'static str {
    match category {
        BudgetCategory::Internal => "Internal",
        BudgetCategory::External => "External",
        BudgetCategory::Certification => "Cert. body",
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
