//! Calendar dates as the user types them: ISO `2026-11-28`, validated, never guessed.

use chrono::NaiveDate;

pub type Date = NaiveDate;

/// Reads an optional ISO date. Empty text is "no date"; anything else must be a real
/// calendar date written `YYYY-MM-DD`.
pub fn parse_optional(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse(text).map(Some)
}

/// Reads a required ISO date.
pub fn parse(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let refused = || format!("\"{text}\" is not a date like 2026-11-28");
    // Read by hand rather than through a format string: every stored date is read this way,
    // tens of thousands of them when a large register opens.
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(refused());
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    match (number(0..4), number(5..7), number(8..10)) {
        (Some(year), Some(month), Some(day)) => {
            NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(refused)
        }
        _ => Err(refused()),
    }
}

/// The ISO form of an optional date; no date is empty text.
pub fn format_optional(date: Option<Date>) -> String {
    // A date's own display is the ISO form, without parsing a format string each time.
    date.map(|d| d.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn iso_dates_are_read_and_others_refused() {
        assert_eq!(parse_optional("").unwrap(), None);
        assert_eq!(
            parse_optional(" 2026-02-28 ").unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert!(parse_optional("2026-02-30").is_err());
        assert!(parse_optional("28/02/2026").is_err());
        assert!(parse_optional("2026-2-8").is_err());
        assert!(parse("").is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_either_a_date_that_round_trips_or_an_error(text in "\\PC{0,14}") {
            if let Ok(Some(date)) = parse_optional(&text) {
                prop_assert_eq!(format_optional(Some(date)), text.trim());
            }
        }

        #[test]
        fn the_hand_reader_agrees_with_chrono_on_date_shaped_text(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
            let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
            prop_assert_eq!(parse(&text).ok(), chrono);
        }

        #[test]
        fn every_real_date_round_trips(days in 0i64..100_000) {
            let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assert_eq!(parse(&format_optional(Some(date))).unwrap(), date);
        }
    }
}
