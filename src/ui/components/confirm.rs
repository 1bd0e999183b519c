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
        // Counted as the words wrap, so that a long question never pushes its answers out.
        let lines: usize = self
            .question
            .split('\n')
            .map(|line| super::wrap(line, text_width, usize::MAX).len())
            .sum();
        let lines = u16::try_from(lines).unwrap_or(u16::MAX);
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;

    #[test]
    fn a_long_question_keeps_its_answers_in_view() {
        // Words that wrap early: counted by characters this would seem to need two lines.
        let word = "x".repeat(34);
        let question = format!("{word} {word} {word} {word} Restore it?");
        let confirm = Confirm::new(question.as_str(), ());
        let area = Rect::new(0, 0, 80, 22);
        let mut buf = Buffer::empty(area);
        let theme = Theme::new(crate::ui::theme::ThemeName::Dark, true);
        confirm.render(area, &mut buf, &theme);
        let text: String = (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("y yes"), "{text}");
        assert!(text.contains("Restore it?"), "{text}");
    }
}
