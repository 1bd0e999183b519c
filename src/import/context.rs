//! What imported rows are checked against: the workspace as it is (or as a new one would be).

use std::collections::{HashMap, HashSet};

use anyhow::Result;

use crate::domain::asset::Asset;
use crate::domain::catalogue;
use crate::domain::method::RiskMethod;
use crate::domain::risk::Risk;
use crate::domain::scope::ScopeItem;
use crate::store::{Store, Stored, Writer, METHOD_REF};

/// The parts of a workspace an import needs, read once.
#[derive(Debug, Clone)]
pub struct Context {
    pub method: RiskMethod,
    /// Asset references and names.
    pub assets: Vec<(String, String)>,
    pub risk_titles: Vec<String>,
    pub scope_items: Vec<ScopeItem>,
    pub control_ids: Vec<String>,
}

/// Names compare ignoring case and surrounding spaces.
pub(super) fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Context {
    /// A workspace that does not exist yet: the default method, no assets, no risks, no scope
    /// items, the whole catalogue.
    pub fn empty() -> Self {
        Context {
            method: RiskMethod::default(),
            assets: Vec::new(),
            risk_titles: Vec::new(),
            scope_items: Vec::new(),
            control_ids: catalogue::controls().iter().map(|c| c.id.clone()).collect(),
        }
    }

    fn from_parts(
        method: RiskMethod,
        assets: Vec<Stored<Asset>>,
        risks: Vec<Stored<Risk>>,
        scope_items: Vec<Stored<ScopeItem>>,
        control_ids: Vec<String>,
    ) -> Self {
        Context {
            method,
            assets: assets
                .into_iter()
                .map(|stored| (stored.reference, stored.value.name))
                .collect(),
            risk_titles: risks.into_iter().map(|stored| stored.value.title).collect(),
            scope_items: scope_items.into_iter().map(|stored| stored.value).collect(),
            control_ids,
        }
    }

    /// The workspace as it is now (for a dry run).
    pub fn load(store: &Store) -> Result<Self> {
        Ok(Context::from_parts(
            store.risk_method()?,
            store.list()?,
            store.list()?,
            store.list()?,
            store.controls()?.into_iter().map(|c| c.id).collect(),
        ))
    }

    /// The workspace as the write transaction sees it, so that nothing can change between the
    /// check and the insert.
    pub fn load_in(writer: &Writer<'_>) -> Result<Self> {
        Ok(Context::from_parts(
            writer.get::<RiskMethod>(METHOD_REF)?.unwrap_or_default(),
            writer.list()?,
            writer.list()?,
            writer.list()?,
            writer.control_ids()?,
        ))
    }

    /// Asset references by upper-case reference and by name (a name may be shared).
    pub(super) fn asset_index(&self) -> AssetIndex {
        let mut index = AssetIndex::default();
        for (reference, name) in &self.assets {
            index
                .by_reference
                .insert(reference.to_uppercase(), reference.clone());
            index
                .by_name
                .entry(name_key(name))
                .or_default()
                .push(reference.clone());
        }
        index
    }

    pub(super) fn control_set(&self) -> HashSet<&str> {
        self.control_ids.iter().map(String::as_str).collect()
    }
}

#[derive(Debug, Default)]
pub(super) struct AssetIndex {
    by_reference: HashMap<String, String>,
    by_name: HashMap<String, Vec<String>>,
}

impl AssetIndex {
    /// An asset named by reference (`A-001`, any case) or by name (any case).
    pub fn resolve(&self, item: &str) -> Result<String, String> {
        if let Some(reference) = self.by_reference.get(&item.trim().to_uppercase()) {
            return Ok(reference.clone());
        }
        match self.by_name.get(&name_key(item)).map(Vec::as_slice) {
            Some([reference]) => Ok(reference.clone()),
            Some(references) if !references.is_empty() => Err(format!(
                "{item:?} names more than one asset ({}); use the reference instead",
                references.join(", ")
            )),
            _ => Err(format!(
                "{item:?} is not an asset reference or name in the workspace"
            )),
        }
    }
}
