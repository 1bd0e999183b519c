//! Presentation mode (`p`, `--presentation`): for screen sharing in audit meetings. The app
//! swaps in the high-contrast theme with [`Presentation::on`] set; tabs ask the theme whether
//! to hide a confidential field ([`Theme::shown`], [`labelled_field`]) and how much room to
//! leave between rows ([`Theme::row_gap`]). Nothing else changes, so leaving restores the
//! screen exactly as it was.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::components::form::Form;
use super::components::labelled;
use super::theme::{Theme, ThemeName};
use crate::domain::confidential::{ConfidentialMark, Confidentiality, HIDDEN_TEXT};
use crate::store::{Store, Writer};

/// The header's marker while presenting.
pub const MARKER: &str = " PRESENTING ";

/// What the theme knows about presentation mode and confidential fields.
#[derive(Debug, Clone, Default)]
pub struct Presentation {
    /// Presentation mode is on.
    pub on: bool,
    /// `NO_COLOR` was asked for: presenting keeps the colourless theme.
    pub no_color: bool,
    /// The confidential marks in effect; the app keeps them current.
    pub marks: Arc<Confidentiality>,
}

impl Theme {
    /// The theme to present with: high contrast (colourless under `NO_COLOR`), with the
    /// same marks.
    pub fn for_presenting(&self) -> Theme {
        let mut theme = Theme::new(ThemeName::HighContrast, self.presentation.no_color);
        theme.presentation = Presentation {
            on: true,
            ..self.presentation.clone()
        };
        theme
    }

    pub fn presenting(&self) -> bool {
        self.presentation.on
    }

    /// Blank lines between table rows: one while presenting.
    pub fn row_gap(&self) -> u16 {
        u16::from(self.presenting())
    }

    pub fn is_confidential(&self, table: &str, record: &str, field: &str) -> bool {
        self.presentation
            .marks
            .is_confidential(table, record, field)
    }

    /// The first line of [`Theme::shown`], for a table's cell.
    pub fn shown_line<'a>(&self, table: &str, record: &str, field: &str, text: &'a str) -> &'a str {
        self.shown(table, record, field, text)
            .lines()
            .next()
            .unwrap_or("")
    }

    /// `text`, or the neutral hidden text if the field is confidential and we are presenting.
    pub fn shown<'a>(&self, table: &str, record: &str, field: &str, text: &'a str) -> &'a str {
        self.presentation
            .marks
            .shown(self.presenting(), table, record, field, text)
    }
}

/// A detail pane's labelled block for a record's long text field: hidden while presenting
/// when it is confidential, and its label tagged "confidential" otherwise.
pub fn labelled_field(
    label: &str,
    table: &str,
    record: &str,
    field: &str,
    value: &str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    if !theme.is_confidential(table, record, field) {
        return labelled(label, value, theme);
    }
    if theme.presenting() {
        return vec![
            Line::from(Span::styled(label.to_string(), theme.title)),
            Line::from(Span::styled(HIDDEN_TEXT, theme.muted)),
            Line::from(""),
        ];
    }
    let mut lines = labelled(label, value, theme);
    lines[0] = Line::from(vec![
        Span::styled(label.to_string(), theme.title),
        Span::styled(" · confidential", theme.warn),
    ]);
    lines
}

/// A form for a record of `table` (`reference`, or a new one), its long text fields marked
/// confidential as the store says; Ctrl-L changes the marks, saved with the form.
pub fn with_marks(form: Form, table: &'static str, reference: Option<&str>, store: &Store) -> Form {
    let marks = store.confidentiality().unwrap_or_default();
    form.with_confidentiality(table, reference.unwrap_or(""), &marks)
}

/// Saves the marks the user changed in `form` onto `reference`, in the writer's transaction.
pub fn save_marks(writer: &mut Writer<'_>, reference: &str, form: &Form) -> anyhow::Result<()> {
    let changes: Vec<ConfidentialMark> = form.confidential_changes();
    writer.set_confidential_marks(reference, &changes)
}

/// Draws a table whose selection and scroll the tab keeps: while presenting, on a copy of
/// that state, so that the roomier rows never move the view restored afterwards.
pub fn render_table(
    table: ratatui::widgets::Table<'_>,
    area: ratatui::layout::Rect,
    buf: &mut ratatui::buffer::Buffer,
    state: &mut ratatui::widgets::TableState,
    theme: &Theme,
) {
    use ratatui::widgets::StatefulWidget;
    if theme.presenting() {
        StatefulWidget::render(table, area, buf, &mut state.clone());
    } else {
        StatefulWidget::render(table, area, buf, state);
    }
}

/// [`labelled_field`] for several fields of one record: (label, field, value) each.
pub fn labelled_fields(
    table: &str,
    record: &str,
    fields: &[(&str, &str, &str)],
    theme: &Theme,
) -> Vec<Line<'static>> {
    fields
        .iter()
        .flat_map(|(label, field, value)| labelled_field(label, table, record, field, value, theme))
        .collect()
}

/// A readiness finding's message, hidden while presenting when it quotes a field marked
/// confidential (the statement of a nonconformity or of an objective).
pub fn finding_message<'a>(theme: &Theme, rule: &str, record: &str, message: &'a str) -> &'a str {
    const QUOTING: &[&str] = &["major-nc-open", "objective-unmeasured"];
    let table = crate::domain::confidential::table_of(record);
    if QUOTING.contains(&rule) {
        theme.shown(table, record, "statement", message)
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presenting(marks: Confidentiality) -> Theme {
        let mut theme = Theme::new(ThemeName::Dark, true);
        theme.presentation.marks = Arc::new(marks);
        theme.for_presenting()
    }

    #[test]
    fn findings_that_quote_a_confidential_statement_are_hidden() {
        let theme = presenting(Confidentiality::new([ConfidentialMark::new(
            "NC-001",
            "statement",
            true,
        )]));
        let quote = "A major nonconformity is open: secret";
        assert_eq!(
            finding_message(&theme, "major-nc-open", "NC-001", quote),
            HIDDEN_TEXT
        );
        assert_eq!(
            finding_message(&theme, "nc-overdue", "NC-001", "Due."),
            "Due."
        );
        assert_eq!(
            finding_message(&theme, "major-nc-open", "NC-002", quote),
            quote
        );
        let mut off = theme.clone();
        off.presentation.on = false;
        assert_eq!(
            finding_message(&off, "major-nc-open", "NC-001", quote),
            quote
        );
    }

    #[test]
    fn presenting_keeps_colourless_under_no_color_and_spaces_rows() {
        let theme = presenting(Confidentiality::default());
        assert!(theme.presenting());
        assert!(theme.presentation.no_color);
        assert_eq!(theme.row_gap(), 1);
        assert_eq!(Theme::new(ThemeName::Dark, false).row_gap(), 0);
    }
}
