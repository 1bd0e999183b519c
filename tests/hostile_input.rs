//! Hostile input at the edges, adding to the property tests of `tests/import.rs` and
//! `tests/workspace_json.rs`: CSV with 1 MB cells, stray quotes, repeated BOMs, odd delimiters
//! and mixed line ends; workspace.json with 1 MB strings, control characters and deep nesting;
//! dates in any script; spreadsheet cells that start like formulas, read back from CSV and XLSX.

use std::fs;
use std::path::Path;

use isms::domain::asset::Asset;
use isms::domain::dates;
use isms::export::cells::neutralise;
use isms::export::xlsx::{workbook, Properties, Sheet};
use isms::export::Column;
use isms::import::{self, workspace, Context, Kind, Outcome};
use isms::store::{OpenMode, Store};
use proptest::prelude::*;
use serde_json::Value;

const ACTOR: &str = "hostile-input";

fn open(path: &Path, mode: OpenMode) -> anyhow::Result<Store> {
    Ok(Store::open_as(path, mode, ACTOR)?)
}

/// `text` as one quoted CSV cell.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// About 1 MB of text full of what CSV readers trip on: quotes, delimiters, line ends, a BOM
/// in the middle, emoji, right-to-left text and zero-width characters.
fn megabyte_cell() -> String {
    let piece = "a \"quoted\" word, a; semicolon\ta tab\r\nCRLF\nLF\rCR \u{feff}BOM 👩‍👩‍👧 שלום \u{202e}rtl\u{200b}|";
    let mut text = String::from("start ");
    while text.len() < 1_000_000 {
        text.push_str(piece);
    }
    text.push_str(" end");
    text
}

#[test]
fn a_one_megabyte_cell_imports_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (source, path) = (dir.path().join("a.csv"), dir.path().join("w.sqlite3"));
    let notes = megabyte_cell();
    let csv = format!(
        "\u{feff}Name,Kind,Owner,Notes\r\nLedger,information,Ana,{}\r\nCRM,software,Tom,\r\n",
        quoted(&notes)
    );
    fs::write(&source, csv).unwrap();
    let outcome = import::run(Kind::Assets, &source, &path, false, open).unwrap();
    assert!(matches!(outcome, Outcome::Imported { .. }), "{outcome:?}");
    let store = open(&path, OpenMode::MustExist).unwrap();
    let assets = store.list::<Asset>().unwrap();
    assert_eq!(assets.len(), 2);
    assert!(assets[0].value.notes == notes, "the 1 MB cell changed");
    assert_eq!(
        mode(&path),
        0o600,
        "a workspace made by an import is private"
    );
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Cells that are hard for a CSV reader or for the rows behind it.
fn hostile_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Ledger".to_string()),
        Just("information".to_string()),
        Just("3".to_string()),
        Just("a\"stray".to_string()),
        Just("\"".to_string()),
        Just("\"\"".to_string()),
        Just("\u{feff}".to_string()),
        Just("\u{0}\u{1b}[2J\u{7f}".to_string()),
        Just("=1+1".to_string()),
        Just("👩‍👩‍👧 e\u{301}".to_string()),
        Just("مرحبا \u{202e}x".to_string()),
        Just("\u{200b}".to_string()),
        Just("x".repeat(5000)),
        "\\PC{0,12}",
    ]
}

#[derive(Debug, Clone)]
struct Layout {
    rows: Vec<Vec<String>>,
    quote: Vec<bool>,
    delimiter: u8,
    line_ends: Vec<&'static str>,
    boms: usize,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        proptest::collection::vec(proptest::collection::vec(hostile_cell(), 1..6), 1..6),
        proptest::collection::vec(any::<bool>(), 36),
        proptest::sample::select(vec![b',', b';', b'\t', b'|']),
        proptest::collection::vec(proptest::sample::select(vec!["\r\n", "\n", "\r"]), 7),
        0usize..3,
    )
        .prop_map(|(rows, quote, delimiter, line_ends, boms)| Layout {
            rows,
            quote,
            delimiter,
            line_ends,
            boms,
        })
}

/// The layout as bytes: BOMs, a header naming asset columns, then the rows, each cell quoted
/// or left bare (so stray quotes stay stray), rows ended by a mix of line ends.
fn layout_bytes(layout: &Layout) -> Vec<u8> {
    let delimiter = (layout.delimiter as char).to_string();
    let mut text = "\u{feff}".repeat(layout.boms);
    text.push_str(&["Name", "Kind", "Owner", "C", "Notes"].join(&delimiter));
    text.push_str(layout.line_ends[0]);
    for (r, row) in layout.rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if layout.quote[(r * 6 + c) % layout.quote.len()] {
                    quoted(cell)
                } else {
                    cell.clone()
                }
            })
            .collect();
        text.push_str(&cells.join(&delimiter));
        text.push_str(layout.line_ends[(r + 1) % layout.line_ends.len()]);
    }
    text.into_bytes()
}

fn max_row(bytes: &[u8]) -> usize {
    1 + bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Hostile cells in any layout: the reader gives rows, or errors that name a row of the
    /// file; never a panic.
    #[test]
    fn hostile_cells_in_any_layout_parse_or_are_refused_with_rows(layout in layout()) {
        let bytes = layout_bytes(&layout);
        for kind in [Kind::Assets, Kind::Risks] {
            if let Err(errors) = import::parse(kind, &bytes, &Context::empty()) {
                prop_assert!(!errors.is_empty());
                for error in &errors {
                    if let Some(row) = error.row {
                        prop_assert!(row >= 1 && row <= max_row(&bytes), "{}", error);
                    }
                }
            }
        }
    }

    /// Dates are ISO `YYYY-MM-DD` in ASCII digits or refused: other scripts' digits, full-width
    /// digits and any other text give an error, never a panic or a guessed date.
    #[test]
    fn any_text_is_a_date_in_ascii_iso_form_or_refused(
        text in prop_oneof![
            any::<String>(),
            "[0-9０-９٠-٩۰-۹०-९𝟎-𝟗\\-/. ]{8,12}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "\\PC{0,3}[0-9]{4}-[0-9]{2}-[0-9]{2}\\PC{0,3}",
        ]
    ) {
        match dates::parse_optional(&text) {
            Ok(Some(date)) => {
                let trimmed = text.trim();
                prop_assert!(trimmed.is_ascii(), "{:?}", text);
                prop_assert_eq!(dates::format_optional(Some(date)), trimmed);
            }
            Ok(None) => prop_assert!(text.trim().is_empty()),
            Err(message) => prop_assert!(message.contains("is not a date like 2026-11-28")),
        }
    }

    /// Any cell that starts like a formula is written with a quote in front, to CSV and to
    /// XLSX alike, and reads back as that text.
    #[test]
    fn formula_starts_are_neutralised_in_csv_and_xlsx(
        start in proptest::sample::select(vec!['=', '+', '-', '@', '\t', '\r']),
        rest in "\\PC{0,30}",
        plain in "[^=+\\-@\t\r]\\PC{0,20}",
    ) {
        let cell = format!("{start}{rest}");
        let bytes = isms::export::csv::table(&["A", "B"], [[cell.as_str(), plain.as_str()]]).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
        let record = reader.records().next().unwrap().unwrap();
        prop_assert_eq!(&record[0], format!("'{cell}"));
        prop_assert_eq!(&record[1], plain.as_str());

        let columns = [Column::new("A", 10.0, false), Column::new("B", 10.0, true)];
        let bytes = workbook(
            &Properties {
                title: "t",
                subject: "s",
                company: "c",
                created: dates::parse("2026-11-28").unwrap(),
            },
            Sheet { name: "Sheet", columns: &columns, rows: [[cell.as_str(), plain.as_str()]] },
        )
        .unwrap();
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Sheet").unwrap();
        let row: Vec<Data> = range.rows().nth(1).unwrap().to_vec();
        let text = |data: &Data| match data {
            Data::String(text) => text.clone(),
            Data::Empty => String::new(),
            other => other.to_string(),
        };
        prop_assert_eq!(text(&row[0]), neutralise(&cell).into_owned());
        prop_assert!(text(&row[0]).starts_with('\''));
        prop_assert!(!text(&row[1]).starts_with(['=', '+', '-', '@', '\t', '\r']));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The audit pack's per-record file names come from references (which a hand-edited
    /// workspace.json could make anything): whatever the text, the name stays one plain file
    /// in its folder.
    #[test]
    fn file_names_from_references_stay_plain_files_in_their_folder(
        reference in prop_oneof![
            "\\PC{0,24}",
            Just("../../etc/passwd".to_string()),
            Just("/abs".to_string()),
            Just("..".to_string()),
            Just("a\\b\u{0}c".to_string()),
        ]
    ) {
        for (path, folder, suffix) in [
            (isms::export::audit::report_path(&reference), "05-internal-audit", "-report.md"),
            (isms::export::minutes::minutes_path(&reference), "06-management-review", "-minutes.md"),
        ] {
            let parts: Vec<&str> = path.split('/').collect();
            prop_assert_eq!(parts.len(), 2, "{}", path);
            prop_assert_eq!(parts[0], folder);
            prop_assert!(parts[1].ends_with(suffix) && parts[1].len() > suffix.len(), "{}", path);
            prop_assert!(
                parts[1].chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
                "{}",
                path
            );
        }
    }
}

/// A workspace.json of a workspace with one asset, as a JSON value.
fn small_workspace(dir: &Path) -> Value {
    small_workspace_with(dir, |_| {})
}

/// [`small_workspace`], with `change` saved through the store before the export.
fn small_workspace_with(dir: &Path, change: impl FnOnce(&mut Store)) -> Value {
    let path = dir.join("small.sqlite3");
    let mut store = open(&path, OpenMode::Create { organisation: None }).unwrap();
    let csv = dir.join("a.csv");
    fs::write(&csv, "Name,Kind,Owner\nLedger,information,Ana\n").unwrap();
    drop(store);
    import::run(Kind::Assets, &csv, &path, false, open).unwrap();
    store = open(&path, OpenMode::MustExist).unwrap();
    change(&mut store);
    let bytes = isms::export::workspace_json::render(&store.dump().unwrap()).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn import_json(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<Store> {
    let (source, target) = (
        dir.join(format!("{name}.json")),
        dir.join(format!("{name}.sqlite3")),
    );
    fs::write(&source, bytes).unwrap();
    workspace::run(&source, &target, false, ACTOR)?;
    assert_eq!(
        mode(&target),
        0o600,
        "a workspace made from workspace.json is private"
    );
    Ok(open(&target, OpenMode::MustExist).unwrap())
}

#[test]
fn workspace_json_carries_megabyte_strings_and_control_characters_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let huge = megabyte_cell();
    let controls: String = (0u32..0x20)
        .chain([0x7f, 0x85, 0x9b, 0x200b, 0x202e, 0xfeff])
        .map(|c| char::from_u32(c).unwrap())
        .collect::<String>()
        + "\x1b[2J\x1b]0;title\x07";
    // Saved through the store, so that the change log holds them too (an import is held to
    // the log replayed).
    let json = small_workspace_with(dir.path(), |store| {
        let mut asset: Asset = store.get("A-001").unwrap().unwrap();
        asset.notes = huge.clone();
        asset.owner = controls.clone();
        store.update("A-001", &asset).unwrap();
    });
    assert_eq!(
        json["tables"]["asset"][0]["owner"],
        Value::String(controls.clone())
    );
    let bytes = serde_json::to_vec(&json).unwrap();
    let store = import_json(dir.path(), "hostile", &bytes).unwrap();
    let assets = store.list::<Asset>().unwrap();
    assert!(assets[0].value.notes == huge, "the 1 MB string changed");
    assert_eq!(assets[0].value.owner, controls);
    // And it exports again to the same JSON.
    let again: Value = serde_json::from_slice(
        &isms::export::workspace_json::render(&store.dump().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(again["tables"]["asset"], json["tables"]["asset"]);
}

#[test]
fn deeply_nested_or_huge_workspace_json_is_refused_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let mut json = small_workspace(dir.path());
    let deep = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("deep", deep(100_000).into_bytes()),
        ("deepobj", "{\"a\":".repeat(50_000).into_bytes()),
        (
            "deepvalue",
            format!(
                "{{\"schema_version\": 7, \"tables\": {{\"asset\": {}}}}}",
                deep(10_000)
            )
            .into_bytes(),
        ),
        ("nul", b"\0\0\0".to_vec()),
        ("ansi", b"\x1b[2J{}".to_vec()),
    ];
    json["tables"]["asset"][0]["name"] = serde_json::from_str(&deep(100)).unwrap();
    cases.push(("nested-cell", serde_json::to_vec(&json).unwrap()));
    for (name, bytes) in cases {
        let error = import_json(dir.path(), name, &bytes)
            .err()
            .unwrap_or_else(|| panic!("{name} was imported"));
        let text = format!("{error:#}");
        assert!(!text.contains('\n'), "{name}: {text}");
        assert!(text.ends_with("nothing was imported"), "{name}: {text}");
        assert!(!text.contains('\x1b'), "{name}: {text}");
        assert!(
            !dir.path().join(format!("{name}.sqlite3")).exists(),
            "{name}"
        );
    }
}
