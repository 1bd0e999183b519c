//! Drawing the Evidence tab: the required documents with their state, and the register with
//! the selected document's details.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, Widget, Wrap};

use super::{EvidenceTab, Section};
use crate::domain::catalogue::{clauses, control};
use crate::domain::document::{requirement, Document, DocumentStatus, RequiredState};
use crate::domain::words;
use crate::ui::components::{
    filter_line as render_filter_line, render_detail, section_bar, split_list, ListFrame,
};
use crate::ui::tabs::Sections;
use crate::ui::theme::Theme;

const SIDE_BY_SIDE_WIDTH: u16 = 130;

fn state_style(state: RequiredState, theme: &Theme) -> Style {
    match state {
        RequiredState::Missing => theme.error,
        RequiredState::NotApproved | RequiredState::OverdueReview => theme.warn,
        RequiredState::InPlace => theme.ok,
    }
}

fn clause_title(id: &str) -> &'static str {
    clauses()
        .iter()
        .find(|c| c.id == id)
        .map_or("", |c| c.title.as_str())
}

fn field<'a>(label: &str, value: impl Into<String>, theme: &Theme) -> Line<'a> {
    let value = value.into();
    Line::from(vec![
        Span::styled(format!("{label}: "), theme.label_focus),
        if value.is_empty() {
            Span::styled("(none)", theme.muted)
        } else {
            Span::raw(value)
        },
    ])
}

impl EvidenceTab {
    fn in_place(&self) -> usize {
        self.expected
            .iter()
            .filter(|e| e.state == RequiredState::InPlace)
            .count()
    }

    fn section_titles(&self, short: bool) -> Vec<String> {
        let (done, all) = (self.in_place(), self.expected.len());
        let documents = self.data.documents.len();
        if short {
            vec![
                format!("Required {done}/{all}"),
                format!("Register {documents}"),
            ]
        } else {
            vec![
                format!("7.5 Required documents ({done} of {all} in place)"),
                format!("Register of documents and evidence ({documents})"),
            ]
        }
    }

    /// The next review date as the register shows it: overdue ones stand out in words.
    fn next_review_text(&self, document: &Document) -> String {
        match document.next_review {
            Some(date) if document.is_review_overdue(self.today) => format!("⚠ overdue {date}"),
            Some(date) => date.to_string(),
            None => String::new(),
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
            Section::Required => self.render_required(body, buf, theme),
            Section::Register => self.render_register(body, buf, theme),
        }
        if let Some(session) = &self.form {
            let popup = body.inner(Margin::new(if body.width > 110 { 6 } else { 0 }, 0));
            session.form.render(popup, buf, theme);
        }
    }

    fn render_required(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [summary, area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let count =
            |state: RequiredState| self.expected.iter().filter(|e| e.state == state).count();
        let (done, all) = (self.in_place(), self.expected.len());
        let missing = count(RequiredState::Missing);
        let spans = vec![
            Span::styled(
                format!(" {done} of {all} in place"),
                if done == all { theme.ok } else { theme.warn },
            ),
            Span::raw(format!(
                " · ✗ {missing} missing · … {} not approved · ⚠ {} review overdue",
                count(RequiredState::NotApproved),
                count(RequiredState::OverdueReview)
            )),
        ];
        Paragraph::new(Line::from(spans)).render(summary, buf);

        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 55);
        self.list_area = list_area;
        let rows: Vec<Row> = self
            .expected
            .iter()
            .map(|e| {
                Row::new(vec![
                    Cell::from(Span::styled(
                        format!("{} {}", e.state.mark(), e.state.label()),
                        state_style(e.state, theme),
                    )),
                    Cell::from(e.requirement.key.clone()),
                    Cell::from(e.requirement.label.clone()),
                    // "workbench" when its own records fulfil it, with how many documents too.
                    Cell::from(match (e.in_workbench(), e.documents.len()) {
                        (Some(_), 0) => "workbench".to_string(),
                        (Some(_), n) => format!("workbench +{n}"),
                        (None, _) => e.documents.join(", "),
                    }),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Length(7),
                Constraint::Min(16),
                Constraint::Length(16),
            ],
        )
        .header(Row::new(["State", "Ref", "Required document", "Documents"]).style(theme.title))
        .list_frame(
            " Documented information the ISMS needs · Enter writes or shows it ",
            theme,
        );
        StatefulWidget::render(table, list_area, buf, &mut self.required);
        self.render_required_detail(detail_area, buf, theme);
    }

    fn render_required_detail(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let Some(expected) = self.selected_expected() else {
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .render(area, buf);
            return;
        };
        let requirement = expected.requirement;
        let mut lines = vec![Line::from(vec![
            Span::styled("State: ", theme.label_focus),
            Span::styled(
                format!("{} {}", expected.state.mark(), expected.state_text()),
                state_style(expected.state, theme),
            ),
        ])];
        match &requirement.control {
            Some(id) => lines.push(field(
                "Control",
                format!(
                    "A.{id} {} (applicable in the SoA)",
                    control(id).map_or("", |c| c.title.as_str())
                ),
                theme,
            )),
            None => lines.push(field(
                "Clause",
                format!(
                    "{} {}",
                    requirement.clause,
                    clause_title(&requirement.clause)
                ),
                theme,
            )),
        }
        lines.push(field(
            "Usually a",
            requirement.kind.label().to_lowercase(),
            theme,
        ));
        lines.push(Line::from(""));
        if let Some(held) = &expected.workbench {
            lines.push(Line::from(Span::styled("In the workbench", theme.title)));
            lines.push(Line::from(if held.held {
                format!(
                    "✓ Fulfilled: {}. The audit pack holds it in {}; no document record is needed.",
                    held.condition, held.pack_file
                )
            } else {
                format!(
                    "✗ Not yet: fulfilled once {} (then in {}), or by an approved document.",
                    held.condition, held.pack_file
                )
            }));
            lines.push(Line::from(""));
        }
        if expected.documents.is_empty() {
            if expected.in_workbench().is_none() {
                lines.push(Line::from(Span::styled(
                    "No document fulfils it yet. Enter writes one, already linked to it.",
                    theme.muted,
                )));
            }
        } else {
            lines.push(Line::from(Span::styled("Fulfilled by", theme.title)));
            for reference in &expected.documents {
                if let Some(document) = self.data.document(reference) {
                    let review = match document.next_review {
                        Some(date) if document.is_review_overdue(self.today) => {
                            format!(" · ⚠ review overdue since {date}")
                        }
                        Some(date) => format!(" · next review {date}"),
                        None => String::new(),
                    };
                    lines.push(Line::from(format!(
                        "{reference} {} · {}{review}",
                        document.title,
                        document.status.label()
                    )));
                }
            }
        }
        render_detail(
            format!(" {} · {} ", requirement.key, requirement.label),
            lines,
            area,
            buf,
            theme,
        );
    }

    fn render_register(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let filtering = !self.filter.is_empty() || self.typing;
        let (area, filter_line) = if filtering {
            let [a, f] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
            (a, Some(f))
        } else {
            (area, None)
        };
        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 55);
        self.list_area = list_area;
        // Kind and owner when there is room for them beside a readable title.
        let (with_kind, wide) = (list_area.width >= 85, list_area.width >= 110);
        let rows: Vec<Row> = self
            .order
            .iter()
            .map(|index| {
                let stored = &self.data.documents[*index];
                let d = &stored.value;
                let overdue = d.is_review_overdue(self.today);
                let status_style = match d.status {
                    DocumentStatus::Approved => Style::default(),
                    DocumentStatus::Retired => theme.muted,
                    DocumentStatus::Draft | DocumentStatus::InReview => theme.warn,
                };
                let mut cells = vec![
                    Cell::from(stored.reference.clone()),
                    Cell::from(d.title.clone()),
                ];
                if with_kind {
                    cells.push(Cell::from(d.kind.label()));
                }
                cells.push(Cell::from(d.version.clone()));
                if wide {
                    cells.push(Cell::from(d.owner.clone()));
                }
                cells.push(Cell::from(Span::styled(d.status.label(), status_style)));
                cells.push(Cell::from(Span::styled(
                    self.next_review_text(d),
                    if overdue {
                        theme.warn
                    } else {
                        Style::default()
                    },
                )));
                Row::new(cells)
            })
            .collect();
        let mut header = vec!["Ref", "Title"];
        let mut widths = vec![Constraint::Length(7), Constraint::Min(14)];
        if with_kind {
            header.push("Kind");
            widths.push(Constraint::Length(9));
        }
        header.push("Version");
        widths.push(Constraint::Length(7));
        if wide {
            header.push("Owner");
            widths.push(Constraint::Length(22));
        }
        header.extend(["Status", "Next review"]);
        widths.extend([Constraint::Length(9), Constraint::Length(20)]);
        let title = if self.order.len() == self.data.documents.len() {
            format!(
                " {} ",
                words::count(self.data.documents.len(), "document", "documents")
            )
        } else {
            format!(
                " {} of {} ",
                self.order.len(),
                words::count(self.data.documents.len(), "document", "documents")
            )
        };
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(theme.title))
            .list_frame(title, theme);
        StatefulWidget::render(table, list_area, buf, &mut self.register);
        if self.order.is_empty() {
            let text = if self.data.documents.is_empty() {
                "No document yet. Press n to add one, or pick a missing one under Required."
            } else {
                "No document matches the filter. Press x to clear it."
            };
            Paragraph::new(Span::styled(text, theme.muted))
                .wrap(Wrap { trim: true })
                .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        self.render_document_detail(detail_area, buf, theme);
        if let Some(line) = filter_line {
            render_filter_line(self.filter.clone(), self.typing, line, buf, theme);
        }
    }

    fn render_document_detail(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let Some((reference, d)) = self.selected_document() else {
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .render(area, buf);
            return;
        };
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let approval = match (d.approved_by.is_empty(), d.approved_on) {
            (true, None) => String::new(),
            (false, None) => d.approved_by.clone(),
            (true, Some(on)) => format!("on {on}"),
            (false, Some(on)) => format!("{} on {on}", d.approved_by),
        };
        let mut lines = vec![
            field(
                "Kind / version",
                format!("{} / {}", d.kind.label(), d.version),
                theme,
            ),
            field("Status", d.status.label(), theme),
            field("Owner", d.owner.clone(), theme),
            field("Reviewer", d.reviewer.clone(), theme),
            field("Approved by", approval, theme),
        ];
        if d.is_review_overdue(self.today) {
            lines.push(Line::from(vec![
                Span::styled("Next review: ", theme.label_focus),
                Span::styled(
                    format!("⚠ overdue since {}", date(d.next_review)),
                    theme.warn,
                ),
            ]));
        } else {
            lines.push(field("Next review", date(d.next_review), theme));
        }
        lines.push(field("Location", d.location.clone(), theme));
        lines.push(Line::from(""));
        let mut list = |title: &str, items: Vec<String>| {
            lines.push(Line::from(Span::styled(title.to_string(), theme.title)));
            if items.is_empty() {
                lines.push(Line::from(Span::styled("(none)", theme.muted)));
            }
            lines.extend(
                items
                    .into_iter()
                    .map(|item| Line::from(format!("  {item}"))),
            );
        };
        list(
            "Fulfils",
            d.requirements
                .iter()
                .map(|key| match requirement(key) {
                    Some(r) => format!("{key} {}", r.label),
                    None => key.clone(),
                })
                .collect(),
        );
        list(
            "Clauses",
            d.clauses
                .iter()
                .map(|id| format!("{id} {}", clause_title(id)))
                .collect(),
        );
        list(
            "Controls",
            d.controls
                .iter()
                .map(|id| format!("A.{id} {}", control(id).map_or("", |c| c.title.as_str())))
                .collect(),
        );
        render_detail(
            format!(" {reference} {} ", d.title),
            lines,
            area,
            buf,
            theme,
        );
    }
}
