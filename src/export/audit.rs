//! What the internal audit documents (`05-internal-audit/`) say about an audit, worked out in
//! one place for the programme and the reports: where the files go, the scope in short, the
//! dates and the independence warnings. Plain text: the documents escape it.

use crate::domain::audit::{self, Audit};
use crate::domain::dates::{self, Date};
use crate::store::AuditData;

pub const FOLDER: &str = "05-internal-audit";
pub const PROGRAMME: &str = "05-internal-audit/audit-programme.md";
pub const NONCONFORMITIES: &str = "05-internal-audit/nonconformities.csv";
/// The pattern of the per-audit reports' paths; see [`report_path`].
pub const REPORTS: &str = "05-internal-audit/<IA-ref>-report.md";

/// An audit's reference as part of a file name: only ASCII letters, digits, `-`, `_` and `.`
/// are kept, so that a reference can never name another folder; nothing left reads "audit".
pub fn file_name_part(reference: &str) -> String {
    let kept: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if kept.is_empty() {
        "audit".to_string()
    } else {
        kept
    }
}

/// `05-internal-audit/IA-2026-01-report.md`
pub fn report_path(reference: &str) -> String {
    format!("{FOLDER}/{}-report.md", file_name_part(reference))
}

/// "2026-08-24 to 2026-09-06", "from 2026-08-24", "until 2026-09-06"; `None` without dates.
pub fn period(start: Option<Date>, end: Option<Date>) -> Option<String> {
    let day = |date| dates::format_optional(Some(date));
    match (start, end) {
        (Some(start), Some(end)) if start == end => Some(day(start)),
        (Some(start), Some(end)) => Some(format!("{} to {}", day(start), day(end))),
        (Some(start), None) => Some(format!("from {}", day(start))),
        (None, Some(end)) => Some(format!("until {}", day(end))),
        (None, None) => None,
    }
}

/// `wanted` in the order of `order`; ids that `order` does not know follow, as stored.
fn in_order<'a>(wanted: &'a [String], order: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut sorted: Vec<&str> = order
        .filter(|id| wanted.contains(id))
        .map(String::as_str)
        .collect();
    for id in wanted {
        if !sorted.contains(&id.as_str()) {
            sorted.push(id);
        }
    }
    sorted
}

/// The clauses in scope, compactly: "all 34 clauses, 4.1 to 10.2", or the ids in catalogue
/// order ("6.1.2, 6.1.3, 8.1"), or "none".
pub fn clauses_in_scope(audit: &Audit, data: &AuditData) -> String {
    let ids = in_order(&audit.clauses, data.clauses.iter().map(|(id, _)| id));
    let every = !data.clauses.is_empty()
        && ids.len() == data.clauses.len()
        && data
            .clauses
            .iter()
            .all(|(id, _)| ids.contains(&id.as_str()));
    if ids.is_empty() {
        "none".to_string()
    } else if every {
        let (first, last) = (&data.clauses[0].0, &data.clauses[data.clauses.len() - 1].0);
        format!("all {} clauses, {first} to {last}", ids.len())
    } else {
        ids.join(", ")
    }
}

/// The controls in scope, in Annex A order: "3 controls: A.5.1, A.5.15, A.8.13", or "none";
/// those the SoA does not hold applicable are named as not on the checklist.
pub fn controls_in_scope(audit: &Audit, data: &AuditData) -> String {
    let ids = in_order(&audit.controls, data.controls.iter().map(|(id, _)| id));
    if ids.is_empty() {
        return "none".to_string();
    }
    let label = |id: &&str| format!("A.{id}");
    let count = if ids.len() == 1 {
        "1 control".to_string()
    } else {
        format!("{} controls", ids.len())
    };
    let mut text = format!(
        "{count}: {}",
        ids.iter().map(label).collect::<Vec<_>>().join(", ")
    );
    let inapplicable: Vec<String> = ids
        .iter()
        .filter(|id| !data.applicable.iter().any(|(a, _, _)| a == *id))
        .map(label)
        .collect();
    if !inapplicable.is_empty() {
        text.push_str(&format!(
            " (not applicable in the SoA, so not on the checklist: {})",
            inapplicable.join(", ")
        ));
    }
    text
}

/// Auditors who would audit their own work: an in-scope applicable control or risk they own.
pub fn independence_warnings(audit: &Audit, data: &AuditData) -> Vec<String> {
    let control_owners: Vec<(String, String)> = data
        .applicable
        .iter()
        .map(|(id, _, owner)| (id.clone(), owner.clone()))
        .collect();
    audit::independence_warnings(audit, &control_owners, &data.risk_owners)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> AuditData {
        let ids = |ids: &[&str]| -> Vec<(String, String)> {
            ids.iter()
                .map(|id| (id.to_string(), format!("Title {id}")))
                .collect()
        };
        AuditData {
            clauses: ids(&["4.1", "4.2", "9.2.2", "10.2"]),
            controls: ids(&["5.1", "5.15", "7.4", "8.13"]),
            applicable: vec![
                ("5.1".into(), "Title 5.1".into(), "CISO".into()),
                ("5.15".into(), "Title 5.15".into(), "Dev Okafor".into()),
                ("8.13".into(), "Title 8.13".into(), "Tom".into()),
            ],
            ..AuditData::default()
        }
    }

    fn strings(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(
            report_path("IA-2026-01"),
            "05-internal-audit/IA-2026-01-report.md"
        );
        assert_eq!(file_name_part("../etc/pass wd_1.x"), "..etcpasswd_1.x");
        assert_eq!(file_name_part("IA/2026 01"), "IA202601");
        assert_eq!(file_name_part("/ é"), "audit");
    }

    #[test]
    fn periods_read_as_words() {
        let d = |text| dates::parse(text).ok();
        assert_eq!(
            period(d("2026-08-24"), d("2026-09-06")).unwrap(),
            "2026-08-24 to 2026-09-06"
        );
        assert_eq!(
            period(d("2026-08-24"), d("2026-08-24")).unwrap(),
            "2026-08-24"
        );
        assert_eq!(period(d("2026-08-24"), None).unwrap(), "from 2026-08-24");
        assert_eq!(period(None, d("2026-09-06")).unwrap(), "until 2026-09-06");
        assert_eq!(period(None, None), None);
    }

    #[test]
    fn scopes_are_compact_and_in_catalogue_order() {
        let data = data();
        let mut audit = Audit {
            clauses: strings(&["10.2", "4.1", "4.2", "9.2.2"]),
            controls: strings(&["8.13", "7.4", "5.1"]),
            ..Audit::default()
        };
        assert_eq!(
            clauses_in_scope(&audit, &data),
            "all 4 clauses, 4.1 to 10.2"
        );
        assert_eq!(
            controls_in_scope(&audit, &data),
            "3 controls: A.5.1, A.7.4, A.8.13 (not applicable in the SoA, so not on the \
             checklist: A.7.4)"
        );
        audit.clauses = strings(&["9.2.2", "4.1"]);
        audit.controls = strings(&["5.15"]);
        assert_eq!(clauses_in_scope(&audit, &data), "4.1, 9.2.2");
        assert_eq!(controls_in_scope(&audit, &data), "1 control: A.5.15");
        audit.clauses.clear();
        audit.controls.clear();
        assert_eq!(clauses_in_scope(&audit, &data), "none");
        assert_eq!(controls_in_scope(&audit, &data), "none");
    }

    #[test]
    fn owners_of_applicable_controls_are_warned_about() {
        let audit = Audit {
            lead_auditor: "Ruth".into(),
            auditors: "Dev Okafor (EM)".into(),
            controls: strings(&["5.15"]),
            ..Audit::default()
        };
        assert_eq!(
            independence_warnings(&audit, &data()),
            ["Dev Okafor (EM) owns in-scope control 5.15"]
        );
    }
}
