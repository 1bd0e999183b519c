//! Gathering the workspace for the readiness rules of `isms check`, the readiness gauges and
//! `isms status`.

use anyhow::Result;

use super::Store;
use crate::domain::audit::{Audit, ChecklistItem, Nonconformity};
use crate::domain::catalogue::auditable_clauses;
use crate::domain::certification::{timeline, TimelineRow};
use crate::domain::check::{check, CheckFinding, CheckWorkspace};
use crate::domain::dates::Date;
use crate::domain::document::{
    required_documents, workbench_records, Document, Expected, WorkbenchRecord,
};
use crate::domain::method::RiskMethod;
pub use crate::domain::readiness::Readiness;
use crate::domain::review::{Measurement, Objective, Review};
use crate::domain::risk::Risk;
use crate::domain::scope::ScopeItem;
use crate::domain::soa::{ApprovedSoa, SoaDecision};
use crate::domain::status::{readiness, Status};
use crate::domain::workspace::Workspace;

fn pairs<R>(stored: Vec<super::Stored<R>>) -> Vec<(String, R)> {
    stored.into_iter().map(|s| (s.reference, s.value)).collect()
}

/// Every record the readiness rules read, loaded once.
struct Gathered {
    workspace: Workspace,
    scope_items: Vec<(String, ScopeItem)>,
    method: RiskMethod,
    risks: Vec<(String, Risk)>,
    soa: Vec<(String, SoaDecision)>,
    approved_soa: Option<ApprovedSoa>,
    clauses: Vec<String>,
    audits: Vec<(String, Audit)>,
    items: Vec<ChecklistItem>,
    ncs: Vec<(String, Nonconformity)>,
    reviews: Vec<(String, Review)>,
    objectives: Vec<(String, Objective)>,
    measurements: Vec<Measurement>,
    documents: Vec<(String, Document)>,
    soa_approved: Option<Date>,
}

impl Gathered {
    fn workspace(&self, today: Date) -> CheckWorkspace<'_> {
        CheckWorkspace {
            today,
            workspace: &self.workspace,
            scope_items: &self.scope_items,
            method: &self.method,
            risks: &self.risks,
            soa: &self.soa,
            approved_soa: self.approved_soa.as_ref(),
            clauses: &self.clauses,
            audits: &self.audits,
            items: &self.items,
            ncs: &self.ncs,
            reviews: &self.reviews,
            objectives: &self.objectives,
            measurements: &self.measurements,
            documents: &self.documents,
            soa_approved: self.soa_approved,
        }
    }
}

impl Store {
    fn gather(&self) -> Result<Gathered> {
        let values = |stored: Vec<super::Stored<_>>| stored.into_iter().map(|s| s.value).collect();
        Ok(Gathered {
            workspace: self.workspace()?,
            scope_items: pairs(self.list()?),
            method: self.risk_method()?,
            risks: pairs(self.list()?),
            soa: pairs(self.list()?),
            approved_soa: self.latest_approved_soa()?,
            clauses: auditable_clauses().map(|c| c.id.clone()).collect(),
            audits: pairs(self.list()?),
            items: values(self.list::<ChecklistItem>()?),
            ncs: pairs(self.list()?),
            reviews: pairs(self.list()?),
            objectives: pairs(self.list()?),
            measurements: self
                .list::<Measurement>()?
                .into_iter()
                .map(|m| m.value)
                .collect(),
            documents: pairs(self.list()?),
            soa_approved: self.journey_facts()?.soa_approved,
        })
    }

    /// Every readiness finding for the workspace as it is on `today`.
    pub fn check(&self, today: Date) -> Result<Vec<CheckFinding>> {
        Ok(check(&self.gather()?.workspace(today)))
    }

    /// The certification timeline as it stands on `today`.
    pub fn timeline(&self, today: Date) -> Result<Vec<TimelineRow>> {
        let plan = self.load_plan()?;
        Ok(timeline(&plan.milestones, &plan.facts, today))
    }

    /// The findings and the readiness gauges together, from one read of the workspace.
    pub fn check_with_readiness(&self, today: Date) -> Result<(Vec<CheckFinding>, Readiness)> {
        let gathered = self.gather()?;
        let ws = gathered.workspace(today);
        Ok((check(&ws), readiness(&ws)))
    }

    /// The required documents as they stand on `today`, with what the workbench's records
    /// fulfil, for the Evidence tab and the audit pack.
    pub fn required_documents(&self, today: Date) -> Result<Vec<Expected>> {
        Ok(required_documents(&self.gather()?.workspace(today)))
    }

    /// What the workbench's own records fulfil of the required documents on `today`.
    pub fn workbench_records(&self, today: Date) -> Result<Vec<WorkbenchRecord>> {
        Ok(workbench_records(&self.gather()?.workspace(today)))
    }

    /// The text of `isms status` for `today`.
    pub fn status_text(&self, today: Date) -> Result<String> {
        let gathered = self.gather()?;
        let ws = gathered.workspace(today);
        let findings = check(&ws);
        let timeline = self.timeline(today)?;
        let status = Status::new(&ws, &findings, &timeline, &gathered.workspace.organisation);
        Ok(status.render())
    }
}
