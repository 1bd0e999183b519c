//! The ISO/IEC 27001:2022 catalogue: the 93 Annex A controls with their ISO/IEC 27002:2022
//! attributes, and the clauses 4 to 10.2.
//!
//! Only identifiers, short titles and attribute values come from the standard. The one-line
//! `guidance` on each control is the project's own implementation advice, not the standard's text.
//! Both lists are compiled in from `assets/catalogue/` and parsed once on first use.

use std::sync::OnceLock;

use serde::Deserialize;

const CONTROLS_JSON: &str = include_str!("../../assets/catalogue/controls.json");
const CLAUSES_JSON: &str = include_str!("../../assets/catalogue/clauses.json");
const QUESTIONS_JSON: &str = include_str!("../../assets/audit/questions.json");

/// The internal audit's questions, in our own words: one per clause 4.1-10.2 and per control.
#[derive(serde::Deserialize)]
struct Questions {
    clauses: std::collections::HashMap<String, String>,
    controls: std::collections::HashMap<String, String>,
}

fn questions() -> &'static Questions {
    static QUESTIONS: OnceLock<Questions> = OnceLock::new();
    QUESTIONS.get_or_init(|| {
        serde_json::from_str(QUESTIONS_JSON).expect("assets/audit/questions.json is valid")
    })
}

/// The audit question for a clause.
pub fn clause_question(id: &str) -> &'static str {
    questions()
        .clauses
        .get(id)
        .map(String::as_str)
        .unwrap_or("")
}

/// The audit question for an Annex A control.
pub fn control_question(id: &str) -> &'static str {
    questions()
        .controls
        .get(id)
        .map(String::as_str)
        .unwrap_or("")
}

/// The clauses a checklist covers: every clause below chapter level (4.1 ... 10.2).
pub fn auditable_clauses() -> impl Iterator<Item = &'static Clause> {
    clauses().iter().filter(|clause| clause.id.contains('.'))
}

choice_enum! {
    /// The four themes Annex A groups its controls into.
    Theme {
        Organizational => "organizational", "Organizational";
        People => "people", "People";
        Physical => "physical", "Physical";
        Technological => "technological", "Technological";
    }
}

/// The five ISO/IEC 27002:2022 attributes of a control. Values keep the underscore spelling
/// of the reference table (e.g. `Governance_and_Ecosystem`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Attributes {
    pub control_type: Vec<String>,
    pub security_properties: Vec<String>,
    pub cybersecurity_concepts: Vec<String>,
    pub operational_capabilities: Vec<String>,
    pub security_domains: Vec<String>,
}

/// One Annex A control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    /// "5.1" to "8.34".
    pub id: String,
    pub title: String,
    pub theme: Theme,
    pub attributes: Attributes,
    /// One line of the project's own advice on what an auditor expects to see in place.
    pub guidance: String,
}

/// One clause or sub-clause of clauses 4 to 10.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Clause {
    /// "4", "4.1", "9.2.2", ...
    pub id: String,
    pub title: String,
    /// 1 for a top-level clause, 2 for "4.1", 3 for "6.1.2".
    pub level: u8,
    /// The enclosing clause's id; `None` for top-level clauses.
    pub parent: Option<String>,
}

/// A control as stored in the JSON, before its theme is checked.
#[derive(Deserialize)]
struct RawControl {
    id: String,
    title: String,
    theme: String,
    attributes: Attributes,
    guidance: String,
}

/// All 93 Annex A controls, in Annex A order.
pub fn controls() -> &'static [Control] {
    static CONTROLS: OnceLock<Vec<Control>> = OnceLock::new();
    CONTROLS.get_or_init(|| {
        let raw: Vec<RawControl> = serde_json::from_str(CONTROLS_JSON)
            .expect("compiled-in assets/catalogue/controls.json is not valid catalogue JSON");
        raw.into_iter()
            .map(|c| {
                let theme = Theme::ALL
                    .iter()
                    .copied()
                    .find(|t| t.label() == c.theme)
                    .expect("compiled-in assets/catalogue/controls.json has an unknown theme");
                Control {
                    id: c.id,
                    title: c.title,
                    theme,
                    attributes: c.attributes,
                    guidance: c.guidance,
                }
            })
            .collect()
    })
}

/// All 41 clauses and sub-clauses from 4 to 10.2, in document order.
pub fn clauses() -> &'static [Clause] {
    static CLAUSES: OnceLock<Vec<Clause>> = OnceLock::new();
    CLAUSES.get_or_init(|| {
        serde_json::from_str(CLAUSES_JSON)
            .expect("compiled-in assets/catalogue/clauses.json is not valid catalogue JSON")
    })
}

/// The control with this id ("8.24"), if there is one.
pub fn control(id: &str) -> Option<&'static Control> {
    let id = id.trim();
    controls().iter().find(|c| c.id == id)
}

/// Controls whose id starts with the query, or with a title word containing it, ignoring case.
/// An empty query returns every control. Results keep Annex A order.
pub fn search_controls(query: &str) -> Vec<&'static Control> {
    let query = query.trim().to_lowercase();
    controls()
        .iter()
        .filter(|c| {
            query.is_empty()
                || c.id.starts_with(&query)
                || c.title
                    .split_whitespace()
                    .any(|word| word.to_lowercase().contains(&query))
        })
        .collect()
}

/// A key that sorts control ids numerically: "5.10" -> (5, 10), so "5.2" comes before "5.10".
/// A missing minor part counts as 0; a part that is not a number sorts last.
pub fn control_sort_key(id: &str) -> (u32, u32) {
    let mut parts = id.trim().split('.');
    let mut number = |missing: u32| {
        parts
            .next()
            .map_or(missing, |p| p.parse().unwrap_or(u32::MAX))
    };
    let major = number(u32::MAX);
    let minor = number(0);
    (major, minor)
}

/// Sorts clause or control ids in document order: 4.1 < 6.1.2 < 10.1, 5.2 < 5.10.
pub fn sort_ids(ids: &mut [String]) {
    ids.sort_by_key(|id| {
        id.split('.')
            .map(|part| part.parse::<u32>().unwrap_or(u32::MAX))
            .collect::<Vec<_>>()
    });
}

#[cfg(test)]
mod question_tests {
    use super::*;

    #[test]
    fn ids_sort_in_document_order() {
        let mut ids: Vec<String> = ["10.1", "5.10", "6.1.2", "4.1", "5.2", "6.1"]
            .map(String::from)
            .to_vec();
        sort_ids(&mut ids);
        assert_eq!(ids, ["4.1", "5.2", "5.10", "6.1", "6.1.2", "10.1"]);
    }

    #[test]
    fn every_auditable_clause_and_control_has_a_question() {
        assert_eq!(auditable_clauses().count(), 34);
        for clause in auditable_clauses() {
            assert!(!clause_question(&clause.id).is_empty(), "{}", clause.id);
        }
        for control in controls() {
            assert!(!control_question(&control.id).is_empty(), "{}", control.id);
        }
        assert_eq!(
            clause_question("4"),
            "",
            "chapters are not audited on their own"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ids_of(theme: Theme) -> Vec<&'static str> {
        controls()
            .iter()
            .filter(|c| c.theme == theme)
            .map(|c| c.id.as_str())
            .collect()
    }

    fn expected_ids(major: u32, count: u32) -> Vec<String> {
        (1..=count).map(|n| format!("{major}.{n}")).collect()
    }

    #[test]
    fn there_are_93_controls_in_four_themes() {
        assert_eq!(controls().len(), 93);
        for (theme, major, count) in [
            (Theme::Organizational, 5, 37),
            (Theme::People, 6, 8),
            (Theme::Physical, 7, 14),
            (Theme::Technological, 8, 34),
        ] {
            assert_eq!(
                ids_of(theme),
                expected_ids(major, count),
                "{}",
                theme.label()
            );
        }
    }

    #[test]
    fn control_ids_are_unique_and_in_order() {
        let ids: HashSet<&str> = controls().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), controls().len());
        for pair in controls().windows(2) {
            assert!(
                control_sort_key(&pair[0].id) < control_sort_key(&pair[1].id),
                "{} before {}",
                pair[0].id,
                pair[1].id
            );
        }
    }

    #[test]
    fn every_control_has_every_attribute() {
        for c in controls() {
            let a = &c.attributes;
            for (name, values) in [
                ("control_type", &a.control_type),
                ("security_properties", &a.security_properties),
                ("cybersecurity_concepts", &a.cybersecurity_concepts),
                ("operational_capabilities", &a.operational_capabilities),
                ("security_domains", &a.security_domains),
            ] {
                assert!(!values.is_empty(), "{} has no {name}", c.id);
                assert!(
                    values.iter().all(|v| !v.trim().is_empty()),
                    "{} {name}",
                    c.id
                );
            }
        }
    }

    #[test]
    fn every_control_has_a_short_guidance_line_of_its_own() {
        for c in controls() {
            assert!(!c.title.trim().is_empty(), "{} has no title", c.id);
            let g = c.guidance.trim();
            assert!(!g.is_empty(), "{} has no guidance", c.id);
            assert!(g.chars().count() <= 110, "{} guidance is too long", c.id);
            assert!(!g.contains('\n'), "{} guidance is not one line", c.id);
            assert_ne!(g, c.title, "{} guidance repeats the title", c.id);
        }
    }

    #[test]
    fn theme_labels_and_all() {
        assert_eq!(Theme::ALL.len(), 4);
        let labels: Vec<&str> = Theme::ALL.iter().map(|t| t.label()).collect();
        assert_eq!(
            labels,
            ["Organizational", "People", "Physical", "Technological"]
        );
    }

    #[test]
    fn there_are_41_clauses_with_known_parents() {
        assert_eq!(clauses().len(), 41);
        let ids: HashSet<&str> = clauses().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), 41, "clause ids are not unique");
        for c in clauses() {
            match &c.parent {
                None => assert_eq!(c.level, 1, "{} has no parent", c.id),
                Some(parent) => {
                    assert!(ids.contains(parent.as_str()), "{} parent {parent}", c.id);
                    assert!(c.level > 1, "{} is top-level but has a parent", c.id);
                    assert!(c.id.starts_with(&format!("{parent}.")), "{}", c.id);
                }
            }
        }
        assert!(ids.contains("9.2.2"));
        assert!(ids.contains("10.2"));
        let top: Vec<&str> = clauses()
            .iter()
            .filter(|c| c.level == 1)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(top, ["4", "5", "6", "7", "8", "9", "10"]);
    }

    #[test]
    fn control_lookup() {
        assert_eq!(
            control("5.23").map(|c| c.theme),
            Some(Theme::Organizational)
        );
        assert_eq!(
            control(" 8.24 ").map(|c| c.title.as_str()),
            Some("Use of cryptography")
        );
        assert!(control("5.38").is_none());
        assert!(control("").is_none());
    }

    #[test]
    fn sort_key_orders_numerically() {
        assert_eq!(control_sort_key("5.10"), (5, 10));
        assert_eq!(control_sort_key("8.2"), (8, 2));
        assert!(control_sort_key("5.2") < control_sort_key("5.10"));
        assert!(control_sort_key("5.37") < control_sort_key("6.1"));
        assert!(control_sort_key("8.9") < control_sort_key("8.34"));
        assert_eq!(control_sort_key("10"), (10, 0));
        assert_eq!(control_sort_key("x"), (u32::MAX, 0));

        let mut ids = vec!["8.10", "5.10", "5.2", "8.2", "6.1", "5.1"];
        ids.sort_by_key(|id| control_sort_key(id));
        assert_eq!(ids, ["5.1", "5.2", "5.10", "6.1", "8.2", "8.10"]);
    }

    #[test]
    fn search_by_id_prefix() {
        let found: Vec<&str> = search_controls("8.2")
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(found.first(), Some(&"8.2"));
        assert!(found.contains(&"8.24"));
        assert!(found.iter().all(|id| id.starts_with("8.2")));
        assert_eq!(found.len(), 11);
    }

    #[test]
    fn search_by_title_word_ignores_case() {
        let ids =
            |q: &str| -> Vec<&str> { search_controls(q).iter().map(|c| c.id.as_str()).collect() };
        assert!(ids("cloud").contains(&"5.23"));
        assert!(ids("CRYPTO").contains(&"8.24"));
        assert_eq!(ids("no-such-word"), Vec::<&str>::new());
    }

    #[test]
    fn empty_search_returns_everything() {
        assert_eq!(search_controls("").len(), 93);
        assert_eq!(search_controls("   ").len(), 93);
    }
}
