//! Cell parsers shared by the importers. Each takes a trimmed cell and returns the value or the
//! reason, as the error message will read after "row N, column X: ".

use crate::domain::dates::{self, Date};
use crate::domain::method::Level;

/// Compares words the way headers are compared: case, spaces, `_` and `-` do not matter.
pub fn same_word(a: &str, b: &str) -> bool {
    super::headers::normalise(a) == super::headers::normalise(b)
}

/// A choice by its key or label ("treatment_planned", "Treatment planned").
pub fn choice<T: Copy>(
    text: &str,
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Option<T> {
    all.iter()
        .copied()
        .find(|item| same_word(text, key(*item)) || same_word(text, label(*item)))
}

/// "Information, Software, ..." for messages.
pub fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> String {
    all.iter()
        .map(|item| label(*item))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A confidentiality, integrity or availability value: 1-3 or Low/Medium/High; blank is 2.
pub fn cia(text: &str) -> Result<u8, String> {
    if text.is_empty() {
        return Ok(2);
    }
    if let Some(index) = ["low", "medium", "high"]
        .iter()
        .position(|word| text.eq_ignore_ascii_case(word))
    {
        return Ok(index as u8 + 1);
    }
    match text.parse::<i64>() {
        Ok(value @ 1..=3) => Ok(value as u8),
        Ok(_) => Err(format!(
            "{text:?} is outside 1-3 (or write Low, Medium or High)"
        )),
        Err(_) => Err(format!("{text:?} is not 1, 2, 3, Low, Medium or High")),
    }
}

/// Yes or no, in the ways spreadsheets write it; blank is `None`.
pub fn yes_no(text: &str) -> Result<Option<bool>, String> {
    const YES: &[&str] = &["yes", "y", "true", "1", "in", "in scope", "x"];
    const NO: &[&str] = &["no", "n", "false", "0", "out", "out of scope"];
    let lower = text.to_lowercase();
    if text.is_empty() {
        Ok(None)
    } else if YES.contains(&lower.as_str()) {
        Ok(Some(true))
    } else if NO.contains(&lower.as_str()) {
        Ok(Some(false))
    } else {
        Err(format!(
            "{text:?} is not yes or no (also accepted: true/false, in/out, 1/0, y/n)"
        ))
    }
}

/// A likelihood or impact on a method of `size` levels: a number from 1 to `size`, or the
/// level's label ("Likely"); blank is `None`.
pub fn level(text: &str, levels: &[Level], size: u8, what: &str) -> Result<Option<u8>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let numeric = text
        .strip_prefix(['-', '+'])
        .unwrap_or(text)
        .chars()
        .all(|c| c.is_ascii_digit());
    if numeric && text.len() > usize::from(text.starts_with(['-', '+'])) {
        return match text.parse::<i64>() {
            Ok(value) if (1..=i64::from(size)).contains(&value) => Ok(Some(value as u8)),
            _ => Err(format!("{text:?} is outside 1-{size}")),
        };
    }
    if let Some(index) = levels
        .iter()
        .position(|level| same_word(text, &level.label))
    {
        if index < usize::from(size) {
            return Ok(Some(index as u8 + 1));
        }
    }
    let names: Vec<&str> = levels.iter().map(|level| level.label.as_str()).collect();
    Err(format!(
        "{text:?} is not a number from 1 to {size} or one of the {what} levels {}",
        names.join(", ")
    ))
}

/// An ISO date; blank is `None`.
pub fn date(text: &str) -> Result<Option<Date>, String> {
    dates::parse_optional(text)
}

/// A list in one cell: items separated by `;`, `,` or line breaks, trimmed, blanks dropped.
pub fn list(text: &str) -> Vec<&str> {
    text.split([';', ',', '\n', '\r'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::method::RiskMethod;
    use crate::domain::risk::RiskStatus;

    #[test]
    fn cia_values() {
        assert_eq!(cia(""), Ok(2));
        assert_eq!(cia("3"), Ok(3));
        assert_eq!(cia("HIGH"), Ok(3));
        assert_eq!(cia("low"), Ok(1));
        assert_eq!(
            cia("4").unwrap_err(),
            "\"4\" is outside 1-3 (or write Low, Medium or High)"
        );
        assert!(cia("big").unwrap_err().contains("is not 1, 2, 3"));
    }

    #[test]
    fn yes_and_no() {
        for yes in ["Yes", "y", "TRUE", "1", "in", "In scope"] {
            assert_eq!(yes_no(yes), Ok(Some(true)), "{yes}");
        }
        for no in ["No", "n", "false", "0", "OUT", "out of scope"] {
            assert_eq!(yes_no(no), Ok(Some(false)), "{no}");
        }
        assert_eq!(yes_no(""), Ok(None));
        assert!(yes_no("maybe").is_err());
    }

    #[test]
    fn levels_by_number_or_label() {
        let method = RiskMethod::standard(4);
        let l = |text| level(text, &method.likelihood, method.size, "likelihood");
        assert_eq!(l("4"), Ok(Some(4)));
        assert_eq!(l("likely"), Ok(Some(4)));
        assert_eq!(l("Rare"), Ok(Some(1)));
        assert_eq!(l(""), Ok(None));
        assert_eq!(l("5").unwrap_err(), "\"5\" is outside 1-4");
        assert_eq!(l("0").unwrap_err(), "\"0\" is outside 1-4");
        assert_eq!(l("-1").unwrap_err(), "\"-1\" is outside 1-4");
        assert_eq!(
            l("99999999999999999999").unwrap_err(),
            "\"99999999999999999999\" is outside 1-4"
        );
        assert_eq!(
            l("Almost certain").unwrap_err(),
            "\"Almost certain\" is not a number from 1 to 4 or one of the likelihood levels Rare, Unlikely, Possible, Likely"
        );
        assert!(l("-").is_err());
    }

    #[test]
    fn choices_by_key_or_label() {
        let status = |text| choice(text, RiskStatus::ALL, RiskStatus::key, RiskStatus::label);
        assert_eq!(
            status("treatment planned"),
            Some(RiskStatus::TreatmentPlanned)
        );
        assert_eq!(
            status("TREATMENT_PLANNED"),
            Some(RiskStatus::TreatmentPlanned)
        );
        assert_eq!(status("Closed"), Some(RiskStatus::Closed));
        assert_eq!(status("done"), None);
    }

    #[test]
    fn lists_split_on_semicolons_commas_and_lines() {
        assert_eq!(
            list(" A-001; A-002 ,\r\nCRM\n\n"),
            ["A-001", "A-002", "CRM"]
        );
        assert!(list(" ; ").is_empty());
    }
}
