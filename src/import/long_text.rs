//! A long text of `workspace.json` read once, into a buffer the import owns.
//!
//! serde_json reads a string into a scratch buffer of its own, which it only lends (as
//! `visit_str`), so a row holding a text of 64 MiB cost that buffer, the import's copy and
//! SQLite's record. [`Diverting`] stands between the file and serde_json: when the import has
//! said that the next value may be a long text ([`Long::arm`]) and that value is a string
//! longer than [`LONG_TEXT`], it hands serde_json the string's first part as it is and reads
//! the rest itself, unescaped, into a buffer it keeps; serde_json sees the string end there.
//! The import then takes the whole text ([`Long::take`]), owned, and binds it without a copy.
//!
//! The rest of the string is checked as serde_json checks a string (escapes, control
//! characters, surrogates, UTF-8), and a problem is given in serde_json's words and at the
//! place serde_json gives ([`Long::error`]). serde_json's count of the columns misses the bytes
//! read here; [`Long::place`] gives an error's place back as it is in the file.

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use crate::memory::LONG_TEXT;

/// What the import and the reader share.
#[derive(Default)]
pub(super) struct Long {
    /// The next value may be a long text.
    armed: Cell<bool>,
    /// The text read from the last long string: its first `gap` bytes are room for the part
    /// serde_json read (never longer, as escapes never make text longer), then the rest.
    diverted: RefCell<Option<Diverted>>,
    /// A problem found in a long string, in serde_json's words, with its place.
    error: RefCell<Option<String>>,
    /// The line of the last long string and the bytes of that line serde_json did not see.
    unseen: Cell<(usize, usize)>,
    /// For the last long string: serde_json's column after its closing quote, and the length
    /// of the text read here.
    last: Cell<(usize, usize)>,
}

struct Diverted {
    gap: usize,
    text: Vec<u8>,
    /// The text after the gap is not valid UTF-8: the problem, found when the import takes it.
    invalid: Option<String>,
}

impl Long {
    /// The next value read may be a long text (only a string is).
    pub(super) fn arm(&self) {
        self.armed.set(true);
    }

    pub(super) fn disarm(&self) {
        self.armed.set(false);
    }

    /// The whole of the string serde_json just gave as `start`, if it was a long one: `Ok`
    /// the text, owned, or `Err` serde_json's words for its invalid UTF-8.
    pub(super) fn take(&self, start: &str) -> Option<Result<String, String>> {
        let Diverted {
            gap,
            mut text,
            invalid,
        } = self.diverted.borrow_mut().take()?;
        if let Some(invalid) = invalid {
            return Some(Err(invalid));
        }
        // The start is never longer than the room left for it: the tail moves up, in place.
        text.splice(0..gap, start.bytes());
        Some(String::from_utf8(text).map_err(|_| "invalid unicode code point".to_string()))
    }

    /// A problem found while reading a long string, in serde_json's words with its place.
    pub(super) fn error(&self) -> Option<String> {
        self.error.borrow_mut().take()
    }

    /// Keeps serde_json's words for a problem the import found in a long text.
    pub(super) fn refuse(&self, error: String) {
        *self.error.borrow_mut() = Some(error);
    }

    /// serde_json's column of an error on `line` as it is in the file: on the line of a long
    /// string, serde_json did not count the bytes read here. `invalid_utf8`: the error is
    /// serde_json's invalid UTF-8, which, in the start of a long string, it counts back from
    /// the string's end by the length of the start only.
    pub(super) fn column(&self, line: usize, column: usize, invalid_utf8: bool) -> usize {
        let (long_line, unseen) = self.unseen.get();
        if line != long_line || unseen == 0 {
            return column;
        }
        let (quote, tail) = self.last.get();
        let tail = if invalid_utf8 && column <= quote {
            tail
        } else {
            0
        };
        (column + unseen).saturating_sub(tail)
    }
}

/// Where the reader is in a string's escapes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    /// After a backslash.
    Backslash,
    /// In the hex digits of a `\u` escape: how many are left.
    Hex(u8),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Outside,
    /// In an armed string: its bytes so far, and where in an escape.
    InString {
        read: usize,
        escape: Escape,
        /// The last thing read was a `\u` escape (maybe the first half of a pair).
        after_unicode: bool,
    },
}

/// The file between the buffer and serde_json: see the module's comment.
pub(super) struct Diverting<R> {
    inner: R,
    long: Rc<Long>,
    state: State,
    /// serde_json's place after the bytes handed to it: line from 1, column the bytes since
    /// the last line break.
    line: usize,
    column: usize,
    /// The bytes of the file not read yet, as far as its size said when it was opened.
    left: u64,
}

/// A long text is never given more room at once than this (SQLite's limit for a value).
const MOST_ROOM: u64 = 1_000_000_000;

impl<R: BufRead> Diverting<R> {
    /// `size`: the size of what `inner` reads, as far as known (the room a long text may need
    /// is taken at once, not grown by doubling).
    pub(super) fn new(inner: R, long: Rc<Long>, size: u64) -> Self {
        Diverting {
            inner,
            long,
            state: State::Outside,
            line: 1,
            column: 0,
            left: size,
        }
    }

    fn advance(&mut self, byte: u8) {
        self.left = self.left.saturating_sub(1);
        if byte == b'\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
    }

    /// The next byte of the file, consumed and counted; `None` at its end.
    fn next(&mut self) -> io::Result<Option<u8>> {
        let byte = match self.inner.fill_buf()?.first() {
            Some(&byte) => byte,
            None => return Ok(None),
        };
        self.inner.consume(1);
        self.advance(byte);
        Ok(Some(byte))
    }

    /// A problem in a long string, at the place reached: kept for the import, and the reading
    /// stopped.
    fn fail(&self, reason: &str) -> io::Error {
        self.long.refuse(format!(
            "{reason} at line {} column {}",
            self.line,
            self.long.column(self.line, self.column, false)
        ));
        io::Error::other("a long text could not be read")
    }

    fn next_in_string(&mut self) -> io::Result<u8> {
        self.next()?
            .ok_or_else(|| self.fail("EOF while parsing a string"))
    }

    fn hex(&mut self) -> io::Result<u16> {
        let mut value = 0u16;
        let mut valid = true;
        for _ in 0..4 {
            let byte = self.next_in_string()?;
            match (byte as char).to_digit(16) {
                Some(digit) => value = value * 16 + digit as u16,
                None => valid = false,
            }
        }
        if valid {
            Ok(value)
        } else {
            Err(self.fail("invalid escape"))
        }
    }

    fn push_char(text: &mut Vec<u8>, code: u32) {
        // Surrogates never come here; every other value up to 0x10FFFF is a char.
        let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut utf8 = [0; 4];
        text.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }

    /// A `\u` escape, its `\u` read, as serde_json reads one in a string.
    fn unicode(&mut self, text: &mut Vec<u8>) -> io::Result<()> {
        let first = self.hex()?;
        if (0xDC00..=0xDFFF).contains(&first) {
            return Err(self.fail("lone leading surrogate in hex escape"));
        }
        if !(0xD800..=0xDBFF).contains(&first) {
            Self::push_char(text, u32::from(first));
            return Ok(());
        }
        for expected in [b'\\', b'u'] {
            if self.next_in_string()? != expected {
                return Err(self.fail("unexpected end of hex escape"));
            }
        }
        let second = self.hex()?;
        if !(0xDC00..=0xDFFF).contains(&second) {
            return Err(self.fail("lone leading surrogate in hex escape"));
        }
        let code = ((u32::from(first) - 0xD800) << 10 | (u32::from(second) - 0xDC00)) + 0x1_0000;
        Self::push_char(text, code);
        Ok(())
    }

    /// Reads the rest of a long string, up to and with its closing quote, into a buffer with
    /// room for the `read` bytes before it.
    fn divert(&mut self, read: usize) -> io::Result<()> {
        let (line, start) = (self.line, self.column);
        // The text is never longer than the rest of the file: that room is taken at once
        // (only what is written to counts against the process), since a buffer grown by
        // doubling leaves every smaller one behind, held by the allocator for a while.
        let room = usize::try_from(self.left.min(MOST_ROOM)).unwrap_or(0);
        let mut text = Vec::with_capacity(read + room);
        text.resize(read, 0);
        loop {
            let chunk = self.inner.fill_buf()?;
            let Some(plain) = chunk
                .iter()
                .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
            else {
                if chunk.is_empty() {
                    return Err(self.fail("EOF while parsing a string"));
                }
                let plain = chunk.len();
                text.extend_from_slice(chunk);
                self.inner.consume(plain);
                self.column += plain;
                self.left = self.left.saturating_sub(plain as u64);
                continue;
            };
            text.extend_from_slice(&chunk[..plain]);
            self.inner.consume(plain);
            self.column += plain;
            self.left = self.left.saturating_sub(plain as u64);
            match self.next_in_string()? {
                b'"' => break,
                b'\\' => match self.next_in_string()? {
                    b'"' => text.push(b'"'),
                    b'\\' => text.push(b'\\'),
                    b'/' => text.push(b'/'),
                    b'b' => text.push(0x08),
                    b'f' => text.push(0x0c),
                    b'n' => text.push(b'\n'),
                    b'r' => text.push(b'\r'),
                    b't' => text.push(b'\t'),
                    b'u' => self.unicode(&mut text)?,
                    _ => return Err(self.fail("invalid escape")),
                },
                _ => {
                    return Err(self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
        }
        let tail = text.len() - read;
        let invalid = std::str::from_utf8(&text[read..]).err().map(|error| {
            format!(
                "invalid unicode code point at line {} column {}",
                self.line,
                self.long
                    .column(self.line, self.column - (tail - error.valid_up_to()), false)
            )
        });
        // serde_json sees the closing quote right where the string was cut.
        let unseen = self.column - start - 1;
        let (long_line, before) = self.long.unseen.get();
        let before = if long_line == line { before } else { 0 };
        self.long.unseen.set((line, before + unseen));
        self.long.last.set((start + 1, tail));
        self.line = line;
        self.column = start;
        *self.long.diverted.borrow_mut() = Some(Diverted {
            gap: read,
            text,
            invalid,
        });
        Ok(())
    }
}

impl<R: BufRead> Read for Diverting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let byte = match self.inner.fill_buf()?.first() {
            Some(&byte) => byte,
            None => return Ok(0),
        };
        match self.state {
            State::Outside if self.long.armed.get() => match byte {
                b' ' | b'\n' | b'\t' | b'\r' => {}
                b'"' => {
                    self.long.armed.set(false);
                    self.state = State::InString {
                        read: 0,
                        escape: Escape::None,
                        after_unicode: false,
                    };
                }
                _ => self.long.armed.set(false),
            },
            State::Outside => {}
            State::InString {
                read,
                escape,
                after_unicode,
            } => {
                let (escape, after_unicode) = match (escape, byte) {
                    (Escape::None, b'"') => {
                        self.state = State::Outside;
                        (Escape::None, false)
                    }
                    (Escape::None, b'\\') => (Escape::Backslash, after_unicode),
                    (Escape::None, _)
                        if read >= LONG_TEXT
                            && !after_unicode
                            && ((0x20..0x80).contains(&byte) || byte >= 0xC0) =>
                    {
                        // A place to cut: not in an escape, not after half a pair, not in
                        // the middle of a character.
                        self.divert(read)?;
                        self.state = State::Outside;
                        self.column += 1;
                        buf[0] = b'"';
                        return Ok(1);
                    }
                    (Escape::None, _) => (Escape::None, false),
                    (Escape::Backslash, b'u') => (Escape::Hex(4), true),
                    (Escape::Backslash, _) => (Escape::None, false),
                    (Escape::Hex(1), _) => (Escape::None, true),
                    (Escape::Hex(left), _) => (Escape::Hex(left - 1), true),
                };
                if let State::InString { .. } = self.state {
                    self.state = State::InString {
                        read: read + 1,
                        escape,
                        after_unicode,
                    };
                }
            }
        }
        self.inner.consume(1);
        self.advance(byte);
        buf[0] = byte;
        Ok(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
    use std::fmt;

    struct Seed<'a>(&'a Long);

    impl<'de> DeserializeSeed<'de> for Seed<'_> {
        type Value = String;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
            self.0.arm();
            let read = deserializer.deserialize_any(Text(self.0));
            self.0.disarm();
            read
        }
    }

    struct Text<'a>(&'a Long);

    impl<'de> Visitor<'de> for Text<'_> {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
            match self.0.take(text) {
                Some(Ok(whole)) => Ok(whole),
                Some(Err(error)) => {
                    self.0.refuse(error);
                    Err(E::custom("stopped"))
                }
                None => Ok(text.to_string()),
            }
        }
    }

    /// `json` read through [`Diverting`], and whether a long text was read by it.
    fn diverted(json: &[u8]) -> (Result<String, String>, bool) {
        let long = Rc::new(Long::default());
        let mut deserializer = serde_json::Deserializer::from_reader(Diverting::new(
            io::BufReader::with_capacity(1000, json),
            Rc::clone(&long),
            json.len() as u64,
        ));
        let read = Seed(&long)
            .deserialize(&mut deserializer)
            .and_then(|text| deserializer.end().map(|()| text));
        let was_long = long.unseen.get().1 > 0;
        let read = read.map_err(|error| {
            long.error().unwrap_or_else(|| {
                // As the import gives serde_json's place (`streamed_json_error`).
                let (line, column) = (error.line(), error.column());
                let text = error.to_string();
                let suffix = format!(" at line {line} column {column}");
                match text.strip_suffix(&suffix) {
                    Some(message) => {
                        let utf8 = message == "invalid unicode code point";
                        let column = long.column(line, column, utf8);
                        format!("{message} at line {line} column {column}")
                    }
                    None => text,
                }
            })
        });
        (read, was_long)
    }

    fn plain(json: &[u8]) -> Result<String, String> {
        serde_json::from_reader::<_, String>(json).map_err(|error| error.to_string())
    }

    fn long_string(start: &str, tail: &[u8], end: &[u8]) -> Vec<u8> {
        let mut json = b"\"".to_vec();
        while json.len() <= LONG_TEXT {
            json.extend_from_slice(start.as_bytes());
        }
        json.extend_from_slice(tail);
        json.extend_from_slice(end);
        json
    }

    #[test]
    fn a_long_string_reads_as_serde_json_reads_it() {
        let tails: [&[u8]; 16] = [
            b"\\ud83d\\ude42 and \\u00e9",
            "é🙂 plain".as_bytes(),
            b"\\n\\t\\\"\\\\\\/\\b\\f\\r\\u0001",
            b"\\ud800x",
            b"\\ud800\\u0041",
            b"\\ud800\\q",
            b"\\udc00",
            b"\\q",
            b"\\u12g4",
            b"\x01",
            b"\n",
            b"ok \xff",
            b"ok \xe9\xbf",
            b"ok \\u12",
            b"ok \\ud83d",
            b"ok",
        ];
        for start in ["é", "\\ud83d\\ude42", "a\\nb"] {
            for tail in tails {
                for end in [&b"\" x"[..], b""] {
                    // "ok " gives the reader a place to cut before the tail.
                    let json = long_string(start, &[b"ok ", tail].concat(), end);
                    let (read, was_long) = diverted(&json);
                    let case = String::from_utf8_lossy(&json[json.len() - 30..]).to_string();
                    assert_eq!(read, plain(&json), "{start:?} … {case:?}");
                    // (A string that fails is found bad before it is handed over.)
                    assert!(
                        was_long || read.is_err(),
                        "{start:?} … {case:?}: read by serde_json alone"
                    );
                }
            }
        }
    }

    #[test]
    fn invalid_utf8_before_the_cut_is_placed_as_serde_json_places_it() {
        let mut json = b"\"\xff".to_vec();
        json.extend(long_string("ab", b"ok \xfe", b"\""));
        json.remove(2);
        let (read, was_long) = diverted(&json);
        assert_eq!(read, plain(&json));
        assert!(was_long);
    }

    #[test]
    fn a_short_string_is_left_to_serde_json() {
        for json in [&b"\"short \\u00e9\""[..], b"\"\\ud800\"", b"\"\\q\""] {
            let (read, was_long) = diverted(json);
            assert_eq!(read, plain(json));
            assert!(!was_long);
        }
    }
}
