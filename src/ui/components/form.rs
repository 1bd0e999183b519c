//! A record form: labelled fields stacked in a panel, typed into with ratatui-textarea,
//! validation messages shown under the field they concern, a dirty flag for "unsaved
//! changes" questions, and a searchable picker for fields that link to other records.

use std::collections::BTreeSet;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::centered;
use crate::domain::FieldError;
use crate::ui::theme::Theme;

/// A form's title: "Edit R-001 · risk" for a stored record, "New risk" otherwise.
pub fn title(reference: Option<&str>, noun: &str) -> String {
    match reference {
        Some(reference) => format!("Edit {reference} · {noun}"),
        None => format!("New {noun}"),
    }
}

/// Reads an optional ISO date field; a bad one becomes an error under the field.
pub fn date_of(
    form: &Form,
    key: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<crate::domain::dates::Date> {
    match crate::domain::dates::parse_optional(&form.value(key)) {
        Ok(date) => date,
        Err(message) => {
            errors.push(FieldError::new(key, message));
            None
        }
    }
}

/// The record read from a form, or every error: the form's own (bad dates, say) first, then
/// the domain's for fields that have none yet.
pub fn finish<T>(
    value: T,
    mut errors: Vec<FieldError>,
    domain: Vec<FieldError>,
) -> Result<T, Vec<FieldError>> {
    for error in domain {
        if !errors.iter().any(|e| e.field == error.field) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// A choice: the stored key and the label shown.
pub type Choice = (String, String);

/// Builds choices from a closed set's keys and labels.
pub fn choices<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| (key(*v).to_string(), label(*v).to_string()))
        .collect()
}

/// The open picker of a many-of-many field: a search text and a cursor over the matches.
struct Picker {
    search: String,
    cursor: usize,
}

enum Input {
    Text {
        editor: Box<TextArea<'static>>,
        multiline: bool,
        /// A number field: a lone "0" in it is replaced by the first digit typed, never
        /// appended to ("3", not "03").
        number: bool,
    },
    Choice {
        options: Vec<Choice>,
        index: usize,
    },
    Pick {
        options: Vec<Choice>,
        selected: BTreeSet<String>,
        picker: Option<Picker>,
    },
    /// Read-only text the form shows but does not edit (a derived value, say).
    Note(String),
}

pub struct Field {
    pub key: &'static str,
    label: &'static str,
    input: Input,
    error: Option<String>,
    /// Whether this long text field is confidential (hidden while presenting); `None` for
    /// fields that cannot be marked.
    confidential: Option<bool>,
}

/// A text editor holding `value`, cursor at the end; multi-line ones wrap at words.
pub fn text_editor(value: &str, multiline: bool) -> TextArea<'static> {
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
    editor.move_cursor(CursorMove::Bottom);
    editor.move_cursor(CursorMove::End);
    editor
}

impl Field {
    fn text(key: &'static str, label: &'static str, value: &str, multiline: bool) -> Self {
        Field {
            key,
            label,
            input: Input::Text {
                editor: Box::new(text_editor(value, multiline)),
                multiline,
                number: false,
            },
            error: None,
            confidential: None,
        }
    }

    /// A one-line text field.
    pub fn line(key: &'static str, label: &'static str, value: &str) -> Self {
        Field::text(key, label, value, false)
    }

    /// A one-line number field: typed like text, but a digit typed over a lone "0" replaces
    /// it, so that a field that starts at 0 takes the number the user types.
    pub fn number(key: &'static str, label: &'static str, value: &str) -> Self {
        let mut field = Field::text(key, label, value, false);
        if let Input::Text { number, .. } = &mut field.input {
            *number = true;
        }
        field
    }

    /// A multi-line text field; Enter starts a new line.
    pub fn multiline(key: &'static str, label: &'static str, value: &str) -> Self {
        Field::text(key, label, value, true)
    }

    /// A closed choice, cycled with `←` / `→`; typing a letter or digit picks the next choice
    /// whose label starts with it. Space does nothing, so that a user who meant to type does
    /// not change the choice unseen.
    pub fn choice(
        key: &'static str,
        label: &'static str,
        options: Vec<Choice>,
        selected: &str,
    ) -> Self {
        let index = options.iter().position(|(k, _)| k == selected).unwrap_or(0);
        Field {
            key,
            label,
            input: Input::Choice { options, index },
            error: None,
            confidential: None,
        }
    }

    /// A read-only line: shown, never focused, never saved.
    pub fn note(key: &'static str, label: &'static str, text: &str) -> Self {
        Field {
            key,
            label,
            input: Input::Note(text.to_string()),
            error: None,
            confidential: None,
        }
    }

    /// Any number of `options`, chosen in a searchable picker opened with Enter.
    pub fn pick(
        key: &'static str,
        label: &'static str,
        options: Vec<Choice>,
        selected: &[String],
    ) -> Self {
        Field {
            key,
            label,
            input: Input::Pick {
                options,
                selected: selected.iter().cloned().collect(),
                picker: None,
            },
            error: None,
            confidential: None,
        }
    }

    fn value(&self) -> String {
        match &self.input {
            Input::Text { editor, .. } => editor.lines().join("\n"),
            Input::Choice { options, index } => {
                options.get(*index).map(|o| o.0.clone()).unwrap_or_default()
            }
            Input::Pick {
                options, selected, ..
            } => in_option_order(options, selected).join(", "),
            Input::Note(_) => String::new(),
        }
    }

    fn is_note(&self) -> bool {
        matches!(self.input, Input::Note(_))
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

/// How a picked option reads: references and ids ("A-001", "8.13") lead their label, so that
/// they can be searched and recognised; word keys ("legal") show only their label.
fn option_text(key: &str, label: &str) -> String {
    if key.chars().any(|c| c.is_ascii_digit()) && label != key {
        format!("{key} {label}")
    } else {
        label.to_string()
    }
}

/// The options of a picker that match its search, by key or label, case-insensitively.
fn matching<'a>(options: &'a [Choice], search: &str) -> Vec<&'a Choice> {
    let search = search.trim().to_lowercase();
    options
        .iter()
        .filter(|(key, label)| {
            search.is_empty()
                || key.to_lowercase().starts_with(&search)
                || label.to_lowercase().contains(&search)
        })
        .collect()
}

/// What the focused field is, for the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusKind {
    Text,
    Choice,
    /// A many-of-many field with its picker closed.
    Pick,
    /// A picker is open over the form.
    Picking,
}

/// Multi-line fields grow with the screen up to this many rows, so that a field's error
/// message stays near its label; when the form is taller than the screen they shrink to this.
const MAX_MULTILINE_ROWS: u16 = 8;
const MIN_MULTILINE_ROWS: u16 = 2;

pub struct Form {
    pub title: String,
    fields: Vec<Field>,
    focus: usize,
    original: Vec<String>,
    /// The confidential marks as the form opened with them.
    original_confidential: Vec<Option<bool>>,
    /// Whether the last frame hid the confidential fields (presentation mode): they are
    /// read-only then, so nothing is typed blind into them.
    hiding: std::cell::Cell<bool>,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Self {
        let original = fields.iter().map(Field::value).collect();
        let focus = fields.iter().position(|f| !f.is_note()).unwrap_or(0);
        let original_confidential = fields.iter().map(|f| f.confidential).collect();
        let mut form = Form {
            title: title.into(),
            fields,
            focus,
            original,
            original_confidential,
            hiding: std::cell::Cell::new(false),
        };
        form.apply_focus_styles();
        form
    }

    /// Each field's key, label and, for choices and pickers, its options (key, label): what
    /// the history reads to name a changed column as the form names it.
    pub fn described(&self) -> Vec<(&'static str, &'static str, Vec<Choice>)> {
        self.fields
            .iter()
            .filter(|field| !field.is_note())
            .map(|field| {
                let options = match &field.input {
                    Input::Choice { options, .. } | Input::Pick { options, .. } => options.clone(),
                    _ => Vec::new(),
                };
                (field.key, field.label, options)
            })
            .collect()
    }

    /// The current value of a field: text as typed, the chosen key, or the picked keys
    /// separated by ", ".
    pub fn value(&self, key: &str) -> String {
        self.fields
            .iter()
            .find(|field| field.key == key)
            .map(Field::value)
            .unwrap_or_default()
    }

    /// The picked keys of a many-of-many field.
    pub fn picked(&self, key: &str) -> Vec<String> {
        match self
            .fields
            .iter()
            .find(|field| field.key == key)
            .map(|f| &f.input)
        {
            Some(Input::Pick {
                options, selected, ..
            }) => in_option_order(options, selected),
            _ => Vec::new(),
        }
    }

    /// Whether a field still holds the value the form opened with.
    pub fn is_untouched(&self, key: &str) -> bool {
        self.fields
            .iter()
            .zip(&self.original)
            .find(|(field, _)| field.key == key)
            .is_some_and(|(field, original)| field.value() == *original)
    }

    /// Replaces a field's value: text for text fields, the key for choices.
    pub fn set_value(&mut self, key: &str, value: &str) {
        if let Some(field) = self.fields.iter_mut().find(|field| field.key == key) {
            match &mut field.input {
                Input::Text {
                    editor, multiline, ..
                } => **editor = text_editor(value, *multiline),
                Input::Choice { options, index } => {
                    if let Some(position) = options.iter().position(|(k, _)| k == value) {
                        *index = position;
                    }
                }
                Input::Pick { selected, .. } => {
                    *selected = value
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                }
                Input::Note(text) => *text = value.to_string(),
            }
        }
        self.apply_focus_styles();
    }

    /// The text fields whose text differs from what the form opened with, as (key, text):
    /// what an autosaved draft keeps.
    pub fn changed_texts(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .zip(&self.original)
            .filter(|(field, original)| {
                matches!(field.input, Input::Text { .. }) && field.value() != **original
            })
            .map(|(field, _)| (field.key.to_string(), field.value()))
            .collect()
    }

    pub fn is_dirty(&self) -> bool {
        self.fields
            .iter()
            .zip(&self.original)
            .any(|(field, original)| field.value() != *original)
            || self
                .fields
                .iter()
                .zip(&self.original_confidential)
                .any(|(field, original)| field.confidential != *original)
    }

    /// Lets every multi-line field of this form, for the record `record` of `table` (empty
    /// for a new one), be marked confidential, starting from the marks in effect; so can a
    /// one-line field that is confidential (by default: a risk's vulnerability).
    pub fn with_confidentiality(
        mut self,
        table: &str,
        record: &str,
        marks: &crate::domain::confidential::Confidentiality,
    ) -> Self {
        for field in &mut self.fields {
            let marked = marks.is_confidential(table, record, field.key);
            if matches!(field.input, Input::Text { .. }) && (field.is_multiline() || marked) {
                field.confidential = Some(marked);
            }
        }
        self.original_confidential = self.fields.iter().map(|f| f.confidential).collect();
        self
    }

    /// Marks the focused field confidential, or not; `None` when it cannot be marked.
    /// While presenting, a hidden field stays marked: unmarking it would show its text on
    /// the shared screen.
    pub fn toggle_confidential(&mut self) -> Option<bool> {
        if self.focused_is_hidden() {
            return None;
        }
        let field = &mut self.fields[self.focus];
        let marked = field.confidential.as_mut()?;
        *marked = !*marked;
        Some(*marked)
    }

    pub fn is_confidential(&self, key: &str) -> bool {
        self.fields
            .iter()
            .any(|field| field.key == key && field.confidential == Some(true))
    }

    /// The marks the user changed, for the record the form is saved as (its `record` left
    /// empty: the caller knows the reference).
    pub fn confidential_changes(&self) -> Vec<crate::domain::confidential::ConfidentialMark> {
        self.fields
            .iter()
            .zip(&self.original_confidential)
            .filter_map(|(field, original)| match field.confidential {
                Some(now) if Some(now) != *original => Some(
                    crate::domain::confidential::ConfidentialMark::new("", field.key, now),
                ),
                _ => None,
            })
            .collect()
    }

    /// Whether the focused field can be marked confidential.
    pub fn focused_is_markable(&self) -> bool {
        self.fields[self.focus].confidential.is_some()
    }

    /// Whether the focused field is hidden on screen, and so must not be typed into.
    fn focused_is_hidden(&self) -> bool {
        self.hiding.get() && self.fields[self.focus].confidential == Some(true)
    }

    pub fn focus_kind(&self) -> FocusKind {
        match &self.fields[self.focus].input {
            Input::Text { .. } => FocusKind::Text,
            Input::Choice { .. } | Input::Note(_) => FocusKind::Choice,
            Input::Pick { picker: None, .. } => FocusKind::Pick,
            Input::Pick {
                picker: Some(_), ..
            } => FocusKind::Picking,
        }
    }

    pub fn focused_is_choice(&self) -> bool {
        self.focus_kind() == FocusKind::Choice
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

    /// Checks as the user leaves `left`: its own error shows if it has a value (an empty
    /// required field is only pointed out on save), and errors already shown elsewhere are
    /// updated or cleared.
    pub fn refresh_errors(&mut self, errors: &[FieldError], left: &str) {
        for field in &mut self.fields {
            let error = errors
                .iter()
                .find(|e| e.field == field.key)
                .map(|e| e.message.clone());
            let judge_now = field.key == left && !field.value().trim().is_empty();
            if judge_now || field.error.is_some() {
                field.error = error;
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|field| field.error.is_some())
    }

    /// Puts the cursor on the field `key` (if the form has it).
    pub fn focus_on(&mut self, key: &str) {
        if let Some(index) = self.fields.iter().position(|field| field.key == key) {
            self.focus = index;
            self.apply_focus_styles();
        }
    }

    /// Moves the focus to the first field with an error.
    pub fn focus_first_error(&mut self) {
        if let Some(index) = self.fields.iter().position(|field| field.error.is_some()) {
            self.focus = index;
            self.apply_focus_styles();
        }
    }

    /// Moves the focus by one field forward or back, over read-only notes.
    fn step_focus(&mut self, forward: bool) {
        let len = self.fields.len();
        for _ in 0..len {
            self.focus = if forward {
                (self.focus + 1) % len
            } else {
                (self.focus + len - 1) % len
            };
            if !self.fields[self.focus].is_note() {
                break;
            }
        }
        self.apply_focus_styles();
    }

    pub fn next_field(&mut self) {
        self.step_focus(true);
    }

    pub fn prev_field(&mut self) {
        self.step_focus(false);
    }

    pub fn cycle_choice(&mut self, forward: bool) {
        if let Input::Choice { options, index } = &mut self.fields[self.focus].input {
            let len = options.len().max(1);
            *index = if forward {
                (*index + 1) % len
            } else {
                (*index + len - 1) % len
            };
        }
    }

    /// Opens the picker of the focused many-of-many field.
    pub fn open_picker(&mut self) {
        if let Input::Pick { picker, .. } = &mut self.fields[self.focus].input {
            *picker = Some(Picker {
                search: String::new(),
                cursor: 0,
            });
        }
    }

    pub fn close_picker(&mut self) {
        if let Input::Pick { picker, .. } = &mut self.fields[self.focus].input {
            *picker = None;
        }
    }

    /// Moves the picker's cursor by `delta` rows among the matches.
    pub fn move_picker(&mut self, delta: isize) {
        if let Input::Pick {
            options,
            picker: Some(picker),
            ..
        } = &mut self.fields[self.focus].input
        {
            let count = matching(options, &picker.search).len();
            picker.cursor = picker
                .cursor
                .saturating_add_signed(delta)
                .min(count.saturating_sub(1));
        }
    }

    /// Selects or unselects the option under the picker's cursor.
    pub fn toggle_picked(&mut self) {
        if let Input::Pick {
            options,
            selected,
            picker: Some(picker),
        } = &mut self.fields[self.focus].input
        {
            if let Some((key, _)) = matching(options, &picker.search).get(picker.cursor) {
                let key = key.clone();
                if !selected.remove(&key) {
                    selected.insert(key);
                }
            }
        }
    }

    /// Types a key into the focused field. Returns true when the key was used.
    /// Enter in a one-line field moves on to the next field instead of breaking the line.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        if self.focused_is_hidden() {
            return false;
        }
        let field = &mut self.fields[self.focus];
        match &mut field.input {
            Input::Text {
                multiline: false, ..
            } if key.code == KeyCode::Enter => {
                self.next_field();
                true
            }
            Input::Text {
                editor,
                number: true,
                ..
            } if matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit())
                && editor.lines().len() == 1
                && editor.lines()[0].trim() == "0" =>
            {
                **editor = text_editor("", false);
                editor.input(key);
                true
            }
            Input::Text { editor, .. } => {
                editor.input(key);
                true
            }
            Input::Choice { options, index } => match key.code {
                KeyCode::Char(c)
                    if !c.is_whitespace()
                        && (key.modifiers - ratatui::crossterm::event::KeyModifiers::SHIFT)
                            .is_empty() =>
                {
                    let typed = c.to_lowercase().to_string();
                    let starts = |(_, label): &Choice| label.to_lowercase().starts_with(&typed);
                    let len = options.len();
                    let next = (1..=len)
                        .map(|step| (*index + step) % len.max(1))
                        .find(|i| options.get(*i).is_some_and(starts));
                    match next {
                        Some(i) => {
                            *index = i;
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            },
            Input::Pick {
                picker: Some(picker),
                ..
            } => match key.code {
                KeyCode::Char(c) => {
                    picker.search.push(c);
                    picker.cursor = 0;
                    true
                }
                KeyCode::Backspace => {
                    picker.search.pop();
                    picker.cursor = 0;
                    true
                }
                _ => false,
            },
            Input::Pick { .. } | Input::Note(_) => false,
        }
    }

    /// Inserts pasted text into the focused text field.
    pub fn paste(&mut self, text: &str) {
        if self.focused_is_hidden() {
            return;
        }
        if let Input::Text {
            editor, multiline, ..
        } = &mut self.fields[self.focus].input
        {
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
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                editor.set_cursor_style(cursor);
            }
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        self.hiding.set(theme.presenting());
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

        // Each field's rows (its value plus an error line), and a scroll that keeps the
        // focused field on screen when the form is taller than the panel.
        let spans: Vec<u16> = self
            .fields
            .iter()
            .zip(&heights)
            .map(|(field, height)| height + u16::from(field.error.is_some()))
            .collect();
        let focus_top: u16 = spans[..self.focus].iter().sum();
        let focus_bottom = focus_top + spans[self.focus];
        let scroll = focus_bottom.saturating_sub(inner.height);

        let mut y: i32 = i32::from(inner.y) - i32::from(scroll);
        for (index, (field, height)) in self.fields.iter().zip(heights).enumerate() {
            let rows = spans[index];
            let top = y;
            y += i32::from(rows);
            if top < i32::from(inner.y) || top >= i32::from(inner.bottom()) {
                continue;
            }
            let top = top as u16;
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
            .render(Rect::new(inner.x, top, label_width, 1), buf);
            let tag = "[confidential]";
            let tag_width = tag.len() as u16;
            let mut value_width = value_width;
            if field.confidential == Some(true) {
                if height > 1 && top + 1 < inner.bottom() {
                    Paragraph::new(Span::styled(format!("  {tag}"), theme.warn))
                        .render(Rect::new(inner.x, top + 1, label_width, 1), buf);
                } else if value_width > 3 * tag_width {
                    // A one-line field: the tag at the end of its row.
                    value_width -= tag_width + 1;
                    let at = Rect::new(
                        inner.x + label_width + 1 + value_width + 1,
                        top,
                        tag_width,
                        1,
                    );
                    Paragraph::new(Span::styled(tag, theme.warn)).render(at, buf);
                }
            }

            let value_area = Rect::new(
                inner.x + label_width + 1,
                top,
                value_width,
                height.min(inner.bottom() - top),
            );
            let value_style = if focused {
                theme.field_focus
            } else {
                theme.popup
            };
            buf.set_style(value_area, value_style);
            match &field.input {
                Input::Text { .. } if field.confidential == Some(true) && theme.presenting() => {
                    Paragraph::new(Span::styled(
                        crate::domain::confidential::HIDDEN_TEXT,
                        theme.muted,
                    ))
                    .render(value_area, buf);
                }
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
                Input::Pick {
                    options, selected, ..
                } => {
                    let text = if selected.is_empty() {
                        Span::styled("(none) · Enter to choose", theme.muted)
                    } else {
                        let names: Vec<String> = in_option_order(options, selected)
                            .iter()
                            .map(|key| match options.iter().find(|(k, _)| k == key) {
                                Some((_, label)) => option_text(key, label),
                                None => key.clone(),
                            })
                            .collect();
                        Span::raw(format!("{} · {}", selected.len(), names.join("; ")))
                    };
                    Paragraph::new(Line::from(text)).render(value_area, buf);
                }
                Input::Note(text) => {
                    Paragraph::new(Span::styled(text.clone(), theme.muted))
                        .wrap(Wrap { trim: false })
                        .render(value_area, buf);
                }
            }
            if let Some(error) = &field.error {
                let error_y = top + value_area.height;
                if error_y < inner.bottom() {
                    let line = Line::from(Span::styled(format!("✗ {error}"), theme.error));
                    Paragraph::new(line)
                        .render(Rect::new(value_area.x, error_y, value_width, 1), buf);
                }
            }
        }
        self.render_picker(inner, buf, theme);
    }

    fn render_picker(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let field = &self.fields[self.focus];
        let Input::Pick {
            options,
            selected,
            picker: Some(picker),
        } = &field.input
        else {
            return;
        };
        let popup = centered(area, area.width.saturating_sub(4).max(20), area.height);
        Clear.render(popup, buf);
        let title = format!(" {} · {} chosen ", field.label, selected.len());
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focus)
            .style(theme.popup)
            .title(Span::styled(title, theme.title))
            .title_bottom(Span::styled(
                " type to search · ↑↓ move · Enter choose · Esc done ",
                theme.muted,
            ));
        let inner = block.inner(popup);
        block.render(popup, buf);
        if inner.height < 2 {
            return;
        }
        let search = Line::from(vec![
            Span::styled("Search: ", theme.label_focus),
            Span::raw(picker.search.clone()),
            Span::styled("▏", theme.label_focus),
        ]);
        Paragraph::new(search).render(Rect::new(inner.x, inner.y, inner.width, 1), buf);
        let matches = matching(options, &picker.search);
        let rows = inner.height.saturating_sub(1) as usize;
        let offset = picker.cursor.saturating_sub(rows.saturating_sub(1));
        for (row, (index, (key, label))) in matches
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .enumerate()
        {
            let mark = if selected.contains(key) { "[x]" } else { "[ ]" };
            let text = if label == key {
                format!("{mark} {key}")
            } else {
                format!("{mark} {key}  {label}")
            };
            let style = if index == picker.cursor {
                theme.selected
            } else {
                theme.popup
            };
            Paragraph::new(Span::styled(text, style)).render(
                Rect::new(inner.x, inner.y + 1 + row as u16, inner.width, 1),
                buf,
            );
        }
        if matches.is_empty() {
            Paragraph::new(Span::styled("Nothing matches.", theme.muted))
                .render(Rect::new(inner.x, inner.y + 1, inner.width, 1), buf);
        }
    }

    /// One row for one-line fields, as many as a choice needs, and the rest shared out among
    /// the multi-line fields; when even the smallest layout is too tall, the form scrolls.
    fn field_heights(&self, available: u16, width: u16) -> Vec<u16> {
        let fixed: Vec<Option<u16>> = self
            .fields
            .iter()
            .map(|field| match &field.input {
                Input::Text {
                    multiline: true, ..
                } => None,
                Input::Text { .. } | Input::Pick { .. } => Some(1),
                Input::Note(text) => Some(
                    (text.chars().count() as u16)
                        .div_ceil(width.max(1))
                        .clamp(1, 3),
                ),
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
            .map_or(0, |rows| rows.clamp(MIN_MULTILINE_ROWS, MAX_MULTILINE_ROWS));
        fixed.into_iter().map(|h| h.unwrap_or(share)).collect()
    }
}

/// The picked keys in the order the options are listed (clauses 4.1 ... 10.2, controls 5.1 ...
/// 8.34), not as text sorts them (10.1 before 4.1); keys no longer among the options last.
fn in_option_order(options: &[Choice], selected: &BTreeSet<String>) -> Vec<String> {
    let mut keys: Vec<String> = options
        .iter()
        .filter(|(key, _)| selected.contains(key))
        .map(|(key, _)| key.clone())
        .collect();
    keys.extend(
        selected
            .iter()
            .filter(|key| !options.iter().any(|(k, _)| k == *key))
            .cloned(),
    );
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picked_keys_follow_the_options_not_text_order() {
        let options: Vec<Choice> = ["4.1", "9.2", "10.1"]
            .iter()
            .map(|k| (k.to_string(), String::new()))
            .collect();
        let selected: BTreeSet<String> = ["10.1", "4.1", "gone"]
            .iter()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(
            in_option_order(&options, &selected),
            ["4.1", "10.1", "gone"]
        );
    }
    use ratatui::crossterm::event::KeyModifiers;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn yes_no() -> Vec<Choice> {
        vec![("in".into(), "In".into()), ("out".into(), "Out".into())]
    }

    fn form() -> Form {
        Form::new(
            "Test",
            vec![
                Field::line("name", "Name", "Ada"),
                Field::choice("scope", "Scope", yes_no(), "in"),
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
        assert!(!form.is_untouched("name"));
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

    #[test]
    fn leaving_a_field_judges_it_only_when_it_has_a_value() {
        let mut form = form();
        let errors = [
            FieldError::new("name", "Bad name."),
            FieldError::new("why", "Say why."),
        ];
        form.refresh_errors(&errors, "why");
        assert!(
            !form.has_errors(),
            "an empty field is not nagged about on leaving"
        );
        form.refresh_errors(&errors, "name");
        assert!(form.has_errors());
        form.refresh_errors(&[], "scope");
        assert!(!form.has_errors(), "a shown error clears once fixed");
    }

    #[test]
    fn the_picker_searches_and_toggles() {
        let options: Vec<Choice> = vec![
            ("5.15".into(), "Access control".into()),
            ("8.13".into(), "Information backup".into()),
            ("8.24".into(), "Use of cryptography".into()),
        ];
        let mut form = Form::new(
            "Pick",
            vec![Field::pick(
                "controls",
                "Controls",
                options,
                &["8.13".to_string()],
            )],
        );
        assert_eq!(form.focus_kind(), FocusKind::Pick);
        form.open_picker();
        assert_eq!(form.focus_kind(), FocusKind::Picking);
        for c in "crypto".chars() {
            form.type_key(key(c));
        }
        form.toggle_picked();
        form.close_picker();
        assert_eq!(
            form.picked("controls"),
            vec!["8.13".to_string(), "8.24".to_string()]
        );
        assert!(form.is_dirty());
        form.open_picker();
        form.type_key(key('8'));
        form.toggle_picked(); // 8.13 is the first match: unselect it
        assert_eq!(form.value("controls"), "8.24");
    }

    #[test]
    fn a_number_field_takes_the_number_typed_over_a_lone_zero() {
        let mut form = Form::new(
            "Numbers",
            vec![
                Field::number("amount", "Amount", "0"),
                Field::number("count", "Count", "10"),
                Field::line("version", "Version", "0"),
            ],
        );
        form.type_key(key('3'));
        assert_eq!(form.value("amount"), "3", "not 03");
        form.type_key(key('0'));
        assert_eq!(form.value("amount"), "30", "a zero after a digit is kept");
        form.next_field();
        form.type_key(key('5'));
        assert_eq!(form.value("count"), "105", "only a lone 0 is replaced");
        form.next_field();
        form.type_key(key('1'));
        assert_eq!(form.value("version"), "01", "a text field is text");
        // A decimal point after the zero is typed on, as in 0.5.
        let mut form = Form::new("Numbers", vec![Field::number("n", "N", "0")]);
        form.type_key(key('.'));
        form.type_key(key('5'));
        assert_eq!(form.value("n"), "0.5");
    }

    #[test]
    fn typing_on_a_choice_picks_by_first_letter_and_space_changes_nothing() {
        let levels: Vec<Choice> = (1..=5)
            .map(|n| (n.to_string(), format!("{n} Level")))
            .collect();
        let mut form = Form::new(
            "Choices",
            vec![
                Field::choice("likelihood", "Likelihood", levels, "1"),
                Field::choice("scope", "Scope", yes_no(), "in"),
            ],
        );
        assert!(form.type_key(key('3')));
        assert_eq!(form.value("likelihood"), "3", "typing 3 gives 3");
        assert!(!form.type_key(key(' ')), "Space is not a choice key");
        assert_eq!(form.value("likelihood"), "3");
        assert!(!form.type_key(key('9')), "no choice starts with 9");
        assert_eq!(form.value("likelihood"), "3");
        form.next_field();
        assert!(form.type_key(KeyEvent::new(KeyCode::Char('O'), KeyModifiers::SHIFT)));
        assert_eq!(form.value("scope"), "out");
        // Typing the same letter again goes on to the next choice that starts with it.
        let mut form = Form::new(
            "Status",
            vec![Field::choice(
                "status",
                "Status",
                vec![
                    ("a".into(), "Assessed".into()),
                    ("b".into(), "Treated".into()),
                    ("c".into(), "Treatment planned".into()),
                ],
                "a",
            )],
        );
        form.type_key(key('t'));
        assert_eq!(form.value("status"), "b");
        form.type_key(key('t'));
        assert_eq!(form.value("status"), "c");
        form.type_key(key('t'));
        assert_eq!(form.value("status"), "b");
    }

    #[test]
    fn set_value_replaces_text_and_choices() {
        let mut form = form();
        form.set_value("name", "Grace");
        form.set_value("scope", "out");
        assert_eq!(form.value("name"), "Grace");
        assert_eq!(form.value("scope"), "out");
        assert!(!form.is_untouched("scope"));
    }
}
