//! The workbench on the large benchmark workspace (`isms demo --size large`: 10,000 risks,
//! 5,000 assets, 2,000 documents, 50 audits, 40 reviews, over 200,000 change-log entries):
//! the first frame of each tab, from a library call and from process start; a keystroke to
//! the next frame; a durable single-field save; compiling a review's inputs; the readiness
//! rules; the audit pack export; and `isms verify`.
//!
//! Run with `cargo bench --bench large` (add a name to run only the benchmarks that contain
//! it, e.g. `cargo bench --bench large -- first_frame`). Divan prints the fastest, slowest,
//! median and mean of each; nothing is asserted about the times, which depend on the machine.
//!
//! The workspace is written once per run, into a temporary folder, which takes seconds. Set
//! `ISMS_BENCH_DB` to a workspace file to use it instead, so that several runs share one
//! generated file (write it with `isms demo --size large --db FILE`). The benchmarks that
//! write (the save, compiling a review) work on a private copy, so the file is left as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use chrono::NaiveDate;
use divan::Bencher;
use isms::demo_large::{write_large_on, LARGE};
use isms::domain::review::{Review, ReviewStatus};
use isms::domain::risk::Risk;
use isms::progress::Silent;
use isms::store::{OpenMode, Store};
use isms::ui::snapshot::render_to_string;
use isms::ui::{App, Tab, Theme, ThemeName};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

/// The allocator the `isms` binary uses, so that in-process figures are the workbench's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The terminal size every frame is drawn at.
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

/// Every tab, by the name `isms snapshot --tab` takes.
const TABS: [&str; 7] = [
    "overview", "scope", "risks", "soa", "evidence", "audit", "review",
];

/// The workspace the benchmarks read: a generated one in a temporary folder (removed when
/// the run ends), or the file named by `ISMS_BENCH_DB`.
struct Workspace {
    path: PathBuf,
    generated: Option<TempDir>,
}

static WORKSPACE: OnceLock<Workspace> = OnceLock::new();

fn workspace() -> &'static Path {
    &WORKSPACE
        .get_or_init(|| match std::env::var_os("ISMS_BENCH_DB") {
            Some(path) => {
                let path = PathBuf::from(path);
                assert!(
                    path.is_file(),
                    "ISMS_BENCH_DB={}: no such workspace file",
                    path.display()
                );
                Workspace {
                    path,
                    generated: None,
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join("large.sqlite3");
                Store::create_complete(&path, "bench", true, |store| {
                    write_large_on(store, &LARGE, today(), &Silent)
                })
                .expect("the large workspace is written");
                Workspace {
                    path,
                    generated: Some(dir),
                }
            }
        })
        .path
}

/// A copy of the workspace for a benchmark that writes, with the folder that holds it.
fn private_copy() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("copy.sqlite3");
    std::fs::copy(workspace(), &path).expect("the workspace is copied");
    (dir, path)
}

fn open() -> Store {
    Store::open(workspace(), OpenMode::MustExist).expect("the workspace opens")
}

fn theme() -> Theme {
    Theme::new(ThemeName::Dark, false)
}

fn today() -> NaiveDate {
    isms::today::today().expect("ISMS_TODAY, if set, is a date")
}

fn tab(name: &str) -> Tab {
    Tab::parse(name).expect("a tab")
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// The workbench open on `tab`, its first frame drawn.
fn opened_on(tab: Tab) -> App {
    let mut app = App::open_on(open(), theme(), tab, today()).expect("the workbench opens");
    render_to_string(&mut app, WIDTH, HEIGHT);
    app
}

fn main() {
    divan::main();
    // Statics are never dropped: the generated workspace is removed here.
    if let Some(Workspace {
        generated: Some(dir),
        ..
    }) = WORKSPACE.get()
    {
        let _ = std::fs::remove_dir_all(dir.path());
    }
}

/// Open the workspace and draw the first frame of a tab, as the workbench does on start.
/// The workbench is dropped outside the timing.
#[divan::bench(args = TABS, sample_count = 20, sample_size = 1)]
fn first_frame(bencher: Bencher, name: &str) {
    let (path, tab) = (workspace(), tab(name));
    bencher.bench_local(|| {
        let store = Store::open(path, OpenMode::MustExist).expect("the workspace opens");
        let mut app = App::open_on(store, theme(), tab, today()).expect("the workbench opens");
        let frame = render_to_string(&mut app, WIDTH, HEIGHT);
        (app, frame)
    });
}

/// `isms snapshot` on the release binary: from process start to the first frame printed and
/// the process gone (the target: within 150 ms).
#[divan::bench(args = TABS, sample_count = 20, sample_size = 1)]
fn process_start_to_first_frame(bencher: Bencher, name: &str) {
    let path = workspace();
    let (width, height) = (WIDTH.to_string(), HEIGHT.to_string());
    bencher.bench_local(|| -> Output {
        let output = Command::new(env!("CARGO_BIN_EXE_isms"))
            .env_remove("ISMS_DB")
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(path)
            .args(["snapshot", "--tab", name, "--width", &width])
            .args(["--height", &height])
            .output()
            .expect("isms snapshot runs");
        assert!(
            output.status.success(),
            "isms snapshot --tab {name} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    });
}

/// Down on the Risks register: a hundred rows down, a hundred back up, and so on.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn risks_move_down(bencher: Bencher) {
    let mut app = opened_on(Tab::Risks);
    let mut n = 0usize;
    bencher.bench_local(move || {
        let code = if n % 200 < 100 {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        n += 1;
        key(&mut app, code);
        render_to_string(&mut app, WIDTH, HEIGHT)
    });
}

/// PageDown and PageUp in turn on the Risks register.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn risks_page_down(bencher: Bencher) {
    in_turn(
        bencher,
        opened_on(Tab::Risks),
        KeyCode::PageDown,
        KeyCode::PageUp,
    );
}

/// Presses `first` and `second` in turn, each to the next frame.
fn in_turn(bencher: Bencher, mut app: App, first: KeyCode, second: KeyCode) {
    let mut next = first;
    bencher.bench_local(move || {
        key(&mut app, next);
        next = if next == first { second } else { first };
        render_to_string(&mut app, WIDTH, HEIGHT)
    });
}

/// Opens the text filter (or search) with `/` and checks that what is typed goes into it.
fn filter_open(tab: Tab) -> App {
    let mut app = opened_on(tab);
    key(&mut app, KeyCode::Char('/'));
    for c in "zqzq".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert!(
        render_to_string(&mut app, WIDTH, HEIGHT).contains("zqzq"),
        "{tab:?}: / opens a text filter"
    );
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    render_to_string(&mut app, WIDTH, HEIGHT);
    app
}

/// A character typed into the Risks filter, then Backspace: each keystroke filters the
/// 10,000 risks.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn risks_filter_char(bencher: Bencher) {
    in_turn(
        bencher,
        filter_open(Tab::Risks),
        KeyCode::Char('e'),
        KeyCode::Backspace,
    );
}

/// A character typed into the SoA search, then Backspace.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn soa_search_char(bencher: Bencher) {
    in_turn(
        bencher,
        filter_open(Tab::Soa),
        KeyCode::Char('e'),
        KeyCode::Backspace,
    );
}

/// PageDown and PageUp in turn on the Overview.
#[divan::bench(sample_count = 100, sample_size = 1)]
fn overview_page_down(bencher: Bencher) {
    in_turn(
        bencher,
        opened_on(Tab::Overview),
        KeyCode::PageDown,
        KeyCode::PageUp,
    );
}

/// A durable save of one field of a risk with its change-log entry, the title switching
/// between two values so that every save writes.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn save_single_field(bencher: Bencher) {
    let (_dir, path) = private_copy();
    let mut store = Store::open(&path, OpenMode::MustExist).expect("the copy opens");
    let first = store
        .list::<Risk>()
        .expect("the risks")
        .into_iter()
        .next()
        .expect("a risk");
    let (reference, mut risk) = (first.reference, first.value);
    let titles = [risk.title.clone(), format!("{} (revised)", risk.title)];
    let mut n = 0usize;
    bencher.bench_local(move || {
        n += 1;
        risk.title.clone_from(&titles[n % 2]);
        let changed = store.update(&reference, &risk).expect("the risk is saved");
        assert_eq!(changed, 1, "one field saved");
    });
}

/// Compiling the draft management review's inputs a-g from the whole workspace.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn compile_review_inputs(bencher: Bencher) {
    let (_dir, path) = private_copy();
    let mut store = Store::open(&path, OpenMode::MustExist).expect("the copy opens");
    let draft = store
        .list::<Review>()
        .expect("the reviews")
        .into_iter()
        .find(|review| review.value.status == ReviewStatus::Draft)
        .expect("a draft review")
        .reference;
    let today = today();
    bencher.bench_local(move || {
        store
            .compile_review(&draft, today)
            .expect("the inputs are compiled");
    });
}

/// Every readiness rule (`isms check`).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn check_all_rules(bencher: Bencher) {
    let (store, today) = (open(), today());
    bencher.bench_local(move || store.check(today).expect("the check runs"));
}

/// The readiness rules and the gauges, as the Overview shows them.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn check_with_readiness(bencher: Bencher) {
    let (store, today) = (open(), today());
    bencher.bench_local(move || store.check_with_readiness(today).expect("the check runs"));
}

/// The whole audit pack, written into a new folder each time.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn export_pack(bencher: Bencher) {
    let (store, today) = (open(), today());
    bencher
        .with_inputs(|| tempfile::tempdir().expect("a temporary directory"))
        .bench_local_refs(|dir| {
            isms::export::export(&store, &dir.path().join("pack"), true, today)
                .expect("the pack is written")
        });
}

/// `isms verify`: SQLite's integrity check, the damaged-value scan, the hash chain and the
/// replay of the whole change log compared with every table (target: 5 s, 100 MB; the memory
/// is read off `/usr/bin/time` on the command, see BENCHMARKS.md).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn verify_whole_file(bencher: Bencher) {
    let path = workspace();
    bencher.bench_local(move || {
        let verdict = isms::store::verify_file(path).expect("the file opens");
        assert!(verdict.is_sound(), "{verdict:?}");
    });
}
