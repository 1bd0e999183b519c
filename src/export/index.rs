//! The pack's own files: `README.md`, the index a reader opens first (who, when, how ready,
//! what is where), and `SHA256SUMS`, the seal over every other file.

use std::fmt::Write as _;

use super::markdown::{escape, heading, plural};
use super::PackData;
use crate::domain::dates;
use crate::domain::soa::SoaEdition;

pub const README: &str = "README.md";
pub const SEAL: &str = "SHA256SUMS";

/// The index: organisation, export date, the SoA version, the readiness verdict with every
/// open blocker, and each file with what it holds. `listing` is each file's path and what it
/// holds, in the order written.
pub fn readme(data: &PackData, listing: &[(String, &str)]) -> Vec<u8> {
    readme_sealed(data, listing, None)
}

/// [`readme`] naming the change-log entry the pack is sealed at (see [`super::anchor`]).
pub fn readme_sealed(
    data: &PackData,
    listing: &[(String, &str)],
    sealed: Option<&super::anchor::Sealed>,
) -> Vec<u8> {
    let mut out = String::new();
    heading(&mut out, "ISMS audit pack", &data.workspace.organisation);
    let isms = data.workspace.isms_name.trim();
    if !isms.is_empty() {
        let _ = writeln!(out, "ISMS: {}.\n", escape(isms));
    }
    let _ = writeln!(
        out,
        "Exported on {} by ISMS Workbench. `SHA256SUMS` seals every file of the pack: check it \
         with `sha256sum -c SHA256SUMS` in this folder.\n",
        dates::format_optional(Some(data.today))
    );
    if let Some(sealed) = sealed {
        let _ = writeln!(out, "{}\n", super::anchor::readme_sentence(sealed));
    }
    let edition = &data.soa_table.edition;
    let marks = if edition.changes().is_empty() {
        ""
    } else {
        " (each SoA file marks them)"
    };
    match edition {
        SoaEdition::Current { .. } => {
            let _ = writeln!(
                out,
                "Statement of Applicability (`03-soa/`): today's SoA, not an approved version: \
                 {}{marks}.\n",
                escape(&edition.changed_since())
            );
        }
        SoaEdition::Frozen { version, .. } => {
            let _ = writeln!(
                out,
                "Statement of Applicability (`03-soa/` and its part of `report.html`): approved \
                 version {}, its content as frozen at approval; on {}, {}{marks}. Every other \
                 file holds the workspace as it is on {}.\n",
                escape(version.label.trim()),
                dates::format_optional(Some(data.today)),
                escape(&edition.changed_since()),
                dates::format_optional(Some(data.today))
            );
        }
    }

    out.push_str(
        "## Readiness\n\nA stage is as ready as its weakest criterion; a count of 0 of 0 is 0%.\n\n",
    );
    for stage in [&data.readiness.stage1, &data.readiness.stage2] {
        let _ = writeln!(out, "{}\n", escape(&stage.headline()));
        for criterion in &stage.criteria {
            let mark = if criterion.is_met() { "met" } else { "not met" };
            let _ = writeln!(
                out,
                "- {}: {}, {mark}",
                criterion.label,
                escape(&criterion.figure())
            );
        }
        out.push('\n');
    }
    let (blockers, warnings) = data.blockers_and_warnings();
    if blockers.is_empty() {
        let _ = writeln!(
            out,
            "No blockers were open on the export date ({}, see `isms check`).\n",
            plural(warnings, "warning", "warnings")
        );
    } else {
        let _ = writeln!(
            out,
            "**DRAFT: {} open on the export date** ({} besides). This pack is not ready for \
             certification until they are resolved.\n",
            plural(blockers.len(), "blocker", "blockers"),
            plural(warnings, "warning", "warnings")
        );
        out.push_str("| Clause | Record | Blocker |\n|---|---|---|\n");
        for finding in &blockers {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                finding.clause,
                escape(&finding.record),
                escape(&finding.message)
            );
        }
        out.push('\n');
    }

    out.push_str("## Certification milestones\n\n| Milestone | Planned | Done | State |\n|---|---|---|---|\n");
    for row in &data.timeline {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            row.kind.label(),
            row.planned_text(),
            row.done_text(),
            row.state.label()
        );
    }
    out.push('\n');

    out.push_str("## What is where\n\n| File | What it holds |\n|---|---|\n");
    for (path, about) in listing {
        let _ = writeln!(out, "| `{path}` | {} |", escape(about));
    }
    out.into_bytes()
}

/// `SHA256SUMS` in the format `sha256sum -c` reads: the hash, two spaces, the path.
pub fn seal(files: &[(&str, [u8; 32])]) -> Vec<u8> {
    seal_lines(String::new(), files)
}

/// [`seal`] after a first line naming the change-log entry the pack is sealed at, a comment
/// that `sha256sum -c` skips (see [`super::anchor`]).
pub fn seal_sealed(sealed: &super::anchor::Sealed, files: &[(&str, [u8; 32])]) -> Vec<u8> {
    seal_lines(super::anchor::seal_line(sealed), files)
}

fn seal_lines(mut out: String, files: &[(&str, [u8; 32])]) -> Vec<u8> {
    for (path, digest) in files {
        for byte in digest {
            let _ = write!(out, "{byte:02x}");
        }
        let _ = writeln!(out, "  {path}");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn the_seal_lists_each_file_in_sha256sum_format() {
        let files = vec![
            ("README.md", Sha256::digest(b"abc").into()),
            ("03-soa/empty.csv", Sha256::digest(b"").into()),
        ];
        let text = String::from_utf8(seal(&files)).unwrap();
        assert_eq!(
            text,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  README.md\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  03-soa/empty.csv\n"
        );
    }
}
