//! The terminal session: raw mode, the alternate screen and mouse capture on the way in,
//! all of it undone on every way out (quit, error, panic), and the event loop between.

use std::io::{self, Stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::Terminal;

use super::App;

/// Whether the terminal is in the workbench's mode and needs restoring.
static TERMINAL_TAKEN: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back as it was. Only the first call after [`enter`] does anything, so
/// the panic hook's restore is not repeated after its crash note by the guard's.
fn restore_terminal() {
    if !TERMINAL_TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped, so that an early return cannot leave it raw.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// On a panic: restore the terminal first, then print a short note instead of a backtrace.
fn install_panic_hook(workspace: PathBuf) {
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        let location = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        // The panic's message is left out on purpose: it can quote the text being handled
        // (a slice of a record's field, say), and record contents are never printed or logged.
        // Where it happened is enough for a bug report.
        eprintln!(
            "isms: the workbench stopped because of an internal error{location}. Everything saved before it is safe in {}.",
            super::safe_text::printable(&workspace.display().to_string())
        );
    }));
}

fn enter() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    TERMINAL_TAKEN.store(true, Ordering::SeqCst);
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    Ok(Terminal::new(CrosstermBackend::new(io::stdout()))?)
}

/// Runs the workbench until the user quits.
pub fn run(mut app: App) -> Result<()> {
    install_panic_hook(app.store().path().to_path_buf());
    let _guard = TerminalGuard;
    let mut terminal = enter()?;
    app.offer_drafts();
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|frame| app.render(frame.area(), frame.buffer_mut()))?;
        }
        // Debug builds only: lets the end-to-end tests prove that a panic restores the
        // terminal and prints a short note instead of a backtrace.
        if cfg!(debug_assertions) && std::env::var_os("ISMS_TEST_PANIC").is_some() {
            panic!("test panic requested by ISMS_TEST_PANIC");
        }
        // Waits until something happens: no work, and no redraw, while the user is idle; the
        // autosave timer, when running, wakes the loop up to keep the unsaved text as drafts.
        let wait = app
            .next_tick_in(Instant::now())
            .unwrap_or(Duration::from_secs(3600));
        dirty = false;
        if event::poll(wait)? {
            let event = event::read()?;
            dirty = app.handle_event(&event);
        }
        dirty |= app.tick(Instant::now());
        if app.should_quit() {
            return Ok(());
        }
    }
}
