//! An import carried out on a workspace: read the file, check every row against the workspace,
//! then insert them all in one write transaction (each insert logged), or nothing.

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use anyhow::{bail, Result};

use super::{parse, Context, ImportError, Kind, Rows};
use crate::store::{OpenMode, Store, Writer};

/// Reads the file to import; a problem is one sentence naming the file.
pub fn read_source(path: &Path) -> Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            bail!("{}: no such file to import", path.display())
        }
        Err(_) if path.is_dir() => {
            bail!("{}: is a directory, not a file to import", path.display())
        }
        Err(error) => bail!("{}: could not be read ({error})", path.display()),
    }
}

/// The rows were refused; carried through `anyhow` to roll the transaction back.
#[derive(Debug)]
struct Refused(Vec<ImportError>);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rows were refused", self.0.len())
    }
}

impl std::error::Error for Refused {}

/// Inserts the rows through the write path; returns the new references in order.
pub fn insert(writer: &mut Writer<'_>, rows: &Rows) -> Result<Vec<String>> {
    match rows {
        Rows::Assets(assets) => assets.iter().map(|asset| writer.insert(asset)).collect(),
        Rows::Risks(risks) => risks.iter().map(|risk| writer.insert(risk)).collect(),
    }
}

/// Checks the file against the workspace and imports it, all in one transaction: `Ok(Err)`
/// when rows were refused (nothing changed), `Err` when the workspace could not be written.
pub fn import(
    store: &mut Store,
    kind: Kind,
    bytes: &[u8],
) -> Result<Result<Vec<String>, Vec<ImportError>>> {
    let result = store.write(|writer| {
        let context = Context::load_in(writer)?;
        match parse(kind, bytes, &context) {
            Ok(rows) => insert(writer, &rows),
            Err(errors) => Err(Refused(errors).into()),
        }
    });
    match result {
        Ok(references) => Ok(Ok(references)),
        Err(error) => match error.downcast::<Refused>() {
            Ok(Refused(errors)) => Ok(Err(errors)),
            Err(error) => Err(error),
        },
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Imported {
        kind: Kind,
        references: Vec<String>,
        /// The workspace file was created by this import.
        created: bool,
    },
    DryRun {
        kind: Kind,
        count: usize,
    },
    /// Nothing was imported (or, in a dry run, would be).
    Refused {
        errors: Vec<ImportError>,
    },
}

impl Outcome {
    /// The summary for standard output, naming the workspace.
    pub fn summary(&self, workspace: &Path) -> String {
        let file = workspace.display();
        match self {
            Outcome::Imported {
                kind,
                references,
                created,
            } => {
                let range = match references.as_slice() {
                    [] => String::new(),
                    [one] => format!(" ({one})"),
                    [first, .., last] => format!(" ({first} to {last})"),
                };
                let created = if *created {
                    format!("Created the workspace {file}. ")
                } else {
                    String::new()
                };
                format!(
                    "{created}Imported {} {} into {file}{range}.",
                    references.len(),
                    kind.noun(references.len())
                )
            }
            Outcome::DryRun { kind, count } => format!(
                "Dry run: {count} {} would be imported into {file}; nothing was changed.",
                kind.noun(*count)
            ),
            Outcome::Refused { errors } => format!(
                "nothing was imported into {file}: {} error{}.",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

fn remove_workspace(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// `isms import KIND FILE [--dry-run]` on the workspace at `workspace`, opened with `open`.
///
/// A workspace that does not exist is checked as an empty one and created only when every row
/// is good; a dry run never creates, opens for writing or changes anything.
pub fn run(
    kind: Kind,
    source: &Path,
    workspace: &Path,
    dry_run: bool,
    open: impl Fn(&Path, OpenMode) -> Result<Store>,
) -> Result<Outcome> {
    let bytes = read_source(source)?;
    let exists = fs::symlink_metadata(workspace).is_ok();
    if dry_run || !exists {
        let context = if exists {
            Context::load(&open(workspace, OpenMode::ReadOnly)?)?
        } else {
            Context::empty()
        };
        match parse(kind, &bytes, &context) {
            Err(errors) => return Ok(Outcome::Refused { errors }),
            Ok(rows) if dry_run => {
                return Ok(Outcome::DryRun {
                    kind,
                    count: rows.len(),
                })
            }
            Ok(_) => {}
        }
    }
    let mut store = open(workspace, OpenMode::Create { organisation: None })?;
    match import(&mut store, kind, &bytes) {
        Ok(Ok(references)) => Ok(Outcome::Imported {
            kind,
            references,
            created: !exists,
        }),
        Ok(Err(errors)) => {
            if !exists {
                drop(store);
                remove_workspace(workspace);
            }
            Ok(Outcome::Refused { errors })
        }
        Err(error) => {
            if !exists {
                drop(store);
                remove_workspace(workspace);
            }
            Err(error.context(format!(
                "{}: nothing was imported from {}",
                workspace.display(),
                source.display()
            )))
        }
    }
}
