//! The Risks tab (6.1.2, 6.1.3, 8.2, 8.3): the risk register, the heat map, the treatment
//! plan, the asset register and the risk method, each a section of the tab.

pub(crate) mod forms;
mod register;
mod view;

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

use crate::domain::asset::{default_in_scope, Asset};
use crate::domain::method::RiskMethod;
use crate::domain::register::{heat_map, PlanGrouping, RiskFilter};
use crate::domain::risk::Risk;
use crate::domain::scope::ScopeItem;
use crate::domain::FieldError;
use crate::store::{new_record_key, RiskData, Store, METHOD_REF};
use crate::ui::components::form::Form;
use crate::ui::components::form_session::{fill_drafts, refused, FormSession, FormStep, REFUSED};
use crate::ui::components::keep_in_range;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};
use crate::ui::presentation::{save_marks, with_marks};
pub use register::Register;

use super::{Outcome as TabOutcome, Sections};

/// "1 risk", "2 risks".
fn risks(count: usize) -> String {
    match count {
        1 => "1 risk".to_string(),
        n => format!("{n} risks"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Register,
    HeatMap,
    Plan,
    Assets,
    Method,
}

impl Sections for Section {
    const ALL: &'static [Section] = &[
        Section::Register,
        Section::HeatMap,
        Section::Plan,
        Section::Assets,
        Section::Method,
    ];
}

/// What a form of this tab edits.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FormTarget {
    Risk(Option<String>),
    Asset(Option<String>),
    Accept(String),
    Method,
    Filter,
}

/// A question the tab wants answered before it goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DeleteRisk(String),
    DeleteAsset(String),
    DiscardForm,
    /// A smaller matrix moves risks onto smaller values: asked before it is saved.
    ChangeMethod(Box<RiskMethod>),
    /// The open asset form marks out of scope an asset that risks use: asked before saving.
    AssetOutOfScope,
}

pub type Outcome = TabOutcome<Pending>;

pub struct RisksTab {
    data: RiskData,
    /// Asset reference -> name, for the register's text filter and detail pane.
    asset_names: HashMap<String, String>,
    today: NaiveDate,
    section: Section,
    register: Register,
    /// The heat map's selected cell (likelihood, impact) and which scores it shows.
    cell: (u8, u8),
    residual: bool,
    /// The heat map's counts, inherent and residual, and how many risks have no residual
    /// scores yet: made when the data changes, not per frame.
    heat: [Vec<Vec<usize>>; 2],
    unassessed: usize,
    grouping: PlanGrouping,
    /// The treatment plan's rows: group titles and risk indices, flattened; and the cursor.
    plan: Vec<(String, Vec<usize>)>,
    plan_cursor: usize,
    assets: TableState,
    form: Option<FormSession<FormTarget>>,
    /// Scope items, read when an asset form opens, for the asset's in-scope default.
    scope_items: Vec<ScopeItem>,
    /// Where the last frame drew the list of the current section, for mouse clicks.
    list_area: Rect,
}

impl RisksTab {
    pub fn new(data: RiskData, today: NaiveDate) -> Self {
        let mut tab = RisksTab {
            data,
            asset_names: HashMap::new(),
            today,
            section: Section::Register,
            register: Register::default(),
            cell: (1, 1),
            residual: false,
            heat: [Vec::new(), Vec::new()],
            unassessed: 0,
            grouping: PlanGrouping::DueDate,
            plan: Vec::new(),
            plan_cursor: 0,
            assets: TableState::default(),
            form: None,
            scope_items: Vec::new(),
            list_area: Rect::default(),
        };
        tab.rebuild();
        tab
    }

    pub fn data(&self) -> &RiskData {
        &self.data
    }

    /// While presenting, the register's text filter does not search confidential text.
    pub fn set_presenting(&mut self, presenting: bool) {
        self.register.set_presenting(presenting, &self.data);
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
        self.rebuild();
    }

    /// Recomputes every view model from the data: after a load, never per frame.
    fn rebuild(&mut self) {
        self.asset_names = self
            .data
            .assets
            .iter()
            .map(|a| (a.reference.clone(), a.value.name.clone()))
            .collect();
        self.register.reload(&self.data, &self.asset_names);
        let rows: Vec<(&str, &Risk)> = self
            .data
            .risks
            .iter()
            .map(|r| (r.reference.as_str(), &r.value))
            .collect();
        self.plan = crate::domain::register::treatment_plan(
            &rows,
            &self.data.method,
            self.today,
            self.grouping,
        );
        self.plan_cursor = self.plan_cursor.min(self.plan_len().saturating_sub(1));
        let size = self.data.method.size;
        self.cell = (self.cell.0.clamp(1, size), self.cell.1.clamp(1, size));
        let risks = || self.data.risks.iter().map(|r| &r.value);
        self.heat = [
            heat_map(risks(), size, false),
            heat_map(risks(), size, true),
        ];
        self.unassessed = risks().filter(|r| r.residual_position().is_none()).count();
        keep_in_range(&mut self.assets, self.data.assets.len());
    }

    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        self.data = store.load_risks()?;
        self.rebuild();
        Ok(())
    }

    /// The references of the risks in the treatment plan, in the order shown.
    pub fn plan_references(&self) -> Vec<String> {
        self.plan
            .iter()
            .flat_map(|(_, items)| items.iter())
            .map(|i| self.data.risks[*i].reference.clone())
            .collect()
    }

    fn plan_len(&self) -> usize {
        self.plan.iter().map(|(_, items)| items.len()).sum()
    }

    /// The risk index under the treatment plan's cursor.
    fn plan_selected(&self) -> Option<usize> {
        self.plan
            .iter()
            .flat_map(|(_, items)| items.iter().copied())
            .nth(self.plan_cursor)
    }

    pub fn is_typing(&self) -> bool {
        self.form.is_some() || self.register.is_typing_filter()
    }

    /// Shows the risk `reference` in the register, clearing a filter that hides it; false
    /// while the user is typing, or when there is no such risk.
    pub fn reveal(&mut self, reference: &str) -> bool {
        if self.is_typing() || !self.data.risks.iter().any(|r| r.reference == reference) {
            return false;
        }
        self.section = Section::Register;
        self.register.select_reference(&self.data, reference);
        if self
            .register
            .selected_index()
            .map(|i| self.data.risks[i].reference.as_str())
            != Some(reference)
        {
            self.register.set_filter(RiskFilter::default());
            self.register.rebuild(&self.data);
            self.register.select_reference(&self.data, reference);
        }
        true
    }

    /// The open risk or asset form's changed text, for autosave.
    pub fn open_draft(&self) -> Option<OpenDraft> {
        let session = self.form.as_ref()?;
        let record = match &session.target {
            FormTarget::Risk(Some(reference)) | FormTarget::Asset(Some(reference)) => {
                reference.clone()
            }
            FormTarget::Risk(None) => new_record_key("risk"),
            FormTarget::Asset(None) => new_record_key("asset"),
            FormTarget::Accept(_) | FormTarget::Method | FormTarget::Filter => return None,
        };
        Some(session.draft(record))
    }

    /// Opens the form of `record` (a risk, an asset, or a new one) with `fields` filled in
    /// from its drafts; false when there is no such record or a form is open already.
    pub fn restore_draft(
        &mut self,
        record: &str,
        fields: &[(String, String)],
        store: &Store,
    ) -> bool {
        if self.is_typing() {
            return false;
        }
        let asset = record == new_record_key("asset") || record.starts_with("A-");
        self.section = if asset {
            Section::Assets
        } else {
            Section::Register
        };
        if record.starts_with("new:") {
            self.open_new(store);
        } else {
            if asset {
                let Some(index) = self.data.assets.iter().position(|a| a.reference == record)
                else {
                    return false;
                };
                self.assets.select(Some(index));
            } else if !self.reveal(record) {
                return false;
            }
            let _ = self.open_edit(store);
        }
        fill_drafts(self.form.as_mut(), fields)
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
            Section::Register if self.register.is_typing_filter() => vec![Context::FilterInput],
            Section::Register => vec![
                Context::Register,
                Context::Records,
                Context::List,
                Context::Sections,
            ],
            Section::HeatMap => vec![Context::HeatMap],
            Section::Plan => vec![
                Context::Plan,
                Context::Records,
                Context::List,
                Context::Sections,
            ],
            Section::Assets => vec![Context::Records, Context::List, Context::Sections],
            Section::Method => vec![Context::Method, Context::Sections],
        }
    }

    /// The risk the current section points at: the register's or the plan's selection.
    fn selected_risk(&self) -> Option<(String, Risk)> {
        let index = match self.section {
            Section::Register => self.register.selected_index(),
            Section::Plan => self.plan_selected(),
            _ => None,
        }?;
        self.data
            .risks
            .get(index)
            .map(|s| (s.reference.clone(), s.value.clone()))
    }

    fn selected_asset(&self) -> Option<(String, Asset)> {
        let index = self.assets.selected()?;
        self.data
            .assets
            .get(index)
            .map(|s| (s.reference.clone(), s.value.clone()))
    }

    fn move_selection(&mut self, delta: isize) {
        match self.section {
            Section::Register => self.register.move_cursor(delta),
            Section::Plan => {
                let len = self.plan_len();
                self.plan_cursor = self
                    .plan_cursor
                    .saturating_add_signed(delta)
                    .min(len.saturating_sub(1));
            }
            Section::Assets => {
                let len = self.data.assets.len();
                if len > 0 {
                    let current = self.assets.selected().unwrap_or(0);
                    self.assets
                        .select(Some(current.saturating_add_signed(delta).min(len - 1)));
                }
            }
            _ => {}
        }
    }

    /// Selects a row of the current list by a click at screen position (x, y).
    pub fn click(&mut self, x: u16, y: u16) -> bool {
        let area = self.list_area;
        // The list's first row sits below its top border and its header row.
        let first = area.y + 2;
        if self.form.is_some()
            || x < area.x
            || x >= area.right()
            || y < first
            || y >= area.bottom().saturating_sub(1)
        {
            return false;
        }
        let row = usize::from(y - first);
        match self.section {
            Section::Register => self.register.click_row(row),
            Section::Assets => {
                let index = self.assets.offset() + row;
                if index < self.data.assets.len() {
                    self.assets.select(Some(index));
                }
            }
            _ => return false,
        }
        true
    }

    pub fn perform(&mut self, action: Action, store: &mut Store) -> Outcome {
        if self.form.is_some() {
            return self.perform_in_form(action, store);
        }
        if self.register.is_typing_filter() {
            match action {
                Action::Apply => self.register.stop_typing(),
                Action::ClearFilters => {
                    self.register.stop_typing();
                    self.register.set_text(String::new());
                    self.register.rebuild(&self.data);
                }
                _ => return Outcome::Ignored,
            }
            return Outcome::Done;
        }
        if self.section == Section::HeatMap {
            return self.perform_on_heat_map(action);
        }
        match action {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-(self.register.page() as isize)),
            Action::PageDown => self.move_selection(self.register.page() as isize),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::NextSection => self.section = self.section.step(true),
            Action::PrevSection => self.section = self.section.step(false),
            Action::Filter => self.register.start_typing(),
            Action::Filters => {
                let form = forms::filter_form(&self.data, self.register.filter());
                self.form = Some(FormSession::new(form, FormTarget::Filter));
            }
            Action::ClearFilters => {
                self.register.set_filter(RiskFilter::default());
                self.register.rebuild(&self.data);
                return Outcome::Status("Showing every risk.".into());
            }
            Action::Sort => {
                self.register.next_sort();
                self.register.rebuild(&self.data);
            }
            Action::ReverseSort => {
                self.register.reverse_sort();
                self.register.rebuild(&self.data);
            }
            Action::ToggleGrouping => {
                self.grouping = match self.grouping {
                    PlanGrouping::Owner => PlanGrouping::DueDate,
                    PlanGrouping::DueDate => PlanGrouping::Owner,
                };
                self.plan_cursor = 0;
                self.rebuild();
            }
            Action::New => self.open_new(store),
            Action::Edit => return self.open_edit(store),
            Action::Accept => match self.selected_risk() {
                Some((reference, risk)) => {
                    let form = forms::acceptance_form(&reference, &risk, self.today);
                    self.form = Some(FormSession::new(form, FormTarget::Accept(reference)));
                }
                None => return Outcome::Ignored,
            },
            Action::Delete => return self.ask_delete(),
            Action::History => {
                let reference = match self.section {
                    Section::Assets => self.selected_asset().map(|(r, _)| r),
                    Section::Method => Some(METHOD_REF.to_string()),
                    _ => self.selected_risk().map(|(r, _)| r),
                };
                return reference.map_or(Outcome::Ignored, Outcome::ShowHistory);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn perform_on_heat_map(&mut self, action: Action) -> Outcome {
        let size = self.data.method.size;
        let (likelihood, impact) = &mut self.cell;
        match action {
            Action::Up => *likelihood = (*likelihood + 1).min(size),
            Action::Down => *likelihood = likelihood.saturating_sub(1).max(1),
            Action::Right => *impact = (*impact + 1).min(size),
            Action::Left => *impact = impact.saturating_sub(1).max(1),
            Action::ToggleResidual => self.residual = !self.residual,
            Action::NextSection => self.section = self.section.step(true),
            Action::PrevSection => self.section = self.section.step(false),
            Action::Apply => {
                let mut filter = self.register.filter().clone();
                filter.cell = Some((self.cell.0, self.cell.1, self.residual));
                self.register.set_filter(filter);
                self.register.rebuild(&self.data);
                self.section = Section::Register;
                let which = if self.residual {
                    "residual"
                } else {
                    "inherent"
                };
                return Outcome::Status(format!(
                    "Risks with {which} likelihood {} and impact {}: {}. Press x to show all.",
                    self.cell.0,
                    self.cell.1,
                    self.register.len()
                ));
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn open_new(&mut self, store: &Store) {
        match self.section {
            Section::Register | Section::Plan => {
                let form = forms::risk_form(&self.data, None, &Risk::default());
                let form = with_marks(form, "risk", None, store);
                self.form = Some(FormSession::new(form, FormTarget::Risk(None)));
            }
            Section::Assets => {
                self.scope_items = store
                    .list::<ScopeItem>()
                    .map(|items| items.into_iter().map(|s| s.value).collect())
                    .unwrap_or_default();
                let form = forms::asset_form(None, &forms::new_asset());
                let form = with_marks(form, "asset", None, store);
                self.form = Some(FormSession::new(form, FormTarget::Asset(None)));
            }
            _ => {}
        }
    }

    fn open_edit(&mut self, store: &Store) -> Outcome {
        match self.section {
            Section::Register | Section::Plan => match self.selected_risk() {
                Some((reference, risk)) => {
                    let form = forms::risk_form(&self.data, Some(&reference), &risk);
                    let form = with_marks(form, "risk", Some(&reference), store);
                    self.form = Some(FormSession::new(form, FormTarget::Risk(Some(reference))));
                }
                None => return Outcome::Status("No risk selected: press n to add one.".into()),
            },
            Section::Assets => match self.selected_asset() {
                Some((reference, asset)) => {
                    self.scope_items = store
                        .list::<ScopeItem>()
                        .map(|items| items.into_iter().map(|s| s.value).collect())
                        .unwrap_or_default();
                    let form = forms::asset_form(Some(&reference), &asset);
                    let form = with_marks(form, "asset", Some(&reference), store);
                    self.form = Some(FormSession::new(form, FormTarget::Asset(Some(reference))));
                }
                None => return Outcome::Status("No asset yet: press n to add one.".into()),
            },
            Section::Method => {
                let form = forms::method_form(&self.data.method);
                self.form = Some(FormSession::new(form, FormTarget::Method));
            }
            Section::HeatMap => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn ask_delete(&self) -> Outcome {
        match self.section {
            Section::Assets => {
                let Some((reference, _)) = self.selected_asset() else {
                    return Outcome::Ignored;
                };
                let linked: Vec<&str> = self
                    .data
                    .risks
                    .iter()
                    .filter(|r| r.value.assets.contains(&reference))
                    .map(|r| r.reference.as_str())
                    .collect();
                if !linked.is_empty() {
                    return Outcome::Error(format!(
                        "{reference} is linked to {}: remove it from {} first.",
                        linked.join(", "),
                        if linked.len() == 1 {
                            "that risk"
                        } else {
                            "those risks"
                        }
                    ));
                }
                Outcome::Ask(
                    format!("Delete {reference}? Its history stays in the change log."),
                    Pending::DeleteAsset(reference),
                )
            }
            Section::Register | Section::Plan => match self.selected_risk() {
                Some((reference, _)) => Outcome::Ask(
                    format!("Delete {reference}? Its history stays in the change log."),
                    Pending::DeleteRisk(reference),
                ),
                None => Outcome::Ignored,
            },
            _ => Outcome::Ignored,
        }
    }

    /// The domain's verdict on a form, for in-place errors.
    fn validate(target: &FormTarget, form: &Form, data: &RiskData) -> Vec<FieldError> {
        match target {
            FormTarget::Risk(_) => forms::risk_from(form, &data.method, &Risk::default())
                .err()
                .unwrap_or_default(),
            FormTarget::Asset(_) => forms::asset_from(form).validate(),
            FormTarget::Accept(_) => forms::accepted(form, &Risk::default())
                .err()
                .unwrap_or_default(),
            FormTarget::Method => forms::method_from(form).err().unwrap_or_default(),
            FormTarget::Filter => Vec::new(),
        }
    }

    fn perform_in_form(&mut self, action: Action, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        let target = session.target.clone();
        let left = session.form.focused_key();
        let data = &self.data;
        let step = session.handle(action, |form| Self::validate(&target, form, data));
        // Form behaviour that depends on what was just chosen.
        match (&target, action) {
            (FormTarget::Asset(None), Action::NextField | Action::PrevField)
                if left == "location" && session.form.is_untouched("scope") =>
            {
                let in_scope = default_in_scope(&session.form.value("location"), &self.scope_items);
                session
                    .form
                    .set_value("scope", if in_scope { "in" } else { "out" });
            }
            (FormTarget::Method, Action::NextChoice | Action::PrevChoice) => {
                forms::follow_size(&mut session.form)
            }
            (FormTarget::Risk(_), Action::NextChoice | Action::PrevChoice) => {
                forms::show_scores(&mut session.form, &self.data.method)
            }
            _ => {}
        }
        match step {
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
            FormStep::Save => self.save_form(store, false),
        }
    }

    /// Saves the open form; `confirmed` once the user agreed to what the save was asked about.
    fn save_form(&mut self, store: &mut Store, confirmed: bool) -> Outcome {
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        let form = &session.form;
        // A store error belongs to no field: it goes to the status line.
        let store_error = |error: anyhow::Error| vec![FieldError::new("", error.to_string())];
        let result: Result<String, Vec<FieldError>> = match &session.target {
            FormTarget::Filter => {
                let filter = forms::filter_from(form, self.register.filter());
                self.register.set_filter(filter);
                self.register.rebuild(&self.data);
                self.form = None;
                self.section = Section::Register;
                return Outcome::Status(match self.register.len() {
                    1 => "1 risk matches.".to_string(),
                    n => format!("{n} risks match."),
                });
            }
            FormTarget::Risk(reference) => {
                let base = reference
                    .as_ref()
                    .and_then(|r| self.data.risks.iter().find(|s| &s.reference == r))
                    .map(|s| s.value.clone())
                    .unwrap_or_default();
                forms::risk_from(form, &self.data.method, &base).and_then(|risk| {
                    // The record and its confidential marks, in one transaction.
                    let saved = store.write(|writer| {
                        let saved = match reference {
                            Some(r) => writer.update_from(r, Some(&base), &risk).map(|_| r.clone()),
                            None => writer.insert(&risk),
                        }?;
                        save_marks(writer, &saved, form)?;
                        Ok(saved)
                    });
                    saved.map_err(store_error)
                })
            }
            FormTarget::Asset(reference) => {
                let asset = forms::asset_from(form);
                let before = reference.as_ref().and_then(|r| {
                    self.data
                        .assets
                        .iter()
                        .find(|s| &s.reference == r)
                        .map(|s| &s.value)
                });
                if let (Some(r), Some(was)) = (reference, before) {
                    let users: Vec<&str> = self
                        .data
                        .risks
                        .iter()
                        .filter(|risk| risk.value.assets.contains(r))
                        .map(|risk| risk.reference.as_str())
                        .collect();
                    if was.in_scope && !asset.in_scope && !users.is_empty() && !confirmed {
                        let named = match users.len() {
                            n if n > 5 => format!("{}, …", users[..5].join(", ")),
                            _ => users.join(", "),
                        };
                        return Outcome::Ask(
                            format!(
                                "{r} is used by {} ({named}). Mark it out of scope anyway? {} linked.",
                                risks(users.len()),
                                if users.len() == 1 {
                                    "That risk keeps it"
                                } else {
                                    "Those risks keep it"
                                }
                            ),
                            Pending::AssetOutOfScope,
                        );
                    }
                }
                let saved = store.write(|writer| {
                    let saved = match reference {
                        Some(r) => writer.update_from(r, before, &asset).map(|_| r.clone()),
                        None => writer.insert(&asset),
                    }?;
                    save_marks(writer, &saved, form)?;
                    Ok(saved)
                });
                saved.map_err(store_error)
            }
            FormTarget::Accept(reference) => {
                let Some(risk) = self
                    .data
                    .risks
                    .iter()
                    .find(|s| &s.reference == reference)
                    .map(|s| s.value.clone())
                else {
                    return Outcome::Error(format!("{reference} no longer exists."));
                };
                forms::accepted(form, &risk).and_then(|accepted| {
                    store
                        .update_from(reference, Some(&risk), &accepted)
                        .map(|_| format!("the acceptance of {reference}"))
                        .map_err(store_error)
                })
            }
            FormTarget::Method => match forms::method_from(form) {
                Err(errors) => Err(errors),
                Ok(method) => {
                    let moved = self
                        .data
                        .risks
                        .iter()
                        .filter(|r| r.value.clone().clamp_to(method.size))
                        .count();
                    if moved > 0 {
                        let size = method.size;
                        return Outcome::Ask(
                            format!(
                                "The {size}x{size} matrix lowers the scores of {} to fit it, and {} go stale. Change the method?",
                                risks(moved),
                                if moved == 1 { "its acceptance would" } else { "their acceptances would" }
                            ),
                            Pending::ChangeMethod(Box::new(method)),
                        );
                    }
                    return self.save_method(store, &method);
                }
            },
        };
        match result {
            Ok(what) => {
                self.form = None;
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!(
                        "Saved {what}, but could not re-read the risks: {error}"
                    ));
                }
                if what.starts_with("R-") {
                    self.register.select_reference(&self.data, &what);
                }
                if let Some(index) = self.data.assets.iter().position(|a| a.reference == what) {
                    self.assets.select(Some(index));
                }
                Outcome::Status(format!("Saved {what}."))
            }
            Err(errors) => Outcome::Error(refused(self.form.as_mut(), &errors)),
        }
    }

    /// A key no binding took: typed into the open form or the text filter.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        if let Some(session) = &mut self.form {
            let typed = session.form.type_key(key);
            // Typing can pick a choice (its first letter or digit): follow it as the arrows do.
            match session.target {
                FormTarget::Risk(_) => forms::show_scores(&mut session.form, &self.data.method),
                FormTarget::Method if typed && session.form.focused_is_choice() => {
                    forms::follow_size(&mut session.form)
                }
                _ => {}
            }
            return typed;
        }
        if self.register.is_typing_filter() {
            let mut text = self.register.filter().text.clone();
            match key.code {
                KeyCode::Char(c) => text.push(c),
                KeyCode::Backspace => {
                    text.pop();
                }
                _ => return false,
            }
            self.register.set_text(text);
            self.register.rebuild(&self.data);
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

    /// Saves a new risk method, re-scoring every risk in the same transaction.
    fn save_method(&mut self, store: &mut Store, method: &RiskMethod) -> Outcome {
        match store.change_method(method) {
            Ok(moved) => {
                self.form = None;
                // Band and cell filters belong to the old method.
                let mut filter = self.register.filter().clone();
                filter.level = None;
                filter.cell = None;
                self.register.set_filter(filter);
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!(
                        "Saved the risk method, but could not re-read the risks: {error}"
                    ));
                }
                Outcome::Status(match moved {
                    0 => "Saved the risk method; every risk is re-scored.".to_string(),
                    n => format!(
                        "Saved the risk method; {} moved onto the {1}x{1} matrix.",
                        risks(n),
                        method.size
                    ),
                })
            }
            Err(error) => Outcome::Error(format!("Not saved: {error}")),
        }
    }

    pub fn confirmed(&mut self, pending: Pending, store: &mut Store) -> Outcome {
        let deleted = match pending {
            Pending::DiscardForm => {
                self.form = None;
                return Outcome::Done;
            }
            Pending::ChangeMethod(method) => return self.save_method(store, &method),
            Pending::AssetOutOfScope => return self.save_form(store, true),
            Pending::DeleteRisk(reference) => store.delete::<Risk>(&reference).map(|_| reference),
            Pending::DeleteAsset(reference) => store.delete::<Asset>(&reference).map(|_| reference),
        };
        match deleted.and_then(|reference| self.refresh(store).map(|_| reference)) {
            Ok(reference) => Outcome::Status(format!("Deleted {reference}.")),
            Err(error) => Outcome::Error(format!("Not deleted: {error}")),
        }
    }
}
