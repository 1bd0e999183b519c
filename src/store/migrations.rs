//! Forward-only schema migrations, numbered by SQLite's `user_version`.
//!
//! Migration N takes a file from version N-1 to N. All the steps a file needs run in one
//! transaction together with the version bump, so a failure anywhere leaves the file exactly
//! at the version (and with the content) it had.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Transaction, TransactionBehavior};

use super::open::APPLICATION_ID;
use crate::domain::catalogue;

/// One schema step: its SQL, then (optionally) reference data it loads.
struct Migration {
    sql: &'static str,
    seed: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: SCHEMA_1,
        seed: None,
    },
    Migration {
        sql: SCHEMA_2,
        seed: Some(seed_catalogue),
    },
    Migration {
        sql: SCHEMA_3,
        seed: None,
    },
    Migration {
        sql: SCHEMA_4,
        seed: None,
    },
    Migration {
        sql: SCHEMA_5,
        seed: None,
    },
    Migration {
        sql: SCHEMA_6,
        seed: None,
    },
    Migration {
        sql: SCHEMA_7,
        seed: None,
    },
    Migration {
        sql: SCHEMA_8,
        seed: None,
    },
    Migration {
        sql: SCHEMA_9,
        seed: None,
    },
];

// 1: the workspace, the Scope tab (4.1-4.4), reference counters and the change log.
const SCHEMA_1: &str = r#"
    CREATE TABLE workspace (
        ref             TEXT PRIMARY KEY CHECK (ref = 'WS'),
        organisation    TEXT NOT NULL DEFAULT '',
        isms_name       TEXT NOT NULL DEFAULT '',
        scope_statement TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE ref_counter (
        prefix TEXT PRIMARY KEY,
        last   INTEGER NOT NULL
    );
    CREATE TABLE context_issue (
        id          INTEGER PRIMARY KEY,
        ref         TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL CHECK (kind IN ('internal', 'external')),
        description TEXT NOT NULL CHECK (trim(description) <> ''),
        effect      TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE interested_party (
        id        INTEGER PRIMARY KEY,
        ref       TEXT NOT NULL UNIQUE,
        name      TEXT NOT NULL CHECK (trim(name) <> ''),
        needs     TEXT NOT NULL DEFAULT '',
        addressed TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE scope_item (
        id            INTEGER PRIMARY KEY,
        ref           TEXT NOT NULL UNIQUE,
        kind          TEXT NOT NULL CHECK (kind IN ('site', 'unit', 'process', 'service',
                                                    'technology', 'interface', 'dependency')),
        name          TEXT NOT NULL CHECK (trim(name) <> ''),
        scope         TEXT NOT NULL CHECK (scope IN ('in', 'out')),
        justification TEXT NOT NULL DEFAULT '',
        CHECK (scope = 'in' OR trim(justification) <> '')
    );
    CREATE TABLE change_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        record    TEXT NOT NULL,
        operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
        field     TEXT NOT NULL,
        old       TEXT,
        new       TEXT,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    CREATE INDEX change_log_by_record ON change_log (record, seq);
"#;

// 2: the Risks tab (6.1.2, 6.1.3, 8.2, 8.3): the risk method, the control and clause
// catalogue, assets, risks and their links.
const SCHEMA_2: &str = r#"
    CREATE TABLE risk_method (
        ref                  TEXT PRIMARY KEY CHECK (ref = 'METHOD'),
        size                 INTEGER NOT NULL CHECK (size BETWEEN 3 AND 5),
        likelihood_levels    TEXT NOT NULL,
        impact_levels        TEXT NOT NULL,
        bands                TEXT NOT NULL,
        acceptance_threshold INTEGER NOT NULL CHECK (acceptance_threshold BETWEEN 1 AND 25)
    );
    CREATE TABLE control (
        id                       TEXT PRIMARY KEY,
        position                 INTEGER NOT NULL,
        title                    TEXT NOT NULL,
        theme                    TEXT NOT NULL,
        control_type             TEXT NOT NULL,
        security_properties      TEXT NOT NULL,
        cybersecurity_concepts   TEXT NOT NULL,
        operational_capabilities TEXT NOT NULL,
        security_domains         TEXT NOT NULL,
        guidance                 TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE clause (
        id       TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        title    TEXT NOT NULL,
        level    INTEGER NOT NULL,
        parent   TEXT
    );
    CREATE TABLE asset (
        id              INTEGER PRIMARY KEY,
        ref             TEXT NOT NULL UNIQUE,
        name            TEXT NOT NULL CHECK (trim(name) <> ''),
        kind            TEXT NOT NULL CHECK (kind IN ('information', 'software', 'hardware',
                                                      'service', 'people', 'site', 'supplier')),
        owner           TEXT NOT NULL DEFAULT '',
        location        TEXT NOT NULL DEFAULT '',
        classification  TEXT NOT NULL DEFAULT '',
        confidentiality INTEGER NOT NULL CHECK (confidentiality BETWEEN 1 AND 3),
        integrity       INTEGER NOT NULL CHECK (integrity BETWEEN 1 AND 3),
        availability    INTEGER NOT NULL CHECK (availability BETWEEN 1 AND 3),
        scope           TEXT NOT NULL CHECK (scope IN ('in', 'out')),
        notes           TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE risk (
        id                   INTEGER PRIMARY KEY,
        ref                  TEXT NOT NULL UNIQUE,
        title                TEXT NOT NULL CHECK (trim(title) <> ''),
        description          TEXT NOT NULL DEFAULT '',
        threat               TEXT NOT NULL DEFAULT '',
        vulnerability        TEXT NOT NULL DEFAULT '',
        owner                TEXT NOT NULL DEFAULT '',
        likelihood           INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
        impact               INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
        treatment            TEXT NOT NULL DEFAULT ''
                             CHECK (treatment IN ('', 'modify', 'retain', 'avoid', 'share')),
        treatment_plan       TEXT NOT NULL DEFAULT '',
        due_date             TEXT NOT NULL DEFAULT '',
        residual_likelihood  INTEGER CHECK (residual_likelihood BETWEEN 1 AND 5),
        residual_impact      INTEGER CHECK (residual_impact BETWEEN 1 AND 5),
        status               TEXT NOT NULL CHECK (status IN ('identified', 'assessed',
                             'treatment_planned', 'treated', 'accepted', 'closed')),
        next_review          TEXT NOT NULL DEFAULT '',
        accepted_by          TEXT NOT NULL DEFAULT '',
        accepted_on          TEXT NOT NULL DEFAULT '',
        accepted_until       TEXT NOT NULL DEFAULT '',
        accepted_fingerprint TEXT NOT NULL DEFAULT '',
        CHECK (status = 'identified' OR trim(owner) <> '')
    );
    CREATE TABLE risk_asset (
        owner  TEXT NOT NULL REFERENCES risk (ref),
        target TEXT NOT NULL REFERENCES asset (ref),
        PRIMARY KEY (owner, target)
    );
    CREATE INDEX risk_asset_by_target ON risk_asset (target);
    CREATE TABLE risk_control (
        owner  TEXT NOT NULL REFERENCES risk (ref),
        target TEXT NOT NULL REFERENCES control (id),
        PRIMARY KEY (owner, target)
    );
    CREATE INDEX risk_control_by_target ON risk_control (target);
"#;

// 3: the Statement of Applicability (6.1.3 d): a decision per control (one row each, also
// for workspaces made before the SoA existed), approved versions with a frozen copy of every
// row, and the register of documented information whose links to controls are the SoA's
// evidence (the Evidence tab edits it).
const SCHEMA_3: &str = r#"
    CREATE TABLE soa_decision (
        id            INTEGER PRIMARY KEY,
        ref           TEXT NOT NULL UNIQUE REFERENCES control (id),
        applicability TEXT NOT NULL DEFAULT 'undecided' CHECK (applicability IN ('undecided', 'yes', 'no')),
        reasons       TEXT NOT NULL DEFAULT '',
        justification TEXT NOT NULL DEFAULT '',
        status        TEXT NOT NULL DEFAULT 'not_started'
                      CHECK (status IN ('not_started', 'planned', 'partial', 'implemented')),
        how           TEXT NOT NULL DEFAULT '',
        owner         TEXT NOT NULL DEFAULT '',
        target_date   TEXT NOT NULL DEFAULT '',
        last_reviewed TEXT NOT NULL DEFAULT '',
        CHECK (applicability <> 'no' OR trim(justification) <> '')
    );
    INSERT INTO soa_decision (ref) SELECT id FROM control ORDER BY position;
    CREATE TABLE soa_version (
        id          INTEGER PRIMARY KEY,
        ref         TEXT NOT NULL UNIQUE,
        label       TEXT NOT NULL CHECK (trim(label) <> ''),
        approved_by TEXT NOT NULL CHECK (trim(approved_by) <> ''),
        approved_on TEXT NOT NULL
    );
    CREATE TABLE soa_version_row (
        version       TEXT NOT NULL REFERENCES soa_version (ref),
        control       TEXT NOT NULL REFERENCES control (id),
        applicability TEXT NOT NULL,
        reasons       TEXT NOT NULL,
        justification TEXT NOT NULL,
        status        TEXT NOT NULL,
        how           TEXT NOT NULL,
        owner         TEXT NOT NULL,
        target_date   TEXT NOT NULL,
        last_reviewed TEXT NOT NULL,
        linked_risks  INTEGER NOT NULL,
        PRIMARY KEY (version, control)
    );
    CREATE TABLE document (
        id          INTEGER PRIMARY KEY,
        ref         TEXT NOT NULL UNIQUE,
        title       TEXT NOT NULL CHECK (trim(title) <> ''),
        kind        TEXT NOT NULL CHECK (kind IN ('policy', 'procedure', 'plan', 'record', 'evidence')),
        version     TEXT NOT NULL DEFAULT '',
        owner       TEXT NOT NULL DEFAULT '',
        reviewer    TEXT NOT NULL DEFAULT '',
        approved_by TEXT NOT NULL DEFAULT '',
        approved_on TEXT NOT NULL DEFAULT '',
        next_review TEXT NOT NULL DEFAULT '',
        location    TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'approved', 'retired'))
    );
    CREATE TABLE document_control (
        owner  TEXT NOT NULL REFERENCES document (ref),
        target TEXT NOT NULL REFERENCES control (id),
        PRIMARY KEY (owner, target)
    );
    CREATE INDEX document_control_by_target ON document_control (target);
    CREATE TABLE document_clause (
        owner  TEXT NOT NULL REFERENCES document (ref),
        target TEXT NOT NULL REFERENCES clause (id),
        PRIMARY KEY (owner, target)
    );
"#;

// 4: internal audit (9.2) and nonconformity (10.2): the audit programme with each audit's
// scope, its checklist items, and the nonconformities with their corrective actions.
const SCHEMA_4: &str = r#"
    CREATE TABLE audit (
        id                INTEGER PRIMARY KEY,
        ref               TEXT NOT NULL UNIQUE,
        title             TEXT NOT NULL CHECK (trim(title) <> ''),
        criteria          TEXT NOT NULL DEFAULT '',
        lead_auditor      TEXT NOT NULL CHECK (trim(lead_auditor) <> ''),
        auditors          TEXT NOT NULL DEFAULT '',
        independence_note TEXT NOT NULL DEFAULT '',
        planned_start     TEXT NOT NULL DEFAULT '',
        planned_end       TEXT NOT NULL DEFAULT '',
        actual_start      TEXT NOT NULL DEFAULT '',
        actual_end        TEXT NOT NULL DEFAULT '',
        status            TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'reported', 'closed')),
        conclusion        TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE audit_clause (
        owner  TEXT NOT NULL REFERENCES audit (ref),
        target TEXT NOT NULL REFERENCES clause (id),
        PRIMARY KEY (owner, target)
    );
    CREATE TABLE audit_control (
        owner  TEXT NOT NULL REFERENCES audit (ref),
        target TEXT NOT NULL REFERENCES control (id),
        PRIMARY KEY (owner, target)
    );
    CREATE TABLE checklist_item (
        id       INTEGER PRIMARY KEY,
        ref      TEXT NOT NULL UNIQUE,
        audit    TEXT NOT NULL REFERENCES audit (ref),
        kind     TEXT NOT NULL CHECK (kind IN ('clause', 'control')),
        target   TEXT NOT NULL,
        question TEXT NOT NULL DEFAULT '',
        result   TEXT NOT NULL CHECK (result IN ('not_audited', 'conforming', 'observation', 'ofi',
                                                 'minor_nc', 'major_nc')),
        evidence TEXT NOT NULL DEFAULT '',
        records  TEXT NOT NULL DEFAULT '',
        notes    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX checklist_item_by_audit ON checklist_item (audit, id);
    CREATE TABLE nonconformity (
        id                INTEGER PRIMARY KEY,
        ref               TEXT NOT NULL UNIQUE,
        source            TEXT NOT NULL CHECK (source IN ('internal_audit', 'certification_body', 'other')),
        audit             TEXT NOT NULL DEFAULT '',
        item              TEXT NOT NULL DEFAULT '',
        statement         TEXT NOT NULL CHECK (trim(statement) <> ''),
        evidence          TEXT NOT NULL DEFAULT '',
        grade             TEXT NOT NULL CHECK (grade IN ('minor', 'major')),
        correction        TEXT NOT NULL DEFAULT '',
        root_cause        TEXT NOT NULL DEFAULT '',
        corrective_action TEXT NOT NULL DEFAULT '',
        owner             TEXT NOT NULL DEFAULT '',
        due_date          TEXT NOT NULL DEFAULT '',
        status            TEXT NOT NULL CHECK (status IN ('open', 'action_planned', 'implemented',
                                                          'verified_effective', 'closed')),
        checked_by        TEXT NOT NULL DEFAULT '',
        checked_on        TEXT NOT NULL DEFAULT '',
        check_result      TEXT NOT NULL DEFAULT '',
        CHECK (status NOT IN ('verified_effective', 'closed')
               OR (trim(checked_by) <> '' AND checked_on <> '' AND trim(check_result) <> ''))
    );
"#;

// 5: management review (9.3) and security objectives (6.2): meetings with their compiled and
// frozen inputs a-g, notes, results and actions; objectives and their measurements.
const SCHEMA_5: &str = r#"
    CREATE TABLE review (
        id           INTEGER PRIMARY KEY,
        ref          TEXT NOT NULL UNIQUE,
        date         TEXT NOT NULL DEFAULT '',
        chair        TEXT NOT NULL DEFAULT '',
        attendees    TEXT NOT NULL DEFAULT '',
        status       TEXT NOT NULL CHECK (status IN ('draft', 'held', 'approved')),
        input_a      TEXT NOT NULL DEFAULT '',
        input_b      TEXT NOT NULL DEFAULT '',
        input_c      TEXT NOT NULL DEFAULT '',
        input_d      TEXT NOT NULL DEFAULT '',
        input_e      TEXT NOT NULL DEFAULT '',
        input_f      TEXT NOT NULL DEFAULT '',
        input_g      TEXT NOT NULL DEFAULT '',
        notes_a      TEXT NOT NULL DEFAULT '',
        notes_b      TEXT NOT NULL DEFAULT '',
        notes_c      TEXT NOT NULL DEFAULT '',
        notes_d      TEXT NOT NULL DEFAULT '',
        notes_e      TEXT NOT NULL DEFAULT '',
        notes_f      TEXT NOT NULL DEFAULT '',
        notes_g      TEXT NOT NULL DEFAULT '',
        feedback     TEXT NOT NULL DEFAULT '',
        improvements TEXT NOT NULL DEFAULT '',
        decisions    TEXT NOT NULL DEFAULT '',
        changes      TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE review_action (
        id          INTEGER PRIMARY KEY,
        ref         TEXT NOT NULL UNIQUE,
        review      TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL CHECK (trim(description) <> ''),
        owner       TEXT NOT NULL DEFAULT '',
        due_date    TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped'))
    );
    CREATE TABLE objective (
        id               INTEGER PRIMARY KEY,
        ref              TEXT NOT NULL UNIQUE,
        statement        TEXT NOT NULL CHECK (trim(statement) <> ''),
        measure          TEXT NOT NULL DEFAULT '',
        target           TEXT NOT NULL DEFAULT '',
        target_value     REAL,
        higher_is_better INTEGER NOT NULL DEFAULT 1,
        owner            TEXT NOT NULL DEFAULT '',
        due_date         TEXT NOT NULL DEFAULT '',
        status           TEXT NOT NULL CHECK (status IN ('on_track', 'at_risk', 'met', 'missed'))
    );
    CREATE TABLE measurement (
        id        INTEGER PRIMARY KEY,
        ref       TEXT NOT NULL UNIQUE,
        objective TEXT NOT NULL REFERENCES objective (ref),
        date      TEXT NOT NULL,
        value     REAL NOT NULL,
        note      TEXT NOT NULL DEFAULT ''
    );
"#;

// 6: readiness (7.5, 9.1 and the certification journey): which required documents a document
// fulfils, the certification plan with its milestones and three-year budget, and the record
// fields marked confidential (hidden in presentation mode).
const SCHEMA_6: &str = r#"
    CREATE TABLE document_requirement (
        owner  TEXT NOT NULL REFERENCES document (ref),
        target TEXT NOT NULL CHECK (trim(target) <> ''),
        PRIMARY KEY (owner, target)
    );
    CREATE TABLE certification_plan (
        id                      INTEGER PRIMARY KEY,
        ref                     TEXT NOT NULL UNIQUE CHECK (ref = 'CP'),
        body                    TEXT NOT NULL DEFAULT '',
        accreditation_body      TEXT NOT NULL DEFAULT '',
        accreditation_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (accreditation_confirmed IN (0, 1)),
        competence_confirmed    INTEGER NOT NULL DEFAULT 0 CHECK (competence_confirmed IN (0, 1)),
        currency                TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE milestone (
        id      INTEGER PRIMARY KEY,
        ref     TEXT NOT NULL UNIQUE,
        planned TEXT NOT NULL DEFAULT '',
        done    TEXT NOT NULL DEFAULT '',
        note    TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE budget_line (
        id       INTEGER PRIMARY KEY,
        ref      TEXT NOT NULL UNIQUE,
        year     INTEGER NOT NULL CHECK (year IN (1, 2, 3)),
        category TEXT NOT NULL CHECK (category IN ('internal', 'external', 'certification')),
        label    TEXT NOT NULL CHECK (trim(label) <> ''),
        amount   REAL NOT NULL CHECK (amount >= 0)
    );
    CREATE TABLE confidential_field (
        id           INTEGER PRIMARY KEY,
        ref          TEXT NOT NULL UNIQUE,
        record       TEXT NOT NULL,
        field        TEXT NOT NULL,
        confidential INTEGER NOT NULL CHECK (confidential IN (0, 1)),
        UNIQUE (record, field)
    );
"#;

// 7: drafts of text typed into an open editor and not yet saved, per record and field, so
// that a crash or a kill loses at most the last couple of seconds of typing. Drafts are not
// edits: they are kept apart from the records and the change log until the user saves.
const SCHEMA_7: &str = r#"
    CREATE TABLE draft (
        record   TEXT NOT NULL,
        field    TEXT NOT NULL,
        text     TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (record, field)
    );
"#;

// 8: the change log's head, its newest entry's number and hash, written by every write
// together with the entries, so that `isms verify` notices entries removed from the end.
const SCHEMA_8: &str = r#"
    CREATE TABLE change_log_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    INSERT INTO change_log_head (id, seq, hash)
        SELECT 1, seq, hash FROM change_log ORDER BY seq DESC LIMIT 1;
"#;

// 9: whether climate change is a relevant issue (4.1, added by ISO/IEC 27001:2022/Amd 1:2024),
// with a note: '' until the organisation has decided, then 'yes' or 'no'.
const SCHEMA_9: &str = r#"
    ALTER TABLE workspace ADD COLUMN climate_relevant TEXT NOT NULL DEFAULT ''
        CHECK (climate_relevant IN ('', 'yes', 'no'));
    ALTER TABLE workspace ADD COLUMN climate_note TEXT NOT NULL DEFAULT '';
"#;

/// A table of reference data this build ships: its name, its columns, and its rows.
pub(super) struct ReferenceTable {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Value>>,
}

/// The Annex A controls and the clauses 4-10.2 of this build's catalogue, as migration 2
/// loads them. `isms verify` compares the file's copy with them, so the catalogue may only
/// change together with a migration that changes the tables.
pub(super) fn reference_tables() -> [ReferenceTable; 2] {
    let text = |value: &str| Value::Text(value.to_string());
    let controls = catalogue::controls()
        .iter()
        .enumerate()
        .map(|(position, control)| {
            let a = &control.attributes;
            vec![
                text(&control.id),
                Value::Integer(position as i64),
                text(&control.title),
                text(control.theme.label()),
                text(&a.control_type.join(";")),
                text(&a.security_properties.join(";")),
                text(&a.cybersecurity_concepts.join(";")),
                text(&a.operational_capabilities.join(";")),
                text(&a.security_domains.join(";")),
                text(&control.guidance),
            ]
        })
        .collect();
    let clauses = catalogue::clauses()
        .iter()
        .enumerate()
        .map(|(position, clause)| {
            vec![
                text(&clause.id),
                Value::Integer(position as i64),
                text(&clause.title),
                Value::Integer(i64::from(clause.level)),
                clause.parent.as_deref().map_or(Value::Null, text),
            ]
        })
        .collect();
    [
        ReferenceTable {
            name: "control",
            columns: &[
                "id",
                "position",
                "title",
                "theme",
                "control_type",
                "security_properties",
                "cybersecurity_concepts",
                "operational_capabilities",
                "security_domains",
                "guidance",
            ],
            rows: controls,
        },
        ReferenceTable {
            name: "clause",
            columns: &["id", "position", "title", "level", "parent"],
            rows: clauses,
        },
    ]
}

/// Loads the Annex A controls and the clauses 4-10.2 that ship with this build.
fn seed_catalogue(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    for table in reference_tables() {
        let placeholders: Vec<String> =
            (1..=table.columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            table.columns.join(", "),
            placeholders.join(", ")
        ))?;
        for row in table.rows {
            insert.execute(params_from_iter(row))?;
        }
    }
    Ok(())
}

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the file from its current version up to [`LATEST`], all steps in one transaction.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    migrate_to(conn, LATEST)
}

/// Brings the file from its current version up to `target` (at most [`LATEST`]), all steps
/// in one transaction.
pub(super) fn migrate_to(conn: &mut Connection, target: i64) -> rusqlite::Result<()> {
    run(conn, target, Seeds::Load)
}

/// The schema steps alone up to `target`, without the reference data they load: the schema
/// fingerprint runs this on an empty in-memory database to learn what `sqlite_schema` of a
/// file at `target` holds (the seeds only insert rows, and skipping them saves time on every
/// open).
pub(super) fn schema_only(conn: &mut Connection, target: i64) -> rusqlite::Result<()> {
    run(conn, target, Seeds::Skip)
}

#[derive(PartialEq, Eq)]
enum Seeds {
    Load,
    Skip,
}

fn run(conn: &mut Connection, target: i64, seeds: Seeds) -> rusqlite::Result<()> {
    let target = target.min(LATEST);
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated the file meanwhile.
    let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let steps = (target - current.max(0)).max(0) as usize;
    for (index, migration) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(current.max(0) as usize)
        .take(steps)
    {
        let version = index as i64 + 1;
        tx.execute_batch(migration.sql)?;
        if let Some(seed) = migration.seed.filter(|_| seeds == Seeds::Load) {
            seed(&tx)?;
        }
        if version == 1 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.pragma_update(None, "user_version", version)?;
    }
    fail_if_asked(&tx)?;
    tx.commit()
}

/// Debug builds only: `ISMS_TEST_FAIL_MIGRATION=PATH` makes the migration of the file at PATH
/// fail after every step has run, so that a test can prove a failed migration leaves the file
/// as it was. (A hand-edited or damaged file, the natural cause, is refused before migrating.)
fn fail_if_asked(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    if !cfg!(debug_assertions) {
        return Ok(());
    }
    let Some(failing) = std::env::var_os("ISMS_TEST_FAIL_MIGRATION") else {
        return Ok(());
    };
    let same = |path: &str| {
        let failing = std::fs::canonicalize(&failing);
        failing.is_ok_and(|failing| std::fs::canonicalize(path).is_ok_and(|path| path == failing))
    };
    if tx.path().is_some_and(same) {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some("test failure requested by ISMS_TEST_FAIL_MIGRATION".into()),
        ));
    }
    Ok(())
}
