//! The nonconformity register (10.2) as one table: a row per nonconformity, in the order they
//! were raised, with the text of every cell worked out once.

use super::Column;
use crate::domain::audit::Nonconformity;
use crate::domain::dates::{self, Date};
use crate::store::{AuditData, Stored};

/// The columns of the register, in the order every format writes them.
pub const COLUMNS: [Column; 17] = [
    Column::new("Reference", 10.0, false),
    Column::new("Source", 18.0, false),
    Column::new("Audit", 12.0, false),
    Column::new("Checklist item", 18.0, false),
    Column::new("Grade", 8.0, false),
    Column::new("Statement", 50.0, true),
    Column::new("Evidence", 40.0, true),
    Column::new("Correction", 40.0, true),
    Column::new("Root cause", 40.0, true),
    Column::new("Corrective action", 40.0, true),
    Column::new("Owner", 20.0, true),
    Column::new("Due date", 12.0, false),
    Column::new("Status", 18.0, false),
    Column::new("Overdue", 9.0, false),
    Column::new("Checked by", 20.0, true),
    Column::new("Checked on", 12.0, false),
    Column::new("Effectiveness result", 40.0, true),
];

/// The header texts, in column order.
pub fn headers() -> [&'static str; COLUMNS.len()] {
    COLUMNS.map(|c| c.header)
}

/// One nonconformity's cells in the order of [`COLUMNS`], as plain text (not yet made
/// spreadsheet-safe). Overdue is "Yes" when it is not done and its due date is before `today`.
pub fn row(stored: &Stored<Nonconformity>, today: Date) -> [String; COLUMNS.len()] {
    let nc = &stored.value;
    let text = |value: &str| value.trim().to_string();
    [
        stored.reference.clone(),
        nc.source.label().to_string(),
        text(&nc.audit),
        text(&nc.item),
        nc.grade.label().to_string(),
        text(&nc.statement),
        text(&nc.evidence),
        text(&nc.correction),
        text(&nc.root_cause),
        text(&nc.corrective_action),
        text(&nc.owner),
        dates::format_optional(nc.due_date),
        nc.status.label().to_string(),
        if nc.is_overdue(today) { "Yes" } else { "No" }.to_string(),
        text(&nc.checked_by),
        dates::format_optional(nc.checked_on),
        text(&nc.check_result),
    ]
}

/// Every nonconformity's row, in the order they were raised.
pub fn rows(data: &AuditData, today: Date) -> Vec<[String; COLUMNS.len()]> {
    data.nonconformities
        .iter()
        .map(|stored| row(stored, today))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{NcGrade, NcSource, NcStatus};

    #[test]
    fn cells_line_up_with_the_headers_and_overdue_follows_the_date() {
        let stored = Stored {
            reference: "NC-002".to_string(),
            value: Nonconformity {
                source: NcSource::CertificationBody,
                statement: " Leavers kept access \n".into(),
                grade: NcGrade::Major,
                due_date: dates::parse("2026-11-01").ok(),
                status: NcStatus::ActionPlanned,
                ..Nonconformity::default()
            },
        };
        let headers = headers();
        let cells = row(&stored, dates::parse("2026-11-28").unwrap());
        let cell = |header: &str| &cells[headers.iter().position(|h| *h == header).unwrap()];
        assert_eq!(cell("Reference"), "NC-002");
        assert_eq!(cell("Source"), "Certification body");
        assert_eq!(cell("Grade"), "Major");
        assert_eq!(cell("Statement"), "Leavers kept access");
        assert_eq!(cell("Due date"), "2026-11-01");
        assert_eq!(cell("Status"), "Action planned");
        assert_eq!(cell("Overdue"), "Yes");
        assert_eq!(cell("Checked on"), "");
        let on_time = row(&stored, dates::parse("2026-11-01").unwrap());
        assert_eq!(on_time[13], "No", "due today is not overdue");
    }
}
