//! The Evidence tab (7.5, 9.1): the documents the ISMS is expected to hold and how far each
//! is in place, and the register of documented information and evidence.

pub(crate) mod forms;
mod view;

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

use crate::domain::document::{
    expected_documents, Document, Expected, RequiredState, WorkbenchRecord,
};
use crate::domain::FieldError;
use crate::store::{new_record_key, DocumentData, Store};
use crate::ui::components::form::Form;
use crate::ui::components::form_session::{fill_drafts, refused, FormSession, FormStep, REFUSED};
use crate::ui::components::keep_in_range;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};

use super::{Outcome as TabOutcome, Sections};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Required,
    Register,
}

impl Sections for Section {
    const ALL: &'static [Section] = &[Section::Required, Section::Register];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DiscardForm,
    Delete(String),
}

pub type Outcome = TabOutcome<Pending>;

pub struct EvidenceTab {
    data: DocumentData,
    /// What the workbench's own records fulfil of the required documents.
    workbench: Vec<WorkbenchRecord>,
    /// The required documents and their state, computed when the data or the date changes.
    expected: Vec<Expected>,
    today: NaiveDate,
    section: Section,
    required: TableState,
    register: TableState,
    /// The register's text filter, and whether it is being typed.
    filter: String,
    typing: bool,
    /// Indices into the documents that pass the filter.
    order: Vec<usize>,
    /// The form, and the document it edits (`None` for a new one).
    form: Option<FormSession<Option<String>>>,
    list_area: Rect,
}

impl EvidenceTab {
    pub fn new(data: DocumentData, today: NaiveDate) -> Self {
        let mut tab = EvidenceTab {
            data,
            workbench: Vec::new(),
            expected: Vec::new(),
            today,
            section: Section::Required,
            required: TableState::default(),
            register: TableState::default(),
            filter: String::new(),
            typing: false,
            order: Vec::new(),
            form: None,
            list_area: Rect::default(),
        };
        tab.rebuild();
        tab
    }

    pub fn data(&self) -> &DocumentData {
        &self.data
    }

    pub fn expected(&self) -> &[Expected] {
        &self.expected
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
        self.rebuild();
    }

    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        self.data = store.load_documents()?;
        self.workbench = store.workbench_records(self.today)?;
        self.rebuild();
        Ok(())
    }

    fn rebuild(&mut self) {
        self.expected = expected_documents(
            &self.data.pairs(),
            &self.data.applicable,
            &self.workbench,
            self.today,
        );
        keep_in_range(&mut self.required, self.expected.len());
        self.refilter();
    }

    fn matches(&self, document: &crate::store::Stored<Document>) -> bool {
        let needle = self.filter.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        let d = &document.value;
        [
            document.reference.as_str(),
            &d.title,
            &d.owner,
            &d.location,
            &d.version,
            d.kind.label(),
            d.status.label(),
        ]
        .iter()
        .any(|text| text.to_lowercase().contains(&needle))
    }

    fn refilter(&mut self) {
        let selected = self.selected_document().map(|(r, _)| r);
        self.order = (0..self.data.documents.len())
            .filter(|i| self.matches(&self.data.documents[*i]))
            .collect();
        let position = selected.and_then(|r| {
            self.order
                .iter()
                .position(|i| self.data.documents[*i].reference == r)
        });
        match position {
            Some(p) => self.register.select(Some(p)),
            None => {
                *self.register.offset_mut() = 0;
                self.register.select(None);
                keep_in_range(&mut self.register, self.order.len());
            }
        }
    }

    fn selected_document(&self) -> Option<(String, Document)> {
        let index = *self.order.get(self.register.selected()?)?;
        self.data
            .documents
            .get(index)
            .map(|d| (d.reference.clone(), d.value.clone()))
    }

    fn selected_expected(&self) -> Option<&Expected> {
        self.expected.get(self.required.selected()?)
    }

    /// Selects a document in the register, clearing a filter that hides it.
    fn select_document(&mut self, reference: &str) -> bool {
        let Some(index) = self
            .data
            .documents
            .iter()
            .position(|d| d.reference == reference)
        else {
            return false;
        };
        if !self.order.contains(&index) {
            self.filter.clear();
            self.refilter();
        }
        let position = self.order.iter().position(|i| *i == index);
        self.register.select(position);
        true
    }

    pub fn is_typing(&self) -> bool {
        self.form.is_some() || self.typing
    }

    /// Shows a document (`DOC-001`) in the register or a required document (`5.2 e`,
    /// `A.5.9`) in the list of required ones; false while the user is typing, or when there
    /// is no such record.
    pub fn reveal(&mut self, reference: &str) -> bool {
        if self.is_typing() {
            return false;
        }
        if reference.is_empty() {
            self.section = Section::Required;
            return true;
        }
        if self.select_document(reference) {
            self.section = Section::Register;
            return true;
        }
        match self
            .expected
            .iter()
            .position(|e| e.requirement.key == reference)
        {
            Some(index) => {
                self.section = Section::Required;
                self.required.select(Some(index));
                true
            }
            None => false,
        }
    }

    /// The open document form's changed text, for autosave.
    pub fn open_draft(&self) -> Option<OpenDraft> {
        let session = self.form.as_ref()?;
        let record = session.target.clone();
        Some(session.draft(record.unwrap_or_else(|| new_record_key("document"))))
    }

    /// Opens the form of the document `record` (or a new one) with `fields` filled in from
    /// its drafts; false when there is no such document or a form is open already.
    pub fn restore_draft(
        &mut self,
        record: &str,
        fields: &[(String, String)],
        _store: &Store,
    ) -> bool {
        if self.is_typing() {
            return false;
        }
        if record == new_record_key("document") {
            self.section = Section::Register;
            self.open(forms::document_form(None, &Document::default()), None);
        } else if self.select_document(record) {
            self.section = Section::Register;
            let Some((reference, document)) = self.selected_document() else {
                return false;
            };
            self.open(
                forms::document_form(Some(&reference), &document),
                Some(reference),
            );
        } else {
            return false;
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
            Section::Required => vec![Context::Required, Context::List, Context::Sections],
            Section::Register if self.typing => vec![Context::FilterInput],
            Section::Register => vec![
                Context::Documents,
                Context::Records,
                Context::List,
                Context::Sections,
            ],
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
            Section::Required => (&mut self.required, self.expected.len()),
            Section::Register => (&mut self.register, self.order.len()),
        };
        let index = state.offset() + row;
        if index < len {
            state.select(Some(index));
        }
        true
    }

    fn move_selection(&mut self, delta: isize) {
        let (state, len) = match self.section {
            Section::Required => (&mut self.required, self.expected.len()),
            Section::Register => (&mut self.register, self.order.len()),
        };
        if len > 0 {
            let current = state.selected().unwrap_or(0);
            state.select(Some(current.saturating_add_signed(delta).min(len - 1)));
        }
    }

    fn open(&mut self, form: Form, reference: Option<String>) {
        self.form = Some(FormSession::new(form, reference));
    }

    /// A new document that fulfils the selected requirement, titled after it.
    fn new_for_requirement(&mut self) -> Outcome {
        let Some(expected) = self.selected_expected() else {
            return Outcome::Ignored;
        };
        let requirement = expected.requirement;
        let document = Document {
            title: requirement.label.clone(),
            kind: requirement.kind,
            requirements: vec![requirement.key.clone()],
            ..Document::default()
        };
        self.open(forms::document_form(None, &document), None);
        Outcome::Done
    }

    pub fn perform(&mut self, action: Action, store: &mut Store) -> Outcome {
        if self.form.is_some() {
            return self.perform_in_form(action, store);
        }
        if self.typing {
            match action {
                Action::Apply => self.typing = false,
                Action::ClearFilters => {
                    self.typing = false;
                    self.filter.clear();
                    self.refilter();
                }
                _ => return Outcome::Ignored,
            }
            return Outcome::Done;
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
            }
            Action::Filter if self.section == Section::Register => self.typing = true,
            Action::ClearFilters if self.section == Section::Register => {
                self.filter.clear();
                self.refilter();
            }
            Action::New => match self.section {
                Section::Required => return self.new_for_requirement(),
                Section::Register => {
                    self.open(forms::document_form(None, &Document::default()), None)
                }
            },
            Action::Edit => match self.section {
                Section::Required => {
                    let Some(expected) = self.selected_expected() else {
                        return Outcome::Ignored;
                    };
                    if expected.state == RequiredState::Missing {
                        return self.new_for_requirement();
                    }
                    // In place through the workbench's own records, with no document: say where.
                    let Some(first) = expected.documents.first().cloned() else {
                        return Outcome::Status(match &expected.workbench {
                            Some(held) => format!(
                                "{} is in place in the workbench: {} ({}). n adds a document too.",
                                expected.requirement.key, held.pack_file, held.condition
                            ),
                            None => format!(
                                "No document fulfils {}: n adds one.",
                                expected.requirement.key
                            ),
                        });
                    };
                    let count = expected.documents.len();
                    let key = expected.requirement.key.clone();
                    self.select_document(&first);
                    self.section = Section::Register;
                    if count > 1 {
                        return Outcome::Status(format!(
                            "{count} documents fulfil {key}; showing {first}."
                        ));
                    }
                }
                Section::Register => match self.selected_document() {
                    Some((reference, document)) => self.open(
                        forms::document_form(Some(&reference), &document),
                        Some(reference),
                    ),
                    None => return Outcome::Status("No document yet: press n to add one.".into()),
                },
            },
            Action::Delete if self.section == Section::Register => {
                return match self.selected_document() {
                    Some((reference, document)) => Outcome::Ask(
                        format!("Delete {reference} \"{}\"?", document.title),
                        Pending::Delete(reference),
                    ),
                    None => Outcome::Ignored,
                };
            }
            Action::History => {
                let reference = match self.section {
                    Section::Required => match self.selected_expected() {
                        Some(e) if e.documents.is_empty() => {
                            return Outcome::Status(format!(
                                "No document fulfils {} yet: it has no history.",
                                e.requirement.key
                            ))
                        }
                        Some(e) => e.documents.first().cloned(),
                        None => None,
                    },
                    Section::Register => self.selected_document().map(|(r, _)| r),
                };
                return reference.map_or(Outcome::Ignored, Outcome::ShowHistory);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn validate(form: &Form) -> Vec<FieldError> {
        forms::document_from(form).err().unwrap_or_default()
    }

    fn perform_in_form(&mut self, action: Action, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        match session.handle(action, Self::validate) {
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
        let result =
            forms::document_from(&session.form).and_then(|document| match &session.target {
                None => store.insert(&document).map_err(store_error),
                Some(reference) => {
                    let before = self.data.document(reference).cloned();
                    store
                        .update_from(reference, before.as_ref(), &document)
                        .map(|_| reference.clone())
                        .map_err(store_error)
                }
            });
        match result {
            Ok(saved) => {
                self.form = None;
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!(
                        "Saved {saved}, but could not re-read: {error}"
                    ));
                }
                self.select_document(&saved);
                Outcome::Status(format!("Saved {saved}."))
            }
            Err(errors) => Outcome::Error(refused(self.form.as_mut(), &errors)),
        }
    }

    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        if let Some(session) = &mut self.form {
            return session.form.type_key(key);
        }
        if self.typing {
            match key.code {
                KeyCode::Char(c) => self.filter.push(c),
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                _ => return false,
            }
            self.refilter();
            return true;
        }
        false
    }

    pub fn paste(&mut self, text: &str) -> bool {
        match &mut self.form {
            Some(session) => {
                session.form.paste(text);
                true
            }
            None => false,
        }
    }

    pub fn confirmed(&mut self, pending: Pending, store: &mut Store) -> Outcome {
        match pending {
            Pending::DiscardForm => {
                self.form = None;
                Outcome::Done
            }
            Pending::Delete(reference) => {
                match store
                    .delete::<Document>(&reference)
                    .and_then(|()| self.refresh(store))
                {
                    Ok(()) => Outcome::Status(format!("Deleted {reference}.")),
                    Err(error) => Outcome::Error(format!("Not deleted: {error}")),
                }
            }
        }
    }
}
