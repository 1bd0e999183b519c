//! [`TerminalProgress`]: the command line's drawing of [`Progress`] as bars on standard error.
//!
//! Only the command line uses it; the work itself reports through the [`Progress`] trait and
//! knows nothing of terminals. The bars are drawn only when standard error is a terminal:
//! anywhere else (a pipe, a file, a CI log) the draw target is hidden, so not one escape code
//! or bar character is written there. There is no ticker thread: a bar is redrawn when the
//! work reports a step, which indicatif limits to a few times a second.

use std::cell::RefCell;
use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use crate::progress::Progress;

/// The look of a bar: the command, the bar, the count and what is counted. The message takes
/// the rest of the line and is cut to the terminal's width, so a bar never wraps.
const TEMPLATE: &str = "{prefix:7} {bar:24} {pos:>5}/{len:<5} {wide_msg}";

/// Progress as bars on standard error, one line per stage: a finished stage's bar stays
/// visible as one completed line, so the user sees what was done.
pub struct TerminalProgress {
    /// The command the bars belong to (`export`, `import`), shown at the start of each line.
    prefix: String,
    /// Whether to draw at all: standard error is a terminal.
    visible: bool,
    /// The bar of the stage under way; `&self` methods, so it is behind a `RefCell`.
    current: RefCell<Option<ProgressBar>>,
}

impl TerminalProgress {
    /// Bars for the command `prefix`, drawn only when standard error is a terminal.
    pub fn new(prefix: &str) -> TerminalProgress {
        TerminalProgress::with_visibility(prefix, std::io::stderr().is_terminal())
    }

    /// Bars that are drawn to standard error when `visible`, and nowhere otherwise.
    fn with_visibility(prefix: &str, visible: bool) -> TerminalProgress {
        TerminalProgress {
            prefix: prefix.to_string(),
            visible,
            current: RefCell::new(None),
        }
    }

    /// Leaves the current stage's bar as it stands, as a line of its own. Called before
    /// anything else is printed, so that no live bar is drawn over the command's output.
    pub fn finish(&self) {
        if let Some(bar) = self.current.borrow_mut().take() {
            // Abandon, not finish: a stage cut short by an error keeps its honest count.
            bar.abandon();
        }
    }

    fn target(&self) -> ProgressDrawTarget {
        if self.visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        }
    }
}

/// The bars' style; the template is a constant, but a style that does not parse falls back
/// to indicatif's plain bar rather than panicking.
fn style() -> ProgressStyle {
    ProgressStyle::with_template(TEMPLATE)
        .map(|style| style.progress_chars("█▓░"))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Progress for TerminalProgress {
    fn stage(&self, what: &str, total: u64) {
        self.finish();
        let bar = ProgressBar::with_draw_target(Some(total), self.target())
            .with_style(style())
            .with_prefix(self.prefix.clone())
            .with_message(crate::ui::safe_text::printable(what).into_owned())
            .with_finish(ProgressFinish::Abandon);
        bar.tick();
        *self.current.borrow_mut() = Some(bar);
    }

    fn advance(&self, steps: u64) {
        if let Some(bar) = self.current.borrow().as_ref() {
            bar.inc(steps);
        }
    }

    fn extend(&self, steps: u64) {
        if let Some(bar) = self.current.borrow().as_ref() {
            bar.inc_length(steps);
        }
    }
}

impl Drop for TerminalProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses() {
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
    }

    #[test]
    fn a_hidden_reporter_counts_without_drawing() {
        let progress = TerminalProgress::with_visibility("export", false);
        progress.advance(1); // before any stage: nothing to advance, and no panic
        progress.stage("files written", 3);
        progress.advance(2);
        let position = progress
            .current
            .borrow()
            .as_ref()
            .map(ProgressBar::position);
        assert_eq!(position, Some(2));
        assert!(progress
            .current
            .borrow()
            .as_ref()
            .is_some_and(ProgressBar::is_hidden));
        progress.finish();
        assert!(progress.current.borrow().is_none());
    }
}
