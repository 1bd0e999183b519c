//! Drawing the Review tab: meetings, their inputs, actions, objectives with their
//! measurements, and the minutes for screen sharing.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, Widget, Wrap};

use super::{ReviewTab, Section};
use crate::domain::review::{ObjectiveStatus, ReviewStatus, INPUTS};
use crate::ui::components::render_detail;
use crate::ui::components::ListFrame;
use crate::ui::components::{labelled, section_bar, split_list, split_short_list, wrapped_height};
use crate::ui::presentation::{labelled_field, labelled_fields};
use crate::ui::tabs::Sections;
use crate::ui::theme::Theme;

const SIDE_BY_SIDE_WIDTH: u16 = 130;

impl ReviewTab {
    fn section_titles(&self, short: bool) -> Vec<String> {
        let review = self.selected_review().map(|(r, _)| r).unwrap_or_default();
        if short {
            vec![
                format!("Reviews {}", self.data.reviews.len()),
                "Inputs".into(),
                format!("Actions {}", self.data.actions.len()),
                format!("Objectives {}", self.data.objectives.len()),
                "Minutes".into(),
            ]
        } else {
            vec![
                format!("9.3 Reviews ({})", self.data.reviews.len()),
                format!("Inputs {review}"),
                format!("Actions ({})", self.data.actions.len()),
                format!("6.2 Objectives ({})", self.data.objectives.len()),
                format!("Minutes {review}"),
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
            Section::Reviews => self.render_reviews(body, buf, theme),
            Section::Inputs => self.render_inputs(body, buf, theme),
            Section::Actions => self.render_actions(body, buf, theme),
            Section::Objectives => self.render_objectives(body, buf, theme),
            Section::Minutes => self.render_minutes(body, buf, theme),
        }
        if let Some(session) = &self.form {
            let popup = body.inner(Margin::new(if body.width > 110 { 6 } else { 0 }, 0));
            session.form.render(popup, buf, theme);
        }
    }

    fn table<'a>(
        &self,
        title: String,
        header: Vec<&'a str>,
        widths: Vec<Constraint>,
        rows: Vec<Row<'a>>,
        theme: &Theme,
    ) -> Table<'a> {
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.title))
            .list_frame(title, theme)
    }

    fn render_reviews(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let rows = self.data.reviews.len() * (1 + usize::from(theme.row_gap()));
        let (list_area, detail_area) = split_short_list(area, SIDE_BY_SIDE_WIDTH, 45, rows);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .data
            .reviews
            .iter()
            .map(|r| {
                let status_style = if r.value.status == ReviewStatus::Draft {
                    theme.warn
                } else {
                    Style::default()
                };
                Row::new(vec![
                    Cell::from(r.reference.clone()),
                    Cell::from(r.value.date.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::from(Span::styled(r.value.status.label(), status_style)),
                    Cell::from(r.value.chair.clone()),
                ])
            })
            .collect();
        let empty = rows.is_empty();
        let table = self.table(
            " Management reviews (9.3) ".into(),
            vec!["Ref", "Date", "Status", "Chair"],
            vec![
                Constraint::Length(10),
                Constraint::Length(10),
                Constraint::Length(9),
                Constraint::Min(10),
            ],
            rows,
            theme,
        );
        StatefulWidget::render(table, list_area, buf, &mut self.reviews);
        if empty {
            Paragraph::new(Span::styled(
                "No review yet. Press n to prepare one, then compile its inputs (Inputs, c).",
                theme.muted,
            ))
            .wrap(Wrap { trim: true })
            .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        let Some((reference, review)) = self.selected_review() else {
            return;
        };
        let actions: Vec<String> = self
            .data
            .actions
            .iter()
            .filter(|a| a.value.review == reference)
            .map(|a| {
                format!(
                    "{} {} ({})",
                    a.reference,
                    theme.shown_line(
                        "review_action",
                        &a.reference,
                        "description",
                        &a.value.description
                    ),
                    a.value.status.label()
                )
            })
            .collect();
        let frozen = match review.status {
            ReviewStatus::Draft => "inputs can be compiled again until the review is held",
            _ => "inputs frozen as they were at the meeting",
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Status: ", theme.label_focus),
                Span::raw(format!("{} · {frozen}", review.status.label())),
            ]),
            Line::from(vec![
                Span::styled("Chair: ", theme.label_focus),
                Span::raw(review.chair.clone()),
            ]),
            Line::from(""),
        ];
        lines.extend(labelled_fields(
            "review",
            &reference,
            &[
                ("Attendees", "attendees", &review.attendees),
                ("Decisions", "decisions", &review.decisions),
                ("Changes to the ISMS", "changes", &review.changes),
            ],
            theme,
        ));
        lines.extend(labelled("Actions", &actions.join("\n"), theme));
        render_detail(format!(" {reference} "), lines, detail_area, buf, theme);
    }

    fn render_inputs(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 40);
        self.list_area = list_area;
        let Some((reference, review)) = self.selected_review() else {
            Paragraph::new(Span::styled(
                "Prepare a review first (Reviews, n).",
                theme.muted,
            ))
            .render(area.inner(Margin::new(2, 1)), buf);
            return;
        };
        let rows: Vec<Row> = INPUTS
            .iter()
            .enumerate()
            .map(|(i, (letter, heading))| {
                let state = if review.inputs[i].trim().is_empty() {
                    "—"
                } else if review.notes[i].trim().is_empty() {
                    "compiled"
                } else {
                    "noted"
                };
                Row::new(vec![
                    Cell::from(*letter),
                    Cell::from(*heading),
                    Cell::from(state),
                ])
            })
            .collect();
        let title = match review.status {
            ReviewStatus::Draft => format!(" {reference} inputs (9.3.2) · c compiles "),
            _ => format!(" {reference} inputs (9.3.2) · frozen "),
        };
        let table = self.table(
            title,
            vec!["", "Input", "State"],
            vec![
                Constraint::Length(2),
                Constraint::Min(12),
                Constraint::Length(9),
            ],
            rows,
            theme,
        );
        StatefulWidget::render(table, list_area, buf, &mut self.inputs);
        let index = self.inputs.selected().unwrap_or(0);
        let text = review.input_text(index);
        let summary = if text.is_empty() {
            "Not compiled yet: press c."
        } else {
            text.as_str()
        };
        let mut lines = labelled("From the workspace", summary, theme);
        lines.extend(labelled_field(
            "Discussion",
            "review",
            &reference,
            "notes",
            &review.notes[index],
            theme,
        ));
        let (letter, heading) = INPUTS[index];
        render_detail(
            format!(" {letter} · {heading} "),
            lines,
            detail_area,
            buf,
            theme,
        );
    }

    fn render_actions(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let rows = self.data.actions.len() * (1 + usize::from(theme.row_gap()));
        let (list_area, detail_area) = split_short_list(area, SIDE_BY_SIDE_WIDTH, 55, rows);
        self.list_area = list_area;
        let today = self.today;
        let rows: Vec<Row> = self
            .data
            .actions
            .iter()
            .map(|a| {
                let overdue = a.value.is_overdue(today);
                let due = a
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
                    Cell::from(a.reference.clone()),
                    Cell::from(a.value.review.clone()),
                    Cell::from(a.value.status.label()),
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
                                "review_action",
                                &a.reference,
                                "description",
                                &a.value.description,
                            )
                            .to_string(),
                    ),
                ])
            })
            .collect();
        let empty = rows.is_empty();
        let table = self.table(
            " Actions from reviews (9.3.3) ".into(),
            vec!["Ref", "Review", "Status", "Due", "Action"],
            vec![
                Constraint::Length(7),
                Constraint::Length(10),
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Min(10),
            ],
            rows,
            theme,
        );
        StatefulWidget::render(table, list_area, buf, &mut self.actions);
        if empty {
            Paragraph::new(Span::styled(
                "No actions yet. Press n to record one decided at a review.",
                theme.muted,
            ))
            .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        if let Some((reference, action)) = self.selected_action() {
            let mut lines = vec![
                Line::from(vec![
                    Span::styled("Owner: ", theme.label_focus),
                    Span::raw(action.owner.clone()),
                ]),
                Line::from(""),
            ];
            lines.extend(labelled_field(
                "Action",
                "review_action",
                &reference,
                "description",
                &action.description,
                theme,
            ));
            render_detail(format!(" {reference} "), lines, detail_area, buf, theme);
        }
    }

    fn render_objectives(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let rows = self.data.objectives.len() * (1 + usize::from(theme.row_gap()));
        let (list_area, detail_area) = split_short_list(area, SIDE_BY_SIDE_WIDTH, 50, rows);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .data
            .objectives
            .iter()
            .map(|o| {
                let style = match o.value.status {
                    ObjectiveStatus::Met => theme.ok,
                    ObjectiveStatus::AtRisk | ObjectiveStatus::Missed => theme.warn,
                    ObjectiveStatus::OnTrack => Style::default(),
                };
                let latest = self
                    .data
                    .measurements_of(&o.reference)
                    .max_by_key(|m| m.date)
                    .map(|m| m.value.to_string())
                    .unwrap_or_else(|| "—".into());
                Row::new(vec![
                    Cell::from(o.reference.clone()),
                    Cell::from(Span::styled(o.value.status.label(), style)),
                    Cell::from(latest),
                    Cell::from(o.value.target.clone()),
                    Cell::from(
                        theme
                            .shown_line("objective", &o.reference, "statement", &o.value.statement)
                            .to_string(),
                    ),
                ])
            })
            .collect();
        let empty = rows.is_empty();
        let table = self.table(
            " Security objectives (6.2) · m measures ".into(),
            vec!["Ref", "Status", "Latest", "Target", "Objective"],
            vec![
                Constraint::Length(7),
                Constraint::Length(9),
                Constraint::Length(7),
                Constraint::Length(12),
                Constraint::Min(10),
            ],
            rows,
            theme,
        );
        StatefulWidget::render(table, list_area, buf, &mut self.objectives);
        if empty {
            Paragraph::new(Span::styled(
                "No objectives yet. Press n to set one, m to record a measurement.",
                theme.muted,
            ))
            .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        let Some((reference, objective)) = self.selected_objective() else {
            return;
        };
        let mut series: Vec<_> = self.data.measurements_of(&reference).collect();
        series.sort_by_key(|m| m.date);
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Owner: ", theme.label_focus),
                Span::raw(objective.owner.clone()),
            ]),
            Line::from(vec![
                Span::styled("Target: ", theme.label_focus),
                Span::raw(objective.target.clone()),
            ]),
            Line::from(vec![
                Span::styled("Due: ", theme.label_focus),
                Span::raw(
                    objective
                        .due_date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
            ]),
            Line::from(""),
        ];
        lines.extend(labelled_field(
            "Measure",
            "objective",
            &reference,
            "measure",
            &objective.measure,
            theme,
        ));
        lines.push(Line::from(Span::styled("Measurements", theme.title)));
        if series.is_empty() {
            lines.push(Line::from(Span::styled("None yet: press m.", theme.muted)));
        }
        // A bar per measurement, scaled to the largest value, so the trend shows at a glance.
        let max = series
            .iter()
            .map(|m| m.value.abs())
            .fold(0.0_f64, f64::max)
            .max(objective.target_value.unwrap_or(0.0).abs());
        for m in &series {
            let width = if max > 0.0 {
                ((m.value.abs() / max) * 20.0).round() as usize
            } else {
                0
            };
            lines.push(Line::from(vec![
                Span::raw(format!("{} ", m.date)),
                Span::styled("█".repeat(width), theme.ok),
                Span::raw(format!(" {} {}", m.value, m.note)),
            ]));
        }
        render_detail(
            format!(
                " {reference} · {} ",
                theme.shown_line("objective", &reference, "statement", &objective.statement)
            ),
            lines,
            detail_area,
            buf,
            theme,
        );
    }

    fn render_minutes(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .title(Span::styled(" Minutes ", theme.title));
        let inner = block.inner(area);
        let lines = self.minutes_lines(theme);
        let height = wrapped_height(&lines, inner.width);
        self.scroll = self
            .scroll
            .min(height.saturating_sub(usize::from(inner.height)));
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .scroll((self.scroll as u16, 0))
            .block(block)
            .render(area, buf);
    }

    fn minutes_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let Some((reference, review)) = self.selected_review() else {
            return vec![Line::from(Span::styled("No review selected.", theme.muted))];
        };
        let heading = |text: String| Line::from(Span::styled(text, theme.title));
        let mut lines = vec![
            heading(format!("Management review {reference}")),
            Line::from(format!(
                "{} · chaired by {} · {}",
                review
                    .date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "date not set".into()),
                if review.chair.is_empty() {
                    "—"
                } else {
                    &review.chair
                },
                review.status.label()
            )),
            Line::from(format!(
                "Attendees: {}",
                theme
                    .shown("review", &reference, "attendees", &review.attendees)
                    .replace('\n', ", ")
            )),
            Line::from(""),
        ];
        for (i, (letter, title)) in INPUTS.iter().enumerate() {
            lines.push(heading(format!("Input {letter}: {title}")));
            let text = review.input_text(i);
            let summary = if text.is_empty() {
                "Not compiled."
            } else {
                text.as_str()
            };
            lines.extend(summary.lines().map(|l| Line::from(l.to_string())));
            if !review.notes[i].trim().is_empty() {
                lines.push(Line::from(vec![
                    Span::styled("Discussion: ", theme.label_focus),
                    Span::raw(
                        theme
                            .shown("review", &reference, "notes", &review.notes[i])
                            .replace('\n', " "),
                    ),
                ]));
            }
            lines.push(Line::from(""));
        }
        lines.push(heading("Decisions (9.3.3)".into()));
        let shown = |field: &str, text: &str| {
            theme
                .shown("review", &reference, field, text)
                .lines()
                .map(|l| Line::from(l.to_string()))
                .collect::<Vec<_>>()
        };
        lines.extend(shown("decisions", &review.decisions));
        lines.push(Line::from(""));
        lines.push(heading("Changes to the ISMS".into()));
        lines.extend(shown("changes", &review.changes));
        lines.push(Line::from(""));
        lines.push(heading("Actions".into()));
        for a in self
            .data
            .actions
            .iter()
            .filter(|a| a.value.review == reference)
        {
            let due = a
                .value
                .due_date
                .map(|d| format!(", due {d}"))
                .unwrap_or_default();
            lines.push(Line::from(format!(
                "{} {} ({}, {}{due})",
                a.reference,
                theme
                    .shown(
                        "review_action",
                        &a.reference,
                        "description",
                        &a.value.description
                    )
                    .replace('\n', " "),
                a.value.owner,
                a.value.status.label()
            )));
        }
        lines
    }
}
