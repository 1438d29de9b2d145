//! Breakdowns by a property: each event's value, the values with most rows
//! (the `top` subquery), and each row's place among them. Trends and funnels
//! rank the same way: most rows first, ties by value, the rest together as
//! [`BREAKDOWN_OTHER`].

use super::sql::{cte, literal, most_common, property_text, Sql};
use domain::insight::{PropertyScope, BREAKDOWN_NULL, BREAKDOWN_OTHER};

/// A breakdown property's value, with missing and empty values as the
/// "none" bucket.
pub fn value(scope: PropertyScope, key: &str) -> String {
    format!(
        "COALESCE(NULLIF({}, ''), {})",
        property_text(scope, key),
        literal(BREAKDOWN_NULL)
    )
}

/// The subquery `top (bd, rank)`: the `limit` values of `value` with most
/// rows in `rows` (a `FROM … [WHERE …]` clause), ranked from 1.
pub fn top(value: &str, rows: Sql, limit: u32) -> Sql {
    cte("top", most_common(value, rows, limit))
}

/// The series a row joined to `top` counts in: its value when ranked, else
/// [`BREAKDOWN_OTHER`].
pub fn series_value() -> String {
    format!("COALESCE(top.bd, {})", literal(BREAKDOWN_OTHER))
}

/// That series' rank: the value's, or after every ranked one.
pub fn series_rank() -> String {
    format!("COALESCE(top.rank, {})", i64::MAX)
}
