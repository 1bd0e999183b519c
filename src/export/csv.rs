//! CSV files as spreadsheets open them: UTF-8 with a byte-order mark (so that Excel reads it as
//! UTF-8), comma-separated, CRLF line ends, quoted where needed, every cell neutralised
//! against formula injection.

use anyhow::Result;

use super::cells::neutralise;
use super::nonconformities;
use super::soa::SoaTable;
use super::PackData;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// A header row and the data rows as CSV bytes.
pub fn table<'a, R>(headers: &[&str], rows: R) -> Result<Vec<u8>>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = &'a str>,
{
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(b',')
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(BOM.to_vec());
    writer.write_record(headers.iter().map(|h| neutralise(h).into_owned()))?;
    for row in rows {
        writer.write_record(row.into_iter().map(|cell| neutralise(cell).into_owned()))?;
    }
    Ok(writer.into_inner().map_err(|error| error.into_error())?)
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
}
