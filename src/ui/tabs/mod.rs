//! The seven tabs, in the order of the certification journey.

pub mod audit;
pub mod evidence;
pub mod overview;
pub mod review;
pub mod risks;
pub mod scope;
pub mod soa;

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::store::Store;
use crate::ui::drafts::OpenDraft;
use crate::ui::keymap::{Action, Context};
use crate::ui::theme::Theme;

/// What a tab asks of the app after handling an action; `P` is the tab's own kind of
/// question whose "yes" the tab carries out.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<P> {
    Ignored,
    Done,
    /// Tell the user something in the status bar.
    Status(String),
    Error(String),
    Ask(String, P),
    ShowHistory(String),
    /// Go to a tab and show one of its records there.
    Reveal(Tab, String),
}

impl<P> Outcome<P> {
    /// The same outcome with its question wrapped for the app.
    pub fn map<Q>(self, wrap: impl FnOnce(P) -> Q) -> Outcome<Q> {
        match self {
            Outcome::Ignored => Outcome::Ignored,
            Outcome::Done => Outcome::Done,
            Outcome::Status(text) => Outcome::Status(text),
            Outcome::Error(text) => Outcome::Error(text),
            Outcome::Ask(text, question) => Outcome::Ask(text, wrap(question)),
            Outcome::ShowHistory(reference) => Outcome::ShowHistory(reference),
            Outcome::Reveal(tab, reference) => Outcome::Reveal(tab, reference),
        }
    }
}

/// A tab's sections, in order; switching between them wraps around.
pub trait Sections: Copy + PartialEq + 'static {
    const ALL: &'static [Self];

    fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    fn step(self, forward: bool) -> Self {
        let len = Self::ALL.len();
        let index = self.index();
        Self::ALL[if forward {
            (index + 1) % len
        } else {
            (index + len - 1) % len
        }]
    }
}

/// A question a tab asked, whose "yes" goes back to that tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    Overview(overview::Pending),
    Scope(scope::Pending),
    Risks(risks::Pending),
    Soa(soa::Pending),
    Evidence(evidence::Pending),
    Audit(audit::Pending),
    Review(review::Pending),
}

/// What the app needs of a tab: its keymap contexts, its actions and typing, its questions'
/// answers, mouse clicks, drawing, and re-reading the store when another tab changed it.
pub trait TabView {
    fn contexts(&self) -> Vec<Context>;
    /// True while the user is typing into the tab (a form, an editor, a filter).
    fn is_typing(&self) -> bool;
    fn has_unsaved_changes(&self) -> bool;
    fn perform(&mut self, action: Action, store: &mut Store) -> Outcome<Question>;
    fn confirmed(&mut self, question: Question, store: &mut Store) -> Outcome<Question>;
    /// A key no binding took; returns whether it was typed somewhere.
    fn type_key(&mut self, key: KeyEvent) -> bool;
    fn paste(&mut self, text: &str) -> bool;
    /// A left click at a screen position; returns whether it selected something.
    fn click(&mut self, x: u16, y: u16) -> bool;
    fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme);
    /// Re-reads the tab's data from the store.
    fn refresh(&mut self, store: &Store) -> Result<()>;
    fn set_today(&mut self, _today: NaiveDate) {}
    /// Shows the record `reference`, switching section or clearing a filter if need be;
    /// false when the tab cannot (the user is typing, or there is no such record).
    fn reveal(&mut self, reference: &str) -> bool;
    /// The open editor's record key and changed text, for autosave; `None` when no editor
    /// that keeps drafts is open.
    fn open_draft(&self) -> Option<OpenDraft> {
        None
    }
    /// Opens the editor of `record` with its drafts filled in; false when this tab cannot.
    fn restore_draft(
        &mut self,
        _record: &str,
        _fields: &[(String, String)],
        _store: &Store,
    ) -> bool {
        false
    }
}

/// Implements [`TabView`] for a tab whose inherent methods have the same names, wrapping its
/// own questions in [`Question`].
macro_rules! tab_view {
    ($tab:ty, $question:ident) => {
        tab_view!(@impl $tab, $question, {});
    };
    // A tab whose editors keep drafts of unsaved text.
    ($tab:ty, $question:ident, drafts) => {
        tab_view!(@impl $tab, $question, {
            fn open_draft(&self) -> Option<OpenDraft> {
                <$tab>::open_draft(self)
            }
            fn restore_draft(
                &mut self,
                record: &str,
                fields: &[(String, String)],
                store: &Store,
            ) -> bool {
                <$tab>::restore_draft(self, record, fields, store)
            }
        });
    };
    (@impl $tab:ty, $question:ident, { $($drafts:tt)* }) => {
        impl TabView for $tab {
            $($drafts)*
            fn contexts(&self) -> Vec<Context> {
                <$tab>::contexts(self)
            }
            fn is_typing(&self) -> bool {
                <$tab>::is_typing(self)
            }
            fn has_unsaved_changes(&self) -> bool {
                <$tab>::has_unsaved_changes(self)
            }
            fn perform(&mut self, action: Action, store: &mut Store) -> Outcome<Question> {
                <$tab>::perform(self, action, store).map(Question::$question)
            }
            fn confirmed(&mut self, question: Question, store: &mut Store) -> Outcome<Question> {
                match question {
                    Question::$question(asked) => {
                        <$tab>::confirmed(self, asked, store).map(Question::$question)
                    }
                    _ => Outcome::Ignored,
                }
            }
            fn type_key(&mut self, key: KeyEvent) -> bool {
                <$tab>::type_key(self, key)
            }
            fn paste(&mut self, text: &str) -> bool {
                <$tab>::paste(self, text)
            }
            fn click(&mut self, x: u16, y: u16) -> bool {
                <$tab>::click(self, x, y)
            }
            fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
                <$tab>::render(self, area, buf, theme)
            }
            fn refresh(&mut self, store: &Store) -> Result<()> {
                <$tab>::refresh(self, store)
            }
            fn set_today(&mut self, today: NaiveDate) {
                <$tab>::set_today(self, today)
            }
            fn reveal(&mut self, reference: &str) -> bool {
                <$tab>::reveal(self, reference)
            }
        }
    };
}

tab_view!(overview::OverviewTab, Overview, drafts);
tab_view!(scope::ScopeTab, Scope, drafts);
tab_view!(risks::RisksTab, Risks, drafts);
tab_view!(soa::SoaTab, Soa, drafts);
tab_view!(evidence::EvidenceTab, Evidence, drafts);
tab_view!(audit::AuditTab, Audit, drafts);
tab_view!(review::ReviewTab, Review, drafts);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Scope,
    Risks,
    Soa,
    Evidence,
    Audit,
    Review,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Scope,
        Tab::Risks,
        Tab::Soa,
        Tab::Evidence,
        Tab::Audit,
        Tab::Review,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Scope => "Scope",
            Tab::Risks => "Risks",
            Tab::Soa => "SoA",
            Tab::Evidence => "Evidence",
            Tab::Audit => "Audit",
            Tab::Review => "Review",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn by_index(index: usize) -> Option<Tab> {
        Tab::ALL.get(index).copied()
    }

    /// Accepts a tab's title or number, in any case (for `isms snapshot --tab`).
    pub fn parse(name: &str) -> Option<Tab> {
        let name = name.trim().to_ascii_lowercase();
        Tab::ALL.into_iter().find(|tab| {
            tab.title().to_ascii_lowercase() == name || (tab.index() + 1).to_string() == name
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_parse_by_name_or_number() {
        assert_eq!(Tab::parse("scope"), Some(Tab::Scope));
        assert_eq!(Tab::parse("SoA"), Some(Tab::Soa));
        assert_eq!(Tab::parse("7"), Some(Tab::Review));
        assert_eq!(Tab::parse("nope"), None);
    }
}
