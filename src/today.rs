//! The one place that decides what day it is.
//!
//! Overdue marks, expiries, readiness and the dates the demo is written on all hang on "today".
//! It is the machine's local date, unless `ISMS_TODAY=YYYY-MM-DD` fixes it: for reproducible
//! exports and screenshots, and for tests that must pass on any date. Every command reads it
//! here, once, and hands it down; nothing below this reads the clock for a date.

use anyhow::{bail, Result};
use chrono::NaiveDate;

/// The environment variable that fixes "today".
pub const VARIABLE: &str = "ISMS_TODAY";

/// Today: `ISMS_TODAY` when it is set, else the local date.
pub fn today() -> Result<NaiveDate> {
    match std::env::var_os(VARIABLE) {
        None => Ok(chrono::Local::now().date_naive()),
        Some(value) => parse(&value.to_string_lossy()),
    }
}

/// `ISMS_TODAY`'s value as a date, or one sentence saying how to write it.
pub fn parse(value: &str) -> Result<NaiveDate> {
    match crate::domain::dates::parse(value) {
        Ok(date) => Ok(date),
        Err(_) => bail!(
            "{VARIABLE}={}: not a date; write it as YYYY-MM-DD, for example 2026-11-28, or unset it",
            value.escape_debug()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_taken_as_written() {
        assert_eq!(
            parse("2028-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        assert_eq!(
            parse(" 2026-11-28 ").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
        );
    }

    #[test]
    fn anything_else_is_refused_in_one_sentence() {
        for bad in ["", "tomorrow", "2027-02-29", "28/11/2026", "2026-13-01"] {
            let message = parse(bad).unwrap_err().to_string();
            assert!(message.starts_with("ISMS_TODAY="), "{message}");
            assert!(message.contains("YYYY-MM-DD"), "{message}");
        }
    }
}
