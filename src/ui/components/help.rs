//! The `?` overlay: every key binding, grouped by where it applies, read from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::{centered, wrap};
use crate::domain::readiness::{Readiness, ReadinessFacts};
use crate::ui::keymap::help_sections;
use crate::ui::theme::Theme;

/// The help text, one line each, as the overlay shows it.
pub fn help_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (context, bindings) in help_sections() {
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled(context.title(), theme.title)));
        for binding in bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<11}", binding.label), theme.key),
                Span::raw(binding.help),
            ]));
        }
    }
    lines.push(Line::from(""));
    lines.extend(readiness_lines(theme));
    lines
}

/// Width of the help text inside the overlay's border, less the indent.
const TEXT_WIDTH: usize = 74;

/// How the Overview's readiness gauges are computed, from the criteria themselves.
fn readiness_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        "Readiness gauges (Overview, isms status, report.html, pack README)",
        theme.title,
    ))];
    let intro = "A stage is as ready as its weakest criterion: the headline is the lowest \
                 criterion's percentage, never the average. Each criterion shows its own \
                 figure; a count of 0 of 0 is 0%, never met.";
    lines.extend(
        wrap(intro, TEXT_WIDTH, usize::MAX)
            .into_iter()
            .map(|l| Line::from(format!("  {l}"))),
    );
    let readiness = Readiness::from_facts(&ReadinessFacts::default());
    for stage in readiness.stages() {
        lines.push(Line::from(Span::styled(
            format!("  {}", stage.name),
            theme.label_focus,
        )));
        for criterion in &stage.criteria {
            lines.push(Line::from(Span::styled(
                format!("  • {}", criterion.label),
                theme.key,
            )));
            lines.extend(
                wrap(criterion.how, TEXT_WIDTH - 2, usize::MAX)
                    .into_iter()
                    .map(|l| Line::from(format!("    {l}"))),
            );
        }
    }
    lines
}

pub fn render_help(scroll: usize, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let lines = help_lines(theme);
    let popup = centered(area, 80, area.height);
    Clear.render(popup, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .style(theme.popup)
        .title(Span::styled(" Keys ", theme.title))
        .title_bottom(Span::styled(" ↑↓ scroll · Esc close ", theme.muted));
    let scroll = scroll.min(lines.len().saturating_sub(1));
    Paragraph::new(lines)
        .block(block)
        .scroll((scroll as u16, 0))
        .render(popup, buf);
}

pub fn help_len() -> usize {
    help_lines(&Theme::default()).len()
}
