//! How the Scope tab's records (4.1-4.4) and the workspace row are kept.

use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::Row;

use super::records::{Record, Stored};
use super::row::{key, text};
use super::Store;
use crate::domain::scope::{ContextIssue, InterestedParty, IssueKind, ScopeItem, ScopeItemKind};
use crate::domain::workspace::{climate_from_key, climate_key, Workspace};
use crate::domain::FieldError;

/// The workspace row's fixed reference.
pub const WORKSPACE_REF: &str = "WS";

impl Record for Workspace {
    const TABLE: &'static str = "workspace";
    const PREFIX: &'static str = WORKSPACE_REF;
    const FIELDS: &'static [&'static str] = &[
        "organisation",
        "isms_name",
        "scope_statement",
        "climate_relevant",
        "climate_note",
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.organisation),
            text(&self.isms_name),
            text(&self.scope_statement),
            text(climate_key(self.climate_relevant)),
            text(&self.climate_note),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        let climate: String = row.get(offset + 3)?;
        Ok(Workspace {
            organisation: row.get(offset)?,
            isms_name: row.get(offset + 1)?,
            scope_statement: row.get(offset + 2)?,
            climate_relevant: climate_from_key(&climate),
            climate_note: row.get(offset + 4)?,
        })
    }
}

impl Record for ContextIssue {
    const TABLE: &'static str = "context_issue";
    const PREFIX: &'static str = "ISS";
    const FIELDS: &'static [&'static str] = &["kind", "description", "effect"];

    fn values(&self) -> Vec<Value> {
        vec![
            text(self.kind.key()),
            text(&self.description),
            text(&self.effect),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(ContextIssue {
            kind: key(row, offset, IssueKind::from_key)?,
            description: row.get(offset + 1)?,
            effect: row.get(offset + 2)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        ContextIssue::validate(self)
    }
}

impl Record for InterestedParty {
    const TABLE: &'static str = "interested_party";
    const PREFIX: &'static str = "IP";
    const FIELDS: &'static [&'static str] = &["name", "needs", "addressed"];

    fn values(&self) -> Vec<Value> {
        vec![text(&self.name), text(&self.needs), text(&self.addressed)]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(InterestedParty {
            name: row.get(offset)?,
            needs: row.get(offset + 1)?,
            addressed: row.get(offset + 2)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        InterestedParty::validate(self)
    }
}

impl Record for ScopeItem {
    const TABLE: &'static str = "scope_item";
    const PREFIX: &'static str = "SC";
    const FIELDS: &'static [&'static str] = &["kind", "name", "scope", "justification"];

    fn values(&self) -> Vec<Value> {
        let scope = if self.in_scope { "in" } else { "out" };
        vec![
            text(self.kind.key()),
            text(&self.name),
            text(scope),
            text(&self.justification),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        let scope: String = row.get(offset + 2)?;
        Ok(ScopeItem {
            kind: key(row, offset, ScopeItemKind::from_key)?,
            name: row.get(offset + 1)?,
            in_scope: scope == "in",
            justification: row.get(offset + 3)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        ScopeItem::validate(self)
    }
}

/// Everything the Scope tab shows, read in one go after each change.
#[derive(Debug, Clone, Default)]
pub struct ScopeData {
    pub workspace: Workspace,
    pub issues: Vec<Stored<ContextIssue>>,
    pub parties: Vec<Stored<InterestedParty>>,
    pub items: Vec<Stored<ScopeItem>>,
}

impl Store {
    /// Creates the workspace row of a new file.
    pub(super) fn ensure_workspace_row(&mut self, organisation: &str) -> Result<()> {
        if self.get::<Workspace>(WORKSPACE_REF)?.is_some() {
            return Ok(());
        }
        let workspace = Workspace {
            organisation: organisation.to_string(),
            ..Workspace::default()
        };
        // Checked again inside the write transaction: another process may have just made it.
        self.write(|writer| match writer.get::<Workspace>(WORKSPACE_REF)? {
            Some(_) => Ok(()),
            None => writer.insert_with_reference(WORKSPACE_REF, &workspace),
        })
    }

    pub fn workspace(&self) -> Result<Workspace> {
        Ok(self.get::<Workspace>(WORKSPACE_REF)?.unwrap_or_default())
    }

    /// Saves the workspace row (organisation, ISMS name, scope statement, climate change).
    pub fn update_workspace(&mut self, workspace: &Workspace) -> Result<usize> {
        self.update(WORKSPACE_REF, workspace)
    }

    pub fn load_scope(&self) -> Result<ScopeData> {
        Ok(ScopeData {
            workspace: self.workspace()?,
            issues: self.list()?,
            parties: self.list()?,
            items: self.list()?,
        })
    }
}
