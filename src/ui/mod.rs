//! The terminal user interface (ratatui): the app, its tabs, components, keymap and theme.

pub mod app;
pub mod components;
pub mod drafts;
pub mod field_labels;
pub mod keymap;
pub mod presentation;
pub mod run;
pub mod safe_text;
pub mod snapshot;
pub mod tabs;
pub mod theme;

pub use app::App;
pub use tabs::Tab;
pub use theme::{Theme, ThemeName};
