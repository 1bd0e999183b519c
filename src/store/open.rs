//! Opening a workspace file: refusing what is not ours before touching it, then setting the
//! pragmas that make every committed change durable.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{backup, migrations, soundness};

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
    /// Only read: refuse a missing, empty or older file rather than set it up or migrate it,
    /// and leave the file (and its folder) exactly as they were. Every write is refused.
    ReadOnly,
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
    OlderVersion {
        path: PathBuf,
        found: i64,
    },
    ReadOnly {
        path: PathBuf,
    },
    ReadOnlyFolder {
        path: PathBuf,
    },
    Migration {
        path: PathBuf,
        from: i64,
        to: i64,
        error: rusqlite::Error,
    },
    MigrationBackup {
        path: PathBuf,
        to: i64,
        error: anyhow::Error,
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
    /// The cheap checks of every open found damage (a clause naming it); nothing was written.
    Damaged {
        path: PathBuf,
        problem: String,
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
                "{}: is an empty file, not a workspace, so it was left untouched (to make a workspace there, remove it and run `isms init --db {}`).",
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
            OpenError::OlderVersion { path, found } => write!(
                f,
                "{}: was written by an older version of ISMS Workbench (schema {found}); open it in the workbench (`isms --db {}`) to bring it up to date, so it was left untouched.",
                path.display(),
                path.display()
            ),
            OpenError::ReadOnly { path } => write!(
                f,
                "{}: is read-only, and the workbench writes to its workspace, so it was left untouched (make it writable, or copy it with `isms backup --db {} --to COPY`).",
                path.display(),
                path.display()
            ),
            OpenError::ReadOnlyFolder { path } => write!(
                f,
                "{}: its folder is read-only, and SQLite needs to make its -wal and -shm files beside it, so it was left untouched.",
                path.display()
            ),
            OpenError::Migration { path, from, to, error } => write!(
                f,
                "{}: could not be brought from schema {from} to {to} ({}), so it was left untouched at schema {from}.",
                path.display(),
                describe_sqlite(error)
            ),
            OpenError::MigrationBackup { path, to, error } => write!(
                f,
                "{}: the copy made before bringing it up to schema {to} could not be written ({error:#}), so it was left untouched.",
                path.display()
            ),
            OpenError::Io { path, error } => write!(f, "{}: {}.", path.display(), lowercase_first(&error.to_string())),
            OpenError::Sqlite { path, error } => write!(f, "{}: {}.", path.display(), describe_sqlite(error)),
            OpenError::Setup { path, error } => match error.downcast_ref::<rusqlite::Error>() {
                Some(error) => write!(f, "{}: {}.", path.display(), describe_sqlite(error)),
                None => write!(f, "{}: could not set up the workspace: {error}.", path.display()),
            },
            OpenError::Damaged { path, problem } => write!(
                f,
                "{}: is damaged, {problem}, so it was not opened and nothing in it was changed; run `isms verify --db {}` for details.",
                path.display(),
                path.display()
            ),
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
        _ => {
            // SQLite's own message, without the statement it may quote, on one line.
            let message = match error {
                rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
                rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
                other => other.to_string(),
            };
            lowercase_first(&message.split_whitespace().collect::<Vec<_>>().join(" "))
        }
    }
}

fn sqlite_error_for(path: &Path) -> impl Fn(rusqlite::Error) -> OpenError + '_ {
    move |error: rusqlite::Error| match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => OpenError::NotADatabase {
            path: path.to_path_buf(),
        },
        _ => OpenError::Sqlite {
            path: path.to_path_buf(),
            error,
        },
    }
}

/// Looks at the file before SQLite does: refuses a directory, a file that is not a database
/// and (where one must exist) a missing or empty file; creates a missing one for `Create`.
/// With `writable`, a read-only file or folder is refused too.
fn check_file(path: &Path, mode: &OpenMode, writable: bool) -> Result<(), OpenError> {
    let io_error = |error: io::Error| OpenError::Io {
        path: path.to_path_buf(),
        error,
    };
    let metadata = fs::metadata(path);
    if metadata.as_ref().is_ok_and(|meta| meta.is_dir()) {
        return Err(OpenError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    if writable && folder_is_read_only(path) {
        return Err(OpenError::ReadOnlyFolder {
            path: path.to_path_buf(),
        });
    }
    match metadata {
        Ok(meta) if meta.len() > 0 => {
            if !has_sqlite_header(path).map_err(io_error)? {
                return Err(OpenError::NotADatabase {
                    path: path.to_path_buf(),
                });
            }
            if writable && !may_write(path) {
                return Err(OpenError::ReadOnly {
                    path: path.to_path_buf(),
                });
            }
        }
        // An empty file is what `Create` makes before SQLite fills it; where the file must
        // already be a workspace, an empty one is refused rather than quietly set up.
        Ok(_) if !matches!(mode, OpenMode::Create { .. }) => {
            return Err(OpenError::Empty {
                path: path.to_path_buf(),
            })
        }
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => match mode {
            OpenMode::MustExist | OpenMode::ReadOnly => {
                return Err(OpenError::Missing {
                    path: path.to_path_buf(),
                })
            }
            OpenMode::Create { .. } => create_private_file(path).map_err(io_error)?,
        },
        Err(error) => return Err(io_error(error)),
    }
    Ok(())
}

fn folder_is_read_only(path: &Path) -> bool {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    !may_write(folder)
}

/// Whether this process may write `path` (a file or a folder). The operating system is asked
/// (`access(2)`), so a file owned by someone else, or on a read-only mount, counts as read-only
/// whatever its permission bits say. A file whose write bits are all off counts as read-only
/// too, even for root (whom the kernel lets write anyway): someone marked it so on purpose.
pub(crate) fn may_write(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    writable_decision(os_allows_writing(path), meta.permissions().readonly())
}

/// The rule of [`may_write`], apart from the file system: writable only when the operating
/// system allows it and the permission bits do not all say "read-only".
fn writable_decision(os_allows: bool, bits_read_only: bool) -> bool {
    os_allows && !bits_read_only
}

fn os_allows_writing(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call; access(2)
    // only reads it.
    unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
}

/// Checks that an open file is a workspace (or a fresh empty database) this build can handle;
/// returns its schema version and whether it is fresh.
fn check_identity(conn: &Connection, path: &Path) -> Result<(i64, bool), OpenError> {
    let sqlite_error = sqlite_error_for(path);
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(&sqlite_error)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(&sqlite_error)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(&sqlite_error)?;
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
    Ok((version, fresh))
}

/// What a read-only open does with a file from an older schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Older {
    /// Open it as it is (verify and backup read only what every schema has).
    Accept,
    /// Refuse it with [`OpenError::OlderVersion`]: reading it needs the current schema.
    Refuse,
}

/// Opens an existing workspace only to read it: nothing is migrated or written, and nothing is
/// left beside it afterwards, so a file from an older version (or a read-only one) can be
/// checked or copied as it is. An empty database is refused, never set up.
///
/// How SQLite is asked to open it, so that no `-wal` or `-shm` file is left behind:
/// - a journal (`-wal` and `-shm`) is already there (another process has the file open):
///   read only (`SQLITE_OPEN_READ_ONLY`), through the journal, which is left as it is for its
///   owner; a `-wal` alone (left by a crash) is read as a writable file is, below;
/// - the file and its folder may be written (asked of the OS): read-write, with every write
///   refused (`query_only`), because only then can SQLite remove the -wal and -shm files it
///   makes when it closes;
/// - otherwise the file cannot be changing: opened as immutable, SQLite reads it without making
///   -wal and -shm files it could not remove again.
pub(super) fn open_read_only(path: &Path, older: Older) -> Result<Connection, OpenError> {
    check_file(path, &OpenMode::ReadOnly, false)?;
    let sqlite_error = sqlite_error_for(path);
    let writable = may_write(path) && !folder_is_read_only(path);
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let shm = PathBuf::from(format!("{}-shm", path.display()));
    // A journal without its -shm is one no process has open (a crash left it): read-only,
    // SQLite would make a -shm it could not remove again, so where the file may be written the
    // connection is read-write, and closing it folds the journal's committed changes into the
    // file and removes both, as opening it anywhere would.
    let orphan_journal = wal.exists() && !shm.exists();
    let no_mutex = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if wal.exists() && !(orphan_journal && writable) {
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | no_mutex)
            .map_err(&sqlite_error)?
    } else if writable {
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | no_mutex)
            .map_err(&sqlite_error)?
    } else {
        let uri = format!("file:{}?immutable=1", uri_escape(path));
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | no_mutex;
        Connection::open_with_flags(uri, flags).map_err(&sqlite_error)?
    };
    conn.pragma_update(None, "query_only", "ON")
        .map_err(&sqlite_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(&sqlite_error)?;
    let (version, fresh) = check_identity(&conn, path)?;
    if fresh {
        return Err(OpenError::NotAWorkspace {
            path: path.to_path_buf(),
        });
    }
    if older == Older::Refuse && version < migrations::LATEST {
        // Damage first: a version number set back must not read as "open it to update it".
        refuse_damage(&conn, path, version)?;
        return Err(OpenError::OlderVersion {
            path: path.to_path_buf(),
            found: version,
        });
    }
    Ok(conn)
}

/// The cheap checks every open of the workbench and its commands makes (see
/// [`soundness::cheap_problem`]) on a file at schema `version`, before anything is read or
/// written: damage is refused with [`OpenError::Damaged`]. `isms verify` and `isms backup`
/// open without them, so that they can still report on (and copy) a damaged file.
pub(super) fn refuse_damage(conn: &Connection, path: &Path, version: i64) -> Result<(), OpenError> {
    match soundness::cheap_problem(conn, version).map_err(sqlite_error_for(path))? {
        Some(problem) => Err(OpenError::Damaged {
            path: path.to_path_buf(),
            problem,
        }),
        None => Ok(()),
    }
}

/// The check a file gets before it is migrated, beyond the cheap ones every open makes: all of
/// `isms verify` (SQLite's integrity check, damaged values, the schema, the whole hash chain),
/// so that a migration never seals damage into a file at the new version. A migration is rare
/// and the file's owner waits for it once, so the full cost is paid here.
fn check_before_migration(conn: &Connection, path: &Path) -> Result<(), OpenError> {
    let verdict = backup::verify_connection(conn).map_err(sqlite_error_for(path))?;
    if verdict.is_sound() {
        return Ok(());
    }
    // The verdict's sentence names the file first; the open error names it itself.
    let sentence = verdict.sentence(path);
    let problem = sentence
        .strip_prefix(&format!("{}: ", path.display()))
        .unwrap_or(&sentence)
        .trim_start_matches("is damaged, ")
        .trim_end_matches('.');
    Err(OpenError::Damaged {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    })
}

/// `path` made safe for an SQLite URI (`%`, `?` and `#` are special there).
fn uri_escape(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for byte in absolute.as_os_str().as_encoded_bytes() {
        match byte {
            b'%' | b'?' | b'#' => out.push_str(&format!("%{byte:02X}")),
            _ if byte.is_ascii() => out.push(*byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Where the copy made before migrating `path` to schema `to` goes: `PATH.before-vTO.sqlite3`,
/// or with `-2`, `-3`... added when an earlier copy is already there (it is never replaced).
pub fn migration_backup_path(path: &Path, to: i64) -> PathBuf {
    let first = PathBuf::from(format!("{}.before-v{to}.sqlite3", path.display()));
    if fs::symlink_metadata(&first).is_err() {
        return first;
    }
    (2..)
        .map(|n| PathBuf::from(format!("{}.before-v{to}-{n}.sqlite3", path.display())))
        .find(|candidate| fs::symlink_metadata(candidate).is_err())
        .expect("a free name")
}

/// Opens the file, checks that it is a workspace this build can handle, sets the pragmas and
/// migrates it. Nothing is written to a file that is refused. A file from an older schema is
/// first copied (with SQLite's backup API) to [`migration_backup_path`], then migrated in one
/// transaction: a migration that fails leaves the file as it was, and the copy is removed.
pub(super) fn open_connection(path: &Path, mode: &OpenMode) -> Result<Connection, OpenError> {
    check_file(path, mode, true)?;
    let sqlite_error = sqlite_error_for(path);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(&sqlite_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(&sqlite_error)?;
    let (version, fresh) = check_identity(&conn, path)?;
    // Before the pragmas below: setting the journal mode writes to the file.
    if !fresh {
        refuse_damage(&conn, path, version)?;
    }
    if !fresh && version < migrations::LATEST {
        check_before_migration(&conn, path)?;
    }

    // WAL lets a reader see a consistent state while the workbench writes; synchronous=FULL
    // makes every commit durable across a power cut, not only across a crash.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(&sqlite_error)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(&sqlite_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(&sqlite_error)?;
    if fresh || version == migrations::LATEST {
        migrations::migrate(&mut conn).map_err(&sqlite_error)?;
        return Ok(conn);
    }
    let copy = migration_backup_path(path, migrations::LATEST);
    super::backup::backup_connection(&conn, &copy).map_err(|error| OpenError::MigrationBackup {
        path: path.to_path_buf(),
        to: migrations::LATEST,
        error,
    })?;
    if let Err(error) = migrations::migrate(&mut conn) {
        drop(conn);
        let _ = fs::remove_file(&copy);
        return Err(OpenError::Migration {
            path: path.to_path_buf(),
            from: version,
            to: migrations::LATEST,
            error,
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writable_only_when_the_os_allows_it_and_the_bits_do_not_forbid_it() {
        assert!(writable_decision(true, false));
        // Owned by someone else, or on a read-only mount: the bits may say writable, the OS not.
        assert!(!writable_decision(false, false));
        // Marked read-only on purpose: root could write it, the workbench does not.
        assert!(!writable_decision(true, true));
        assert!(!writable_decision(false, true));
    }

    #[test]
    fn may_write_asks_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        assert!(!may_write(&path), "a missing file");
        fs::write(&path, "x").unwrap();
        assert!(may_write(&path));
        assert!(may_write(dir.path()));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        assert!(!may_write(&path));
        // Whoever the tests run as: a file is writable only if the OS says so, not the bits.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(may_write(&path), os_allows_writing(&path));
    }
}
