//! Rendering the app into plain text, without a terminal: `isms snapshot` and the tests.

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::App;

/// Draws one frame of `app` at `width` x `height` and returns it as lines of text, with
/// trailing spaces removed.
pub fn render_to_string(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).expect("a test backend never fails");
    terminal
        .draw(|frame| app.render(frame.area(), frame.buffer_mut()))
        .expect("a test backend never fails");
    buffer_text(terminal.backend().buffer())
}

/// The text of a buffer, one line per row, trailing spaces trimmed.
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            // A wide character covers the next cell too; that cell holds a blank to skip.
            skip = unicode_width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn unicode_width(symbol: &str) -> usize {
    use ratatui::text::Span;
    Span::raw(symbol).width()
}
