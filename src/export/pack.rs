//! The output folder of the audit pack and its rules:
//!
//! - `--out` must not be a symbolic link (to a folder or anything else): refused;
//! - a missing folder is created (0700), with its parents;
//! - a folder that is not empty is refused unless forced; forced, it may hold only an earlier
//!   pack: the files its `SHA256SUMS` lists, `SHA256SUMS` itself and the folders holding them.
//!   Anything else (or a folder with no `SHA256SUMS`) is refused, naming the first such entry,
//!   and those files, and the pack's folders once empty, are all that is removed;
//! - nothing is ever written through a symbolic link: a link anywhere in the folder is refused;
//! - every check is made before the first file is written, so a refusal writes nothing;
//! - the new pack is written into a hidden staging folder inside the output folder
//!   (`.isms-export-partial-*`), every file 0600 and every folder 0700 whatever the umask, each
//!   file flushed to disk; only when all of it is there is the earlier pack removed and the new
//!   one moved into place (`SHA256SUMS` last), then the staging folder removed. A failure
//!   removes the staging folder (and the output folder when this export made it); a kill
//!   leaves at most staging folders, which the next export into the folder removes (their
//!   `SHA256SUMS` counts as the earlier pack's, so a kill while the files are moved into place
//!   leaves nothing the next `--force` refuses).

use std::collections::BTreeSet;
use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{bail, Context, Result};
use sha2::{Digest as _, Sha256};

use super::index;

/// What one file of the pack holds: bytes made in memory, or bytes a function writes as the
/// file is written (`workspace.json`, too large to hold in memory for a large workspace).
pub enum Body<'a> {
    Bytes(&'a [u8]),
    Streamed(&'a dyn Fn(&mut dyn Write) -> Result<()>),
}

/// The SHA-256 of a file's bytes as written.
pub type Digest = [u8; 32];

/// The mode of every file of the pack: it holds the whole workspace.
pub const FILE_MODE: u32 = 0o600;
/// The mode of every folder of the pack.
pub const FOLDER_MODE: u32 = 0o700;
/// The name of a staging folder inside the output folder starts with this.
pub const STAGING_PREFIX: &str = ".isms-export-partial-";

/// Writes `files` as a pack into `out`, with the seal over them (the rules above).
pub fn write<P: AsRef<str>>(out: &Path, force: bool, files: &[(P, Vec<u8>)]) -> Result<()> {
    let staging = Staging::prepare(out, force)?;
    let mut sealed = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let digest = staging.write_file(path.as_ref(), &Body::Bytes(bytes))?;
        sealed.push((path.as_ref(), digest));
    }
    staging.write_file(index::SEAL, &Body::Bytes(&index::seal(&sealed)))?;
    staging.finish()
}

/// A pack being written: the output folder checked, the staging folder made. Dropped before
/// [`Staging::finish`], it removes what it wrote.
pub struct Staging {
    out: PathBuf,
    /// The staging folder inside `out`.
    folder: PathBuf,
    /// `out` was made by this export (removed again when it fails).
    made_out: bool,
    /// The earlier pack's files, to remove (relative to `out`), `SHA256SUMS` not included.
    earlier_files: Vec<PathBuf>,
    /// The earlier pack's folders, deepest first.
    earlier_folders: Vec<PathBuf>,
    /// `out/SHA256SUMS` is there to remove.
    earlier_seal: bool,
    /// Staging folders of exports that were killed, to remove.
    leftovers: Vec<PathBuf>,
    /// Set once the earlier pack is being replaced: from then on a failure leaves the staging
    /// folder, whose seal lets the next `--force` finish the job.
    committed: AtomicBool,
}

impl Staging {
    /// Checks `out` (the rules above), makes it if missing and makes the staging folder.
    pub fn prepare(out: &Path, force: bool) -> Result<Staging> {
        // "DIR/" and "DIR/." name DIR itself, not what it points to.
        let out: PathBuf = out.components().collect();
        let out = if out.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            out
        };
        let found = match fs::symlink_metadata(&out) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(error) => bail!("{}: could not be read ({error})", out.display()),
            Ok(meta) => Some(meta),
        };
        let mut staging = Staging {
            out: out.clone(),
            folder: PathBuf::new(),
            made_out: false,
            earlier_files: Vec::new(),
            earlier_folders: Vec::new(),
            earlier_seal: false,
            leftovers: Vec::new(),
            committed: AtomicBool::new(false),
        };
        match found {
            Some(meta) if meta.file_type().is_symlink() => bail!(
                "{}: is a symbolic link, and the audit pack is never written through one; \
                 give the folder itself or a new folder",
                out.display()
            ),
            Some(meta) if !meta.is_dir() => bail!("{}: is not a folder", out.display()),
            Some(_) => staging.check_existing(force)?,
            None => {
                if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                    fs::create_dir_all(parent).with_context(|| {
                        format!("{}: could not create the folder", parent.display())
                    })?;
                }
                make_folder(&out)?;
                staging.made_out = true;
            }
        }
        staging.folder = make_staging_folder(&out).inspect_err(|_| {
            if staging.made_out {
                let _ = fs::remove_dir(&out);
            }
        })?;
        Ok(staging)
    }

    /// The checks of a folder that exists: empty but for staging folders of killed exports,
    /// or, forced, an earlier pack and nothing else.
    fn check_existing(&mut self, force: bool) -> Result<()> {
        let out = self.out.clone();
        let mut listed = BTreeSet::new();
        let mut other = Vec::new();
        for entry in sorted_entries(&out)? {
            let path = out.join(&entry);
            let meta = link_checked(&path)?;
            let name = entry.to_string_lossy();
            if name.starts_with(STAGING_PREFIX) && meta.is_dir() {
                read_seal(&path.join(index::SEAL), &mut listed)?;
                self.leftovers.push(path);
            } else {
                other.push((entry, meta));
            }
        }
        if other.is_empty() {
            return Ok(());
        }
        if !force {
            bail!(
                "{}: the folder is not empty; choose a new or empty folder, or pass --force \
                 to replace the audit pack written there before",
                out.display()
            );
        }
        let seal = out.join(index::SEAL);
        let sealed = other
            .iter()
            .any(|(name, meta)| name == index::SEAL && meta.is_file());
        // A kill while the files were moved into place leaves them with the seal still in the
        // staging folder: that seal counts.
        if !sealed && listed.is_empty() {
            bail!(
                "{}: the folder is not empty and holds no SHA256SUMS, so it is not an audit \
                 pack that --force may replace; choose a new or empty folder",
                out.display()
            );
        }
        read_seal(&seal, &mut listed)?;
        self.earlier_seal = sealed;
        let folders: BTreeSet<PathBuf> = listed
            .iter()
            .flat_map(|path| path.ancestors().skip(1))
            .filter(|path| !path.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .collect();
        let mut pending: Vec<PathBuf> = other
            .into_iter()
            .map(|(name, _)| PathBuf::from(name))
            .filter(|name| name != Path::new(index::SEAL))
            .collect();
        pending.reverse();
        // Depth first, in name order, so that the first unexpected entry is the one named.
        while let Some(relative) = pending.pop() {
            let path = out.join(&relative);
            let meta = link_checked(&path)?;
            if meta.is_dir() && folders.contains(&relative) {
                let mut inner: Vec<PathBuf> = sorted_entries(&path)?
                    .into_iter()
                    .map(|name| relative.join(name))
                    .collect();
                inner.reverse();
                pending.extend(inner);
                self.earlier_folders.push(relative);
            } else if meta.is_file() && listed.contains(&relative) {
                self.earlier_files.push(relative);
            } else {
                bail!(
                    "{}: is not a file of the audit pack written there before (its SHA256SUMS \
                     does not list it), and --force replaces only that pack; move it out of \
                     the folder or choose another folder",
                    path.display()
                );
            }
        }
        self.earlier_folders
            .sort_by_key(|path| std::cmp::Reverse(path.components().count()));
        Ok(())
    }

    /// Writes `body` to `relative` in the staging folder, the folders on the way made 0700 and
    /// the file 0600, and flushes it to disk; returns the SHA-256 of the bytes. A failure
    /// removes the file.
    pub fn write_file(&self, relative: &str, body: &Body<'_>) -> Result<Digest> {
        let parts: Vec<&str> = relative.split('/').collect();
        if parts.iter().any(|part| matches!(*part, "" | "." | "..")) {
            bail!("{relative:?} is not a path inside the audit pack");
        }
        let mut folder = self.folder.clone();
        for part in &parts[..parts.len() - 1] {
            folder.push(part);
            match fs::symlink_metadata(&folder) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => bail!("{}: is not a folder", folder.display()),
                Err(error) if error.kind() == io::ErrorKind::NotFound => make_folder(&folder)?,
                Err(error) => bail!("{}: could not be read ({error})", folder.display()),
            }
        }
        let target = folder.join(parts[parts.len() - 1]);
        let shown = self.out.join(relative);
        let result = (|| -> Result<Digest> {
            // Buffered before the hash, so that both see large blocks, not each small write.
            let mut writer = BufWriter::with_capacity(
                1 << 16,
                Hashing {
                    inner: create_new(&target)?,
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
        result.map_err(|error| {
            let _ = fs::remove_file(&target);
            anyhow::anyhow!("{}: could not be written ({error:#})", shown.display())
        })
    }

    /// Puts the new pack in place: the earlier pack's files removed, then its folders once
    /// empty, then its seal; the new pack's entries moved in, `SHA256SUMS` last; the staging
    /// folders removed.
    pub fn finish(self) -> Result<()> {
        self.finish_steps(usize::MAX)
    }

    /// [`Staging::finish`], stopping (as a kill would) after `steps` changes to the folder.
    fn finish_steps(self, steps: usize) -> Result<()> {
        let mut budget = steps;
        let mut step = || {
            if budget == 0 {
                return false;
            }
            budget -= 1;
            true
        };
        sync_folders(&self.folder)?;
        self.committed.store(true, Ordering::SeqCst);
        let out = &self.out;
        let fail = |path: &Path, error: io::Error| {
            anyhow::anyhow!(
                "{}: could not be replaced ({error}); the new audit pack is complete in {}, \
                 and export --force finishes the job",
                path.display(),
                self.folder.display()
            )
        };
        for relative in &self.earlier_files {
            if !step() {
                return Ok(());
            }
            let path = out.join(relative);
            fs::remove_file(&path).map_err(|error| fail(&path, error))?;
        }
        for relative in &self.earlier_folders {
            if !step() {
                return Ok(());
            }
            let path = out.join(relative);
            fs::remove_dir(&path).map_err(|error| fail(&path, error))?;
        }
        if self.earlier_seal {
            if !step() {
                return Ok(());
            }
            let path = out.join(index::SEAL);
            fs::remove_file(&path).map_err(|error| fail(&path, error))?;
        }
        let mut entries = sorted_entries(&self.folder)?;
        // The seal last: until it is in place, the staging folder's seal lists what was moved.
        entries.sort_by_key(|name| name == index::SEAL);
        for name in entries {
            if !step() {
                return Ok(());
            }
            let path = out.join(&name);
            fs::rename(self.folder.join(&name), &path).map_err(|error| fail(&path, error))?;
        }
        sync(out).map_err(|error| fail(out, error))?;
        for leftover in self.leftovers.iter().chain([&self.folder]) {
            if !step() {
                return Ok(());
            }
            fs::remove_dir_all(leftover).map_err(|error| fail(leftover, error))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// An export that failed before the earlier pack was touched leaves nothing behind.
    fn drop(&mut self) {
        if self.committed.load(Ordering::SeqCst) || self.folder.as_os_str().is_empty() {
            return;
        }
        let _ = fs::remove_dir_all(&self.folder);
        if self.made_out {
            let _ = fs::remove_dir(&self.out);
        }
    }
}

/// The entries of a folder, by name.
fn sorted_entries(folder: &Path) -> Result<Vec<std::ffi::OsString>> {
    let mut names = fs::read_dir(folder)
        .and_then(|entries| {
            entries
                .map(|entry| entry.map(|entry| entry.file_name()))
                .collect::<io::Result<Vec<_>>>()
        })
        .with_context(|| format!("{}: could not be read", folder.display()))?;
    names.sort();
    Ok(names)
}

/// The entry's metadata, refusing a symbolic link.
fn link_checked(path: &Path) -> Result<fs::Metadata> {
    let meta = fs::symlink_metadata(path)
        .with_context(|| format!("{}: could not be read", path.display()))?;
    if meta.file_type().is_symlink() {
        bail!(
            "{}: is a symbolic link, and the audit pack is never written through one; \
             remove it or choose another folder",
            path.display()
        );
    }
    Ok(meta)
}

/// Adds the paths a seal lists to `listed`: each line `HASH  PATH` (or `HASH *PATH`) whose
/// path stays inside the pack; other lines (comments, anything else) list nothing. A missing
/// seal lists nothing; a seal that is a link is refused.
fn read_seal(seal: &Path, listed: &mut BTreeSet<PathBuf>) -> Result<()> {
    match fs::symlink_metadata(seal) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        _ => {}
    }
    let meta = link_checked(seal)?;
    if !meta.is_file() {
        return Ok(());
    }
    let bytes = fs::read(seal).with_context(|| format!("{}: could not be read", seal.display()))?;
    for line in String::from_utf8_lossy(&bytes).lines() {
        let Some((hash, rest)) = line.split_once(' ') else {
            continue;
        };
        let Some(path) = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('*')) else {
            continue;
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        if path.split('/').any(|part| matches!(part, "" | "." | "..")) {
            continue;
        }
        listed.insert(PathBuf::from(path));
    }
    Ok(())
}

/// Makes one folder, 0700 whatever the umask.
fn make_folder(path: &Path) -> Result<()> {
    DirBuilder::new()
        .mode(FOLDER_MODE)
        .create(path)
        .and_then(|()| fs::set_permissions(path, Permissions::from_mode(FOLDER_MODE)))
        .with_context(|| format!("{}: could not create the folder", path.display()))
}

/// Makes a new staging folder in `out`, named after this process; a name taken (by a killed
/// export of a process that had the same id) gets a number.
fn make_staging_folder(out: &Path) -> Result<PathBuf> {
    let id = std::process::id();
    for number in 0..1000 {
        let path = out.join(format!("{STAGING_PREFIX}{id}-{number}"));
        match DirBuilder::new().mode(FOLDER_MODE).create(&path) {
            Ok(()) => {
                fs::set_permissions(&path, Permissions::from_mode(FOLDER_MODE))
                    .with_context(|| format!("{}: could not create the folder", path.display()))?;
                return Ok(path);
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("{}: could not create the folder", path.display()))
            }
        }
    }
    bail!("{}: could not create a staging folder in it", out.display())
}

/// Flushes a folder's entries to disk.
fn sync(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}

/// Flushes the staging folder and every folder in it.
fn sync_folders(folder: &Path) -> Result<()> {
    for name in sorted_entries(folder)? {
        let path = folder.join(name);
        if fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_dir()) {
            sync_folders(&path)?;
        }
    }
    sync(folder).with_context(|| format!("{}: could not be written", folder.display()))
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

/// Creates the file 0600 whatever the umask, never opening one that exists (nor following a
/// link).
fn create_new(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// Every entry under `dir`, relative, sorted (folders with a trailing `/`).
    fn entries(dir: &Path) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                if path.is_dir() {
                    found.push(format!("{relative}/"));
                    walk(root, &path, found);
                } else {
                    found.push(relative);
                }
            }
        }
        let mut found = Vec::new();
        walk(dir, dir, &mut found);
        found.sort();
        found
    }

    fn files(paths: &[&str], text: &str) -> Vec<(String, Vec<u8>)> {
        paths
            .iter()
            .map(|path| (path.to_string(), text.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn a_folder_in_the_way_inside_an_earlier_pack_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write(&out, false, &files(&["03-soa/a.csv"], "a")).unwrap();
        fs::create_dir_all(out.join("03-soa/b.md")).unwrap();
        let error = write(&out, true, &files(&["03-soa/a.csv", "03-soa/b.md"], "b"))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!(
                "{}: is not a file of the audit pack",
                out.join("03-soa/b.md").display()
            )),
            "{error}"
        );
        assert_eq!(
            fs::read(out.join("03-soa/a.csv")).unwrap(),
            b"a",
            "nothing replaced"
        );
        assert_eq!(
            entries(&out),
            ["03-soa/", "03-soa/a.csv", "03-soa/b.md/", "SHA256SUMS"]
        );
    }

    #[test]
    fn an_output_path_that_is_a_file_or_a_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::write(&out, "x").unwrap();
        let error = write::<&str>(&out, true, &[]).unwrap_err().to_string();
        assert!(error.ends_with("out: is not a folder"), "{error}");

        let target = dir.path().join("target");
        fs::create_dir(&target).unwrap();
        for (link, points_to) in [
            ("to-folder", &target),
            ("to-file", &out),
            ("dangling", &dir.path().join("nowhere")),
        ] {
            let link = dir.path().join(link);
            symlink(points_to, &link).unwrap();
            for given in [link.clone(), link.join(""), link.join(".")] {
                let error = write(&given, true, &files(&["a.md"], "a"))
                    .unwrap_err()
                    .to_string();
                assert!(
                    error.starts_with(&format!("{}: is a symbolic link", link.display())),
                    "{given:?}: {error}"
                );
            }
        }
        assert!(
            entries(&target).is_empty(),
            "nothing written through the link"
        );
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn files_are_0600_and_folders_0700() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/out");
        write(&out, false, &files(&["03-soa/a.csv", "b.md"], "a")).unwrap();
        let mode = |path: &str| fs::metadata(out.join(path)).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(""), 0o700);
        assert_eq!(mode("03-soa"), 0o700);
        assert_eq!(mode("03-soa/a.csv"), 0o600);
        assert_eq!(mode("b.md"), 0o600);
        assert_eq!(mode("SHA256SUMS"), 0o600);
    }

    #[test]
    fn force_removes_only_the_earlier_pack_and_refuses_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write(
            &out,
            false,
            &files(&["old/gone.md", "03-soa/a.csv", "b.md"], "1"),
        )
        .unwrap();
        write(&out, true, &files(&["03-soa/a.csv", "b.md"], "2")).unwrap();
        assert_eq!(
            entries(&out),
            ["03-soa/", "03-soa/a.csv", "SHA256SUMS", "b.md"]
        );
        assert_eq!(fs::read(out.join("b.md")).unwrap(), b"2");

        // A file the pack did not write is named, and nothing is removed or written.
        fs::write(out.join("03-soa/notes.txt"), "mine").unwrap();
        let error = write(&out, true, &files(&["b.md"], "3"))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!(
                "{}: is not a file of the audit pack",
                out.join("03-soa/notes.txt").display()
            )),
            "{error}"
        );
        assert_eq!(fs::read(out.join("b.md")).unwrap(), b"2");
        assert_eq!(
            entries(&out),
            [
                "03-soa/",
                "03-soa/a.csv",
                "03-soa/notes.txt",
                "SHA256SUMS",
                "b.md"
            ]
        );
        fs::remove_file(out.join("03-soa/notes.txt")).unwrap();

        // A seal that lists paths outside the folder removes nothing outside it.
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "keep").unwrap();
        let mut seal = fs::read_to_string(out.join("SHA256SUMS")).unwrap();
        seal.push_str(&format!(
            "{}  ../outside.txt\n{}  {}\n",
            "0".repeat(64),
            "0".repeat(64),
            outside.display()
        ));
        fs::write(out.join("SHA256SUMS"), seal).unwrap();
        write(&out, true, &files(&["b.md"], "4")).unwrap();
        assert_eq!(fs::read_to_string(&outside).unwrap(), "keep");
        assert_eq!(entries(&out), ["SHA256SUMS", "b.md"]);

        // No seal: not a pack, refused even forced.
        let other = dir.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("b.md"), "mine").unwrap();
        let error = write(&other, true, &files(&["b.md"], "5"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("the folder is not empty and holds no SHA256SUMS"),
            "{error}"
        );
        assert_eq!(fs::read(other.join("b.md")).unwrap(), b"mine");
    }

    #[test]
    fn a_link_planted_in_an_earlier_pack_is_refused_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let target = dir.path().join("target");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("a.csv"), "theirs").unwrap();
        write(&out, false, &files(&["03-soa/a.csv", "b.md"], "1")).unwrap();
        for planted in ["03-soa", "b.md", "SHA256SUMS"] {
            let backup = dir.path().join("backup");
            fs::rename(out.join(planted), &backup).unwrap();
            symlink(&target, out.join(planted)).unwrap();
            let error = write(&out, true, &files(&["03-soa/a.csv", "b.md"], "2"))
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with(&format!(
                    "{}: is a symbolic link",
                    out.join(planted).display()
                )),
                "{planted}: {error}"
            );
            assert_eq!(fs::read(target.join("a.csv")).unwrap(), b"theirs");
            fs::remove_file(out.join(planted)).unwrap();
            fs::rename(&backup, out.join(planted)).unwrap();
        }
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let failing = |_: &mut dyn Write| -> Result<()> { bail!("the disk is full") };
        // Into a new folder: the folder goes too.
        let out = dir.path().join("out");
        let staging = Staging::prepare(&out, false).unwrap();
        staging
            .write_file("03-soa/a.csv", &Body::Bytes(b"a"))
            .unwrap();
        let error = staging
            .write_file("big.json", &Body::Streamed(&failing))
            .unwrap_err();
        assert!(
            format!("{error:#}").contains("big.json: could not be written (the disk is full)"),
            "{error:#}"
        );
        drop(staging);
        assert!(!out.exists());
        // Over an earlier pack: that pack is left as it was.
        write(&out, false, &files(&["b.md"], "1")).unwrap();
        let before = entries(&out);
        let staging = Staging::prepare(&out, true).unwrap();
        staging.write_file("b.md", &Body::Bytes(b"2")).unwrap();
        assert!(staging
            .write_file("c.json", &Body::Streamed(&failing))
            .is_err());
        drop(staging);
        assert_eq!(entries(&out), before);
        assert_eq!(fs::read(out.join("b.md")).unwrap(), b"1");
    }

    /// A kill at any point of an export (simulated: the staging dropped without cleaning up,
    /// or its finish stopped after each step) leaves nothing the next export trips over, and
    /// the next export leaves no staging folder behind.
    #[test]
    fn a_kill_at_any_step_leaves_nothing_the_next_export_trips_over() {
        let dir = tempfile::tempdir().unwrap();
        let new = ["01/x.md", "02/y.md", "z.md"];
        for steps in 0.. {
            let out = dir.path().join(format!("out{steps}"));
            write(
                &out,
                false,
                &files(&["01/x.md", "old/gone.md", "z.md"], "old"),
            )
            .unwrap();
            let staging = Staging::prepare(&out, true).unwrap();
            let mut sealed = Vec::new();
            for (path, bytes) in files(&new, "new") {
                let digest = staging.write_file(&path, &Body::Bytes(&bytes)).unwrap();
                sealed.push((path, digest));
            }
            let sealed: Vec<(&str, Digest)> =
                sealed.iter().map(|(p, d)| (p.as_str(), *d)).collect();
            staging
                .write_file(index::SEAL, &Body::Bytes(&index::seal(&sealed)))
                .unwrap();
            // Once committed, dropping the staging cleans nothing up, as a kill would.
            staging.finish_steps(steps).unwrap();
            let finished = !entries(&out).iter().any(|e| e.starts_with(STAGING_PREFIX));
            // The next export, forced, succeeds and leaves exactly its pack.
            write(&out, true, &files(&["01/x.md", "w.md"], "next")).unwrap();
            assert_eq!(
                entries(&out),
                ["01/", "01/x.md", "SHA256SUMS", "w.md"],
                "killed after {steps} steps"
            );
            if finished {
                assert!(steps > 5, "every step was tried");
                break;
            }
        }
    }

    #[test]
    fn a_staging_folder_left_by_a_kill_is_not_content_and_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let staging = Staging::prepare(&out, false).unwrap();
        staging.write_file("a.md", &Body::Bytes(b"half")).unwrap();
        std::mem::forget(staging);
        assert_eq!(entries(&out).len(), 2, "{:?}", entries(&out));
        write(&out, false, &files(&["a.md"], "whole")).unwrap();
        assert_eq!(entries(&out), ["SHA256SUMS", "a.md"]);
    }
}
