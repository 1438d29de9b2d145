//! The rows every insight starts from: one project's events in a time span,
//! with their current person and, when needed, that person's properties.

use super::filters;
use super::sql::{literal, person_joins, property_text, Sql};
use chrono::{DateTime, Utc};
use domain::insight::{EventsNode, PropertyFilter, PropertyScope, BREAKDOWN_NULL};
use domain::ProjectId;

#[derive(Debug, Clone)]
pub struct Source {
    pub project: ProjectId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Join person properties (`p`) as well as merges (`o`).
    pub person_properties: bool,
}

impl Source {
    /// `FROM events e … WHERE` project and time span, ready for more `AND`s;
    /// `join` adds trusted joins of our own.
    pub fn from_where(&self, join: &str) -> Sql {
        let mut sql = Sql::default();
        sql.push(" FROM events e")
            .push(&person_joins(self.person_properties))
            .push(join)
            .push(" WHERE e.project_id = ")
            .bind(self.project)
            .push(" AND e.timestamp >= ")
            .bind_time(self.from)
            .push(" AND e.timestamp < ")
            .bind_time(self.to);
        sql
    }

    /// The same span starting earlier (for look-back maths).
    pub fn reaching_back(&self, from: DateTime<Utc>) -> Self {
        Self {
            from,
            ..self.clone()
        }
    }
}

/// Whether a set of filters, series and breakdown needs person properties.
pub fn needs_person_properties<'a>(
    filters: impl IntoIterator<Item = &'a PropertyFilter>,
    breakdown: Option<PropertyScope>,
) -> bool {
    filters::reads_persons(filters) || breakdown == Some(PropertyScope::Person)
}

/// `AND` the node's event name, its own filters and the global ones.
pub fn matches(node: &EventsNode, global: &[PropertyFilter]) -> Sql {
    let mut sql = Sql::default();
    sql.push("(");
    match &node.event {
        Some(name) => {
            sql.push("e.event = ").bind(name.clone());
        }
        None => {
            sql.push("TRUE");
        }
    }
    sql.push(" AND ")
        .append(filters::all_of(&node.properties))
        .push(" AND ")
        .append(filters::all_of(global))
        .push(")");
    sql
}

/// A breakdown property's value, with missing and empty values as the
/// "none" bucket.
pub fn breakdown_value(scope: PropertyScope, key: &str) -> String {
    format!(
        "COALESCE(NULLIF({}, ''), {})",
        property_text(scope, key),
        literal(BREAKDOWN_NULL)
    )
}
