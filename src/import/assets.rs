//! Asset rows: one row of the asset register's spreadsheet into one [`Asset`].

use std::collections::HashMap;

use super::context::{name_key, Context};
use super::headers::{match_headers, Cells, ASSET_COLUMNS};
use super::{csv_table, values, ImportError};
use crate::domain::asset::{default_in_scope, Asset, AssetKind};

/// Reads an asset register. Names must be new: neither in the workspace nor twice in the file
/// (so that importing the same file twice is refused, and risks can name assets unambiguously).
pub fn parse(bytes: &[u8], context: &Context) -> Result<Vec<Asset>, Vec<ImportError>> {
    let read = csv_table::read(bytes)?;
    let mut errors = read.errors;
    let table = read.table;
    let map = match match_headers(&table.headers, table.header_row, ASSET_COLUMNS) {
        Ok(map) => map,
        Err(header_errors) => {
            errors.extend(header_errors);
            errors.sort_by_key(|error| error.row);
            return Err(errors);
        }
    };
    let existing: HashMap<String, &str> = context
        .assets
        .iter()
        .map(|(reference, name)| (name_key(name), reference.as_str()))
        .collect();
    let mut in_file: HashMap<String, usize> = HashMap::new();
    let mut assets = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        errors.extend(map.unheaded_values(row));
        let mut cells = map.cells(row);
        let asset = asset(&mut cells, context);
        let key = name_key(&asset.name);
        if !key.is_empty() {
            if let Some(reference) = existing.get(&key) {
                cells.error(
                    "name",
                    format!(
                        "{:?} is already in the workspace as {reference}",
                        asset.name
                    ),
                );
            } else if let Some(first) = in_file.get(&key) {
                cells.error(
                    "name",
                    format!("{:?} is already on row {first}", asset.name),
                );
            } else {
                in_file.insert(key, row.number);
            }
        }
        if cells.has_errors() {
            errors.extend(cells.into_errors());
        } else {
            assets.push(asset);
        }
    }
    if errors.is_empty() {
        Ok(assets)
    } else {
        errors.sort_by_key(|error| error.row);
        Err(errors)
    }
}

fn kind(text: &str) -> Result<AssetKind, String> {
    if text.is_empty() {
        return Ok(AssetKind::Information);
    }
    values::choice(text, AssetKind::ALL, AssetKind::key, AssetKind::label).ok_or_else(|| {
        format!(
            "{text:?} is not a kind of asset; use one of {}",
            values::labels(AssetKind::ALL, AssetKind::label)
        )
    })
}

/// One row into an asset; what cannot be read is recorded in `cells` and given a placeholder.
fn asset(cells: &mut Cells<'_>, context: &Context) -> Asset {
    let location = cells.get("location").to_string();
    let in_scope = cells
        .parse("in_scope", values::yes_no)
        .flatten()
        .unwrap_or_else(|| default_in_scope(&location, &context.scope_items));
    let asset = Asset {
        name: cells.get("name").to_string(),
        kind: cells.parse("kind", kind).unwrap_or(AssetKind::Information),
        owner: cells.text("owner").to_string(),
        location,
        classification: cells.text("classification").to_string(),
        confidentiality: cells.parse("confidentiality", values::cia).unwrap_or(2),
        integrity: cells.parse("integrity", values::cia).unwrap_or(2),
        availability: cells.parse("availability", values::cia).unwrap_or(2),
        in_scope,
        notes: cells.text("notes").to_string(),
    };
    cells.add_field_errors(asset.validate());
    asset
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scope::{ScopeItem, ScopeItemKind};

    fn lines(errors: &[ImportError]) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_full_register_with_synonyms_and_defaults() {
        let mut context = Context::empty();
        context.scope_items.push(ScopeItem {
            kind: ScopeItemKind::Site,
            name: "Munich office".into(),
            in_scope: false,
            justification: "Separate entity".into(),
        });
        let csv = "Asset;Type;Asset owner;Site;Class;C;I;A;Scope;Comments\n\
                   Customer ledger;information;CFO;AWS;Confidential;3;high;1;yes;\"Main, \"\"live\"\" DB\"\n\
                   Badge printer;Hardware;;Munich office;;;;;;\n\
                   Laptop fleet;HARDWARE;IT;Munich office;;low;;;in;\n";
        let assets = parse(csv.as_bytes(), &context).unwrap();
        assert_eq!(assets.len(), 3);
        assert_eq!(
            assets[0],
            Asset {
                name: "Customer ledger".into(),
                kind: AssetKind::Information,
                owner: "CFO".into(),
                location: "AWS".into(),
                classification: "Confidential".into(),
                confidentiality: 3,
                integrity: 3,
                availability: 1,
                in_scope: true,
                notes: "Main, \"live\" DB".into(),
            }
        );
        assert_eq!((assets[1].confidentiality, assets[1].integrity), (2, 2));
        assert!(!assets[1].in_scope, "blank scope follows the Scope tab");
        assert!(assets[2].in_scope, "an explicit value wins");
        assert_eq!(assets[2].confidentiality, 1);
    }

    #[test]
    fn every_bad_cell_is_reported_in_column_order() {
        let mut context = Context::empty();
        context.assets.push(("A-001".into(), "CRM".into()));
        let csv = "Name,Kind,C,Integrity,In scope\n\
                   ,gadget,4,x,maybe\n\
                   crm,software,1,1,yes\n\
                   Wiki,software,1,1,yes\n\
                   WIKI ,software,1,1,yes\n";
        let errors = parse(csv.as_bytes(), &context).unwrap_err();
        assert_eq!(
            lines(&errors),
            [
                "row 2, column Name: A name is required",
                "row 2, column Kind: \"gadget\" is not a kind of asset; use one of Information, Software, Hardware, Service, People, Site, Supplier",
                "row 2, column C: \"4\" is outside 1-3 (or write Low, Medium or High)",
                "row 2, column Integrity: \"x\" is not 1, 2, 3, Low, Medium or High",
                "row 2, column In scope: \"maybe\" is not yes or no (also accepted: true/false, in/out, 1/0, y/n)",
                "row 3, column Name: \"crm\" is already in the workspace as A-001",
                "row 5, column Name: \"WIKI\" is already on row 4",
            ]
        );
    }

    #[test]
    fn table_and_header_errors_come_together_in_row_order() {
        let csv = "Name,Colour\nLedger,red\nCRM\n";
        let errors = parse(csv.as_bytes(), &Context::empty()).unwrap_err();
        let lines = lines(&errors);
        assert!(
            lines[0].starts_with("row 1: unknown column \"Colour\""),
            "{lines:?}"
        );
        assert!(lines[1].starts_with("row 3: has 1 cell where the header row has 2"));
    }

    #[test]
    fn a_value_under_a_blank_header_is_an_error() {
        let csv = "Name,,\nLedger,,\nCRM,,oops\n";
        let errors = parse(csv.as_bytes(), &Context::empty()).unwrap_err();
        assert_eq!(
            lines(&errors),
            ["row 3, column 3 (no header): \"oops\" is in a column without a header; give the column a header or clear it"]
        );
    }
}
