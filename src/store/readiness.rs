//! Gathering the workspace for the readiness rules of `isms check`.

use anyhow::Result;

use super::Store;
use crate::domain::audit::{Audit, ChecklistItem, Nonconformity};
use crate::domain::catalogue::auditable_clauses;
use crate::domain::check::{check, CheckFinding, CheckWorkspace};
use crate::domain::dates::Date;
use crate::domain::document::Document;
use crate::domain::review::{Measurement, Objective, Review};
use crate::domain::risk::Risk;
use crate::domain::scope::ScopeItem;
use crate::domain::soa::SoaDecision;

fn pairs<R>(stored: Vec<super::Stored<R>>) -> Vec<(String, R)> {
    stored.into_iter().map(|s| (s.reference, s.value)).collect()
}

impl Store {
    /// Every readiness finding for the workspace as it is on `today`.
    pub fn check(&self, today: Date) -> Result<Vec<CheckFinding>> {
        let workspace = self.workspace()?;
        let scope_items: Vec<(String, ScopeItem)> = pairs(self.list()?);
        let method = self.risk_method()?;
        let risks: Vec<(String, Risk)> = pairs(self.list()?);
        let soa: Vec<(String, SoaDecision)> = pairs(self.list()?);
        let clauses: Vec<String> = auditable_clauses().map(|c| c.id.clone()).collect();
        let audits: Vec<(String, Audit)> = pairs(self.list()?);
        let items: Vec<ChecklistItem> = self
            .list::<ChecklistItem>()?
            .into_iter()
            .map(|i| i.value)
            .collect();
        let ncs: Vec<(String, Nonconformity)> = pairs(self.list()?);
        let reviews: Vec<(String, Review)> = pairs(self.list()?);
        let objectives: Vec<(String, Objective)> = pairs(self.list()?);
        let measurements: Vec<Measurement> = self
            .list::<Measurement>()?
            .into_iter()
            .map(|m| m.value)
            .collect();
        let documents: Vec<(String, Document)> = pairs(self.list()?);
        Ok(check(&CheckWorkspace {
            today,
            workspace: &workspace,
            scope_items: &scope_items,
            method: &method,
            risks: &risks,
            soa: &soa,
            clauses: &clauses,
            audits: &audits,
            items: &items,
            ncs: &ncs,
            reviews: &reviews,
            objectives: &objectives,
            measurements: &measurements,
            documents: &documents,
        }))
    }
}
