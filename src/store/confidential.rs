//! The confidential marks (`confidential_field`, `CF-001`): one record's field marked
//! confidential or not, written through the one write path and logged like any other record.

use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::Row;

use super::records::{Record, Writer};
use super::row::text;
use super::Store;
use crate::domain::confidential::{ConfidentialMark, Confidentiality};
use crate::domain::FieldError;

impl Record for ConfidentialMark {
    const TABLE: &'static str = "confidential_field";
    const PREFIX: &'static str = "CF";
    const FIELDS: &'static [&'static str] = &["record", "field", "confidential"];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.record),
            text(&self.field),
            Value::Integer(i64::from(self.confidential)),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(ConfidentialMark {
            record: row.get(offset)?,
            field: row.get(offset + 1)?,
            confidential: row.get::<_, i64>(offset + 2)? != 0,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.record.trim().is_empty() {
            errors.push(FieldError::new(
                "record",
                "A mark needs the record it is on.",
            ));
        }
        if self.field.trim().is_empty() {
            errors.push(FieldError::new("field", "A mark needs the field it is on."));
        }
        errors
    }
}

impl Store {
    /// Every confidential mark, over the defaults.
    pub fn confidentiality(&self) -> Result<Confidentiality> {
        Ok(Confidentiality::new(
            self.list::<ConfidentialMark>()?
                .into_iter()
                .map(|stored| stored.value),
        ))
    }

    /// Marks (or unmarks) one field of one record confidential.
    pub fn set_confidential(
        &mut self,
        record: &str,
        field: &str,
        confidential: bool,
    ) -> Result<()> {
        self.write(|writer| {
            writer.set_confidential(&ConfidentialMark::new(record, field, confidential))
        })
    }
}

impl Writer<'_> {
    /// Saves a mark: updates the record's mark on that field if there is one, or adds it.
    pub fn set_confidential(&mut self, mark: &ConfidentialMark) -> Result<()> {
        let existing = self
            .list::<ConfidentialMark>()?
            .into_iter()
            .find(|stored| stored.value.record == mark.record && stored.value.field == mark.field);
        match existing {
            Some(stored) => {
                self.update(&stored.reference, mark)?;
            }
            None => {
                self.insert(mark)?;
            }
        }
        Ok(())
    }

    /// Saves the marks of a record just inserted as `reference` (their `record` may be empty
    /// when the form did not know the reference yet).
    pub fn set_confidential_marks(
        &mut self,
        reference: &str,
        marks: &[ConfidentialMark],
    ) -> Result<()> {
        for mark in marks {
            let mark = ConfidentialMark::new(reference, &mark.field, mark.confidential);
            self.set_confidential(&mark)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenMode;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("w.sqlite3"),
            OpenMode::Create { organisation: None },
        )
        .unwrap();
        (dir, store)
    }

    #[test]
    fn marks_are_saved_updated_and_logged() {
        let (_dir, mut store) = store();
        assert!(store
            .confidentiality()
            .unwrap()
            .is_confidential("risk", "R-001", "vulnerability"));
        store
            .set_confidential("R-001", "vulnerability", false)
            .unwrap();
        store.set_confidential("R-001", "threat", true).unwrap();
        let marks = store.confidentiality().unwrap();
        assert!(!marks.is_confidential("risk", "R-001", "vulnerability"));
        assert!(marks.is_confidential("risk", "R-001", "threat"));
        // Marking again updates the one mark instead of adding a second.
        store
            .set_confidential("R-001", "vulnerability", true)
            .unwrap();
        let stored = store.list::<ConfidentialMark>().unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].reference, "CF-001");
        assert!(store
            .confidentiality()
            .unwrap()
            .is_confidential("risk", "R-001", "vulnerability"));
        let history = store.history("CF-001").unwrap();
        assert!(history.len() >= 2, "created and updated: {history:?}");
    }

    #[test]
    fn marks_go_with_the_record_in_one_transaction() {
        let (_dir, mut store) = store();
        let failed: Result<()> = store.write(|writer| {
            writer.set_confidential_marks(
                "R-009",
                &[ConfidentialMark::new("", "description", true)],
            )?;
            anyhow::bail!("the record's save failed")
        });
        assert!(failed.is_err());
        assert!(store.list::<ConfidentialMark>().unwrap().is_empty());
    }
}
