//! The demo organisation: a fictional SaaS company, written into a new workspace through the
//! store like any other data. Its content lives in `assets/demo/`.

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::domain::scope::{ContextIssue, InterestedParty, IssueKind, ScopeItem, ScopeItemKind};
use crate::domain::workspace::Workspace;
use crate::store::Store;

const ORGANISATION_JSON: &str = include_str!("../assets/demo/organisation.json");

#[derive(Deserialize)]
struct DemoOrganisation {
    organisation: String,
    isms_name: String,
    scope_statement: String,
    context_issues: Vec<DemoIssue>,
    interested_parties: Vec<DemoParty>,
    scope_items: Vec<DemoItem>,
}

#[derive(Deserialize)]
struct DemoIssue {
    kind: String,
    description: String,
    effect: String,
}

#[derive(Deserialize)]
struct DemoParty {
    name: String,
    needs: String,
    addressed: String,
}

#[derive(Deserialize)]
struct DemoItem {
    kind: String,
    name: String,
    in_scope: bool,
    justification: String,
}

fn parse() -> Result<DemoOrganisation> {
    serde_json::from_str(ORGANISATION_JSON).context("the built-in demo organisation is malformed")
}

/// Writes the demo organisation into `store`, which should be a new, empty workspace.
pub fn write_demo(store: &mut Store) -> Result<()> {
    let demo = parse()?;
    store.update_workspace(&Workspace {
        organisation: demo.organisation,
        isms_name: demo.isms_name,
        scope_statement: demo.scope_statement,
    })?;
    for issue in demo.context_issues {
        let kind = IssueKind::from_key(&issue.kind)
            .with_context(|| format!("demo issue kind {:?}", issue.kind))?;
        store.insert(&ContextIssue {
            kind,
            description: issue.description,
            effect: issue.effect,
        })?;
    }
    for party in demo.interested_parties {
        store.insert(&InterestedParty {
            name: party.name,
            needs: party.needs,
            addressed: party.addressed,
        })?;
    }
    for item in demo.scope_items {
        let kind = ScopeItemKind::from_key(&item.kind)
            .with_context(|| format!("demo scope item kind {:?}", item.kind))?;
        store.insert(&ScopeItem {
            kind,
            name: item.name,
            in_scope: item.in_scope,
            justification: item.justification,
        })?;
    }
    Ok(())
}
