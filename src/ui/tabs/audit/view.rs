//! Drawing the Audit tab: the programme, the checklist, the nonconformity register, the
//! audit report for screen sharing, and the coverage of the cycle.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, Widget, Wrap};

use super::{AuditTab, Section};
use crate::domain::audit::{coverage, finished_items, result_counts, Finding};
use crate::domain::dates::Date;
use crate::ui::components::render_detail;
use crate::ui::components::ListFrame;
use crate::ui::components::{section_bar, split_list, split_short_list, wrapped_height};
use crate::ui::presentation::{labelled_fields, render_table};
use crate::ui::tabs::Sections;
use crate::ui::theme::Theme;

const SIDE_BY_SIDE_WIDTH: u16 = 130;

fn dates(start: Option<Date>, end: Option<Date>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{s} to {e}"),
        (Some(s), None) => format!("from {s}"),
        (None, Some(e)) => format!("until {e}"),
        (None, None) => "—".into(),
    }
}

fn finding_style(finding: Finding, theme: &Theme) -> Style {
    match finding {
        Finding::NotAudited => theme.muted,
        Finding::Conforming => theme.ok,
        Finding::Observation | Finding::Improvement => theme.label_focus,
        Finding::MinorNc | Finding::MajorNc => theme.error,
    }
}

impl AuditTab {
    fn section_titles(&self, short: bool) -> Vec<String> {
        let audit = self.selected_audit().unwrap_or_default();
        let ncs = self.data.nonconformities.len();
        if short {
            vec![
                format!("Audits {}", self.data.audits.len()),
                "Checklist".into(),
                format!("NCs {ncs}"),
                "Report".into(),
                "Coverage".into(),
            ]
        } else {
            vec![
                format!("9.2 Programme ({})", self.data.audits.len()),
                format!("Checklist {audit}"),
                format!("10.2 Nonconformities ({ncs})"),
                format!("Report {audit}"),
                "Coverage".into(),
            ]
        }
    }

    /// The independence warnings of an audit, worked out when the data was read.
    fn warnings(&self, reference: &str) -> &[String] {
        self.programme
            .get(reference)
            .map_or(&[], |row| row.warnings.as_slice())
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
            Section::Programme => self.render_programme(body, buf, theme),
            Section::Checklist => self.render_checklist(body, buf, theme),
            Section::Nonconformities => self.render_ncs(body, buf, theme),
            Section::Report => {
                let lines = self.report_lines(theme);
                self.render_page(" Audit report ", lines, body, buf, theme);
            }
            Section::Coverage => {
                let lines = self.coverage_lines(theme);
                self.render_page(
                    " Coverage of the certification cycle ",
                    lines,
                    body,
                    buf,
                    theme,
                );
            }
        }
        if let Some(session) = &self.form {
            let popup = body.inner(Margin::new(if body.width > 110 { 6 } else { 0 }, 0));
            session.form.render(popup, buf, theme);
        }
    }

    fn render_programme(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let rows = self.data.audits.len() * (1 + usize::from(theme.row_gap()));
        let (list_area, detail_area) = split_short_list(area, SIDE_BY_SIDE_WIDTH, 50, rows);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .data
            .audits
            .iter()
            .map(|a| {
                let (done, total) = self
                    .programme
                    .get(&a.reference)
                    .map_or((0, 0), |row| (row.done, row.total));
                let warn = if self.warnings(&a.reference).is_empty() {
                    ""
                } else {
                    "⚠"
                };
                Row::new(vec![
                    Cell::from(a.reference.clone()),
                    Cell::from(a.value.title.clone()),
                    Cell::from(a.value.status.label()),
                    Cell::from(
                        a.value
                            .planned_start
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    ),
                    Cell::from(format!("{done}/{total}")),
                    Cell::from(Span::styled(warn, theme.warn)),
                ])
                .bottom_margin(theme.row_gap())
            })
            .collect();
        let empty = rows.is_empty();
        let table = Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Min(14),
                Constraint::Length(11),
                Constraint::Length(10),
                Constraint::Length(7),
                Constraint::Length(1),
            ],
        )
        .header(Row::new(["Ref", "Audit", "Status", "Planned", "Done", ""]).style(theme.title))
        .list_frame(" Audit programme (9.2.2) ", theme);
        render_table(table, list_area, buf, &mut self.audits, theme);
        if empty {
            Paragraph::new(Span::styled(
                "No audit planned yet. Press n to plan the first internal audit.",
                theme.muted,
            ))
            .wrap(Wrap { trim: true })
            .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        let Some(reference) = self.selected_audit() else {
            return;
        };
        let Some(audit) = self
            .data
            .audits
            .iter()
            .find(|a| a.reference == reference)
            .map(|a| a.value.clone())
        else {
            return;
        };
        let field = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label}: "), theme.label_focus),
                Span::raw(value),
            ])
        };
        let mut lines = vec![
            field("Status", audit.status.label().into()),
            field("Planned", dates(audit.planned_start, audit.planned_end)),
            field("Held", dates(audit.actual_start, audit.actual_end)),
            field("Lead auditor", audit.lead_auditor.clone()),
            field(
                "Auditors",
                if audit.auditors.is_empty() {
                    "—".into()
                } else {
                    audit.auditors.clone()
                },
            ),
            field(
                "Scope",
                format!(
                    "{} clauses, {} controls",
                    audit.clauses.len(),
                    audit.controls.len()
                ),
            ),
        ];
        for warning in self.warnings(&reference) {
            lines.push(Line::from(Span::styled(
                format!("⚠ Independence: {warning}"),
                theme.warn,
            )));
        }
        lines.push(Line::from(""));
        lines.extend(labelled_fields(
            "audit",
            &reference,
            &[
                ("Criteria", "criteria", &audit.criteria),
                (
                    "Independence note",
                    "independence_note",
                    &audit.independence_note,
                ),
                ("Conclusion", "conclusion", &audit.conclusion),
            ],
            theme,
        ));
        render_detail(
            format!(" {reference} · {} ", audit.title),
            lines,
            detail_area,
            buf,
            theme,
        );
    }

    fn render_checklist(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 55);
        self.list_area = list_area;
        let checklist = self.checklist();
        let done = checklist
            .iter()
            .filter(|(_, i)| i.result != Finding::NotAudited)
            .count();
        let rows: Vec<Row> = checklist
            .iter()
            .map(|(_, item)| {
                Row::new(vec![
                    Cell::from(item.target.label()),
                    Cell::from(self.data.title_of(&item.target).to_string()),
                    Cell::from(Span::styled(
                        item.result.short(),
                        finding_style(item.result, theme),
                    )),
                ])
                .bottom_margin(theme.row_gap())
            })
            .collect();
        let audit = self.selected_audit().unwrap_or_default();
        let title = format!(" {audit} checklist · {done}/{} audited ", checklist.len());
        let table = Table::new(
            rows,
            [
                Constraint::Length(7),
                Constraint::Min(16),
                Constraint::Length(12),
            ],
        )
        .header(Row::new(["Item", "Clause or control", "Result"]).style(theme.title))
        .list_frame(title, theme);
        render_table(table, list_area, buf, &mut self.items, theme);
        if checklist.is_empty() {
            let message = if audit.is_empty() {
                "Plan an audit in the programme first."
            } else {
                "No items: give the audit clauses or applicable controls in its scope."
            };
            Paragraph::new(Span::styled(message, theme.muted))
                .wrap(Wrap { trim: true })
                .render(list_area.inner(Margin::new(2, 2)), buf);
            return;
        }
        let Some((reference, item)) = self.selected_item() else {
            return;
        };
        let raised: Vec<String> = self
            .data
            .nonconformities
            .iter()
            .filter(|n| n.value.item == reference)
            .map(|n| n.reference.clone())
            .collect();
        let mut lines = vec![
            Line::from(Span::styled(item.question.clone(), theme.label_focus)),
            Line::from(""),
        ];
        lines.push(Line::from(vec![
            Span::styled("Result: ", theme.label_focus),
            Span::styled(item.result.label(), finding_style(item.result, theme)),
        ]));
        if !raised.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("Nonconformity: {}", raised.join(", ")),
                theme.error,
            )));
        }
        lines.push(Line::from(""));
        lines.extend(labelled_fields(
            "checklist_item",
            &reference,
            &[
                ("Evidence examined", "evidence", &item.evidence),
                ("Records sampled", "records", &item.records),
                ("Notes", "notes", &item.notes),
            ],
            theme,
        ));
        render_detail(
            format!(
                " {} {} ",
                item.target.label(),
                self.data.title_of(&item.target)
            ),
            lines,
            detail_area,
            buf,
            theme,
        );
    }

    fn render_ncs(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (area, filter_line) = if self.filter.is_empty() {
            (area, None)
        } else {
            let [a, f] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
            (a, Some(f))
        };
        let rows = self.nc_order.len() * (1 + usize::from(theme.row_gap()));
        let (list_area, detail_area) = split_short_list(area, SIDE_BY_SIDE_WIDTH, 55, rows);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .nc_order
            .iter()
            .map(|i| {
                let n = &self.data.nonconformities[*i];
                let overdue = n.value.is_overdue(self.today);
                let due = n
                    .value
                    .due_date
                    .map(|d| {
                        if overdue {
                            format!("⚠{d}")
                        } else {
                            d.to_string()
                        }
                    })
                    .unwrap_or_default();
                Row::new(vec![
                    Cell::from(n.reference.clone()),
                    Cell::from(Span::styled(
                        n.value.grade.label(),
                        if n.value.grade == crate::domain::audit::NcGrade::Major {
                            theme.error
                        } else {
                            Style::default()
                        },
                    )),
                    Cell::from(n.value.status.label()),
                    Cell::from(Span::styled(
                        due,
                        if overdue {
                            theme.warn
                        } else {
                            Style::default()
                        },
                    )),
                    Cell::from(
                        theme
                            .shown_line(
                                "nonconformity",
                                &n.reference,
                                "statement",
                                &n.value.statement,
                            )
                            .to_string(),
                    ),
                ])
                .bottom_margin(theme.row_gap())
            })
            .collect();
        let empty = rows.is_empty();
        let table = Table::new(
            rows,
            [
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(18),
                Constraint::Length(11),
                Constraint::Min(10),
            ],
        )
        .header(Row::new(["Ref", "Grade", "Status", "Due", "Statement"]).style(theme.title))
        .list_frame(
            format!(
                " {} of {} nonconformities ",
                self.nc_order.len(),
                self.data.nonconformities.len()
            ),
            theme,
        );
        StatefulWidget::render(table, list_area, buf, &mut self.ncs);
        if empty {
            Paragraph::new(Span::styled("No nonconformities. A minor or major NC result in a checklist raises one; n records one from a certification body.", theme.muted))
                .wrap(Wrap { trim: true })
                .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        if let Some(line) = filter_line {
            let f = &self.filter;
            let mut parts = Vec::new();
            if let Some(g) = f.grade {
                parts.push(g.label().to_string());
            }
            if let Some(s) = f.status {
                parts.push(s.label().to_string());
            }
            if let Some(o) = &f.owner {
                parts.push(o.clone());
            }
            if let Some(s) = f.source {
                parts.push(s.label().to_string());
            }
            Paragraph::new(Line::from(vec![
                Span::styled(" Filter: ", theme.label_focus),
                Span::raw(parts.join(", ")),
                Span::styled(" · x clears", theme.muted),
            ]))
            .render(line, buf);
        }
        let Some((reference, nc)) = self.selected_nc() else {
            return;
        };
        let field = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label}: "), theme.label_focus),
                Span::raw(value),
            ])
        };
        let mut lines = vec![
            field(
                "Source",
                format!(
                    "{}{}",
                    nc.source.label(),
                    if nc.item.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", nc.item)
                    }
                ),
            ),
            field(
                "Grade / status",
                format!("{} / {}", nc.grade.label(), nc.status.label()),
            ),
            field(
                "Owner",
                if nc.owner.is_empty() {
                    "(none yet)".into()
                } else {
                    nc.owner.clone()
                },
            ),
            field(
                "Due",
                match nc.due_date {
                    Some(d) if nc.is_overdue(self.today) => format!("{d} ⚠ overdue"),
                    Some(d) => d.to_string(),
                    None => "—".into(),
                },
            ),
            field(
                "Effectiveness",
                match nc.checked_on {
                    Some(on) => {
                        let result = theme.shown(
                            "nonconformity",
                            &reference,
                            "check_result",
                            &nc.check_result,
                        );
                        format!("checked by {} on {on}: {result}", nc.checked_by)
                    }
                    None => "not checked yet (needed to close)".into(),
                },
            ),
            Line::from(""),
        ];
        lines.extend(labelled_fields(
            "nonconformity",
            &reference,
            &[
                ("Statement", "statement", &nc.statement),
                ("Correction", "correction", &nc.correction),
                ("Root cause", "root_cause", &nc.root_cause),
                (
                    "Corrective action",
                    "corrective_action",
                    &nc.corrective_action,
                ),
                ("Evidence", "evidence", &nc.evidence),
            ],
            theme,
        ));
        render_detail(format!(" {reference} "), lines, detail_area, buf, theme);
    }

    fn render_page(
        &mut self,
        title: &str,
        lines: Vec<Line<'static>>,
        area: Rect,
        buf: &mut Buffer,
        theme: &Theme,
    ) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .title(Span::styled(title.to_string(), theme.title));
        let inner = block.inner(area);
        let max = wrapped_height(&lines, inner.width).saturating_sub(usize::from(inner.height));
        self.scroll = self.scroll.min(max);
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .scroll((self.scroll as u16, 0))
            .block(block)
            .render(area, buf);
    }

    fn report_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let Some(reference) = self.selected_audit() else {
            return vec![Line::from(Span::styled(
                "Choose an audit in the programme.",
                theme.muted,
            ))];
        };
        let Some(audit) = self
            .data
            .audits
            .iter()
            .find(|a| a.reference == reference)
            .map(|a| a.value.clone())
        else {
            return Vec::new();
        };
        let stored_items: Vec<_> = self.data.items_of(&reference).collect();
        let items: Vec<_> = stored_items.iter().map(|i| i.value.clone()).collect();
        let heading = |text: String| Line::from(Span::styled(text, theme.title));
        let mut lines = vec![
            heading(format!("{reference} · {}", audit.title)),
            Line::from(format!(
                "Held {} · lead auditor {} · team {}",
                dates(audit.actual_start, audit.actual_end),
                audit.lead_auditor,
                if audit.auditors.is_empty() {
                    "—"
                } else {
                    &audit.auditors
                }
            )),
            Line::from(format!("Status: {}", audit.status.label())),
            Line::from(""),
            heading("Scope and criteria".into()),
            Line::from(format!("Clauses: {}", audit.clauses.join(", "))),
            Line::from(format!(
                "Controls: {}",
                if audit.controls.is_empty() {
                    "—".into()
                } else {
                    audit.controls.join(", ")
                }
            )),
            Line::from(
                theme
                    .shown("audit", &reference, "criteria", &audit.criteria)
                    .to_string(),
            ),
            Line::from(""),
            heading("Results".into()),
        ];
        for (finding, count) in result_counts(&items) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<30}", finding.label()),
                    finding_style(finding, theme),
                ),
                Span::raw(count.to_string()),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(heading("Nonconformities".into()));
        let ncs: Vec<_> = self
            .data
            .nonconformities
            .iter()
            .filter(|n| n.value.audit == reference)
            .collect();
        if ncs.is_empty() {
            lines.push(Line::from("  None."));
        }
        for n in ncs {
            lines.push(Line::from(format!(
                "  {} ({}, {}): {}",
                n.reference,
                n.value.grade.label(),
                n.value.status.label(),
                theme
                    .shown(
                        "nonconformity",
                        &n.reference,
                        "statement",
                        &n.value.statement
                    )
                    .replace('\n', " ")
            )));
        }
        for (finding, title) in [
            (Finding::Improvement, "Opportunities for improvement"),
            (Finding::Observation, "Observations"),
        ] {
            lines.push(Line::from(""));
            lines.push(heading(title.into()));
            let found: Vec<_> = stored_items
                .iter()
                .filter(|i| i.value.result == finding)
                .collect();
            if found.is_empty() {
                lines.push(Line::from("  None."));
            }
            for stored in found {
                let item = &stored.value;
                let (field, text) = if item.notes.is_empty() {
                    ("evidence", &item.evidence)
                } else {
                    ("notes", &item.notes)
                };
                let text = theme.shown("checklist_item", &stored.reference, field, text);
                lines.push(Line::from(format!(
                    "  {} {}: {}",
                    item.target.label(),
                    self.data.title_of(&item.target),
                    text.replace('\n', " ")
                )));
            }
        }
        lines.push(Line::from(""));
        lines.push(heading("Conclusion".into()));
        lines.push(Line::from(if audit.conclusion.is_empty() {
            "Not written yet.".to_string()
        } else {
            theme
                .shown("audit", &reference, "conclusion", &audit.conclusion)
                .to_string()
        }));
        lines
    }

    fn coverage_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let clauses: Vec<String> = self.data.clauses.iter().map(|(id, _)| id.clone()).collect();
        let controls: Vec<String> = self
            .data
            .applicable
            .iter()
            .map(|(id, _, _)| id.clone())
            .collect();
        let c = coverage(
            &clauses,
            &controls,
            self.data.items.iter().map(|i| &i.value),
        );
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Clauses 4.1-10.2: ", theme.label_focus),
                Span::raw(format!(
                    "{} of {} audited",
                    c.clauses_audited.len(),
                    clauses.len()
                )),
            ]),
            Line::from(vec![
                Span::styled("Applicable controls: ", theme.label_focus),
                Span::raw(format!(
                    "{} of {} audited",
                    c.controls_audited.len(),
                    controls.len()
                )),
            ]),
        ];
        // Stage 2 readiness counts only what audits reported or closed have examined.
        let finished = coverage(
            &clauses,
            &controls,
            finished_items(
                self.data
                    .audits
                    .iter()
                    .map(|a| (a.reference.as_str(), a.value.status)),
                self.data.items.iter().map(|i| &i.value),
            ),
        );
        lines.push(Line::from(vec![
            Span::styled("Counted for Stage 2: ", theme.label_focus),
            Span::raw(format!(
                "{} of {} in audits reported or closed",
                finished.clauses_audited.len() + finished.controls_audited.len(),
                clauses.len() + controls.len()
            )),
        ]));
        lines.push(Line::from(""));
        // ✗ marks what is not covered (what to audit next), ✓ what is; an empty list says so
        // in words rather than with a mark that would read as the opposite.
        let list = |label: &str, ids: &[String], covered: bool, when_empty: &str| {
            let mut lines = vec![Line::from(Span::styled(label.to_string(), theme.title))];
            let (mark, style) = if covered {
                ("✓", theme.ok)
            } else {
                ("✗", theme.warn)
            };
            if ids.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("  {when_empty}"),
                    theme.muted,
                )));
            } else {
                lines.push(Line::from(Span::styled(
                    format!("  {mark} {}", ids.join(", ")),
                    style,
                )));
            }
            lines.push(Line::from(""));
            lines
        };
        lines.extend(list(
            "To audit next: clauses not yet audited",
            &c.clauses_missing,
            false,
            "none: every clause has been audited",
        ));
        lines.extend(list(
            "To audit next: applicable controls not yet audited",
            &c.controls_missing,
            false,
            "none: every applicable control has been audited",
        ));
        lines.extend(list(
            "Clauses audited",
            &c.clauses_audited,
            true,
            "none yet",
        ));
        lines.extend(list(
            "Applicable controls audited",
            &c.controls_audited,
            true,
            "none yet",
        ));
        lines
    }
}
