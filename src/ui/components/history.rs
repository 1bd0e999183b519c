//! The `h` overlay: a record's change log, newest first (who, when, field, old -> new).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Row, Table, Widget};

use super::{centered, wrap};
use crate::domain::changelog::{ChangeEntry, Operation};
use crate::ui::field_labels::FieldLabels;
use crate::ui::theme::Theme;

pub struct History {
    pub record: String,
    pub entries: Vec<ChangeEntry>,
    pub scroll: usize,
    /// How this kind of record's columns and values read in its forms.
    labels: FieldLabels,
}

impl History {
    /// `method` names the risk scales' levels, as the risk form does.
    pub fn new(
        record: String,
        entries: Vec<ChangeEntry>,
        method: &crate::domain::method::RiskMethod,
    ) -> Self {
        let labels = FieldLabels::with_method(&record, method);
        History {
            record,
            entries,
            scroll: 0,
            labels,
        }
    }
}

/// A value as it fits on one line of the history table, as the form shows it.
fn one_line(labels: &FieldLabels, field: &str, value: &Option<String>) -> String {
    match value {
        None => "∅".into(),
        Some(text) if text.is_empty() => "(empty)".into(),
        Some(text) => labels.value(field, text).replace('\n', " ⏎ "),
    }
}

fn change_text(labels: &FieldLabels, entry: &ChangeEntry) -> String {
    let shown = |value| one_line(labels, &entry.field, value);
    match entry.operation {
        Operation::Create => format!("set to {}", shown(&entry.new)),
        Operation::Delete => format!("deleted (was {})", shown(&entry.old)),
        Operation::Update => format!("{} → {}", shown(&entry.old), shown(&entry.new)),
    }
}

/// Long values are shown on up to this many lines, then cut with an ellipsis.
const MAX_ROW_LINES: usize = 4;

impl History {
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let popup = centered(area, 140, area.height);
        Clear.render(popup, buf);
        let title = format!(
            " History of {} ({} changes) ",
            self.record,
            self.entries.len()
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .style(theme.popup)
            .title(Span::styled(title, theme.title))
            .title_bottom(Span::styled(" ↑↓ scroll · Esc close ", theme.muted));
        if self.entries.is_empty() {
            let inner = block.inner(popup);
            block.render(popup, buf);
            Line::from(Span::styled("No changes recorded.", theme.muted)).render(inner, buf);
            return;
        }
        // Borders, the three fixed columns and the gaps between columns.
        // "Who" is as wide as the longest name shown (login names and $ISMS_ACTOR vary).
        let who = self
            .entries
            .iter()
            .map(|e| e.actor.chars().count())
            .max()
            .unwrap_or(3)
            .clamp(3, 20) as u16;
        let change_width = popup.width.saturating_sub(2 + 19 + who + 15 + 3).max(10) as usize;
        let rows = self.entries.iter().skip(self.scroll).map(|entry| {
            let when = entry.at.replace('T', " ").trim_end_matches('Z').to_string();
            let table = crate::domain::confidential::table_of(&self.record);
            let text = change_text(&self.labels, entry);
            // A confidential field's values are not shown while presenting.
            let text = theme.shown(table, &self.record, &entry.field, &text);
            let change = wrap(text, change_width, MAX_ROW_LINES);
            let label = wrap(&self.labels.label(&entry.field), 15, MAX_ROW_LINES);
            let height = change.len().max(label.len()) as u16;
            Row::new(vec![
                Cell::from(when),
                Cell::from(entry.actor.clone()),
                Cell::from(label.join("\n")),
                Cell::from(change.join("\n")),
            ])
            .height(height)
        });
        let header = Row::new(["When (UTC)", "Who", "Field", "Change"]).style(theme.title);
        Table::new(
            rows,
            [
                Constraint::Length(19),
                Constraint::Length(who),
                Constraint::Length(15),
                Constraint::Min(10),
            ],
        )
        .header(header)
        .block(block)
        .render(popup, buf);
    }
}
