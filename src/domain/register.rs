//! Views over the risk register, as pure functions: filtering, sorting, the heat map and the
//! treatment plan. The UI computes them when data or filters change, never per frame.

use std::cmp::Ordering;

use super::dates::Date;
use super::method::RiskMethod;
use super::risk::{Risk, RiskStatus};

/// Which risks the register shows. Every set part must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFilter {
    /// Matched, case-insensitively, against title, threat, vulnerability, owner and the
    /// linked assets' references and names.
    pub text: String,
    /// A band index of the method.
    pub level: Option<usize>,
    pub status: Option<RiskStatus>,
    pub owner: Option<String>,
    /// One heat-map cell: (likelihood, impact, residual?).
    pub cell: Option<(u8, u8, bool)>,
}

impl RiskFilter {
    pub fn is_empty(&self) -> bool {
        *self == RiskFilter::default()
    }

    /// `asset_names` gives the name of an asset reference, for text matching.
    pub fn matches(
        &self,
        risk: &Risk,
        method: &RiskMethod,
        asset_names: &dyn Fn(&str) -> Option<String>,
    ) -> bool {
        self.matches_fields(risk, method) && self.matches_text(&search_text(risk, asset_names))
    }

    /// Every part of the filter but the text.
    pub fn matches_fields(&self, risk: &Risk, method: &RiskMethod) -> bool {
        if let Some(level) = self.level {
            if method.band(risk.score()).map(|(index, _)| index) != Some(level) {
                return false;
            }
        }
        if self.status.is_some_and(|status| status != risk.status) {
            return false;
        }
        if let Some(owner) = &self.owner {
            if risk.owner.trim() != owner.trim() {
                return false;
            }
        }
        if let Some(cell) = self.cell {
            if heat_map_position(risk, cell.2) != (cell.0, cell.1) {
                return false;
            }
        }
        true
    }

    /// The text part, against a risk's [`search_text`].
    pub fn matches_text(&self, search_text: &str) -> bool {
        let needle = self.text.trim().to_lowercase();
        needle.is_empty() || search_text.contains(&needle)
    }
}

/// What the text filter searches in a risk, lower-cased once: title, threat, vulnerability,
/// owner and the linked assets' references and names, separated so that no match spans two.
pub fn search_text(risk: &Risk, asset_names: &dyn Fn(&str) -> Option<String>) -> String {
    search_text_of(risk, asset_names, true)
}

/// The search text without the vulnerability, which is confidential by default: what the
/// filter searches while presenting, so that the rows that match a typed word do not reveal
/// hidden text to the audience.
pub fn public_search_text(risk: &Risk, asset_names: &dyn Fn(&str) -> Option<String>) -> String {
    search_text_of(risk, asset_names, false)
}

fn search_text_of(
    risk: &Risk,
    asset_names: &dyn Fn(&str) -> Option<String>,
    with_vulnerability: bool,
) -> String {
    // Built in one string (this runs for every risk when the register loads): the fields
    // joined by a separator no one types, so a search never matches across two fields.
    let mut text = String::with_capacity(160);
    let mut first = true;
    let mut push = |part: &str| {
        if !std::mem::take(&mut first) {
            text.push('\u{1f}');
        }
        text.push_str(part);
    };
    push(&risk.title);
    push(&risk.threat);
    if with_vulnerability {
        push(&risk.vulnerability);
    }
    push(&risk.owner);
    for reference in &risk.assets {
        push(reference);
        if let Some(name) = asset_names(reference) {
            push(&name);
        }
    }
    if text.is_ascii() {
        text.make_ascii_lowercase();
        text
    } else {
        text.to_lowercase()
    }
}

/// The register's sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Reference,
    Title,
    Owner,
    Inherent,
    Residual,
    Treatment,
    Status,
    Due,
}

impl SortColumn {
    pub const ALL: [SortColumn; 8] = [
        SortColumn::Reference,
        SortColumn::Title,
        SortColumn::Owner,
        SortColumn::Inherent,
        SortColumn::Residual,
        SortColumn::Treatment,
        SortColumn::Status,
        SortColumn::Due,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortColumn::Reference => "ref",
            SortColumn::Title => "title",
            SortColumn::Owner => "owner",
            SortColumn::Inherent => "inherent score",
            SortColumn::Residual => "residual score",
            SortColumn::Treatment => "treatment",
            SortColumn::Status => "status",
            SortColumn::Due => "due date",
        }
    }

    pub fn next(self) -> SortColumn {
        let index = SortColumn::ALL.iter().position(|c| *c == self).unwrap_or(0);
        SortColumn::ALL[(index + 1) % SortColumn::ALL.len()]
    }
}

/// Orders two risks (with their references) by a column; ties fall back to the reference.
pub fn compare(column: SortColumn, a: (&str, &Risk), b: (&str, &Risk)) -> Ordering {
    let (ref_a, a) = a;
    let (ref_b, b) = b;
    let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
    let primary = match column {
        SortColumn::Reference => Ordering::Equal,
        SortColumn::Title => text(&a.title, &b.title),
        SortColumn::Owner => text(&a.owner, &b.owner),
        SortColumn::Inherent => a.score().cmp(&b.score()),
        SortColumn::Residual => a
            .residual_position_score()
            .cmp(&b.residual_position_score()),
        SortColumn::Treatment => a
            .treatment
            .map(|t| t.key())
            .cmp(&b.treatment.map(|t| t.key())),
        SortColumn::Status => status_rank(a.status).cmp(&status_rank(b.status)),
        // Risks without a due date go last.
        SortColumn::Due => match (a.due_date, b.due_date) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    };
    primary.then_with(|| reference_number(ref_a).cmp(&reference_number(ref_b)))
}

fn status_rank(status: RiskStatus) -> usize {
    RiskStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0)
}

/// `R-012` -> 12, so that R-1000 sorts after R-999.
fn reference_number(reference: &str) -> u64 {
    reference
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// Where a risk sits on the heat map: its [`Risk::residual_position`] when asked for and
/// known (a retained risk stays where it is), inherent otherwise.
pub fn heat_map_position(risk: &Risk, residual: bool) -> (u8, u8) {
    match risk.residual_position() {
        Some(position) if residual => position,
        _ => (risk.likelihood, risk.impact),
    }
}

/// Counts per cell: `counts[likelihood - 1][impact - 1]`. Risks off the matrix are left out,
/// and so, on the residual map, are risks whose residual position is not known yet (retained
/// risks are always on it).
pub fn heat_map<'a>(
    risks: impl IntoIterator<Item = &'a Risk>,
    size: u8,
    residual: bool,
) -> Vec<Vec<usize>> {
    let size = usize::from(size);
    let mut counts = vec![vec![0; size]; size];
    for risk in risks {
        if residual && risk.residual_position().is_none() {
            continue;
        }
        let (likelihood, impact) = heat_map_position(risk, residual);
        let (l, i) = (usize::from(likelihood), usize::from(impact));
        if (1..=size).contains(&l) && (1..=size).contains(&i) {
            counts[l - 1][i - 1] += 1;
        }
    }
    counts
}

/// How the treatment plan groups its risks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanGrouping {
    Owner,
    DueDate,
}

/// The treatment plan: the risks that need treatment, grouped, each group in due-date order.
/// Items are indices into `risks`.
pub fn treatment_plan(
    risks: &[(&str, &Risk)],
    method: &RiskMethod,
    today: Date,
    grouping: PlanGrouping,
) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut open: Vec<usize> = (0..risks.len())
        .filter(|i| risks[*i].1.needs_treatment(method))
        .collect();
    open.sort_by(|a, b| compare(SortColumn::Due, risks[*a], risks[*b]));
    for index in open {
        let risk = risks[index].1;
        let group = match grouping {
            PlanGrouping::Owner if risk.owner.trim().is_empty() => "(no owner)".to_string(),
            PlanGrouping::Owner => risk.owner.trim().to_string(),
            PlanGrouping::DueDate => match risk.due_date {
                None => "No due date".to_string(),
                Some(_) if risk.is_overdue(today) => "Overdue".to_string(),
                Some(due) if (due - today).num_days() <= 30 => "Due within 30 days".to_string(),
                Some(_) => "Due later".to_string(),
            },
        };
        match groups.iter_mut().find(|(name, _)| *name == group) {
            Some((_, items)) => items.push(index),
            None => groups.push((group, vec![index])),
        }
    }
    match grouping {
        PlanGrouping::Owner => groups.sort_by_key(|group| group.0.to_lowercase()),
        PlanGrouping::DueDate => {
            let rank = |name: &str| {
                ["Overdue", "Due within 30 days", "Due later", "No due date"]
                    .iter()
                    .position(|n| *n == name)
            };
            groups.sort_by_key(|(name, _)| rank(name));
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse;
    use crate::domain::risk::Treatment;
    use proptest::prelude::*;

    fn risk(title: &str, likelihood: u8, impact: u8) -> Risk {
        Risk {
            title: title.into(),
            owner: "Alex".into(),
            likelihood,
            impact,
            status: RiskStatus::Assessed,
            ..Risk::default()
        }
    }

    #[test]
    fn text_filter_looks_at_assets_too() {
        let method = RiskMethod::standard(5);
        let mut r = risk("Phishing", 3, 3);
        r.assets = vec!["A-001".into()];
        let names = |reference: &str| (reference == "A-001").then(|| "Customer ledger".to_string());
        let filter = |text: &str| RiskFilter {
            text: text.into(),
            ..RiskFilter::default()
        };
        assert!(filter("phish").matches(&r, &method, &names));
        assert!(filter("LEDGER").matches(&r, &method, &names));
        assert!(filter("a-001").matches(&r, &method, &names));
        assert!(!filter("payroll").matches(&r, &method, &names));
    }

    #[test]
    fn level_status_owner_and_cell_filters() {
        let method = RiskMethod::standard(5);
        let r = Risk {
            residual_likelihood: Some(1),
            residual_impact: Some(2),
            ..risk("Outage", 4, 5)
        };
        let none = |_: &str| None;
        let critical = method.band(20).unwrap().0;
        assert!(RiskFilter {
            level: Some(critical),
            ..Default::default()
        }
        .matches(&r, &method, &none));
        assert!(!RiskFilter {
            level: Some(0),
            ..Default::default()
        }
        .matches(&r, &method, &none));
        assert!(!RiskFilter {
            status: Some(RiskStatus::Closed),
            ..Default::default()
        }
        .matches(&r, &method, &none));
        assert!(RiskFilter {
            owner: Some("Alex".into()),
            ..Default::default()
        }
        .matches(&r, &method, &none));
        assert!(RiskFilter {
            cell: Some((4, 5, false)),
            ..Default::default()
        }
        .matches(&r, &method, &none));
        assert!(RiskFilter {
            cell: Some((1, 2, true)),
            ..Default::default()
        }
        .matches(&r, &method, &none));
        assert!(!RiskFilter {
            cell: Some((4, 5, true)),
            ..Default::default()
        }
        .matches(&r, &method, &none));
    }

    #[test]
    fn sorting_by_score_then_reference() {
        let a = risk("a", 5, 5);
        let b = risk("b", 1, 1);
        let c = risk("c", 1, 1);
        let mut rows = [("R-010", &a), ("R-2", &b), ("R-1", &c)];
        rows.sort_by(|x, y| compare(SortColumn::Inherent, *x, *y));
        let order: Vec<&str> = rows.iter().map(|r| r.0).collect();
        assert_eq!(order, ["R-1", "R-2", "R-010"]);
    }

    #[test]
    fn plan_groups_by_owner_and_due_date() {
        let method = RiskMethod::standard(5);
        let today = parse("2026-11-28").unwrap();
        let mut overdue = risk("overdue", 4, 4);
        overdue.treatment = Some(Treatment::Modify);
        overdue.due_date = Some(parse("2026-10-01").unwrap());
        let mut soon = risk("soon", 2, 2);
        soon.treatment = Some(Treatment::Share);
        soon.owner = "Bo".into();
        soon.due_date = Some(parse("2026-12-10").unwrap());
        let low = risk("low, no treatment", 1, 2);
        let rows = vec![("R-001", &overdue), ("R-002", &soon), ("R-003", &low)];
        let by_due = treatment_plan(&rows, &method, today, PlanGrouping::DueDate);
        assert_eq!(
            by_due,
            vec![
                ("Overdue".to_string(), vec![0]),
                ("Due within 30 days".to_string(), vec![1])
            ]
        );
        let by_owner = treatment_plan(&rows, &method, today, PlanGrouping::Owner);
        assert_eq!(
            by_owner,
            vec![("Alex".to_string(), vec![0]), ("Bo".to_string(), vec![1])]
        );
    }

    #[test]
    fn retained_risks_sit_on_the_residual_map() {
        let mut retained = risk("retained, no residual values", 2, 3);
        retained.treatment = Some(Treatment::Retain);
        let unassessed = risk("modify, no residual values yet", 4, 4);
        let counts = heat_map([&retained, &unassessed], 5, true);
        assert_eq!(counts[1][2], 1, "the retained risk stays at L2 x I3");
        assert_eq!(counts.iter().flatten().sum::<usize>(), 1);
        assert!(RiskFilter {
            cell: Some((2, 3, true)),
            ..Default::default()
        }
        .matches(&retained, &RiskMethod::standard(5), &|_| None));
    }

    proptest! {
        /// The heat map counts every risk on the matrix exactly once, for every size.
        #[test]
        fn heat_map_counts_every_risk_once(size in 3u8..=5, values in proptest::collection::vec((1u8..=5, 1u8..=5, proptest::option::of((1u8..=5, 1u8..=5))), 0..60), residual: bool) {
            let risks: Vec<Risk> = values.iter().map(|(l, i, res)| Risk {
                likelihood: *l,
                impact: *i,
                residual_likelihood: res.map(|r| r.0),
                residual_impact: res.map(|r| r.1),
                ..Risk::default()
            }).collect();
            let counts = heat_map(&risks, size, residual);
            let total: usize = counts.iter().flatten().sum();
            let on_matrix = risks.iter().filter(|r| {
                let (l, i) = heat_map_position(r, residual);
                l <= size && i <= size && (!residual || r.residual_position().is_some())
            }).count();
            prop_assert_eq!(total, on_matrix);
            prop_assert_eq!(counts.len(), usize::from(size));
        }
    }
}
