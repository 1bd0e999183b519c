//! Drawing the Scope tab: the section bar, the list with its detail pane, the statement, and
//! the form or editor on top when one is open.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget, Wrap};

use super::{ScopeTab, Section};
use crate::domain::scope::summarise;
use crate::domain::workspace::climate_label;
use crate::ui::components::render_detail;
use crate::ui::components::{labelled, section_bar, split_list, wrap};
use crate::ui::presentation::{labelled_field, labelled_fields, render_table};
use crate::ui::tabs::Sections;
use crate::ui::theme::Theme;

/// Width from which the detail pane sits beside the list instead of below it.
const SIDE_BY_SIDE_WIDTH: u16 = 120;

impl Section {
    fn title(self, tab: &ScopeTab, short: bool) -> String {
        let data = &tab.data;
        match (self, short) {
            (Section::Issues, false) => format!("4.1 Context issues ({})", data.issues.len()),
            (Section::Issues, true) => format!("Issues {}", data.issues.len()),
            (Section::Parties, false) => format!("4.2 Interested parties ({})", data.parties.len()),
            (Section::Parties, true) => format!("Parties {}", data.parties.len()),
            (Section::Statement, false) => "4.3 Scope statement".into(),
            (Section::Statement, true) => "Statement".into(),
            (Section::Items, false) => {
                let summary = summarise(data.items.iter().map(|s| &s.value));
                format!(
                    "4.3 Scope items ({} in, {} out)",
                    summary.in_scope, summary.excluded
                )
            }
            (Section::Items, true) => format!("Items {}", data.items.len()),
            (Section::Climate, _) => "4.1 Climate change".into(),
        }
    }
}

impl ScopeTab {
    pub fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        self.render_section_bar(bar, buf, theme);
        match self.section {
            Section::Statement => self.render_statement(body, buf, theme),
            Section::Issues => {
                // The climate change decision belongs to the context (4.1): above its issues.
                let [climate, list] =
                    Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
                self.render_climate(climate, buf, theme);
                self.render_list(Section::Issues, list, buf, theme);
            }
            section => self.render_list(section, body, buf, theme),
        }
        if let Some(session) = &self.form {
            // Wide screens keep the list visible at the sides; narrow ones give the form all the room.
            let popup = body.inner(Margin::new(if body.width > 100 { 8 } else { 0 }, 0));
            session.form.render(popup, buf, theme);
        }
    }

    fn render_section_bar(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let full: Vec<String> = Section::ALL.iter().map(|s| s.title(self, false)).collect();
        let short: Vec<String> = Section::ALL.iter().map(|s| s.title(self, true)).collect();
        section_bar(&full, &short, self.section.index(), area, buf, theme);
    }

    fn render_list(&mut self, section: Section, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (list_area, detail_area) = split_list(area, SIDE_BY_SIDE_WIDTH, 56);
        self.list_area = list_area;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if self.form.is_none() {
                theme.border_focus
            } else {
                theme.border
            });
        let (header, widths, rows): (Vec<&str>, Vec<Constraint>, Vec<Row>) = match section {
            Section::Issues => (
                vec!["Ref", "Kind", "Issue"],
                vec![
                    Constraint::Length(7),
                    Constraint::Length(8),
                    Constraint::Min(10),
                ],
                self.data
                    .issues
                    .iter()
                    .map(|s| {
                        Row::new(vec![
                            Cell::from(s.reference.clone()),
                            Cell::from(s.value.kind.label()),
                            Cell::from(first_line(theme.shown(
                                "context_issue",
                                &s.reference,
                                "description",
                                &s.value.description,
                            ))),
                        ])
                        .bottom_margin(theme.row_gap())
                    })
                    .collect(),
            ),
            Section::Parties => (
                vec!["Ref", "Party", "Needs and expectations"],
                vec![
                    Constraint::Length(7),
                    Constraint::Percentage(35),
                    Constraint::Min(10),
                ],
                self.data
                    .parties
                    .iter()
                    .map(|s| {
                        Row::new(vec![
                            Cell::from(s.reference.clone()),
                            Cell::from(s.value.name.clone()),
                            Cell::from(first_line(theme.shown(
                                "interested_party",
                                &s.reference,
                                "needs",
                                &s.value.needs,
                            ))),
                        ])
                        .bottom_margin(theme.row_gap())
                    })
                    .collect(),
            ),
            Section::Items => (
                vec!["Ref", "Scope", "Kind", "Name"],
                vec![
                    Constraint::Length(7),
                    Constraint::Length(6),
                    Constraint::Length(19),
                    Constraint::Min(10),
                ],
                self.data
                    .items
                    .iter()
                    .map(|s| {
                        let (mark, style) = if s.value.in_scope {
                            ("✓ in", theme.ok)
                        } else {
                            ("✗ out", theme.warn)
                        };
                        Row::new(vec![
                            Cell::from(s.reference.clone()),
                            Cell::from(Span::styled(mark, style)),
                            Cell::from(s.value.kind.label()),
                            Cell::from(first_line(&s.value.name)),
                        ])
                        .bottom_margin(theme.row_gap())
                    })
                    .collect(),
            ),
            Section::Statement | Section::Climate => return,
        };
        let empty = rows.is_empty();
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(theme.title))
            .block(block)
            .row_highlight_style(theme.selected)
            .highlight_symbol("▶ ");
        let slot = section.list_slot().unwrap_or(0);
        render_table(table, list_area, buf, &mut self.tables[slot], theme);
        if empty {
            let message = format!("No {} yet. Press n to add one.", section.noun());
            Paragraph::new(Span::styled(message, theme.muted))
                .render(list_area.inner(Margin::new(2, 2)), buf);
        }
        self.render_detail(section, detail_area, buf, theme);
    }

    fn render_detail(&self, section: Section, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let index = self.tables[section.list_slot().unwrap_or(0)].selected();
        let mut title = String::from(" Details ");
        let lines: Vec<Line> = match (section, index) {
            (Section::Issues, Some(i)) if i < self.data.issues.len() => {
                let s = &self.data.issues[i];
                title = format!(" {} · {} issue ", s.reference, s.value.kind.label());
                labelled_fields(
                    "context_issue",
                    &s.reference,
                    &[
                        ("Issue", "description", &s.value.description),
                        ("Effect on the ISMS", "effect", &s.value.effect),
                    ],
                    theme,
                )
            }
            (Section::Parties, Some(i)) if i < self.data.parties.len() => {
                let s = &self.data.parties[i];
                title = format!(" {} · {} ", s.reference, s.value.name);
                labelled_fields(
                    "interested_party",
                    &s.reference,
                    &[
                        ("Needs and expectations", "needs", &s.value.needs),
                        (
                            "Addressed through the ISMS",
                            "addressed",
                            &s.value.addressed,
                        ),
                    ],
                    theme,
                )
            }
            (Section::Items, Some(i)) if i < self.data.items.len() => {
                let s = &self.data.items[i];
                let scope = if s.value.in_scope {
                    "in scope"
                } else {
                    "out of scope"
                };
                title = format!(" {} · {} · {scope} ", s.reference, s.value.kind.label());
                let label = if s.value.in_scope {
                    "Notes"
                } else {
                    "Why it is excluded"
                };
                [
                    labelled("Name", &s.value.name, theme),
                    labelled_field(
                        label,
                        "scope_item",
                        &s.reference,
                        "justification",
                        &s.value.justification,
                        theme,
                    ),
                ]
                .concat()
            }
            _ => vec![Line::from(Span::styled("Nothing selected.", theme.muted))],
        };
        render_detail(title, lines, area, buf, theme);
    }

    /// One line: whether climate change is a relevant issue, and why.
    fn render_climate(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let workspace = &self.data.workspace;
        let decision = workspace.climate_relevant;
        let mut spans = vec![
            Span::styled(" Climate change relevant (4.1, c): ", theme.label),
            Span::styled(
                climate_label(decision),
                if decision.is_some() {
                    theme.ok
                } else {
                    theme.warn
                },
            ),
        ];
        let note = first_line(theme.shown(
            "workspace",
            crate::store::WORKSPACE_REF,
            "climate_note",
            &workspace.climate_note,
        ));
        if decision.is_none() {
            spans.push(Span::styled(" · press c to decide", theme.muted));
        } else if !note.trim().is_empty() {
            // Cut to the line with "…": the whole note is in the form (c).
            let used: usize = spans
                .iter()
                .map(|s| s.content.chars().count())
                .sum::<usize>()
                + 3;
            let room = usize::from(area.width).saturating_sub(used);
            let shown = if note.chars().count() > room {
                let cut: String = note.chars().take(room.saturating_sub(1)).collect();
                format!("{}…", cut.trim_end())
            } else {
                note
            };
            spans.push(Span::raw(format!(" · {shown}")));
        }
        Paragraph::new(Line::from(spans)).render(area, buf);
    }

    fn render_statement(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let editing = self.editor.is_some();
        let dirty = if self.statement_is_dirty() {
            " · unsaved changes"
        } else {
            ""
        };
        let title = if editing {
            format!(" Scope statement (4.3) · editing{dirty} · Ctrl-S save · Esc stop ")
        } else {
            " Scope statement (4.3) · Enter to edit ".to_string()
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if editing {
                theme.border_focus
            } else {
                theme.border
            })
            .title(Span::styled(title, theme.title));
        let inner = block.inner(area);
        block.render(area, buf);
        let inner = inner.inner(Margin::new(1, 0));
        let [names, inner] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
        let workspace = &self.data.workspace;
        let or_unset = |value: &str| {
            if value.trim().is_empty() {
                "(not set: press o)".to_string()
            } else {
                value.to_string()
            }
        };
        Paragraph::new(Line::from(vec![
            Span::styled("Organisation: ", theme.label),
            Span::raw(or_unset(&workspace.organisation)),
            Span::styled("   ISMS: ", theme.label),
            Span::raw(or_unset(&workspace.isms_name)),
        ]))
        .render(names, buf);
        if let Some(editor) = &self.editor {
            editor.render(inner, buf);
            return;
        }
        let statement = &self.data.workspace.scope_statement;
        if statement.trim().is_empty() {
            let hint = "No scope statement yet. Press Enter and describe what the ISMS covers: the organisation's parts, sites, services and boundaries.";
            Paragraph::new(Span::styled(hint, theme.muted))
                .wrap(Wrap { trim: false })
                .render(inner, buf);
            return;
        }
        let total_lines: usize = statement
            .split('\n')
            .map(|line| wrap(line, inner.width.max(1) as usize, usize::MAX).len())
            .sum();
        let max_scroll = total_lines.saturating_sub(inner.height as usize);
        self.statement_scroll = self.statement_scroll.min(max_scroll);
        let text = Text::from(statement.split('\n').map(Line::from).collect::<Vec<_>>());
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((self.statement_scroll as u16, 0))
            .render(inner, buf);
        if max_scroll > 0 {
            let more = format!(
                " line {} of {total_lines} · ↑↓ scroll ",
                self.statement_scroll + 1
            );
            let width = (more.chars().count() as u16).min(area.width.saturating_sub(2));
            let at = Rect::new(
                area.right().saturating_sub(width + 1),
                area.bottom() - 1,
                width,
                1,
            );
            Paragraph::new(Span::styled(more, theme.muted)).render(at, buf);
        }
    }
}

/// The first line of a possibly multi-line text, for one-row table cells.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").to_string()
}
