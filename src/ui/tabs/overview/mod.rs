//! The Overview tab: are we ready for Stage 1 and Stage 2? Three sections: the readiness
//! gauges with the findings of `isms check` (each one `Enter` away from its record), the
//! certification plan with its milestone timeline, and the budget over the certificate cycle.

pub(crate) mod forms;
mod view;

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

use super::{Sections, Tab};
use crate::domain::certification::{timeline, BudgetLine, BudgetTotals, TimelineRow};
use crate::domain::check::{area_of, Area, CheckFinding, Severity};
use crate::store::{new_record_key, PlanData, Readiness, Store, Stored};
use crate::ui::components::form_session::{
    fill_drafts, paste_into, refused, type_into, FormSession, FormStep, REFUSED,
};
use crate::ui::components::keep_in_range;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Readiness,
    Plan,
    Budget,
}

impl Sections for Section {
    const ALL: &'static [Section] = &[Section::Readiness, Section::Plan, Section::Budget];
}

/// A question the Overview asks before it goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DeleteBudgetLine(String),
    DiscardForm,
}

pub type Outcome = super::Outcome<Pending>;

/// What an open form edits.
#[derive(Debug, Clone, PartialEq)]
enum FormTarget {
    Body,
    Milestone(crate::domain::certification::MilestoneKind),
    /// A budget line: new, or a stored one as it was when the form opened (so that a save
    /// writes only what the user changed, whatever the list holds by then).
    Budget(Option<Stored<BudgetLine>>),
}

/// The tab that holds the record a finding points at (the rule's area, see
/// `domain::check::RULES`).
pub fn tab_of(finding: &CheckFinding) -> Tab {
    match area_of(finding.rule) {
        Some(Area::Scope) => Tab::Scope,
        Some(Area::Risks) => Tab::Risks,
        Some(Area::Soa) => Tab::Soa,
        Some(Area::Evidence) => Tab::Evidence,
        Some(Area::Audit) => Tab::Audit,
        Some(Area::Review) => Tab::Review,
        None => Tab::Overview,
    }
}

/// The tabs whose records findings point at, in the order the summary counts them.
const AREAS: [Tab; 6] = [
    Tab::Scope,
    Tab::Risks,
    Tab::Soa,
    Tab::Evidence,
    Tab::Audit,
    Tab::Review,
];

pub struct OverviewTab {
    section: Section,
    findings: Vec<CheckFinding>,
    /// Blockers in all, and blockers and warnings per tab of [`AREAS`]: counted when the
    /// findings change, not per frame.
    blockers: usize,
    per_area: [(usize, usize); AREAS.len()],
    readiness: Option<Readiness>,
    plan: PlanData,
    timeline: Vec<TimelineRow>,
    totals: BudgetTotals,
    today: NaiveDate,
    /// Selections of the findings, the milestones and the budget lines.
    tables: [TableState; 3],
    form: Option<FormSession<FormTarget>>,
    list_area: Rect,
}

impl OverviewTab {
    pub fn new(today: NaiveDate) -> Self {
        OverviewTab {
            section: Section::Readiness,
            findings: Vec::new(),
            blockers: 0,
            per_area: Default::default(),
            readiness: None,
            plan: PlanData::default(),
            timeline: Vec::new(),
            totals: BudgetTotals::default(),
            today,
            tables: Default::default(),
            form: None,
            list_area: Rect::default(),
        }
    }

    pub fn findings(&self) -> &[CheckFinding] {
        &self.findings
    }

    /// The last day of the certificate's validity, from its done (else planned) date.
    fn certificate_expiry(&self) -> Option<chrono::NaiveDate> {
        self.timeline
            .iter()
            .find(|r| r.kind == crate::domain::certification::MilestoneKind::Certificate)
            .and_then(|r| r.done.or(r.planned))
            .and_then(crate::domain::certification::certificate_expiry)
    }

    /// The certification milestones as last read.
    pub fn timeline(&self) -> &[TimelineRow] {
        &self.timeline
    }

    pub fn contexts(&self) -> Vec<Context> {
        if let Some(session) = &self.form {
            return session.contexts();
        }
        match self.section {
            Section::Readiness => vec![Context::Findings, Context::List, Context::Sections],
            Section::Plan => vec![
                Context::Milestones,
                Context::Certification,
                Context::List,
                Context::Sections,
            ],
            Section::Budget => vec![
                Context::Records,
                Context::Certification,
                Context::List,
                Context::Sections,
            ],
        }
    }

    /// The open form's changed text, for autosave: the certification body (`CP`), a
    /// milestone (its kind's key, `stage1`), a budget line.
    pub fn open_draft(&self) -> Option<OpenDraft> {
        let session = self.form.as_ref()?;
        let record = match &session.target {
            FormTarget::Body => crate::store::PLAN_REF.to_string(),
            FormTarget::Milestone(kind) => kind.key().to_string(),
            FormTarget::Budget(Some(stored)) => stored.reference.clone(),
            FormTarget::Budget(None) => new_record_key("budget_line"),
        };
        Some(session.draft(record))
    }

    /// Opens the form `record`'s draft belongs to, with `fields` filled in; false when there
    /// is no such record or a form is open already.
    pub fn restore_draft(
        &mut self,
        record: &str,
        fields: &[(String, String)],
        _store: &Store,
    ) -> bool {
        if self.form.is_some() {
            return false;
        }
        let target = if record == crate::store::PLAN_REF {
            self.section = Section::Plan;
            FormTarget::Body
        } else if let Some(kind) = crate::domain::certification::MilestoneKind::from_key(record) {
            self.section = Section::Plan;
            FormTarget::Milestone(kind)
        } else if record == new_record_key("budget_line") {
            self.section = Section::Budget;
            FormTarget::Budget(None)
        } else {
            let Some(stored) = self.plan.budget.iter().find(|s| s.reference == record) else {
                return false;
            };
            self.section = Section::Budget;
            FormTarget::Budget(Some(stored.clone()))
        };
        self.open_form(target);
        fill_drafts(self.form.as_mut(), fields)
    }

    pub fn is_typing(&self) -> bool {
        self.form.is_some()
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.form.as_ref().is_some_and(|s| s.form.is_dirty())
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    /// Runs the readiness rules and reads the plan again: only when the store changed since
    /// the last read.
    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        let (findings, readiness) = store.check_with_readiness(self.today)?;
        self.findings = findings;
        self.readiness = Some(readiness);
        self.blockers = crate::domain::check::blockers(&self.findings).count();
        self.per_area = Default::default();
        for finding in &self.findings {
            if let Some(area) = AREAS.iter().position(|tab| *tab == tab_of(finding)) {
                let (blockers, warnings) = &mut self.per_area[area];
                match finding.severity {
                    Severity::Blocker => *blockers += 1,
                    Severity::Warning => *warnings += 1,
                }
            }
        }
        self.plan = store.load_plan()?;
        self.timeline = timeline(&self.plan.milestones, &self.plan.facts, self.today);
        self.totals = BudgetTotals::of(self.plan.budget.iter().map(|s| &s.value));
        let lengths = [
            self.findings.len(),
            self.timeline.len(),
            self.plan.budget.len(),
        ];
        for (table, len) in self.tables.iter_mut().zip(lengths) {
            keep_in_range(table, len);
        }
        Ok(())
    }

    /// The Overview is where findings lead from; a budget line is the only record it holds.
    pub fn reveal(&mut self, reference: &str) -> bool {
        match self
            .plan
            .budget
            .iter()
            .position(|s| s.reference == reference)
        {
            Some(index) if self.form.is_none() => {
                self.section = Section::Budget;
                self.tables[2].select(Some(index));
                true
            }
            _ => false,
        }
    }

    fn slot(&self) -> usize {
        self.section.index()
    }

    fn list_len(&self) -> usize {
        match self.section {
            Section::Readiness => self.findings.len(),
            Section::Plan => self.timeline.len(),
            Section::Budget => self.plan.budget.len(),
        }
    }

    fn selected(&self) -> Option<usize> {
        self.tables[self.slot()]
            .selected()
            .filter(|i| *i < self.list_len())
    }

    fn selected_finding(&self) -> Option<&CheckFinding> {
        match self.section {
            Section::Readiness => self.selected().and_then(|i| self.findings.get(i)),
            _ => None,
        }
    }

    fn budget_reference(&self, index: usize) -> Option<String> {
        self.plan.budget.get(index).map(|s| s.reference.clone())
    }

    pub fn perform(&mut self, action: Action, store: &mut Store) -> Outcome {
        if self.form.is_some() {
            return self.perform_in_form(action, store);
        }
        let page = usize::from(self.list_area.height.saturating_sub(3).max(1)) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::NextSection | Action::PrevSection => {
                self.section = self.section.step(action == Action::NextSection);
                return Outcome::Done;
            }
            Action::EditCertificationBody => {
                self.open_form(FormTarget::Body);
                return Outcome::Done;
            }
            Action::Edit => return self.edit_selected(),
            Action::New if self.section == Section::Budget => {
                self.open_form(FormTarget::Budget(None));
                return Outcome::Done;
            }
            Action::Delete if self.section == Section::Budget => {
                return match self.selected().and_then(|i| self.budget_reference(i)) {
                    Some(reference) => Outcome::Ask(
                        format!("Delete {reference}? Its history stays in the change log."),
                        Pending::DeleteBudgetLine(reference),
                    ),
                    None => Outcome::Ignored,
                };
            }
            Action::History => return self.history(),
            _ => return Outcome::Ignored,
        };
        let len = self.list_len();
        if len > 0 {
            let table = &mut self.tables[self.section.index()];
            let current = table.selected().unwrap_or(0);
            table.select(Some(current.saturating_add_signed(delta).min(len - 1)));
        }
        Outcome::Done
    }

    fn edit_selected(&mut self) -> Outcome {
        match self.section {
            Section::Readiness => match self.selected_finding() {
                Some(finding) => Outcome::Reveal(tab_of(finding), finding.record.clone()),
                None => Outcome::Ignored,
            },
            Section::Plan => match self.selected().and_then(|i| self.timeline.get(i)) {
                Some(row) => {
                    self.open_form(FormTarget::Milestone(row.kind));
                    Outcome::Done
                }
                None => Outcome::Ignored,
            },
            Section::Budget => match self.selected() {
                Some(index) => {
                    let stored = self.plan.budget.get(index).cloned();
                    self.open_form(FormTarget::Budget(stored));
                    Outcome::Done
                }
                None => Outcome::Status("No budget line yet: press n to add one.".into()),
            },
        }
    }

    fn history(&self) -> Outcome {
        let reference = match self.section {
            Section::Readiness => match self.selected_finding() {
                Some(finding) if finding.record.is_empty() => {
                    return Outcome::Status("This finding is about no single record.".into())
                }
                Some(finding) => Some(finding.record.clone()),
                None => None,
            },
            Section::Plan => self
                .selected()
                .and_then(|i| self.timeline.get(i))
                .map(|row| row.kind.key().to_string()),
            Section::Budget => self.selected().and_then(|i| self.budget_reference(i)),
        };
        match reference {
            Some(reference) => Outcome::ShowHistory(reference),
            None => Outcome::Ignored,
        }
    }

    fn open_form(&mut self, target: FormTarget) {
        let form = match &target {
            FormTarget::Body => forms::body_form(&self.plan.plan),
            FormTarget::Milestone(kind) => {
                let row = self.timeline.iter().find(|r| r.kind == *kind);
                forms::milestone_form(*kind, &self.recorded(*kind), row)
            }
            FormTarget::Budget(stored) => forms::budget_form(
                stored.as_ref().map(|s| s.reference.as_str()),
                stored.as_ref().map(|s| &s.value),
                &self.plan.plan.currency,
            ),
        };
        self.form = Some(FormSession::new(form, target));
    }

    /// The milestone as the user recorded it (empty when never dated).
    fn recorded(
        &self,
        kind: crate::domain::certification::MilestoneKind,
    ) -> crate::domain::certification::Milestone {
        self.plan
            .milestones
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    fn perform_in_form(&mut self, action: Action, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        let target = session.target.clone();
        let today = self.today;
        let validate = |form: &crate::ui::components::form::Form| match target {
            FormTarget::Body => Vec::new(),
            FormTarget::Milestone(_) => {
                forms::milestone_from(form, today).err().unwrap_or_default()
            }
            FormTarget::Budget(_) => forms::budget_from(form).err().unwrap_or_default(),
        };
        match session.handle(action, validate) {
            FormStep::Done => Outcome::Done,
            FormStep::Ignored => Outcome::Ignored,
            FormStep::Refused => Outcome::Error(REFUSED.into()),
            FormStep::Save => self.save_form(store),
            FormStep::AskDiscard => Outcome::Ask(
                "Discard the changes in this form?".into(),
                Pending::DiscardForm,
            ),
            FormStep::Close => {
                self.form = None;
                Outcome::Done
            }
        }
    }

    fn save_form(&mut self, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_ref() else {
            return Outcome::Ignored;
        };
        let form = &session.form;
        let saved: Result<String, Vec<crate::domain::FieldError>> = match &session.target {
            FormTarget::Body => {
                let plan = forms::body_from(form);
                store
                    .save_plan(&self.plan.plan, &plan)
                    .map(|_| "the certification body".to_string())
                    .map_err(store_error)
            }
            FormTarget::Milestone(kind) => {
                forms::milestone_from(form, self.today).and_then(|milestone| {
                    store
                        .save_milestone(*kind, &self.recorded(*kind), &milestone)
                        .map(|_| kind.label().to_string())
                        .map_err(store_error)
                })
            }
            FormTarget::Budget(stored) => forms::budget_from(form).and_then(|line| {
                match stored {
                    Some(before) => store
                        .update_from(&before.reference, Some(&before.value), &line)
                        .map(|_| before.reference.clone()),
                    None => store.insert::<BudgetLine>(&line),
                }
                .map_err(store_error)
            }),
        };
        match saved {
            Ok(what) => {
                self.form = None;
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!("Saved {what}, but could not re-read: {error}"));
                }
                if let Some(index) = self.plan.budget.iter().position(|s| s.reference == what) {
                    self.tables[2].select(Some(index));
                }
                Outcome::Status(format!("Saved {what}."))
            }
            Err(errors) => Outcome::Error(refused(self.form.as_mut(), &errors)),
        }
    }

    pub fn confirmed(&mut self, question: Pending, store: &mut Store) -> Outcome {
        match question {
            Pending::DiscardForm => {
                self.form = None;
                Outcome::Done
            }
            Pending::DeleteBudgetLine(reference) => {
                if let Err(error) = store.delete::<BudgetLine>(&reference) {
                    return Outcome::Error(format!("Not deleted: {error}"));
                }
                match self.refresh(store) {
                    Ok(()) => Outcome::Status(format!("Deleted {reference}.")),
                    Err(error) => Outcome::Error(format!(
                        "Deleted {reference}, but could not re-read: {error}"
                    )),
                }
            }
        }
    }

    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        type_into(self.form.as_mut(), key)
    }

    pub fn paste(&mut self, text: &str) -> bool {
        paste_into(self.form.as_mut(), text)
    }

    /// Selects the row under a click.
    pub fn click(&mut self, x: u16, y: u16) -> bool {
        if self.form.is_some() {
            return false;
        }
        let area = self.list_area;
        let first = area.y + 2;
        let inside = x > area.x && x + 1 < area.right() && y >= first && y + 1 < area.bottom();
        let table = &mut self.tables[self.section.index()];
        let index = table.offset() + usize::from(y.saturating_sub(first));
        if inside && index < self.list_len() {
            self.tables[self.section.index()].select(Some(index));
            return true;
        }
        false
    }
}

/// A store error as a form error with no field: shown in the status line.
fn store_error(error: anyhow::Error) -> Vec<crate::domain::FieldError> {
    vec![crate::domain::FieldError::new("", error.to_string())]
}
