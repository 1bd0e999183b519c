//! The audit pack (`isms export --out DIR`): the workspace written out as files an auditor can
//! open without the workbench.
//!
//! The workspace is read once into [`PackData`]; each entry of [`FILES`] is one writer function
//! from that data to a file's bytes, or, for a file per record (a report per audit), to the
//! paths and bytes of those files; [`pack`] owns the rules of the output folder (empty unless
//! forced and then only over an earlier pack, no symbolic links, private files, the new pack
//! written in a staging folder and moved into place when whole). Nothing is written until every
//! file has been made.
//!
//! - [`cells`]: cell text that is safe to open in a spreadsheet (formula injection).
//! - [`soa`]: the Statement of Applicability as one table of rows, built once.
//! - [`nonconformities`]: the nonconformity register as one table of rows.
//! - [`documents`]: the register of documented information as one table of rows.
//! - [`csv`], [`xlsx`], [`markdown`]: the formats.
//! - [`audit`]: what the internal audit documents say about an audit (scope, dates, file name);
//!   [`audit_programme`] and [`audit_report`]: those documents.
//! - [`minutes`]: the minutes of each management review.
//! - [`html`]: `report.html`, the pack in one self-contained page.
//! - [`index`]: the pack's `README.md` (readiness, what is where) and its `SHA256SUMS` seal.
//! - [`scope`]: the scope document with its context.
//! - [`risk_register`]: the risk register as one table, for CSV and XLSX.
//! - [`treatment_plan`]: the risk treatment plan.
//! - [`risk`]: the heat map picture, the asset register and the risk method.
//! - [`workspace_json`]: `workspace.json`, every table and row, importable again.
//! - [`pack`]: the output folder.

pub mod anchor;
pub mod audit;
pub mod audit_programme;
pub mod audit_report;
pub mod cells;
pub mod csv;
pub mod documents;
pub mod html;
pub mod index;
pub mod markdown;
pub mod minutes;
pub mod nonconformities;
pub mod pack;
pub mod risk;
pub mod risk_register;
pub mod scope;
pub mod soa;
pub mod treatment_plan;
pub mod workspace_json;
pub mod xlsx;

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use crate::domain::certification::TimelineRow;
use crate::domain::check::CheckFinding;
use crate::domain::dates::Date;
use crate::domain::soa::SoaEdition;
use crate::domain::workspace::Workspace;
use crate::progress::{Progress, Silent};
use crate::store::{
    AuditData, DocumentData, OpenMode, Readiness, ReviewData, RiskData, ScopeData, SoaData, Store,
};

/// One column of a table written to CSV and XLSX: its header, and how the spreadsheet shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub header: &'static str,
    /// The width in Excel's character units.
    pub width: f64,
    /// Long text: wrapped in the spreadsheet.
    pub wrap: bool,
}

impl Column {
    pub const fn new(header: &'static str, width: f64, wrap: bool) -> Column {
        Column {
            header,
            width,
            wrap,
        }
    }
}

impl PackData {
    /// "Title — Organisation", or the title alone while the organisation has no name.
    pub fn title(&self, title: &str) -> String {
        let organisation = self.workspace.organisation.trim();
        if organisation.is_empty() {
            title.to_string()
        } else {
            format!("{title} — {organisation}")
        }
    }
}

/// Everything the audit pack is made from, read from the workspace once.
#[derive(Debug, Clone)]
pub struct PackData {
    pub workspace: Workspace,
    /// Context issues, interested parties and scope items.
    pub scope: ScopeData,
    /// The risk method, assets and risks (for the heat map).
    pub risks: RiskData,
    pub soa: SoaData,
    /// The SoA as rows, shared by its CSV, XLSX and Markdown files.
    pub soa_table: soa::SoaTable,
    /// The register of documented information.
    pub documents: DocumentData,
    /// The required documents and what fulfils each on the export date.
    pub required: Vec<crate::domain::document::Expected>,
    /// The audit programme, checklists and nonconformities.
    pub audits: AuditData,
    /// Management reviews, their actions, objectives.
    pub reviews: ReviewData,
    /// The readiness findings on the export date, for the pack's README.
    pub findings: Vec<CheckFinding>,
    /// Stage 1 and Stage 2 readiness on the export date.
    pub readiness: Readiness,
    /// The certification milestones as they stand on the export date.
    pub timeline: Vec<TimelineRow>,
    /// The date the pack is exported on; every file that shows a date uses this one.
    pub today: Date,
}

impl PackData {
    /// The open blockers, and how many warnings besides, on the export date.
    pub fn blockers_and_warnings(&self) -> (Vec<&CheckFinding>, usize) {
        let blockers: Vec<&CheckFinding> = crate::domain::check::blockers(&self.findings).collect();
        let warnings = self.findings.len() - blockers.len();
        (blockers, warnings)
    }

    pub fn load(store: &Store, today: Date) -> Result<PackData> {
        PackData::load_with_progress(store, today, &Silent)
    }

    /// True when the SoA files hold an approved version's frozen content, not today's SoA.
    pub fn soa_is_frozen(&self) -> bool {
        matches!(self.soa_table.edition, SoaEdition::Frozen { .. })
    }

    /// How many parts [`PackData::load_with_progress`] reads, one step each.
    const PARTS: u64 = 10;

    /// [`PackData::load`], reporting a stage of [`PackData::PARTS`] steps, one per part read:
    /// on a large workspace the reading (the dump above all) takes a noticeable time.
    pub fn load_with_progress(
        store: &Store,
        today: Date,
        progress: &dyn Progress,
    ) -> Result<PackData> {
        PackData::load_soa_version(store, today, None, progress)
    }

    /// [`PackData::load_with_progress`] with the SoA files made from the approved version
    /// labelled `soa_version` (its frozen content) instead of today's SoA; an unknown label is
    /// an error naming the labels there are.
    pub fn load_soa_version(
        store: &Store,
        today: Date,
        soa_version: Option<&str>,
        progress: &dyn Progress,
    ) -> Result<PackData> {
        // A label that does not exist stops the export before the long reads.
        let soa = store.load_soa()?;
        let soa_table = match soa_version {
            None => soa::SoaTable::build_edition(&soa, store.current_soa_edition(&soa)?, None),
            Some(label) => {
                let (edition, rows) = store.frozen_soa_edition(&soa, label)?;
                soa::SoaTable::build_edition(&soa, edition, Some(&rows))
            }
        };
        progress.stage("workspace parts read", PackData::PARTS);
        let step = || progress.advance(1);
        // The rules first: they read the whole workspace once more, and that copy is let go
        // before the pack's own data is read, so that the two are never in memory together.
        let (findings, readiness) = store.check_with_readiness(today)?;
        step();
        let workspace = store.workspace()?;
        step();
        let scope = store.load_scope()?;
        step();
        let risks = store.load_risks()?;
        step();
        step();
        step();
        let documents = store.load_documents()?;
        let required = store.required_documents(today)?;
        step();
        let audits = store.load_audits()?;
        step();
        let reviews = store.load_reviews()?;
        step();
        let timeline = store.timeline(today)?;
        step();
        Ok(PackData {
            workspace,
            scope,
            risks,
            soa,
            soa_table,
            documents,
            required,
            audits,
            reviews,
            findings,
            readiness,
            timeline,
            today,
        })
    }
}

/// An entry of the audit pack: where its files go in the folder and the function that makes
/// them.
pub struct PackFile {
    /// The path inside the pack, with `/` between folders. For [`Make::Each`] it is the
    /// pattern the paths follow, the record's part in angle brackets
    /// (`05-internal-audit/<IA-ref>-report.md`), for messages and documentation.
    pub path: &'static str,
    /// What its files hold, in a line, for the pack's README.
    pub about: &'static str,
    pub write: Make,
}

/// Files made in memory: each one's path inside the pack and its bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// How an entry's files are made.
pub enum Make {
    /// One file, always written, at the entry's path.
    One(fn(&PackData) -> Result<Vec<u8>>),
    /// A file per record (none when there is no record): each file's path and bytes, in the
    /// order they are written and listed.
    Each(fn(&PackData) -> Result<Files>),
    /// Written straight from the store while the pack is written (`workspace.json`).
    Streamed,
}

/// The pack's files as made in memory, in order: each path with its bytes, or `None` for the
/// file streamed from the store as it is written.
pub type Made = Vec<(String, Option<Vec<u8>>)>;

/// The files written today, in the order they are written and listed.
pub const FILES: &[PackFile] = &[
    PackFile {
        path: scope::SCOPE,
        about: "The ISMS scope (4.3): the statement, what is inside the boundaries, each exclusion with its reason, and the issues and interested parties it rests on.",
        write: Make::One(scope::file),
    },
    PackFile {
        path: risk::METHOD,
        about: "The risk assessment method (6.1.2): the likelihood and impact scales, the risk levels and the acceptance criterion.",
        write: Make::One(risk::method_file),
    },
    PackFile {
        path: risk::ASSETS,
        about: "The asset register, one row per asset, for a spreadsheet.",
        write: Make::One(risk::assets_file),
    },
    PackFile {
        path: risk_register::CSV,
        about: "The risk register: every risk with its scores, level, treatment, residual risk and acceptance, for a spreadsheet.",
        write: Make::One(risk_register::csv_file),
    },
    PackFile {
        path: risk_register::XLSX,
        about: "The same risk register as an Excel workbook.",
        write: Make::One(risk_register::xlsx_file),
    },
    PackFile {
        path: treatment_plan::PLAN,
        about: "The risk treatment plan (6.1.3 e): each treatment with its plan, controls, owner, due date and residual risk, and the risks still waiting for a decision.",
        write: Make::One(treatment_plan::file),
    },
    PackFile {
        path: risk::HEATMAP,
        about: "The heat map of inherent risk as a picture.",
        write: Make::One(risk::heatmap_file),
    },
    PackFile {
        path: "03-soa/statement-of-applicability.csv",
        about: "The Statement of Applicability: the 93 Annex A controls, one row each, for a spreadsheet.",
        write: Make::One(csv::soa),
    },
    PackFile {
        path: "03-soa/statement-of-applicability.xlsx",
        about: "The same Statement of Applicability as an Excel workbook.",
        write: Make::One(xlsx::soa),
    },
    PackFile {
        path: "03-soa/statement-of-applicability.md",
        about: "The Statement of Applicability as a document, by theme, with every exclusion justified.",
        write: Make::One(markdown::soa_file),
    },
    PackFile {
        path: documents::REGISTER,
        about: "The register of documented information and evidence (7.5): version, owner, approval, next review, location and links, for a spreadsheet.",
        write: Make::One(documents::csv_file),
    },
    PackFile {
        path: documents::REQUIRED,
        about: "The required documented information and what fulfils each: the workbench's own records (with the pack file that holds them) or approved documents, with its state on the export date.",
        write: Make::One(documents::required_csv),
    },
    PackFile {
        path: audit::PROGRAMME,
        about: "The internal audit programme (9.2.2): audits, scopes, independence and coverage of the cycle.",
        write: Make::One(audit_programme::file),
    },
    PackFile {
        path: audit::NONCONFORMITIES,
        about: "The nonconformity register (10.2) with corrective actions and effectiveness checks.",
        write: Make::One(csv::nonconformities),
    },
    PackFile {
        path: audit::REPORTS,
        about: "An internal audit report (9.2).",
        write: Make::Each(audit_report::files),
    },
    PackFile {
        path: minutes::MINUTES,
        about: "The minutes of a management review (9.3).",
        write: Make::Each(minutes::files),
    },
    PackFile {
        path: html::REPORT,
        about: "The auditor's one-file view, printable to PDF from a browser: readiness, milestones, the scope statement and boundaries, every risk with its scores, treatment and acceptance, the treatment plan, the SoA, each audit with its findings, the nonconformities, each review with its decisions and actions, and the objectives.",
        write: Make::One(html::report),
    },
    PackFile {
        path: workspace_json::PATH,
        about: "The whole workspace in JSON, every record and the change log included, to import again (isms import workspace): a workspace made from it exports this same file.",
        write: Make::Streamed,
    },
];

/// What `isms export --help` says the pack holds: every file it writes, from [`FILES`] and
/// the index and seal written after them.
pub fn files_help() -> String {
    let mut help = String::from("The audit pack, file by file:\n");
    let entries = FILES
        .iter()
        .map(|file| (file.path, file.about))
        .chain([
            (
                index::README,
                "The index: organisation, export date, the change-log entry the pack was sealed at, approved SoA version, readiness (DRAFT with every blocker while any is open) and every file with what it holds.",
            ),
            (
                index::SEAL,
                "The seal, written last: a first line naming the change-log entry the pack was sealed at (# isms change-log entry N sha256 H; isms verify --against DIR holds the workspace to it), then the SHA-256 of every other file (check it with sha256sum -c SHA256SUMS).",
            ),
        ]);
    for (path, about) in entries {
        help.push_str(&format!("\n  {path}\n      {about}\n"));
    }
    help.push_str(
        "\nA folder that is not empty is refused unless --force, and --force replaces only an \
         earlier audit pack (the files its SHA256SUMS lists); nothing is ever written through a \
         symbolic link. The files are private to you (0600, folders 0700).",
    );
    help
}

/// Makes every file of the pack in memory, in the order of [`FILES`], then the README that
/// indexes them and, last, the seal over all of them; two files with the same path are
/// refused. The seal is written last, so an interrupted export leaves no seal that lies.
pub fn render(data: &PackData) -> Result<Made> {
    render_with_progress(data, &Silent)
}

pub fn render_with_progress(data: &PackData, progress: &dyn Progress) -> Result<Made> {
    render_sealed(data, progress, || Ok(None))
}

/// [`render_with_progress`] with the README naming the change-log entry the pack is sealed
/// at, which `sealed` gives when the README is made, after every other file.
fn render_sealed(
    data: &PackData,
    progress: &dyn Progress,
    sealed: impl FnOnce() -> Result<Option<anchor::Sealed>>,
) -> Result<Made> {
    progress.stage("pack entries made", FILES.len() as u64 + 1);
    let mut files = Made::new();
    let mut listing: Vec<(String, &str)> = Vec::new();
    for file in FILES {
        let context = || format!("could not make {}", file.path);
        let made: Made = match file.write {
            Make::One(write) => vec![(
                file.path.to_string(),
                Some(write(data).with_context(context)?),
            )],
            Make::Each(write) => write(data)
                .with_context(context)?
                .into_iter()
                .map(|(path, bytes)| (path, Some(bytes)))
                .collect(),
            Make::Streamed => vec![(file.path.to_string(), None)],
        };
        listing.extend(made.iter().map(|(path, _)| (path.clone(), file.about)));
        files.extend(made);
        progress.advance(1);
    }
    let sealed = sealed()?;
    files.push((
        index::README.to_string(),
        Some(index::readme_sealed(data, &listing, sealed.as_ref())),
    ));
    progress.advance(1);
    let mut paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    paths.push(index::SEAL);
    check_paths(&paths)?;
    Ok(files)
}

/// Every path stays inside the pack (no empty, `.` or `..` part) and no two are the same.
fn check_paths(paths: &[&str]) -> Result<()> {
    let mut paths = paths.to_vec();
    if let Some(path) = paths
        .iter()
        .find(|path| path.split('/').any(|part| matches!(part, "" | "." | "..")))
    {
        bail!("{path:?} is not a path inside the audit pack");
    }
    paths.sort_unstable();
    if let Some(pair) = paths.windows(2).find(|pair| pair[0] == pair[1]) {
        bail!(
            "two files of the audit pack would both be written to {}",
            pair[0]
        );
    }
    Ok(())
}

/// Exports the workspace's audit pack into `out` (see [`pack`] for the folder rules);
/// returns the paths written, relative to `out`.
pub fn export(store: &Store, out: &Path, force: bool, today: Date) -> Result<Vec<String>> {
    export_with_progress(store, out, force, today, &Silent)
}

/// [`export_with_progress`] with the SoA files (and report.html's SoA) made from the approved
/// version labelled `soa_version`, its content frozen at approval; every other file is the
/// workspace as it is on `today`, and the pack's README says so.
pub fn export_soa_version(
    store: &Store,
    out: &Path,
    force: bool,
    today: Date,
    soa_version: Option<&str>,
    progress: &dyn Progress,
) -> Result<Vec<String>> {
    export_pack(store, out, force, today, soa_version, progress)
}

/// [`export`], reporting its three stages to `progress`: the workspace read, the pack's
/// entries made in memory, its files written. The command line passes a bar; everything else
/// calls [`export`], which reports nowhere.
pub fn export_with_progress(
    store: &Store,
    out: &Path,
    force: bool,
    today: Date,
    progress: &dyn Progress,
) -> Result<Vec<String>> {
    export_pack(store, out, force, today, None, progress)
}

fn export_pack(
    store: &Store,
    out: &Path,
    force: bool,
    today: Date,
    soa_version: Option<&str>,
    progress: &dyn Progress,
) -> Result<Vec<String>> {
    // The SoA version is checked before the folder: an unknown label writes nothing.
    if let Some(label) = soa_version {
        store.frozen_soa_edition(&store.load_soa()?, label)?;
    }
    // Every check of the folder before the long work; from here on the pack is written into
    // a staging folder that a failure removes (see [`pack`]).
    let staging = pack::Staging::prepare(out, force)?;
    // On a large workspace, workspace.json is half the work: it is streamed from a second
    // connection on another thread while this thread reads the records and makes the other
    // files.
    // The entry the pack is sealed at is read in workspace.json's own read transaction and
    // handed over as soon as it is read, so that the README and the seal name the entry
    // whose records workspace.json holds.
    let path = store.path().to_path_buf();
    let (sender, receiver) = std::sync::mpsc::channel::<anchor::Sealed>();
    let (files, json_digest, sealed_at) =
        std::thread::scope(|scope| -> Result<(Made, pack::Digest, anchor::Sealed)> {
            let staging = &staging;
            // A pack is never sealed over damage: the records are compared with the log
            // replayed, on a third connection beside the other two (see the end of the scope).
            let checking = {
                let path = path.clone();
                scope.spawn(move || Store::open(&path, OpenMode::ReadOnly)?.records_against_log())
            };
            let streaming = scope.spawn(move || -> Result<(pack::Digest, anchor::Sealed)> {
                let reader = Store::open(&path, OpenMode::ReadOnly)?;
                let sealed: std::cell::RefCell<Option<anchor::Sealed>> = Default::default();
                let write = |out: &mut dyn std::io::Write| {
                    workspace_json::write_anchored_from(&reader, out, &mut |head| {
                        *sealed.borrow_mut() = Some(head.clone());
                        // The other side may have stopped already; its error is reported.
                        let _ = sender.send(head);
                        Ok(())
                    })
                };
                let digest =
                    staging.write_file(workspace_json::PATH, &pack::Body::Streamed(&write))?;
                let sealed = sealed
                    .into_inner()
                    .ok_or_else(|| anyhow!("workspace.json was written without its anchor"))?;
                Ok((digest, sealed))
            });
            let made =
                PackData::load_soa_version(store, today, soa_version, progress).and_then(|data| {
                    render_sealed(&data, progress, || {
                        receiver
                            .recv()
                            .map(Some)
                            .map_err(|_| anyhow::Error::new(WriterStopped))
                    })
                });
            let streamed = streaming
                .join()
                .unwrap_or_else(|_| Err(anyhow!("the writer of workspace.json stopped")));
            let checked = checking
                .join()
                .unwrap_or_else(|_| Err(anyhow!("the check of the records stopped")));
            match (made, streamed) {
                (Ok(made), Ok((digest, sealed))) => {
                    let (checked_at, damage) = checked?;
                    if let Some(sentence) = damage {
                        return Err(anyhow!("{sentence}"));
                    }
                    // Another process saved between the two reads: what was checked is not
                    // what was dumped.
                    if checked_at != sealed {
                        bail!(
                            "{}: changed while the pack was being made (another window saved); \
                             no pack was written, export again",
                            store.path().display()
                        );
                    }
                    Ok((made, digest, sealed))
                }
                // The writer's own error says more than the README's wait for it.
                (Err(made), Err(streamed)) if made.is::<WriterStopped>() => Err(streamed),
                (Err(made), _) => Err(made),
                (Ok(_), Err(streamed)) => Err(streamed),
            }
        })?;
    // Each file is flushed to disk as it is written, which is where a slow disk shows.
    progress.stage("files written", files.len() as u64 + 1);
    let mut sealed: Vec<(&str, pack::Digest)> = Vec::with_capacity(files.len());
    for (path, bytes) in &files {
        let digest = match bytes {
            Some(bytes) => staging.write_file(path, &pack::Body::Bytes(bytes))?,
            None => json_digest,
        };
        sealed.push((path.as_str(), digest));
        progress.advance(1);
    }
    // The seal over the bytes as written, in the order the files are listed; it is put in
    // place last, so an interrupted export leaves no seal that lies.
    staging.write_file(
        index::SEAL,
        &pack::Body::Bytes(&index::seal_sealed(&sealed_at, &sealed)),
    )?;
    staging.finish()?;
    progress.advance(1);
    let mut written: Vec<String> = files.into_iter().map(|(path, _)| path).collect();
    written.push(index::SEAL.to_string());
    Ok(written)
}

/// The README waited for the anchor from the writer of `workspace.json`, which stopped
/// before it read one: the writer's own error is the one to report.
#[derive(Debug)]
struct WriterStopped;

impl std::fmt::Display for WriterStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the writer of workspace.json stopped")
    }
}

impl std::error::Error for WriterStopped {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_pack_and_are_not_repeated() {
        assert!(check_paths(&(["03-soa/a.csv", "05-internal-audit/IA-1-report.md"])).is_ok());
        for bad in [
            "../a.md",
            "05-internal-audit/../../a.md",
            "/a.md",
            "a//b.md",
            "./a.md",
        ] {
            let error = check_paths(&([bad])).unwrap_err().to_string();
            assert!(
                error.ends_with("is not a path inside the audit pack"),
                "{bad}: {error}"
            );
        }
        let error = check_paths(&(["a/x.md", "b.md", "a/x.md"]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "two files of the audit pack would both be written to a/x.md"
        );
    }
}
