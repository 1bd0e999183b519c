//! A form being edited: the shared key handling of every record form (fields, choices,
//! pickers, cancel with a question when dirty, save with validation shown in place).

use ratatui::crossterm::event::KeyEvent;

use super::form::{FocusKind, Form};
use crate::domain::FieldError;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};

/// What the tab that owns the form has to do after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStep {
    /// Handled inside the form.
    Done,
    /// Not a form action.
    Ignored,
    /// The form is valid; the owner should save it.
    Save,
    /// The save was refused; the errors are shown in place.
    Refused,
    /// The form has unsaved changes; the owner should ask before closing it.
    AskDiscard,
    /// The form was clean; the owner should close it.
    Close,
}

pub struct FormSession<T> {
    pub form: Form,
    /// What the form edits, for the owner (a section and a reference, say).
    pub target: T,
    /// After a refused save, every error is shown and kept up to date.
    tried_to_save: bool,
}

impl<T> FormSession<T> {
    pub fn new(form: Form, target: T) -> Self {
        FormSession {
            form,
            target,
            tried_to_save: false,
        }
    }

    /// The keymap contexts of the focused field, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        match self.form.focus_kind() {
            FocusKind::Picking => vec![Context::Picker],
            FocusKind::Choice => vec![Context::FormChoice, Context::Form],
            FocusKind::Pick => vec![Context::FormPick, Context::Form],
            FocusKind::Text if self.form.focused_is_markable() => {
                vec![Context::FormConfidential, Context::Form]
            }
            FocusKind::Text => vec![Context::Form],
        }
    }

    /// Handles a bound action; `validate` gives the domain's verdict on the form as it is.
    pub fn handle(
        &mut self,
        action: Action,
        validate: impl Fn(&Form) -> Vec<FieldError>,
    ) -> FormStep {
        let form = &mut self.form;
        if form.focus_kind() == FocusKind::Picking {
            match action {
                Action::Up => form.move_picker(-1),
                Action::Down => form.move_picker(1),
                Action::PageUp => form.move_picker(-10),
                Action::PageDown => form.move_picker(10),
                Action::Yes => form.toggle_picked(),
                Action::Close => form.close_picker(),
                _ => return FormStep::Ignored,
            }
            return FormStep::Done;
        }
        match action {
            Action::NextField | Action::PrevField => {
                let left = form.focused_key();
                if action == Action::NextField {
                    form.next_field();
                } else {
                    form.prev_field();
                }
                let errors = validate(form);
                if self.tried_to_save {
                    form.show_errors(&errors);
                } else {
                    form.refresh_errors(&errors, left);
                }
            }
            Action::NextChoice => form.cycle_choice(true),
            Action::PrevChoice => form.cycle_choice(false),
            Action::OpenPicker => form.open_picker(),
            Action::ToggleConfidential => {
                form.toggle_confidential();
            }
            Action::Cancel if form.is_dirty() => return FormStep::AskDiscard,
            Action::Cancel => return FormStep::Close,
            Action::Save => {
                let errors = validate(form);
                if errors.is_empty() {
                    return FormStep::Save;
                }
                self.refuse(&errors);
                return FormStep::Refused;
            }
            _ => return FormStep::Ignored,
        }
        FormStep::Done
    }

    /// The form's changed text as the draft of `record`, for autosave.
    pub fn draft(&self, record: String) -> OpenDraft {
        OpenDraft {
            record,
            fields: self.form.changed_texts(),
        }
    }

    /// Shows every error and puts the cursor on the first; later moves keep them current.
    pub fn refuse(&mut self, errors: &[FieldError]) {
        self.tried_to_save = true;
        self.form.show_errors(errors);
        self.form.focus_first_error();
    }
}

/// The status line for a refused save, the same for every form.
pub const REFUSED: &str = "Not saved: fix the fields marked ✗.";

/// A save the store refused: errors with a field go under it in the open form; a store error
/// has no field and is returned, like [`REFUSED`] otherwise, as the status line.
pub fn refused<T>(form: Option<&mut FormSession<T>>, errors: &[FieldError]) -> String {
    let store_error = errors
        .iter()
        .find(|e| e.field.is_empty())
        .map(|e| e.message.clone());
    if let Some(session) = form {
        session.refuse(errors);
    }
    match store_error {
        Some(message) => format!("Not saved: {message}"),
        None => REFUSED.into(),
    }
}

/// Fills the open form's text fields with the drafts of unsaved text restored on start;
/// false when no form is open.
pub fn fill_drafts<T>(session: Option<&mut FormSession<T>>, fields: &[(String, String)]) -> bool {
    let Some(session) = session else {
        return false;
    };
    for (field, text) in fields {
        session.form.set_value(field, text);
    }
    true
}

/// A key no binding took, typed into the open form if there is one.
pub fn type_into<T>(session: Option<&mut FormSession<T>>, key: KeyEvent) -> bool {
    session.is_some_and(|session| session.form.type_key(key))
}

/// Pasted text, into the open form if there is one.
pub fn paste_into<T>(session: Option<&mut FormSession<T>>, text: &str) -> bool {
    match session {
        Some(session) => {
            session.form.paste(text);
            true
        }
        None => false,
    }
}
