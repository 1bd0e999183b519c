//! Clauses 4.1-4.4: the context of the organisation, interested parties and the ISMS scope.

use super::validation::{require, FieldError};

choice_enum! {
    /// Whether an issue arises inside the organisation or outside it (4.1).
    IssueKind {
        Internal => "internal", "Internal";
        External => "external", "External";
    }
}

choice_enum! {
    /// The kinds of boundary a scope item can draw (4.3).
    ScopeItemKind {
        Site => "site", "Site";
        Unit => "unit", "Organisational unit";
        Process => "process", "Process";
        Service => "service", "Service";
        Technology => "technology", "Technology";
        Interface => "interface", "Interface";
        Dependency => "dependency", "Dependency";
    }
}

/// An internal or external issue that bears on the ISMS's intended outcomes (4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextIssue {
    pub kind: IssueKind,
    pub description: String,
    /// How the issue affects the ISMS and what it means for the work.
    pub effect: String,
}

impl ContextIssue {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(
            &mut errors,
            "description",
            &self.description,
            "A description",
        );
        errors
    }
}

/// A party with a stake in information security, and what it needs (4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestedParty {
    pub name: String,
    pub needs: String,
    /// Which of those needs the ISMS takes on, and how.
    pub addressed: String,
}

impl InterestedParty {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(&mut errors, "name", &self.name, "A name");
        errors
    }
}

/// One boundary of the ISMS: something that is inside the scope or deliberately left out (4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeItem {
    pub kind: ScopeItemKind,
    pub name: String,
    pub in_scope: bool,
    /// Why an item is left out; required for every exclusion.
    pub justification: String,
}

impl ScopeItem {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require(&mut errors, "name", &self.name, "A name");
        if !self.in_scope && self.justification.trim().is_empty() {
            errors.push(FieldError::new(
                "justification",
                "An item left out of scope needs a justification.",
            ));
        }
        errors
    }
}

/// Counts shown above the scope items list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeSummary {
    pub in_scope: usize,
    pub excluded: usize,
}

pub fn summarise<'a>(items: impl IntoIterator<Item = &'a ScopeItem>) -> ScopeSummary {
    items
        .into_iter()
        .fold(ScopeSummary::default(), |mut summary, item| {
            if item.in_scope {
                summary.in_scope += 1;
            } else {
                summary.excluded += 1;
            }
            summary
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(in_scope: bool, justification: &str) -> ScopeItem {
        ScopeItem {
            kind: ScopeItemKind::Site,
            name: "Berlin office".into(),
            in_scope,
            justification: justification.into(),
        }
    }

    #[test]
    fn exclusion_needs_a_justification() {
        let errors = item(false, "  ").validate();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "justification");
        assert!(item(false, "Run by a separate legal entity")
            .validate()
            .is_empty());
    }

    #[test]
    fn included_item_needs_no_justification() {
        assert!(item(true, "").validate().is_empty());
    }

    #[test]
    fn names_and_descriptions_are_required() {
        let party = InterestedParty {
            name: " ".into(),
            needs: String::new(),
            addressed: String::new(),
        };
        assert_eq!(party.validate()[0].field, "name");
        let issue = ContextIssue {
            kind: IssueKind::External,
            description: String::new(),
            effect: "x".into(),
        };
        assert_eq!(issue.validate()[0].field, "description");
    }

    #[test]
    fn keys_round_trip() {
        for kind in ScopeItemKind::ALL {
            assert_eq!(ScopeItemKind::from_key(kind.key()), Some(*kind));
        }
        for kind in IssueKind::ALL {
            assert_eq!(IssueKind::from_key(kind.key()), Some(*kind));
        }
        assert_eq!(IssueKind::from_key("other"), None);
    }

    #[test]
    fn summary_counts_exclusions() {
        let items = [item(true, ""), item(false, "why"), item(false, "")];
        let summary = summarise(&items);
        assert_eq!(summary.in_scope, 1);
        assert_eq!(summary.excluded, 2);
    }
}
