//! A record form: labelled fields stacked in a panel, typed into with ratatui-textarea,
//! validation messages shown under the field they concern, and a dirty flag for
//! "unsaved changes" questions.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};
use ratatui_textarea::{TextArea, WrapMode};

use crate::domain::FieldError;
use crate::ui::theme::Theme;

/// A choice: stored key and label shown.
pub type Choice = (&'static str, &'static str);

enum Input {
    Text {
        editor: Box<TextArea<'static>>,
        multiline: bool,
    },
    Choice {
        options: Vec<Choice>,
        index: usize,
    },
}

pub struct Field {
    pub key: &'static str,
    label: &'static str,
    input: Input,
    error: Option<String>,
}

impl Field {
    fn text(key: &'static str, label: &'static str, value: &str, multiline: bool) -> Self {
        let lines = if value.is_empty() {
            vec![String::new()]
        } else {
            value.split('\n').map(str::to_string).collect()
        };
        let mut editor = TextArea::new(lines);
        editor.set_wrap_mode(if multiline {
            WrapMode::WordOrGlyph
        } else {
            WrapMode::None
        });
        editor.set_cursor_line_style(Style::default());
        editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
        editor.move_cursor(ratatui_textarea::CursorMove::End);
        Field {
            key,
            label,
            input: Input::Text {
                editor: Box::new(editor),
                multiline,
            },
            error: None,
        }
    }

    /// A one-line text field.
    pub fn line(key: &'static str, label: &'static str, value: &str) -> Self {
        Field::text(key, label, value, false)
    }

    /// A multi-line text field; Enter starts a new line.
    pub fn multiline(key: &'static str, label: &'static str, value: &str) -> Self {
        Field::text(key, label, value, true)
    }

    /// A closed choice, cycled with the arrow keys or Space.
    pub fn choice(
        key: &'static str,
        label: &'static str,
        options: Vec<Choice>,
        selected: &str,
    ) -> Self {
        let index = options
            .iter()
            .position(|(k, _)| *k == selected)
            .unwrap_or(0);
        Field {
            key,
            label,
            input: Input::Choice { options, index },
            error: None,
        }
    }

    fn value(&self) -> String {
        match &self.input {
            Input::Text { editor, .. } => editor.lines().join("\n"),
            Input::Choice { options, index } => options[*index].0.to_string(),
        }
    }

    fn is_multiline(&self) -> bool {
        matches!(
            self.input,
            Input::Text {
                multiline: true,
                ..
            }
        )
    }
}

/// Multi-line fields grow with the screen up to this many rows, so that a field's error
/// message stays near its label.
const MAX_MULTILINE_ROWS: u16 = 8;

pub struct Form {
    pub title: String,
    fields: Vec<Field>,
    focus: usize,
    original: Vec<String>,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Self {
        let original = fields.iter().map(Field::value).collect();
        let mut form = Form {
            title: title.into(),
            fields,
            focus: 0,
            original,
        };
        form.apply_focus_styles();
        form
    }

    /// The current value of a field: text as typed, or the chosen key.
    pub fn value(&self, key: &str) -> String {
        self.fields
            .iter()
            .find(|field| field.key == key)
            .map(Field::value)
            .unwrap_or_default()
    }

    pub fn is_dirty(&self) -> bool {
        self.fields
            .iter()
            .zip(&self.original)
            .any(|(field, original)| field.value() != *original)
    }

    pub fn focused_is_choice(&self) -> bool {
        matches!(self.fields[self.focus].input, Input::Choice { .. })
    }

    pub fn focused_key(&self) -> &'static str {
        self.fields[self.focus].key
    }

    /// Shows these errors under their fields (and clears the others).
    pub fn show_errors(&mut self, errors: &[FieldError]) {
        for field in &mut self.fields {
            field.error = errors
                .iter()
                .find(|e| e.field == field.key)
                .map(|e| e.message.clone());
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|field| field.error.is_some())
    }

    /// Moves the focus to the first field with an error.
    pub fn focus_first_error(&mut self) {
        if let Some(index) = self.fields.iter().position(|field| field.error.is_some()) {
            self.focus = index;
            self.apply_focus_styles();
        }
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len();
        self.apply_focus_styles();
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        self.apply_focus_styles();
    }

    pub fn cycle_choice(&mut self, forward: bool) {
        if let Input::Choice { options, index } = &mut self.fields[self.focus].input {
            let len = options.len();
            *index = if forward {
                (*index + 1) % len
            } else {
                (*index + len - 1) % len
            };
        }
    }

    /// Types a key into the focused field. Returns true when the key was used.
    /// Enter in a one-line field moves on to the next field instead of breaking the line.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        let field = &mut self.fields[self.focus];
        match &mut field.input {
            Input::Text {
                multiline: false, ..
            } if key.code == KeyCode::Enter => {
                self.next_field();
                true
            }
            Input::Text { editor, .. } => {
                editor.input(key);
                true
            }
            Input::Choice { .. } => false,
        }
    }

    /// Inserts pasted text into the focused text field.
    pub fn paste(&mut self, text: &str) {
        if let Input::Text { editor, multiline } = &mut self.fields[self.focus].input {
            let text = if *multiline {
                text.replace('\r', "")
            } else {
                text.replace(['\r', '\n'], " ")
            };
            editor.insert_str(text);
        }
    }

    /// Only the focused text field shows a cursor.
    fn apply_focus_styles(&mut self) {
        let focus = self.focus;
        for (index, field) in self.fields.iter_mut().enumerate() {
            if let Input::Text { editor, .. } = &mut field.input {
                let cursor = if index == focus {
                    Style::default().add_modifier(ratatui::style::Modifier::REVERSED)
                } else {
                    Style::default()
                };
                editor.set_cursor_style(cursor);
            }
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        Clear.render(area, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .style(theme.popup)
            .title(Span::styled(format!(" {} ", self.title), theme.title));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.width < 10 || inner.height == 0 {
            return;
        }

        let label_width = self
            .fields
            .iter()
            .map(|f| f.label.chars().count() as u16 + 3)
            .max()
            .unwrap_or(10)
            .min(inner.width / 3);
        let value_width = inner.width.saturating_sub(label_width + 1);
        let heights = self.field_heights(inner.height, value_width);

        let mut y = inner.y;
        for (index, (field, height)) in self.fields.iter().zip(heights).enumerate() {
            if y >= inner.bottom() {
                break;
            }
            let focused = index == self.focus;
            let marker = if focused { "▶ " } else { "  " };
            let label_style = if focused {
                theme.label_focus
            } else {
                theme.label
            };
            Paragraph::new(Line::from(vec![
                Span::styled(marker, theme.label_focus),
                Span::styled(field.label, label_style),
            ]))
            .render(Rect::new(inner.x, y, label_width, 1), buf);

            let value_area = Rect::new(
                inner.x + label_width + 1,
                y,
                value_width,
                height.min(inner.bottom() - y),
            );
            let value_style = if focused {
                theme.field_focus
            } else {
                theme.popup
            };
            buf.set_style(value_area, value_style);
            match &field.input {
                Input::Text { editor, .. } => editor.render(value_area, buf),
                Input::Choice { options, index } => {
                    let mut spans = Vec::new();
                    for (i, (_, label)) in options.iter().enumerate() {
                        if i == *index {
                            spans.push(Span::styled(format!("[{label}]"), theme.selected));
                        } else {
                            spans.push(Span::styled(format!(" {label} "), theme.muted));
                        }
                        spans.push(Span::raw(" "));
                    }
                    Paragraph::new(Line::from(spans))
                        .wrap(Wrap { trim: false })
                        .render(value_area, buf);
                }
            }
            y += value_area.height;
            if let Some(error) = &field.error {
                if y < inner.bottom() {
                    let line = Line::from(Span::styled(format!("✗ {error}"), theme.error));
                    Paragraph::new(line).render(Rect::new(value_area.x, y, value_width, 1), buf);
                    y += 1;
                }
            }
        }
    }

    /// One row for one-line fields, as many as the choice needs, and the rest shared out among
    /// the multi-line fields (at least two rows each).
    fn field_heights(&self, available: u16, width: u16) -> Vec<u16> {
        let fixed: Vec<Option<u16>> = self
            .fields
            .iter()
            .map(|field| match &field.input {
                Input::Text {
                    multiline: true, ..
                } => None,
                Input::Text { .. } => Some(1),
                Input::Choice { options, .. } => {
                    let total: usize = options.iter().map(|(_, l)| l.chars().count() + 3).sum();
                    Some((total as u16).div_ceil(width.max(1)).max(1))
                }
            })
            .collect();
        let errors = self.fields.iter().filter(|f| f.error.is_some()).count() as u16;
        let used: u16 = fixed.iter().flatten().sum::<u16>() + errors;
        let multiline = self.fields.iter().filter(|f| f.is_multiline()).count() as u16;
        let share = available
            .saturating_sub(used)
            .checked_div(multiline)
            .map_or(0, |rows| rows.clamp(2, MAX_MULTILINE_ROWS));
        fixed.into_iter().map(|h| h.unwrap_or(share)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn form() -> Form {
        Form::new(
            "Test",
            vec![
                Field::line("name", "Name", "Ada"),
                Field::choice("scope", "Scope", vec![("in", "In"), ("out", "Out")], "in"),
                Field::multiline("why", "Why", ""),
            ],
        )
    }

    #[test]
    fn typing_makes_the_form_dirty_and_undoing_it_clean() {
        let mut form = form();
        assert!(!form.is_dirty());
        form.type_key(key('x'));
        assert_eq!(form.value("name"), "Adax");
        assert!(form.is_dirty());
        form.type_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert!(!form.is_dirty());
    }

    #[test]
    fn enter_in_a_line_field_moves_on_and_in_a_multiline_field_breaks_the_line() {
        let mut form = form();
        form.type_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(form.focused_key(), "scope");
        assert!(form.focused_is_choice());
        form.cycle_choice(true);
        assert_eq!(form.value("scope"), "out");
        form.next_field();
        form.type_key(key('a'));
        form.type_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        form.type_key(key('b'));
        assert_eq!(form.value("why"), "a\nb");
    }

    #[test]
    fn errors_attach_to_their_field() {
        let mut form = form();
        form.show_errors(&[FieldError::new("why", "Say why.")]);
        assert!(form.has_errors());
        form.focus_first_error();
        assert_eq!(form.focused_key(), "why");
        form.show_errors(&[]);
        assert!(!form.has_errors());
    }
}
