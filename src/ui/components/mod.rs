//! Reusable pieces of the screen: forms, questions, overlays.

pub mod confirm;
pub mod form;
pub mod form_session;
pub mod help;
pub mod history;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::ui::theme::Theme;

/// How far the selected record's detail pane is scrolled. The app moves it (`J`/`K`) and
/// puts it back to the top when anything else happens; drawing keeps it within the text.
#[derive(Debug, Clone, Default)]
pub struct DetailScroll {
    offset: std::cell::Cell<usize>,
}

impl DetailScroll {
    pub fn scroll_by(&self, delta: isize) {
        self.offset
            .set(self.offset.get().saturating_add_signed(delta));
    }

    pub fn reset(&self) {
        self.offset.set(0);
    }

    pub fn offset(&self) -> usize {
        self.offset.get()
    }
}

/// How many rows `lines` take when word-wrapped at `width` columns, as a paragraph wraps them.
pub fn word_wrapped_height(lines: &[Line<'_>], width: u16) -> usize {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|line| {
            let text: String = line
                .spans
                .iter()
                .map(|span| span.content.as_ref())
                .collect();
            wrap(&text, width, usize::MAX).len()
        })
        .sum::<usize>()
        .max(wrapped_height(lines, width as u16))
}

/// A record's detail pane: its lines wrapped inside a bordered block with the record as title,
/// scrolled as far as the user asked ([`DetailScroll`]); when the text does not fit, the
/// bottom border says so and names the keys that scroll it.
pub fn render_detail<'a>(
    title: impl Into<std::borrow::Cow<'a, str>>,
    lines: Vec<Line<'a>>,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    use crate::ui::keymap::{label_of, Action};
    use ratatui::widgets::{Block, Borders, Wrap};
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    let inner = block.inner(area);
    let max = word_wrapped_height(&lines, inner.width).saturating_sub(usize::from(inner.height));
    let offset = theme.detail.offset().min(max);
    theme.detail.reset();
    theme.detail.scroll_by(offset as isize);
    if max > 0 {
        let hint = match (offset > 0, offset < max) {
            (false, _) => format!(" ▼ more: {} ", label_of(Action::DetailDown)),
            (true, true) => format!(
                " ▲▼ more: {}/{} ",
                label_of(Action::DetailUp),
                label_of(Action::DetailDown)
            ),
            (true, false) => format!(" ▲ back: {} ", label_of(Action::DetailUp)),
        };
        block = block.title_bottom(Span::styled(hint, theme.muted).into_right_aligned_line());
    }
    Paragraph::new(ratatui::text::Text::from(lines))
        .wrap(Wrap { trim: false })
        .scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0))
        .block(block)
        .render(area, buf);
}

/// The frame every list of records has: a focused border with its title, and the selected
/// row highlighted behind a ▶.
pub trait ListFrame<'a> {
    fn list_frame(self, title: impl Into<std::borrow::Cow<'a, str>>, theme: &Theme) -> Self;
}

impl<'a> ListFrame<'a> for ratatui::widgets::Table<'a> {
    fn list_frame(self, title: impl Into<std::borrow::Cow<'a, str>>, theme: &Theme) -> Self {
        use ratatui::widgets::{Block, Borders};
        self.block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border_focus)
                .title(Span::styled(title, theme.title)),
        )
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶")
    }
}

/// A column of a list: its header, its width, and how readily it goes when the list is
/// narrow (0: never, it identifies the row; higher numbers go first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListColumn {
    pub header: &'static str,
    pub width: ratatui::layout::Constraint,
    pub drop_order: u8,
}

impl ListColumn {
    pub const fn new(
        header: &'static str,
        width: ratatui::layout::Constraint,
        drop_order: u8,
    ) -> Self {
        ListColumn {
            header,
            width,
            drop_order,
        }
    }

    /// The fewest columns of the screen it needs.
    fn least(&self) -> u16 {
        use ratatui::layout::Constraint;
        match self.width {
            Constraint::Length(n) | Constraint::Min(n) | Constraint::Max(n) => n,
            _ => 1,
        }
    }
}

/// The columns (by index, in order) that fit a bordered list of `width` with its ▶ marker:
/// while they do not all fit, the column with the highest drop order goes, so the list keeps
/// its most telling columns whole instead of cutting every one; a column of drop order 0 (the
/// reference) always stays.
pub fn fit_columns(columns: &[ListColumn], width: u16) -> Vec<usize> {
    let room = usize::from(width.saturating_sub(3));
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let needed = |kept: &[usize]| {
        kept.iter()
            .map(|i| usize::from(columns[*i].least()))
            .sum::<usize>()
            + kept.len().saturating_sub(1)
    };
    while needed(&kept) > room {
        let Some(position) = kept
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].drop_order > 0)
            .max_by_key(|(_, i)| columns[**i].drop_order)
            .map(|(position, _)| position)
        else {
            break;
        };
        kept.remove(position);
    }
    kept
}

/// A rectangle of at most `width` x `height`, centred in `area` and never larger than it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Splits a section's body into a list and its detail pane: side by side from
/// `side_by_side_from` columns, stacked below that; the list gets `list_percent` of the room.
pub fn split_list(area: Rect, side_by_side_from: u16, list_percent: u16) -> (Rect, Rect) {
    use ratatui::layout::{Constraint, Layout};
    let constraints = [
        Constraint::Percentage(list_percent),
        Constraint::Percentage(100 - list_percent),
    ];
    let [list, detail] = if area.width >= side_by_side_from {
        Layout::horizontal(constraints).areas(area)
    } else {
        Layout::vertical(constraints).areas(area)
    };
    (list, detail)
}

/// [`split_list`] for a short list: stacked, the list takes only the rows it needs (its
/// `rows`, header and borders; at least a few) and the detail pane gets the rest, so a record
/// with few siblings shows all its fields.
pub fn split_short_list(
    area: Rect,
    side_by_side_from: u16,
    list_percent: u16,
    rows: usize,
) -> (Rect, Rect) {
    let (list, detail) = split_list(area, side_by_side_from, list_percent);
    if area.width >= side_by_side_from {
        return (list, detail);
    }
    let needed = u16::try_from(rows)
        .unwrap_or(u16::MAX)
        .saturating_add(3)
        .max(6);
    if needed >= list.height {
        return (list, detail);
    }
    let list = Rect {
        height: needed,
        ..list
    };
    let detail = Rect::new(
        detail.x,
        list.bottom(),
        detail.width,
        area.bottom().saturating_sub(list.bottom()),
    );
    (list, detail)
}

/// How many rows `lines` take when wrapped at `width` columns (word wrapping may need a little
/// more than this; it is used to bound scrolling, not to lay out).
pub fn wrapped_height(lines: &[Line<'_>], width: u16) -> usize {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|line| line.width().div_ceil(width).max(1))
        .sum()
}

/// A titled block of text for detail panes: the label, the text (or "(none)"), a blank line.
pub fn labelled(label: &str, value: &str, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(label.to_string(), theme.title))];
    if value.trim().is_empty() {
        lines.push(Line::from(Span::styled("(none)", theme.muted)));
    } else {
        lines.extend(value.split('\n').map(|line| Line::from(line.to_string())));
    }
    lines.push(Line::from(""));
    lines
}

/// The row of a tab's sections, the selected one marked; `short` titles are used when the
/// full ones do not fit.
pub fn section_bar(
    full: &[String],
    short: &[String],
    selected: usize,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let width: usize = full.iter().map(|t| t.chars().count() + 5).sum();
    let titles = if width > area.width as usize {
        short
    } else {
        full
    };
    let mut spans = vec![Span::raw(" ")];
    for (i, title) in titles.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.muted));
        }
        if i == selected {
            spans.push(Span::styled(format!("▸{title}◂"), theme.selected));
        } else {
            spans.push(Span::styled(format!(" {title} "), theme.label));
        }
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The line under a filtered list: what it is filtered by, and how to keep or clear it.
pub fn filter_line(described: String, typing: bool, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let hint = if typing {
        "▏ (Enter keep, Esc clear)"
    } else {
        " · x clears"
    };
    Paragraph::new(Line::from(vec![
        Span::styled(" Filter: ", theme.label_focus),
        Span::raw(described),
        Span::styled(hint, theme.muted),
    ]))
    .render(area, buf);
}

/// Keeps a table's selection on a row that exists: none for an empty table, the first row
/// when nothing was selected, the last when the selection fell off the end.
pub fn keep_in_range(state: &mut ratatui::widgets::TableState, len: usize) {
    match (len, state.selected()) {
        (0, _) => state.select(None),
        (_, None) => state.select(Some(0)),
        (len, Some(i)) if i >= len => state.select(Some(len - 1)),
        _ => {}
    }
}

/// Keeps a scroll offset within `0..=max`.
pub fn scroll_by(offset: usize, delta: isize, max: usize) -> usize {
    offset.saturating_add_signed(delta).min(max)
}

/// Breaks `text` into lines of at most `width` characters, at spaces where possible.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let used = current.chars().count();
            let needed = word.chars().count() + usize::from(used > 0);
            if used + needed <= width {
                if used > 0 {
                    current.push(' ');
                }
                current.push_str(&word);
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut current));
                continue;
            }
            // A word longer than the line is cut where the line ends.
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{kept}…");
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_lists_drop_columns_by_order_and_keep_the_reference() {
        use ratatui::layout::Constraint::{Length, Min};
        let columns = [
            ListColumn::new("Ref", Length(6), 0),
            ListColumn::new("Title", Min(16), 1),
            ListColumn::new("Owner", Length(22), 3),
            ListColumn::new("Due", Length(11), 2),
        ];
        assert_eq!(fit_columns(&columns, 80), vec![0, 1, 2, 3]);
        assert_eq!(fit_columns(&columns, 50), vec![0, 1, 3]);
        assert_eq!(fit_columns(&columns, 30), vec![0, 1]);
        assert_eq!(fit_columns(&columns, 5), vec![0]);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("one two three", 7, 4), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4, 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4, 4), vec![""]);
        assert_eq!(wrap("a b c d e f", 1, 2), vec!["a", "…"]);
    }
}
