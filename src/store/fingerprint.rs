//! The schema fingerprint: what a workspace file at schema version N must hold in
//! `sqlite_schema`, and the first difference between that and a file.
//!
//! The expected schema is not written down a second time: it is what this build's migrations
//! make when run from 0 up to N on an empty in-memory database. A file migrated step by step
//! holds the same text (`ALTER TABLE ADD COLUMN` rewrites the stored `CREATE TABLE` the same
//! way in both), so any table, index, view or trigger the workbench did not make, one it made
//! that is missing, or one whose SQL differs, is damage: a trigger on the change log could
//! rewrite records on every later save, a view or a changed table could show other rows.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};

use super::migrations;

/// One row of `sqlite_schema`, without its root page (which differs from file to file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SchemaObject {
    pub kind: String,
    pub name: String,
    pub table: String,
    pub sql: Option<String>,
}

/// The expected schema of each version, built once per process (a few milliseconds each).
static EXPECTED: [OnceLock<Vec<SchemaObject>>; migrations::LATEST as usize + 1] =
    [const { OnceLock::new() }; migrations::LATEST as usize + 1];

/// What this build's migrations put in `sqlite_schema` of a file at `version`.
pub(super) fn expected(version: i64) -> rusqlite::Result<&'static [SchemaObject]> {
    let slot = &EXPECTED[version.clamp(0, migrations::LATEST) as usize];
    if let Some(objects) = slot.get() {
        return Ok(objects);
    }
    let mut conn = Connection::open_in_memory()?;
    migrations::schema_only(&mut conn, version)?;
    let objects = read_schema(&conn)?;
    Ok(slot.get_or_init(|| objects))
}

/// The statistics tables `ANALYZE` makes (sqlite_stat1 to sqlite_stat4) are left out: they
/// only steer SQLite's query plans, never what a query returns, so whether a file holds them
/// says nothing about its records.
fn is_statistics(name: &str) -> bool {
    matches!(
        name,
        "sqlite_stat1" | "sqlite_stat2" | "sqlite_stat3" | "sqlite_stat4"
    )
}

fn read_schema(conn: &Connection) -> rusqlite::Result<Vec<SchemaObject>> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema")?;
    let rows = stmt.query_map([], |row| {
        Ok(SchemaObject {
            kind: text(row, 0)?.unwrap_or_default(),
            name: text(row, 1)?.unwrap_or_default(),
            table: text(row, 2)?.unwrap_or_default(),
            sql: text(row, 3)?,
        })
    })?;
    let mut objects = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    objects.retain(|object| !is_statistics(&object.name));
    Ok(objects)
}

/// A column of `sqlite_schema` as text, whatever was stored there: a file edited with
/// `writable_schema` can hold anything, and it must be named, not fail the reading.
fn text(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<String>> {
    Ok(match row.get_ref(index)? {
        ValueRef::Null => None,
        ValueRef::Text(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(bytes) => Some(format!("(binary data, {} bytes)", bytes.len())),
        ValueRef::Integer(number) => Some(number.to_string()),
        ValueRef::Real(number) => Some(number.to_string()),
    })
}

/// The first difference between the schema of the file behind `conn` and what this build
/// makes at `version`, as a clause ("there is a trigger "x" on table change_log that the
/// workbench did not make"); `None` when they are the same.
pub(super) fn difference(conn: &Connection, version: i64) -> rusqlite::Result<Option<String>> {
    let expected = expected(version)?;
    let found = read_schema(conn)?;
    let Some(difference) = first_difference(expected, &found) else {
        return Ok(None);
    };
    // A version number set back (or forward) is named as such: the tables are another
    // version's exactly.
    for other in (1..=super::migrations::LATEST).filter(|other| *other != version) {
        if first_difference(self::expected(other)?, &found).is_none() {
            return Ok(Some(format!(
                "its schema version number says {version} but its tables are those of schema \
                 {other}, so the number was changed outside the workbench"
            )));
        }
    }
    Ok(Some(difference))
}

/// Objects the workbench did not make come first (the likeliest tampering), then those it
/// made that are missing, then those that differ; each group by name, so the answer is stable.
fn first_difference(expected: &[SchemaObject], found: &[SchemaObject]) -> Option<String> {
    let by_key = |objects: &[SchemaObject]| -> BTreeMap<(String, String), SchemaObject> {
        objects
            .iter()
            .map(|object| ((object.name.clone(), object.kind.clone()), object.clone()))
            .collect()
    };
    let expected = by_key(expected);
    let found = by_key(found);
    if let Some(extra) = found.iter().find(|(key, _)| !expected.contains_key(*key)) {
        return Some(format!(
            "there is {} that the workbench did not make",
            describe(extra.1, Article::A)
        ));
    }
    if let Some(missing) = expected.iter().find(|(key, _)| !found.contains_key(*key)) {
        return Some(format!(
            "{} that the workbench made is missing",
            describe(missing.1, Article::The)
        ));
    }
    found
        .iter()
        .find(|(key, object)| expected.get(*key) != Some(*object))
        .map(|(_, changed)| {
            format!(
                "{} is defined differently from how the workbench made it",
                describe(changed, Article::The)
            )
        })
}

enum Article {
    A,
    The,
}

/// "a trigger "x" on table change_log", "the table "risk"".
fn describe(object: &SchemaObject, article: Article) -> String {
    let kind = object.kind.as_str();
    let article = match article {
        Article::The => "the",
        Article::A if kind.starts_with(['a', 'e', 'i', 'o', 'u']) => "an",
        Article::A => "a",
    };
    let on_table = match kind {
        "index" | "trigger" => format!(" on table {}", object.table),
        _ => String::new(),
    };
    format!("{article} {kind} \"{}\"{on_table}", object.name)
}

/// The tables of `version` that hold records, which are written only together with change-log
/// entries: every table but the log itself, the catalogue the migrations load, drafts (typed
/// text not yet saved, never logged) and the reference counters.
pub(super) fn record_tables(version: i64) -> rusqlite::Result<Vec<&'static str>> {
    const NOT_RECORDS: &[&str] = &[
        "change_log",
        "change_log_head",
        "control",
        "clause",
        "draft",
        "ref_counter",
    ];
    Ok(expected(version)?
        .iter()
        .filter(|object| object.kind == "table")
        .map(|object| object.name.as_str())
        .filter(|name| !name.starts_with("sqlite_") && !NOT_RECORDS.contains(name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_expects_what_its_migrations_make() {
        assert!(expected(0).unwrap().is_empty());
        let latest = expected(migrations::LATEST).unwrap();
        assert!(latest
            .iter()
            .any(|o| o.kind == "table" && o.name == "change_log_head"));
        // Schema 8 added the head; a file at 7 must not have it.
        assert!(!expected(7)
            .unwrap()
            .iter()
            .any(|o| o.name == "change_log_head"));
        // Schema 9 added two columns: the stored CREATE TABLE of 9 names them, 8's does not.
        let workspace = |version| {
            expected(version)
                .unwrap()
                .iter()
                .find(|o| o.name == "workspace")
                .and_then(|o| o.sql.clone())
                .unwrap()
        };
        assert!(workspace(9).contains("climate_note"));
        assert!(!workspace(8).contains("climate_note"));
    }

    #[test]
    fn the_seeds_leave_the_schema_as_the_schema_steps_make_it() {
        let mut seeded = Connection::open_in_memory().unwrap();
        migrations::migrate(&mut seeded).unwrap();
        let mut found = read_schema(&seeded).unwrap();
        let mut expected = expected(migrations::LATEST).unwrap().to_vec();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(found, expected);
    }

    #[test]
    fn the_first_difference_is_named_in_one_clause() {
        let object = |kind: &str, name: &str, table: &str, sql: &str| SchemaObject {
            kind: kind.into(),
            name: name.into(),
            table: table.into(),
            sql: Some(sql.into()),
        };
        let made = vec![
            object(
                "table",
                "change_log",
                "change_log",
                "CREATE TABLE change_log (seq)",
            ),
            object(
                "index",
                "log_by_seq",
                "change_log",
                "CREATE INDEX log_by_seq ON change_log (seq)",
            ),
        ];
        assert_eq!(first_difference(&made, &made), None);
        let mut planted = made.clone();
        planted.push(object("trigger", "x", "change_log", "CREATE TRIGGER x ..."));
        assert_eq!(
            first_difference(&made, &planted).unwrap(),
            "there is a trigger \"x\" on table change_log that the workbench did not make"
        );
        assert_eq!(
            first_difference(&made, &made[..1]).unwrap(),
            "the index \"log_by_seq\" on table change_log that the workbench made is missing"
        );
        let mut altered = made.clone();
        altered[0].sql = Some("CREATE TABLE change_log (seq, extra)".into());
        assert_eq!(
            first_difference(&made, &altered).unwrap(),
            "the table \"change_log\" is defined differently from how the workbench made it"
        );
        // A view where the workbench made a table is one it did not make.
        let mut swapped = made.clone();
        swapped[0].kind = "view".into();
        assert_eq!(
            first_difference(&made, &swapped).unwrap(),
            "there is a view \"change_log\" that the workbench did not make"
        );
    }
}
