//! Converting between record fields and SQLite values, shared by every record type: text,
//! dates as ISO text, closed choices by key, small numbers, JSON.

use rusqlite::types::{FromSqlError, Type, Value};
use rusqlite::Row;

use crate::domain::dates::{self, Date};

pub(super) fn text(value: &str) -> Value {
    Value::Text(value.to_string())
}

/// An optional date as stored: ISO text, or empty for none.
pub(super) fn date_text(value: Option<Date>) -> Value {
    text(&dates::format_optional(value))
}

pub(super) fn conversion_error(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        Type::Text,
        Box::new(FromSqlError::Other(message.into())),
    )
}

/// A closed choice read back by its key; an unknown key fails the row.
pub(super) fn key<T>(
    row: &Row<'_>,
    index: usize,
    parse: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let key: String = row.get(index)?;
    parse(&key).ok_or_else(|| conversion_error(index, format!("unknown value {key:?}")))
}

pub(super) fn date(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Date>> {
    let value: String = row.get(index)?;
    dates::parse_optional(&value).map_err(|message| conversion_error(index, message))
}

pub(super) fn json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    index: usize,
) -> rusqlite::Result<T> {
    let value: String = row.get(index)?;
    serde_json::from_str(&value).map_err(|error| conversion_error(index, error.to_string()))
}

pub(super) fn small(row: &Row<'_>, index: usize) -> rusqlite::Result<u8> {
    row.get::<_, i64>(index).and_then(|v| {
        u8::try_from(v).map_err(|_| conversion_error(index, format!("{v} is out of range")))
    })
}
