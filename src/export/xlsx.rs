//! XLSX workbooks: one sheet per table, the header on row 1 (bold, frozen, with an autofilter
//! over the data), set column widths and wrapped long text. Every cell is written as a string
//! (never a formula), neutralised the same way as in CSV.

use anyhow::{Context, Result};
use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use super::cells::neutralise;
use super::soa::COLUMNS;
use super::{Column, PackData};
use crate::domain::dates::Date;

/// The most UTF-16 units Excel keeps in one cell.
const MAX_CELL: usize = 32_767;
const TRUNCATED: &str = " [… cut at Excel's cell limit; the CSV has the full text]";

/// What the workbook says about itself (File > Properties).
pub struct Properties<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    pub company: &'a str,
    pub created: Date,
}

/// One sheet: a name (at most 31 characters), its columns and rows.
pub struct Sheet<'a, R> {
    pub name: &'a str,
    pub columns: &'a [Column],
    pub rows: R,
}

/// Text that fits in an Excel cell: longer text is cut (at a character) and says so.
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    if text.encode_utf16().count() <= MAX_CELL {
        return text.into();
    }
    let budget = MAX_CELL - TRUNCATED.encode_utf16().count();
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > budget
        })
        .map_or(text.len(), |(index, _)| index);
    format!("{}{TRUNCATED}", &text[..end]).into()
}

fn cell_text(text: &str) -> String {
    neutralise(&fit(text)).into_owned()
}

/// A workbook of one sheet as XLSX bytes.
pub fn workbook<'a, R>(properties: &Properties<'_>, sheet: Sheet<'_, R>) -> Result<Vec<u8>>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = &'a str>,
{
    titled_workbook(properties, None, sheet)
}

/// A workbook of one sheet as XLSX bytes; with a `title`, that line comes first (bold, in
/// the first cell) and the header on the row below it.
pub fn titled_workbook<'a, R>(
    properties: &Properties<'_>,
    title: Option<&str>,
    sheet: Sheet<'_, R>,
) -> Result<Vec<u8>>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = &'a str>,
{
    let mut workbook = Workbook::new();
    let date = properties.created;
    let created = &ExcelDateTime::from_ymd(
        u16::try_from(date.year())?,
        u8::try_from(date.month())?,
        u8::try_from(date.day())?,
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(properties.title)
            .set_subject(properties.subject)
            .set_company(properties.company)
            .set_comment("Exported by ISMS Workbench")
            .set_creation_datetime(created),
    );

    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border_bottom(FormatBorder::Thin);
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let plain = Format::new().set_align(FormatAlign::Top);

    // Rows go to a temporary file as they are written (the same workbook, byte for byte): a
    // register of 10,000 risks otherwise holds every cell in memory until the end.
    let worksheet = workbook.add_worksheet_with_low_memory()?;
    worksheet.set_name(sheet.name)?;
    let header_row = u32::from(title.is_some());
    if let Some(title) = title {
        let bold = Format::new().set_bold();
        worksheet.write_string_with_format(0, 0, cell_text(title), &bold)?;
    }
    for (col, column) in sheet.columns.iter().enumerate() {
        let col = u16::try_from(col)?;
        worksheet.set_column_width(col, column.width)?;
        worksheet.write_string_with_format(header_row, col, cell_text(column.header), &header)?;
    }
    let mut last_row = header_row;
    for (index, row) in sheet.rows.into_iter().enumerate() {
        last_row = header_row + u32::try_from(index + 1)?;
        for (col, (text, column)) in row.into_iter().zip(sheet.columns).enumerate() {
            let format = if column.wrap { &wrapped } else { &plain };
            worksheet.write_string_with_format(
                last_row,
                u16::try_from(col)?,
                cell_text(text),
                format,
            )?;
        }
    }
    let last_col = u16::try_from(sheet.columns.len().saturating_sub(1))?;
    worksheet.set_freeze_panes(header_row + 1, 0)?;
    worksheet.autofilter(header_row, 0, last_row, last_col)?;
    worksheet.set_landscape();
    worksheet.set_print_fit_to_pages(1, 0);
    worksheet.set_repeat_rows(0, header_row)?;

    workbook
        .save_to_buffer()
        .context("could not assemble the workbook")
}

/// `03-soa/statement-of-applicability.xlsx`
pub fn soa(data: &PackData) -> Result<Vec<u8>> {
    let organisation = data.workspace.organisation.trim();
    let title = data.title("Statement of Applicability");
    let statement = data.soa_table.statement(data.today);
    titled_workbook(
        &Properties {
            title: &title,
            subject: "ISO/IEC 27001:2022 Annex A controls (6.1.3 d)",
            company: organisation,
            created: data.today,
        },
        Some(&statement),
        Sheet {
            name: "Statement of Applicability",
            columns: &COLUMNS,
            rows: data.soa_table.rows.iter().map(|row| row.cells()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_past_the_cell_limit_is_cut_and_says_so() {
        assert_eq!(fit("short"), "short");
        let long = "é".repeat(MAX_CELL + 10);
        let cut = fit(&long);
        assert_eq!(cut.encode_utf16().count(), MAX_CELL);
        assert!(cut.ends_with(TRUNCATED));
        // Characters outside the BMP count twice and are never split.
        let emoji = "🔒".repeat(MAX_CELL);
        assert!(fit(&emoji).encode_utf16().count() <= MAX_CELL);
    }

    #[test]
    fn cells_are_strings_read_back_as_written() {
        use calamine::{Data, Reader, Xlsx};
        let columns = [
            Column {
                header: "A",
                width: 8.0,
                wrap: false,
            },
            Column {
                header: "B",
                width: 30.0,
                wrap: true,
            },
        ];
        let bytes = workbook(
            &Properties {
                title: "t",
                subject: "s",
                company: "c",
                created: Date::from_ymd_opt(2026, 5, 1).unwrap(),
            },
            Sheet {
                name: "Sheet",
                columns: &columns,
                rows: [["=1+1", "two\nlines"], ["", "-5"]],
            },
        )
        .unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Sheet").unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        assert_eq!(
            rows,
            vec![
                vec![Data::String("A".into()), Data::String("B".into())],
                vec![
                    Data::String("'=1+1".into()),
                    Data::String("two\nlines".into())
                ],
                vec![Data::Empty, Data::String("'-5".into())],
            ]
        );
    }
}
