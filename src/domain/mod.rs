//! Plain types and rules of the ISMS: no I/O, no terminal, no database.
//! Everything here can be tested on its own.

#[macro_use]
mod choice;
pub mod changelog;
pub mod scope;
pub mod validation;
pub mod workspace;

pub use validation::FieldError;
