//! The Audit tab (9.2, 10.2): the audit programme, each audit's checklist with one key per
//! result, the nonconformity register, the audit report and the cycle's coverage.

pub(crate) mod forms;
mod view;

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

use crate::domain::audit::{Audit, ChecklistItem, Finding, Nonconformity, OwnerIndex};
use crate::domain::FieldError;
use crate::store::{new_record_key, AuditData, Store};
use crate::ui::components::form_session::{
    fill_drafts, paste_into, refused, type_into, FormSession, FormStep, REFUSED,
};
use crate::ui::components::keep_in_range;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};
use crate::ui::presentation::{save_marks, with_marks};
use forms::NcFilter;

use super::{Outcome as TabOutcome, Sections};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Programme,
    Checklist,
    Nonconformities,
    Report,
    Coverage,
}

impl Sections for Section {
    const ALL: &'static [Section] = &[
        Section::Programme,
        Section::Checklist,
        Section::Nonconformities,
        Section::Report,
        Section::Coverage,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FormTarget {
    Audit(Option<String>),
    Item(String),
    /// The item's form opened by a result key (o, i, m, M) to ask for the note the finding
    /// needs; saved, the checklist moves on to the next item as the key would have.
    Finding(String),
    Nc(Option<String>),
    Filter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DiscardForm,
    DeleteAudit(String),
    DeleteNc(String),
}

pub type Outcome = TabOutcome<Pending>;

/// What the programme table shows of each audit, worked out once per read of the data rather
/// than per frame: checklist progress and independence warnings.
struct ProgrammeRow {
    done: usize,
    total: usize,
    warnings: Vec<String>,
}

fn programme_rows(data: &AuditData) -> HashMap<String, ProgrammeRow> {
    let control_owners: Vec<(String, String)> = data
        .applicable
        .iter()
        .map(|(id, _, owner)| (id.clone(), owner.clone()))
        .collect();
    let owners = OwnerIndex::new(&control_owners, &data.risk_owners);
    let mut rows: HashMap<String, ProgrammeRow> = data
        .audits
        .iter()
        .map(|a| {
            let row = ProgrammeRow {
                done: 0,
                total: 0,
                warnings: owners.warnings(&a.value),
            };
            (a.reference.clone(), row)
        })
        .collect();
    for item in &data.items {
        if let Some(row) = rows.get_mut(&item.value.audit) {
            row.total += 1;
            if item.value.result != Finding::NotAudited {
                row.done += 1;
            }
        }
    }
    rows
}

pub struct AuditTab {
    data: AuditData,
    programme: HashMap<String, ProgrammeRow>,
    today: NaiveDate,
    section: Section,
    audits: TableState,
    items: TableState,
    ncs: TableState,
    filter: NcFilter,
    /// The register's rows after filtering: indices into the nonconformities.
    nc_order: Vec<usize>,
    /// How far the report or coverage page is scrolled.
    scroll: usize,
    form: Option<FormSession<FormTarget>>,
    list_area: Rect,
}

impl AuditTab {
    pub fn new(data: AuditData, today: NaiveDate) -> Self {
        let mut tab = AuditTab {
            programme: programme_rows(&data),
            data,
            today,
            section: Section::Programme,
            audits: TableState::default(),
            items: TableState::default(),
            ncs: TableState::default(),
            filter: NcFilter::default(),
            nc_order: Vec::new(),
            scroll: 0,
            form: None,
            list_area: Rect::default(),
        };
        tab.rebuild();
        tab
    }

    pub fn data(&self) -> &AuditData {
        &self.data
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        self.data = store.load_audits()?;
        self.programme = programme_rows(&self.data);
        self.rebuild();
        Ok(())
    }

    fn rebuild(&mut self) {
        self.nc_order = (0..self.data.nonconformities.len())
            .filter(|i| self.filter.matches(&self.data.nonconformities[*i].value))
            .collect();
        // The audit first: the checklist is the selected audit's.
        keep_in_range(&mut self.audits, self.data.audits.len());
        let items = self
            .selected_audit()
            .map_or(0, |a| self.data.items_of(&a).count());
        keep_in_range(&mut self.items, items);
        keep_in_range(&mut self.ncs, self.nc_order.len());
    }

    fn selected_audit(&self) -> Option<String> {
        self.audits
            .selected()
            .and_then(|i| self.data.audits.get(i))
            .map(|a| a.reference.clone())
    }

    /// The selected audit's checklist: (reference, item).
    fn checklist(&self) -> Vec<(String, ChecklistItem)> {
        match self.selected_audit() {
            Some(audit) => self
                .data
                .items_of(&audit)
                .map(|i| (i.reference.clone(), i.value.clone()))
                .collect(),
            None => Vec::new(),
        }
    }

    fn selected_item(&self) -> Option<(String, ChecklistItem)> {
        let index = self.items.selected()?;
        self.checklist().into_iter().nth(index)
    }

    fn selected_nc(&self) -> Option<(String, Nonconformity)> {
        let index = *self.nc_order.get(self.ncs.selected()?)?;
        self.data
            .nonconformities
            .get(index)
            .map(|n| (n.reference.clone(), n.value.clone()))
    }

    pub fn is_typing(&self) -> bool {
        self.form.is_some()
    }

    /// Shows the audit, checklist item or nonconformity `reference`; a clause or control id
    /// opens the coverage of the cycle. False while the user is typing, or when nothing matches.
    pub fn reveal(&mut self, reference: &str) -> bool {
        if self.is_typing() {
            return false;
        }
        // A checklist item ("IA-2026-01/9.2.2"), as a readiness finding names it.
        if reference.contains('/') && self.reveal_item(reference) {
            return true;
        }
        if let Some(index) = self
            .data
            .audits
            .iter()
            .position(|a| a.reference == reference)
        {
            self.section = Section::Programme;
            self.audits.select(Some(index));
            self.rebuild();
            return true;
        }
        let nc = self
            .data
            .nonconformities
            .iter()
            .position(|n| n.reference == reference);
        if let Some(index) = nc {
            self.section = Section::Nonconformities;
            if !self.nc_order.contains(&index) {
                self.filter = NcFilter::default();
                self.rebuild();
            }
            self.ncs
                .select(self.nc_order.iter().position(|i| *i == index));
            return true;
        }
        let covered = self.data.clauses.iter().any(|(id, _)| id == reference)
            || self.data.controls.iter().any(|(id, _)| id == reference);
        if covered {
            self.section = Section::Coverage;
            self.scroll = 0;
        }
        covered
    }

    /// Opens the form of the selected audit, checklist item or nonconformity.
    /// Opens the form of a new audit (Programme) or nonconformity (Nonconformities).
    fn open_new(&mut self, store: &Store) -> Outcome {
        match self.section {
            Section::Programme => {
                let audit = Audit {
                    clauses: self.data.clauses.iter().map(|(id, _)| id.clone()).collect(),
                    ..Audit::default()
                };
                let form = forms::audit_form(&self.data, None, &audit);
                self.form = Some(FormSession::new(
                    with_marks(form, "audit", None, store),
                    FormTarget::Audit(None),
                ));
            }
            Section::Nonconformities => {
                let nc = Nonconformity {
                    source: crate::domain::audit::NcSource::CertificationBody,
                    ..Nonconformity::default()
                };
                self.form = Some(FormSession::new(
                    with_marks(forms::nc_form(None, &nc), "nonconformity", None, store),
                    FormTarget::Nc(None),
                ));
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn open_edit(&mut self, store: &Store) -> Outcome {
        match self.section {
            Section::Programme => {
                let Some(reference) = self.selected_audit() else {
                    return Outcome::Status("No audit yet: press n to plan one.".into());
                };
                let Some(audit) = self.data.audits.iter().find(|a| a.reference == reference) else {
                    return Outcome::Ignored;
                };
                let form = forms::audit_form(&self.data, Some(&reference), &audit.value);
                let form = with_marks(form, "audit", Some(&reference), store);
                self.form = Some(FormSession::new(form, FormTarget::Audit(Some(reference))));
            }
            Section::Checklist => {
                let Some((reference, item)) = self.selected_item() else {
                    return Outcome::Ignored;
                };
                let form = forms::item_form(&self.data, &item);
                let form = with_marks(form, "checklist_item", Some(&reference), store);
                self.form = Some(FormSession::new(form, FormTarget::Item(reference)));
            }
            Section::Nonconformities => {
                let Some((reference, nc)) = self.selected_nc() else {
                    return Outcome::Ignored;
                };
                let form = forms::nc_form(Some(&reference), &nc);
                let form = with_marks(form, "nonconformity", Some(&reference), store);
                self.form = Some(FormSession::new(form, FormTarget::Nc(Some(reference))));
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    /// The open audit or nonconformity form's changed text, for autosave. New records and
    /// checklist items keep no drafts (yet).
    pub fn open_draft(&self) -> Option<OpenDraft> {
        let session = self.form.as_ref()?;
        let record = match &session.target {
            FormTarget::Audit(Some(record))
            | FormTarget::Nc(Some(record))
            | FormTarget::Item(record)
            | FormTarget::Finding(record) => record.clone(),
            FormTarget::Audit(None) => new_record_key("audit"),
            FormTarget::Nc(None) => new_record_key("nonconformity"),
            FormTarget::Filter => return None,
        };
        Some(session.draft(record))
    }

    /// Opens the form of the audit or nonconformity `record` with `fields` filled in from its
    /// drafts; false when there is no such record or a form is open already.
    pub fn restore_draft(
        &mut self,
        record: &str,
        fields: &[(String, String)],
        store: &Store,
    ) -> bool {
        if self.is_typing() {
            return false;
        }
        let opened = if record == new_record_key("audit") {
            self.section = Section::Programme;
            self.open_new(store) == Outcome::Done
        } else if record == new_record_key("nonconformity") {
            self.section = Section::Nonconformities;
            self.open_new(store) == Outcome::Done
        } else if self.reveal_item(record) {
            self.open_edit(store) == Outcome::Done
        } else {
            self.reveal(record) && self.open_edit(store) == Outcome::Done
        };
        opened && fill_drafts(self.form.as_mut(), fields)
    }

    /// Selects the checklist item `reference` in its audit's checklist; false if none.
    fn reveal_item(&mut self, reference: &str) -> bool {
        let Some(item) = self.data.items.iter().find(|i| i.reference == reference) else {
            return false;
        };
        let audit = item.value.audit.clone();
        let Some(index) = self.data.audits.iter().position(|a| a.reference == audit) else {
            return false;
        };
        self.audits.select(Some(index));
        self.rebuild();
        let position = self.checklist().iter().position(|(r, _)| r == reference);
        self.section = Section::Checklist;
        self.items.select(position);
        position.is_some()
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.form
            .as_ref()
            .is_some_and(|session| session.form.is_dirty())
    }

    pub fn contexts(&self) -> Vec<Context> {
        if let Some(session) = &self.form {
            return session.contexts();
        }
        match self.section {
            Section::Programme => vec![Context::Records, Context::List, Context::Sections],
            Section::Checklist => vec![Context::Checklist, Context::List, Context::Sections],
            Section::Nonconformities => vec![
                Context::NcRegister,
                Context::Records,
                Context::List,
                Context::Sections,
            ],
            Section::Report | Section::Coverage => vec![Context::Reading, Context::Sections],
        }
    }

    pub fn click(&mut self, x: u16, y: u16) -> bool {
        let area = self.list_area;
        let first = area.y + 2;
        if self.form.is_some()
            || x <= area.x
            || x + 1 >= area.right()
            || y < first
            || y + 1 >= area.bottom()
        {
            return false;
        }
        let row = usize::from(y - first);
        let checklist_len = self.checklist().len();
        let (state, len) = match self.section {
            Section::Programme => (&mut self.audits, self.data.audits.len()),
            Section::Checklist => (&mut self.items, checklist_len),
            Section::Nonconformities => (&mut self.ncs, self.nc_order.len()),
            _ => return false,
        };
        let index = state.offset() + row;
        if index < len {
            state.select(Some(index));
        }
        true
    }

    fn move_selection(&mut self, delta: isize) {
        let len = match self.section {
            Section::Programme => self.data.audits.len(),
            Section::Checklist => self.checklist().len(),
            Section::Nonconformities => self.nc_order.len(),
            Section::Report | Section::Coverage => {
                self.scroll = self.scroll.saturating_add_signed(delta);
                return;
            }
        };
        let state = match self.section {
            Section::Programme => &mut self.audits,
            Section::Checklist => &mut self.items,
            _ => &mut self.ncs,
        };
        if len > 0 {
            let current = state.selected().unwrap_or(0);
            state.select(Some(current.saturating_add_signed(delta).min(len - 1)));
        }
        if self.section == Section::Programme {
            // Another audit: its checklist starts at the top.
            self.items.select(Some(0));
            *self.items.offset_mut() = 0;
            self.rebuild();
        }
    }

    pub fn perform(&mut self, action: Action, store: &mut Store) -> Outcome {
        if self.form.is_some() {
            return self.perform_in_form(action, store);
        }
        match action {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-10),
            Action::PageDown => self.move_selection(10),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::NextSection | Action::PrevSection => {
                self.section = self.section.step(action == Action::NextSection);
                self.scroll = 0;
            }
            Action::Record(finding) => return self.record(finding, store),
            Action::New => return self.open_new(store),
            Action::Edit => return self.open_edit(store),
            Action::Filters if self.section == Section::Nonconformities => {
                self.form = Some(FormSession::new(
                    forms::filter_form(&self.data, &self.filter),
                    FormTarget::Filter,
                ));
            }
            Action::ClearFilters => {
                self.filter = NcFilter::default();
                self.rebuild();
            }
            Action::Delete => {
                return match self.section {
                    Section::Programme => match self.selected_audit() {
                        Some(reference) => Outcome::Ask(
                            format!("Delete {reference} and its checklist? Nonconformities raised from it stay."),
                            Pending::DeleteAudit(reference),
                        ),
                        None => Outcome::Ignored,
                    },
                    Section::Nonconformities => match self.selected_nc() {
                        Some((reference, _)) => Outcome::Ask(format!("Delete {reference}? Its history stays in the change log."), Pending::DeleteNc(reference)),
                        None => Outcome::Ignored,
                    },
                    _ => Outcome::Ignored,
                };
            }
            Action::History => {
                let reference = match self.section {
                    Section::Programme | Section::Report => self.selected_audit(),
                    Section::Checklist => self.selected_item().map(|(r, _)| r),
                    Section::Nonconformities => self.selected_nc().map(|(r, _)| r),
                    Section::Coverage => None,
                };
                return reference.map_or(Outcome::Ignored, Outcome::ShowHistory);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    /// Records a result on the selected item and moves to the next one.
    fn record(&mut self, finding: Finding, store: &mut Store) -> Outcome {
        if self.section != Section::Checklist {
            return Outcome::Ignored;
        }
        let Some((reference, item)) = self.selected_item() else {
            return Outcome::Status(
                "This audit has no checklist items: give it clauses or applicable controls.".into(),
            );
        };
        let changed = ChecklistItem {
            result: finding,
            ..item.clone()
        };
        if finding.needs_note() && item.notes.trim().is_empty() {
            // A finding is only as good as its note: ask for it before anything is saved.
            let form = forms::finding_form(&self.data, &changed);
            let form = with_marks(form, "checklist_item", Some(&reference), store);
            self.form = Some(FormSession::new(form, FormTarget::Finding(reference)));
            return Outcome::Status(format!(
                "{}: {} needs a note",
                changed.target.label(),
                finding.short()
            ));
        }
        match store.record_result(&reference, &changed) {
            Ok(raised) => {
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!(
                        "Saved, but could not re-read the audits: {error}"
                    ));
                }
                self.move_selection(1);
                let done = self
                    .checklist()
                    .iter()
                    .filter(|(_, i)| i.result != Finding::NotAudited)
                    .count();
                let total = self.checklist().len();
                match raised {
                    Some(nc) => Outcome::Status(format!(
                        "{}: {} · raised {nc} · {done}/{total} audited",
                        changed.target.label(),
                        finding.short()
                    )),
                    None => Outcome::Status(format!(
                        "{}: {} · {done}/{total} audited",
                        changed.target.label(),
                        finding.short()
                    )),
                }
            }
            Err(error) => Outcome::Error(format!("Not saved: {error}")),
        }
    }

    fn validate(target: &FormTarget, form: &crate::ui::components::form::Form) -> Vec<FieldError> {
        match target {
            FormTarget::Audit(_) => forms::audit_from(form).err().unwrap_or_default(),
            FormTarget::Nc(_) => forms::nc_from(form, &Nonconformity::default())
                .err()
                .unwrap_or_default(),
            FormTarget::Item(_) | FormTarget::Finding(_) => forms::item_errors(form),
            FormTarget::Filter => Vec::new(),
        }
    }

    fn perform_in_form(&mut self, action: Action, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        let target = session.target.clone();
        match session.handle(action, |form| Self::validate(&target, form)) {
            FormStep::Done => Outcome::Done,
            FormStep::Ignored => Outcome::Ignored,
            FormStep::Refused => Outcome::Error(REFUSED.into()),
            FormStep::AskDiscard => Outcome::Ask(
                "Discard the changes in this form?".into(),
                Pending::DiscardForm,
            ),
            FormStep::Close => {
                self.form = None;
                Outcome::Done
            }
            FormStep::Save => self.save_form(store),
        }
    }

    fn save_form(&mut self, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        let store_error = |error: anyhow::Error| vec![FieldError::new("", error.to_string())];
        let form = &session.form;
        let result: Result<String, Vec<FieldError>> = match session.target.clone() {
            FormTarget::Filter => {
                self.filter = forms::filter_from(form);
                self.form = None;
                self.rebuild();
                return Outcome::Status(format!("{} nonconformities match.", self.nc_order.len()));
            }
            FormTarget::Audit(reference) => {
                forms::audit_from(form).and_then(|audit| match &reference {
                    None => store
                        .write(|writer| {
                            let saved = writer.create_audit(&audit, self.today)?;
                            save_marks(writer, &saved, form)?;
                            Ok(saved)
                        })
                        .map_err(store_error),
                    Some(r) => {
                        let before = self
                            .data
                            .audits
                            .iter()
                            .find(|a| &a.reference == r)
                            .map(|a| a.value.clone());
                        let today = self.today;
                        store
                            .write(|writer| {
                                writer.update_from(r, before.as_ref(), &audit)?;
                                writer.sync_checklist(r)?;
                                // A planned audit moved to another year takes that year's number.
                                let saved = writer.renumber_audit(r, today)?.unwrap_or(r.clone());
                                save_marks(writer, &saved, form)?;
                                Ok(saved)
                            })
                            .map_err(store_error)
                    }
                })
            }
            FormTarget::Item(reference) | FormTarget::Finding(reference) => {
                let Some(base) = self
                    .data
                    .items
                    .iter()
                    .find(|i| i.reference == reference)
                    .map(|i| i.value.clone())
                else {
                    return Outcome::Error(format!("{reference} no longer exists."));
                };
                let item = forms::item_from(form, &base);
                store
                    .write(|writer| {
                        let raised = writer.record_result(&reference, &item)?;
                        save_marks(writer, &reference, form)?;
                        Ok(raised.unwrap_or(reference))
                    })
                    .map_err(store_error)
            }
            FormTarget::Nc(reference) => {
                let base = reference
                    .as_ref()
                    .and_then(|r| self.data.nonconformities.iter().find(|n| &n.reference == r))
                    .map(|n| n.value.clone())
                    .unwrap_or_default();
                forms::nc_from(form, &base).and_then(|nc| {
                    store
                        .write(|writer| {
                            let saved = match &reference {
                                Some(r) => {
                                    writer.update_from(r, Some(&base), &nc).map(|_| r.clone())
                                }
                                None => writer.insert(&nc),
                            }?;
                            save_marks(writer, &saved, form)?;
                            Ok(saved)
                        })
                        .map_err(store_error)
                })
            }
        };
        let prompted = match &session.target {
            FormTarget::Finding(item) => Some(item.clone()),
            _ => None,
        };
        let renumbered_from = match &session.target {
            FormTarget::Audit(Some(old)) => Some(old.clone()),
            _ => None,
        };
        match result {
            Ok(saved) => {
                self.form = None;
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!(
                        "Saved {saved}, but could not re-read the audits: {error}"
                    ));
                }
                if let Some(item_ref) = prompted {
                    // As the result key would have: on to the next item.
                    self.move_selection(1);
                    let checklist = self.checklist();
                    let done = checklist
                        .iter()
                        .filter(|(_, i)| i.result != Finding::NotAudited)
                        .count();
                    let what = checklist
                        .iter()
                        .find(|(r, _)| *r == item_ref)
                        .map(|(_, i)| format!("{}: {}", i.target.label(), i.result.short()))
                        .unwrap_or(item_ref.clone());
                    let raised = if saved == item_ref {
                        String::new()
                    } else {
                        format!(" · raised {saved}")
                    };
                    return Outcome::Status(format!(
                        "{what}{raised} · {done}/{} audited",
                        checklist.len()
                    ));
                }
                if let Some(index) = self.data.audits.iter().position(|a| a.reference == saved) {
                    self.audits.select(Some(index));
                    self.rebuild();
                }
                match renumbered_from {
                    Some(old) if old != saved => Outcome::Status(format!(
                        "Saved as {saved}, the year of its planned start (was {old})."
                    )),
                    _ => Outcome::Status(format!("Saved {saved}.")),
                }
            }
            Err(errors) => Outcome::Error(refused(self.form.as_mut(), &errors)),
        }
    }

    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        type_into(self.form.as_mut(), key)
    }

    pub fn paste(&mut self, text: &str) -> bool {
        paste_into(self.form.as_mut(), text)
    }

    pub fn confirmed(&mut self, pending: Pending, store: &mut Store) -> Outcome {
        let deleted = match pending {
            Pending::DiscardForm => {
                self.form = None;
                return Outcome::Done;
            }
            Pending::DeleteAudit(reference) => store
                .write(|writer| writer.delete_audit(&reference))
                .map(|_| reference),
            Pending::DeleteNc(reference) => {
                store.delete::<Nonconformity>(&reference).map(|_| reference)
            }
        };
        match deleted.and_then(|reference| self.refresh(store).map(|_| reference)) {
            Ok(reference) => Outcome::Status(format!("Deleted {reference}.")),
            Err(error) => Outcome::Error(format!("Not deleted: {error}")),
        }
    }
}
