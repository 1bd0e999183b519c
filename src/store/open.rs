//! Opening a workspace file: refusing what is not ours before touching it, then setting the
//! pragmas that make every committed change durable.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::migrations;

/// Written into the SQLite header of every workspace ("ISMS" in ASCII), so that another
/// application's database is never mistaken for one.
pub const APPLICATION_ID: i32 = 0x4953_4D53;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub enum OpenMode {
    /// Create the file (mode 0600) if it is missing; a new workspace gets this organisation name.
    Create { organisation: Option<String> },
    /// Refuse a missing file.
    MustExist,
}

/// Why a workspace could not be opened. Each renders as one sentence naming the file.
#[derive(Debug)]
pub enum OpenError {
    Missing {
        path: PathBuf,
    },
    IsDirectory {
        path: PathBuf,
    },
    Empty {
        path: PathBuf,
    },
    NotADatabase {
        path: PathBuf,
    },
    NotAWorkspace {
        path: PathBuf,
    },
    NewerVersion {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
    Setup {
        path: PathBuf,
        error: anyhow::Error,
    },
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Missing { path } => write!(
                f,
                "{}: no workspace file here (create one with `isms init --db {}`).",
                path.display(),
                path.display()
            ),
            OpenError::IsDirectory { path } => {
                write!(f, "{}: is a directory, not a workspace file.", path.display())
            }
            OpenError::Empty { path } => write!(
                f,
                "{}: is an empty file, not a workspace (create one with `isms init --db {}`).",
                path.display(),
                path.display()
            ),
            OpenError::NotADatabase { path } => write!(
                f,
                "{}: is not a SQLite database (or it is damaged), so it was left untouched.",
                path.display()
            ),
            OpenError::NotAWorkspace { path } => write!(
                f,
                "{}: is a SQLite database but not an ISMS Workbench workspace, so it was left untouched.",
                path.display()
            ),
            OpenError::NewerVersion { path, found, supported } => write!(
                f,
                "{}: was written by a newer version of ISMS Workbench (schema {found}; this build knows up to {supported}), so it was left untouched.",
                path.display()
            ),
            OpenError::Io { path, error } => write!(f, "{}: {}.", path.display(), lowercase_first(&error.to_string())),
            OpenError::Sqlite { path, error } => write!(f, "{}: {}.", path.display(), describe_sqlite(error)),
            OpenError::Setup { path, error } => match error.downcast_ref::<rusqlite::Error>() {
                Some(error) => write!(f, "{}: {}.", path.display(), describe_sqlite(error)),
                None => write!(f, "{}: could not set up the workspace: {error}.", path.display()),
            },
        }
    }
}

impl std::error::Error for OpenError {}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn describe_sqlite(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => "the file is read-only".into(),
        Some(ErrorCode::CannotOpen) => "the file cannot be opened".into(),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            "the workspace is busy in another process; try again".into()
        }
        Some(ErrorCode::DiskFull) => "the disk is full".into(),
        _ => lowercase_first(&error.to_string()),
    }
}

/// Opens the file, checks that it is a workspace this build can handle, sets the pragmas and
/// migrates it. Nothing is written to a file that is refused.
pub(super) fn open_connection(path: &Path, mode: &OpenMode) -> Result<Connection, OpenError> {
    let io_error = |error: io::Error| OpenError::Io {
        path: path.to_path_buf(),
        error,
    };
    let sqlite_error = |error: rusqlite::Error| match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => OpenError::NotADatabase {
            path: path.to_path_buf(),
        },
        _ => OpenError::Sqlite {
            path: path.to_path_buf(),
            error,
        },
    };

    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(OpenError::IsDirectory {
                path: path.to_path_buf(),
            })
        }
        Ok(meta) if meta.len() > 0 => {
            if !has_sqlite_header(path).map_err(io_error)? {
                return Err(OpenError::NotADatabase {
                    path: path.to_path_buf(),
                });
            }
        }
        // An empty file is what `Create` makes before SQLite fills it; where the file must
        // already be a workspace, an empty one is refused rather than quietly set up.
        Ok(_) if matches!(mode, OpenMode::MustExist) => {
            return Err(OpenError::Empty {
                path: path.to_path_buf(),
            })
        }
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => match mode {
            OpenMode::MustExist => {
                return Err(OpenError::Missing {
                    path: path.to_path_buf(),
                })
            }
            OpenMode::Create { .. } => create_private_file(path).map_err(io_error)?,
        },
        Err(error) => return Err(io_error(error)),
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(sqlite_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite_error)?;

    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(sqlite_error)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sqlite_error)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(sqlite_error)?;
    let fresh = application_id == 0 && version == 0 && objects == 0;
    if !fresh && application_id != APPLICATION_ID {
        return Err(OpenError::NotAWorkspace {
            path: path.to_path_buf(),
        });
    }
    if version > migrations::LATEST {
        return Err(OpenError::NewerVersion {
            path: path.to_path_buf(),
            found: version,
            supported: migrations::LATEST,
        });
    }

    // WAL lets a reader see a consistent state while the workbench writes; synchronous=FULL
    // makes every commit durable across a power cut, not only across a crash.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sqlite_error)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sqlite_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sqlite_error)?;
    migrations::migrate(&mut conn).map_err(sqlite_error)?;
    Ok(conn)
}

fn create_private_file(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
}

/// Reads the first bytes ourselves, so that a file that is not a database is refused before
/// SQLite is given a chance to touch it (and a permission problem is reported plainly).
fn has_sqlite_header(path: &Path) -> io::Result<bool> {
    let mut header = [0u8; 16];
    match fs::File::open(path)?.read_exact(&mut header) {
        Ok(()) => Ok(&header == SQLITE_MAGIC),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(error) => Err(error),
    }
}
