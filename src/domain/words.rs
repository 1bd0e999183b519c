//! Counted nouns in the workbench's sentences: "1 risk", "3 risks", "0 risks".

/// `count` followed by the singular or the plural, as English has it.
pub fn count(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "risk", "risks"), "1 risk");
        assert_eq!(count(0, "risk", "risks"), "0 risks");
        assert_eq!(count(2, "minor NC", "minor NCs"), "2 minor NCs");
    }
}
