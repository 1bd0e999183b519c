//! The one-per-file workspace record: who the ISMS belongs to and its scope statement (4.3).

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    pub organisation: String,
    pub isms_name: String,
    pub scope_statement: String,
}

impl Workspace {
    /// The name to show in headers: the organisation, or a hint that it is not set yet.
    pub fn display_name(&self) -> &str {
        if self.organisation.trim().is_empty() {
            "(organisation not set)"
        } else {
            self.organisation.trim()
        }
    }
}
