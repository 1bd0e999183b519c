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

use anyhow::{bail, Result};

use super::PackData;
use crate::store::{Cell, Dump};

pub const PATH: &str = "workspace.json";

/// The value of `"format"`, which says what the file is.
pub const FORMAT: &str = "isms-workbench-workspace";
pub const FORMAT_KEY: &str = "format";
pub const VERSION_KEY: &str = "schema_version";
pub const TABLES_KEY: &str = "tables";

/// The pack's `workspace.json`.
pub fn file(data: &PackData) -> Result<Vec<u8>> {
    render(&data.dump)
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

/// The whole workspace as `workspace.json`'s bytes.
pub fn render(dump: &Dump) -> Result<Vec<u8>> {
    let mut out = String::new();
    out.push_str("{\n");
    out.push_str(&format!("  {}: {},\n", string(FORMAT_KEY), string(FORMAT)));
    out.push_str(&format!(
        "  {}: {},\n",
        string(VERSION_KEY),
        dump.schema_version
    ));
    out.push_str(&format!("  {}: {{", string(TABLES_KEY)));
    for (t, table) in dump.tables.iter().enumerate() {
        out.push_str(if t == 0 { "\n" } else { ",\n" });
        out.push_str(&format!("    {}: [", string(&table.schema.name)));
        for (r, row) in table.rows.iter().enumerate() {
            out.push_str(if r == 0 { "\n" } else { ",\n" });
            out.push_str("      {");
            for (c, (column, cell)) in table.schema.columns.iter().zip(row).enumerate() {
                out.push_str(if c == 0 { "\n" } else { ",\n" });
                out.push_str(&format!(
                    "        {}: {}",
                    string(&column.name),
                    value(cell)?
                ));
            }
            out.push_str(if row.is_empty() { "}" } else { "\n      }" });
        }
        out.push_str(if table.rows.is_empty() {
            "]"
        } else {
            "\n    ]"
        });
    }
    out.push_str(if dump.tables.is_empty() {
        "}\n}\n"
    } else {
        "\n  }\n}\n"
    });
    Ok(out.into_bytes())
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
