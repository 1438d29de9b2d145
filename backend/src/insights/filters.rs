//! Property filters as SQL predicates over `e` (events) and `p` (persons).

use super::sql::{
    contains_ignoring_case, property_number, property_text, regex_matches, Sql, PATTERN_CHECK,
};
use super::Db;
use crate::{Error, Result};
use domain::insight::{Operator, PropertyFilter, PropertyScope, Scalar};
use domain::Invalid;

/// Refuses a regular expression the events store cannot compile, before the
/// query runs. Validation parses patterns with Rust's regex syntax, but DuckDB
/// matches with RE2, which refuses a few patterns Rust accepts; compiling each
/// pattern alone tells a bad pattern apart from a failed query.
pub fn check_patterns<'a>(
    db: &Db,
    filters: impl IntoIterator<Item = &'a PropertyFilter>,
) -> Result<()> {
    let patterns = filters
        .into_iter()
        .filter(|f| matches!(f.operator, Operator::Regex | Operator::NotRegex));
    let mut compile = None;
    for filter in patterns {
        let compile = match &mut compile {
            Some(statement) => statement,
            None => compile.insert(db.prepare(PATTERN_CHECK)?),
        };
        for value in filter.values() {
            if compile.query_row([value.as_text()], |_| Ok(())).is_err() {
                return Err(Error::Invalid(Invalid::new(
                    "properties",
                    format!(
                        "The filter on {}: its regular expression is not valid.",
                        filter.key
                    ),
                )));
            }
        }
    }
    Ok(())
}

/// Whether any of `filters` reads person properties (the query then joins
/// persons).
pub fn reads_persons<'a>(filters: impl IntoIterator<Item = &'a PropertyFilter>) -> bool {
    filters
        .into_iter()
        .any(|f| f.scope == PropertyScope::Person)
}

/// `AND`-ed predicates for `filters`, or `TRUE` when there are none.
pub fn all_of(filters: &[PropertyFilter]) -> Sql {
    let mut sql = Sql::default();
    sql.push("(TRUE");
    for filter in filters {
        sql.push(" AND ").append(predicate(filter));
    }
    sql.push(")");
    sql
}

fn predicate(filter: &PropertyFilter) -> Sql {
    let (positive, negated) = match filter.operator {
        Operator::IsNot => (Operator::Exact, true),
        Operator::NotIcontains => (Operator::Icontains, true),
        Operator::NotRegex => (Operator::Regex, true),
        Operator::IsNotSet => (Operator::IsSet, true),
        other => (other, false),
    };
    let text = property_text(filter.scope, &filter.key);
    let mut sql = Sql::default();
    // A missing property makes the positive test false (never NULL), so its
    // negation matches events without the property.
    sql.push(if negated {
        "(NOT COALESCE("
    } else {
        "(COALESCE("
    });
    if positive == Operator::IsSet {
        sql.push(&format!("{text} IS NOT NULL"));
    } else {
        sql.push("(FALSE");
        for value in filter.values() {
            sql.push(" OR ")
                .append(compare(positive, filter, &text, &value));
        }
        sql.push(")");
    }
    sql.push(", FALSE))");
    sql
}

fn compare(operator: Operator, filter: &PropertyFilter, text: &str, value: &Scalar) -> Sql {
    let mut sql = Sql::default();
    let number = || property_number(filter.scope, &filter.key);
    match (operator, value) {
        (Operator::Exact, Scalar::Number(n)) => {
            sql.push(&format!("{} = ", number())).bind(*n);
        }
        (Operator::Exact, other) => {
            sql.push(&format!("({text} = ")).bind(other.as_text());
            // "29" typed into a filter matches a stored 29.0.
            if let Some(n) = other.as_number() {
                sql.push(&format!(" OR {} = ", number())).bind(n);
            }
            sql.push(")");
        }
        (Operator::Icontains, value) => {
            sql.append(contains_ignoring_case(text, Sql::bound(value.as_text())));
        }
        (Operator::Regex, value) => {
            sql.append(regex_matches(text, Sql::bound(value.as_text())));
        }
        (comparison, value) => {
            let op = match comparison {
                Operator::Gt => ">",
                Operator::Gte => ">=",
                Operator::Lt => "<",
                _ => "<=",
            };
            // Validation guarantees a number here.
            sql.push(&format!("{} {op} ", number()))
                .bind(value.as_number().unwrap_or(f64::NAN));
        }
    }
    sql
}
