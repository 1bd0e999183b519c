//! The Overview tab: what still stands between the workspace and certification, as the
//! readiness rules of `isms check` find it, each finding one `Enter` away from its record.

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

use super::Tab;
use crate::domain::check::{CheckFinding, Severity};
use crate::store::Store;
use crate::ui::components::keep_in_range;
use crate::ui::components::ListFrame;
use crate::ui::keymap::{Action, Context};
use crate::ui::presentation::finding_message;
use crate::ui::theme::Theme;

/// The Overview asks no questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {}

pub type Outcome = super::Outcome<Pending>;

/// The tab that holds the record a finding points at.
pub fn tab_of(finding: &CheckFinding) -> Tab {
    match finding.rule {
        rule if rule.starts_with("scope-") => Tab::Scope,
        "risk-without-owner"
        | "risk-untreated"
        | "residual-not-accepted"
        | "acceptance-stale"
        | "acceptance-expired" => Tab::Risks,
        "soa-undecided" | "soa-exclusion-unjustified" | "control-without-target" => Tab::Soa,
        "clause-not-audited"
        | "control-not-audited"
        | "major-nc-open"
        | "nc-overdue"
        | "review-before-audit" => Tab::Audit,
        "no-management-review" | "management-review-old" | "objective-unmeasured" => Tab::Review,
        _ => Tab::Overview,
    }
}

/// The tabs whose records findings point at, in the order the summary counts them.
const AREAS: [Tab; 5] = [Tab::Scope, Tab::Risks, Tab::Soa, Tab::Audit, Tab::Review];

pub struct OverviewTab {
    findings: Vec<CheckFinding>,
    /// Blockers in all, and blockers and warnings per tab of [`AREAS`]: counted when the
    /// findings change, not per frame.
    blockers: usize,
    per_area: [(usize, usize); AREAS.len()],
    today: NaiveDate,
    table: TableState,
    list_area: Rect,
}

impl OverviewTab {
    pub fn new(today: NaiveDate) -> Self {
        OverviewTab {
            findings: Vec::new(),
            blockers: 0,
            per_area: Default::default(),
            today,
            table: TableState::default(),
            list_area: Rect::default(),
        }
    }

    pub fn findings(&self) -> &[CheckFinding] {
        &self.findings
    }

    pub fn contexts(&self) -> Vec<Context> {
        vec![Context::Findings, Context::List]
    }

    pub fn is_typing(&self) -> bool {
        false
    }

    pub fn has_unsaved_changes(&self) -> bool {
        false
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    /// Runs the readiness rules again: only when the store changed since the last run.
    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        self.findings = store.check(self.today)?;
        self.blockers = crate::domain::check::blockers(&self.findings).count();
        self.per_area = Default::default();
        for finding in &self.findings {
            if let Some(area) = AREAS.iter().position(|tab| *tab == tab_of(finding)) {
                let (blockers, warnings) = &mut self.per_area[area];
                match finding.severity {
                    Severity::Blocker => *blockers += 1,
                    Severity::Warning => *warnings += 1,
                }
            }
        }
        keep_in_range(&mut self.table, self.findings.len());
        Ok(())
    }

    /// The Overview is where findings lead from, not to.
    pub fn reveal(&mut self, _reference: &str) -> bool {
        false
    }

    fn selected(&self) -> Option<&CheckFinding> {
        self.table.selected().and_then(|i| self.findings.get(i))
    }

    pub fn perform(&mut self, action: Action, _store: &mut Store) -> Outcome {
        let len = self.findings.len();
        let page = usize::from(self.list_area.height.saturating_sub(3).max(1)) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Edit => {
                return match self.selected() {
                    Some(finding) => Outcome::Reveal(tab_of(finding), finding.record.clone()),
                    None => Outcome::Ignored,
                }
            }
            Action::History => {
                return match self.selected() {
                    Some(finding) if !finding.record.is_empty() => {
                        Outcome::ShowHistory(finding.record.clone())
                    }
                    Some(_) => Outcome::Status("This finding is about no single record.".into()),
                    None => Outcome::Ignored,
                }
            }
            _ => return Outcome::Ignored,
        };
        if len > 0 {
            let current = self.table.selected().unwrap_or(0);
            self.table
                .select(Some(current.saturating_add_signed(delta).min(len - 1)));
        }
        Outcome::Done
    }

    pub fn confirmed(&mut self, question: Pending, _store: &mut Store) -> Outcome {
        match question {}
    }

    pub fn type_key(&mut self, _key: KeyEvent) -> bool {
        false
    }

    pub fn paste(&mut self, _text: &str) -> bool {
        false
    }

    /// Selects the finding under a click.
    pub fn click(&mut self, x: u16, y: u16) -> bool {
        let area = self.list_area;
        let first = area.y + 2;
        let inside = x > area.x && x + 1 < area.right() && y >= first && y + 1 < area.bottom();
        let index = self.table.offset() + usize::from(y.saturating_sub(first));
        if inside && index < self.findings.len() {
            self.table.select(Some(index));
            return true;
        }
        false
    }

    pub fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [summary, list, detail] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(5),
            Constraint::Length(4),
        ])
        .areas(area);
        self.render_summary(summary, buf, theme);
        self.render_list(list, buf, theme);
        self.render_detail(detail, buf, theme);
    }

    fn render_summary(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let blockers = self.blockers;
        let warnings = self.findings.len() - blockers;
        let verdict = if blockers == 0 {
            Span::styled(" No blockers: ready to face the auditor. ", theme.ok)
        } else {
            Span::styled(
                format!(
                    " {blockers} {} before certification. ",
                    plural(blockers, "blocker")
                ),
                theme.error,
            )
        };
        let mut areas = Vec::new();
        for (tab, (b, w)) in AREAS.iter().zip(self.per_area) {
            let style = if b > 0 {
                theme.error
            } else if w > 0 {
                theme.warn
            } else {
                theme.ok
            };
            areas.push(Span::styled(format!(" {} {b}/{w} ", tab.title()), style));
        }
        let lines = vec![
            Line::from(vec![
                verdict,
                Span::styled(
                    format!("{warnings} {}.", plural(warnings, "warning")),
                    theme.muted,
                ),
            ]),
            Line::from(
                std::iter::once(Span::styled(" blockers/warnings:", theme.muted))
                    .chain(areas)
                    .collect::<Vec<_>>(),
            ),
        ];
        Paragraph::new(Text::from(lines))
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border)
                    .title(Span::styled(
                        format!(" Readiness on {} (isms check) ", self.today),
                        theme.title,
                    )),
            )
            .render(area, buf);
    }

    fn render_list(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        self.list_area = area;
        // Only the rows on screen are formatted: a large register can give a finding per risk.
        let visible = usize::from(area.height.saturating_sub(3)).max(1);
        let selected = self.table.selected();
        let mut offset = self.table.offset();
        if let Some(selected) = selected {
            if selected < offset {
                offset = selected;
            } else if selected >= offset + visible {
                offset = selected + 1 - visible;
            }
        }
        offset = offset.min(self.findings.len().saturating_sub(visible));
        *self.table.offset_mut() = offset;
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
                Row::new(vec![
                    Cell::from(Span::styled(f.severity.label(), style)),
                    Cell::from(f.clause),
                    Cell::from(
                        if f.record.is_empty() {
                            "—"
                        } else {
                            &f.record
                        }
                        .to_string(),
                    ),
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
        .list_frame(" Findings · Enter goes to the record ", theme);
        let mut window = TableState::default().with_selected(selected.map(|s| s - offset));
        StatefulWidget::render(table, area, buf, &mut window);
        if empty {
            Paragraph::new(Span::styled(
                "Every readiness rule passes.",
                Style::default().patch(theme.ok),
            ))
            .render(area.inner(ratatui::layout::Margin::new(2, 2)), buf);
        }
    }

    fn render_detail(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let text = match self.selected() {
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
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
