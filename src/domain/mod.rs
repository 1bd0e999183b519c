//! Plain types and rules of the ISMS: no I/O, no terminal, no database.
//! Everything here can be tested on its own.

#[macro_use]
mod choice;
pub mod asset;
pub mod audit;
pub mod catalogue;
pub mod certification;
pub mod changelog;
pub mod check;
pub mod confidential;
pub mod dates;
pub mod document;
pub mod method;
pub mod readiness;
pub mod register;
pub mod replay;
pub mod review;
pub mod risk;
pub mod scope;
pub mod soa;
pub mod status;
pub mod validation;
pub mod words;
pub mod workspace;

pub use validation::FieldError;
