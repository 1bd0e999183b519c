//! Drafts: text typed into an open editor and not yet saved, kept per record and field so that
//! a crash or a kill loses at most the last couple of seconds of typing.
//!
//! Drafts are NOT edits. They are written in their own small transaction, outside
//! [`Store::write`] and so outside the change log: the change log records saved changes only,
//! and a draft becomes one only when the user saves the form. Drafts are not exported either
//! (see `workspace_dump.rs`).

use anyhow::Result;
use rusqlite::params;

use super::Store;

/// The record key of a form for a record not saved yet: `new:<table>` (`new:risk`, say).
pub fn new_record_key(table: &str) -> String {
    format!("new:{table}")
}

/// One field's unsaved text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The record's reference (`R-001`), or [`new_record_key`] for a record not saved yet.
    pub record: String,
    /// The field's key, as the form names it.
    pub field: String,
    pub text: String,
    /// When it was saved, RFC 3339 in UTC.
    pub saved_at: String,
}

impl Store {
    /// Replaces the drafts of `record` by `fields` (field key, text), in one small transaction
    /// of its own, outside the change log (drafts are not edits). An empty list removes them.
    pub fn save_drafts(&mut self, record: &str, fields: &[(String, String)]) -> Result<()> {
        let at = self.now();
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM draft WHERE record = ?1", [record])?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO draft (record, field, text, saved_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (field, text) in fields {
                insert.execute(params![record, field, text, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every draft, oldest record first, then by field.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record, field, text, saved_at FROM draft
             ORDER BY (SELECT min(saved_at) FROM draft d WHERE d.record = draft.record),
                      record, field",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(Draft {
                record: row.get(0)?,
                field: row.get(1)?,
                text: row.get(2)?,
                saved_at: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Removes the drafts of one record (its form was saved or discarded).
    pub fn delete_drafts(&mut self, record: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM draft WHERE record = ?1", [record])?;
        Ok(())
    }

    /// Removes every draft (the user declined to restore them).
    pub fn delete_all_drafts(&mut self) -> Result<()> {
        self.conn.execute("DELETE FROM draft", [])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenMode;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(
            &dir.path().join("w.sqlite3"),
            OpenMode::Create { organisation: None },
        )
        .unwrap();
        store.set_fixed_time("2026-11-28T09:30:00Z");
        (dir, store)
    }

    fn pair(field: &str, text: &str) -> (String, String) {
        (field.to_string(), text.to_string())
    }

    #[test]
    fn drafts_are_saved_replaced_and_deleted_per_record() {
        let (_dir, mut store) = store();
        let log = store.change_log_len().unwrap();
        store
            .save_drafts("R-001", &[pair("threat", "Ransomware"), pair("plan", "x")])
            .unwrap();
        store
            .save_drafts(&new_record_key("asset"), &[pair("name", "Laptop")])
            .unwrap();
        let drafts = store.drafts().unwrap();
        assert_eq!(drafts.len(), 3);
        assert_eq!(drafts[0].record, "R-001");
        assert_eq!(drafts[0].field, "plan");
        assert_eq!(drafts[1].text, "Ransomware");
        assert_eq!(drafts[2].record, "new:asset");
        assert_eq!(drafts[0].saved_at, "2026-11-28T09:30:00Z");
        // Saving again replaces the record's drafts as a whole.
        store
            .save_drafts("R-001", &[pair("threat", "Ransomware gang")])
            .unwrap();
        let drafts = store.drafts().unwrap();
        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[0].text, "Ransomware gang");
        store.delete_drafts("R-001").unwrap();
        assert_eq!(store.drafts().unwrap().len(), 1);
        store.delete_all_drafts().unwrap();
        assert!(store.drafts().unwrap().is_empty());
        // Drafts are not edits: the change log did not move.
        assert_eq!(store.change_log_len().unwrap(), log);
    }

    #[test]
    fn drafts_are_not_exported() {
        let (_dir, mut store) = store();
        store
            .save_drafts("R-001", &[pair("threat", "secret")])
            .unwrap();
        let dump = store.dump().unwrap();
        assert!(dump.table("draft").is_none());
        assert!(store.tables().unwrap().iter().all(|t| t.name != "draft"));
    }
}
