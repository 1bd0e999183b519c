//! The application: which tab is shown, which overlay is open, and how events become actions.
//! It holds view state only; every write goes through the store.

use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::components::confirm::Confirm;
use super::components::help::{help_len, render_help};
use super::components::history::History;
use super::components::scroll_by;
use super::drafts::{self, Autosave, OpenDraft};
use super::keymap::{self, Action, Binding, Context};
use super::tabs::audit::AuditTab;
use super::tabs::evidence::EvidenceTab;
use super::tabs::overview::OverviewTab;
use super::tabs::review::ReviewTab;
use super::tabs::risks::RisksTab;
use super::tabs::scope::ScopeTab;
use super::tabs::soa::SoaTab;
use super::tabs::{Outcome, Question, Tab, TabView};
use super::theme::Theme;
use crate::store::Store;

/// Below this size the screen asks for a larger terminal instead of drawing. The tab row
/// needs 69 columns.
pub const MIN_WIDTH: u16 = 70;
pub const MIN_HEIGHT: u16 = 16;

/// A long status message wraps onto at most this many lines.
const MAX_MESSAGE_LINES: usize = 4;

/// A question whose "yes" the app carries out, or hands back to the tab that asked.
enum Pending {
    Quit,
    Tab(Question),
    /// Drafts of unsaved text were left by a session that ended without saving them.
    RestoreDrafts,
}

enum Overlay {
    Help { scroll: usize },
    History(History),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Message {
    Info(String),
    Error(String),
}

/// A `seen` stamp that no change-log position equals: the tab has not read the store yet.
const NOT_READ: i64 = -1;

/// The tabs that have screens, kept apart from the store so that a tab can be borrowed
/// mutably together with it.
struct Tabs {
    overview: OverviewTab,
    scope: ScopeTab,
    risks: RisksTab,
    soa: SoaTab,
    evidence: EvidenceTab,
    audit: AuditTab,
    review: ReviewTab,
}

impl Tabs {
    fn get(&self, tab: Tab) -> Option<&dyn TabView> {
        Some(match tab {
            Tab::Overview => &self.overview,
            Tab::Scope => &self.scope,
            Tab::Risks => &self.risks,
            Tab::Soa => &self.soa,
            Tab::Evidence => &self.evidence,
            Tab::Audit => &self.audit,
            Tab::Review => &self.review,
        })
    }

    fn get_mut(&mut self, tab: Tab) -> Option<&mut dyn TabView> {
        Some(match tab {
            Tab::Overview => &mut self.overview,
            Tab::Scope => &mut self.scope,
            Tab::Risks => &mut self.risks,
            Tab::Soa => &mut self.soa,
            Tab::Evidence => &mut self.evidence,
            Tab::Audit => &mut self.audit,
            Tab::Review => &mut self.review,
        })
    }
}

pub struct App {
    store: Store,
    theme: Theme,
    tab: Tab,
    tabs: Tabs,
    /// The change log's last entry when each tab last read the store, by tab index: a tab
    /// re-reads only when something changed since.
    seen: [i64; 7],
    overlay: Option<Overlay>,
    confirm: Option<Confirm<Pending>>,
    message: Option<Message>,
    /// How the workspace file is named in the status bar.
    location: String,
    should_quit: bool,
    /// Whether the last frame was too small to draw; only quitting works then.
    too_small: bool,
    /// While presenting, the theme to restore when presentation mode ends.
    unpresented: Option<Theme>,
    /// The change log's last entry when the confidential marks were last read.
    marks_seen: i64,
    /// The debounced autosave of the open editor's text as drafts.
    autosave: Autosave,
}

impl App {
    /// Opens the workbench on the Overview, as of `today` (from `crate::today`).
    pub fn new(store: Store, theme: Theme, today: chrono::NaiveDate) -> Result<Self> {
        Self::open_on(store, theme, Tab::Overview, today)
    }

    /// Opens the workbench showing `tab`. Only that tab and the Scope tab (whose workspace
    /// names the header) are read now; every other tab reads the store the first time it is
    /// shown, so the first frame costs one tab's read, whichever tab it is.
    pub fn open_on(store: Store, theme: Theme, tab: Tab, today: chrono::NaiveDate) -> Result<Self> {
        // A damaged value is named by record and column (see `Store::explain`).
        let scope = ScopeTab::new(store.load_scope().map_err(|error| store.explain(error))?);
        let risks = RisksTab::new(Default::default(), today);
        let soa = SoaTab::new(Default::default(), today);
        let evidence = EvidenceTab::new(Default::default(), today);
        let audit = AuditTab::new(Default::default(), today);
        let review = ReviewTab::new(Default::default(), today);
        let location = store.path().display().to_string();
        let last = store.last_change()?;
        let mut seen = [NOT_READ; 7];
        seen[Tab::Scope.index()] = last;
        let mut app = App {
            store,
            theme,
            tab,
            tabs: Tabs {
                overview: OverviewTab::new(today),
                scope,
                risks,
                soa,
                evidence,
                audit,
                review,
            },
            seen,
            overlay: None,
            confirm: None,
            message: None,
            location,
            should_quit: false,
            too_small: false,
            unpresented: None,
            marks_seen: NOT_READ,
            autosave: Autosave::default(),
        };
        app.refresh_marks();
        if let Some(view) = app.tabs.get_mut(tab) {
            view.refresh(&app.store)
                .map_err(|error| app.store.explain(error))?;
        }
        app.seen[tab.index()] = last;
        Ok(app)
    }

    /// Turns presentation mode on or off: the high-contrast theme, roomier rows, confidential
    /// fields hidden. Only the theme changes, so turning it off restores the screen exactly.
    pub fn set_presenting(&mut self, on: bool) {
        match (on, self.unpresented.take()) {
            (true, None) => {
                self.refresh_marks();
                let presenting = self.theme.for_presenting();
                self.unpresented = Some(std::mem::replace(&mut self.theme, presenting));
            }
            (true, Some(saved)) => self.unpresented = Some(saved),
            (false, Some(saved)) => {
                let marks = self.theme.presentation.marks.clone();
                self.theme = saved;
                self.theme.presentation.marks = marks;
            }
            (false, None) => {}
        }
        let presenting = self.is_presenting();
        self.tabs.risks.set_presenting(presenting);
    }

    pub fn is_presenting(&self) -> bool {
        self.unpresented.is_some()
    }

    /// Re-reads the confidential marks if the store changed since they were read.
    fn refresh_marks(&mut self) {
        let Ok(last) = self.store.last_change() else {
            return;
        };
        if last == self.marks_seen {
            return;
        }
        if let Ok(marks) = self.store.confidentiality() {
            self.theme.presentation.marks = std::sync::Arc::new(marks);
            self.marks_seen = last;
        }
    }

    /// Fixes "today" (for overdue and expiry marks) so that tests are stable.
    pub fn set_today(&mut self, today: chrono::NaiveDate) {
        for tab in Tab::ALL {
            if let Some(view) = self.tabs.get_mut(tab) {
                view.set_today(today);
            }
        }
        // What was read on another day (overdue marks, findings) is read again.
        self.seen = [NOT_READ; 7];
        self.ensure_fresh();
    }

    /// Shows `tab`, re-reading its data first if another tab changed the store since.
    fn switch_to(&mut self, tab: Tab) {
        self.tab = tab;
        self.ensure_fresh();
    }

    /// Re-reads the current tab's data if the store changed since it last read it (another
    /// tab, or another process on the same file). A cheap indexed query per action, never
    /// per frame.
    fn ensure_fresh(&mut self) {
        self.refresh_marks();
        let tab = self.tab;
        let last = match self.store.last_change() {
            Ok(last) => last,
            Err(error) => {
                self.message = Some(Message::Error(format!(
                    "Could not read the workspace: {error}"
                )));
                return;
            }
        };
        if self.seen[tab.index()] == last {
            return;
        }
        let refreshed = match self.tabs.get_mut(tab) {
            Some(view) => view.refresh(&self.store),
            None => Ok(()),
        };
        match refreshed {
            // Marked as read only once it has read; a failed read is tried again next time.
            Ok(()) => self.seen[tab.index()] = last,
            Err(error) => {
                let error = self.store.explain(error);
                self.message = Some(Message::Error(format!(
                    "Could not re-read the workspace: {error}"
                )));
            }
        }
    }

    /// Shows `location` in the status bar instead of the file's path (stable test snapshots).
    pub fn set_location_label(&mut self, location: impl Into<String>) {
        self.location = location.into();
    }

    pub fn select_tab(&mut self, tab: Tab) {
        self.switch_to(tab);
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn risks(&self) -> &RisksTab {
        &self.tabs.risks
    }

    pub fn soa(&self) -> &SoaTab {
        &self.tabs.soa
    }

    pub fn overview(&self) -> &OverviewTab {
        &self.tabs.overview
    }

    pub fn evidence(&self) -> &EvidenceTab {
        &self.tabs.evidence
    }

    pub fn audit(&self) -> &AuditTab {
        &self.tabs.audit
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Ends the app and hands back its store, without freeing the tabs' records one by one
    /// (for a command that exits right after): the store is dropped by the caller, so its
    /// connection is closed and SQLite removes the -wal and -shm files it made.
    pub fn into_store(self) -> Store {
        let App { store, tabs, .. } = self;
        std::mem::forget(tabs);
        store
    }

    pub fn should_quit(&self) -> bool {
        self.should_quit
    }

    pub fn has_unsaved_changes(&self) -> bool {
        Tab::ALL.iter().any(|tab| {
            self.tabs
                .get(*tab)
                .is_some_and(|view| view.has_unsaved_changes())
        })
    }

    fn is_typing(&self) -> bool {
        self.tabs.get(self.tab).is_some_and(|view| view.is_typing())
    }

    /// The keymap contexts in effect, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.confirm.is_some() {
            return vec![Context::Confirm];
        }
        if self.overlay.is_some() {
            return vec![Context::Overlay, Context::Always];
        }
        let mut stack = self
            .tabs
            .get(self.tab)
            .map(|view| view.contexts())
            .unwrap_or_default();
        if !self.is_typing() {
            stack.push(Context::Global);
        }
        stack.push(Context::Always);
        stack
    }

    /// Handles one terminal event. Returns true when the screen needs redrawing.
    pub fn handle_event(&mut self, event: &Event) -> bool {
        self.handle_event_at(event, Instant::now())
    }

    /// Handles one terminal event that came at `now` (tests give the time).
    pub fn handle_event_at(&mut self, event: &Event, now: Instant) -> bool {
        let input = matches!(event, Event::Key(key) if key.kind != KeyEventKind::Release)
            || matches!(event, Event::Paste(_));
        let redraw = self.dispatch_event(event);
        if input {
            self.after_input(now);
        }
        redraw
    }

    // ---- drafts of unsaved text ----

    /// The open editor that keeps drafts, in whichever tab it is.
    fn open_draft(&self) -> Option<OpenDraft> {
        Tab::ALL
            .iter()
            .find_map(|tab| self.tabs.get(*tab).and_then(|view| view.open_draft()))
    }

    /// After a key or a paste: the autosave timer starts again while an editor is open, and
    /// the drafts of an editor that was saved or discarded since are removed.
    fn after_input(&mut self, now: Instant) {
        let open = self.open_draft();
        if let Some(saved) = self.autosave.saved.clone() {
            if open.as_ref().map(|o| &o.record) != Some(&saved) {
                self.autosave.saved = None;
                if let Err(error) = self.store.delete_drafts(&saved) {
                    self.message = Some(Message::Error(format!(
                        "Could not remove the unsaved text kept for {saved}: {error}"
                    )));
                }
            }
        }
        match open {
            Some(_) => self.autosave.typed(now),
            None => self.autosave.written(),
        }
    }

    /// How long the event loop may wait for input before [`App::tick`] has work to do.
    pub fn next_tick_in(&self, now: Instant) -> Option<Duration> {
        self.autosave.wait(now)
    }

    /// The event loop's tick: a couple of seconds after the last keystroke, the open editor's
    /// text is saved as drafts, in one small write (drafts are not edits: no change log).
    /// Returns true when the screen needs redrawing.
    pub fn tick(&mut self, now: Instant) -> bool {
        if !self.autosave.due(now) {
            return false;
        }
        self.autosave.written();
        let Some(open) = self.open_draft() else {
            return false;
        };
        if open.fields.is_empty() && self.autosave.saved.as_ref() != Some(&open.record) {
            return false;
        }
        match self.store.save_drafts(&open.record, &open.fields) {
            Ok(()) => {
                self.autosave.saved = (!open.fields.is_empty()).then_some(open.record);
                false
            }
            Err(error) => {
                self.message = Some(Message::Error(format!(
                    "Could not keep the unsaved text: {error}"
                )));
                true
            }
        }
    }

    /// On start: when an earlier session left drafts of unsaved text (it crashed or was
    /// killed), asks whether to restore them.
    pub fn offer_drafts(&mut self) {
        match self.store.drafts() {
            Ok(drafts) if !drafts.is_empty() => {
                self.confirm = Some(Confirm::new(
                    drafts::question(&drafts),
                    Pending::RestoreDrafts,
                ))
            }
            Ok(_) => {}
            Err(error) => {
                let error = self.store.explain(error);
                self.message = Some(Message::Error(format!(
                    "Could not read the unsaved text kept from last time: {error}"
                )))
            }
        }
    }

    /// Opens the form of the first record with drafts, its text filled in. Only one editor is
    /// open at a time, so drafts of other records stay and are offered on the next start.
    fn restore_drafts(&mut self) {
        let drafts = match self.store.drafts() {
            Ok(drafts) => drafts,
            Err(error) => {
                let error = self.store.explain(error);
                self.message = Some(Message::Error(format!(
                    "Could not read the unsaved text: {error}"
                )));
                return;
            }
        };
        let records: Vec<&str> = drafts.iter().fold(Vec::new(), |mut records, draft| {
            if !records.contains(&draft.record.as_str()) {
                records.push(&draft.record);
            }
            records
        });
        for record in &records {
            let Some(tab) = drafts::tab_of(record) else {
                continue;
            };
            let fields: Vec<(String, String)> = drafts
                .iter()
                .filter(|d| d.record == *record)
                .map(|d| (d.field.clone(), d.text.clone()))
                .collect();
            self.switch_to(tab);
            let restored = self
                .tabs
                .get_mut(tab)
                .is_some_and(|view| view.restore_draft(record, &fields, &self.store));
            if restored {
                self.autosave.saved = Some(record.to_string());
                let others = records.len() - 1;
                let more = match others {
                    0 => String::new(),
                    1 => " The text of 1 other record is kept for the next start.".into(),
                    n => format!(" The text of {n} other records is kept for the next start."),
                };
                self.message = Some(Message::Info(format!(
                    "Restored the unsaved text: Ctrl-S saves it.{more}"
                )));
                return;
            }
        }
        // Asked again at every start, it would only be in the way.
        self.discard_drafts();
        self.message = Some(Message::Error(
            "The unsaved text could not be restored (its record no longer exists); it was discarded."
                .into(),
        ));
    }

    /// The user declined to restore: every draft goes.
    fn discard_drafts(&mut self) {
        if let Err(error) = self.store.delete_all_drafts() {
            self.message = Some(Message::Error(format!(
                "Could not remove the unsaved text: {error}"
            )));
        }
    }

    fn dispatch_event(&mut self, event: &Event) -> bool {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                self.handle_key(*key);
                true
            }
            Event::Mouse(mouse) => self.handle_mouse(*mouse),
            // A paste goes only into what is being typed, never through a question or overlay.
            Event::Paste(_) if self.confirm.is_some() || self.overlay.is_some() => false,
            Event::Paste(text) => self
                .tabs
                .get_mut(self.tab)
                .is_some_and(|view| view.paste(text)),
            Event::Resize(..) => true,
            _ => false,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        let contexts = self.contexts();
        let action = keymap::lookup(&contexts, &key);
        if self.too_small {
            // Nothing is drawn, so nothing but quitting may happen.
            if action == Some(Action::Quit)
                || key.code == ratatui::crossterm::event::KeyCode::Char('q')
            {
                self.request_quit();
            }
            return;
        }
        match action {
            Some(action) => self.perform(action, key),
            // Keys with no binding are typed, but never through a question or an overlay.
            None if self.confirm.is_some() || self.overlay.is_some() => {}
            None if self.is_typing() => {
                if let Some(view) = self.tabs.get_mut(self.tab) {
                    view.type_key(key);
                }
            }
            None => {}
        }
    }

    fn perform(&mut self, action: Action, key: KeyEvent) {
        // A message answers the last action; the next one replaces or clears it.
        self.message = None;
        if !self.is_typing() {
            self.ensure_fresh();
        }
        if let Some(confirm) = self.confirm.take() {
            if action == Action::Yes {
                self.confirmed(confirm.on_yes);
            } else if matches!(confirm.on_yes, Pending::RestoreDrafts) {
                self.discard_drafts();
            }
            return;
        }
        if let Some(overlay) = &mut self.overlay {
            let page = 10;
            match (overlay, action) {
                (_, Action::Close) => self.overlay = None,
                (_, Action::Quit) => self.request_quit(),
                (Overlay::Help { scroll }, _) => {
                    *scroll = scroll_by(*scroll, scroll_delta(action, page), help_len());
                }
                (Overlay::History(history), _) => {
                    let max = history.entries.len().saturating_sub(1);
                    history.scroll = scroll_by(history.scroll, scroll_delta(action, page), max);
                }
            }
            return;
        }
        // The detail pane scrolls with J/K and starts at the top for anything else (another
        // record, section or tab).
        match action {
            Action::DetailDown => return self.theme.detail.scroll_by(1),
            Action::DetailUp => return self.theme.detail.scroll_by(-1),
            _ => self.theme.detail.reset(),
        }
        match action {
            Action::Quit => self.request_quit(),
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Present => {
                self.set_presenting(!self.is_presenting());
                if self.is_presenting() {
                    self.message = Some(Message::Info(
                        "Presenting: confidential fields hidden. p to stop.".into(),
                    ));
                }
            }
            Action::NextTab => self.switch_to(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
            Action::PrevTab => {
                self.switch_to(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Action::TabByDigit => {
                if let ratatui::crossterm::event::KeyCode::Char(c) = key.code {
                    let index = c.to_digit(10).unwrap_or(0) as usize;
                    if let Some(tab) = index.checked_sub(1).and_then(Tab::by_index) {
                        self.switch_to(tab);
                    }
                }
            }
            _ => {
                let tab = self.tab;
                let outcome = match self.tabs.get_mut(tab) {
                    Some(view) => view.perform(action, &mut self.store),
                    None => Outcome::Ignored,
                };
                self.apply(outcome);
            }
        }
    }

    /// Carries out what a tab asked for.
    fn apply(&mut self, outcome: Outcome<Question>) {
        // The tab was up to date before it acted (see `perform`) and re-reads after its own
        // writes, so it is up to date now.
        if let Ok(last) = self.store.last_change() {
            self.seen[self.tab.index()] = last;
        }
        self.refresh_marks();
        match outcome {
            Outcome::Ignored | Outcome::Done => {}
            Outcome::Status(text) => self.message = Some(Message::Info(text)),
            Outcome::Error(text) => self.message = Some(Message::Error(text)),
            Outcome::Ask(question, asked) => {
                self.confirm = Some(Confirm::new(question, Pending::Tab(asked)))
            }
            Outcome::Reveal(tab, reference) => {
                self.switch_to(tab);
                let shown = self
                    .tabs
                    .get_mut(tab)
                    .is_some_and(|view| view.reveal(&reference));
                if !shown && !reference.is_empty() {
                    self.message = Some(Message::Info(format!(
                        "{reference} could not be shown here; finish what is open first."
                    )));
                }
            }
            Outcome::ShowHistory(reference) => match self.store.history(&reference) {
                Ok(entries) => {
                    // The method names the scale levels; read it here, once per `h`, since the
                    // Risks tab may not have been opened.
                    let method = self.store.risk_method().unwrap_or_default();
                    self.overlay = Some(Overlay::History(History::new(reference, entries, &method)))
                }
                Err(error) => {
                    let error = self.store.explain(error.into());
                    self.message = Some(Message::Error(format!(
                        "Could not read the history: {error}"
                    )))
                }
            },
        }
    }

    fn request_quit(&mut self) {
        if self.has_unsaved_changes() {
            self.confirm = Some(Confirm::new(
                "There are unsaved changes. Quit without saving them?",
                Pending::Quit,
            ));
        } else {
            self.should_quit = true;
        }
    }

    fn confirmed(&mut self, pending: Pending) {
        match pending {
            Pending::RestoreDrafts => self.restore_drafts(),
            Pending::Quit => {
                // Quitting without saving discards what is open, drafts included.
                if let Some(saved) = self.autosave.saved.take() {
                    let _ = self.store.delete_drafts(&saved);
                }
                self.should_quit = true
            }
            Pending::Tab(question) => {
                let tab = self.tab;
                let outcome = match self.tabs.get_mut(tab) {
                    Some(view) => view.confirmed(question, &mut self.store),
                    None => Outcome::Ignored,
                };
                self.apply(outcome);
            }
        }
    }

    fn handle_mouse(&mut self, mouse: MouseEvent) -> bool {
        if mouse.kind != MouseEventKind::Down(MouseButton::Left)
            || self.confirm.is_some()
            || self.overlay.is_some()
        {
            return false;
        }
        if self.too_small || self.is_typing() {
            // A click must not hide an open form or editor behind another tab.
            return false;
        }
        if mouse.row == 0 {
            if let Some(tab) = tab_at(mouse.column) {
                self.switch_to(tab);
                return true;
            }
            return false;
        }
        if self.is_presenting() {
            // Rows are spaced out while presenting, so a click would miss its row.
            return false;
        }
        let clicked = self
            .tabs
            .get_mut(self.tab)
            .is_some_and(|view| view.click(mouse.column, mouse.row));
        if clicked {
            self.theme.detail.reset();
        }
        clicked
    }

    // ---- drawing ----

    /// Draws one frame; no control or bidirectional-override character reaches the terminal.
    pub fn render(&mut self, area: Rect, buf: &mut Buffer) {
        self.draw(area, buf);
        super::safe_text::sanitise(buf, area);
    }

    fn draw(&mut self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.base);
        self.too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
        if self.too_small {
            let text = format!(
                "The workbench needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}. Enlarge the window, or press q to quit.",
                area.width, area.height
            );
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        // A message too long for its part of the status bar takes whole lines, wrapped.
        let status_height = self
            .wrapped_message(area.width)
            .map_or(1, |lines| lines.len() as u16);
        let [header, body, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_tabs(header, buf);
        let body = if self.is_presenting() {
            roomier(body)
        } else {
            body
        };
        if let Some(view) = self.tabs.get_mut(self.tab) {
            view.render(body, buf, &self.theme);
        }
        self.render_status(status, buf);
        self.render_footer(footer, buf);
        if let Some(overlay) = &self.overlay {
            match overlay {
                Overlay::Help { scroll } => render_help(*scroll, body, buf, &self.theme),
                Overlay::History(history) => history.render(body, buf, &self.theme),
            }
        }
        if let Some(confirm) = &self.confirm {
            confirm.render(body, buf, &self.theme);
        }
    }

    fn render_tabs(&self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.tab);
        let mut spans = Vec::new();
        for (tab, label) in Tab::ALL.iter().zip(tab_labels()) {
            if *tab == self.tab {
                spans.push(Span::styled(label, self.theme.tab_active));
            } else {
                spans.push(Span::styled(label, self.theme.tab));
            }
        }
        Paragraph::new(Line::from(spans)).render(area, buf);
        let used: u16 = tab_labels().iter().map(|l| l.chars().count() as u16).sum();
        if self.is_presenting() {
            let marker = super::presentation::MARKER;
            let width = marker.chars().count() as u16;
            let (text, width) = if area.width >= used + width {
                (marker, width)
            } else if area.width >= used + width - 2 {
                (marker.trim(), width - 2)
            } else {
                // No room beside the tabs: the status bar says it instead.
                return;
            };
            let at = Rect::new(area.right().saturating_sub(width), area.y, width, 1);
            Paragraph::new(Span::styled(text, self.theme.error)).render(at, buf);
            return;
        }
        let name = self.tabs.scope.workspace().display_name();
        let room = area.width.saturating_sub(used + 2) as usize;
        if room > 8 {
            let name = truncate_end(name, room);
            let width = name.chars().count() as u16;
            let at = Rect::new(area.right() - width - 1, area.y, width, 1);
            Paragraph::new(Span::styled(name, self.theme.header)).render(at, buf);
        }
    }

    /// The message as the status bar writes it, with its style.
    fn message_text(&self) -> (String, ratatui::style::Style) {
        match &self.message {
            Some(Message::Info(text)) => (text.clone(), self.theme.status),
            Some(Message::Error(text)) => (format!("✗ {text}"), self.theme.error),
            None => (String::new(), self.theme.status),
        }
    }

    /// The message's lines when it does not fit on the status bar's one line (at most
    /// [`MAX_MESSAGE_LINES`]); `None` when it does.
    fn wrapped_message(&self, width: u16) -> Option<Vec<String>> {
        let (text, _) = self.message_text();
        if text.chars().count() + 2 <= usize::from(width) && !text.contains('\n') {
            return None;
        }
        let text = text.replace('\n', " ");
        let room = usize::from(width.saturating_sub(2)).max(1);
        Some(super::components::wrap(&text, room, MAX_MESSAGE_LINES))
    }

    fn render_status(&self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.status);
        let (text, style) = self.message_text();
        if let Some(lines) = self.wrapped_message(area.width) {
            let lines: Vec<Line> = lines
                .into_iter()
                .map(|line| Line::from(Span::styled(format!(" {line}"), style)))
                .collect();
            Paragraph::new(lines).render(area, buf);
            return;
        }
        // The message goes first; the file's path keeps what is left.
        let message_width = (text.chars().count() as u16).min(area.width.saturating_sub(2));
        let path_width = area.width.saturating_sub(message_width + 3) as usize;
        let path = truncate_start(&self.location, path_width);
        Paragraph::new(Span::styled(format!(" {path}"), self.theme.status)).render(area, buf);
        let tabs: u16 = tab_labels().iter().map(|l| l.chars().count() as u16).sum();
        if self.is_presenting() && area.width < tabs + 10 {
            // The tab row had no room for the marker.
            Paragraph::new(Span::styled("PRESENTING", self.theme.error)).render(area, buf);
        }
        if message_width > 0 {
            let at = Rect::new(area.right() - message_width - 1, area.y, message_width, 1);
            Paragraph::new(Span::styled(text, style)).render(at, buf);
        }
    }

    fn render_footer(&self, area: Rect, buf: &mut Buffer) {
        let mut hints = keymap::hints(&self.contexts());
        let width =
            |b: &Binding| b.label.chars().count() + b.hint.unwrap_or("").chars().count() + 3;
        // When the hints do not fit, the most general (the outer contexts', listed last) go
        // first, keeping those of what has focus; help and quit always stay.
        while 1 + hints.iter().map(|b| width(b)).sum::<usize>() > area.width as usize {
            match hints
                .iter()
                .rposition(|b| !matches!(b.action, Action::Help | Action::Quit))
            {
                Some(index) => {
                    hints.remove(index);
                }
                None => break,
            }
        }
        let mut spans = vec![Span::raw(" ")];
        for binding in hints {
            spans.push(Span::styled(binding.label, self.theme.key));
            spans.push(Span::styled(
                format!(" {}  ", binding.hint.unwrap_or("")),
                self.theme.muted,
            ));
        }
        Paragraph::new(Line::from(spans)).render(area, buf);
    }
}

/// The body while presenting: a column of margin either side on wide screens, and a blank
/// line under the tab row on tall ones.
fn roomier(body: Rect) -> Rect {
    let side = if body.width >= 100 { 2 } else { 0 };
    let top = u16::from(body.height >= 30);
    Rect::new(
        body.x + side,
        body.y + top,
        body.width.saturating_sub(2 * side),
        body.height.saturating_sub(top),
    )
}

fn scroll_delta(action: Action, page: isize) -> isize {
    match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        _ => 0,
    }
}

/// The tab row's labels, " 1 Overview " and so on, in order.
fn tab_labels() -> Vec<String> {
    Tab::ALL
        .iter()
        .map(|tab| format!(" {} {} ", tab.index() + 1, tab.title()))
        .collect()
}

/// The tab under column `x` of the tab row.
fn tab_at(x: u16) -> Option<Tab> {
    let mut start = 0u16;
    for (tab, label) in Tab::ALL.iter().zip(tab_labels()) {
        let end = start + label.chars().count() as u16;
        if x >= start && x < end {
            return Some(*tab);
        }
        start = end;
    }
    None
}

fn truncate_end(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{kept}…")
}

fn truncate_start(text: &str, width: usize) -> String {
    let len = text.chars().count();
    if len <= width {
        return text.to_string();
    }
    let kept: String = text.chars().skip(len - width.saturating_sub(1)).collect();
    format!("…{kept}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_on_the_tab_row_find_their_tab() {
        assert_eq!(tab_at(0), Some(Tab::Overview));
        let overview = tab_labels()[0].chars().count() as u16;
        assert_eq!(tab_at(overview), Some(Tab::Scope));
        assert_eq!(tab_at(500), None);
    }

    #[test]
    fn truncation_keeps_the_meaningful_end() {
        assert_eq!(
            truncate_start("/home/alex/workbench.sqlite3", 12),
            "…nch.sqlite3"
        );
        assert_eq!(truncate_start("abc", 5), "abc");
        assert_eq!(truncate_end("abcdef", 4), "abc…");
    }
}
