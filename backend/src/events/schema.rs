//! The events store's tables, as numbered migrations (the files in
//! `backend/migrations/duckdb/`) applied in order when the store opens.
//!
//! `schema_migrations` records each applied version. A pending migration
//! runs in one transaction with its record, so a failed one leaves nothing
//! behind. A file whose recorded version is newer than the last migration
//! here is refused: this build cannot know what its tables mean.
//!
//! Files made before versions were recorded hold the first migration's
//! tables and no `schema_migrations`; the first migration creates its tables
//! only `IF NOT EXISTS`, so it applies to them harmlessly.

use crate::{Error, Result};
use chrono::Utc;
use duckdb::Connection;
use std::collections::HashSet;

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in the order they apply. Append only: a released
/// migration never changes.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "initial",
    sql: include_str!("../../migrations/duckdb/0001_initial.sql"),
}];

const HISTORY: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version     BIGINT    PRIMARY KEY,
    name        VARCHAR   NOT NULL,
    applied_at  TIMESTAMP NOT NULL  -- UTC
)";

/// Applies the migrations `db` has not recorded yet, in order; returns the
/// versions applied.
pub fn migrate(db: &mut Connection) -> Result<Vec<i64>> {
    apply(db, MIGRATIONS)
}

fn apply(db: &mut Connection, migrations: &[Migration]) -> Result<Vec<i64>> {
    db.execute_batch(HISTORY)?;
    let known = migrations.iter().map(|m| m.version).max().unwrap_or(0);
    let recorded: Option<i64> =
        db.query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })?;
    if let Some(found) = recorded.filter(|&found| found > known) {
        return Err(Error::EventsSchemaTooNew { found, known });
    }
    let done: HashSet<i64> = db
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |row| row.get(0))?
        .collect::<duckdb::Result<_>>()?;
    let mut applied = Vec::new();
    for migration in migrations.iter().filter(|m| !done.contains(&m.version)) {
        let tx = db.transaction()?;
        tx.execute_batch(migration.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            duckdb::params![migration.version, migration.name, Utc::now().naive_utc()],
        )?;
        tx.commit()?;
        applied.push(migration.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(db: &Connection) -> Vec<i64> {
        db.prepare("SELECT version FROM schema_migrations ORDER BY version")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<duckdb::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_failing_migration_leaves_neither_its_changes_nor_its_record() {
        let mut db = Connection::open_in_memory().unwrap();
        let first = Migration {
            version: 1,
            name: "first",
            sql: "CREATE TABLE a (x INTEGER);",
        };
        let broken = Migration {
            version: 2,
            name: "broken",
            sql: "CREATE TABLE b (x INTEGER); SELECT no_such_function();",
        };
        assert!(apply(&mut db, &[first, broken]).is_err());
        assert_eq!(versions(&db), [1]);
        let b_tables: i64 = db
            .query_row(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'b'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(b_tables, 0, "the failed migration's table is rolled back");

        let fixed = Migration {
            sql: "CREATE TABLE b (x INTEGER);",
            ..broken
        };
        assert_eq!(apply(&mut db, &[first, fixed]).unwrap(), [2]);
        assert_eq!(versions(&db), [1, 2]);
    }
}
