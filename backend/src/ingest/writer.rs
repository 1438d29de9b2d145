//! The single writer: takes queued requests in groups, resolves persons, and
//! commits each group in one DuckDB transaction. When a group fails, each of
//! its requests is written on its own, so only a bad one gets the error.
//!
//! An event uuid already stored recently (an SDK retrying a request it got no
//! answer for) is skipped. The window is the last [`RECENT_UUIDS`] events
//! written since the process started; it is not persisted.

use super::discovery::{Discovered, Discovery};
use super::persons::{Person, ProjectPersons};
use super::raw::NewEvent;
use super::{IngestError, Job};
use crate::events::{DataVersions, HOT_PROPERTIES};
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::ProjectId;
use duckdb::types::{TimeUnit, Value as Db};
use duckdb::{params, Connection};
use lru::LruCache;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use tokio::sync::mpsc;
use uuid::Uuid;

/// How many queued requests one transaction takes at most.
const GROUP: usize = 64;

/// How many stored event uuids are remembered to skip retried events.
const RECENT_UUIDS: usize = 100_000;

pub struct Writer {
    db: Connection,
    persons: HashMap<ProjectId, ProjectPersons>,
    recent: LruCache<(ProjectId, Uuid), ()>,
    discovery: Discovery,
    discovered: mpsc::Sender<Discovered>,
    versions: DataVersions,
}

impl Writer {
    pub fn new(
        db: Connection,
        discovered: mpsc::Sender<Discovered>,
        versions: DataVersions,
    ) -> duckdb::Result<Self> {
        // Changed persons and mappings are appended here first, then moved
        // into place with one set-based statement each: row-by-row updates
        // are slow in a column store.
        db.execute_batch(
            "CREATE TEMP TABLE persons_staging AS SELECT * FROM persons LIMIT 0;
             CREATE TEMP TABLE distinct_ids_staging AS SELECT * FROM person_distinct_ids LIMIT 0;",
        )?;
        Ok(Self {
            db,
            persons: HashMap::new(),
            recent: LruCache::new(NonZeroUsize::new(RECENT_UUIDS).expect("not zero")),
            discovery: Discovery::default(),
            discovered,
            versions,
        })
    }

    pub fn run(mut self, mut jobs: mpsc::Receiver<Job>) {
        while let Some(first) = jobs.blocking_recv() {
            let mut group = vec![first];
            while group.len() < GROUP {
                match jobs.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => break,
                }
            }
            let results = self.write_group(&group);
            for (job, result) in group.into_iter().zip(results) {
                let Job {
                    project,
                    events,
                    done,
                    reserved,
                } = job;
                // Room is given back before answering, so a sender told "stored" can send again.
                drop((events, reserved));
                if result.is_ok() {
                    // Before answering, so a reader after the 200 sees the new version.
                    self.versions.bump(project);
                }
                let _ = done.send(result);
            }
            self.report_discoveries();
        }
    }

    fn write_group(&mut self, group: &[Job]) -> Vec<Result<(), IngestError>> {
        let Err(err) = self.write(group) else {
            return vec![Ok(()); group.len()];
        };
        if group.len() == 1 {
            return vec![Err(self.failed(err))];
        }
        tracing::warn!(error = %err, requests = group.len(), "storing a group of requests failed; storing them one by one");
        self.persons.clear();
        let mut results = Vec::with_capacity(group.len());
        for job in group {
            let result = self.write(std::slice::from_ref(job));
            results.push(result.map_err(|err| self.failed(err)));
        }
        results
    }

    fn failed(&mut self, err: duckdb::Error) -> IngestError {
        tracing::error!(error = %err, "storing events failed");
        // In-memory persons may now be ahead of the database.
        self.persons.clear();
        IngestError::Store(err.to_string())
    }

    fn write(&mut self, group: &[Job]) -> duckdb::Result<()> {
        self.db.execute_batch("BEGIN TRANSACTION")?;
        let stored = self
            .write_in_transaction(group)
            .and_then(|stored| self.db.execute_batch("COMMIT").map(|()| stored));
        match stored {
            Ok(stored) => {
                for persons in self.persons.values_mut() {
                    persons.clear_changes();
                }
                for (project, event) in stored {
                    self.recent.put((project, event.uuid), ());
                    self.discovery.observe(project, event);
                }
                Ok(())
            }
            Err(err) => {
                let _ = self.db.execute_batch("ROLLBACK");
                Err(err)
            }
        }
    }

    /// Appends the group's events, leaving out repeated uuids, and returns
    /// those appended.
    fn write_in_transaction<'a>(
        &mut self,
        group: &'a [Job],
    ) -> duckdb::Result<Vec<(ProjectId, &'a NewEvent)>> {
        let inserted_at = timestamp(Utc::now());
        let mut rows = Vec::with_capacity(group.iter().map(|job| job.events.len()).sum());
        let mut in_group = HashSet::new();
        for job in group {
            self.load_project(job.project)?;
            let persons = self.persons.get_mut(&job.project).expect("loaded above");
            for event in &job.events {
                let key = (job.project, event.uuid);
                if self.recent.contains(&key) || !in_group.insert(key) {
                    continue;
                }
                let person = persons.apply(event);
                rows.push((job.project, event, person));
            }
        }
        let mut appender = self.db.appender("events")?;
        for (project, event, person) in &rows {
            // A JSON null is stored as no value, as reading the JSON gives.
            let hot = HOT_PROPERTIES.map(|(_, property)| {
                event
                    .properties
                    .get(property)
                    .filter(|value| !value.is_null())
                    .map(text)
            });
            let [current_url, browser, os, country, session_id] = hot;
            appender.append_row(params![
                event.uuid.to_string(),
                project.get(),
                timestamp(event.timestamp),
                event.event,
                event.distinct_id,
                person.to_string(),
                serde_json::to_string(&event.properties).unwrap_or_default(),
                current_url,
                browser,
                os,
                country,
                session_id,
                inserted_at.clone(),
            ])?;
        }
        appender.flush()?;
        drop(appender);
        self.write_persons()?;
        Ok(rows
            .into_iter()
            .map(|(project, event, _)| (project, event))
            .collect())
    }

    /// Sends what discovery found without waiting: when the recorder is
    /// behind and the channel full, the report is kept and merged into the
    /// next one, so ingestion never waits on the metadata store.
    fn report_discoveries(&mut self) {
        if let Some(found) = self.discovery.take() {
            if let Err(mpsc::error::TrySendError::Full(found)) = self.discovered.try_send(found) {
                self.discovery.restore(found);
            }
        }
    }

    fn write_persons(&mut self) -> duckdb::Result<()> {
        let mut mappings = self.db.appender("distinct_ids_staging")?;
        let mut changed = self.db.appender("persons_staging")?;
        for (project, persons) in &self.persons {
            for distinct_id in &persons.remapped {
                let person = persons
                    .person_of(distinct_id)
                    .expect("remapped ids are mapped");
                mappings.append_row(params![project.get(), &**distinct_id, person.to_string()])?;
            }
            for id in &persons.dirty {
                let Some(person) = persons.person(id) else {
                    continue;
                };
                changed.append_row(params![
                    project.get(),
                    id.to_string(),
                    serde_json::to_string(&person.properties).unwrap_or_default(),
                    person.is_identified,
                    timestamp(person.created_at),
                ])?;
            }
        }
        mappings.flush()?;
        changed.flush()?;
        drop((mappings, changed));
        self.db.execute_batch(
            "DELETE FROM person_distinct_ids USING distinct_ids_staging s
               WHERE person_distinct_ids.project_id = s.project_id AND person_distinct_ids.distinct_id = s.distinct_id;
             INSERT INTO person_distinct_ids SELECT * FROM distinct_ids_staging;
             DELETE FROM distinct_ids_staging;
             DELETE FROM persons USING persons_staging s
               WHERE persons.project_id = s.project_id AND persons.id = s.id;
             INSERT INTO persons SELECT * FROM persons_staging;
             DELETE FROM persons_staging;",
        )?;
        // Merges are rare: one person at a time.
        for (project, persons) in &self.persons {
            for (old, new) in &persons.merged {
                let (old, new) = (old.to_string(), new.to_string());
                self.db.execute(
                    "UPDATE person_overrides SET new_person_id = ? WHERE project_id = ? AND new_person_id = ?",
                    params![new, project.get(), old],
                )?;
                self.db.execute(
                    "INSERT INTO person_overrides VALUES (?, ?, ?)",
                    params![project.get(), old, new],
                )?;
                self.db.execute(
                    "DELETE FROM persons WHERE project_id = ? AND id = ?",
                    params![project.get(), old],
                )?;
            }
        }
        Ok(())
    }

    /// Loads a project's persons the first time it is seen.
    fn load_project(&mut self, project: ProjectId) -> duckdb::Result<()> {
        if self.persons.contains_key(&project) {
            return Ok(());
        }
        let mapping = self
            .db
            .prepare("SELECT distinct_id, person_id::VARCHAR FROM person_distinct_ids WHERE project_id = ?")?
            .query_map([project.get()], |row| Ok((row.get::<_, String>(0)?, uuid(row.get(1)?))))?
            .collect::<duckdb::Result<Vec<_>>>()?;
        let persons = self
            .db
            .prepare("SELECT id::VARCHAR, properties::VARCHAR, is_identified, created_at FROM persons WHERE project_id = ?")?
            .query_map([project.get()], |row| {
                let properties = match serde_json::from_str::<Value>(&row.get::<_, String>(1)?) {
                    Ok(Value::Object(map)) => map,
                    _ => Default::default(),
                };
                let created_at: NaiveDateTime = row.get(3)?;
                Ok((uuid(row.get(0)?), Person { properties, is_identified: row.get(2)?, created_at: created_at.and_utc() }))
            })?
            .collect::<duckdb::Result<Vec<_>>>()?;
        self.persons
            .insert(project, ProjectPersons::load(mapping, persons));
        Ok(())
    }
}

fn uuid(text: String) -> Uuid {
    Uuid::parse_str(&text).unwrap_or_default()
}

fn timestamp(time: DateTime<Utc>) -> Db {
    Db::Timestamp(TimeUnit::Microsecond, time.timestamp_micros())
}

/// Hot-property columns hold text; other JSON values are written as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
