//! CSV files as spreadsheets open them: UTF-8 with a byte-order mark (so that Excel reads it as
//! UTF-8), comma-separated, CRLF line ends, quoted where needed, every cell neutralised
//! against formula injection.

use anyhow::{bail, Result};

use super::cells::neutralise;
use super::nonconformities;
use super::soa::SoaTable;
use super::PackData;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// A header row and the data rows as CSV bytes. Every row has the header's number of cells.
///
/// Written by hand rather than with the csv crate's writer: that one scans the rest of a
/// quoted cell for its next quote each time its buffer fills, so a long cell with a comma and
/// no quote (a 64 MiB note) took time quadratic in its length. Here each cell is looked at
/// once: time and memory are linear in the text.
pub fn table<'a, R>(headers: &[&str], rows: R) -> Result<Vec<u8>>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = &'a str>,
{
    let mut out = BOM.to_vec();
    record(&mut out, headers.iter().copied(), headers.len(), 1)?;
    for (index, row) in rows.into_iter().enumerate() {
        record(&mut out, row, headers.len(), index + 2)?;
    }
    Ok(out)
}

/// One record: its cells, neutralised and quoted where needed, then CRLF.
fn record<'a>(
    out: &mut Vec<u8>,
    cells: impl IntoIterator<Item = &'a str>,
    width: usize,
    number: usize,
) -> Result<()> {
    let start = out.len();
    let mut count = 0;
    for cell in cells {
        if count > 0 {
            out.push(b',');
        }
        // The quote mark of a neutralised cell written in front rather than copying the cell.
        let neutral = neutralise(cell);
        match neutral.strip_suffix(cell) {
            Some(mark) if !mark.is_empty() => {
                field_with_mark(out, mark, cell);
            }
            _ => field_with_mark(out, "", &neutral),
        }
        count += 1;
    }
    if count != width {
        bail!("row {number} of the table has {count} cells where the header has {width}");
    }
    // A record of one empty cell would read as a blank line: quoted, as the csv crate does.
    if count == 1 && out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.extend_from_slice(b"\r\n");
    Ok(())
}

/// One cell: as it is, or in double quotes with each quote doubled when it holds a comma, a
/// quote or a line break (what the csv crate's `QuoteStyle::Necessary` quotes).
pub fn field(out: &mut Vec<u8>, text: &str) {
    field_with_mark(out, "", text);
}

/// [`field`] of `mark` followed by `text`.
fn field_with_mark(out: &mut Vec<u8>, mark: &str, text: &str) {
    let bytes = text.as_bytes();
    let special = |byte: &u8| matches!(byte, b',' | b'"' | b'\r' | b'\n');
    if !bytes.iter().any(special) && !mark.bytes().any(|byte| special(&byte)) {
        out.extend_from_slice(mark.as_bytes());
        out.extend_from_slice(bytes);
        return;
    }
    // A long cell gets exactly the room it needs (its quotes doubled, the closing quote and
    // the line end), so that the output is not copied into a buffer twice its size.
    if bytes.len() > 1 << 20 {
        let quotes = bytes.iter().filter(|byte| **byte == b'"').count();
        out.reserve_exact(mark.len() + bytes.len() + quotes + 8);
    }
    out.push(b'"');
    out.extend_from_slice(mark.as_bytes());
    let mut pieces = bytes.split(|byte| *byte == b'"');
    if let Some(first) = pieces.next() {
        out.extend_from_slice(first);
    }
    for piece in pieces {
        out.extend_from_slice(b"\"\"");
        out.extend_from_slice(piece);
    }
    out.push(b'"');
}

/// `03-soa/statement-of-applicability.csv`: a first row that says what the file is (today's
/// SoA or an approved version, and how many controls changed since the version was approved),
/// padded to the table's width so that every row has the same number of cells, then the
/// header and a row per control.
pub fn soa(data: &PackData) -> Result<Vec<u8>> {
    let statement = data.soa_table.statement(data.today);
    let mut first = [""; super::soa::COLUMNS.len()];
    first[0] = &statement;
    let headers = SoaTable::headers();
    table(
        &first,
        std::iter::once(headers).chain(data.soa_table.rows.iter().map(|row| row.cells())),
    )
}

/// `05-internal-audit/nonconformities.csv`
pub fn nonconformities(data: &PackData) -> Result<Vec<u8>> {
    let rows = nonconformities::rows(&data.audits, data.today);
    table(
        &nonconformities::headers(),
        rows.iter().map(|row| row.iter().map(String::as_str)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_quoting_and_neutralised_cells() {
        let bytes = table(
            &["A", "B"],
            [["=1+1", "plain"], ["comma, and \"quotes\"", "two\nlines"]],
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}A,B\r\n'=1+1,plain\r\n\"comma, and \"\"quotes\"\"\",\"two\nlines\"\r\n"
        );
    }

    #[test]
    fn a_long_cell_with_commas_and_quotes_is_written_whole() {
        // 32 MiB of commas, quotes and line breaks: the old writer took minutes on this in a
        // debug build; each byte is looked at once now.
        let unit = "word, \"quoted\"\r\nnext, ";
        let text = unit.repeat((32 << 20) / unit.len());
        let bytes = table(&["Notes"], [[text.as_str()]]).unwrap();
        let expected_body = text.replace('"', "\"\"");
        assert_eq!(
            bytes.len(),
            BOM.len() + "Notes\r\n".len() + expected_body.len() + 2 + 2
        );
        let body = &bytes[BOM.len() + "Notes\r\n".len()..];
        assert_eq!(body[0], b'"');
        assert!(body[1..].starts_with(expected_body.as_bytes()));
        assert_eq!(&body[body.len() - 3..], b"\"\r\n");
        // And it reads back as the same text.
        let mut reader = ::csv::ReaderBuilder::new().from_reader(&bytes[BOM.len()..]);
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], text);
    }

    #[test]
    fn same_bytes_as_the_csv_crate_wrote() {
        let rows = [
            ["", "a,b", "x"],
            ["\"", "line\nbreak", "cr\rhere"],
            ["=1", "-2", " plain "],
        ];
        let mine = table(&["A", "B", "C"], rows).unwrap();
        let mut writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(BOM.to_vec());
        writer.write_record(["A", "B", "C"]).unwrap();
        for row in rows {
            writer
                .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))
                .unwrap();
        }
        assert_eq!(mine, writer.into_inner().unwrap());
        // One empty cell alone is quoted, so that the row is not a blank line.
        assert_eq!(
            table(&[""], [[""]]).unwrap(),
            b"\xef\xbb\xbf\"\"\r\n\"\"\r\n"
        );
        let error = table(&["A", "B"], [["only one"]]).unwrap_err().to_string();
        assert_eq!(
            error,
            "row 2 of the table has 1 cells where the header has 2"
        );
    }
}
