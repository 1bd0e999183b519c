//! The command line: parsing and dispatch only. Each command is a few calls into the layers
//! below.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::demo::write_demo_on;
use crate::demo_large::{write_large_on, LARGE};
use crate::export;
use crate::import;
use crate::progress_bar::TerminalProgress;
use crate::store::{OpenMode, Store};
use crate::ui::safe_text::{printable, printable_json};
use crate::ui::snapshot::render_to_string;
use crate::ui::{run, App, Tab, Theme, ThemeName};

#[derive(Parser, Debug)]
#[command(
    name = "isms",
    version,
    about = "ISMS Workbench: take an ISO/IEC 27001:2022 ISMS from scoping to certification, in the terminal.",
    after_help = "Without a command, opens the workbench on the workspace file."
)]
pub struct Cli {
    /// The workspace file [default: workbench.sqlite3 in the platform data directory]
    #[arg(long, global = true, env = "ISMS_DB", value_name = "FILE")]
    db: Option<PathBuf>,

    /// Colour theme; NO_COLOR in the environment turns colour off whatever the theme
    #[arg(long, global = true, value_enum, default_value_t = ThemeArg::Dark)]
    theme: ThemeArg,

    /// Open a fully populated demo workspace (kept in the data directory, never your own);
    /// takes the place of --db and $ISMS_DB
    #[arg(long, global = true)]
    demo: bool,

    /// Start in presentation mode (for screen sharing): high contrast, roomier rows,
    /// confidential fields hidden; p toggles it in the workbench
    #[arg(long, global = true)]
    presentation: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum ThemeArg {
    Dark,
    Light,
    HighContrast,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum ImportKind {
    Assets,
    Risks,
    /// An audit pack's workspace.json, into a new workspace file
    Workspace,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum DemoSize {
    Small,
    Large,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create an empty workspace
    Init {
        /// The organisation's name
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
    },
    /// Write the demo organisation into a new workspace file (--db FILE) and exit
    Demo {
        /// small: the fictional SaaS company; large: the benchmark workspace (10,000 risks,
        /// 5,000 assets, 2,000 documents, 50 audits; see BENCHMARKS.md)
        #[arg(long, value_enum, default_value_t = DemoSize::Small)]
        size: DemoSize,
    },
    /// Import assets or risks from a spreadsheet's CSV export, or a whole workspace from an
    /// audit pack's workspace.json into a new file; all or nothing, and every error names its
    /// row and column. Creates the workspace if it does not exist yet.
    Import {
        /// What the file holds
        #[arg(value_enum)]
        kind: ImportKind,
        /// The CSV file (UTF-8, comma or semicolon; see the README for the columns), or the
        /// workspace.json
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Check everything and report what would be imported; change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the audit pack into a folder: every file an auditor asks for, listed below, with
    /// an index (README.md) and a seal (SHA256SUMS)
    #[command(after_long_help = crate::export::files_help())]
    Export {
        /// The folder to write; created if missing, refused if not empty unless --force, or if
        /// it is a symbolic link
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace an earlier audit pack in the folder: the files its SHA256SUMS lists are
        /// removed; a folder holding anything else is refused
        #[arg(long)]
        force: bool,
        /// Make the SoA files (03-soa/ and the SoA in report.html) from this approved version,
        /// its content as frozen at approval, instead of today's SoA; the rest of the pack is
        /// the workspace as it is today, and the pack's README says so
        #[arg(long, value_name = "LABEL")]
        soa_version: Option<String>,
    },
    /// Readiness findings, like a linter: rule, severity, clause, record, message; exit 1 when
    /// a blocker is found
    Check {
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Where the ISMS stands: Stage 1 and Stage 2 readiness in percent, counts per area and the
    /// next milestones with their dates
    Status,
    /// Check the workspace file: SQLite's integrity check, the schema against this version's, the
    /// change log's hash chain and head, and that replaying the log gives every record (exit 1 on damage)
    #[command(
        long_about = "Check the workspace file: SQLite's integrity check, the schema against \
                      this version's, the change log's hash chain and head, and that replaying the log gives every record in the file (exit 1 \
                      on damage).\n\nWith --against PACK_DIR, also check the workspace against an \
                      audit pack exported from it: every file of the pack against its SHA256SUMS \
                      line; the workspace's change log still holding the entry the pack was \
                      sealed at (named on the first line of the pack's SHA256SUMS and in its \
                      README) with the same hash; and the pack's workspace.json holding exactly \
                      the records that replaying the log up to that entry gives. A log cut or \
                      rewritten after the pack was made (even one whose hashes were all \
                      recomputed, which verifies on its own) is found this way by whoever keeps \
                      a copy of the pack. Nothing is written to the workspace or the pack."
    )]
    Verify {
        /// An audit pack folder (isms export --out) to hold the workspace to
        #[arg(long, value_name = "PACK_DIR")]
        against: Option<PathBuf>,
    },
    /// Copy the workspace to a new file, consistently even while the workbench has it open
    Backup {
        /// The new file to write (an existing file is never replaced)
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Print a tab's screen as plain text, without a terminal
    Snapshot {
        /// The tab, by name or number: overview, scope, risks, soa, evidence, audit, review
        #[arg(long, value_name = "NAME")]
        tab: String,
        #[arg(long, default_value_t = 80, value_name = "W", value_parser = clap::value_parser!(u16).range(1..=1000))]
        width: u16,
        #[arg(long, default_value_t = 24, value_name = "H", value_parser = clap::value_parser!(u16).range(1..=1000))]
        height: u16,
    },
}

/// Who the change log names: `$ISMS_ACTOR`, else the login name (see [`crate::login`]).
fn actor() -> String {
    crate::login::actor()
}

fn theme(arg: ThemeArg) -> Theme {
    let name = match arg {
        ThemeArg::Dark => ThemeName::Dark,
        ThemeArg::Light => ThemeName::Light,
        ThemeArg::HighContrast => ThemeName::HighContrast,
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Theme::new(name, no_color)
}

/// The platform data directory (created, private, if missing).
fn data_dir() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "isms-workbench")
        .context("could not find a home directory for the workspace; pass --db FILE")?;
    let dir = dirs.data_dir().to_path_buf();
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("{}: could not create the data directory", dir.display()))?;
    Ok(dir)
}

fn workspace_path(db: Option<PathBuf>) -> Result<PathBuf> {
    match db {
        Some(path) => Ok(path),
        None => Ok(data_dir()?.join("workbench.sqlite3")),
    }
}

fn open(path: &Path, mode: OpenMode, actor: &str) -> Result<Store> {
    Ok(Store::open_as(path, mode, actor)?)
}

/// Writes the demo into `path`, which must not exist; a failure leaves no file behind.
fn create_demo(path: &Path, size: DemoSize, today: NaiveDate) -> Result<()> {
    if path.exists() {
        bail!(
            "{}: already exists; the demo is written only into a new file.",
            path.display()
        );
    }
    let written = match size {
        DemoSize::Small => {
            Store::create_complete(path, "demo", true, |store| write_demo_on(store, today))
        }
        DemoSize::Large => Store::create_complete(path, "demo", true, |store| {
            write_large_on(store, &LARGE, today, &TerminalProgress::new("demo"))
        }),
    };
    written.with_context(|| format!("{}: could not write the demo", path.display()))
}

pub fn main() -> ExitCode {
    install_panic_note();
    let cli = Cli::parse();
    // Debug builds only: lets a test prove that a command's panic prints one sentence.
    #[cfg(debug_assertions)]
    if std::env::var_os("ISMS_TEST_PANIC").is_some_and(|v| v == "command") {
        panic!("test panic requested by ISMS_TEST_PANIC");
    }
    match dispatch(cli) {
        Ok(code) => code,
        // A reader that stops early (`isms check | head`) is not an error worth a message.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            tell(format!("isms: {}", one_sentence(&error)));
            ExitCode::from(2)
        }
    }
}

/// A command that panics prints one sentence, never Rust's message or a backtrace: the
/// message can quote record text. The workbench installs its own note, which also restores
/// the terminal.
fn install_panic_note() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        tell(format!(
            "isms: the command stopped because of an internal error{location}; every change \
             saved before it is complete, and nothing of the change under way was kept."
        ));
    }));
}

/// Writes one line to standard output, returning the error instead of panicking as
/// `println!` does when the reader has gone away. Every control and bidirectional character
/// is written as its escape ([`printable`]): the line can quote the file's text.
fn say(text: impl std::fmt::Display) -> Result<()> {
    let text = text.to_string();
    writeln!(io::stdout().lock(), "{}", printable(&text))
        .context("could not write to standard output")
}

/// Writes one line to standard error, every control and bidirectional character as its
/// escape like [`say`]: every message of every command goes through one of the two. A
/// standard error that cannot be written to is no reason to stop.
fn tell(text: impl std::fmt::Display) {
    let text = text.to_string();
    let _ = writeln!(io::stderr().lock(), "{}", printable(&text));
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line, the way a user reads them.
fn one_sentence(error: &anyhow::Error) -> String {
    let text = format!("{error:#}");
    if text.ends_with('.') {
        text
    } else {
        format!("{text}.")
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let theme = theme(cli.theme);
    // Read once, before anything is opened: a bad ISMS_TODAY stops every command the same way.
    let today = crate::today::today()?;
    match cli.command {
        Some(Command::Init { org }) => {
            let path = workspace_path(cli.db)?;
            if path.exists() {
                bail!(
                    "{}: already exists; open it with `isms --db {}`.",
                    path.display(),
                    path.display()
                );
            }
            open(&path, OpenMode::Create { organisation: org }, &actor())?;
            say(format!("Created the workspace {}.", path.display()))?;
        }
        Some(Command::Demo { size }) => {
            let Some(path) = cli.db else {
                bail!("`isms demo` needs the file to write: isms demo --db FILE");
            };
            create_demo(&path, size, today)?;
            say(match size {
                DemoSize::Small => format!("Wrote the demo organisation to {}.", path.display()),
                DemoSize::Large => {
                    format!("Wrote the large benchmark workspace to {}.", path.display())
                }
            })?;
        }
        Some(Command::Import {
            kind,
            file,
            dry_run,
        }) => {
            let kind = match kind {
                ImportKind::Assets => import::Kind::Assets,
                ImportKind::Risks => import::Kind::Risks,
                ImportKind::Workspace => {
                    let path = workspace_path(cli.db)?;
                    let bar = TerminalProgress::new("import");
                    let outcome =
                        import::workspace::run_with_progress(&file, &path, dry_run, &actor(), &bar);
                    // The bars are left as lines before anything else is printed.
                    bar.finish();
                    say(outcome?.summary(&file, &path))?;
                    return Ok(ExitCode::SUCCESS);
                }
            };
            let path = workspace_path(cli.db)?;
            let actor = actor();
            let outcome = import::run(kind, &file, &path, dry_run, |path, mode| {
                open(path, mode, &actor)
            })?;
            if let import::Outcome::Refused { errors } = &outcome {
                for line in import::error_lines(&file.display().to_string(), errors) {
                    tell(line);
                }
                tell(format!("isms: {}", outcome.summary(&path)));
                return Ok(ExitCode::from(2));
            }
            say(outcome.summary(&path))?;
        }
        Some(Command::Export {
            out,
            force,
            soa_version,
        }) => {
            let path = if cli.demo {
                demo_path(today)?
            } else {
                workspace_path(cli.db)?
            };
            let store = open(&path, OpenMode::ReadOnly, &actor())?;
            let bar = TerminalProgress::new("export");
            let written = export::export_soa_version(
                &store,
                &out,
                force,
                today,
                soa_version.as_deref(),
                &bar,
            );
            // The bars are left as lines before anything else is printed.
            bar.finish();
            // A damaged value is named by record and column (see `Store::explain`).
            let written = written.map_err(|error| store.explain(error))?;
            for file in &written {
                say(file)?;
            }
            say(format!(
                "Wrote {} files of the audit pack from {} to {}.",
                written.len(),
                path.display(),
                out.display()
            ))?;
        }
        Some(Command::Check { format }) => {
            let path = if cli.demo {
                demo_path(today)?
            } else {
                workspace_path(cli.db)?
            };
            let store = open(&path, OpenMode::ReadOnly, &actor())?;
            let findings = store.check(today).map_err(|error| store.explain(error))?;
            let blockers = crate::domain::check::blockers(&findings).count();
            match format {
                // serde_json writes it, so it is JSON whatever the text holds; the characters
                // that could drive the terminal are JSON escapes, which `say` leaves alone.
                CheckFormat::Json => say(printable_json(&findings)?)?,
                CheckFormat::Text => {
                    for f in &findings {
                        let record = if f.record.is_empty() { "-" } else { &f.record };
                        say(format!(
                            "{:<7} {:<6} {:<11} {:<30} {}",
                            f.severity.label(),
                            f.clause,
                            record,
                            f.rule,
                            f.message
                        ))?;
                    }
                    let warnings = findings.len() - blockers;
                    say(format!(
                        "{blockers} {}, {warnings} {}.",
                        if blockers == 1 { "blocker" } else { "blockers" },
                        if warnings == 1 { "warning" } else { "warnings" }
                    ))?;
                }
            }
            if blockers > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Some(Command::Status) => {
            let path = if cli.demo {
                demo_path(today)?
            } else {
                workspace_path(cli.db)?
            };
            let store = open(&path, OpenMode::ReadOnly, &actor())?;
            let text = store
                .status_text(today)
                .map_err(|error| store.explain(error))?;
            say(text.trim_end())?;
        }
        Some(Command::Verify { against }) => {
            let path = if cli.demo {
                demo_path(today)?
            } else {
                workspace_path(cli.db)?
            };
            if let Some(pack) = against {
                return verify_against(&path, &pack);
            }
            let verdict = crate::store::verify_file(&path)?;
            if !verdict.is_sound() {
                tell(format!("isms: {}", verdict.sentence(&path)));
                return Ok(ExitCode::from(1));
            }
            say(verdict.sentence(&path))?;
        }
        Some(Command::Backup { to }) => {
            let path = if cli.demo {
                demo_path(today)?
            } else {
                workspace_path(cli.db)?
            };
            let summary = crate::store::backup_file(&path, &to)?;
            if !summary.verdict.is_sound() {
                tell(format!(
                    "isms: wrote {}, but the copy does not verify: {}",
                    to.display(),
                    summary.verdict.sentence(&to)
                ));
                return Ok(ExitCode::from(1));
            }
            let head = match &summary.head {
                Some(head) => format!(
                    "copied up to change-log entry {} (hash {}…)",
                    head.seq,
                    head.hash.get(..16).unwrap_or(&head.hash)
                ),
                None => "copied with an empty change log".to_string(),
            };
            say(format!(
                "Backed up {} to {} ({} KB), {head}; the copy verifies.",
                path.display(),
                to.display(),
                summary.bytes.div_ceil(1024)
            ))?;
        }
        Some(Command::Snapshot { tab, width, height }) => {
            let Some(tab) = Tab::parse(&tab) else {
                bail!("--tab {tab:?}: no such tab; use overview, scope, risks, soa, evidence, audit or review");
            };
            let path = if cli.demo {
                demo_path(today)?
            } else {
                workspace_path(cli.db)?
            };
            let store = open(&path, OpenMode::ReadOnly, &actor())?;
            let mut app = App::open_on(store, theme, tab, today)?;
            app.set_presenting(cli.presentation);
            write!(
                io::stdout().lock(),
                "{}",
                render_to_string(&mut app, width.max(1), height.max(1))
            )
            .context("could not write to standard output")?;
            // The process ends here: freeing tens of thousands of records one by one would
            // only delay the exit. The store is closed all the same, so that SQLite removes
            // the -wal and -shm files it made beside the workspace.
            drop(app.into_store());
        }
        None => {
            if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
                bail!(
                    "the workbench needs a terminal; for plain text use `isms snapshot --tab NAME`"
                );
            }
            let path = if cli.demo {
                demo_path(today)?
            } else {
                workspace_path(cli.db)?
            };
            let store = open(&path, OpenMode::Create { organisation: None }, &actor())?;
            let mut app = App::new(store, theme, today)?;
            app.set_presenting(cli.presentation);
            run::run(app)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `isms verify --against PACK`: the pack's files against its seal, the workspace as plain
/// `isms verify` checks it, then the workspace's log against the entry the pack was sealed
/// at and the pack's records against the log replayed to it. Exit 1 on the first problem,
/// named in one sentence.
fn verify_against(path: &Path, pack: &Path) -> Result<ExitCode> {
    let damaged = |sentence: String| {
        let end = if sentence.ends_with('.') { "" } else { "." };
        tell(format!("isms: {sentence}{end}"));
        Ok(ExitCode::from(1))
    };
    let checked = match export::anchor::check_pack(pack)? {
        Ok(checked) => checked,
        Err(sentence) => return damaged(sentence),
    };
    let verdict = crate::store::verify_file(path)?;
    if !verdict.is_sound() {
        return damaged(verdict.sentence(path));
    }
    let anchor = checked.sealed.as_ref();
    let problem = import::workspace::with_restored(&checked.workspace_json, |restored| {
        Ok(crate::store::check_anchor(path, anchor, restored)?)
    });
    // A workspace.json the import refuses (its records disagree with its own log, say) is a
    // pack that does not hold; a failure to read or write is an error like any other.
    let problem = match problem {
        Err(error) if error.downcast_ref::<crate::store::DumpError>().is_some() => {
            return damaged(format!(
                "the pack's workspace.json cannot be restored: {}",
                one_sentence(&error)
            ))
        }
        other => other?,
    };
    if let Some(problem) = problem {
        return damaged(format!("{}: {problem}", path.display()));
    }
    let entry = match anchor {
        Some(anchor) => format!("holds change-log entry {}", anchor.seq),
        None => "holds the records of the empty change log".to_string(),
    };
    let on = checked
        .exported
        .map(|date| format!(" on {date}"))
        .unwrap_or_default();
    say(format!(
        "{}: OK, the workspace verifies and {entry} as sealed in {}{on} ({} files match its \
         SHA256SUMS), and the pack's records are the records at that entry.",
        path.display(),
        pack.display(),
        checked.files
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The demo workspace in the data directory, written on first use.
fn demo_path(today: NaiveDate) -> Result<PathBuf> {
    let path = data_dir()?.join("demo.sqlite3");
    if !path.exists() {
        create_demo(&path, DemoSize::Small, today)?;
    }
    Ok(path)
}
