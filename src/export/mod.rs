//! The audit pack (`isms export --out DIR`): the workspace written out as files an auditor can
//! open without the workbench.
//!
//! The workspace is read once into [`PackData`]; each file of the pack is one writer function
//! from that data to the file's bytes, listed in [`FILES`]; [`pack`] owns the rules of the
//! output folder (empty unless forced, no symbolic links, every file replaced atomically).
//! Nothing is written until every file has been made.
//!
//! - [`cells`]: cell text that is safe to open in a spreadsheet (formula injection).
//! - [`soa`]: the Statement of Applicability as one table of rows, built once.
//! - [`csv`], [`xlsx`], [`markdown`]: the formats.
//! - [`pack`]: the output folder.

pub mod cells;
pub mod csv;
pub mod markdown;
pub mod pack;
pub mod soa;
pub mod xlsx;

use std::path::Path;

use anyhow::{Context, Result};

use crate::domain::dates::Date;
use crate::domain::workspace::Workspace;
use crate::store::{SoaData, Store};

/// One column of a table written to CSV and XLSX: its header, and how the spreadsheet shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub header: &'static str,
    /// The width in Excel's character units.
    pub width: f64,
    /// Long text: wrapped in the spreadsheet.
    pub wrap: bool,
}

/// Everything the audit pack is made from, read from the workspace once.
#[derive(Debug, Clone)]
pub struct PackData {
    pub workspace: Workspace,
    pub soa: SoaData,
    /// The SoA as rows, shared by its CSV, XLSX and Markdown files.
    pub soa_table: soa::SoaTable,
    /// The date the pack is exported on; every file that shows a date uses this one.
    pub today: Date,
}

impl PackData {
    pub fn load(store: &Store, today: Date) -> Result<PackData> {
        let workspace = store.workspace()?;
        let soa = store.load_soa()?;
        let soa_table = soa::SoaTable::build(&soa);
        Ok(PackData {
            workspace,
            soa,
            soa_table,
            today,
        })
    }
}

/// A file of the audit pack: where it goes in the folder and the function that makes it.
pub struct PackFile {
    /// The path inside the pack, with `/` between folders.
    pub path: &'static str,
    pub write: fn(&PackData) -> Result<Vec<u8>>,
}

/// The files written today, in the order they are written and listed.
pub const FILES: &[PackFile] = &[
    PackFile {
        path: "03-soa/statement-of-applicability.csv",
        write: csv::soa,
    },
    PackFile {
        path: "03-soa/statement-of-applicability.xlsx",
        write: xlsx::soa,
    },
    PackFile {
        path: "03-soa/statement-of-applicability.md",
        write: markdown::soa_file,
    },
];

/// Makes every file of the pack in memory, in the order of [`FILES`].
pub fn render(data: &PackData) -> Result<Vec<(&'static str, Vec<u8>)>> {
    FILES
        .iter()
        .map(|file| {
            let bytes =
                (file.write)(data).with_context(|| format!("could not make {}", file.path))?;
            Ok((file.path, bytes))
        })
        .collect()
}

/// Exports the workspace's audit pack into `out` (see [`pack::write`] for the folder rules);
/// returns the paths written, relative to `out`.
pub fn export(store: &Store, out: &Path, force: bool, today: Date) -> Result<Vec<&'static str>> {
    let data = PackData::load(store, today)?;
    let files = render(&data)?;
    pack::write(out, force, &files)?;
    Ok(files.iter().map(|(path, _)| *path).collect())
}
