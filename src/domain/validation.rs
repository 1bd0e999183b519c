//! The shape of a validation failure, shared by every record type.

/// One reason a record cannot be saved, tied to the field that has to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's key, as used by the record's field list.
    pub field: &'static str,
    /// A sentence for the user, in plain words.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A field that must not be empty (whitespace counts as empty).
pub fn require(errors: &mut Vec<FieldError>, field: &'static str, value: &str, what: &str) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, format!("{what} is required.")));
    }
}
