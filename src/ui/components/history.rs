//! The `h` overlay: a record's change log, newest first (who, when, field, old -> new).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Row, Table, Widget};

use super::centered;
use crate::domain::changelog::{ChangeEntry, Operation};
use crate::ui::theme::Theme;

pub struct History {
    pub record: String,
    pub entries: Vec<ChangeEntry>,
    pub scroll: usize,
}

/// A value as it fits on one line of the history table.
fn one_line(value: &Option<String>) -> String {
    match value {
        None => "∅".into(),
        Some(text) if text.is_empty() => "\"\"".into(),
        Some(text) => text.replace('\n', " ⏎ "),
    }
}

fn change_text(entry: &ChangeEntry) -> String {
    match entry.operation {
        Operation::Create => format!("set to {}", one_line(&entry.new)),
        Operation::Delete => format!("deleted (was {})", one_line(&entry.old)),
        Operation::Update => format!("{} → {}", one_line(&entry.old), one_line(&entry.new)),
    }
}

impl History {
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let popup = centered(
            area,
            area.width.saturating_sub(4),
            area.height.saturating_sub(2),
        );
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
        let rows = self.entries.iter().skip(self.scroll).map(|entry| {
            let when = entry.at.replace('T', " ").trim_end_matches('Z').to_string();
            Row::new(vec![
                Cell::from(when),
                Cell::from(entry.actor.clone()),
                Cell::from(entry.field.clone()),
                Cell::from(change_text(entry)),
            ])
        });
        let header = Row::new(["When (UTC)", "Who", "Field", "Change"]).style(theme.title);
        Table::new(
            rows,
            [
                Constraint::Length(19),
                Constraint::Length(10),
                Constraint::Length(15),
                Constraint::Min(10),
            ],
        )
        .header(header)
        .block(block)
        .render(popup, buf);
    }
}
