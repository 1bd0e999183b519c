//! A yes/no question in a small box over the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::centered;
use crate::ui::theme::Theme;

pub struct Confirm<T> {
    pub question: String,
    /// What to do on "yes".
    pub on_yes: T,
}

impl<T> Confirm<T> {
    pub fn new(question: impl Into<String>, on_yes: T) -> Self {
        Confirm {
            question: question.into(),
            on_yes,
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let width = (self.question.chars().count() as u16 + 6).clamp(30, 70);
        let text_width = width.saturating_sub(4).max(1) as usize;
        let lines = self.question.chars().count().div_ceil(text_width) as u16;
        let popup = centered(area, width, lines + 4);
        Clear.render(popup, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .style(theme.popup)
            .title(Span::styled(" Please confirm ", theme.title));
        let inner = block.inner(popup);
        block.render(popup, buf);
        let text = vec![
            Line::from(self.question.as_str()),
            Line::from(""),
            Line::from(vec![
                Span::styled("y", theme.key),
                Span::raw(" yes   "),
                Span::styled("n", theme.key),
                Span::raw(" no"),
            ]),
        ];
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .render(inner.inner(ratatui::layout::Margin::new(1, 0)), buf);
    }
}
