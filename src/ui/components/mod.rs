//! Reusable pieces of the screen: forms, questions, overlays.

pub mod confirm;
pub mod form;
pub mod help;
pub mod history;

use ratatui::layout::Rect;

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

/// Keeps a scroll offset within `0..=max`.
pub fn scroll_by(offset: usize, delta: isize, max: usize) -> usize {
    offset.saturating_add_signed(delta).min(max)
}
