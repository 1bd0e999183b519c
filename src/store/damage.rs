//! Values the workbench never writes: text that is not valid UTF-8, and binary data (a BLOB)
//! where every column holds text or numbers. Only another program writes them, so finding one
//! is finding damage; it is named by table, record (or change-log entry) and column, in one
//! sentence, instead of the reader's internal message.

use std::fmt;

use rusqlite::types::{FromSqlError, Type, ValueRef};
use rusqlite::Connection;

use super::Store;

/// One damaged value: where it is and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedValue {
    pub table: String,
    /// The row as a user finds it: `record R-003`, `change-log entry 7`, `a link of record
    /// R-001`, `the row with id 5.1`, or `row 3` (counting from 1) when nothing names it.
    pub row: String,
    pub column: String,
    /// Binary data, rather than text that is not UTF-8.
    pub binary: bool,
}

impl fmt::Display for DamagedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is damaged: column {} of table {} holds {}",
            self.row,
            self.column,
            self.table,
            if self.binary {
                "binary data where text or a number belongs"
            } else {
                "text that is not valid UTF-8"
            }
        )
    }
}

impl std::error::Error for DamagedValue {}

impl DamagedValue {
    /// The sentence a command prints: what is damaged, and what to do.
    pub fn sentence(&self) -> String {
        format!(
            "{self}; the file was changed outside the workbench, and `isms verify` checks all of it"
        )
    }
}

/// Whether `value` is one the workbench never writes.
fn damaged(value: ValueRef<'_>) -> Option<bool> {
    match value {
        ValueRef::Blob(_) => Some(true),
        ValueRef::Text(bytes) if std::str::from_utf8(bytes).is_err() => Some(false),
        _ => None,
    }
}

fn text_of(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Text(bytes) => std::str::from_utf8(bytes).ok().map(str::to_string),
        ValueRef::Integer(number) => Some(number.to_string()),
        _ => None,
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The first damaged value of the file, table by table in name order and row by row; `None`
/// when every value is text, a number or null. Reads every value: for `isms verify`, and for
/// naming the damage after a read failed.
pub(super) fn find(conn: &Connection) -> rusqlite::Result<Option<DamagedValue>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'
         ORDER BY name",
    )?;
    let mut tables = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        // A table whose name is not text is the schema check's to find (`isms verify`).
        if let Some(name) = text_of(row.get_ref(0)?) {
            tables.push(name);
        }
    }
    drop(rows);
    for table in tables {
        if let Some(found) = find_in(conn, &table)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn find_in(conn: &Connection, table: &str) -> rusqlite::Result<Option<DamagedValue>> {
    // The names come from the table's definition, read as bytes: a name that is not UTF-8
    // is damage to name, where the statement's own column names would panic the reader.
    let mut columns: Vec<String> = Vec::new();
    {
        let mut info = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
        let mut rows = info.query([table])?;
        while let Some(row) = rows.next()? {
            match row.get_ref(0)? {
                ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                    Ok(name) => columns.push(name.to_string()),
                    Err(_) => {
                        return Ok(Some(DamagedValue {
                            table: table.to_string(),
                            row: "the table's definition".into(),
                            column: String::from_utf8_lossy(bytes).into_owned(),
                            binary: false,
                        }))
                    }
                },
                _ => columns.push(String::new()),
            }
        }
    }
    let mut stmt = conn.prepare(&format!("SELECT * FROM {}", quote(table)))?;
    let keys: Vec<usize> = {
        let mut info =
            conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
        let names = info.query_map([table], |row| row.get::<_, String>(0))?;
        let names: Vec<String> = names.collect::<rusqlite::Result<_>>()?;
        names
            .iter()
            .filter_map(|name| columns.iter().position(|c| c == name))
            .collect()
    };
    let at = |name: &str| columns.iter().position(|c| c == name);
    let mut rows = stmt.query([])?;
    let mut number = 0;
    while let Some(row) = rows.next()? {
        number += 1;
        for (index, column) in columns.iter().enumerate() {
            let Some(binary) = damaged(row.get_ref(index)?) else {
                continue;
            };
            let value = |name: &str| -> Option<String> {
                at(name).and_then(|i| row.get_ref(i).ok().and_then(text_of))
            };
            let named = if table == "change_log" {
                value("seq").map(|seq| format!("change-log entry {seq}"))
            } else if let Some(reference) = value("ref") {
                Some(format!("record {reference}"))
            } else if let Some(owner) = value("owner") {
                Some(format!("a link of record {owner}"))
            } else {
                let parts: Option<Vec<String>> = keys
                    .iter()
                    .map(|&i| {
                        let value = row.get_ref(i).ok().and_then(text_of)?;
                        Some(format!("{} {value}", columns[i]))
                    })
                    .collect();
                parts
                    .filter(|parts| !parts.is_empty())
                    .map(|parts| format!("the row with {}", parts.join(", ")))
            };
            return Ok(Some(DamagedValue {
                table: table.to_string(),
                row: named.unwrap_or_else(|| format!("row {number}")),
                column: column.clone(),
                binary,
            }));
        }
    }
    Ok(None)
}

/// Whether `error` is a reader's failure to take a stored value as text or a number: what a
/// damaged value gives.
fn is_decoding(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        if cause.is::<std::str::Utf8Error>() {
            return true;
        }
        match cause.downcast_ref::<rusqlite::Error>() {
            Some(rusqlite::Error::InvalidColumnType(..)) => true,
            Some(rusqlite::Error::FromSqlConversionFailure(_, Type::Text | Type::Blob, _)) => true,
            _ => matches!(
                cause.downcast_ref::<FromSqlError>(),
                Some(FromSqlError::InvalidType)
            ),
        }
    })
}

impl Store {
    /// `error` from reading this workspace, or, when it came from a damaged value, the one
    /// sentence naming that value (table, record, column) and what to do.
    pub fn explain(&self, error: anyhow::Error) -> anyhow::Error {
        let known = error
            .chain()
            .find_map(|c| c.downcast_ref::<DamagedValue>())
            .cloned();
        if known.is_none() && !is_decoding(&error) {
            return error;
        }
        // The scan names the row best (a record's reference, a change-log entry's number).
        match find(&self.conn).ok().flatten().or(known) {
            Some(found) => anyhow::anyhow!("{}: {}", self.path.display(), found.sentence()),
            None => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenMode;

    fn damaged_store(sql: &str) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        let store = Store::open(&path, OpenMode::Create { organisation: None }).unwrap();
        store.conn.execute_batch(sql).unwrap();
        (dir, store)
    }

    #[test]
    fn a_sound_workspace_has_no_damaged_value() {
        let (_dir, store) = damaged_store("");
        assert_eq!(find(&store.conn).unwrap(), None);
    }

    #[test]
    fn bad_text_and_binary_data_are_named_by_table_record_and_column() {
        let (_dir, store) =
            damaged_store("UPDATE workspace SET organisation = CAST(x'ff' AS TEXT)");
        let found = find(&store.conn).unwrap().unwrap();
        assert_eq!(
            found.to_string(),
            "record WS is damaged: column organisation of table workspace holds text that is \
             not valid UTF-8"
        );
        let (_dir, store) = damaged_store("UPDATE change_log SET new = x'00ff' WHERE seq = 1");
        let found = find(&store.conn).unwrap().unwrap();
        assert_eq!(found.row, "change-log entry 1");
        assert_eq!(
            (found.table.as_str(), found.column.as_str()),
            ("change_log", "new")
        );
        assert!(found.binary);
        let (_dir, store) = damaged_store("UPDATE clause SET title = x'00' WHERE id = '4.1'");
        assert_eq!(
            find(&store.conn).unwrap().unwrap().row,
            "the row with id 4.1"
        );
    }

    #[test]
    fn a_column_name_that_is_not_utf8_is_named_not_a_panic() {
        let (_dir, store) = damaged_store(
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_schema
             SET sql = CAST(replace(sql, 'reviewer', 'rev' || CAST(x'ff' AS TEXT) || 'ewer') AS TEXT)
             WHERE name = 'document';",
        );
        // A new connection reads the changed definition.
        let conn = Connection::open(store.path()).unwrap();
        let found = find(&conn).unwrap().unwrap();
        assert_eq!(found.table, "document");
        assert_eq!(found.row, "the table's definition");
        assert!(!found.binary);
    }

    #[test]
    fn a_read_that_failed_on_a_damaged_value_is_explained_in_one_sentence() {
        let (_dir, store) = damaged_store("UPDATE workspace SET organisation = x'00ff'");
        let error = store.workspace().map(|_| ()).expect_err("unreadable");
        let said = format!("{:#}", store.explain(error));
        assert!(
            said.starts_with(&format!(
                "{}: record WS is damaged: column organisation of table workspace",
                store.path().display()
            )),
            "{said}"
        );
        assert_eq!(said.lines().count(), 1);
        // Any other error is left as it is.
        let other = store.explain(anyhow::anyhow!("disk full"));
        assert_eq!(other.to_string(), "disk full");
    }
}
