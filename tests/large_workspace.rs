//! The benchmark workspace (`isms demo --size large`): it holds the sizes the benchmarks are
//! measured on, and it is the same every time it is written from the same date, so that
//! figures from two runs, or two machines, are figures about the same data.
//!
//! Writing the full workspace takes about 40 s in a debug build, so it is written once, for
//! the sizes; sameness is checked on two writes of a tenth of it, which run the same code.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use isms::demo_large::{write_large_on, LargeSize, LARGE};
use isms::progress::Silent;
use isms::store::Store;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 14).expect("a date")
}

/// A tenth of the benchmark workspace.
const TENTH: LargeSize = LargeSize {
    risks: LARGE.risks / 10,
    assets: LARGE.assets / 10,
    documents: LARGE.documents / 10,
    risk_control_links: LARGE.risk_control_links / 10,
    audits: LARGE.audits / 10,
    nonconformities: LARGE.nonconformities / 10,
    reviews: LARGE.reviews / 10,
};

fn write(dir: &Path, name: &str, size: &LargeSize) -> PathBuf {
    let path = dir.join(name);
    Store::create_complete(&path, "bench", true, |store| {
        write_large_on(store, size, today(), &Silent)
    })
    .expect("the large workspace is written");
    path
}

fn read_only(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("opens read-only")
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })
    .expect("counts")
}

/// Every row of `table` as text, in a fixed order (by every column in turn).
fn dump(conn: &Connection, table: &str, columns: &str) -> Vec<String> {
    let width = conn
        .prepare(&format!("SELECT {columns} FROM {table}"))
        .expect("a query")
        .column_count();
    let order: Vec<String> = (1..=width).map(|n| n.to_string()).collect();
    let sql = format!(
        "SELECT {columns} FROM {table} ORDER BY {}",
        order.join(", ")
    );
    let mut statement = conn.prepare(&sql).expect("a query");
    statement
        .query_map([], |row| {
            let cells: Vec<String> = (0..width)
                .map(|i| match row.get_ref(i).expect("a cell") {
                    ValueRef::Null => "NULL".to_string(),
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(x) => x.to_string(),
                    ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => format!("{b:?}"),
                })
                .collect();
            Ok(cells.join("|"))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows read")
}

/// The tables to compare and the columns of each. The change log is compared without the
/// time of each entry and the hashes, which cover that time.
fn record_tables(conn: &Connection) -> Vec<(String, String)> {
    let mut statement = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("a query");
    let names: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .expect("table names")
        .collect::<Result<_, _>>()
        .expect("table names read");
    names
        .into_iter()
        .filter(|name| name != "change_log_head" && !name.starts_with("sqlite_"))
        .map(|name| {
            let columns = if name == "change_log" {
                "seq, actor, record, operation, field, old, new".to_string()
            } else {
                "*".to_string()
            };
            (name, columns)
        })
        .collect()
}

#[test]
fn the_large_workspace_holds_the_benchmark_sizes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let conn = read_only(&write(dir.path(), "large.sqlite3", &LARGE));

    assert_eq!(count(&conn, "risk"), 10_000);
    assert_eq!(count(&conn, "asset"), 5_000);
    assert_eq!(count(&conn, "document"), 2_000);
    assert_eq!(count(&conn, "soa_decision"), 93);
    assert_eq!(count(&conn, "risk_control"), 20_000);
    assert_eq!(count(&conn, "audit"), 50);
    assert!(count(&conn, "checklist_item") >= 6_000);
    assert_eq!(count(&conn, "nonconformity"), 200);
    assert_eq!(count(&conn, "review"), 40);
    assert!(count(&conn, "change_log") >= 200_000);
    let drafts: i64 = conn
        .query_row(
            "SELECT count(*) FROM review WHERE status = 'draft'",
            [],
            |row| row.get(0),
        )
        .expect("counts");
    assert_eq!(drafts, 1, "exactly one review is a draft");
}

#[test]
fn two_writes_from_the_same_date_are_the_same_workspace() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let first = read_only(&write(dir.path(), "first.sqlite3", &TENTH));
    let second = read_only(&write(dir.path(), "second.sqlite3", &TENTH));
    assert_eq!(count(&first, "risk"), 1_000, "a tenth of the workspace");
    let tables = record_tables(&first);
    assert_eq!(tables, record_tables(&second), "the same tables");
    for (table, columns) in &tables {
        let (a, b) = (dump(&first, table, columns), dump(&second, table, columns));
        assert_eq!(a.len(), b.len(), "{table}: the same number of rows");
        if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
            panic!("{table} differs between two writes:\n{x}\n{y}");
        }
    }
}
