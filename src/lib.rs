//! ISMS Workbench: a terminal workbench for an ISO/IEC 27001:2022 ISMS.
//!
//! Layers, each depending only on those below it:
//! `cli` -> `ui` -> `demo` -> `store` -> `domain`.

pub mod cli;
pub mod demo;
pub mod demo_large;
pub mod domain;
pub mod export;
pub mod import;
/// Who the change log names (used by `cli` only).
pub mod login;
/// Freed memory handed back to the system, through a hook the binary installs.
pub mod memory;
pub mod progress;
/// The command line's progress bars (used by `cli` only).
pub mod progress_bar;
pub mod store;
pub mod today;
pub mod ui;
