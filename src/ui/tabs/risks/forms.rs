//! The Risks tab's forms: a risk, an asset, the owner's acceptance, the risk method and the
//! register's filters; each built from the workspace and read back into domain records.

use chrono::{Duration, NaiveDate};

use crate::domain::asset::{Asset, AssetKind, CIA_LABELS};
use crate::domain::dates::{self, format_optional};
use crate::domain::method::{
    bands_from_text, bands_to_text, levels_from_text, levels_to_text, RiskMethod,
};
use crate::domain::register::RiskFilter;
use crate::domain::risk::{Risk, RiskStatus, Treatment};
use crate::domain::FieldError;
use crate::store::RiskData;
use crate::ui::components::form::{choices, title, Choice, Field, Form};

const NONE: &str = "";

fn scale(method_levels: &[crate::domain::method::Level], with_none: bool) -> Vec<Choice> {
    let mut options: Vec<Choice> = Vec::new();
    if with_none {
        options.push((NONE.into(), "—".into()));
    }
    for (index, level) in method_levels.iter().enumerate() {
        options.push((
            (index + 1).to_string(),
            format!("{} {}", index + 1, level.label),
        ));
    }
    options
}

pub fn risk_form(data: &RiskData, reference: Option<&str>, risk: &Risk) -> Form {
    let method = &data.method;
    let mut treatments: Vec<Choice> = vec![(NONE.into(), "—".into())];
    treatments.extend(choices(Treatment::ALL, Treatment::key, Treatment::label));
    let assets: Vec<Choice> = data
        .assets
        .iter()
        .map(|a| (a.reference.clone(), a.value.name.clone()))
        .collect();
    let controls: Vec<Choice> = data
        .controls
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    let optional = |value: Option<u8>| value.map(|v| v.to_string()).unwrap_or_default();
    Form::new(
        title(reference, "risk (6.1.2)"),
        vec![
            Field::line("title", "Title", &risk.title),
            Field::multiline("description", "Description", &risk.description),
            Field::line("threat", "Threat", &risk.threat),
            Field::line("vulnerability", "Vulnerability", &risk.vulnerability),
            Field::pick("assets", "Assets", assets, &risk.assets),
            Field::line("owner", "Owner", &risk.owner),
            Field::choice(
                "likelihood",
                "Likelihood",
                scale(&method.likelihood, false),
                &risk.likelihood.to_string(),
            ),
            Field::choice(
                "impact",
                "Impact",
                scale(&method.impact, false),
                &risk.impact.to_string(),
            ),
            Field::note(
                "inherent_score",
                "Inherent score",
                &score_text(method, Some((risk.likelihood, risk.impact))),
            ),
            Field::choice(
                "treatment",
                "Treatment",
                treatments,
                risk.treatment.map(Treatment::key).unwrap_or(NONE),
            ),
            Field::multiline("treatment_plan", "Treatment plan", &risk.treatment_plan),
            Field::pick("controls", "Controls", controls, &risk.controls),
            Field::line("due_date", "Due date", &format_optional(risk.due_date)),
            Field::choice(
                "residual_likelihood",
                "Residual L",
                scale(&method.likelihood, true),
                &optional(risk.residual_likelihood),
            ),
            Field::choice(
                "residual_impact",
                "Residual I",
                scale(&method.impact, true),
                &optional(risk.residual_impact),
            ),
            Field::note(
                "residual_score",
                "Residual score",
                &score_text(method, risk.residual_position()),
            ),
            Field::choice(
                "status",
                "Status",
                choices(RiskStatus::ALL, RiskStatus::key, RiskStatus::label),
                risk.status.key(),
            ),
            Field::line(
                "next_review",
                "Next review",
                &format_optional(risk.next_review),
            ),
        ],
    )
}

/// "3 x 4 = 12 High": a score and its level, from the method, as the form shows it.
fn score_text(method: &RiskMethod, position: Option<(u8, u8)>) -> String {
    match position {
        Some((likelihood, impact)) => {
            let score = u32::from(likelihood) * u32::from(impact);
            match method.band(score) {
                Some((_, band)) => format!("{likelihood} x {impact} = {score} {}", band.name),
                None => format!("{likelihood} x {impact} = {score}"),
            }
        }
        None => "not assessed: choose residual likelihood and impact".into(),
    }
}

/// Brings the risk form's score lines up to date with its likelihood, impact and treatment,
/// as the user changes them.
pub fn show_scores(form: &mut Form, method: &RiskMethod) {
    let number = |key: &str| form.value(key).parse::<u8>().ok();
    let inherent = number("likelihood").zip(number("impact"));
    let risk = Risk {
        likelihood: inherent.map_or(1, |p| p.0),
        impact: inherent.map_or(1, |p| p.1),
        residual_likelihood: number("residual_likelihood"),
        residual_impact: number("residual_impact"),
        treatment: Treatment::from_key(&form.value("treatment")),
        ..Risk::default()
    };
    let inherent_text = score_text(method, inherent);
    let residual_text = score_text(method, risk.residual_position());
    form.set_value("inherent_score", &inherent_text);
    form.set_value("residual_score", &residual_text);
}

/// The risk the form describes, keeping what the form does not show (the acceptance), or the
/// reasons it cannot be saved.
pub fn risk_from(form: &Form, method: &RiskMethod, base: &Risk) -> Result<Risk, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut date = |key: &'static str| match dates::parse_optional(&form.value(key)) {
        Ok(date) => date,
        Err(message) => {
            errors.push(FieldError::new(key, message));
            None
        }
    };
    let due_date = date("due_date");
    let next_review = date("next_review");
    let number = |key: &str| form.value(key).parse::<u8>().ok();
    let risk = Risk {
        title: form.value("title").trim().to_string(),
        description: form.value("description").trim_end().to_string(),
        threat: form.value("threat").trim().to_string(),
        vulnerability: form.value("vulnerability").trim().to_string(),
        owner: form.value("owner").trim().to_string(),
        likelihood: number("likelihood").unwrap_or(1),
        impact: number("impact").unwrap_or(1),
        treatment: Treatment::from_key(&form.value("treatment")),
        treatment_plan: form.value("treatment_plan").trim_end().to_string(),
        due_date,
        residual_likelihood: number("residual_likelihood"),
        residual_impact: number("residual_impact"),
        status: RiskStatus::from_key(&form.value("status")).unwrap_or(RiskStatus::Identified),
        next_review,
        acceptance: base.acceptance.clone(),
        assets: form.picked("assets"),
        controls: form.picked("controls"),
    };
    errors.extend(risk.validate_with(method));
    if errors.is_empty() {
        Ok(risk)
    } else {
        Err(errors)
    }
}

fn cia_choices() -> Vec<Choice> {
    CIA_LABELS
        .iter()
        .enumerate()
        .map(|(i, label)| ((i + 1).to_string(), format!("{} {label}", i + 1)))
        .collect()
}

pub const CLASSIFICATIONS: [&str; 4] = ["Public", "Internal", "Confidential", "Restricted"];

pub fn asset_form(reference: Option<&str>, asset: &Asset) -> Form {
    let mut classifications: Vec<Choice> = CLASSIFICATIONS
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    if !asset.classification.is_empty() && !CLASSIFICATIONS.contains(&asset.classification.as_str())
    {
        classifications.push((asset.classification.clone(), asset.classification.clone()));
    }
    Form::new(
        title(reference, "asset"),
        vec![
            Field::line("name", "Name", &asset.name),
            Field::choice(
                "kind",
                "Kind",
                choices(AssetKind::ALL, AssetKind::key, AssetKind::label),
                asset.kind.key(),
            ),
            Field::line("owner", "Owner", &asset.owner),
            Field::line("location", "Location", &asset.location),
            Field::choice(
                "classification",
                "Classification",
                classifications,
                &asset.classification,
            ),
            Field::choice(
                "confidentiality",
                "Confidentiality",
                cia_choices(),
                &asset.confidentiality.to_string(),
            ),
            Field::choice(
                "integrity",
                "Integrity",
                cia_choices(),
                &asset.integrity.to_string(),
            ),
            Field::choice(
                "availability",
                "Availability",
                cia_choices(),
                &asset.availability.to_string(),
            ),
            Field::choice(
                "scope",
                "Scope",
                vec![
                    ("in".into(), "In scope".into()),
                    ("out".into(), "Out of scope".into()),
                ],
                if asset.in_scope { "in" } else { "out" },
            ),
            Field::multiline("notes", "Notes", &asset.notes),
        ],
    )
}

pub fn asset_from(form: &Form) -> Asset {
    let number = |key: &str| form.value(key).parse::<u8>().unwrap_or(2);
    Asset {
        name: form.value("name").trim().to_string(),
        kind: AssetKind::from_key(&form.value("kind")).unwrap_or(AssetKind::Information),
        owner: form.value("owner").trim().to_string(),
        location: form.value("location").trim().to_string(),
        classification: form.value("classification"),
        confidentiality: number("confidentiality"),
        integrity: number("integrity"),
        availability: number("availability"),
        in_scope: form.value("scope") == "in",
        notes: form.value("notes").trim_end().to_string(),
    }
}

pub fn new_asset() -> Asset {
    Asset {
        name: String::new(),
        kind: AssetKind::Information,
        owner: String::new(),
        location: String::new(),
        classification: "Internal".into(),
        confidentiality: 2,
        integrity: 2,
        availability: 2,
        in_scope: true,
        notes: String::new(),
    }
}

/// The owner's acceptance: by whom (the owner, by default), on which day, until when
/// (a year, by default).
pub fn acceptance_form(reference: &str, risk: &Risk, today: NaiveDate) -> Form {
    let until = today + Duration::days(365);
    Form::new(
        format!("{reference} · risk owner accepts the residual risk (6.1.3 f)"),
        vec![
            Field::line("accepted_by", "Accepted by", &risk.owner),
            Field::line("accepted_on", "Accepted on", &format_optional(Some(today))),
            Field::line("valid_until", "Valid until", &format_optional(Some(until))),
        ],
    )
}

pub fn accepted(form: &Form, risk: &Risk) -> Result<Risk, Vec<FieldError>> {
    let mut errors = Vec::new();
    let accepted_by = form.value("accepted_by").trim().to_string();
    if accepted_by.is_empty() {
        errors.push(FieldError::new("accepted_by", "Say who accepts the risk."));
    }
    let accepted_on = match dates::parse(&form.value("accepted_on")) {
        Ok(date) => Some(date),
        Err(message) => {
            errors.push(FieldError::new("accepted_on", message));
            None
        }
    };
    let valid_until = match dates::parse_optional(&form.value("valid_until")) {
        Ok(date) => date,
        Err(message) => {
            errors.push(FieldError::new("valid_until", message));
            None
        }
    };
    if let (Some(on), Some(until)) = (accepted_on, valid_until) {
        if until < on {
            errors.push(FieldError::new(
                "valid_until",
                "The acceptance cannot end before it starts.",
            ));
        }
    }
    match accepted_on {
        Some(on) if errors.is_empty() => {
            let mut risk = risk.clone();
            // Accepting settles a retained risk; an open treatment stays open.
            risk.record_acceptance(&accepted_by, on, valid_until);
            Ok(risk)
        }
        _ => Err(errors),
    }
}

pub fn method_form(method: &RiskMethod) -> Form {
    let sizes: Vec<Choice> = (3..=5)
        .map(|n: u8| (n.to_string(), format!("{n}x{n}")))
        .collect();
    Form::new(
        "Risk method (6.1.2): changing it re-scores every risk",
        vec![
            Field::choice("size", "Matrix", sizes, &method.size.to_string()),
            Field::multiline(
                "likelihood",
                "Likelihood",
                &levels_to_text(&method.likelihood),
            ),
            Field::multiline("impact", "Impact", &levels_to_text(&method.impact)),
            Field::multiline("bands", "Level bands", &bands_to_text(&method.bands)),
            Field::number(
                "threshold",
                "Accept up to",
                &method.acceptance_threshold.to_string(),
            ),
        ],
    )
}

/// When the matrix size changes, levels that no longer fit it are replaced by the standard
/// ones for the new size, and so are bands that reach past its highest score; the user can
/// still edit them before saving.
pub fn follow_size(form: &mut Form) {
    let size: u8 = form.value("size").parse().unwrap_or(5);
    let standard = RiskMethod::standard(size);
    let expected = usize::from(size);
    if levels_from_text(&form.value("likelihood")).len() != expected {
        form.set_value("likelihood", &levels_to_text(&standard.likelihood));
    }
    if levels_from_text(&form.value("impact")).len() != expected {
        form.set_value("impact", &levels_to_text(&standard.impact));
    }
    let threshold_too_high = form
        .value("threshold")
        .trim()
        .parse::<u32>()
        .is_ok_and(|t| t > standard.max_score());
    let bands_too_high = bands_from_text(&form.value("bands"))
        .is_ok_and(|bands| bands.iter().any(|b| b.min_score > standard.max_score()));
    if bands_too_high || threshold_too_high {
        form.set_value("bands", &bands_to_text(&standard.bands));
        form.set_value("threshold", &standard.acceptance_threshold.to_string());
    }
}

pub fn method_from(form: &Form) -> Result<RiskMethod, Vec<FieldError>> {
    let mut errors = Vec::new();
    let bands = bands_from_text(&form.value("bands")).unwrap_or_else(|message| {
        errors.push(FieldError::new("bands", message));
        Vec::new()
    });
    let threshold = form
        .value("threshold")
        .trim()
        .parse::<u32>()
        .unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "threshold",
                format!(
                    "\"{}\" is not a whole number.",
                    form.value("threshold").trim()
                ),
            ));
            1
        });
    let method = RiskMethod {
        size: form.value("size").parse().unwrap_or(5),
        likelihood: levels_from_text(&form.value("likelihood")),
        impact: levels_from_text(&form.value("impact")),
        bands,
        acceptance_threshold: threshold,
    };
    for error in method.validate() {
        if !errors.iter().any(|e| e.field == error.field) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(method)
    } else {
        Err(errors)
    }
}

const ANY: &str = "*";

pub fn filter_form(data: &RiskData, filter: &RiskFilter) -> Form {
    let mut levels: Vec<Choice> = vec![(ANY.into(), "Any".into())];
    levels.extend(
        data.method
            .bands
            .iter()
            .enumerate()
            .map(|(i, b)| (i.to_string(), b.name.clone())),
    );
    let mut statuses: Vec<Choice> = vec![(ANY.into(), "Any".into())];
    statuses.extend(choices(RiskStatus::ALL, RiskStatus::key, RiskStatus::label));
    let mut owners: Vec<String> = data
        .risks
        .iter()
        .map(|r| r.value.owner.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort();
    owners.dedup();
    let mut owner_choices: Vec<Choice> = vec![(ANY.into(), "Any".into())];
    owner_choices.extend(owners.into_iter().map(|o| (o.clone(), o)));
    Form::new(
        "Filter the risk register",
        vec![
            Field::line("text", "Text", &filter.text),
            Field::choice(
                "level",
                "Level",
                levels,
                &filter
                    .level
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| ANY.into()),
            ),
            Field::choice(
                "status",
                "Status",
                statuses,
                filter.status.map(RiskStatus::key).unwrap_or(ANY),
            ),
            Field::choice(
                "owner",
                "Owner",
                owner_choices,
                filter.owner.as_deref().unwrap_or(ANY),
            ),
        ],
    )
}

pub fn filter_from(form: &Form, current: &RiskFilter) -> RiskFilter {
    let any = |key: &str| {
        let value = form.value(key);
        (value != ANY).then_some(value)
    };
    RiskFilter {
        text: form.value("text"),
        level: any("level").and_then(|l| l.parse().ok()),
        status: any("status").and_then(|s| RiskStatus::from_key(&s)),
        owner: any("owner"),
        cell: current.cell,
    }
}
