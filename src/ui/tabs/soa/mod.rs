//! The SoA tab (6.1.3 d): the 93 Annex A controls with their decisions, progress, and
//! approved versions compared with today.

mod filter;
pub(crate) mod forms;
mod view;

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

use crate::domain::soa::{
    diff, progress, Applicability, ApprovedVersion, ControlChange, SoaDecision, SoaRow,
};
use crate::domain::FieldError;
use crate::store::{SoaData, Store};
use crate::ui::components::form_session::{fill_drafts, FormSession, FormStep, REFUSED};
use crate::ui::components::keep_in_range;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};
use crate::ui::presentation::with_marks;
pub use filter::SoaFilter;

use super::{Outcome as TabOutcome, Sections};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Controls,
    Progress,
    Versions,
}

impl Sections for Section {
    const ALL: &'static [Section] = &[Section::Controls, Section::Progress, Section::Versions];
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FormTarget {
    Decision(String),
    Approve,
    Filter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DiscardForm,
    /// Exclude a control that risks rely on.
    Exclude {
        control: String,
        decision: Box<SoaDecision>,
    },
    /// Approve the SoA while controls are undecided: open the approval form.
    ApproveUndecided,
}

/// An approved version shown read-only: its frozen rows and what changed since (or, compared
/// with the version before it, what this version changed).
struct VersionView {
    reference: String,
    version: ApprovedVersion,
    rows: Vec<SoaRow>,
    /// The version approved before this one, with its frozen rows, if there is one.
    previous: Option<(ApprovedVersion, Vec<SoaRow>)>,
    /// Compared with the previous version instead of today.
    against_previous: bool,
    /// `diff(rows, today)`, or `diff(previous, rows)`; kept up to date as the SoA changes.
    changes: Vec<ControlChange>,
    table: TableState,
}

impl VersionView {
    fn recompute(&mut self, today: &[SoaRow]) {
        self.changes = match (&self.previous, self.against_previous) {
            (Some((_, previous)), true) => diff(previous, &self.rows),
            _ => diff(&self.rows, today),
        };
    }

    /// The label of the version compared with, while compared with the previous one.
    fn compared_with(&self) -> Option<&ApprovedVersion> {
        match (&self.previous, self.against_previous) {
            (Some((version, _)), true) => Some(version),
            _ => None,
        }
    }
}

pub type Outcome = TabOutcome<Pending>;

pub struct SoaTab {
    data: SoaData,
    today: NaiveDate,
    section: Section,
    filter: SoaFilter,
    typing: bool,
    /// Indices into the controls, filtered.
    order: Vec<usize>,
    controls: TableState,
    versions: TableState,
    /// The selected version's differences with today, computed when the selection or the
    /// data changes.
    changes: Vec<ControlChange>,
    /// How far the differences are scrolled, and why they could not be read, if so.
    changes_scroll: usize,
    changes_error: Option<String>,
    form: Option<FormSession<FormTarget>>,
    /// The approved version being viewed, if one is.
    viewing: Option<VersionView>,
    list_area: Rect,
}

impl SoaTab {
    pub fn new(data: SoaData, today: NaiveDate) -> Self {
        let mut tab = SoaTab {
            data,
            today,
            section: Section::Controls,
            filter: SoaFilter::default(),
            typing: false,
            order: Vec::new(),
            controls: TableState::default(),
            versions: TableState::default(),
            changes: Vec::new(),
            changes_scroll: 0,
            changes_error: None,
            form: None,
            viewing: None,
            list_area: Rect::default(),
        };
        tab.refilter();
        tab
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    pub fn data(&self) -> &SoaData {
        &self.data
    }

    fn refilter(&mut self) {
        let selected = self.selected_control_index();
        self.order = (0..self.data.controls.len())
            .filter(|i| {
                let control = &self.data.controls[*i];
                self.data
                    .decision(&control.id)
                    .is_some_and(|d| self.filter.matches(control, d))
            })
            .collect();
        let position = selected
            .and_then(|i| self.order.iter().position(|o| *o == i))
            .unwrap_or(0);
        self.controls
            .select((!self.order.is_empty()).then_some(position));
        *self.controls.offset_mut() = 0;
    }

    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        self.data = store.load_soa()?;
        self.refilter();
        let versions = self.data.versions.len();
        // The latest version is the one compared with today at first.
        match (versions, self.versions.selected()) {
            (0, _) => self.versions.select(None),
            (n, None) => self.versions.select(Some(n - 1)),
            _ => keep_in_range(&mut self.versions, versions),
        }
        self.recompute_changes(store);
        let now = self.data.rows();
        if let Some(view) = &mut self.viewing {
            view.recompute(&now);
        }
        Ok(())
    }

    /// Opens the selected approved version read-only; false when none is selected.
    fn open_version(&mut self, store: &Store) -> Result<bool> {
        let Some(index) = self.versions.selected() else {
            return Ok(false);
        };
        let Some(version) = self.data.versions.get(index) else {
            return Ok(false);
        };
        let rows = store.soa_version_rows(&version.reference)?;
        // The version before it in the order of approval.
        let previous = match index.checked_sub(1).and_then(|i| self.data.versions.get(i)) {
            Some(before) => Some((
                before.value.approved(),
                store.soa_version_rows(&before.reference)?,
            )),
            None => None,
        };
        let mut table = TableState::default();
        table.select((!rows.is_empty()).then_some(0));
        let mut view = VersionView {
            reference: version.reference.clone(),
            version: version.value.approved(),
            rows,
            previous,
            against_previous: false,
            changes: Vec::new(),
            table,
        };
        view.recompute(&self.data.rows());
        self.viewing = Some(view);
        Ok(true)
    }

    /// The question asked before approving while controls are undecided, if any are.
    fn undecided_question(&self) -> Option<String> {
        let undecided: Vec<&str> = self
            .data
            .decisions
            .iter()
            .filter(|d| d.value.applicability == Applicability::Undecided)
            .map(|d| d.reference.as_str())
            .collect();
        let count = progress(self.data.decisions.iter().map(|d| &d.value)).undecided;
        if count == 0 {
            return None;
        }
        let shown: Vec<&str> = undecided.iter().take(5).copied().collect();
        let more = if count > shown.len() { ", ..." } else { "" };
        let which = if count == self.data.decisions.len() && count > 1 {
            format!("All {count} controls are still undecided")
        } else if count == 1 {
            format!("1 control is still undecided ({})", shown.join(", "))
        } else {
            format!(
                "{count} controls are still undecided ({}{more})",
                shown.join(", ")
            )
        };
        let is = if count == 1 { "it" } else { "them" };
        Some(format!(
            "{which}. An approved SoA should decide every control, and the readiness check \
             flags a version approved with undecided controls. Approve with {is} undecided?"
        ))
    }

    /// Compares the selected version with today (a query, made on selection, not per frame).
    fn recompute_changes(&mut self, store: &Store) {
        self.changes_scroll = 0;
        self.changes_error = None;
        self.changes = match self
            .versions
            .selected()
            .and_then(|i| self.data.versions.get(i))
        {
            Some(version) => match store.soa_version_rows(&version.reference) {
                Ok(rows) => diff(&rows, &self.data.rows()),
                Err(error) => {
                    self.changes_error =
                        Some(format!("Could not read {}: {error}", version.value.label));
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
    }

    fn selected_control_index(&self) -> Option<usize> {
        self.controls
            .selected()
            .and_then(|p| self.order.get(p).copied())
    }

    fn selected_control(&self) -> Option<String> {
        self.selected_control_index()
            .map(|i| self.data.controls[i].id.clone())
    }

    pub fn is_typing(&self) -> bool {
        self.form.is_some() || self.typing
    }

    /// Shows the control `id` in the list, clearing a filter that hides it, or the approved
    /// version `id` in the versions; false while the user is typing, or when there is no such
    /// control or version.
    pub fn reveal(&mut self, id: &str) -> bool {
        if self.is_typing() {
            return false;
        }
        if let Some(position) = self.data.versions.iter().position(|v| v.reference == id) {
            self.viewing = None;
            self.section = Section::Versions;
            self.versions.select(Some(position));
            return true;
        }
        let Some(index) = self.data.controls.iter().position(|c| c.id == id) else {
            return false;
        };
        self.viewing = None;
        self.section = Section::Controls;
        if !self.order.contains(&index) {
            self.filter = SoaFilter::default();
            self.refilter();
        }
        let position = self.order.iter().position(|i| *i == index);
        self.controls.select(position);
        true
    }

    /// Opens the decision form of the selected control; false when none is selected.
    fn open_decision(&mut self, store: &Store) -> bool {
        let Some(id) = self.selected_control() else {
            return false;
        };
        let (Some(control), Some(decision)) = (
            self.data.controls.iter().find(|c| c.id == id),
            self.data.decision(&id),
        ) else {
            return false;
        };
        let risks = self.data.risks.get(&id).cloned().unwrap_or_default();
        let form = forms::decision_form(control, decision, &risks);
        let form = with_marks(form, "soa_decision", Some(&id), store);
        self.form = Some(FormSession::new(form, FormTarget::Decision(id)));
        true
    }

    /// The open decision form's changed text, for autosave, keyed by the control's id.
    pub fn open_draft(&self) -> Option<OpenDraft> {
        let session = self.form.as_ref()?;
        let FormTarget::Decision(id) = &session.target else {
            return None;
        };
        Some(session.draft(id.clone()))
    }

    /// Opens the decision form of the control `record` with `fields` filled in from its
    /// drafts; false when there is no such control or a form is open already.
    pub fn restore_draft(
        &mut self,
        record: &str,
        fields: &[(String, String)],
        store: &Store,
    ) -> bool {
        self.reveal(record) && self.open_decision(store) && fill_drafts(self.form.as_mut(), fields)
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
        if self.viewing.is_some() {
            return vec![Context::SoaVersionView, Context::List];
        }
        match self.section {
            Section::Controls if self.typing => vec![Context::FilterInput],
            Section::Controls => vec![Context::SoaList, Context::List, Context::Sections],
            Section::Progress => vec![Context::Sections],
            Section::Versions => vec![Context::Versions, Context::List, Context::Sections],
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
        if let Some(view) = &mut self.viewing {
            let position = view.table.offset() + row;
            if position < view.rows.len() {
                view.table.select(Some(position));
            }
            return true;
        }
        match self.section {
            Section::Controls => {
                let position = self.controls.offset() + row;
                if position < self.order.len() {
                    self.controls.select(Some(position));
                }
            }
            _ => return false,
        }
        true
    }

    fn move_selection(&mut self, delta: isize, store: &Store) {
        let (state, len) = match self.section {
            Section::Controls => (&mut self.controls, self.order.len()),
            Section::Versions => (&mut self.versions, self.data.versions.len()),
            Section::Progress => return,
        };
        if len == 0 {
            return;
        }
        let current = state.selected().unwrap_or(0);
        state.select(Some(current.saturating_add_signed(delta).min(len - 1)));
        if self.section == Section::Versions {
            self.recompute_changes(store);
        }
    }

    pub fn perform(&mut self, action: Action, store: &mut Store) -> Outcome {
        if self.form.is_some() {
            return self.perform_in_form(action, store);
        }
        if let Some(view) = &mut self.viewing {
            let len = view.rows.len();
            let delta: isize = match action {
                Action::Close => {
                    self.viewing = None;
                    return Outcome::Done;
                }
                Action::History => return Outcome::ShowHistory(view.reference.clone()),
                Action::Compare => {
                    let Some((before, _)) = &view.previous else {
                        return Outcome::Status(format!(
                            "{} is the first approved version: it compares with today only.",
                            view.version.label.trim()
                        ));
                    };
                    let before = before.label.trim().to_string();
                    view.against_previous = !view.against_previous;
                    let now = self.data.rows();
                    let Some(view) = &mut self.viewing else {
                        return Outcome::Done;
                    };
                    view.recompute(&now);
                    return Outcome::Status(if view.against_previous {
                        format!("Comparing {} with {before}.", view.version.label.trim())
                    } else {
                        format!("Comparing {} with today.", view.version.label.trim())
                    });
                }
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -10,
                Action::PageDown => 10,
                Action::Top => isize::MIN / 2,
                Action::Bottom => isize::MAX / 2,
                _ => return Outcome::Ignored,
            };
            if len > 0 {
                let current = view.table.selected().unwrap_or(0);
                view.table
                    .select(Some(current.saturating_add_signed(delta).min(len - 1)));
            }
            return Outcome::Done;
        }
        if self.typing {
            match action {
                Action::Apply => self.typing = false,
                Action::ClearFilters => {
                    self.typing = false;
                    self.filter.text.clear();
                    self.refilter();
                }
                _ => return Outcome::Ignored,
            }
            return Outcome::Done;
        }
        match action {
            // In the versions, the page keys scroll the differences; the arrows pick a version.
            Action::PageUp if self.section == Section::Versions => {
                self.changes_scroll = self.changes_scroll.saturating_sub(5)
            }
            Action::PageDown if self.section == Section::Versions => self.changes_scroll += 5,
            Action::Up => self.move_selection(-1, store),
            Action::Down => self.move_selection(1, store),
            Action::PageUp => self.move_selection(-10, store),
            Action::PageDown => self.move_selection(10, store),
            Action::Top => self.move_selection(isize::MIN / 2, store),
            Action::Bottom => self.move_selection(isize::MAX / 2, store),
            Action::NextSection => self.section = self.section.step(true),
            Action::PrevSection => self.section = self.section.step(false),
            Action::Filter if self.section == Section::Controls => self.typing = true,
            Action::Filters if self.section == Section::Controls => {
                let form = forms::filter_form(&self.data, &self.filter);
                self.form = Some(FormSession::new(form, FormTarget::Filter));
            }
            Action::ClearFilters => {
                self.filter = SoaFilter::default();
                self.refilter();
                return Outcome::Status("Showing all 93 controls.".into());
            }
            Action::Edit if self.section == Section::Controls => {
                if !self.open_decision(store) {
                    return Outcome::Ignored;
                }
            }
            Action::Edit if self.section == Section::Versions => match self.open_version(store) {
                Ok(true) => {}
                Ok(false) => return Outcome::Ignored,
                Err(error) => {
                    return Outcome::Error(format!("Could not read the version: {error}"))
                }
            },
            Action::Approve => {
                if let Some(question) = self.undecided_question() {
                    return Outcome::Ask(question, Pending::ApproveUndecided);
                }
                self.open_approval();
            }
            Action::History => {
                let reference = match self.section {
                    Section::Controls => self.selected_control(),
                    Section::Versions => self
                        .versions
                        .selected()
                        .and_then(|i| self.data.versions.get(i))
                        .map(|v| v.reference.clone()),
                    Section::Progress => None,
                };
                return reference.map_or(Outcome::Ignored, Outcome::ShowHistory);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn open_approval(&mut self) {
        let form = forms::approval_form(&self.data, "", self.today);
        self.form = Some(FormSession::new(form, FormTarget::Approve));
    }

    fn validate(target: &FormTarget, form: &crate::ui::components::form::Form) -> Vec<FieldError> {
        match target {
            FormTarget::Decision(_) => forms::decision_from(form).err().unwrap_or_default(),
            FormTarget::Approve => forms::version_from(form).err().unwrap_or_default(),
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
        match session.target.clone() {
            FormTarget::Filter => {
                self.filter = forms::filter_from(&session.form);
                self.form = None;
                self.refilter();
                Outcome::Status(format!("{} of 93 controls match.", self.order.len()))
            }
            FormTarget::Approve => match forms::version_from(&session.form) {
                Err(errors) => {
                    session.refuse(&errors);
                    Outcome::Error(REFUSED.into())
                }
                Ok(version) => match store.approve_soa(&version) {
                    Ok(_) => {
                        self.form = None;
                        if let Err(error) = self.refresh(store) {
                            return Outcome::Error(format!(
                                "Approved, but could not re-read the SoA: {error}"
                            ));
                        }
                        self.versions
                            .select(Some(self.data.versions.len().saturating_sub(1)));
                        self.recompute_changes(store);
                        Outcome::Status(format!("Approved the SoA as {}.", version.label))
                    }
                    Err(error) => Outcome::Error(format!("Not approved: {error}")),
                },
            },
            FormTarget::Decision(control) => match forms::decision_from(&session.form) {
                Err(errors) => {
                    session.refuse(&errors);
                    Outcome::Error(REFUSED.into())
                }
                Ok(decision) => {
                    let relied_on = self.data.risks.get(&control).cloned().unwrap_or_default();
                    let was_excluded = self
                        .data
                        .decision(&control)
                        .is_some_and(|d| d.applicability == Applicability::No);
                    if decision.applicability == Applicability::No
                        && !was_excluded
                        && !relied_on.is_empty()
                    {
                        return Outcome::Ask(
                            format!(
                                "{} {} on {control} for treatment. Mark {control} not applicable anyway?",
                                relied_on.join(", "),
                                if relied_on.len() == 1 { "relies" } else { "rely" }
                            ),
                            Pending::Exclude {
                                control,
                                decision: Box::new(decision),
                            },
                        );
                    }
                    self.save_decision(store, &control, &decision)
                }
            },
        }
    }

    fn save_decision(
        &mut self,
        store: &mut Store,
        control: &str,
        decision: &SoaDecision,
    ) -> Outcome {
        let before = self.data.decision(control).cloned();
        let marks = self
            .form
            .as_ref()
            .map(|session| session.form.confidential_changes())
            .unwrap_or_default();
        let saved = store.write(|writer| {
            writer.update_from(control, before.as_ref(), decision)?;
            writer.set_confidential_marks(control, &marks)
        });
        match saved {
            Ok(_) => {
                self.form = None;
                match self.refresh(store) {
                    Ok(()) => Outcome::Status(format!("Saved {control}.")),
                    Err(error) => Outcome::Error(format!(
                        "Saved {control}, but could not re-read the SoA: {error}"
                    )),
                }
            }
            Err(error) => Outcome::Error(format!("Not saved: {error}")),
        }
    }

    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        if let Some(session) = &mut self.form {
            return session.form.type_key(key);
        }
        if self.typing {
            match key.code {
                KeyCode::Char(c) => self.filter.text.push(c),
                KeyCode::Backspace => {
                    self.filter.text.pop();
                }
                _ => return false,
            }
            self.refilter();
            return true;
        }
        false
    }

    pub fn paste(&mut self, text: &str) -> bool {
        if let Some(session) = &mut self.form {
            session.form.paste(text);
            return true;
        }
        false
    }

    pub fn confirmed(&mut self, pending: Pending, store: &mut Store) -> Outcome {
        match pending {
            Pending::DiscardForm => {
                self.form = None;
                Outcome::Done
            }
            Pending::Exclude { control, decision } => {
                self.save_decision(store, &control, &decision)
            }
            Pending::ApproveUndecided => {
                self.open_approval();
                Outcome::Done
            }
        }
    }
}
