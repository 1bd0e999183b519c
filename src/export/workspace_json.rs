//! `workspace.json`: the whole workspace, every table and every row (the change log and the
//! reference counters included), in a form `isms import workspace` reads back into a new
//! workspace that exports the same file again, byte for byte.
//!
//! ```text
//! {
//!   "format": "isms-workbench-workspace",
//!   "schema_version": 6,
//!   "tables": {
//!     "asset": [
//!       {
//!         "id": 1,
//!         "ref": "A-001",
//!         ...
//!       }
//!     ],
//!     ...
//!   }
//! }
//! ```
//!
//! Tables in name order, rows in primary-key order, each row's columns in schema order (see
//! [`crate::store::Dump`]); values typed as stored: integers, real numbers (always written
//! with a decimal point or an exponent), text and null. Written by hand rather than through
//! a map type, so that the order is the one above whatever features `serde_json` is built
//! with: the same workspace always gives the same bytes. Two spaces of indent, a final newline.

use std::io::Write;

use anyhow::{bail, Result};

use crate::store::{Cell, Dump, DumpEvent, Store};

pub const PATH: &str = "workspace.json";

/// The value of `"format"`, which says what the file is.
pub const FORMAT: &str = "isms-workbench-workspace";
pub const FORMAT_KEY: &str = "format";
pub const VERSION_KEY: &str = "schema_version";
pub const TABLES_KEY: &str = "tables";

/// Writes `workspace.json` straight from the store to `out`, a row at a time: the large
/// workspace's file is over 100 MB, and is never held in memory.
pub fn write_from(store: &Store, out: &mut dyn Write) -> Result<()> {
    let mut json = JsonWriter::new(out);
    // A damaged value is named by record or change-log entry (see `Store::explain`).
    store
        .dump_each(&mut |event| json.event(event))
        .map_err(|error| store.explain(error))?;
    json.finish()
}

/// [`write_from`], telling `anchored` the change-log entry the file is written at (the log's
/// last, read in the same read transaction as the rows) before the first byte is written.
pub fn write_anchored_from(
    store: &Store,
    out: &mut dyn Write,
    anchored: &mut dyn FnMut(Option<crate::store::Anchor>) -> Result<()>,
) -> Result<()> {
    let mut json = JsonWriter::new(out);
    store
        .dump_each_anchored(anchored, &mut |event| json.event(event))
        .map_err(|error| store.explain(error))?;
    json.finish()
}

fn string(text: &str) -> String {
    // Serialising a string cannot fail.
    serde_json::to_string(text).unwrap_or_default()
}

fn value(cell: &Cell) -> Result<String> {
    Ok(match cell {
        Cell::Null => "null".into(),
        Cell::Integer(number) => number.to_string(),
        Cell::Real(number) if number.is_finite() => {
            let text = serde_json::to_string(number)?;
            // A real stays a real when read back, so "2" is written "2.0".
            if text.contains(['.', 'e', 'E']) {
                text
            } else {
                format!("{text}.0")
            }
        }
        Cell::Real(number) => bail!("{number} cannot be written in JSON"),
        Cell::Text(text) => string(text),
    })
}

/// Writes the file's parts as the dump's events arrive; remembers only where it is.
struct JsonWriter<'w> {
    out: &'w mut dyn Write,
    /// The columns of the table being written.
    columns: Vec<String>,
    tables: usize,
    rows: usize,
}

impl<'w> JsonWriter<'w> {
    fn new(out: &'w mut dyn Write) -> Self {
        JsonWriter {
            out,
            columns: Vec::new(),
            tables: 0,
            rows: 0,
        }
    }

    /// Closes the table being written, if any.
    fn end_table(&mut self) -> Result<()> {
        if self.tables > 0 {
            self.out
                .write_all(if self.rows == 0 { b"]" } else { b"\n    ]" })?;
        }
        Ok(())
    }

    fn event(&mut self, event: DumpEvent<'_>) -> Result<()> {
        match event {
            DumpEvent::SchemaVersion(version) => {
                write!(
                    self.out,
                    "{{\n  {}: {},\n  {}: {version},\n  {}: {{",
                    string(FORMAT_KEY),
                    string(FORMAT),
                    string(VERSION_KEY),
                    string(TABLES_KEY)
                )?;
            }
            DumpEvent::Table(schema) => {
                self.end_table()?;
                self.out
                    .write_all(if self.tables == 0 { b"\n" } else { b",\n" })?;
                write!(self.out, "    {}: [", string(&schema.name))?;
                self.columns = schema.columns.iter().map(|c| string(&c.name)).collect();
                self.tables += 1;
                self.rows = 0;
            }
            DumpEvent::Row(cells) => {
                self.out
                    .write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
                self.out.write_all(b"      {")?;
                for (c, (column, cell)) in self.columns.iter().zip(cells).enumerate() {
                    self.out.write_all(if c == 0 { b"\n" } else { b",\n" })?;
                    self.out.write_all(b"        ")?;
                    self.out.write_all(column.as_bytes())?;
                    self.out.write_all(b": ")?;
                    match cell {
                        // Most cells are text: escaped straight into the output.
                        Cell::Text(text) => serde_json::to_writer(&mut *self.out, text)?,
                        other => self.out.write_all(value(other)?.as_bytes())?,
                    }
                }
                self.out
                    .write_all(if cells.is_empty() { b"}" } else { b"\n      }" })?;
                self.rows += 1;
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.end_table()?;
        self.out.write_all(if self.tables == 0 {
            b"}\n}\n"
        } else {
            b"\n  }\n}\n"
        })?;
        Ok(())
    }
}

/// The whole workspace as `workspace.json`'s bytes, from a dump held in memory.
pub fn render(dump: &Dump) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut json = JsonWriter::new(&mut out);
    json.event(DumpEvent::SchemaVersion(dump.schema_version))?;
    for table in &dump.tables {
        json.event(DumpEvent::Table(&table.schema))?;
        for row in &table.rows {
            json.event(DumpEvent::Row(row))?;
        }
    }
    json.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_stay_reals_and_text_is_escaped() {
        assert_eq!(value(&Cell::Real(2.0)).unwrap(), "2.0");
        assert_eq!(value(&Cell::Real(0.1)).unwrap(), "0.1");
        assert_eq!(value(&Cell::Real(1e300)).unwrap(), "1e+300");
        assert_eq!(value(&Cell::Integer(-3)).unwrap(), "-3");
        assert_eq!(value(&Cell::Null).unwrap(), "null");
        assert_eq!(
            value(&Cell::Text("a \"b\"\n\u{1}é".into())).unwrap(),
            r#""a \"b\"\n\u0001é""#
        );
        assert!(value(&Cell::Real(f64::INFINITY)).is_err());
    }

    #[test]
    fn an_empty_dump_is_still_a_document() {
        let dump = Dump {
            schema_version: 6,
            tables: Vec::new(),
        };
        let text = String::from_utf8(render(&dump).unwrap()).unwrap();
        assert_eq!(
            text,
            "{\n  \"format\": \"isms-workbench-workspace\",\n  \"schema_version\": 6,\n  \"tables\": {}\n}\n"
        );
        serde_json::from_str::<serde_json::Value>(&text).unwrap();
    }
}
