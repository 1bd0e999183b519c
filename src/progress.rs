//! How far a long piece of work has got (writing the large workspace, exporting or importing
//! it). The work reports through this trait; the command line draws it as a bar on a terminal,
//! and everything else passes [`Silent`].

/// A receiver of progress reports. Methods take `&self` so that one reporter can be shared by
/// the steps of a piece of work.
pub trait Progress {
    /// A new stage begins: `what` in a few words, `total` steps in it.
    fn stage(&self, what: &str, total: u64);
    /// `steps` more steps of the current stage are done.
    fn advance(&self, steps: u64);
    /// The current stage turns out `steps` longer than its total said: for work whose size
    /// shows only as it is done (the rows of a file read as it streams in).
    fn extend(&self, _steps: u64) {}
}

/// Reports nowhere: tests, the workbench, and output that is not a terminal.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _what: &str, _total: u64) {}
    fn advance(&self, _steps: u64) {}
}
