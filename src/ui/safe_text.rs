//! The last guard between record text and the terminal: whatever a widget drew, no cell of a
//! frame holds a control character or a bidirectional embedding, override or isolate.
//!
//! ratatui already drops control characters (so an ANSI escape in a title is shown as the
//! harmless text after the escape character, never run), but some of its paths keep
//! zero-width format characters such as U+202E RIGHT-TO-LEFT OVERRIDE, which a terminal that
//! lays out right-to-left text would obey, reordering the rest of the screen line. Text is
//! stored exactly as typed; only what is drawn is cleaned, in this one place.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Characters never sent to the terminal from record text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for the command line's output: each unsafe character except line breaks and tabs is
/// written as its escape (`\u{1b}`), so that record text quoted in a message (`isms check`,
/// an import error) can never drive the terminal it is printed on.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && c != '\n' && c != '\t';
    if !text.contains(unsafe_here) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if unsafe_here(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// Removes unsafe characters from every cell of `area`; a cell left empty shows a space.
pub fn sanitise(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if cell.symbol().contains(is_unsafe) {
                let kept: String = cell.symbol().chars().filter(|c| !is_unsafe(*c)).collect();
                cell.set_symbol(if kept.is_empty() { " " } else { &kept });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_leave_the_cells_and_the_rest_stays() {
        let area = Rect::new(0, 0, 4, 1);
        let mut buf = Buffer::empty(area);
        buf[(0, 0)].set_symbol("\u{202e}");
        buf[(1, 0)].set_symbol(" \u{2067}");
        buf[(2, 0)].set_symbol("\u{1b}");
        buf[(3, 0)].set_symbol("e\u{301}");
        sanitise(&mut buf, area);
        let symbols: Vec<&str> = (0..4).map(|x| buf[(x, 0)].symbol()).collect();
        assert_eq!(symbols, [" ", " ", " ", "e\u{301}"]);
    }

    #[test]
    fn printed_text_shows_escapes_instead_of_running_them() {
        assert_eq!(printable("plain\n\ttext"), "plain\n\ttext");
        assert_eq!(
            printable("\u{1b}[2Jx\u{202e}y\r"),
            "\\u{1b}[2Jx\\u{202e}y\\u{d}"
        );
    }

    #[test]
    fn right_to_left_letters_and_joiners_are_kept() {
        for c in ['\u{5e9}', '\u{645}', '\u{200d}', '\u{200f}', 'a'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
        for c in [
            '\u{0}', '\u{1b}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2066}',
        ] {
            assert!(is_unsafe(c), "{c:?}");
        }
    }
}
