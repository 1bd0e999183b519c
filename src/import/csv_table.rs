//! A CSV file as a spreadsheet shows it: a header row and data rows of text cells, each row
//! numbered as the spreadsheet numbers it (the header is row 1; a cell with line breaks is still
//! one row; a blank line is a row too).
//!
//! UTF-8 with or without a byte-order mark; comma or semicolon, whichever the header line
//! uses more (outside quotes; a tie means comma); CRLF, LF or CR line ends; quoted cells with
//! delimiters, quotes and line breaks. Header cells are trimmed; other cells are kept exactly
//! as written (the importers trim key and choice columns only); rows whose cells are all blank
//! are skipped.

use super::ImportError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A data row: its spreadsheet row number and its cells, one per header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub number: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The spreadsheet row of the header (1 unless the file starts with blank lines).
    pub header_row: usize,
    /// The header cells, trimmed, as written.
    pub headers: Vec<String>,
    /// The rows that could be read; those that could not are in [`Read::errors`].
    pub rows: Vec<TableRow>,
}

/// A table and the rows that could not be read (ragged, not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub table: Table,
    pub errors: Vec<ImportError>,
}

/// The delimiter the header line uses: `;` when it holds more semicolons than commas outside
/// quotes, `,` otherwise.
pub fn detect_delimiter(bytes: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for &byte in bytes {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// How many line breaks the run of `\r` and `\n` starting at `from` holds (`\r\n` is one).
fn line_breaks_at(bytes: &[u8], from: usize) -> usize {
    let (mut at, mut breaks) = (from, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            b'\r' | b'\n' => at += 1,
            _ => break,
        }
        breaks += 1;
    }
    breaks
}

/// The spreadsheet row of a record that the CSV reader placed at byte `position`, given the
/// row of the record before it. The reader's position is just after the first byte of the
/// previous record's line end, and it skips blank lines silently; counting the line breaks
/// from that line end on gives 1 for the next line plus one per blank line.
fn next_row(bytes: &[u8], position: usize, previous: Option<usize>) -> usize {
    match previous {
        None => 1 + line_breaks_at(bytes, position.min(bytes.len())),
        Some(previous) => {
            let at = position.min(bytes.len());
            let from = if at > 0 && matches!(bytes[at - 1], b'\r' | b'\n') {
                at - 1
            } else {
                at
            };
            previous + line_breaks_at(bytes, from).max(1)
        }
    }
}

fn not_utf8_message(field: &[u8], error: &std::str::Utf8Error) -> String {
    let byte = field.get(error.valid_up_to()).copied().unwrap_or_default();
    format!(
        "is not valid UTF-8 text (byte 0x{byte:02X}); save the file as \"CSV UTF-8\" and import it again"
    )
}

/// Reads the bytes of a CSV file. `Err` when there is no table at all (empty, header only,
/// UTF-16, a header that is not UTF-8); otherwise the table with the rows that could be read
/// and an error for each that could not.
pub fn read(bytes: &[u8]) -> Result<Read, Vec<ImportError>> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(vec![ImportError::file(
            "is UTF-16 text; save it as \"CSV UTF-8\" and import it again",
        )]);
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(detect_delimiter(bytes))
        .from_reader(bytes);

    let mut header: Option<(usize, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut previous_row = None;
    let mut any_data = false;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let row = previous_row.map_or(1, |row| row + 1);
                errors.push(ImportError::row(
                    row,
                    format!("could not be read as CSV ({error})"),
                ));
                break;
            }
        }
        let position = record.position().map_or(0, |p| p.byte() as usize);
        let number = next_row(bytes, position, previous_row);
        previous_row = Some(number);

        let Some((_, headers)) = &header else {
            let mut cells = Vec::with_capacity(record.len());
            for field in record.iter() {
                match std::str::from_utf8(field) {
                    Ok(text) => cells.push(text.trim().to_string()),
                    Err(error) => {
                        return Err(vec![ImportError::cell(
                            number,
                            (cells.len() + 1).to_string(),
                            format!("the header row {}", not_utf8_message(field, &error)),
                        )])
                    }
                }
            }
            header = Some((number, cells));
            continue;
        };

        // A row of blank cells is what spreadsheets write for an empty row: skip it.
        if record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        any_data = true;
        if record.len() != headers.len() {
            errors.push(ImportError::row(
                number,
                format!(
                    "has {} cell{} where the header row has {}; check for a stray delimiter or an unclosed quote",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    headers.len()
                ),
            ));
            continue;
        }
        let mut cells = Vec::with_capacity(record.len());
        for (index, field) in record.iter().enumerate() {
            // Kept exactly as written: a free-text cell's leading tabs, spaces and line breaks
            // are the user's; key and choice columns are trimmed where they are read.
            match std::str::from_utf8(field) {
                Ok(text) => cells.push(text.to_string()),
                Err(error) => {
                    let column = match headers[index].as_str() {
                        "" => (index + 1).to_string(),
                        name => name.to_string(),
                    };
                    errors.push(ImportError::cell(
                        number,
                        column,
                        not_utf8_message(field, &error),
                    ));
                    break;
                }
            }
        }
        if cells.len() == headers.len() {
            rows.push(TableRow { number, cells });
        }
    }

    let Some((header_row, headers)) = header else {
        return Err(vec![ImportError::file(
            "no rows to import: the file is empty",
        )]);
    };
    if !any_data && errors.is_empty() {
        return Err(vec![ImportError::file(
            "no rows to import: the file has a header row but no data rows",
        )]);
    }
    Ok(Read {
        table: Table {
            header_row,
            headers,
            rows,
        },
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(bytes: &[u8]) -> Table {
        let read = read(bytes).expect("a table");
        assert_eq!(read.errors, []);
        read.table
    }

    fn numbers(table: &Table) -> Vec<usize> {
        table.rows.iter().map(|row| row.number).collect()
    }

    #[test]
    fn delimiter_is_the_one_the_header_uses_more() {
        assert_eq!(detect_delimiter(b"a;b;c\n1,2;3"), b';');
        assert_eq!(detect_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(detect_delimiter(b"a;b,c\n"), b',', "a tie is a comma");
        assert_eq!(
            detect_delimiter(b"\"a;b;c\",d\n"),
            b',',
            "quoted ones do not count"
        );
        assert_eq!(detect_delimiter(b"name\n"), b',');
        assert_eq!(detect_delimiter(b""), b',');
    }

    #[test]
    fn bom_crlf_semicolons_and_quoted_line_breaks() {
        let t = table(
            b"\xEF\xBB\xBFName ; Notes\r\n\"Ledger; main\";\"one, two\r\nthree\"\r\nCRM;x\r\n",
        );
        assert_eq!(t.headers, ["Name", "Notes"]);
        assert_eq!(t.rows[0].cells, ["Ledger; main", "one, two\r\nthree"]);
        assert_eq!(numbers(&t), [2, 3], "a cell with a line break is one row");
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_numbers_them() {
        // Blank lines are rows; blank-cell rows are skipped but still counted.
        let t = table(
            b"\n\nName,Kind\n\nLedger,information\n,\n  ,  \nCRM,\"soft\nware\"\nLaptop,hardware",
        );
        assert_eq!(t.header_row, 3);
        assert_eq!(numbers(&t), [5, 8, 9]);
        let t = table(b"Name,Kind\r\rLedger,information\rCRM,software\r");
        assert_eq!(numbers(&t), [3, 4], "old Mac line ends");
        let t = table(b"Name,Kind\r\n\r\nLedger,\"a\r\nb\"\r\nCRM,software\r\n");
        assert_eq!(numbers(&t), [3, 4]);
    }

    #[test]
    fn ragged_rows_are_errors_with_their_row() {
        let read = read(b"Name,Kind\nLedger\nCRM,software\nLaptop,hardware,extra\n").unwrap();
        assert_eq!(numbers(&read.table), [3]);
        let rows: Vec<_> = read.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, [Some(2), Some(4)]);
        assert!(read.errors[0]
            .message
            .starts_with("has 1 cell where the header row has 2"));
    }

    #[test]
    fn invalid_utf8_names_row_and_column() {
        let read = read(b"Name,Notes\nok,fine\nCaf\xE9,x\n").unwrap();
        assert_eq!(read.errors.len(), 1);
        let error = &read.errors[0];
        assert_eq!(
            (error.row, error.column.as_deref()),
            (Some(3), Some("Name"))
        );
        assert!(error.message.contains("0xE9"), "{}", error.message);
        let header = super::read(b"N\xFFme\nx\n").unwrap_err();
        assert_eq!(header[0].row, Some(1));
    }

    #[test]
    fn empty_and_header_only_files_have_no_rows() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\n\r\n"] {
            let errors = read(bytes).unwrap_err();
            assert_eq!(
                errors[0].to_string(),
                "no rows to import: the file is empty"
            );
        }
        for bytes in [&b"Name,Kind"[..], b"Name,Kind\r\n\r\n ,\n,\n"] {
            let errors = read(bytes).unwrap_err();
            assert!(errors[0].message.contains("header row but no data rows"));
        }
        assert!(read(b"\xFF\xFEN\0").unwrap_err()[0]
            .message
            .contains("UTF-16"));
    }
}
