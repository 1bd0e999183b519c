//! The change log is the truth of the file: replayed from its first entry, it must give
//! exactly the rows of every table. `isms verify` runs this after the hash chain verified, so
//! a record edited, added or removed with another tool (whose change would need a log entry
//! with a valid chain to pass) is found and named by table, record and field.
//!
//! Every table of the schema is one of:
//! - a record table or one of its link tables (compared with the replayed records);
//! - reference data this build ships (`control`, `clause`: compared with the catalogue);
//! - `soa_version_row`, the frozen copy an SoA approval makes (compared with the decisions
//!   replayed to the approval's entry);
//! - `ref_counter` (each series at least at the highest number the log ever gave);
//! - the log and its head (checked by the chain);
//! - `draft`, excluded: unsaved typing is not an edit and is never shown as a record.
//!
//! A test holds this list to the schema, so a table added later must say which it is.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use rusqlite::Result;

use super::changelog::{entry_from_row, SELECT_ENTRY};
use super::migrations::reference_tables;
use super::records::{Link, Record};
use super::workspace_dump::numbered;
use crate::domain::asset::Asset;
use crate::domain::audit::{Audit, ChecklistItem, Nonconformity};
use crate::domain::certification::{BudgetLine, CertificationPlan, Milestone};
use crate::domain::changelog::Operation;
use crate::domain::confidential::ConfidentialMark;
use crate::domain::document::Document;
use crate::domain::method::RiskMethod;
use crate::domain::replay::{normalized, Fields, Inconsistency, Replay};
use crate::domain::review::{Measurement, Objective, Review, ReviewAction};
use crate::domain::risk::Risk;
use crate::domain::scope::{ContextIssue, InterestedParty, ScopeItem};
use crate::domain::soa::SoaDecision;
use crate::domain::workspace::Workspace;

use super::soa::SoaVersion;

/// A record table as the log describes it: its columns are the logged fields.
pub(super) struct RecordTable {
    pub table: &'static str,
    pub fields: &'static [&'static str],
    pub links: &'static [Link],
}

fn of<R: Record>() -> RecordTable {
    RecordTable {
        table: R::TABLE,
        fields: R::FIELDS,
        links: R::LINKS,
    }
}

/// Every record type the store keeps.
pub(super) fn record_tables() -> Vec<RecordTable> {
    vec![
        of::<Workspace>(),
        of::<ContextIssue>(),
        of::<InterestedParty>(),
        of::<ScopeItem>(),
        of::<RiskMethod>(),
        of::<Asset>(),
        of::<Risk>(),
        of::<SoaDecision>(),
        of::<SoaVersion>(),
        of::<Document>(),
        of::<Audit>(),
        of::<ChecklistItem>(),
        of::<Nonconformity>(),
        of::<Review>(),
        of::<ReviewAction>(),
        of::<Objective>(),
        of::<Measurement>(),
        of::<CertificationPlan>(),
        of::<Milestone>(),
        of::<BudgetLine>(),
        of::<ConfidentialMark>(),
    ]
}

/// The tables that hold no records, each with how `isms verify` holds it to the log.
pub(super) const OTHER_TABLES: &[(&str, &str)] = &[
    ("change_log", "the log itself: its hash chain"),
    (
        "change_log_head",
        "the log's newest entry: compared with the log",
    ),
    (
        "control",
        "reference data: compared with this build's catalogue",
    ),
    (
        "clause",
        "reference data: compared with this build's catalogue",
    ),
    (
        "soa_version_row",
        "an approval's frozen SoA: compared with the replay",
    ),
    (
        "ref_counter",
        "numbering: at least the highest number the log gave",
    ),
    ("draft", "excluded: unsaved typing, not an edit"),
];

/// Where the records and the log disagree, or where the log disagrees with itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayProblem {
    Log(Inconsistency),
    /// A record the log holds and no table does.
    Missing {
        record: String,
    },
    Table {
        table: String,
        record: String,
        field: Option<String>,
        problem: String,
    },
}

impl fmt::Display for ReplayProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayProblem::Log(found) => write!(
                f,
                "change-log entry {} (record {}, field {}) does not follow from the entries \
                 before it: {}",
                found.seq, found.record, found.field, found.problem
            ),
            ReplayProblem::Missing { record } => write!(
                f,
                "record {record} is in the change log but in no table, so it was deleted \
                 outside the workbench"
            ),
            ReplayProblem::Table {
                table,
                record,
                field,
                problem,
            } => {
                write!(f, "table {table}, {record}")?;
                if let Some(field) = field {
                    write!(f, ", field {field}")?;
                }
                write!(f, ": {problem}")
            }
        }
    }
}

fn table_problem(table: &str, record: &str, field: Option<&str>, problem: String) -> ReplayProblem {
    ReplayProblem::Table {
        table: table.to_string(),
        record: record.to_string(),
        field: field.map(str::to_string),
        problem,
    }
}

/// A value as a message quotes it: short, and "nothing" for none.
fn quoted(value: Option<&str>) -> String {
    const LONGEST: usize = 40;
    match value {
        None => "nothing".into(),
        // Quoted with Rust's escapes, so that a line break or an invisible character (a
        // zero-width space, say) shows where the two values differ.
        Some(text) if text.chars().count() > LONGEST => {
            let cut: String = text.chars().take(LONGEST).collect();
            format!("{cut:?}…")
        }
        Some(text) => format!("{text:?}"),
    }
}

fn disagreement(stored: Option<&str>, logged: Option<&str>) -> String {
    format!(
        "the file holds {} where the change log says {}, so it was changed outside the \
         workbench",
        quoted(stored),
        quoted(logged)
    )
}

/// A stored value as the log writes it, or `Err` naming why it cannot be one.
fn logged_text(value: ValueRef<'_>) -> Result<Option<String>, String> {
    logged_str(value).map(|text| text.map(Cow::into_owned))
}

/// [`logged_text`], a text borrowed where SQLite holds it (a long one is then not copied).
fn logged_str(value: ValueRef<'_>) -> Result<Option<Cow<'_, str>>, String> {
    Ok(match value {
        ValueRef::Null => None,
        ValueRef::Integer(number) => Some(number.to_string().into()),
        ValueRef::Real(number) => Some(number.to_string().into()),
        ValueRef::Text(bytes) => Some(
            std::str::from_utf8(bytes)
                .map_err(|_| "it holds text that is not valid UTF-8".to_string())?
                .into(),
        ),
        ValueRef::Blob(_) => return Err("it holds binary data".into()),
    }
    .filter(|text: &Cow<'_, str>| !text.is_empty()))
}

/// One row of an approval's frozen SoA: the decision's fields and the count of linked risks.
type FrozenRow = Fields;

/// The records the log gives, and what follows from them, at one entry of the log.
pub(super) struct Expected {
    replay: Replay,
    /// Per approved SoA version, per control: the row its approval froze.
    frozen: HashMap<String, HashMap<String, FrozenRow>>,
    /// Per numbered series (`R`, `IA-2026`), the highest number the log gave.
    highest: HashMap<String, u64>,
}

pub(super) fn table_exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [name],
        |row| row.get(0),
    )
}

/// Replays the log of `conn` up to entry `upto` (all of it for `None`).
pub(super) fn replay(
    conn: &Connection,
    upto: Option<i64>,
) -> Result<std::result::Result<Expected, ReplayProblem>> {
    let mut replay = Replay::default();
    // Migration 3 made one decision per control with its defaults, without log entries.
    if table_exists(conn, SoaDecision::TABLE)? {
        let defaults = SoaDecision::default();
        let values: Vec<Option<String>> = {
            use super::records::Record as _;
            defaults
                .values()
                .iter()
                .map(|value| logged_text(ValueRef::from(value)).ok().flatten())
                .collect()
        };
        for control in crate::domain::catalogue::controls() {
            replay.seed(
                &control.id,
                SoaDecision::FIELDS
                    .iter()
                    .zip(&values)
                    .filter_map(|(field, value)| Some((*field, value.as_deref()?))),
            );
        }
    }
    let mut expected = Expected {
        replay,
        frozen: HashMap::new(),
        highest: HashMap::new(),
    };
    let mut stmt = conn.prepare(&format!("{SELECT_ENTRY} WHERE seq <= ?1 ORDER BY seq"))?;
    let mut rows = stmt.query([upto.unwrap_or(i64::MAX)])?;
    while let Some(row) = rows.next()? {
        let entry = entry_from_row(row)?;
        if entry.operation == Operation::Create && expected.replay.record(&entry.record).is_none() {
            if let Some((series, number)) = numbered(&entry.record) {
                let highest = expected.highest.entry(series.to_string()).or_default();
                *highest = (*highest).max(number);
                if series == SoaVersion::PREFIX {
                    let frozen = freeze_soa(&expected.replay);
                    expected.frozen.insert(entry.record.clone(), frozen);
                }
            }
        }
        // Moved, not copied: a long text of the log is held once more, not twice.
        if let Err(found) = expected.replay.apply_owned(entry) {
            return Ok(Err(ReplayProblem::Log(found)));
        }
    }
    Ok(Ok(expected))
}

/// The SoA as an approval at this point of the replay freezes it (see `Writer::approve_soa`).
fn freeze_soa(replay: &Replay) -> HashMap<String, FrozenRow> {
    let controls_field = <Risk as Record>::LINKS
        .iter()
        .find(|link| link.table == "risk_control")
        .map_or("controls", |link| link.field);
    let mut linked: HashMap<&str, i64> = HashMap::new();
    for (reference, fields) in replay.live() {
        if numbered(reference).is_some_and(|(series, _)| series == Risk::PREFIX) {
            if let Some(controls) = fields.get(controls_field) {
                for control in controls.split(", ") {
                    *linked.entry(control).or_default() += 1;
                }
            }
        }
    }
    crate::domain::catalogue::controls()
        .iter()
        .filter_map(|control| {
            let count = linked.get(control.id.as_str()).copied().unwrap_or(0);
            let row = replay
                .record(&control.id)?
                .clone()
                .with("linked_risks", count.to_string());
            Some((control.id.clone(), row))
        })
        .collect()
}

/// Compares the tables of `conn` with what the log gives; the first difference, if any.
pub(super) fn compare(expected: &Expected, conn: &Connection) -> Result<Option<ReplayProblem>> {
    if let Some(table) = unknown_table(conn)? {
        return Ok(Some(table_problem(
            &table,
            "the table itself",
            None,
            "the workbench keeps no such table, so it was added outside the workbench".into(),
        )));
    }
    let mut seen: HashSet<String> = HashSet::new();
    for table in record_tables() {
        if !table_exists(conn, table.table)? {
            continue;
        }
        if let Some(problem) = compare_records(expected, conn, &table, &mut seen)? {
            return Ok(Some(problem));
        }
    }
    // A record the log holds and no table does was deleted behind the workbench's back.
    let mut missing: Vec<&str> = expected
        .replay
        .live()
        .map(|(reference, _)| reference)
        .filter(|reference| !seen.contains(*reference))
        .collect();
    missing.sort_unstable();
    if let Some(reference) = missing.first() {
        return Ok(Some(ReplayProblem::Missing {
            record: reference.to_string(),
        }));
    }
    if let Some(problem) = compare_reference_data(conn)? {
        return Ok(Some(problem));
    }
    if let Some(problem) = compare_frozen_soa(expected, conn)? {
        return Ok(Some(problem));
    }
    compare_counters(expected, conn)
}

/// The names of a table's columns.
fn columns_of(conn: &Connection, table: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = stmt.query_map([table], |row| row.get::<_, String>(0))?;
    names.collect()
}

/// The first table (by name) that is neither a record table, a link table, nor one of
/// [`OTHER_TABLES`]; SQLite's own (`sqlite_...`) are SQLite's.
fn unknown_table(conn: &Connection) -> Result<Option<String>> {
    let mut known: HashSet<&str> = OTHER_TABLES.iter().map(|(name, _)| *name).collect();
    for table in record_tables() {
        known.insert(table.table);
        known.extend(table.links.iter().map(|link| link.table));
    }
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' \
         ORDER BY name",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let name = logged_text(row.get_ref(0)?)
            .ok()
            .flatten()
            .unwrap_or_default();
        if !known.contains(name.as_str()) {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// Reads a link table as owner -> sorted targets.
fn links_of(conn: &Connection, link: &Link) -> Result<HashMap<String, Vec<String>>> {
    let mut by_owner: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT owner, target FROM {} ORDER BY owner, target",
        link.table
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let owner = logged_text(row.get_ref(0)?)
            .ok()
            .flatten()
            .unwrap_or_default();
        // A damaged value is `damage::find`'s to name; here it is no target.
        let target = logged_text(row.get_ref(1)?)
            .ok()
            .flatten()
            .unwrap_or_default();
        by_owner.entry(owner).or_default().push(target);
    }
    Ok(by_owner)
}

fn compare_records(
    expected: &Expected,
    conn: &Connection,
    table: &RecordTable,
    seen: &mut HashSet<String>,
) -> Result<Option<ReplayProblem>> {
    // A file at an older schema has fewer columns and link tables: those it has are compared.
    let columns = columns_of(conn, table.table)?;
    let fields: Vec<&str> = table
        .fields
        .iter()
        .copied()
        .filter(|field| columns.contains(*field))
        .collect();
    let mut links: Vec<(&Link, HashMap<String, Vec<String>>)> = Vec::new();
    for link in table.links {
        if table_exists(conn, link.table)? {
            links.push((link, links_of(conn, link)?));
        }
    }
    let known: HashSet<&str> = fields
        .iter()
        .copied()
        .chain(links.iter().map(|(link, _)| link.field))
        .collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT ref, {} FROM {} ORDER BY rowid",
        fields.join(", "),
        table.table
    ))?;
    let mut rows = stmt.query([])?;
    let mut row_number = 0usize;
    // Lists show records in the order of their `id` (their creation): the log's order.
    let ordered = columns.contains("id");
    let mut previous: Option<(i64, String)> = None;
    while let Some(row) = rows.next()? {
        row_number += 1;
        let reference = match logged_text(row.get_ref(0)?) {
            Ok(Some(reference)) => reference,
            _ => {
                return Ok(Some(table_problem(
                    table.table,
                    &format!("row {row_number}"),
                    Some("ref"),
                    "it has no readable reference".into(),
                )))
            }
        };
        let record = format!("record {reference}");
        let Some(logged) = expected.replay.record(&reference) else {
            return Ok(Some(table_problem(
                table.table,
                &record,
                None,
                "the change log never created this record or has deleted it, so it was added \
                 outside the workbench"
                    .into(),
            )));
        };
        let created = expected.replay.created(&reference).unwrap_or(0);
        if let Some((before, earlier)) = previous.as_ref().filter(|_| ordered) {
            if created < *before {
                return Ok(Some(table_problem(
                    table.table,
                    &record,
                    Some("id"),
                    format!(
                        "the file puts it after record {earlier}, which the change log created \
                         later, so the order was changed outside the workbench"
                    ),
                )));
            }
        }
        previous = Some((created, reference.clone()));
        if !seen.insert(reference.clone()) {
            return Ok(Some(table_problem(
                table.table,
                &record,
                None,
                "a record with this reference is kept twice".into(),
            )));
        }
        for (index, field) in fields.iter().enumerate() {
            let stored = match logged_str(row.get_ref(index + 1)?) {
                Ok(stored) => stored,
                Err(problem) => {
                    return Ok(Some(table_problem(
                        table.table,
                        &record,
                        Some(field),
                        problem,
                    )))
                }
            };
            let logged = logged.get(field);
            if stored.as_deref() != logged {
                return Ok(Some(table_problem(
                    table.table,
                    &record,
                    Some(field),
                    disagreement(stored.as_deref(), logged),
                )));
            }
        }
        for (link, by_owner) in links.iter_mut() {
            let mut targets = by_owner.remove(&reference).unwrap_or_default();
            targets.sort();
            targets.dedup();
            let stored = Some(targets.join(", "));
            let stored = normalized(stored.as_deref());
            let logged = logged.get(link.field);
            if stored != logged {
                return Ok(Some(table_problem(
                    link.table,
                    &record,
                    Some(link.field),
                    disagreement(stored, logged),
                )));
            }
        }
        let mut unknown: Vec<&str> = logged
            .names()
            .filter(|field| !known.contains(field))
            .collect();
        unknown.sort();
        if let Some(field) = unknown.first() {
            return Ok(Some(table_problem(
                table.table,
                &record,
                Some(field),
                "the change log gives this record a field the table has no column for".into(),
            )));
        }
    }
    for (link, by_owner) in links {
        let mut owners: Vec<String> = by_owner.into_keys().collect();
        owners.sort();
        if let Some(owner) = owners.first() {
            return Ok(Some(table_problem(
                link.table,
                &format!("record {owner}"),
                Some(link.field),
                format!("it links a record that table {} does not hold", table.table),
            )));
        }
    }
    Ok(None)
}

/// The catalogue tables against this build's catalogue.
fn compare_reference_data(conn: &Connection) -> Result<Option<ReplayProblem>> {
    for table in reference_tables() {
        if !table_exists(conn, table.name)? {
            continue;
        }
        let mut expected: HashMap<String, Vec<Option<String>>> = table
            .rows
            .iter()
            .map(|row| {
                let values: Vec<Option<String>> = row
                    .iter()
                    .map(|value| logged_text(ValueRef::from(value)).ok().flatten())
                    .collect();
                (values[0].clone().unwrap_or_default(), values)
            })
            .collect();
        let mut stmt = conn.prepare(&format!(
            "SELECT {} FROM {} ORDER BY rowid",
            table.columns.join(", "),
            table.name
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(table.columns.len());
            for index in 0..table.columns.len() {
                values.push(logged_text(row.get_ref(index)?).unwrap_or(None));
            }
            let id = values[0].clone().unwrap_or_default();
            let row_name = format!("row {id}");
            let Some(shipped) = expected.remove(&id) else {
                return Ok(Some(table_problem(
                    table.name,
                    &row_name,
                    None,
                    "this build's catalogue has no such row (added outside the workbench)".into(),
                )));
            };
            for ((column, stored), shipped) in table.columns.iter().zip(&values).zip(&shipped) {
                if stored != shipped {
                    return Ok(Some(table_problem(
                        table.name,
                        &row_name,
                        Some(column),
                        format!(
                            "the file holds {} where this build's catalogue has {}, so it was \
                             changed outside the workbench",
                            quoted(stored.as_deref()),
                            quoted(shipped.as_deref())
                        ),
                    )));
                }
            }
        }
        let mut missing: Vec<String> = expected.into_keys().collect();
        missing.sort();
        if let Some(id) = missing.first() {
            return Ok(Some(table_problem(
                table.name,
                &format!("row {id}"),
                None,
                "this row of the catalogue is missing (removed outside the workbench)".into(),
            )));
        }
    }
    Ok(None)
}

/// The columns of `soa_version_row` after its keys: the decision's fields as
/// [`SoaDecision::FIELDS`] names them (an approval copies them), then the count of linked risks.
fn frozen_columns() -> impl Iterator<Item = &'static str> {
    SoaDecision::FIELDS
        .iter()
        .copied()
        .chain(std::iter::once("linked_risks"))
}

/// Each approved version's frozen rows against the decisions replayed to its approval.
fn compare_frozen_soa(expected: &Expected, conn: &Connection) -> Result<Option<ReplayProblem>> {
    if !table_exists(conn, "soa_version_row")? {
        return Ok(None);
    }
    let mut unseen: HashSet<(String, String)> = HashSet::new();
    for (version, rows) in &expected.frozen {
        if expected.replay.record(version).is_some() {
            unseen.extend(
                rows.keys()
                    .map(|control| (version.clone(), control.clone())),
            );
        }
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT version, control, {} FROM soa_version_row ORDER BY rowid",
        frozen_columns().collect::<Vec<_>>().join(", ")
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let version = logged_text(row.get_ref(0)?)
            .ok()
            .flatten()
            .unwrap_or_default();
        let control = logged_text(row.get_ref(1)?)
            .ok()
            .flatten()
            .unwrap_or_default();
        let record = format!("version {version}, control {control}");
        let frozen = expected
            .replay
            .record(&version)
            .and_then(|_| expected.frozen.get(&version)?.get(&control));
        let Some(frozen) = frozen else {
            return Ok(Some(table_problem(
                "soa_version_row",
                &record,
                None,
                "no approval in the change log froze this row (added outside the workbench)".into(),
            )));
        };
        unseen.remove(&(version.clone(), control.clone()));
        for (index, column) in frozen_columns().enumerate() {
            let stored = match logged_text(row.get_ref(index + 2)?) {
                Ok(stored) => stored,
                Err(problem) => {
                    return Ok(Some(table_problem(
                        "soa_version_row",
                        &record,
                        Some(column),
                        problem,
                    )))
                }
            };
            let logged = frozen.get(column);
            // A count of 0 is a value; the log's empty is not written for it.
            let logged = match (column, logged) {
                ("linked_risks", None) => Some("0"),
                (_, logged) => logged,
            };
            if stored.as_deref() != logged {
                return Ok(Some(table_problem(
                    "soa_version_row",
                    &record,
                    Some(column),
                    disagreement(stored.as_deref(), logged),
                )));
            }
        }
    }
    let mut unseen: Vec<(String, String)> = unseen.into_iter().collect();
    unseen.sort();
    if let Some((version, control)) = unseen.first() {
        return Ok(Some(table_problem(
            "soa_version_row",
            &format!("version {version}, control {control}"),
            None,
            "the approval froze this row but the file no longer holds it".into(),
        )));
    }
    Ok(None)
}

/// Each numbered series' counter is at least the highest number the log gave, so the next
/// record is never given a reference already used.
fn compare_counters(expected: &Expected, conn: &Connection) -> Result<Option<ReplayProblem>> {
    let mut counters: HashMap<String, i64> = HashMap::new();
    let mut stmt = conn.prepare("SELECT prefix, last FROM ref_counter")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if let (Ok(Some(prefix)), ValueRef::Integer(last)) =
            (logged_text(row.get_ref(0)?), row.get_ref(1)?)
        {
            counters.insert(prefix, last);
        }
    }
    let mut series: Vec<(&String, &u64)> = expected.highest.iter().collect();
    series.sort();
    for (prefix, highest) in series {
        let last = counters.get(prefix).copied().unwrap_or(0);
        if u64::try_from(last).map_or(true, |last| last < *highest) {
            return Ok(Some(table_problem(
                "ref_counter",
                &format!("series {prefix}"),
                Some("last"),
                format!(
                    "it is at {last} but the change log gave number {highest} of this series, \
                     so the next record would take a reference already used"
                ),
            )));
        }
    }
    Ok(None)
}

/// Replays the whole log of `conn` and compares it with the tables of `conn`.
pub(super) fn check(conn: &Connection) -> Result<Option<ReplayProblem>> {
    match replay(conn, None)? {
        Ok(expected) => compare(&expected, conn),
        Err(problem) => Ok(Some(problem)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::Date;
    use crate::domain::scope::IssueKind;
    use crate::store::{OpenMode, Store};

    fn store(dir: &tempfile::TempDir) -> Store {
        let mut store = Store::open(
            &dir.path().join("w.sqlite3"),
            OpenMode::Create {
                organisation: Some("Acme".into()),
            },
        )
        .unwrap();
        store.set_fixed_time("2026-11-28T09:00:00Z");
        store
    }

    #[test]
    fn every_table_of_the_schema_says_how_it_is_held_to_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let mut covered: HashSet<&str> = OTHER_TABLES.iter().map(|(name, _)| *name).collect();
        for table in record_tables() {
            covered.insert(table.table);
            covered.extend(table.links.iter().map(|link| link.table));
        }
        let mut stmt = store
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
            )
            .unwrap();
        let names: Vec<String> = stmt
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for name in &names {
            assert!(
                covered.contains(name.as_str()),
                "table {name} is not covered"
            );
        }
        for name in covered {
            assert!(names.iter().any(|n| n == name), "{name} is not a table");
        }
    }

    #[test]
    fn creating_changing_linking_approving_and_deleting_keep_the_log_true() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store(&dir);
        assert_eq!(check(&store.conn).unwrap(), None);
        let asset = store
            .insert(&Asset {
                name: "CRM".into(),
                kind: crate::domain::asset::AssetKind::Software,
                owner: "Ann".into(),
                location: String::new(),
                classification: String::new(),
                confidentiality: 2,
                integrity: 2,
                availability: 1,
                in_scope: true,
                notes: String::new(),
            })
            .unwrap();
        let mut risk = Risk {
            title: "Laptop theft".into(),
            likelihood: 3,
            impact: 4,
            assets: vec![asset.clone()],
            controls: vec!["8.1".into(), "5.15".into()],
            ..Risk::default()
        };
        let reference = store.insert(&risk).unwrap();
        risk.likelihood = 2;
        risk.controls = vec!["8.1".into()];
        store.update(&reference, &risk).unwrap();
        let mut decision = store.get::<SoaDecision>("8.1").unwrap().unwrap();
        decision.applicability = crate::domain::soa::Applicability::Yes;
        store.update("8.1", &decision).unwrap();
        store
            .approve_soa(&SoaVersion {
                label: "1.0".into(),
                approved_by: "Ann".into(),
                approved_on: Date::from_ymd_opt(2026, 11, 28).unwrap(),
            })
            .unwrap();
        let issue = store
            .insert(&ContextIssue {
                kind: IssueKind::Internal,
                description: "x".into(),
                effect: String::new(),
            })
            .unwrap();
        store.delete::<ContextIssue>(&issue).unwrap();
        store
            .set_confidential(&reference, "description", true)
            .unwrap();
        assert_eq!(check(&store.conn).unwrap(), None);

        store
            .conn
            .execute("UPDATE risk SET impact = 5 WHERE ref = ?1", [&reference])
            .unwrap();
        let problem = check(&store.conn).unwrap().unwrap().to_string();
        assert!(
            problem.contains(&format!("record {reference}, field impact")),
            "{problem}"
        );
        assert!(
            problem.contains("holds \"5\" where the change log says \"4\""),
            "{problem}"
        );
    }

    #[test]
    fn older_files_verify_before_and_after_their_migration() {
        for version in 1..=8 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("old.sqlite3");
            let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/fixtures/schema-{version}.sqlite3"));
            std::fs::copy(fixture, &path).unwrap();
            let conn = Connection::open(&path).unwrap();
            assert_eq!(check(&conn).unwrap(), None, "schema {version}");
            drop(conn);
            let store = Store::open(&path, OpenMode::MustExist).unwrap();
            assert_eq!(
                check(&store.conn).unwrap(),
                None,
                "schema {version}, migrated"
            );
        }
    }
}
