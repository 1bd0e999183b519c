//! The README says what the program does: the schema version it states, the column names of
//! the CSV files in its audit pack table, and the keys in its Keys table are compared with the
//! program's own; `isms export --help` names every file of the pack.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::{demo_store, today};
use isms::export::{render, PackData, FILES};
use isms::ui::keymap::{Key, BINDINGS};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tempfile::TempDir;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The lines of the section under `## title`, up to the next `## `.
fn section(readme: &str, title: &str) -> Vec<String> {
    readme
        .lines()
        .skip_while(|line| line.trim() != format!("## {title}"))
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .map(str::to_string)
        .collect()
}

/// The text between backticks in `text`, in order.
fn quoted(text: &str) -> Vec<String> {
    text.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, part)| part.to_string())
        .collect()
}

#[test]
fn the_schema_version_is_the_programs() {
    let readme = readme();
    let expected = isms::store::SCHEMA_VERSION.to_string();
    let mut stated = Vec::new();
    for (at, _) in readme.match_indices("schema_version") {
        let rest = &readme[at..];
        let number: String = rest
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        stated.push(number);
    }
    assert!(!stated.is_empty(), "the README states the schema version");
    for number in stated {
        assert_eq!(number, expected, "the README's schema version");
    }
}

#[test]
fn the_csv_columns_are_the_header_rows_written() {
    let dir = TempDir::new().unwrap();
    let store = demo_store(&dir);
    let data = PackData::load(&store, today()).unwrap();
    let made = render(&data).unwrap();
    let pack = section(&readme(), "The audit pack");
    let mut compared = 0;
    for (path, bytes) in &made {
        let Some(bytes) = bytes.as_deref().filter(|_| path.ends_with(".csv")) else {
            continue;
        };
        let row = pack
            .iter()
            .find(|line| line.starts_with(&format!("| `{path}` |")))
            .unwrap_or_else(|| panic!("the README's pack table has no row for {path}"));
        let listed = row
            .split_once("columns: ")
            .map(|(_, rest)| quoted(rest.split(". ").next().unwrap_or("")))
            .unwrap_or_else(|| panic!("the README's row for {path} lists no columns"));
        // The header is the first row, or (the SoA, whose first row says which SoA the file
        // is) the first row that starts with the first column named.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
        let written: Vec<String> = reader
            .records()
            .map(Result::unwrap)
            .take(2)
            .find(|row| row.get(0) == listed.first().map(String::as_str))
            .unwrap_or_else(|| panic!("{path}: no header row starting with {listed:?}"))
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(listed, written, "the columns of {path}");
        compared += 1;
    }
    assert!(compared >= 5, "every CSV of the pack compared");
}

/// The keys a README token names: `n`, `Ctrl-S`, `Shift-Tab`, `PgUp`, `↑`, `Space`.
fn keys_named(token: &str) -> Option<Vec<Key>> {
    let plain = |code| Key {
        code,
        modifiers: KeyModifiers::NONE,
    };
    let key = match token {
        "Tab" => plain(KeyCode::Tab),
        "Shift-Tab" => plain(KeyCode::BackTab),
        "Enter" => plain(KeyCode::Enter),
        "Esc" => plain(KeyCode::Esc),
        "PgUp" => plain(KeyCode::PageUp),
        "PgDn" => plain(KeyCode::PageDown),
        "Home" => plain(KeyCode::Home),
        "End" => plain(KeyCode::End),
        "Delete" => plain(KeyCode::Delete),
        "Space" => plain(KeyCode::Char(' ')),
        "↑" => plain(KeyCode::Up),
        "↓" => plain(KeyCode::Down),
        "←" => plain(KeyCode::Left),
        "→" => plain(KeyCode::Right),
        "Ctrl-↑" => Key {
            code: KeyCode::Up,
            modifiers: KeyModifiers::CONTROL,
        },
        "Ctrl-↓" => Key {
            code: KeyCode::Down,
            modifiers: KeyModifiers::CONTROL,
        },
        _ => {
            if let Some(c) = token.strip_prefix("Ctrl-") {
                let mut chars = c.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    return None;
                };
                Key {
                    code: KeyCode::Char(c.to_ascii_lowercase()),
                    modifiers: KeyModifiers::CONTROL,
                }
            } else {
                let mut chars = token.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    return None;
                };
                plain(KeyCode::Char(c))
            }
        }
    };
    Some(vec![key])
}

/// The keys named in the first column of the README's Keys table; `1`-`7` names the digits.
fn readme_keys() -> BTreeSet<String> {
    let keys = section(&readme(), "Keys");
    let mut named = BTreeSet::new();
    for row in keys.iter().filter(|line| line.starts_with("| ")) {
        let first = row
            .trim_start_matches("| ")
            .split(" | ")
            .next()
            .unwrap_or("");
        // `1`-`7` names the digits between.
        for (at, _) in first.match_indices("`-`") {
            let (from, to) = (&first[..at], &first[at + 3..]);
            let from = from.chars().last().and_then(|c| c.to_digit(10));
            let to = to.chars().next().and_then(|c| c.to_digit(10));
            if let (Some(from), Some(to)) = (from, to) {
                named.extend((from..=to).map(|d| d.to_string()));
            }
        }
        named.extend(quoted(first));
    }
    named
}

fn describe(key: &Key) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Delete => "Delete".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        other => format!("{other:?}"),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        match key.code {
            KeyCode::Char(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            _ => format!("Ctrl-{name}"),
        }
    } else {
        name
    }
}

#[test]
fn the_keys_table_names_the_keymaps_keys() {
    let named = readme_keys();
    let bound: BTreeSet<String> = BINDINGS
        .iter()
        .flat_map(|binding| binding.keys.iter().map(describe))
        .collect();
    // Every key the README names is bound somewhere.
    for token in &named {
        let keys = keys_named(token)
            .unwrap_or_else(|| panic!("the README's Keys table names `{token}`, not a key"));
        for key in keys {
            assert!(
                bound.contains(&describe(&key)),
                "the README names `{token}`, which no binding has"
            );
        }
    }
    // Every bound key is in the README.
    let missing: Vec<&String> = bound.iter().filter(|key| !named.contains(*key)).collect();
    assert!(
        missing.is_empty(),
        "keys bound but not in the README's Keys table: {missing:?}"
    );
}

#[test]
fn export_help_names_every_file_of_the_pack() {
    let output = Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(["export", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for file in FILES {
        assert!(
            help.contains(file.path),
            "{} missing from export --help",
            file.path
        );
    }
    for own in ["README.md", "SHA256SUMS"] {
        assert!(help.contains(own), "{own} missing from export --help");
    }
    assert!(
        !help.contains("today the Statement of Applicability as"),
        "{help}"
    );
}

#[test]
fn verify_help_and_the_readme_say_how_the_pack_anchor_works() {
    let output = Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(["verify", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for words in [
        "--against <PACK_DIR>",
        "sealed at",
        "SHA256SUMS",
        "workspace.json",
    ] {
        assert!(
            help.contains(words),
            "{words} missing from verify --help: {help}"
        );
    }
    let your_data = section(&readme(), "Your data").join("\n");
    for words in [
        "isms verify\n--against PACK_DIR",
        "# isms change-log entry 2486",
        "What to keep: the pack's `SHA256SUMS`",
        "copied up to change-log entry",
    ] {
        assert!(your_data.contains(words), "{words} missing from Your data");
    }
    // The line the README shows is the one the export writes.
    let anchor = isms::store::Anchor {
        seq: 2486,
        hash: "0".repeat(64),
    };
    assert!(isms::export::anchor::seal_line(&Some(anchor))
        .starts_with("# isms change-log entry 2486 sha256 "));
}
