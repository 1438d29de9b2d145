//! The rows every insight starts from: one project's events in a time span,
//! with their current person and, when needed, that person's properties.

use super::filters;
use super::sql::{person_joins, PersonNeed, Sql};
use chrono::{DateTime, Utc};
use domain::insight::{EventsNode, PropertyFilter, PropertyScope};
use domain::ProjectId;

#[derive(Debug, Clone)]
pub struct Source {
    pub project: ProjectId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub persons: PersonNeed,
}

impl Source {
    /// `FROM events e … WHERE` project and time span, ready for more `AND`s;
    /// `join` adds trusted joins of our own.
    pub fn from_where(&self, join: &str) -> Sql {
        let mut sql = Sql::default();
        sql.push(" FROM events e")
            .push(&person_joins(self.persons))
            .push(join)
            .push(" WHERE e.project_id = ")
            .bind(self.project.get())
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

/// What a query with these filters and breakdown needs of the person;
/// `counts_persons` when it counts or follows people, not events.
pub fn person_need<'a>(
    filters: impl IntoIterator<Item = &'a PropertyFilter>,
    breakdown: Option<PropertyScope>,
    counts_persons: bool,
) -> PersonNeed {
    if filters::reads_persons(filters) || breakdown == Some(PropertyScope::Person) {
        PersonNeed::Properties
    } else if counts_persons {
        PersonNeed::Id
    } else {
        PersonNeed::Nothing
    }
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
