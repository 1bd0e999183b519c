//! The Scope tab (4.1-4.4): context issues, interested parties, the scope statement and the
//! scope items, each a section of the tab.

pub(crate) mod forms;
mod view;

use anyhow::Result;
use ratatui::crossterm::event::KeyEvent;
use ratatui::widgets::TableState;
use ratatui_textarea::TextArea;

use super::Sections;
use crate::domain::scope::{ContextIssue, InterestedParty, ScopeItem};
use crate::domain::workspace::Workspace;
use crate::store::{new_record_key, ScopeData, Store};
use crate::ui::components::form::text_editor;
use crate::ui::drafts::OpenDraft;

/// The field key of the scope statement's drafts.
const STATEMENT_FIELD: &str = "scope_statement";
use crate::ui::components::form_session::{fill_drafts, FormSession, FormStep, REFUSED};
use crate::ui::keymap::{Action, Context};
use crate::ui::presentation::with_marks;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Issues,
    Parties,
    Statement,
    Items,
    /// Not a section of its own: the climate change decision (4.1), shown and edited from the
    /// context issues, kept on the workspace row.
    Climate,
}

impl Sections for Section {
    const ALL: &'static [Section] = &[
        Section::Issues,
        Section::Parties,
        Section::Statement,
        Section::Items,
    ];
}

impl Section {
    /// The table rows' position in [`ScopeTab::tables`], for the list sections.
    fn list_slot(self) -> Option<usize> {
        match self {
            Section::Issues => Some(0),
            Section::Parties => Some(1),
            Section::Items => Some(2),
            Section::Statement | Section::Climate => None,
        }
    }

    /// The table of the section's records, for the key of a new record's draft.
    fn table(self) -> &'static str {
        match self {
            Section::Issues => "context_issue",
            Section::Parties => "interested_party",
            Section::Items => "scope_item",
            Section::Statement | Section::Climate => "workspace",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Section::Issues => "context issue",
            Section::Parties => "interested party",
            Section::Statement => "scope statement",
            Section::Items => "scope item",
            Section::Climate => "climate change decision",
        }
    }
}

/// A question the tab wants answered before it goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Delete { section: Section, reference: String },
    DiscardForm,
    DiscardStatement,
}

/// What the Scope tab asks of the app.
pub type Outcome = super::Outcome<Pending>;

/// What a record form edits: the section and, for an existing record, its reference.
type FormTarget = (Section, Option<String>);

pub struct ScopeTab {
    data: ScopeData,
    section: Section,
    tables: [TableState; 3],
    form: Option<FormSession<FormTarget>>,
    editor: Option<TextArea<'static>>,
    /// How far the read-only scope statement is scrolled down, in lines.
    statement_scroll: usize,
    /// Where the last frame drew the list, for mouse clicks.
    list_area: ratatui::layout::Rect,
}

impl ScopeTab {
    pub fn new(data: ScopeData) -> Self {
        let mut tab = ScopeTab {
            data,
            section: Section::Issues,
            tables: Default::default(),
            form: None,
            editor: None,
            statement_scroll: 0,
            list_area: ratatui::layout::Rect::default(),
        };
        tab.clamp_selection();
        tab
    }

    pub fn workspace(&self) -> &Workspace {
        &self.data.workspace
    }

    /// True while the user is typing (a form or the statement editor is open).
    pub fn is_typing(&self) -> bool {
        self.form.is_some() || self.editor.is_some()
    }

    /// Shows the record `reference` (the workspace's means its scope statement); false while
    /// the user is typing, or when there is no such record.
    pub fn reveal(&mut self, reference: &str) -> bool {
        if self.is_typing() {
            return false;
        }
        if reference == crate::store::WORKSPACE_REF {
            self.section = Section::Statement;
            return true;
        }
        for section in [Section::Issues, Section::Parties, Section::Items] {
            if let Some(index) = self.index_of(section, reference) {
                self.section = section;
                self.select(section, index);
                return true;
            }
        }
        false
    }

    /// The scope statement editor's text, for autosave (forms of this tab keep no drafts yet).
    pub fn open_draft(&self) -> Option<OpenDraft> {
        if let Some(session) = &self.form {
            let (section, reference) = &session.target;
            let record = match (section, reference) {
                // The organisation form edits two names, and the climate decision a short
                // note kept on the workspace row beside the statement's draft: no drafts.
                (Section::Statement | Section::Climate, _) => return None,
                (_, Some(reference)) => reference.clone(),
                (section, None) => new_record_key(section.table()),
            };
            return Some(session.draft(record));
        }
        let editor = self.editor.as_ref()?;
        let text = editor.lines().join("\n");
        let fields = if text == self.data.workspace.scope_statement {
            Vec::new()
        } else {
            vec![(STATEMENT_FIELD.to_string(), text)]
        };
        Some(OpenDraft {
            record: crate::store::WORKSPACE_REF.to_string(),
            fields,
        })
    }

    /// Opens the scope statement editor, or the form of a context issue, interested party or
    /// scope item (or a new one), with its drafts; false for any other record.
    pub fn restore_draft(
        &mut self,
        record: &str,
        fields: &[(String, String)],
        store: &Store,
    ) -> bool {
        if self.is_typing() {
            return false;
        }
        for section in [Section::Issues, Section::Parties, Section::Items] {
            if record == new_record_key(section.table()) {
                self.section = section;
                self.open_form(section, None, store);
                return fill_drafts(self.form.as_mut(), fields);
            }
            if let Some(index) = self.index_of(section, record) {
                self.section = section;
                self.select(section, index);
                self.open_form(section, Some(index), store);
                return fill_drafts(self.form.as_mut(), fields);
            }
        }
        let text = fields.iter().find(|(field, _)| field == STATEMENT_FIELD);
        let (true, Some((_, text))) = (record == crate::store::WORKSPACE_REF, text) else {
            return false;
        };
        if self.is_typing() {
            return false;
        }
        self.section = Section::Statement;
        self.editor = Some(text_editor(text, true));
        true
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.form
            .as_ref()
            .is_some_and(|session| session.form.is_dirty())
            || self.statement_is_dirty()
    }

    fn statement_is_dirty(&self) -> bool {
        self.editor
            .as_ref()
            .is_some_and(|editor| editor.lines().join("\n") != self.data.workspace.scope_statement)
    }

    /// The keymap contexts of what has focus, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        if let Some(session) = &self.form {
            return session.contexts();
        }
        if self.editor.is_some() {
            return vec![Context::Editor];
        }
        match self.section {
            Section::Statement => vec![Context::Statement, Context::Scope, Context::Sections],
            _ => vec![
                Context::Records,
                Context::List,
                Context::Scope,
                Context::Sections,
            ],
        }
    }

    fn selected(&self) -> Option<usize> {
        self.section
            .list_slot()
            .and_then(|slot| self.tables[slot].selected())
    }

    fn list_len(&self, section: Section) -> usize {
        match section {
            Section::Issues => self.data.issues.len(),
            Section::Parties => self.data.parties.len(),
            Section::Items => self.data.items.len(),
            Section::Statement | Section::Climate => 0,
        }
    }

    fn reference_at(&self, section: Section, index: usize) -> Option<String> {
        match section {
            Section::Issues => self.data.issues.get(index).map(|s| s.reference.clone()),
            Section::Parties => self.data.parties.get(index).map(|s| s.reference.clone()),
            Section::Items => self.data.items.get(index).map(|s| s.reference.clone()),
            Section::Statement | Section::Climate => None,
        }
    }

    fn index_of(&self, section: Section, reference: &str) -> Option<usize> {
        (0..self.list_len(section))
            .find(|i| self.reference_at(section, *i).as_deref() == Some(reference))
    }

    /// Keeps every list's selection on a row that exists.
    fn clamp_selection(&mut self) {
        for section in [Section::Issues, Section::Parties, Section::Items] {
            let len = self.list_len(section);
            let slot = section.list_slot().unwrap_or(0);
            let table = &mut self.tables[slot];
            match (len, table.selected()) {
                (0, _) => table.select(None),
                (_, None) => table.select(Some(0)),
                (len, Some(i)) if i >= len => table.select(Some(len - 1)),
                _ => {}
            }
        }
    }

    /// The Scope tab does not depend on the date.
    pub fn set_today(&mut self, _today: chrono::NaiveDate) {}

    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        self.data = store.load_scope()?;
        self.clamp_selection();
        Ok(())
    }

    fn select(&mut self, section: Section, index: usize) {
        if let Some(slot) = section.list_slot() {
            self.tables[slot].select(Some(index));
        }
    }

    /// Selects the row of the current list under a click at screen position (x, y).
    pub fn click(&mut self, x: u16, y: u16) -> bool {
        let area = self.list_area;
        // The first row sits below the list's top border and its header row.
        let first = area.y + 2;
        let inside = x > area.x && x + 1 < area.right() && y >= first && y + 1 < area.bottom();
        let Some(slot) = self
            .section
            .list_slot()
            .filter(|_| inside && self.form.is_none())
        else {
            return false;
        };
        let index = self.tables[slot].offset() + usize::from(y - first);
        if index < self.list_len(self.section) {
            self.tables[slot].select(Some(index));
        }
        true
    }

    fn move_selection(&mut self, delta: isize) {
        let len = self.list_len(self.section);
        if let (Some(slot), true) = (self.section.list_slot(), len > 0) {
            let current = self.tables[slot].selected().unwrap_or(0);
            let next = current.saturating_add_signed(delta).min(len - 1);
            self.tables[slot].select(Some(next));
        }
    }

    /// Handles a bound action. Writes go through `store`; errors come back as outcomes.
    pub fn perform(&mut self, action: Action, store: &mut Store) -> Outcome {
        if self.form.is_some() {
            return self.perform_in_form(action, store);
        }
        if self.editor.is_some() {
            return self.perform_in_editor(action, store);
        }
        if self.section == Section::Statement {
            let delta = match action {
                Action::Up => Some(-1),
                Action::Down => Some(1),
                Action::PageUp => Some(-10),
                Action::PageDown => Some(10),
                _ => None,
            };
            if let Some(delta) = delta {
                // Clamped to the text's length when drawn.
                self.statement_scroll = self.statement_scroll.saturating_add_signed(delta);
                return Outcome::Done;
            }
        }
        match action {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-10),
            Action::PageDown => self.move_selection(10),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::NextSection => self.section = self.section.step(true),
            Action::PrevSection => self.section = self.section.step(false),
            Action::New if self.section != Section::Statement => {
                self.open_form(self.section, None, store)
            }
            Action::Edit if self.section == Section::Statement => self.open_editor(),
            // The workspace's own fields, from whichever section the user is in.
            Action::EditOrganisation => self.open_form(Section::Statement, None, store),
            Action::EditClimate => self.open_form(Section::Climate, None, store),
            Action::Edit => match self.selected() {
                Some(index) => self.open_form(self.section, Some(index), store),
                None => {
                    return Outcome::Status(format!(
                        "No {} yet: press n to add one.",
                        self.section.noun()
                    ))
                }
            },
            Action::Delete => {
                let Some(reference) = self
                    .selected()
                    .and_then(|i| self.reference_at(self.section, i))
                else {
                    return Outcome::Ignored;
                };
                let question = format!("Delete {reference}? Its history stays in the change log.");
                return Outcome::Ask(
                    question,
                    Pending::Delete {
                        section: self.section,
                        reference,
                    },
                );
            }
            Action::History => {
                let reference = match self.section {
                    Section::Statement => Some(crate::store::WORKSPACE_REF.to_string()),
                    section => self.selected().and_then(|i| self.reference_at(section, i)),
                };
                return match reference {
                    Some(reference) => Outcome::ShowHistory(reference),
                    None => Outcome::Ignored,
                };
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    /// Opens the form of `section`'s record at `index` (a new one for None); the statement
    /// and climate "sections" open the workspace row's names or climate decision.
    fn open_form(&mut self, section: Section, index: Option<usize>, store: &Store) {
        let form = forms::form_for(section, &self.data, index);
        let reference = match section {
            Section::Statement | Section::Climate => Some(crate::store::WORKSPACE_REF.to_string()),
            section => index.and_then(|i| self.reference_at(section, i)),
        };
        let form = with_marks(form, section.table(), reference.as_deref(), store);
        self.form = Some(FormSession::new(form, (section, reference)));
    }

    fn open_editor(&mut self) {
        self.editor = Some(text_editor(&self.data.workspace.scope_statement, true));
    }

    fn perform_in_form(&mut self, action: Action, store: &mut Store) -> Outcome {
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        let section = session.target.0;
        match session.handle(action, |form| forms::validate(section, form)) {
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
        let Some(session) = self.form.as_mut() else {
            return Outcome::Ignored;
        };
        let (section, reference) = session.target.clone();
        let form = &session.form;
        let marks = form.confidential_changes();
        let saved = match (section, reference) {
            (Section::Issues, None) => store.insert::<ContextIssue>(&forms::issue_from(form)),
            (Section::Parties, None) => store.insert::<InterestedParty>(&forms::party_from(form)),
            (Section::Items, None) => store.insert::<ScopeItem>(&forms::item_from(form)),
            (Section::Issues, Some(r)) => {
                let before = self
                    .data
                    .issues
                    .iter()
                    .find(|s| s.reference == r)
                    .map(|s| &s.value);
                store
                    .update_from(&r, before, &forms::issue_from(form))
                    .map(|_| r)
            }
            (Section::Parties, Some(r)) => {
                let before = self
                    .data
                    .parties
                    .iter()
                    .find(|s| s.reference == r)
                    .map(|s| &s.value);
                store
                    .update_from(&r, before, &forms::party_from(form))
                    .map(|_| r)
            }
            (Section::Items, Some(r)) => {
                let before = self
                    .data
                    .items
                    .iter()
                    .find(|s| s.reference == r)
                    .map(|s| &s.value);
                store
                    .update_from(&r, before, &forms::item_from(form))
                    .map(|_| r)
            }
            (Section::Statement, _) => {
                let workspace = forms::workspace_from(form, &self.data.workspace);
                store
                    .update_from(
                        crate::store::WORKSPACE_REF,
                        Some(&self.data.workspace),
                        &workspace,
                    )
                    .map(|_| "the organisation and ISMS names".to_string())
            }
            (Section::Climate, _) => {
                let workspace = forms::climate_from(form, &self.data.workspace);
                store
                    .update_from(
                        crate::store::WORKSPACE_REF,
                        Some(&self.data.workspace),
                        &workspace,
                    )
                    .map(|_| "the climate change decision".to_string())
            }
        };
        // The confidential marks go through the write path right after the record.
        let saved = saved.and_then(|reference| {
            store.write(|writer| writer.set_confidential_marks(&reference, &marks))?;
            Ok(reference)
        });
        match saved {
            Ok(reference) => {
                self.form = None;
                if let Err(error) = self.refresh(store) {
                    return Outcome::Error(format!(
                        "Saved {reference}, but the list could not be re-read: {error}"
                    ));
                }
                if let Some(index) = self.index_of(section, &reference) {
                    self.select(section, index);
                }
                Outcome::Status(format!("Saved {reference}."))
            }
            Err(error) => Outcome::Error(format!("Not saved: {error}")),
        }
    }

    fn perform_in_editor(&mut self, action: Action, store: &mut Store) -> Outcome {
        match action {
            Action::Cancel if self.statement_is_dirty() => Outcome::Ask(
                "Discard the changes to the scope statement?".into(),
                Pending::DiscardStatement,
            ),
            Action::Cancel => {
                self.editor = None;
                Outcome::Done
            }
            Action::Save => {
                let Some(editor) = &self.editor else {
                    return Outcome::Ignored;
                };
                let workspace = Workspace {
                    scope_statement: editor.lines().join("\n").trim_end().to_string(),
                    ..self.data.workspace.clone()
                };
                match store.update_from(
                    crate::store::WORKSPACE_REF,
                    Some(&self.data.workspace),
                    &workspace,
                ) {
                    Ok(_) => {
                        self.editor = None;
                        match self.refresh(store) {
                            Ok(()) => Outcome::Status("Saved the scope statement.".into()),
                            Err(error) => {
                                Outcome::Error(format!("Saved, but could not re-read: {error}"))
                            }
                        }
                    }
                    Err(error) => Outcome::Error(format!("Not saved: {error}")),
                }
            }
            _ => Outcome::Ignored,
        }
    }

    /// A key that no binding took, typed into the open form or editor.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        if let Some(session) = &mut self.form {
            return session.form.type_key(key);
        }
        if let Some(editor) = &mut self.editor {
            return editor.input(key);
        }
        false
    }

    pub fn paste(&mut self, text: &str) -> bool {
        if let Some(session) = &mut self.form {
            session.form.paste(text);
            return true;
        }
        if let Some(editor) = &mut self.editor {
            return editor.insert_str(text.replace('\r', ""));
        }
        false
    }

    /// Carries out what the user confirmed.
    pub fn confirmed(&mut self, pending: Pending, store: &mut Store) -> Outcome {
        match pending {
            Pending::DiscardForm => self.form = None,
            Pending::DiscardStatement => self.editor = None,
            Pending::Delete { section, reference } => {
                let deleted = match section {
                    Section::Issues => store.delete::<ContextIssue>(&reference),
                    Section::Parties => store.delete::<InterestedParty>(&reference),
                    Section::Items => store.delete::<ScopeItem>(&reference),
                    Section::Statement | Section::Climate => return Outcome::Ignored,
                };
                return match deleted.and_then(|_| self.refresh(store)) {
                    Ok(()) => Outcome::Status(format!("Deleted {reference}.")),
                    Err(error) => Outcome::Error(format!("Not deleted: {error}")),
                };
            }
        }
        Outcome::Done
    }
}
