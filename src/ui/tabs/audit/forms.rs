//! The Audit tab's forms: an audit of the programme, a checklist item's notes, a
//! nonconformity, and the register's filters.

use crate::domain::audit::{
    Audit, AuditStatus, ChecklistItem, Finding, NcGrade, NcSource, NcStatus, Nonconformity,
};
use crate::domain::dates::{self, format_optional};
use crate::domain::FieldError;
use crate::store::AuditData;
use crate::ui::components::form::{choices, title, Choice, Field, Form};

/// Collects date fields, turning bad ones into errors under their field.
struct Dates<'a> {
    form: &'a Form,
    errors: Vec<FieldError>,
}

impl Dates<'_> {
    fn get(&mut self, key: &'static str) -> Option<dates::Date> {
        match dates::parse_optional(&self.form.value(key)) {
            Ok(date) => date,
            Err(message) => {
                self.errors.push(FieldError::new(key, message));
                None
            }
        }
    }
}

pub fn audit_form(data: &AuditData, reference: Option<&str>, audit: &Audit) -> Form {
    let clauses: Vec<Choice> = data
        .clauses
        .iter()
        .map(|(id, title)| (id.clone(), title.clone()))
        .collect();
    let controls: Vec<Choice> = data
        .controls
        .iter()
        .map(|(id, title)| (id.clone(), title.clone()))
        .collect();
    Form::new(
        title(reference, "internal audit (9.2)"),
        vec![
            Field::line("title", "Title", &audit.title),
            Field::pick("clauses", "Clauses", clauses, &audit.clauses),
            Field::pick("controls", "Controls", controls, &audit.controls),
            Field::multiline("criteria", "Criteria", &audit.criteria),
            Field::line("lead_auditor", "Lead auditor", &audit.lead_auditor),
            Field::line("auditors", "Auditors", &audit.auditors),
            Field::multiline(
                "independence_note",
                "Independence",
                &audit.independence_note,
            ),
            Field::line(
                "planned_start",
                "Planned start",
                &format_optional(audit.planned_start),
            ),
            Field::line(
                "planned_end",
                "Planned end",
                &format_optional(audit.planned_end),
            ),
            Field::line(
                "actual_start",
                "Actual start",
                &format_optional(audit.actual_start),
            ),
            Field::line(
                "actual_end",
                "Actual end",
                &format_optional(audit.actual_end),
            ),
            Field::choice(
                "status",
                "Status",
                choices(AuditStatus::ALL, AuditStatus::key, AuditStatus::label),
                audit.status.key(),
            ),
            Field::multiline("conclusion", "Conclusion", &audit.conclusion),
        ],
    )
}

pub fn audit_from(form: &Form) -> Result<Audit, Vec<FieldError>> {
    let mut dates = Dates {
        form,
        errors: Vec::new(),
    };
    let audit = Audit {
        title: form.value("title").trim().to_string(),
        clauses: form.picked("clauses"),
        controls: form.picked("controls"),
        criteria: form.value("criteria").trim_end().to_string(),
        lead_auditor: form.value("lead_auditor").trim().to_string(),
        auditors: form.value("auditors").trim().to_string(),
        independence_note: form.value("independence_note").trim_end().to_string(),
        planned_start: dates.get("planned_start"),
        planned_end: dates.get("planned_end"),
        actual_start: dates.get("actual_start"),
        actual_end: dates.get("actual_end"),
        status: AuditStatus::from_key(&form.value("status")).unwrap_or(AuditStatus::Planned),
        conclusion: form.value("conclusion").trim_end().to_string(),
    };
    let mut errors = dates.errors;
    for error in audit.validate() {
        if !errors.iter().any(|e| e.field == error.field) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(audit)
    } else {
        Err(errors)
    }
}

pub fn item_form(data: &AuditData, item: &ChecklistItem) -> Form {
    Form::new(
        format!(
            "{} {} · {}",
            item.target.label(),
            data.title_of(&item.target),
            item.audit
        ),
        vec![
            Field::choice(
                "result",
                "Result",
                choices(Finding::ALL, Finding::key, Finding::label),
                item.result.key(),
            ),
            Field::multiline("evidence", "Evidence examined", &item.evidence),
            Field::multiline("records", "Records sampled", &item.records),
            Field::multiline("notes", "Notes", &item.notes),
        ],
    )
}

/// The checklist item's form opened by a result key whose finding needs a note: the result
/// chosen, the cursor in the notes, and a title that says what the note is for.
pub fn finding_form(data: &AuditData, item: &ChecklistItem) -> Form {
    let mut form = item_form(data, item);
    let what = match item.result.grade() {
        Some(_) => "note what was found: it becomes the nonconformity's statement",
        None => "note what was found",
    };
    form.title = format!(
        "{} · {} · {}: {what}",
        item.target.label(),
        item.audit,
        item.result.short()
    );
    form.focus_on("notes");
    form
}

/// The domain's verdict on the result and notes the form holds.
pub fn item_errors(form: &Form) -> Vec<FieldError> {
    ChecklistItem {
        audit: String::new(),
        target: crate::domain::audit::Target::Clause(String::new()),
        question: String::new(),
        result: Finding::from_key(&form.value("result")).unwrap_or(Finding::NotAudited),
        evidence: String::new(),
        records: String::new(),
        notes: form.value("notes"),
    }
    .validate()
}

pub fn item_from(form: &Form, base: &ChecklistItem) -> ChecklistItem {
    ChecklistItem {
        result: Finding::from_key(&form.value("result")).unwrap_or(Finding::NotAudited),
        evidence: form.value("evidence").trim_end().to_string(),
        records: form.value("records").trim_end().to_string(),
        notes: form.value("notes").trim_end().to_string(),
        ..base.clone()
    }
}

pub fn nc_form(reference: Option<&str>, nc: &Nonconformity) -> Form {
    Form::new(
        title(reference, "nonconformity (10.2)"),
        vec![
            Field::choice(
                "source",
                "Source",
                choices(NcSource::ALL, NcSource::key, NcSource::label),
                nc.source.key(),
            ),
            Field::line("audit", "Audit", &nc.audit),
            Field::multiline("statement", "Statement", &nc.statement),
            Field::multiline("evidence", "Evidence", &nc.evidence),
            Field::choice(
                "grade",
                "Grade",
                choices(NcGrade::ALL, NcGrade::key, NcGrade::label),
                nc.grade.key(),
            ),
            Field::multiline("correction", "Correction", &nc.correction),
            Field::multiline("root_cause", "Root cause", &nc.root_cause),
            Field::multiline(
                "corrective_action",
                "Corrective action",
                &nc.corrective_action,
            ),
            Field::line("owner", "Owner", &nc.owner),
            Field::line("due_date", "Due date", &format_optional(nc.due_date)),
            Field::choice(
                "status",
                "Status",
                choices(NcStatus::ALL, NcStatus::key, NcStatus::label),
                nc.status.key(),
            ),
            Field::line("checked_by", "Checked by", &nc.checked_by),
            Field::line("checked_on", "Checked on", &format_optional(nc.checked_on)),
            Field::multiline("check_result", "Check result", &nc.check_result),
        ],
    )
}

pub fn nc_from(form: &Form, base: &Nonconformity) -> Result<Nonconformity, Vec<FieldError>> {
    let mut dates = Dates {
        form,
        errors: Vec::new(),
    };
    let nc = Nonconformity {
        source: NcSource::from_key(&form.value("source")).unwrap_or(NcSource::InternalAudit),
        audit: form.value("audit").trim().to_string(),
        item: base.item.clone(),
        statement: form.value("statement").trim_end().to_string(),
        evidence: form.value("evidence").trim_end().to_string(),
        grade: NcGrade::from_key(&form.value("grade")).unwrap_or(NcGrade::Minor),
        correction: form.value("correction").trim_end().to_string(),
        root_cause: form.value("root_cause").trim_end().to_string(),
        corrective_action: form.value("corrective_action").trim_end().to_string(),
        owner: form.value("owner").trim().to_string(),
        due_date: dates.get("due_date"),
        status: NcStatus::from_key(&form.value("status")).unwrap_or(NcStatus::Open),
        checked_by: form.value("checked_by").trim().to_string(),
        checked_on: dates.get("checked_on"),
        check_result: form.value("check_result").trim_end().to_string(),
    };
    let mut errors = dates.errors;
    for error in nc.validate() {
        if !errors.iter().any(|e| e.field == error.field) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(nc)
    } else {
        Err(errors)
    }
}

/// The register's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NcFilter {
    pub grade: Option<NcGrade>,
    pub status: Option<NcStatus>,
    pub owner: Option<String>,
    pub source: Option<NcSource>,
}

impl NcFilter {
    pub fn matches(&self, nc: &Nonconformity) -> bool {
        self.grade.is_none_or(|g| g == nc.grade)
            && self.status.is_none_or(|s| s == nc.status)
            && self
                .owner
                .as_ref()
                .is_none_or(|o| o.trim() == nc.owner.trim())
            && self.source.is_none_or(|s| s == nc.source)
    }

    pub fn is_empty(&self) -> bool {
        *self == NcFilter::default()
    }
}

const ANY: &str = "*";

pub fn filter_form(data: &AuditData, filter: &NcFilter) -> Form {
    let any = || -> Vec<Choice> { vec![(ANY.into(), "Any".into())] };
    let mut grades = any();
    grades.extend(choices(NcGrade::ALL, NcGrade::key, NcGrade::label));
    let mut statuses = any();
    statuses.extend(choices(NcStatus::ALL, NcStatus::key, NcStatus::label));
    let mut sources = any();
    sources.extend(choices(NcSource::ALL, NcSource::key, NcSource::label));
    let mut owners: Vec<String> = data
        .nonconformities
        .iter()
        .map(|n| n.value.owner.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort();
    owners.dedup();
    let mut owner_choices = any();
    owner_choices.extend(owners.into_iter().map(|o| (o.clone(), o)));
    Form::new(
        "Filter the nonconformities",
        vec![
            Field::choice(
                "grade",
                "Grade",
                grades,
                filter.grade.map(NcGrade::key).unwrap_or(ANY),
            ),
            Field::choice(
                "status",
                "Status",
                statuses,
                filter.status.map(NcStatus::key).unwrap_or(ANY),
            ),
            Field::choice(
                "owner",
                "Owner",
                owner_choices,
                filter.owner.as_deref().unwrap_or(ANY),
            ),
            Field::choice(
                "source",
                "Source",
                sources,
                filter.source.map(NcSource::key).unwrap_or(ANY),
            ),
        ],
    )
}

pub fn filter_from(form: &Form) -> NcFilter {
    let any = |key: &str| {
        let value = form.value(key);
        (value != ANY).then_some(value)
    };
    NcFilter {
        grade: any("grade").and_then(|g| NcGrade::from_key(&g)),
        status: any("status").and_then(|s| NcStatus::from_key(&s)),
        owner: any("owner"),
        source: any("source").and_then(|s| NcSource::from_key(&s)),
    }
}
