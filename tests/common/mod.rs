//! What the UI test files share: a fixed "today", a demo workspace on a temporary file, and a
//! harness that drives the app through its input handler and renders whole screens.
#![allow(dead_code)] // each test file uses the part it needs

use chrono::NaiveDate;
use isms::demo::write_demo_on;
use isms::store::{OpenMode, Store};
use isms::ui::snapshot::render_to_string;
use isms::ui::{App, Theme, ThemeName};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

/// The day every test runs on, so that overdue and expiry marks are stable.
pub fn today() -> NaiveDate {
    isms::domain::dates::parse("2026-11-28").unwrap()
}

/// A workspace on a temporary file, with the demo organisation when `with_demo`.
pub fn workspace(dir: &TempDir, with_demo: bool) -> Store {
    let mut store = Store::open(
        &dir.path().join("w.sqlite3"),
        OpenMode::Create { organisation: None },
    )
    .unwrap();
    store.set_actor("tester");
    store.set_fixed_time("2026-11-28T09:30:00Z");
    if with_demo {
        write_demo_on(&mut store, today()).unwrap();
    }
    store
}

pub fn demo_store(dir: &TempDir) -> Store {
    workspace(dir, true)
}

pub struct Harness {
    pub app: App,
    pub dir: TempDir,
}

impl Harness {
    /// The app on a new workspace (with the demo when `with_demo`), colourless, with a fixed
    /// status-bar path and date, showing the tab whose number is `tab`.
    pub fn new(with_demo: bool, tab: char) -> Self {
        let dir = TempDir::new().unwrap();
        let store = workspace(&dir, with_demo);
        let mut app = App::new(store, Theme::new(ThemeName::Dark, true), today()).unwrap();
        app.set_location_label("/home/lead/workbench.sqlite3");
        app.set_today(today());
        let mut harness = Harness { app, dir };
        harness.key(KeyCode::Char(tab));
        harness
    }

    pub fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app
            .handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    pub fn keys(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    pub fn ctrl(&mut self, c: char) -> &mut Self {
        self.app.handle_event(&Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
        self
    }

    pub fn screen(&mut self, width: u16, height: u16) -> String {
        render_to_string(&mut self.app, width, height)
    }

    pub fn store(&self) -> &Store {
        self.app.store()
    }
}
