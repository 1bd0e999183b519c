//! Autosave of unsaved text: what is typed into an open editor is kept as a draft (per record
//! and field, see `store/drafts.rs`) a couple of seconds after the last keystroke, so that a
//! crash or a kill loses at most those seconds. The timer is debounced and fires from the event
//! loop's tick: never a write per keystroke, at most one small write when it fires.
//!
//! Drafts are not edits: they go to the `draft` table in their own transaction, outside the
//! change log, and are removed as soon as their form is saved or discarded.

use std::time::{Duration, Instant};

use crate::store::{Draft, WORKSPACE_REF};
use crate::ui::Tab;

/// How long after the last keystroke the open editor's text is saved as a draft.
pub const AUTOSAVE_AFTER: Duration = Duration::from_secs(2);

/// The text of the editor that is open now: its record key (a reference, or `new:<table>`)
/// and its text fields that differ from what the editor opened with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDraft {
    pub record: String,
    pub fields: Vec<(String, String)>,
}

/// The debounce timer and what it last wrote.
#[derive(Debug, Default)]
pub struct Autosave {
    /// When the user last typed, while the text is not saved as a draft yet.
    typed_at: Option<Instant>,
    /// The record whose drafts this session has in the file.
    pub saved: Option<String>,
}

impl Autosave {
    /// Something was typed at `now`: the timer starts again.
    pub fn typed(&mut self, now: Instant) {
        self.typed_at = Some(now);
    }

    /// Whether the timer has run out at `now`.
    pub fn due(&self, now: Instant) -> bool {
        self.typed_at
            .is_some_and(|at| now.saturating_duration_since(at) >= AUTOSAVE_AFTER)
    }

    /// How long the event loop may wait for input before the timer runs out.
    pub fn wait(&self, now: Instant) -> Option<Duration> {
        self.typed_at
            .map(|at| AUTOSAVE_AFTER.saturating_sub(now.saturating_duration_since(at)))
    }

    pub fn written(&mut self) {
        self.typed_at = None;
    }
}

/// The tab whose editors keep drafts of `record`: the scope statement, context issues,
/// interested parties and scope items in Scope, risks and
/// assets in Risks, documents in Evidence, control decisions in SoA, audits and
/// nonconformities in Audit; reviews, their input notes, actions and objectives in Review;
/// the certification plan, milestones and budget lines in the Overview.
pub fn tab_of(record: &str) -> Option<Tab> {
    if record == WORKSPACE_REF {
        return Some(Tab::Scope);
    }
    // The certification plan, its milestones (by kind: `stage1`) and budget lines.
    if record == crate::store::PLAN_REF
        || crate::domain::certification::MilestoneKind::from_key(record).is_some()
        || record == "new:budget_line"
        || record
            .strip_prefix("BUD-")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        return Some(Tab::Overview);
    }
    let numbered = |prefixes: &[&str]| {
        prefixes
            .iter()
            .any(|prefix| record.strip_prefix(prefix).is_some_and(is_number))
    };
    if [
        "new:context_issue",
        "new:interested_party",
        "new:scope_item",
    ]
    .contains(&record)
        || numbered(&["ISS-", "IP-", "SC-"])
    {
        return Some(Tab::Scope);
    }
    if ["new:risk", "new:asset"].contains(&record) || numbered(&["R-", "A-"]) {
        return Some(Tab::Risks);
    }
    if record == "new:document" || numbered(&["DOC-"]) {
        return Some(Tab::Evidence);
    }
    // Audits are numbered by year: `IA-2026-01`; their checklist items are `IA-2026-01/4.1`.
    let audit = record
        .split('/')
        .next()
        .unwrap_or(record)
        .strip_prefix("IA-")
        .and_then(|rest| rest.split_once('-'))
        .is_some_and(|(year, number)| is_number(year) && is_number(number));
    if audit || numbered(&["NC-"]) || ["new:audit", "new:nonconformity"].contains(&record) {
        return Some(Tab::Audit);
    }
    // Reviews are numbered by year (`MR-2026-01`, their input notes `MR-2026-01/input-d`);
    // actions `ACT-001`, objectives `OBJ-01`.
    let review = record
        .split('/')
        .next()
        .unwrap_or(record)
        .strip_prefix("MR-")
        .and_then(|rest| rest.split_once('-'))
        .is_some_and(|(year, number)| is_number(year) && is_number(number));
    if review
        || numbered(&["ACT-", "OBJ-"])
        || ["new:review", "new:review_action", "new:objective"].contains(&record)
    {
        return Some(Tab::Review);
    }
    // SoA decisions are keyed by their Annex A control's id: `5.1` ... `8.34`.
    let control = record
        .split_once('.')
        .is_some_and(|(theme, number)| is_number(theme) && is_number(number));
    control.then_some(Tab::Soa)
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// How a record key reads in the question: `R-001`, `a new scope item`, `the scope statement`.
fn record_label(record: &str) -> String {
    match record {
        WORKSPACE_REF => "the scope statement".into(),
        _ => match record.strip_prefix("new:") {
            // The table's name in words: `new:scope_item` -> `a new scope item`.
            Some(table) => format!("a new {}", table.replace('_', " ")),
            None => record.to_string(),
        },
    }
}

/// A record of the same kind as `record`, for its form's labels: a new record's key names its
/// table (`new:risk`), a stored one its reference.
fn kind_of(record: &str) -> &str {
    match record.strip_prefix("new:") {
        Some("risk") => "R-",
        Some("asset") => "A-",
        Some("audit") => "IA-",
        Some("nonconformity") => "NC-",
        Some("context_issue") => "ISS-",
        Some("interested_party") => "IP-",
        Some("scope_item") => "SC-",
        Some("document") => "DOC-",
        Some("review") => "MR-",
        Some("review_action") => "ACT-",
        Some("objective") => "OBJ-",
        Some("budget_line") => "BUD-",
        _ => record,
    }
}

/// A field key as the record's form labels it: `threat` -> `Threat`, `effect` -> `Effect on
/// ISMS`; `scope_statement` -> `Scope statement`.
fn field_label(record: &str, field: &str) -> String {
    super::field_labels::FieldLabels::of(kind_of(record)).label(field)
}

/// The question asked on start when drafts were left behind:
/// `Unsaved text from 2026-11-28 09:30 UTC for R-001 · Threat (and 2 more). Restore it? y/n`.
pub fn question(drafts: &[Draft]) -> String {
    let Some(first) = drafts.first() else {
        return String::new();
    };
    let when = chrono::DateTime::parse_from_rfc3339(&first.saved_at)
        .map(|at| {
            at.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| first.saved_at.clone());
    let more = match drafts.len() - 1 {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    format!(
        "Unsaved text from {when} for {} · {}{more}. Restore it? y/n",
        record_label(&first.record),
        field_label(&first.record, &first.field)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_records_and_fields_as_the_forms_do() {
        assert_eq!(record_label("new:scope_item"), "a new scope item");
        assert_eq!(
            field_label("new:scope_item", "justification"),
            "Justification"
        );
        assert_eq!(field_label("ISS-001", "effect"), "Effect on ISMS");
        assert_eq!(
            field_label(WORKSPACE_REF, "scope_statement"),
            "Scope statement"
        );
    }

    #[test]
    fn the_timer_is_debounced() {
        let start = Instant::now();
        let mut autosave = Autosave::default();
        assert!(!autosave.due(start));
        assert_eq!(autosave.wait(start), None);
        autosave.typed(start);
        assert!(!autosave.due(start + Duration::from_secs(1)));
        autosave.typed(start + Duration::from_secs(1));
        assert!(!autosave.due(start + Duration::from_secs(2)));
        assert_eq!(
            autosave.wait(start + Duration::from_secs(2)),
            Some(Duration::from_secs(1))
        );
        assert!(autosave.due(start + Duration::from_secs(3)));
        autosave.written();
        assert!(!autosave.due(start + Duration::from_secs(9)));
    }

    #[test]
    fn records_go_to_their_tab() {
        assert_eq!(tab_of("R-001"), Some(Tab::Risks));
        assert_eq!(tab_of("new:asset"), Some(Tab::Risks));
        assert_eq!(tab_of(WORKSPACE_REF), Some(Tab::Scope));
        assert_eq!(tab_of("DOC-001"), Some(Tab::Evidence));
        assert_eq!(tab_of("NC-001"), Some(Tab::Audit));
        assert_eq!(tab_of("IA-2026-01"), Some(Tab::Audit));
        assert_eq!(tab_of("ACT-001"), Some(Tab::Review));
        assert_eq!(tab_of("MR-2027-01/input-d"), Some(Tab::Review));
        assert_eq!(tab_of("IA-2026-01/4.1"), Some(Tab::Audit));
        assert_eq!(tab_of("new:context_issue"), Some(Tab::Scope));
        assert_eq!(tab_of("SC-003"), Some(Tab::Scope));
        assert_eq!(tab_of("stage1"), Some(Tab::Overview));
        assert_eq!(tab_of("BUD-002"), Some(Tab::Overview));
        assert_eq!(tab_of("BUD-"), None);
        assert_eq!(tab_of("hello"), None);
        assert_eq!(tab_of("8.34"), Some(Tab::Soa));
        assert_eq!(tab_of("8."), None);
        assert_eq!(tab_of("R-x"), None);
    }

    #[test]
    fn the_question_names_the_first_draft() {
        let draft = |record: &str, field: &str| Draft {
            record: record.into(),
            field: field.into(),
            text: "x".into(),
            saved_at: "not a time".into(),
        };
        assert_eq!(
            question(&[draft("R-001", "threat"), draft("R-001", "plan")]),
            "Unsaved text from not a time for R-001 · Threat (and 1 more). Restore it? y/n"
        );
        assert_eq!(
            question(&[draft("new:scope_item", "justification")]),
            "Unsaved text from not a time for a new scope item · Justification. Restore it? y/n"
        );
        assert_eq!(
            question(&[draft(WORKSPACE_REF, "scope_statement")]),
            "Unsaved text from not a time for the scope statement · Scope statement. Restore it? y/n"
        );
    }
}
