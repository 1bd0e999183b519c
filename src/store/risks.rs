//! How the Risks tab's records are kept: the risk method, assets, risks with their asset and
//! control links, and the control catalogue they point at.

use anyhow::{bail, Result};
use rusqlite::types::Value;
use rusqlite::Row;

use super::records::{Link, Record, Stored, Writer};
use super::row::{date, json, key, small, text};
use super::Store;
use crate::domain::asset::{Asset, AssetKind};
use crate::domain::dates::{self};
use crate::domain::method::{Band, Level, RiskMethod};
use crate::domain::risk::{Acceptance, Risk, RiskStatus, Treatment};
use crate::domain::FieldError;

/// The risk method's fixed reference.
pub const METHOD_REF: &str = "METHOD";

impl Record for RiskMethod {
    const TABLE: &'static str = "risk_method";
    const PREFIX: &'static str = METHOD_REF;
    const FIELDS: &'static [&'static str] = &[
        "size",
        "likelihood_levels",
        "impact_levels",
        "bands",
        "acceptance_threshold",
    ];

    fn values(&self) -> Vec<Value> {
        let to_json = |value: &dyn erased::Json| value.json();
        vec![
            Value::Integer(i64::from(self.size)),
            text(&to_json(&self.likelihood)),
            text(&to_json(&self.impact)),
            text(&to_json(&self.bands)),
            Value::Integer(i64::from(self.acceptance_threshold)),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        Ok(RiskMethod {
            size: small(row, offset)?,
            likelihood: json::<Vec<Level>>(row, offset + 1)?,
            impact: json::<Vec<Level>>(row, offset + 2)?,
            bands: json::<Vec<Band>>(row, offset + 3)?,
            acceptance_threshold: row.get::<_, u32>(offset + 4)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        RiskMethod::validate(self)
    }
}

/// Serialising the method's lists without a generic parameter in `values`.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

impl Record for Asset {
    const TABLE: &'static str = "asset";
    const PREFIX: &'static str = "A";
    const FIELDS: &'static [&'static str] = &[
        "name",
        "kind",
        "owner",
        "location",
        "classification",
        "confidentiality",
        "integrity",
        "availability",
        "scope",
        "notes",
    ];

    fn values(&self) -> Vec<Value> {
        vec![
            text(&self.name),
            text(self.kind.key()),
            text(&self.owner),
            text(&self.location),
            text(&self.classification),
            Value::Integer(i64::from(self.confidentiality)),
            Value::Integer(i64::from(self.integrity)),
            Value::Integer(i64::from(self.availability)),
            text(if self.in_scope { "in" } else { "out" }),
            text(&self.notes),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        let scope: String = row.get(offset + 8)?;
        Ok(Asset {
            name: row.get(offset)?,
            kind: key(row, offset + 1, AssetKind::from_key)?,
            owner: row.get(offset + 2)?,
            location: row.get(offset + 3)?,
            classification: row.get(offset + 4)?,
            confidentiality: small(row, offset + 5)?,
            integrity: small(row, offset + 6)?,
            availability: small(row, offset + 7)?,
            in_scope: scope == "in",
            notes: row.get(offset + 9)?,
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        Asset::validate(self)
    }
}

impl Record for Risk {
    const TABLE: &'static str = "risk";
    const PREFIX: &'static str = "R";
    const FIELDS: &'static [&'static str] = &[
        "title",
        "description",
        "threat",
        "vulnerability",
        "owner",
        "likelihood",
        "impact",
        "treatment",
        "treatment_plan",
        "due_date",
        "residual_likelihood",
        "residual_impact",
        "status",
        "next_review",
        "accepted_by",
        "accepted_on",
        "accepted_until",
        "accepted_fingerprint",
    ];
    const LINKS: &'static [Link] = &[
        Link {
            field: "assets",
            table: "risk_asset",
        },
        Link {
            field: "controls",
            table: "risk_control",
        },
    ];

    fn values(&self) -> Vec<Value> {
        let optional =
            |value: Option<u8>| value.map_or(Value::Null, |v| Value::Integer(i64::from(v)));
        let acceptance = self.acceptance.as_ref();
        vec![
            text(&self.title),
            text(&self.description),
            text(&self.threat),
            text(&self.vulnerability),
            text(&self.owner),
            Value::Integer(i64::from(self.likelihood)),
            Value::Integer(i64::from(self.impact)),
            text(self.treatment.map(Treatment::key).unwrap_or("")),
            text(&self.treatment_plan),
            text(&dates::format_optional(self.due_date)),
            optional(self.residual_likelihood),
            optional(self.residual_impact),
            text(self.status.key()),
            text(&dates::format_optional(self.next_review)),
            text(acceptance.map(|a| a.accepted_by.as_str()).unwrap_or("")),
            text(&dates::format_optional(acceptance.map(|a| a.accepted_on))),
            text(&dates::format_optional(
                acceptance.and_then(|a| a.valid_until),
            )),
            text(acceptance.map(|a| a.fingerprint.as_str()).unwrap_or("")),
        ]
    }

    fn from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Self> {
        let treatment: String = row.get(offset + 7)?;
        let optional_small = |index: usize| -> rusqlite::Result<Option<u8>> {
            match row.get::<_, Option<i64>>(index)? {
                None => Ok(None),
                Some(_) => small(row, index).map(Some),
            }
        };
        let accepted_on = date(row, offset + 15)?;
        let acceptance = match accepted_on {
            None => None,
            Some(accepted_on) => Some(Acceptance {
                accepted_by: row.get(offset + 14)?,
                accepted_on,
                valid_until: date(row, offset + 16)?,
                fingerprint: row.get(offset + 17)?,
            }),
        };
        Ok(Risk {
            title: row.get(offset)?,
            description: row.get(offset + 1)?,
            threat: row.get(offset + 2)?,
            vulnerability: row.get(offset + 3)?,
            owner: row.get(offset + 4)?,
            likelihood: small(row, offset + 5)?,
            impact: small(row, offset + 6)?,
            treatment: if treatment.is_empty() {
                None
            } else {
                Some(key(row, offset + 7, Treatment::from_key)?)
            },
            treatment_plan: row.get(offset + 8)?,
            due_date: date(row, offset + 9)?,
            residual_likelihood: optional_small(offset + 10)?,
            residual_impact: optional_small(offset + 11)?,
            status: key(row, offset + 12, RiskStatus::from_key)?,
            next_review: date(row, offset + 13)?,
            acceptance,
            assets: Vec::new(),
            controls: Vec::new(),
        })
    }

    fn validate(&self) -> Vec<FieldError> {
        Risk::validate(self)
    }

    fn links(&self) -> Vec<Vec<String>> {
        vec![self.assets.clone(), self.controls.clone()]
    }

    fn set_links(&mut self, links: Vec<Vec<String>>) {
        let mut links = links.into_iter();
        self.assets = links.next().unwrap_or_default();
        self.controls = links.next().unwrap_or_default();
        crate::domain::catalogue::sort_ids(&mut self.controls);
    }
}

/// An Annex A control as the Risks tab needs it: id and title, in catalogue order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRef {
    pub id: String,
    pub title: String,
}

/// Everything the Risks tab shows, read in one go after each change.
#[derive(Debug, Clone, Default)]
pub struct RiskData {
    pub method: RiskMethod,
    pub assets: Vec<Stored<Asset>>,
    pub risks: Vec<Stored<Risk>>,
    pub controls: Vec<ControlRef>,
}

impl Writer<'_> {
    /// Saves a new risk method and brings every risk onto its matrix, in this transaction:
    /// the method's fields and every clamped value are logged. Returns how many risks moved.
    pub fn change_method(&mut self, method: &RiskMethod) -> Result<usize> {
        let errors = method.validate();
        if let Some(error) = errors.first() {
            bail!("{}", error.message);
        }
        self.update(METHOD_REF, method)?;
        let mut moved = 0;
        for stored in self.list::<Risk>()? {
            let mut risk = stored.value.clone();
            if risk.clamp_to(method.size) {
                self.update(&stored.reference, &risk)?;
                moved += 1;
            }
        }
        Ok(moved)
    }

    /// The control ids that exist, for checking links before they are saved.
    pub fn control_ids(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM control ORDER BY position")?;
        let ids = stmt.query_map([], |row| row.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    pub(super) fn ensure_method_row(&mut self) -> Result<()> {
        if self.get::<RiskMethod>(METHOD_REF)?.is_some() {
            return Ok(());
        }
        // Checked again inside the write transaction: another process may have just made it.
        self.write(|writer| match writer.get::<RiskMethod>(METHOD_REF)? {
            Some(_) => Ok(()),
            None => writer.insert_with_reference(METHOD_REF, &RiskMethod::default()),
        })
    }

    pub fn risk_method(&self) -> Result<RiskMethod> {
        Ok(self.get::<RiskMethod>(METHOD_REF)?.unwrap_or_default())
    }

    /// See [`Writer::change_method`]; all of it in one transaction.
    pub fn change_method(&mut self, method: &RiskMethod) -> Result<usize> {
        self.write(|writer| writer.change_method(method))
    }

    /// The controls of the catalogue, in Annex A order.
    pub fn controls(&self) -> Result<Vec<ControlRef>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, title FROM control ORDER BY position")?;
        let rows = stmt.query_map([], |row| {
            Ok(ControlRef {
                id: row.get(0)?,
                title: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn load_risks(&self) -> Result<RiskData> {
        Ok(RiskData {
            method: self.risk_method()?,
            assets: self.list()?,
            risks: self.list()?,
            controls: self.controls()?,
        })
    }
}
