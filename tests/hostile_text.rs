//! Hostile text in every text field of every record type: control characters, ANSI escapes,
//! emoji and combining sequences, right-to-left text and overrides, zero-width characters,
//! markup and formulas, and 100k-character values. Saved through the store, it comes back
//! exactly; the screens draw it without panicking and without passing a control character to
//! the terminal; the audit pack is written, its HTML stays escaped and its spreadsheet cells
//! are never formulas; and the pack's workspace.json imports again.

mod common;

use std::fs;
use std::path::Path;

use common::{today, Harness};
use isms::domain::asset::Asset;
use isms::domain::audit::{Audit, ChecklistItem, Nonconformity};
use isms::domain::certification::{BudgetLine, CertificationPlan, Milestone};
use isms::domain::document::Document;
use isms::domain::review::{Measurement, Objective, Review, ReviewAction};
use isms::domain::risk::Risk;
use isms::domain::scope::{ContextIssue, InterestedParty, ScopeItem};
use isms::domain::soa::SoaDecision;
use isms::domain::workspace::Workspace;
use isms::store::{OpenMode, Record, SoaVersion, Store, PLAN_REF, WORKSPACE_REF};
use isms::ui::keymap::Context;
use ratatui::crossterm::event::KeyCode;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

/// Each one a kind of text that has broken terminal programs, spreadsheets or web pages.
pub const SAMPLES: &[&str] = &[
    "\u{0}nul\u{1}\u{2}\u{7}bell\u{8}back\u{b}\u{c}\u{e}\u{1f}unit\u{7f}del",
    "\x1b[2J\x1b[31mred\x1b[0m \x1b]0;a title\x07 \x1b[?1049l\x1bc\u{9b}2J",
    "tab\there\r\nCRLF\rCR\nLF\n\n",
    "👩‍👩‍👧‍👦 🇩🇪 🏳️‍🌈 e\u{301}\u{301}\u{301} Z\u{336}a\u{336}l\u{336}g\u{336}o\u{336} \u{fe0f}",
    "مرحبا بالعالم שלום עולם \u{202e}txet desrever\u{202c} \u{200f}rtl\u{200e} ar\u{61c}",
    "zero\u{200b}width\u{feff}bom\u{200d}joiner\u{2060}\u{ad}",
    "<script>alert('x')</script> & \"quoted\" <b>bold</b> &amp; ]]> <!--",
    "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "| pipe | `code` *star* _under_ # heading\n---\n> quote [link](x)",
    "\u{85}next line\u{2028}line sep\u{2029}para sep",
    "１２３４-１１-２８ ٢٠٢٦ 𝟚𝟘𝟚𝟞",
    " leading and trailing spaces ",
];

/// The hostile values, one after another, with a 100k-character one every so often when
/// `long` (drawing screens of those is slow in a debug build, so not every test has them).
pub struct Texts {
    count: usize,
    long: bool,
    /// This one text in every field instead of the samples.
    only: Option<&'static str>,
}

impl Texts {
    pub fn next_text(&mut self) -> String {
        if let Some(text) = self.only {
            return text.to_string();
        }
        self.count += 1;
        let sample = SAMPLES[self.count % SAMPLES.len()];
        if self.long && self.count.is_multiple_of(9) {
            long_text(sample)
        } else {
            format!("{sample} #{}", self.count)
        }
    }
}

/// About 100,000 characters made of `sample` over and over.
pub fn long_text(sample: &str) -> String {
    let chars = sample.chars().count().max(1);
    sample.repeat(100_000 / chars + 1)
}

/// Fields that hold references to other records, or keys, not text the user types.
const NOT_TEXT: &[&str] = &["audit", "target", "review", "objective", "item", "source"];

/// `record` with field `index` set to `text`, read back as the store would read it; `None`
/// when the field does not hold free text (a date, a choice) or the record would be invalid.
fn with_text<R: Record>(record: &R, index: usize, text: &str) -> Option<R> {
    let mut values = record.values();
    values[index] = Value::Text(text.to_string());
    let conn = Connection::open_in_memory().unwrap();
    let columns: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("SELECT {}", columns.join(", "));
    let mut changed = conn
        .query_row(&sql, params_from_iter(values.iter()), |row| {
            R::from_row(row, 0)
        })
        .ok()?;
    changed.set_links(record.links());
    let kept = changed.values()[index] == Value::Text(text.to_string());
    (kept && changed.validate().is_empty()).then_some(changed)
}

/// Puts hostile text into every free-text field of the records of type `R` (one record per
/// field, the first that takes it) through the store, and checks that each reads back
/// exactly. Returns the fields filled, as `table.field`.
fn fill<R: Record>(store: &mut Store, texts: &mut Texts) -> Vec<String> {
    let references: Vec<String> = store
        .list::<R>()
        .unwrap()
        .into_iter()
        .map(|stored| stored.reference)
        .collect();
    fill_these::<R>(store, texts, &references)
}

fn fill_these<R: Record>(
    store: &mut Store,
    texts: &mut Texts,
    references: &[String],
) -> Vec<String> {
    assert!(!references.is_empty(), "the demo has no {}", R::TABLE);
    let mut filled = Vec::new();
    for (index, field) in R::FIELDS.iter().enumerate() {
        if NOT_TEXT.contains(field) {
            continue;
        }
        let text = texts.next_text();
        for reference in references.iter().take(6) {
            let current = store.get::<R>(reference).unwrap().unwrap();
            if !matches!(current.values()[index], Value::Text(_) | Value::Null) {
                break;
            }
            let Some(changed) = with_text(&current, index, &text) else {
                break;
            };
            if store.update(reference, &changed).is_err() {
                continue; // a frozen record, say; try the next one
            }
            let back = store.get::<R>(reference).unwrap().unwrap();
            assert!(
                back.values()[index] == Value::Text(text.clone()),
                "{}.{field} of {} did not read back exactly",
                R::TABLE,
                reference
            );
            filled.push(format!("{}.{field}", R::TABLE));
            break;
        }
    }
    filled
}

/// Fills every record type of `store` (the demo) with hostile text; returns the fields filled.
pub fn fill_all(store: &mut Store, long: bool) -> Vec<String> {
    fill_all_from(
        store,
        Texts {
            count: 0,
            long,
            only: None,
        },
    )
}

fn fill_all_from(store: &mut Store, mut texts: Texts) -> Vec<String> {
    let mut filled = Vec::new();
    filled.extend(fill_these::<Workspace>(
        store,
        &mut texts,
        &[WORKSPACE_REF.into()],
    ));
    filled.extend(fill::<ContextIssue>(store, &mut texts));
    filled.extend(fill::<InterestedParty>(store, &mut texts));
    filled.extend(fill::<ScopeItem>(store, &mut texts));
    filled.extend(fill::<Asset>(store, &mut texts));
    filled.extend(fill::<Risk>(store, &mut texts));
    filled.extend(fill::<SoaDecision>(store, &mut texts));
    filled.extend(fill::<SoaVersion>(store, &mut texts));
    filled.extend(fill::<Document>(store, &mut texts));
    filled.extend(fill::<Audit>(store, &mut texts));
    filled.extend(fill::<ChecklistItem>(store, &mut texts));
    filled.extend(fill::<Nonconformity>(store, &mut texts));
    filled.extend(fill::<Review>(store, &mut texts));
    filled.extend(fill::<ReviewAction>(store, &mut texts));
    filled.extend(fill::<Objective>(store, &mut texts));
    filled.extend(fill::<Measurement>(store, &mut texts));
    filled.extend(fill_these::<CertificationPlan>(
        store,
        &mut texts,
        &[PLAN_REF.into()],
    ));
    filled.extend(fill::<Milestone>(store, &mut texts));
    filled.extend(fill::<BudgetLine>(store, &mut texts));
    filled
}

/// A control character that reached the screen buffer (and so would reach the terminal), or a
/// bidirectional override, isolate or mark, which would let text reorder the rest of a line in a
/// terminal that lays out right-to-left text.
fn control_in(screen: &str) -> Option<char> {
    screen.chars().find(|c| {
        (c.is_control() && *c != '\n')
            || matches!(
                c,
                '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{61c}'
            )
    })
}

/// The keys that show every tab, its sections, a record's form, its history, the help and
/// presentation mode, each followed by a render; Esc and `p` undo them.
pub const VISITS: &[&[KeyCode]] = &[
    &[],
    &[KeyCode::Enter],
    &[KeyCode::Char('h')],
    &[KeyCode::Char('n')],
    &[KeyCode::Char('?')],
    &[KeyCode::Char('/')],
    &[KeyCode::Char('f')],
    &[KeyCode::Char('e')],
    &[KeyCode::Char('o')],
    &[KeyCode::Char('b')],
    &[KeyCode::Char('m')],
    &[KeyCode::Char('p')],
];

/// Leaves whatever a visit opened: Esc a few times (answering "no" to any question), and
/// presentation mode off.
pub fn back_out(harness: &mut Harness) {
    for _ in 0..4 {
        match harness.app.contexts().first() {
            Some(Context::Confirm) => harness.key(KeyCode::Char('n')),
            Some(Context::Global | Context::Always) => break,
            _ => harness.key(KeyCode::Esc),
        };
    }
    harness.app.set_presenting(false);
}

#[test]
fn hostile_text_round_trips_through_the_store_into_every_record_type() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut store = common::workspace(&dir, true);
    let filled = fill_all(&mut store, true);
    for expected in [
        "workspace.organisation",
        "workspace.scope_statement",
        "context_issue.description",
        "interested_party.name",
        "scope_item.name",
        "scope_item.justification",
        "asset.name",
        "asset.notes",
        "risk.title",
        "risk.treatment_plan",
        "soa_decision.justification",
        "soa_decision.how",
        "document.title",
        "audit.conclusion",
        "checklist_item.notes",
        "nonconformity.statement",
        "review.chair",
        "review_action.description",
        "objective.statement",
        "measurement.note",
        "certification_plan.body",
        "milestone.note",
        "budget_line.label",
    ] {
        assert!(
            filled.iter().any(|field| field == expected),
            "{expected} was not filled; filled: {filled:?}"
        );
    }
    // The change log of all those edits still verifies, and the file is sound.
    assert!(store.verify_change_log().unwrap().is_ok());
}

/// The demo with hostile text everywhere, in a harness on the Overview.
pub fn hostile_harness(long: bool) -> Harness {
    let mut harness = Harness::new(true, '1');
    let path = harness.store().path().to_path_buf();
    let mut store = Store::open(&path, OpenMode::MustExist).unwrap();
    store.set_actor("hostile\x1b[2J");
    fill_all(&mut store, long);
    drop(store);
    // Any key makes the app re-read what changed.
    harness.key(KeyCode::Char('1'));
    harness
}

/// Sizes around the minimum the workbench draws at (70x16), common terminals, and the
/// largest we promise (400x120), narrow and flat extremes included.
const SIZES: &[(u16, u16)] = &[
    (70, 16),
    (71, 16),
    (70, 17),
    (79, 23),
    (80, 24),
    (100, 30),
    (132, 43),
    (200, 60),
    (400, 120),
    (400, 16),
    (70, 120),
    (250, 17),
    (69, 16),
    (70, 15),
    (400, 1),
    (1, 120),
];

/// Every tab, its first sections, and each visit in [`VISITS`] drawn at sizes taken in turn
/// from [`SIZES`] (a different size for each state, so that every state meets several sizes
/// over the tabs), plus the whole grid of tiny sizes 1..=20 x 1..=10 on each tab. Nothing
/// may panic, and no control character may reach the screen.
fn draw_everything_everywhere(harness: &mut Harness, what: &str) {
    let mut turn = 0;
    let draw = |harness: &mut Harness, width: u16, height: u16, state: &str| {
        let screen = harness.screen(width, height);
        if let Some(c) = control_in(&screen) {
            panic!("{what}, {state}, {width}x{height}: {c:?} reached the screen:\n{screen}");
        }
    };
    for tab in '1'..='7' {
        harness.key(KeyCode::Char(tab));
        for width in 1..=20 {
            for height in 1..=10 {
                draw(harness, width, height, &format!("tab {tab}"));
            }
        }
        // Below the minimum only quitting works: a full-size frame lets keys work again.
        draw(harness, 80, 24, &format!("tab {tab}"));
        for section in 0..4 {
            for visit in VISITS {
                harness.key(KeyCode::Char(tab));
                for _ in 0..section {
                    harness.key(KeyCode::Char(']'));
                }
                for key in *visit {
                    harness.key(*key);
                }
                let state = format!("tab {tab}, section {section}, keys {visit:?}");
                let (width, height) = SIZES[turn % SIZES.len()];
                turn += 1;
                draw(harness, width, height, &state);
                if width < 70 || height < 16 {
                    draw(harness, 80, 24, &state);
                }
                back_out(harness);
            }
        }
    }
}

#[test]
fn the_demo_draws_at_every_size_in_every_state() {
    let mut harness = Harness::new(true, '1');
    draw_everything_everywhere(&mut harness, "demo");
}

#[test]
fn hostile_text_draws_at_every_size_without_control_characters() {
    let mut harness = hostile_harness(false);
    draw_everything_everywhere(&mut harness, "hostile text");
}

#[test]
fn texts_of_100k_characters_draw_in_every_tab_and_form() {
    let mut harness = hostile_harness(true);
    let sizes = [(80, 24), (400, 120), (70, 16)];
    let mut turn = 0;
    for tab in '1'..='7' {
        for section in 0..3 {
            for visit in [&[][..], &[KeyCode::Enter]] {
                harness.key(KeyCode::Char(tab));
                for _ in 0..section {
                    harness.key(KeyCode::Char(']'));
                }
                for key in visit {
                    harness.key(*key);
                }
                let (width, height) = sizes[turn % sizes.len()];
                turn += 1;
                let screen = harness.screen(width, height);
                assert_eq!(control_in(&screen), None, "tab {tab}, section {section}");
                back_out(&mut harness);
            }
        }
    }
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.push((name, fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[test]
fn the_audit_pack_of_hostile_text_is_written_escaped_and_imports_again() {
    let mut harness = hostile_harness(true);
    let mut store = Store::open(harness.store().path(), OpenMode::MustExist).unwrap();
    let first = store.list::<Risk>().unwrap().remove(0);
    let title = "<script>alert('x')</script> & <b>bold</b>";
    let risk = Risk {
        title: title.into(),
        ..first.value
    };
    store.update(&first.reference, &risk).unwrap();
    let workspace = Workspace {
        organisation: title.into(),
        ..store.workspace().unwrap()
    };
    store.update_workspace(&workspace).unwrap();
    drop(store);
    harness.key(KeyCode::Char('1'));
    let out = harness.dir.path().join("pack");
    let written = isms::export::export(harness.store(), &out, false, today()).unwrap();
    assert!(written.iter().any(|name| name == "report.html"));
    let files = files_under(&out);

    let html = String::from_utf8(
        files
            .iter()
            .find(|(name, _)| name == "report.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(
        !html.contains("<script"),
        "a script tag reached report.html"
    );
    assert!(!html.contains("<b>bold"), "markup reached report.html");
    assert!(
        html.contains(&isms::export::html::escape(title)),
        "the organisation's name is in the report, escaped"
    );

    for (name, bytes) in &files {
        if name.ends_with(".csv") {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(&bytes[3..]);
            for record in reader.records() {
                for cell in record.unwrap().iter() {
                    assert!(
                        !cell.starts_with(FORMULA_STARTS),
                        "{name}: the cell {:?} reads as a formula",
                        cell.chars().take(40).collect::<String>()
                    );
                }
            }
        }
        if name.ends_with(".xlsx") {
            use calamine::{Reader, Xlsx};
            let mut book = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
            for sheet in book.sheet_names() {
                let range = book.worksheet_range(&sheet).unwrap();
                for cell in range.used_cells() {
                    if let calamine::Data::String(text) = cell.2 {
                        assert!(
                            !text.starts_with(FORMULA_STARTS),
                            "{name}: the cell {:?} reads as a formula",
                            text.chars().take(40).collect::<String>()
                        );
                    }
                }
            }
        }
    }

    // The pack's workspace.json makes a new workspace holding the same text.
    let json = out.join("workspace.json");
    let copy = harness.dir.path().join("copy.sqlite3");
    isms::import::workspace::run(&json, &copy, false, "tester").unwrap();
    assert_eq!(mode(&copy), 0o600, "an imported workspace is private");
    let copy = Store::open(&copy, OpenMode::MustExist).unwrap();
    for (a, b) in harness
        .store()
        .list::<Risk>()
        .unwrap()
        .iter()
        .zip(copy.list::<Risk>().unwrap())
    {
        assert_eq!(a.value.values(), b.value.values());
    }
    assert_eq!(
        harness.store().workspace().unwrap().values(),
        copy.workspace().unwrap().values()
    );
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `isms status` names the organisation and an import error quotes the cell: an escape sequence
/// in either is printed as its escape (`\u{1b}`), never sent to the terminal to run.
#[test]
fn the_command_line_prints_escapes_in_record_text_instead_of_running_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::workspace(&dir, true);
    let workspace = Workspace {
        organisation: "\x1b[2Jwiped\u{202e}".into(),
        ..store.workspace().unwrap()
    };
    store.update_workspace(&workspace).unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    let isms = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_isms"))
            .args(args)
            .env("NO_COLOR", "1")
            // The day the test is written for, whatever the clock says.
            .env("ISMS_TODAY", "2026-11-28")
            .output()
            .unwrap()
    };
    let db = path.to_str().unwrap();
    let output = isms(&["status", "--db", db]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("\\u{1b}[2Jwiped\\u{202e}"), "{stdout}");
    assert!(!stdout.contains(['\x1b', '\u{202e}']), "{stdout:?}");

    let csv = dir.path().join("a.csv");
    fs::write(&csv, "Name,Kind,Owner\nLedger,\x1b[2Jbad,Ana\n").unwrap();
    let new = dir.path().join("new.sqlite3");
    let output = isms(&[
        "import",
        "assets",
        csv.to_str().unwrap(),
        "--db",
        new.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("\\u{1b}[2Jbad"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

/// Text that would add a heading, list items, a quote, a table row and a table cell to a
/// Markdown document if it were written as it is.
const MARKDOWN_STRUCTURE: &str = "Intro\n# INJECTED heading\n- INJECTED item\n+ INJECTED item\n\
     1. INJECTED numbered\n2) INJECTED numbered\n> INJECTED quote\n| INJECTED | row |\n\
     |---|---|\n===\nend | INJECTED cell";

/// The line of `markdown` on which user text made structure: a line that starts with a
/// heading, list, quote or table marker right before the word INJECTED, or an unescaped `|`
/// right before it, which splits a table cell; or a user's `===` line, which would make the
/// line above it a heading.
fn unescaped_structure(markdown: &str) -> Option<String> {
    for line in markdown.lines() {
        for (at, _) in line.match_indices("INJECTED") {
            let before = line[..at].trim_end_matches(' ');
            let bare = before.trim_start();
            let digits = bare.trim_start_matches(|c: char| c.is_ascii_digit());
            let starts_block = !bare.is_empty()
                && (bare.chars().all(|c| c == '#')
                    || matches!(bare, "-" | "+" | ">" | "|")
                    || (digits.len() < bare.len() && matches!(digits, "." | ")")));
            let splits_cell = before.ends_with('|') && !before.ends_with("\\|");
            if starts_block || splits_cell {
                return Some(line.to_string());
            }
        }
        if line.trim() == "===" {
            return Some(line.to_string());
        }
    }
    None
}

#[test]
fn markdown_documents_of_the_pack_escape_structure_in_user_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::workspace(&dir, true);
    let filled = fill_all_from(
        &mut store,
        Texts {
            count: 0,
            long: false,
            only: Some(MARKDOWN_STRUCTURE),
        },
    );
    assert!(filled.len() > 40, "{filled:?}");
    let out = dir.path().join("pack");
    isms::export::export(&store, &out, false, today()).unwrap();
    let documents: Vec<(String, String)> = files_under(&out)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".md"))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect();
    // Each kind of document: scope, risk method, treatment plan, SoA, audit programme and
    // report, minutes, the pack's README.
    for part in [
        "isms-scope.md",
        "risk-assessment-method.md",
        "risk-treatment-plan.md",
        "statement-of-applicability.md",
        "audit-programme.md",
        "-report.md",
        "-minutes.md",
        "README.md",
    ] {
        assert!(
            documents.iter().any(|(name, _)| name.ends_with(part)),
            "no {part} in {:?}",
            documents.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
    }
    let mut carried = 0;
    for (name, text) in &documents {
        carried += text.matches("INJECTED").count();
        if let Some(line) = unescaped_structure(text) {
            panic!("{name}: user text made structure: {line:?}");
        }
    }
    assert!(carried > 100, "the hostile text reached the documents");
    for made in [
        "a\n- INJECTED",
        "12. INJECTED",
        "| a | INJECTED |",
        "## INJECTED",
        "x\n===",
    ] {
        assert!(
            unescaped_structure(made).is_some(),
            "the check misses {made:?}"
        );
    }
    assert!(unescaped_structure("a<br>- INJECTED \\| INJECTED").is_none());
}
