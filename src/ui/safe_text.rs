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

/// Characters never sent to the terminal from record text: control characters, and the
/// bidirectional embeddings, overrides, isolates and marks (U+200E, U+200F, U+061C), which a
/// terminal laying out right-to-left text would obey, reordering what follows.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
        )
}

/// JSON for the command line's output, written by serde_json (so valid whatever the text
/// holds) with every unsafe character serde_json leaves as it is (DEL, the C1 controls, the
/// bidirectional characters) written as its JSON escape (`\u202e`) instead: still the same
/// JSON, and nothing in it can drive the terminal.
pub fn printable_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let json = serde_json::to_string_pretty(value)?;
    if !json.contains(is_unsafe_in_json) {
        return Ok(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe_in_json(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one `\uXXXX` each.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Unsafe characters other than the line breaks and indentation that pretty JSON is laid out
/// with (inside its strings serde_json has already escaped every C0 control).
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && c != '\n'
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
    fn bidirectional_marks_leave_the_cells_like_the_overrides() {
        let area = Rect::new(0, 0, 4, 1);
        let mut buf = Buffer::empty(area);
        buf[(0, 0)].set_symbol("\u{200e}");
        buf[(1, 0)].set_symbol("a\u{200f}");
        buf[(2, 0)].set_symbol("\u{61c}");
        buf[(3, 0)].set_symbol("\u{5e9}");
        sanitise(&mut buf, area);
        let symbols: Vec<&str> = (0..4).map(|x| buf[(x, 0)].symbol()).collect();
        assert_eq!(symbols, [" ", "a", " ", "\u{5e9}"]);
        assert_eq!(printable("a\u{200f}b"), "a\\u{200f}b");
    }

    #[test]
    fn json_for_the_terminal_stays_json_and_holds_no_unsafe_character() {
        let hostile =
            "x\u{7f}\u{9b}\u{202e}\u{200f}\u{61c}\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\"\\\n\u{5e9}";
        let json = printable_json(&serde_json::json!({ "message": hostile })).unwrap();
        assert!(
            !json.contains(|c: char| is_unsafe(c) && c != '\n'),
            "{json:?}"
        );
        assert!(
            json.contains("\\u202e") && json.contains("\\u007f"),
            "{json}"
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["message"], hostile);
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
        for c in ['\u{5e9}', '\u{645}', '\u{200d}', '\u{200b}', 'a'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
        for c in [
            '\u{0}', '\u{1b}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200e}', '\u{200f}',
            '\u{61c}',
        ] {
            assert!(is_unsafe(c), "{c:?}");
        }
    }
}
