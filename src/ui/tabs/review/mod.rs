//! The Review tab (9.3, 6.2): management reviews with inputs compiled from the workspace and
//! frozen when held, their actions, the security objectives with measurements, and the
//! minutes for screen sharing.

pub(crate) mod forms;
mod view;

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

use crate::domain::review::{Objective, Review, ReviewAction, ReviewStatus, INPUTS};
use crate::domain::FieldError;
use crate::store::{new_record_key, ReviewData, Store};
use crate::ui::components::form_session::{
    fill_drafts, paste_into, refused, type_into, FormSession, FormStep, REFUSED,
};
use crate::ui::components::keep_in_range;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};
use crate::ui::presentation::with_marks;

use super::{Outcome as TabOutcome, Sections};

/// The letters of the review inputs a-g, and how a draft of one input's notes is keyed.
const LETTERS: [&str; 7] = ["a", "b", "c", "d", "e", "f", "g"];
const INPUT_KEY: &str = "/input-";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Reviews,
    Inputs,
    Actions,
    Objectives,
    Minutes,
}

impl Sections for Section {
    const ALL: &'static [Section] = &[
        Section::Reviews,
        Section::Inputs,
        Section::Actions,
        Section::Objectives,
        Section::Minutes,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FormTarget {
    Review(Option<String>),
    Notes(String, usize),
    Action(Option<String>),
    Objective(Option<String>),
    Measurement(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DiscardForm,
    DeleteReview(String),
    DeleteAction(String),
    DeleteObjective(String),
}

pub type Outcome = TabOutcome<Pending>;

pub struct ReviewTab {
    data: ReviewData,
    today: NaiveDate,
    section: Section,
    reviews: TableState,
    inputs: TableState,
    actions: TableState,
    objectives: TableState,
    scroll: usize,
    form: Option<FormSession<FormTarget>>,
    list_area: Rect,
}

impl ReviewTab {
    pub fn new(data: ReviewData, today: NaiveDate) -> Self {
        let mut tab = ReviewTab {
            data,
            today,
            section: Section::Reviews,
            reviews: TableState::default(),
            inputs: TableState::default(),
            actions: TableState::default(),
            objectives: TableState::default(),
            scroll: 0,
            form: None,
            list_area: Rect::default(),
        };
        tab.rebuild();
        tab
    }

    pub fn data(&self) -> &ReviewData {
        &self.data
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        self.data = store.load_reviews()?;
        self.rebuild();
        Ok(())
    }

    fn rebuild(&mut self) {
        keep_in_range(&mut self.reviews, self.data.reviews.len());
        keep_in_range(&mut self.inputs, INPUTS.len());
        keep_in_range(&mut self.actions, self.data.actions.len());
        keep_in_range(&mut self.objectives, self.data.objectives.len());
    }

    fn selected_review(&self) -> Option<(String, Review)> {
        let index = self.reviews.selected()?;
        self.data
            .reviews
            .get(index)
            .map(|r| (r.reference.clone(), r.value.clone()))
    }

    fn selected_action(&self) -> Option<(String, ReviewAction)> {
        let index = self.actions.selected()?;
        self.data
            .actions
            .get(index)
            .map(|a| (a.reference.clone(), a.value.clone()))
    }

    fn selected_objective(&self) -> Option<(String, Objective)> {
        let index = self.objectives.selected()?;
        self.data
            .objectives
            .get(index)
            .map(|o| (o.reference.clone(), o.value.clone()))
    }

    pub fn is_typing(&self) -> bool {
        self.form.is_some()
    }

    /// Shows the review, action or objective `reference` (an empty one means the list of
    /// reviews); false while the user is typing, or when there is no such record.
    pub fn reveal(&mut self, reference: &str) -> bool {
        if self.is_typing() {
            return false;
        }
        if reference.is_empty() {
            self.section = Section::Reviews;
            return true;
        }
        fn index_of<R>(records: &[crate::store::Stored<R>], reference: &str) -> Option<usize> {
            records.iter().position(|r| r.reference == reference)
        }
        if let Some(index) = index_of(&self.data.reviews, reference) {
            self.section = Section::Reviews;
            self.reviews.select(Some(index));
        } else if let Some(index) = index_of(&self.data.actions, reference) {
            self.section = Section::Actions;
            self.actions.select(Some(index));
        } else if let Some(index) = index_of(&self.data.objectives, reference) {
            self.section = Section::Objectives;
            self.objectives.select(Some(index));
        } else {
            return false;
        }
        true
    }

    /// The open form's changed text, for autosave: reviews, their input notes (keyed
    /// `MR-2026-01/input-d`), actions and objectives; a measurement is a number and a date.
    pub fn open_draft(&self) -> Option<OpenDraft> {
        let session = self.form.as_ref()?;
        let record = match &session.target {
            FormTarget::Review(Some(r))
            | FormTarget::Action(Some(r))
            | FormTarget::Objective(Some(r)) => r.clone(),
            FormTarget::Review(None) => new_record_key("review"),
            FormTarget::Action(None) => new_record_key("review_action"),
            FormTarget::Objective(None) => new_record_key("objective"),
            FormTarget::Notes(review, index) => format!("{review}{INPUT_KEY}{}", LETTERS[*index]),
            FormTarget::Measurement(_) => return None,
        };
        Some(session.draft(record))
    }

    /// Opens the form `record`'s draft belongs to, with `fields` filled in; false when there
    /// is no such record or a form is open already.
    pub fn restore_draft(
        &mut self,
        record: &str,
        fields: &[(String, String)],
        store: &Store,
    ) -> bool {
        if self.is_typing() {
            return false;
        }
        let new_in = [
            ("review", Section::Reviews),
            ("review_action", Section::Actions),
            ("objective", Section::Objectives),
        ]
        .into_iter()
        .find(|(table, _)| record == new_record_key(table));
        let opened = match (new_in, record.split_once(INPUT_KEY)) {
            (Some((_, section)), _) => {
                self.section = section;
                self.open_new(store) == Outcome::Done
            }
            (None, Some((review, letter))) => {
                let index = LETTERS.iter().position(|l| *l == letter);
                if index.is_none() || !self.reveal(review) {
                    return false;
                }
                self.section = Section::Inputs;
                self.inputs.select(index);
                self.open_edit(store) == Outcome::Done
            }
            (None, None) => self.reveal(record) && self.open_edit(store) == Outcome::Done,
        };
        opened && fill_drafts(self.form.as_mut(), fields)
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
            Section::Reviews | Section::Actions => {
                vec![Context::Records, Context::List, Context::Sections]
            }
            Section::Inputs => vec![Context::ReviewInputs, Context::List, Context::Sections],
            Section::Objectives => vec![
                Context::Objectives,
                Context::Records,
                Context::List,
                Context::Sections,
            ],
            Section::Minutes => vec![Context::Reading, Context::Sections],
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
        let (state, len) = match self.section {
            Section::Reviews => (&mut self.reviews, self.data.reviews.len()),
            Section::Inputs => (&mut self.inputs, INPUTS.len()),
            Section::Actions => (&mut self.actions, self.data.actions.len()),
            Section::Objectives => (&mut self.objectives, self.data.objectives.len()),
            Section::Minutes => return false,
        };
        let index = state.offset() + row;
        if index < len {
            state.select(Some(index));
        }
        true
    }

    fn move_selection(&mut self, delta: isize) {
        let (state, len) = match self.section {
            Section::Reviews => (&mut self.reviews, self.data.reviews.len()),
            Section::Inputs => (&mut self.inputs, INPUTS.len()),
            Section::Actions => (&mut self.actions, self.data.actions.len()),
            Section::Objectives => (&mut self.objectives, self.data.objectives.len()),
            Section::Minutes => {
                // Clamped to the text's wrapped length when drawn.
                self.scroll = self.scroll.saturating_add_signed(delta);
                return;
            }
        };
        if len > 0 {
            let current = state.selected().unwrap_or(0);
            state.select(Some(current.saturating_add_signed(delta).min(len - 1)));
        }
    }

    /// Opens a form on its record, its long text fields markable confidential.
    fn open(&mut self, store: &Store, form: crate::ui::components::form::Form, target: FormTarget) {
        let (table, reference) = match &target {
            FormTarget::Review(r) => ("review", r.clone()),
            FormTarget::Notes(r, _) => ("review", Some(r.clone())),
            FormTarget::Action(r) => ("review_action", r.clone()),
            FormTarget::Objective(r) => ("objective", r.clone()),
            FormTarget::Measurement(_) => ("measurement", None),
        };
        let form = with_marks(form, table, reference.as_deref(), store);
        self.form = Some(FormSession::new(form, target));
    }

    /// Opens the form of a new record of the current section (review, action, objective).
    fn open_new(&mut self, store: &Store) -> Outcome {
        match self.section {
            Section::Reviews => {
                let review = Review {
                    date: Some(self.today),
                    ..Review::default()
                };
                self.open(
                    store,
                    forms::review_form(None, &review),
                    FormTarget::Review(None),
                );
            }
            Section::Actions => {
                let action = ReviewAction {
                    review: self.selected_review().map(|(r, _)| r).unwrap_or_default(),
                    description: String::new(),
                    owner: String::new(),
                    due_date: None,
                    status: crate::domain::review::ActionStatus::Open,
                };
                self.open(
                    store,
                    forms::action_form(None, &action),
                    FormTarget::Action(None),
                );
            }
            Section::Objectives => {
                let objective = Objective::default();
                self.open(
                    store,
                    forms::objective_form(None, &objective),
                    FormTarget::Objective(None),
                );
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    /// Opens the form of the selected record of the current section.
    fn open_edit(&mut self, store: &Store) -> Outcome {
        match self.section {
            Section::Reviews => match self.selected_review() {
                Some((reference, review)) => self.open(
                    store,
                    forms::review_form(Some(&reference), &review),
                    FormTarget::Review(Some(reference)),
                ),
                None => return Outcome::Status("No review yet: press n to prepare one.".into()),
            },
            Section::Inputs => match (self.selected_review(), self.inputs.selected()) {
                (Some((reference, review)), Some(index)) => self.open(
                    store,
                    forms::notes_form(&reference, &review, index),
                    FormTarget::Notes(reference, index),
                ),
                _ => return Outcome::Status("Prepare a review first (Reviews, n).".into()),
            },
            Section::Actions => match self.selected_action() {
                Some((reference, action)) => self.open(
                    store,
                    forms::action_form(Some(&reference), &action),
                    FormTarget::Action(Some(reference)),
                ),
                None => return Outcome::Ignored,
            },
            Section::Objectives => match self.selected_objective() {
                Some((reference, objective)) => self.open(
                    store,
                    forms::objective_form(Some(&reference), &objective),
                    FormTarget::Objective(Some(reference)),
                ),
                None => return Outcome::Ignored,
            },
            Section::Minutes => return Outcome::Ignored,
        }
        Outcome::Done
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
            Action::New => return self.open_new(store),
            Action::Edit => return self.open_edit(store),
            Action::Compile => {
                let Some((reference, review)) = self.selected_review() else {
                    return Outcome::Status("Prepare a review first (Reviews, n).".into());
                };
                if !review.can_compile() {
                    return Outcome::Error(format!(
                        "{reference} has been held: its inputs stay as they were at the meeting."
                    ));
                }
                return match store.compile_review(&reference, self.today) {
                    Ok(()) => match self.refresh(store) {
                        Ok(()) => Outcome::Status(format!(
                            "Compiled the inputs of {reference} from the workspace as it is now."
                        )),
                        Err(error) => {
                            Outcome::Error(format!("Compiled, but could not re-read: {error}"))
                        }
                    },
                    Err(error) => Outcome::Error(format!("Not compiled: {error}")),
                };
            }
            Action::Measure => match self.selected_objective() {
                Some((reference, _)) => {
                    let form = forms::measurement_form(&reference, self.today);
                    self.open(store, form, FormTarget::Measurement(reference));
                }
                None => return Outcome::Status("Add an objective first (n).".into()),
            },
            Action::Delete => {
                return match self.section {
                    Section::Reviews => match self.selected_review() {
                        Some((reference, review)) if review.status != ReviewStatus::Draft => {
                            Outcome::Error(format!(
                                "{reference} has been held: its minutes are a record and cannot be deleted."
                            ))
                        }
                        Some((reference, _)) => Outcome::Ask(
                            format!("Delete {reference}? Its actions stay."),
                            Pending::DeleteReview(reference),
                        ),
                        None => Outcome::Ignored,
                    },
                    Section::Objectives => match self.selected_objective() {
                        Some((reference, _)) => Outcome::Ask(
                            format!("Delete {reference} and its measurements?"),
                            Pending::DeleteObjective(reference),
                        ),
                        None => Outcome::Ignored,
                    },
                    Section::Actions => match self.selected_action() {
                        Some((reference, _)) => Outcome::Ask(
                            format!("Delete {reference}?"),
                            Pending::DeleteAction(reference),
                        ),
                        None => Outcome::Ignored,
                    },
                    _ => Outcome::Ignored,
                };
            }
            Action::History => {
                let reference = match self.section {
                    Section::Reviews | Section::Inputs | Section::Minutes => {
                        self.selected_review().map(|(r, _)| r)
                    }
                    Section::Actions => self.selected_action().map(|(r, _)| r),
                    Section::Objectives => self.selected_objective().map(|(r, _)| r),
                };
                return reference.map_or(Outcome::Ignored, Outcome::ShowHistory);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn validate(
        &self,
        target: &FormTarget,
        form: &crate::ui::components::form::Form,
    ) -> Vec<FieldError> {
        match target {
            FormTarget::Review(reference) => {
                let base = reference
                    .as_ref()
                    .and_then(|r| self.data.reviews.iter().find(|x| &x.reference == r))
                    .map(|x| x.value.clone())
                    .unwrap_or_default();
                forms::review_from(form, &base).err().unwrap_or_default()
            }
            FormTarget::Action(_) => forms::action_from(form).err().unwrap_or_default(),
            FormTarget::Objective(_) => forms::objective_from(form).err().unwrap_or_default(),
            FormTarget::Measurement(objective) => forms::measurement_from(form, objective)
                .err()
                .unwrap_or_default(),
            FormTarget::Notes(..) => Vec::new(),
        }
    }

    fn perform_in_form(&mut self, action: Action, store: &mut Store) -> Outcome {
        // Validation reads the tab's data while the form changes: take the form out meanwhile.
        let Some(mut session) = self.form.take() else {
            return Outcome::Ignored;
        };
        let target = session.target.clone();
        let step = session.handle(action, |form| self.validate(&target, form));
        self.form = Some(session);
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
            FormStep::Save => self.save_form(store),
        }
    }

    fn save_form(&mut self, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_ref() else {
            return Outcome::Ignored;
        };
        let store_error = |error: anyhow::Error| vec![FieldError::new("", error.to_string())];
        let form = &session.form;
        let marks = form.confidential_changes();
        let today = self.today;
        let result: Result<String, Vec<FieldError>> = match session.target.clone() {
            FormTarget::Review(reference) => {
                let base = reference
                    .as_ref()
                    .and_then(|r| self.data.reviews.iter().find(|x| &x.reference == r))
                    .map(|x| x.value.clone())
                    .unwrap_or_default();
                forms::review_from(form, &base).and_then(|review| match &reference {
                    None => store.create_review(&review, today).map_err(store_error),
                    Some(r) => store
                        .update_from(r, Some(&base), &review)
                        .map(|_| r.clone())
                        .map_err(store_error),
                })
            }
            FormTarget::Notes(reference, index) => {
                match self.data.reviews.iter().find(|x| x.reference == reference) {
                    Some(stored) => {
                        let review = forms::notes_from(form, &stored.value, index);
                        store
                            .update_from(&reference, Some(&stored.value), &review)
                            .map(|_| reference.clone())
                            .map_err(store_error)
                    }
                    None => return Outcome::Error(format!("{reference} no longer exists.")),
                }
            }
            FormTarget::Action(reference) => {
                forms::action_from(form).and_then(|action| match &reference {
                    None => store.insert(&action).map_err(store_error),
                    Some(r) => {
                        let before = self
                            .data
                            .actions
                            .iter()
                            .find(|a| &a.reference == r)
                            .map(|a| a.value.clone());
                        store
                            .update_from(r, before.as_ref(), &action)
                            .map(|_| r.clone())
                            .map_err(store_error)
                    }
                })
            }
            FormTarget::Objective(reference) => {
                forms::objective_from(form).and_then(|objective| match &reference {
                    None => store
                        .write(|w| w.create_objective(&objective))
                        .map_err(store_error),
                    Some(r) => {
                        let before = self
                            .data
                            .objectives
                            .iter()
                            .find(|o| &o.reference == r)
                            .map(|o| o.value.clone());
                        store
                            .update_from(r, before.as_ref(), &objective)
                            .map(|_| r.clone())
                            .map_err(store_error)
                    }
                })
            }
            FormTarget::Measurement(objective) => forms::measurement_from(form, &objective)
                .and_then(|m| store.write(|w| w.add_measurement(&m)).map_err(store_error)),
        };
        // The confidential marks go through the write path right after the record.
        let result = result.and_then(|saved| {
            store
                .write(|writer| writer.set_confidential_marks(&saved, &marks))
                .map_err(store_error)?;
            Ok(saved)
        });
        match result {
            Ok(saved) => {
                self.form = None;
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!(
                        "Saved {saved}, but could not re-read: {error}"
                    ));
                }
                if let Some(index) = self.data.reviews.iter().position(|r| r.reference == saved) {
                    self.reviews.select(Some(index));
                }
                let held = self
                    .data
                    .reviews
                    .iter()
                    .find(|r| r.reference == saved)
                    .is_some_and(|r| r.value.status != ReviewStatus::Draft);
                Outcome::Status(if held {
                    format!("Saved {saved}; its inputs are frozen.")
                } else {
                    format!("Saved {saved}.")
                })
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
            Pending::DeleteReview(reference) => {
                store.delete::<Review>(&reference).map(|_| reference)
            }
            Pending::DeleteAction(reference) => {
                store.delete::<ReviewAction>(&reference).map(|_| reference)
            }
            Pending::DeleteObjective(reference) => store
                .write(|w| w.delete_objective(&reference))
                .map(|_| reference),
        };
        match deleted.and_then(|reference| self.refresh(store).map(|_| reference)) {
            Ok(reference) => Outcome::Status(format!("Deleted {reference}.")),
            Err(error) => Outcome::Error(format!("Not deleted: {error}")),
        }
    }
}
