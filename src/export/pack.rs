//! The output folder of the audit pack and its rules:
//!
//! - a missing folder is created, with its parents;
//! - a folder that is not empty is refused unless forced; forced, the pack's files are
//!   replaced and every other file is left alone;
//! - nothing is ever written through a symbolic link: a target file, or a folder of the pack
//!   inside the output folder, that is a link is refused, forced or not;
//! - every check is made before the first file is written, so a refusal writes nothing;
//! - each file is written to a temporary file in its own folder, flushed to disk and renamed
//!   into place, so that a crash never leaves a half-written file under the real name.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use sha2::{Digest as _, Sha256};

use crate::progress::{Progress, Silent};

/// What one file of the pack holds: bytes made in memory, or bytes a function writes as the
/// file is written (`workspace.json`, too large to hold in memory for a large workspace).
pub enum Body<'a> {
    Bytes(&'a [u8]),
    Streamed(&'a dyn Fn(&mut dyn Write) -> Result<()>),
}

/// The SHA-256 of a file's bytes as written.
pub type Digest = [u8; 32];

/// Checks the folder and the target paths, then writes every file.
pub fn write<P: AsRef<str>>(out: &Path, force: bool, files: &[(P, Vec<u8>)]) -> Result<()> {
    let bodies: Vec<(&str, Body<'_>)> = files
        .iter()
        .map(|(path, bytes)| (path.as_ref(), Body::Bytes(bytes)))
        .collect();
    write_bodies(out, force, &bodies, &[], &Silent)?;
    Ok(())
}

/// Checks the folder and every target path (`also` too: files the caller writes after these,
/// such as the seal), then writes each file, reporting a step per file written (each one is
/// flushed to disk, which is where a slow disk shows). Returns each file's digest, in order.
pub fn write_bodies(
    out: &Path,
    force: bool,
    files: &[(&str, Body<'_>)],
    also: &[&str],
    progress: &dyn Progress,
) -> Result<Vec<Digest>> {
    let mut paths: Vec<&str> = files.iter().map(|(path, _)| *path).collect();
    paths.extend_from_slice(also);
    prepare(out, force, &paths)?;
    write_prepared(out, files, also.len(), progress)
}

/// Writes each file into a folder [`prepare`]d before (its targets are checked again, as a
/// file written since may be in the way); `later` more files follow, for the count.
pub fn write_prepared(
    out: &Path,
    files: &[(&str, Body<'_>)],
    later: usize,
    progress: &dyn Progress,
) -> Result<Vec<Digest>> {
    for (path, _) in files {
        check_target(out, path)?;
    }
    progress.stage("files written", (files.len() + later) as u64);
    let mut digests = Vec::with_capacity(files.len());
    for (path, body) in files {
        let target = out.join(path);
        let folder = target.parent().unwrap_or(out);
        fs::create_dir_all(folder)
            .with_context(|| format!("{}: could not create the folder", folder.display()))?;
        digests.push(write_atomically(&target, body)?);
        progress.advance(1);
    }
    Ok(digests)
}

/// The output folder: missing (to be created), or a folder that is empty unless `force`.
fn check_folder(out: &Path, force: bool) -> Result<()> {
    match fs::metadata(out) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => bail!("{}: could not be read ({error})", out.display()),
        Ok(meta) if !meta.is_dir() => bail!("{}: is not a folder", out.display()),
        Ok(_) => {
            let mut entries = fs::read_dir(out)
                .with_context(|| format!("{}: could not be read", out.display()))?;
            if !force && entries.next().is_some() {
                bail!(
                    "{}: the folder is not empty; choose a new or empty folder, or pass --force \
                     to overwrite the audit pack's files in it",
                    out.display()
                );
            }
            Ok(())
        }
    }
}

/// Each folder below `out` on the way to the file, then the file: none may be a symbolic
/// link, the folders must be folders and the file must not be one.
fn check_target(out: &Path, relative: &str) -> Result<()> {
    let mut path = out.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (index, part) in parts.iter().enumerate() {
        path.push(part);
        let is_file = index + 1 == parts.len();
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) => bail!("{}: could not be read ({error})", path.display()),
        };
        if meta.file_type().is_symlink() {
            bail!(
                "{}: is a symbolic link, and the audit pack is never written through one; \
                 remove it or choose another folder",
                path.display()
            );
        }
        if is_file && meta.is_dir() {
            bail!(
                "{}: is a folder where the audit pack writes a file",
                path.display()
            );
        }
        if !is_file && !meta.is_dir() {
            bail!(
                "{}: is a file where the audit pack needs a folder",
                path.display()
            );
        }
    }
    Ok(())
}

/// The temporary name of `target` while it is written: hidden, in the same folder (so that
/// the rename stays on one file system), and particular to this process.
fn temporary_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Passes bytes on to the file and into the hash as they are written, so that the seal's
/// digest is of exactly the bytes on disk without reading them back.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hash.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `body` to a new temporary file, flushes it to disk, renames it over `target` and
/// flushes the folder, so that `target` is either the old file or the whole new one. Returns
/// the SHA-256 of what was written.
fn write_atomically(target: &Path, body: &Body<'_>) -> Result<Digest> {
    let (temporary, digest) = write_temporary(target, body)?;
    put_in_place(&temporary, target)?;
    Ok(digest)
}

/// Writes `body` beside `target` under a temporary name and flushes it to disk; returns that
/// name and the SHA-256 of the bytes. Nothing is at `target` until [`put_in_place`]; a
/// failure removes the temporary file.
pub fn write_temporary(target: &Path, body: &Body<'_>) -> Result<(PathBuf, Digest)> {
    let temporary = temporary_path(target);
    let result = (|| -> Result<Digest> {
        // Buffered before the hash, so that both see large blocks, not each small write.
        let mut writer = BufWriter::with_capacity(
            1 << 16,
            Hashing {
                inner: create_new(&temporary)?,
                hash: Sha256::new(),
            },
        );
        match body {
            Body::Bytes(bytes) => writer.write_all(bytes)?,
            Body::Streamed(write) => write(&mut writer)?,
        }
        let hashing = writer.into_inner().map_err(|error| error.into_error())?;
        let digest: Digest = hashing.hash.finalize().into();
        hashing.inner.sync_all()?;
        Ok(digest)
    })();
    match result {
        Ok(digest) => Ok((temporary, digest)),
        Err(error) => {
            let _ = fs::remove_file(&temporary);
            bail!("{}: could not be written ({error:#})", target.display());
        }
    }
}

/// Renames a file written by [`write_temporary`] over `target` and flushes the folder.
pub fn put_in_place(temporary: &Path, target: &Path) -> Result<()> {
    let result = (|| -> io::Result<()> {
        fs::rename(temporary, target)?;
        if let Some(folder) = target.parent() {
            File::open(folder)?.sync_all()?;
        }
        Ok(())
    })();
    if let Err(error) = result {
        let _ = fs::remove_file(temporary);
        bail!("{}: could not be written ({error})", target.display());
    }
    Ok(())
}

/// Checks the folder and the given target paths (the rules of [`write_bodies`]) and creates
/// the folder, before a file is written ahead of the others.
pub fn prepare(out: &Path, force: bool, paths: &[&str]) -> Result<()> {
    check_folder(out, force)?;
    for path in paths {
        check_target(out, path)?;
    }
    fs::create_dir_all(out)
        .with_context(|| format!("{}: could not create the folder", out.display()))
}

/// Creates the file, never opening one that exists (nor following a link): a leftover of an
/// earlier run that crashed is removed first.
fn create_new(path: &Path) -> io::Result<File> {
    let open = || OpenOptions::new().write(true).create_new(true).open(path);
    match open() {
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            open()
        }
        result => result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leftover_temporary_file_does_not_stop_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.csv");
        fs::write(temporary_path(&target), "half").unwrap();
        write_atomically(&target, &Body::Bytes(b"whole")).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"whole");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.csv"], "no temporary file is left");
    }

    #[test]
    fn a_folder_in_the_way_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("03-soa/b.md")).unwrap();
        let files = [
            ("03-soa/a.csv", b"a".to_vec()),
            ("03-soa/b.md", b"b".to_vec()),
        ];
        let error = write(dir.path(), true, &files).unwrap_err().to_string();
        assert!(
            error.ends_with("b.md: is a folder where the audit pack writes a file"),
            "{error}"
        );
        assert!(!dir.path().join("03-soa/a.csv").exists());
    }

    #[test]
    fn a_file_where_a_folder_goes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("03-soa"), "x").unwrap();
        let error = write(dir.path(), true, &[("03-soa/a.csv", Vec::new())])
            .unwrap_err()
            .to_string();
        assert!(
            error.ends_with("03-soa: is a file where the audit pack needs a folder"),
            "{error}"
        );
    }

    #[test]
    fn an_output_path_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::write(&out, "x").unwrap();
        let error = write::<&str>(&out, true, &[]).unwrap_err().to_string();
        assert!(error.ends_with("out: is not a folder"), "{error}");
    }
}
