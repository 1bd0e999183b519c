//! Replaying the change log: the records as its entries say they are.
//!
//! Every change the workbench makes is logged field by field (create, update, delete) in the
//! transaction that makes it, so the log, replayed from its first entry, gives every record
//! with every field. `isms verify` compares that with the tables: a row edited, added or
//! removed behind the workbench's back no longer matches. Replaying also checks the log
//! against itself: an update's old value must be the value the log gave the field before.
//!
//! Values are compared as the log writes them (text; numbers in decimal); an empty text and
//! no value are the same, as the log never writes an empty field of a new record.

use std::collections::HashMap;
use std::rc::Rc;

use super::changelog::{ChangeEntry, Operation};

/// A record's non-empty fields: a short list (a record has a few dozen fields at most), the
/// names shared between records, so that a log of hundreds of thousands of entries replays in
/// little memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(Vec<(Rc<str>, String)>);

impl Fields {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| &**name == field)
            .map(|(_, value)| value.as_str())
    }

    fn set(&mut self, field: Rc<str>, value: String) {
        match self.0.iter_mut().find(|(name, _)| *name == field) {
            Some(slot) => slot.1 = value,
            None => self.0.push((field, value)),
        }
    }

    fn remove(&mut self, field: &str) {
        self.0.retain(|(name, _)| &**name != field);
    }

    /// Adds or replaces a field (for values derived from the record, such as a count).
    pub fn with(mut self, field: &str, value: String) -> Fields {
        self.set(Rc::from(field), value);
        self
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| &**name)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One record as the log has it so far: its non-empty fields, and whether it still exists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayedRecord {
    pub live: bool,
    /// Deleted once: references are never reused, so it may not be created again.
    pub deleted: bool,
    /// The entry that created it (0 for a record a migration made).
    pub created: i64,
    pub fields: Fields,
}

/// An entry that does not follow from the entries before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    pub seq: i64,
    pub record: String,
    pub field: String,
    pub problem: String,
}

/// The records as the log has them after the entries applied so far.
#[derive(Debug, Default)]
pub struct Replay {
    records: HashMap<String, ReplayedRecord>,
    /// Each field name once.
    names: HashMap<String, Rc<str>>,
    /// The record and operation of the previous entry: a record created or deleted as a whole
    /// takes one entry per field, one after another.
    previous: Option<(String, Operation)>,
}

/// An empty text is no value.
pub fn normalized(value: Option<&str>) -> Option<&str> {
    value.filter(|text| !text.is_empty())
}

impl Replay {
    /// A record that exists without a log entry: one a migration made with its defaults (the
    /// SoA's decision rows, one per control, say).
    pub fn seed<'a>(
        &mut self,
        reference: &str,
        fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let mut kept = Fields::default();
        for (field, value) in fields {
            if !value.is_empty() {
                let name = self.name(field);
                kept.set(name, value.to_string());
            }
        }
        let fields = kept;
        let record = ReplayedRecord {
            live: true,
            deleted: false,
            created: 0,
            fields,
        };
        self.records.insert(reference.to_string(), record);
    }

    /// Applies the next entry of the log (in order of sequence number).
    pub fn apply(&mut self, entry: &ChangeEntry) -> Result<(), Inconsistency> {
        self.apply_with(entry, entry.new.clone())
    }

    /// [`Replay::apply`], the entry's new value moved into the record rather than copied, so
    /// that a long text is held once.
    pub fn apply_owned(&mut self, mut entry: ChangeEntry) -> Result<(), Inconsistency> {
        let new = entry.new.take();
        self.apply_with(&entry, new)
    }

    /// `new`: the entry's new value.
    fn apply_with(
        &mut self,
        entry: &ChangeEntry,
        new: Option<String>,
    ) -> Result<(), Inconsistency> {
        let problem = |problem: String| Inconsistency {
            seq: entry.seq,
            record: entry.record.clone(),
            field: entry.field.clone(),
            problem,
        };
        let continues = self.previous.as_ref().is_some_and(|(record, operation)| {
            *record == entry.record && *operation == entry.operation
        });
        let old = normalized(entry.old.as_deref());
        let new = new.filter(|text| !text.is_empty());
        let name = self.name(&entry.field);
        let record = self.records.entry(entry.record.clone()).or_default();
        let current = record.fields.get(&entry.field);
        match entry.operation {
            Operation::Create => {
                if record.live && !continues {
                    return Err(problem("it creates a record that already exists".into()));
                }
                if record.deleted && !continues {
                    return Err(problem(
                        "it creates a record again after it was deleted".into(),
                    ));
                }
                if current.is_some() {
                    return Err(problem("it gives a new record the same field twice".into()));
                }
                if !record.live {
                    record.created = entry.seq;
                }
                record.live = true;
            }
            Operation::Update => {
                if !record.live {
                    return Err(problem("it changes a record that does not exist".into()));
                }
                if old != current {
                    return Err(problem(
                        "its old value is not the value the log gave the field before".into(),
                    ));
                }
            }
            Operation::Delete => {
                if !record.live && !continues {
                    return Err(problem("it deletes a record that does not exist".into()));
                }
                if old != current {
                    return Err(problem(
                        "the value it deletes is not the value the log gave the field before"
                            .into(),
                    ));
                }
                record.live = false;
                record.deleted = true;
            }
        }
        match (entry.operation, new) {
            (Operation::Delete, _) | (_, None) => {
                record.fields.remove(&entry.field);
            }
            (_, Some(new)) => {
                record.fields.set(name, new);
            }
        }
        self.previous = Some((entry.record.clone(), entry.operation));
        Ok(())
    }

    /// The fields of a record that exists, by reference.
    pub fn record(&self, reference: &str) -> Option<&Fields> {
        self.records
            .get(reference)
            .filter(|record| record.live)
            .map(|record| &record.fields)
    }

    /// The shared name of a field.
    fn name(&mut self, field: &str) -> Rc<str> {
        if let Some(name) = self.names.get(field) {
            return Rc::clone(name);
        }
        let name: Rc<str> = Rc::from(field);
        self.names.insert(field.to_string(), Rc::clone(&name));
        name
    }

    /// The entry that created a record that exists (0 for one a migration made).
    pub fn created(&self, reference: &str) -> Option<i64> {
        self.records
            .get(reference)
            .filter(|record| record.live)
            .map(|record| record.created)
    }

    /// Every record that exists, in no particular order.
    pub fn live(&self) -> impl Iterator<Item = (&str, &Fields)> {
        self.records
            .iter()
            .filter(|(_, record)| record.live)
            .map(|(reference, record)| (reference.as_str(), &record.fields))
    }

    /// Every reference the log ever created (deleted ones too).
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.records.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        seq: i64,
        record: &str,
        operation: Operation,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> ChangeEntry {
        ChangeEntry {
            seq,
            at: "2026-11-28T09:00:00Z".into(),
            actor: "a".into(),
            record: record.into(),
            operation,
            field: field.into(),
            old: old.map(str::to_string),
            new: new.map(str::to_string),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn replayed(entries: &[ChangeEntry]) -> Result<Replay, Inconsistency> {
        let mut replay = Replay::default();
        for entry in entries {
            replay.apply(entry)?;
        }
        Ok(replay)
    }

    use Operation::{Create, Delete, Update};

    #[test]
    fn a_record_is_its_creation_with_its_updates() {
        let replay = replayed(&[
            entry(1, "R-001", Create, "title", None, Some("Laptop theft")),
            entry(2, "R-001", Create, "likelihood", None, Some("3")),
            entry(3, "R-001", Update, "likelihood", Some("3"), Some("4")),
            entry(4, "R-001", Update, "title", Some("Laptop theft"), Some("")),
        ])
        .unwrap();
        let record = replay.record("R-001").unwrap();
        assert_eq!(record.get("likelihood"), Some("4"));
        assert_eq!(record.get("title"), None, "an emptied field is no value");
    }

    #[test]
    fn a_deleted_record_is_gone_but_remembered() {
        let replay = replayed(&[
            entry(1, "A-001", Create, "name", None, Some("CRM")),
            entry(2, "A-001", Create, "owner", None, Some("Ann")),
            entry(3, "A-001", Delete, "name", Some("CRM"), None),
            entry(4, "A-001", Delete, "owner", Some("Ann"), None),
        ])
        .unwrap();
        assert!(replay.record("A-001").is_none());
        assert_eq!(replay.live().count(), 0);
        assert_eq!(replay.references().collect::<Vec<_>>(), ["A-001"]);
    }

    #[test]
    fn entries_that_do_not_follow_from_the_log_are_found() {
        let created = entry(1, "R-001", Create, "title", None, Some("x"));
        let cases = [
            (
                vec![entry(1, "R-001", Update, "title", None, Some("x"))],
                "does not exist",
            ),
            (
                vec![
                    created.clone(),
                    entry(2, "R-001", Update, "title", Some("y"), Some("z")),
                ],
                "old value",
            ),
            (
                vec![
                    created.clone(),
                    entry(2, "R-002", Create, "title", None, Some("y")),
                    entry(3, "R-001", Create, "owner", None, Some("z")),
                ],
                "already exists",
            ),
            (
                vec![
                    created.clone(),
                    entry(2, "R-001", Delete, "title", Some("x"), None),
                    entry(3, "R-001", Create, "title", None, Some("x")),
                ],
                "after it was deleted",
            ),
            (
                vec![
                    created.clone(),
                    entry(2, "R-001", Delete, "title", Some("x"), None),
                    entry(3, "R-002", Create, "title", None, Some("y")),
                    entry(4, "R-001", Delete, "title", None, None),
                ],
                "does not exist",
            ),
            (
                vec![created, entry(2, "R-001", Delete, "title", Some("q"), None)],
                "deletes",
            ),
        ];
        for (entries, expected) in cases {
            let error = replayed(&entries).unwrap_err();
            assert!(error.problem.contains(expected), "{expected}: {error:?}");
        }
    }

    #[test]
    fn seeded_records_start_with_their_defaults() {
        let mut replay = Replay::default();
        replay.seed("5.1", [("applicability", "undecided"), ("how", "")]);
        replay
            .apply(&entry(
                1,
                "5.1",
                Update,
                "applicability",
                Some("undecided"),
                Some("yes"),
            ))
            .unwrap();
        let record = replay.record("5.1").unwrap();
        assert_eq!(record.len(), 1);
        assert_eq!(record.get("applicability"), Some("yes"));
    }
}
