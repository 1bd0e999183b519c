//! The seven tabs, in the order of the certification journey.

pub mod risks;
pub mod scope;

/// What a tab asks of the app after handling an action; `P` is the tab's own kind of
/// question whose "yes" the tab carries out.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<P> {
    Ignored,
    Done,
    /// Tell the user something in the status bar.
    Status(String),
    Error(String),
    Ask(String, P),
    ShowHistory(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Scope,
    Risks,
    Soa,
    Evidence,
    Audit,
    Review,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Scope,
        Tab::Risks,
        Tab::Soa,
        Tab::Evidence,
        Tab::Audit,
        Tab::Review,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Scope => "Scope",
            Tab::Risks => "Risks",
            Tab::Soa => "SoA",
            Tab::Evidence => "Evidence",
            Tab::Audit => "Audit",
            Tab::Review => "Review",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn by_index(index: usize) -> Option<Tab> {
        Tab::ALL.get(index).copied()
    }

    /// Accepts a tab's title or number, in any case (for `isms snapshot --tab`).
    pub fn parse(name: &str) -> Option<Tab> {
        let name = name.trim().to_ascii_lowercase();
        Tab::ALL.into_iter().find(|tab| {
            tab.title().to_ascii_lowercase() == name || (tab.index() + 1).to_string() == name
        })
    }

    /// What a tab will hold, for the tabs whose screens are not built yet.
    pub fn pending_summary(self) -> Option<&'static str> {
        match self {
            Tab::Overview => Some("Overview: readiness for Stage 1 and Stage 2, the milestone timeline and the open findings will show here."),
            Tab::Scope => None,
            Tab::Risks => Some("Risks (6.1.2, 6.1.3, 8.2, 8.3): the risk method, asset and risk registers, heat map, treatment plan and owner acceptance will live here."),
            Tab::Soa => Some("SoA (6.1.3 d): applicability, reasons and implementation status of the 93 Annex A controls, with approved versions, will live here."),
            Tab::Evidence => Some("Evidence (7.5, 9.1): the register of documented information and evidence, with the required documents pre-listed, will live here."),
            Tab::Audit => Some("Audit (9.2, 10.2): the audit programme, checklists, findings, nonconformities and corrective actions will live here."),
            Tab::Review => Some("Review (9.3, 6.2): management reviews with compiled inputs, decisions and actions, and security objectives will live here."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_parse_by_name_or_number() {
        assert_eq!(Tab::parse("scope"), Some(Tab::Scope));
        assert_eq!(Tab::parse("SoA"), Some(Tab::Soa));
        assert_eq!(Tab::parse("7"), Some(Tab::Review));
        assert_eq!(Tab::parse("nope"), None);
    }
}
