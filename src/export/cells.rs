//! Cell text for spreadsheets (CSV and XLSX alike): lists joined the same way everywhere, and
//! text that a spreadsheet would run as a formula neutralised.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula (or hide what follows),
/// after OWASP's "CSV injection" guidance.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text of a cell as it is safe to open in a spreadsheet: text that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a single quote in front, so that it is shown as the
/// text it is and never run as a formula. Every CSV and XLSX cell goes through this.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A list in one cell: the items joined by ", ".
pub fn list(items: &[String]) -> String {
    items.join(", ")
}

/// An ISO/IEC 27002 attribute list in words: `Governance_and_Ecosystem;Protection` is stored as
/// a list and reads "Governance and Ecosystem, Protection".
pub fn attributes(values: &[String]) -> String {
    values
        .iter()
        .map(|value| value.replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_in_front() {
        for text in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=cmd|' /C calc'!A0",
        ] {
            assert_eq!(neutralise(text), format!("'{text}"), "{text:?}");
        }
    }

    #[test]
    fn other_text_is_left_alone() {
        for text in [
            "",
            "Yes",
            "2026-11-28",
            "R-001, R-002",
            " =not at the start",
            "a=b",
            "'quoted already",
        ] {
            assert!(
                matches!(neutralise(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn lists_and_attributes_read_as_words() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["R-001".into(), "R-004".into()]), "R-001, R-004");
        assert_eq!(
            attributes(&["Governance_and_Ecosystem".into(), "Protection".into()]),
            "Governance and Ecosystem, Protection"
        );
    }
}
