//! The pack's anchor as the pack writes it, and reading a pack back for
//! `isms verify --against PACK`.
//!
//! The first line of `SHA256SUMS` names the change-log entry the pack was sealed at, as a
//! comment that `sha256sum -c` skips: `# isms change-log entry N sha256 H`, or
//! `# isms change-log entry 0 (the change log was empty)` for a workspace with no entry yet.
//! The README says the same in a sentence. The entry is the log's last as `workspace.json`
//! was read (see [`crate::store::Store::dump_each_anchored`]), so the two always agree.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use super::index;
use super::workspace_json;
use crate::store::Anchor;

const LINE_START: &str = "# isms change-log entry ";
const EMPTY_LINE: &str = "# isms change-log entry 0 (the change log was empty)";

/// The entry a pack is sealed at: the log's last, or none while the log is empty.
pub type Sealed = Option<Anchor>;

/// The first line of `SHA256SUMS`, with its newline.
pub fn seal_line(sealed: &Sealed) -> String {
    match sealed {
        Some(anchor) => format!("{LINE_START}{} sha256 {}\n", anchor.seq, anchor.hash),
        None => format!("{EMPTY_LINE}\n"),
    }
}

/// The README's sentence about the anchor.
pub fn readme_sentence(sealed: &Sealed) -> String {
    match sealed {
        Some(anchor) => format!(
            "Sealed at change-log entry {}, hash {}: `isms verify --against THIS_FOLDER` checks \
             the workspace still holds it, and that the records at that entry are the ones in \
             `workspace.json`. No hash covers this line or the first line of `SHA256SUMS`: \
             they prove something only as long as the copy you received is kept where the \
             workspace's owner cannot change it, so keep this folder as received.",
            anchor.seq, anchor.hash
        ),
        None => "Sealed with an empty change log (the workspace had no change yet): `isms verify \
                 --against THIS_FOLDER` checks the records in `workspace.json` are the ones a \
                 workspace held before its first change."
            .to_string(),
    }
}

/// Reads the anchor line; `None` when `line` is not one.
fn parse_line(line: &str) -> Option<Sealed> {
    if line == EMPTY_LINE {
        return Some(None);
    }
    let rest = line.strip_prefix(LINE_START)?;
    let (seq, hash) = rest.split_once(" sha256 ")?;
    let seq: i64 = seq.parse().ok().filter(|seq| *seq > 0)?;
    let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| {
        Some(Anchor {
            seq,
            hash: hash.to_string(),
        })
    })
}

/// A pack whose files all match its seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPack {
    pub sealed: Sealed,
    /// The export date the README gives, if it gives one.
    pub exported: Option<String>,
    /// Files the seal lists (all of them match).
    pub files: usize,
    /// The pack's `workspace.json`.
    pub workspace_json: PathBuf,
}

/// Reads the pack in `folder`: its seal's anchor line and every file the seal lists, each
/// against its SHA-256. `Ok(Err(sentence))` is a pack that does not hold: the sentence names
/// the first file (or line) at fault.
pub fn check_pack(folder: &Path) -> Result<Result<CheckedPack, String>> {
    let name = |relative: &str| folder.join(relative).display().to_string();
    let seal_path = folder.join(index::SEAL);
    let seal = match fs::read(&seal_path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Ok(Err(format!(
                "{}: no such file, so {} is not an audit pack (or its seal was removed)",
                seal_path.display(),
                folder.display()
            )))
        }
        Err(error) => {
            return Err(error)
                .with_context(|| format!("{}: could not be read", seal_path.display()))
        }
    };
    let Ok(seal) = String::from_utf8(seal) else {
        return Ok(Err(format!(
            "{}: is not text, so it is not the seal an export writes",
            seal_path.display()
        )));
    };
    let mut lines = seal.lines();
    let Some(sealed) = lines.next().and_then(parse_line) else {
        return Ok(Err(format!(
            "{}: names no change-log entry (its first line is not \"# isms change-log entry N \
             sha256 H\"), so the workspace cannot be checked against this pack; export the pack \
             again",
            seal_path.display()
        )));
    };
    let mut files = 0;
    let mut has_json = false;
    let mut listed_paths: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (number, line) in lines.enumerate() {
        if line.starts_with('#') {
            continue;
        }
        let listed = line
            .split_once("  ")
            .filter(|(hash, _)| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|(_, path)| !path.split('/').any(|part| matches!(part, "" | "." | "..")));
        let Some((hash, path)) = listed else {
            return Ok(Err(format!(
                "{}: line {} is not \"HASH  PATH\" with a path inside the pack",
                seal_path.display(),
                number + 2
            )));
        };
        // Hashed as it is read: workspace.json can be over 100 MB.
        let digest = match digest_of(&folder.join(path)) {
            Ok(digest) => digest,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Err(format!(
                    "{}: is listed in SHA256SUMS but missing from the pack",
                    name(path)
                )))
            }
            Err(error) => {
                return Err(error).with_context(|| format!("{}: could not be read", name(path)))
            }
        };
        if !digest.eq_ignore_ascii_case(hash) {
            return Ok(Err(format!(
                "{} does not match its SHA256SUMS line",
                name(path)
            )));
        }
        files += 1;
        has_json |= path == workspace_json::PATH;
        listed_paths.insert(path.to_string());
    }
    // A file the seal does not list was put there after the pack was sealed.
    if let Some(extra) = unlisted(folder, "", &listed_paths)? {
        return Ok(Err(format!(
            "{}: is in the pack but not in its SHA256SUMS, so it was added after the pack was \
             sealed",
            name(&extra)
        )));
    }
    if !has_json {
        return Ok(Err(format!(
            "{}: lists no {}, so the pack holds no records to compare",
            seal_path.display(),
            workspace_json::PATH
        )));
    }
    // The README is sealed too (when listed), so its date is the pack's own.
    let exported = fs::read_to_string(folder.join(index::README))
        .ok()
        .and_then(|readme| exported_on(&readme));
    Ok(Ok(CheckedPack {
        sealed,
        exported,
        files,
        workspace_json: folder.join(workspace_json::PATH),
    }))
}

/// The first entry under `folder/prefix` (in name order, not following links) that is neither
/// a folder nor a file `listed`, nor the seal itself; its path relative to `folder`.
fn unlisted(
    folder: &Path,
    prefix: &str,
    listed: &std::collections::HashSet<String>,
) -> Result<Option<String>> {
    let here = folder.join(prefix);
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(&here)
        .with_context(|| format!("{}: could not be read", here.display()))?
        .collect::<io::Result<_>>()
        .with_context(|| format!("{}: could not be read", here.display()))?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry
            .file_type()
            .with_context(|| format!("{}: could not be read", entry.path().display()))?;
        if kind.is_dir() {
            if let Some(found) = unlisted(folder, &relative, listed)? {
                return Ok(Some(found));
            }
        } else if relative != index::SEAL && !listed.contains(&relative) {
            return Ok(Some(relative));
        }
    }
    Ok(None)
}

/// The SHA-256 of the file at `path` in hex, read a buffer at a time.
fn digest_of(path: &Path) -> io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => hasher.update(&buffer[..read]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// The date of the README's "Exported on DATE by ISMS Workbench." line.
fn exported_on(readme: &str) -> Option<String> {
    readme.lines().find_map(|line| {
        let rest = line.strip_prefix("Exported on ")?;
        let (date, _) = rest.split_once(" by ISMS Workbench")?;
        Some(date.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anchor_line_reads_back() {
        let anchor = Anchor {
            seq: 42,
            hash: "ab".repeat(32),
        };
        let line = seal_line(&Some(anchor.clone()));
        assert_eq!(
            line,
            format!("# isms change-log entry 42 sha256 {}\n", "ab".repeat(32))
        );
        assert_eq!(parse_line(line.trim_end()), Some(Some(anchor)));
        assert_eq!(parse_line(seal_line(&None).trim_end()), Some(None));
        for bad in [
            "# isms change-log entry x sha256 00",
            "# isms change-log entry 0 sha256 abab",
            "# isms change-log entry 3 sha256 abc",
            "ab  README.md",
            "",
        ] {
            assert_eq!(parse_line(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_export_date_is_read_from_the_readme() {
        let readme = "# ISMS audit pack\n\nExported on 2026-11-28 by ISMS Workbench. x\n";
        assert_eq!(exported_on(readme).as_deref(), Some("2026-11-28"));
        assert_eq!(exported_on("# nothing\n"), None);
    }
}
