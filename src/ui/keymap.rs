//! The one table of key bindings. Input dispatch, the footer hints and the `?` help overlay
//! are all read from [`BINDINGS`], so they cannot drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies. The app builds a stack of these from what has focus, innermost
/// first; the first binding that matches in that stack wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere, even while typing.
    Always,
    /// Anywhere the user is not typing.
    Global,
    /// A list: moving, opening the selected row, its history, switching sections.
    List,
    /// A list of records one can add to, open and delete (on top of `List`).
    Records,
    /// A tab with sections: switching between them.
    Sections,
    /// The scope statement, read-only.
    Statement,
    /// Any section of the Scope tab: the workspace's own fields.
    Scope,
    /// The risk register (on top of the list keys).
    Register,
    /// Typing the register's text filter.
    FilterInput,
    /// The heat map.
    HeatMap,
    /// The treatment plan (on top of the list keys).
    Plan,
    /// The risk method, read-only.
    Method,
    /// The SoA's list of controls (on top of the list keys).
    SoaList,
    /// The SoA's approved versions (on top of the list keys).
    Versions,
    /// An approved SoA version's frozen rows, read-only (on top of the list keys).
    SoaVersionView,
    /// An audit's checklist: one key per result.
    Checklist,
    /// The nonconformity register (on top of the list keys).
    NcRegister,
    /// A read-only page that scrolls (the audit report, coverage).
    Reading,
    /// A review's inputs a-g.
    ReviewInputs,
    /// The security objectives (on top of the list keys).
    Objectives,
    /// The readiness findings on the Overview (on top of the list keys).
    Findings,
    /// The certification milestones on the Overview (on top of the list keys).
    Milestones,
    /// The Overview's plan and budget: the certification body.
    Certification,
    /// The required documents on the Evidence tab (on top of the list keys).
    Required,
    /// The register of documents (on top of the list and record keys).
    Documents,
    /// The scope statement's editor.
    Editor,
    /// A record form.
    Form,
    /// A text field inside a form that can be marked confidential.
    FormConfidential,
    /// A choice field inside a form.
    FormChoice,
    /// A field that links to other records, its picker closed.
    FormPick,
    /// The picker of such a field, open.
    Picker,
    /// A yes/no question.
    Confirm,
    /// A read-only overlay: help or history.
    Overlay,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Always => "Everywhere",
            Context::Global => "Outside forms",
            Context::List => "Lists",
            Context::Records => "Lists of records",
            Context::Sections => "Tabs with sections",
            Context::Statement => "Scope statement",
            Context::Scope => "Scope tab",
            Context::Register => "Risk register",
            Context::FilterInput => "Typing a filter",
            Context::HeatMap => "Heat map",
            Context::Plan => "Treatment plan",
            Context::Method => "Risk method",
            Context::SoaList => "Statement of Applicability",
            Context::Versions => "SoA versions",
            Context::SoaVersionView => "An approved SoA version",
            Context::Checklist => "Audit checklist",
            Context::NcRegister => "Nonconformities",
            Context::Reading => "Reports",
            Context::Findings => "Readiness findings",
            Context::Milestones => "Certification milestones",
            Context::Certification => "Certification plan and budget",
            Context::Required => "Required documents",
            Context::Documents => "Document register",
            Context::ReviewInputs => "Review inputs",
            Context::Objectives => "Security objectives",
            Context::Editor => "Editing text",
            Context::Form => "Forms",
            Context::FormConfidential => "Long text fields in forms",
            Context::FormChoice => "Choice fields",
            Context::FormPick => "Link fields (assets, controls)",
            Context::Picker => "Choosing links",
            Context::Confirm => "Questions",
            Context::Overlay => "Help and history",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    NextTab,
    PrevTab,
    /// Go to the tab numbered by the digit pressed.
    TabByDigit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextSection,
    PrevSection,
    New,
    Edit,
    /// Edit the organisation's name and the ISMS's name.
    EditOrganisation,
    /// Decide whether climate change is a relevant issue (4.1).
    EditClimate,
    /// Edit the certification body and what was confirmed about it.
    EditCertificationBody,
    Delete,
    History,
    Save,
    Cancel,
    NextField,
    PrevField,
    NextChoice,
    PrevChoice,
    OpenPicker,
    Left,
    Right,
    /// Start typing the text filter.
    Filter,
    /// Open the filter form.
    Filters,
    ClearFilters,
    Sort,
    ReverseSort,
    /// The risk owner accepts the residual risk.
    Accept,
    ToggleResidual,
    ToggleGrouping,
    /// Approve (freeze) a version of the SoA.
    Approve,
    /// Compare an approved SoA version with the version before it, or with today.
    Compare,
    /// Compile a draft review's inputs from the workspace.
    Compile,
    /// Add a measurement to the selected objective.
    Measure,
    /// Record this result for the checklist item and move to the next.
    Record(crate::domain::audit::Finding),
    /// Use what was typed (the filter) and stop typing.
    Apply,
    Yes,
    No,
    Close,
    /// Presentation mode on or off.
    Present,
    /// Mark the focused long text field confidential, or not.
    ToggleConfidential,
    /// Scroll the detail pane beside or under a list (the list's selection stays).
    DetailDown,
    DetailUp,
}

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl_key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    /// How the keys are written in the footer and the help.
    pub label: &'static str,
    pub action: Action,
    /// The footer's short word, if this binding earns a place there.
    pub hint: Option<&'static str>,
    /// The help overlay's sentence.
    pub help: &'static str,
}

macro_rules! bind {
    ($context:ident, [$($key:expr),+], $label:literal, $action:ident, $hint:expr, $help:literal) => {
        Binding {
            context: Context::$context,
            keys: &[$($key),+],
            label: $label,
            action: Action::$action,
            hint: $hint,
            help: $help,
        }
    };
    ($context:ident, [$($key:expr),+], $label:literal, $action:ident($argument:expr), $hint:expr, $help:literal) => {
        Binding {
            context: Context::$context,
            keys: &[$($key),+],
            label: $label,
            action: Action::$action($argument),
            hint: $hint,
            help: $help,
        }
    };
}

use crate::domain::audit::Finding;
use KeyCode::*;

// One binding per line reads as a table; keep rustfmt from spreading it out.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    // Questions take precedence over everything while they are open.
    bind!(Confirm, [ch('y')], "y", Yes, Some("yes"), "Answer yes"),
    bind!(Confirm, [ch('n'), plain(Esc)], "n/Esc", No, Some("no"), "Answer no"),
    // Read-only overlays.
    bind!(Overlay, [plain(Esc), ch('q'), ch('?'), ch('h')], "Esc", Close, Some("close"), "Close the overlay"),
    bind!(Overlay, [plain(Up), ch('k')], "↑/k", Up, None, "Scroll up"),
    bind!(Overlay, [plain(Down), ch('j')], "↓/j", Down, Some("scroll"), "Scroll down"),
    bind!(Overlay, [plain(PageUp)], "PgUp", PageUp, None, "Scroll a page up"),
    bind!(Overlay, [plain(PageDown)], "PgDn", PageDown, None, "Scroll a page down"),
    // Choice fields in forms.
    bind!(FormChoice, [plain(Right)], "→", NextChoice, Some("change"), "Next choice (or type its first letter; Space does nothing)"),
    bind!(FormChoice, [plain(Left)], "←", PrevChoice, None, "Previous choice"),
    // Pickers of link fields in forms.
    bind!(Picker, [plain(Enter)], "Enter", Yes, Some("choose"), "Choose or unchoose the highlighted item"),
    bind!(Picker, [plain(Up)], "↑", Up, None, "Previous item"),
    bind!(Picker, [plain(Down)], "↓", Down, Some("move"), "Next item"),
    bind!(Picker, [plain(PageUp)], "PgUp", PageUp, None, "A page up"),
    bind!(Picker, [plain(PageDown)], "PgDn", PageDown, None, "A page down"),
    bind!(Picker, [plain(Esc)], "Esc", Close, Some("done"), "Close the picker (typing searches)"),
    bind!(FormPick, [plain(Enter)], "Enter", OpenPicker, Some("choose"), "Open the picker for this field"),
    // Forms.
    bind!(Form, [ctrl('s')], "Ctrl-S", Save, Some("save"), "Save the form"),
    bind!(Form, [plain(Esc)], "Esc", Cancel, Some("cancel"), "Close the form (asks if there are unsaved changes)"),
    bind!(Form, [plain(Tab)], "Tab", NextField, Some("next field"), "Next field (Enter too, in one-line fields)"),
    bind!(Form, [plain(BackTab)], "Shift-Tab", PrevField, Some("previous"), "Previous field"),
    bind!(FormConfidential, [ctrl('l')], "Ctrl-L", ToggleConfidential, Some("confidential"), "Mark the field confidential, or not (hidden while presenting)"),
    // The scope statement editor.
    bind!(Editor, [ctrl('s')], "Ctrl-S", Save, Some("save"), "Save the scope statement"),
    bind!(Editor, [plain(Esc)], "Esc", Cancel, Some("stop editing"), "Stop editing (asks if there are unsaved changes)"),
    // The scope statement, read-only.
    bind!(Statement, [plain(Enter), ch('e')], "Enter", Edit, Some("edit"), "Edit the scope statement"),
    bind!(Statement, [ch('o')], "o", EditOrganisation, Some("organisation"), "Edit the organisation and ISMS names"),
    bind!(Statement, [plain(Up), ch('k')], "↑/k", Up, None, "Scroll the statement up"),
    bind!(Statement, [plain(Down), ch('j')], "↓/j", Down, Some("scroll"), "Scroll the statement down"),
    bind!(Statement, [plain(PageUp)], "PgUp", PageUp, None, "Scroll a page up"),
    bind!(Statement, [plain(PageDown)], "PgDn", PageDown, None, "Scroll a page down"),
    bind!(Statement, [ch('h')], "h", History, Some("history"), "History of the scope statement"),
    bind!(Scope, [ch('o')], "o", EditOrganisation, None, "Edit the organisation and ISMS names (any Scope section)"),
    bind!(Scope, [ch('c')], "c", EditClimate, None, "Decide whether climate change is a relevant issue (4.1)"),
    // Lists.
    bind!(List, [plain(Up), ch('k')], "↑/k", Up, None, "Previous row"),
    bind!(List, [plain(Down), ch('j')], "↓/j", Down, None, "Next row"),
    bind!(List, [plain(PageUp)], "PgUp", PageUp, None, "A page up"),
    bind!(List, [plain(PageDown)], "PgDn", PageDown, None, "A page down"),
    bind!(List, [plain(Home), ch('g')], "g/Home", Top, None, "First row"),
    bind!(List, [plain(End), ch('G')], "G/End", Bottom, None, "Last row"),
    bind!(Sections, [plain(Right), ch('l'), ch(']')], "←/→", NextSection, Some("section"), "Next section (or ], which works on the heat map too)"),
    bind!(Sections, [plain(Left), ch('[')], "←", PrevSection, None, "Previous section (or [, which works on the heat map too)"),
    bind!(Records, [ch('n')], "n", New, Some("new"), "New record"),
    bind!(Records, [plain(Enter)], "Enter", Edit, Some("edit"), "Edit the selected record"),
    bind!(Records, [ch('d'), plain(Delete)], "d", Delete, Some("delete"), "Delete the selected record (asks first)"),
    bind!(List, [ch('h')], "h", History, Some("history"), "History of the selected record"),
    bind!(List, [ch('J'), ctrl_key(Down)], "J", DetailDown, None, "Scroll the record's details down (or Ctrl-↓)"),
    bind!(List, [ch('K'), ctrl_key(Up)], "K", DetailUp, None, "Scroll the record's details up (or Ctrl-↑)"),
    // The Overview.
    bind!(Findings, [plain(Enter)], "Enter", Edit, Some("go to record"), "Show the finding's record in its tab"),
    bind!(Milestones, [plain(Enter)], "Enter", Edit, Some("dates"), "Record the milestone's planned and done dates"),
    bind!(Certification, [ch('b')], "b", EditCertificationBody, Some("certification body"), "Edit the certification body and its accreditation"),
    // The Risks tab.
    bind!(FilterInput, [plain(Enter)], "Enter", Apply, Some("apply"), "Keep the filter and stop typing"),
    bind!(FilterInput, [plain(Esc)], "Esc", ClearFilters, Some("clear"), "Clear the text filter"),
    bind!(Register, [ch('/')], "/", Filter, Some("filter"), "Filter by text (title, threat, vulnerability, asset, owner)"),
    bind!(Register, [ch('f')], "f", Filters, Some("filters"), "Filter by level, status or owner"),
    bind!(Register, [ch('x')], "x", ClearFilters, None, "Clear every filter"),
    bind!(Register, [ch('s')], "s", Sort, Some("sort"), "Sort by the next column"),
    bind!(Register, [ch('S')], "S", ReverseSort, None, "Reverse the sort order"),
    bind!(Register, [ch('a')], "a", Accept, Some("accept"), "Record the owner's acceptance of the residual risk"),
    bind!(HeatMap, [plain(Up), ch('k')], "↑/k", Up, None, "Cell above (more likely)"),
    bind!(HeatMap, [plain(Down), ch('j')], "↓/j", Down, None, "Cell below (less likely)"),
    bind!(HeatMap, [plain(Left)], "←/→", Left, Some("move"), "Cell left or right (impact); arrows never switch section here"),
    bind!(HeatMap, [plain(Right)], "→", Right, None, "Cell to the right (more impact)"),
    bind!(HeatMap, [plain(Enter)], "Enter", Apply, Some("show risks"), "Show the risks in this cell in the register"),
    bind!(HeatMap, [ch('r')], "r", ToggleResidual, Some("inherent/residual"), "Switch between inherent and residual scores"),
    bind!(HeatMap, [ch(']')], "[/]", NextSection, Some("section"), "Next section (here only [ and ] switch section)"),
    bind!(HeatMap, [ch('[')], "[", PrevSection, None, "Previous section"),
    bind!(Plan, [ch('o')], "o", ToggleGrouping, Some("owner/due"), "Group by owner or by due date"),
    bind!(Plan, [ch('a')], "a", Accept, Some("accept"), "Record the owner's acceptance of the residual risk"),
    bind!(Method, [plain(Enter), ch('e')], "Enter", Edit, Some("edit"), "Edit the risk method"),
    bind!(Method, [ch('h')], "h", History, Some("history"), "History of the risk method"),
    // The SoA tab.
    bind!(SoaList, [plain(Enter)], "Enter", Edit, Some("decide"), "Decide on the selected control"),
    bind!(SoaList, [ch('/')], "/", Filter, Some("search"), "Search controls by id or title"),
    bind!(SoaList, [ch('f')], "f", Filters, Some("filters"), "Filter by theme, applicability, status or attribute"),
    bind!(SoaList, [ch('x')], "x", ClearFilters, None, "Clear every filter"),
    bind!(Versions, [ch('a')], "a", Approve, Some("approve SoA"), "Freeze the SoA as a version; asks first if any is undecided"),
    bind!(Versions, [plain(Enter)], "Enter", Edit, Some("view"), "View the selected version read-only, changes marked"),
    bind!(SoaVersionView, [plain(Esc)], "Esc", Close, Some("back"), "Back to the approved versions"),
    bind!(SoaVersionView, [ch('c')], "c", Compare, Some("previous/today"), "Compare with the version before it, or with today"),
    // The Evidence tab.
    bind!(Required, [plain(Enter)], "Enter", Edit, Some("write/show"), "Write the missing document, or show those that fulfil it"),
    bind!(Required, [ch('n')], "n", New, Some("new for it"), "A new document that fulfils the selected requirement"),
    bind!(Documents, [ch('/')], "/", Filter, Some("filter"), "Filter the register by text (title, owner, location, status)"),
    bind!(Documents, [ch('x')], "x", ClearFilters, None, "Clear the filter"),
    // The Audit tab.
    bind!(Checklist, [ch('c')], "c", Record(Finding::Conforming), Some("conforming"), "Conforming, then the next item"),
    bind!(Checklist, [ch('o')], "o", Record(Finding::Observation), Some("observation"), "Observation (asks for a note first), then the next item"),
    bind!(Checklist, [ch('i')], "i", Record(Finding::Improvement), Some("OFI"), "Opportunity for improvement (asks for a note), then next item"),
    bind!(Checklist, [ch('m')], "m", Record(Finding::MinorNc), Some("minor NC"), "Minor NC: raises an NC whose statement is the note asked for"),
    bind!(Checklist, [ch('M')], "M", Record(Finding::MajorNc), Some("major NC"), "Major NC: raises an NC whose statement is the note asked for"),
    bind!(Checklist, [ch('u')], "u", Record(Finding::NotAudited), None, "Back to not yet audited"),
    bind!(Checklist, [plain(Enter)], "Enter", Edit, Some("notes"), "Evidence examined, records sampled and notes"),
    bind!(NcRegister, [ch('f')], "f", Filters, Some("filters"), "Filter by grade, status, owner or source"),
    bind!(NcRegister, [ch('x')], "x", ClearFilters, None, "Clear every filter"),
    bind!(Reading, [plain(Up), ch('k')], "↑/k", Up, None, "Scroll up"),
    bind!(Reading, [plain(Down), ch('j')], "↓/j", Down, Some("scroll"), "Scroll down"),
    bind!(Reading, [plain(PageUp)], "PgUp", PageUp, None, "A page up"),
    bind!(Reading, [plain(PageDown)], "PgDn", PageDown, None, "A page down"),
    bind!(Reading, [plain(Home), ch('g')], "g/Home", Top, None, "To the top"),
    bind!(Reading, [plain(End), ch('G')], "G/End", Bottom, None, "To the end"),
    // The Review tab.
    bind!(ReviewInputs, [ch('c')], "c", Compile, Some("compile"), "Compile the inputs from the workspace (draft reviews only)"),
    bind!(ReviewInputs, [plain(Enter)], "Enter", Edit, Some("notes"), "Discussion notes for the input (and feedback or improvements)"),
    bind!(Objectives, [ch('m')], "m", Measure, Some("measure"), "Add a measurement to the selected objective"),
    // Anywhere outside forms.
    bind!(Global, [ch('1'), ch('2'), ch('3'), ch('4'), ch('5'), ch('6'), ch('7')], "1-7", TabByDigit, None, "Go to a tab by its number"),
    bind!(Global, [plain(Tab)], "Tab", NextTab, Some("tab"), "Next tab"),
    bind!(Global, [plain(BackTab)], "Shift-Tab", PrevTab, None, "Previous tab"),
    bind!(Global, [ch('?')], "?", Help, Some("help"), "Show this help"),
    bind!(Global, [ch('p')], "p", Present, None, "Presentation mode on or off: confidential fields hidden"),
    bind!(Global, [ch('q')], "q", Quit, Some("quit"), "Quit (asks if there are unsaved changes)"),
    bind!(Always, [ctrl('q'), ctrl('c')], "Ctrl-Q", Quit, None, "Quit from anywhere, even a form (asks first if unsaved)"),
];

/// Shift is part of the character itself for `G` or `?`, and of BackTab, so it is ignored there.
fn normalise(event: &KeyEvent) -> Key {
    let mut modifiers =
        event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
        modifiers.remove(KeyModifiers::SHIFT);
    }
    let code = match event.code {
        // Terminals send Ctrl-S as 's' with CONTROL; some send it upper-case.
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        code => code,
    };
    Key { code, modifiers }
}

/// The action bound to `event` in the innermost context of `stack` that binds it.
pub fn lookup(stack: &[Context], event: &KeyEvent) -> Option<Action> {
    let key = normalise(event);
    stack.iter().find_map(|context| {
        BINDINGS
            .iter()
            .filter(|binding| binding.context == *context)
            .find(|binding| binding.keys.contains(&key))
            .map(|binding| binding.action)
    })
}

/// How the first binding of `action` is written, for hints drawn outside the footer.
pub fn label_of(action: Action) -> &'static str {
    BINDINGS
        .iter()
        .find(|binding| binding.action == action)
        .map_or("", |binding| binding.label)
}

/// The footer's hints for a context stack, innermost first, each action once.
pub fn hints(stack: &[Context]) -> Vec<&'static Binding> {
    let mut seen: Vec<Action> = Vec::new();
    let mut hints = Vec::new();
    for context in stack {
        for binding in BINDINGS.iter().filter(|b| b.context == *context) {
            if binding.hint.is_some() && !seen.contains(&binding.action) {
                seen.push(binding.action);
                hints.push(binding);
            }
        }
    }
    hints
}

/// The help overlay's sections, in the order a user meets them.
pub fn help_sections() -> Vec<(Context, Vec<&'static Binding>)> {
    const ORDER: [Context; 33] = [
        Context::Global,
        Context::Sections,
        Context::List,
        Context::Records,
        Context::Findings,
        Context::Milestones,
        Context::Certification,
        Context::Statement,
        Context::Scope,
        Context::Register,
        Context::FilterInput,
        Context::HeatMap,
        Context::Plan,
        Context::Method,
        Context::SoaList,
        Context::Versions,
        Context::SoaVersionView,
        Context::Required,
        Context::Documents,
        Context::Checklist,
        Context::NcRegister,
        Context::Reading,
        Context::ReviewInputs,
        Context::Objectives,
        Context::Editor,
        Context::Form,
        Context::FormConfidential,
        Context::FormChoice,
        Context::FormPick,
        Context::Picker,
        Context::Confirm,
        Context::Overlay,
        Context::Always,
    ];
    ORDER
        .iter()
        .map(|context| {
            let bindings = BINDINGS.iter().filter(|b| b.context == *context).collect();
            (*context, bindings)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn inner_context_wins() {
        let stack = [Context::Form, Context::Always];
        assert_eq!(
            lookup(&stack, &key(Tab, KeyModifiers::NONE)),
            Some(Action::NextField)
        );
        let stack = [Context::List, Context::Global, Context::Always];
        assert_eq!(
            lookup(&stack, &key(Tab, KeyModifiers::NONE)),
            Some(Action::NextTab)
        );
    }

    #[test]
    fn typing_contexts_do_not_quit_on_q() {
        let stack = [Context::Form, Context::Always];
        assert_eq!(lookup(&stack, &key(Char('q'), KeyModifiers::NONE)), None);
        assert_eq!(
            lookup(&stack, &key(Char('q'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn shifted_characters_match() {
        let stack = [Context::List, Context::Global];
        assert_eq!(
            lookup(&stack, &key(Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            lookup(&stack, &key(Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            lookup(&stack, &key(BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevTab)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(
                            !b.keys.contains(k),
                            "{:?} bound twice in {:?}",
                            k,
                            a.context
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_binding_appears_in_help() {
        let listed: usize = help_sections().iter().map(|(_, b)| b.len()).sum();
        assert_eq!(listed, BINDINGS.len());
    }
}
