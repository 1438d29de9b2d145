//! Event and property definitions: discovered at ingestion, annotated by people.

use super::projects::parse_role;
use super::{now, MetaStore};
use crate::ingest::Discovered;
use crate::{Error, ProjectScope, Result};
use chrono::{DateTime, SubsecRound, Utc};
use domain::definitions::{
    Annotations, DefinitionId, DefinitionNotes, EventDefinition, PropertyDefinition, PropertyKind,
    PropertyType, Verification,
};
use domain::{ProjectId, UserId};

#[derive(sqlx::FromRow)]
struct Row {
    id: DefinitionId,
    project_id: ProjectId,
    name: String,
    first_seen_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    description: String,
    tags: String,
    owner_id: Option<UserId>,
    owner: Option<String>,
    verified_by: Option<String>,
    verified_at: Option<DateTime<Utc>>,
    kind: Option<String>,
    property_type: Option<String>,
}

impl Row {
    fn annotations(&mut self) -> Annotations {
        Annotations {
            description: std::mem::take(&mut self.description),
            tags: serde_json::from_str(&self.tags).unwrap_or_default(),
            owner: self.owner.take(),
            owner_id: self.owner_id,
            verified: self.verified_at.map(|at| Verification {
                by: self.verified_by.clone().unwrap_or_default(),
                at,
            }),
        }
    }
}

fn seen(at: DateTime<Utc>) -> DateTime<Utc> {
    // Whole seconds keep the stored text comparable as text.
    at.trunc_subsecs(0)
}

impl MetaStore {
    /// Records what ingestion noticed: new names, and fresher "last seen" times.
    pub async fn record_discovered(&self, found: Discovered) -> Result<()> {
        let mut tx = self.write().await?;
        for (project, name, first, last) in found.events {
            sqlx::query(
                "INSERT INTO event_definitions (project_id, name, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (project_id, name) DO UPDATE SET
                   first_seen_at = MIN(first_seen_at, excluded.first_seen_at),
                   last_seen_at = MAX(last_seen_at, excluded.last_seen_at)",
            )
            .bind(project)
            .bind(name)
            .bind(seen(first))
            .bind(seen(last))
            .execute(&mut *tx)
            .await?;
        }
        for (project, kind, name, property_type, at) in found.properties {
            sqlx::query(
                "INSERT INTO property_definitions (project_id, kind, name, property_type, first_seen_at, last_seen_at)
                 VALUES ($1, $2, $3, $4, $5, $5)
                 ON CONFLICT (project_id, kind, name) DO UPDATE SET
                   property_type = COALESCE(property_type, excluded.property_type),
                   first_seen_at = MIN(first_seen_at, excluded.first_seen_at),
                   last_seen_at = MAX(last_seen_at, excluded.last_seen_at)",
            )
            .bind(project)
            .bind(kind.as_str())
            .bind(name)
            .bind(property_type.map(PropertyType::as_str))
            .bind(seen(at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A project's event definitions, for someone with access to it, verified
    /// first. Volumes are filled in by the caller from the events store.
    pub async fn event_definitions(&self, scope: &ProjectScope) -> Result<Vec<EventDefinition>> {
        let rows = self
            .definition_rows(
                "event_definitions",
                "NULL AS kind, NULL AS property_type",
                scope.project_id(),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|mut row| EventDefinition {
                annotations: row.annotations(),
                id: row.id,
                project_id: row.project_id,
                name: row.name,
                first_seen_at: row.first_seen_at,
                last_seen_at: row.last_seen_at,
                volume_30_days: 0,
            })
            .collect())
    }

    pub async fn property_definitions(
        &self,
        scope: &ProjectScope,
    ) -> Result<Vec<PropertyDefinition>> {
        let rows = self
            .definition_rows(
                "property_definitions",
                "d.kind, d.property_type",
                scope.project_id(),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|mut row| PropertyDefinition {
                annotations: row.annotations(),
                kind: if row.kind.as_deref() == Some("person") {
                    PropertyKind::Person
                } else {
                    PropertyKind::Event
                },
                property_type: row.property_type.as_deref().and_then(PropertyType::parse),
                id: row.id,
                project_id: row.project_id,
                name: row.name,
                first_seen_at: row.first_seen_at,
                last_seen_at: row.last_seen_at,
            })
            .collect())
    }

    async fn definition_rows(
        &self,
        table: &'static str,
        extra: &'static str,
        project: ProjectId,
    ) -> Result<Vec<Row>> {
        Ok(sqlx::query_as::<_, Row>(&format!(
            "SELECT d.id, d.project_id, d.name, d.first_seen_at, d.last_seen_at, d.description, d.tags, d.owner_id,
                    o.name AS owner, v.name AS verified_by, d.verified_at, {extra}
             FROM {table} d
             LEFT JOIN users o ON o.id = d.owner_id
             LEFT JOIN users v ON v.id = d.verified_by
             WHERE d.project_id = $1
             ORDER BY d.verified_at IS NULL, d.name COLLATE NOCASE"
        ))
        .bind(project)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Saves what a member wrote about an event definition.
    pub async fn annotate_event_definition(
        &self,
        scope: &ProjectScope,
        id: DefinitionId,
        notes: &DefinitionNotes,
    ) -> Result<()> {
        self.annotate("event_definitions", scope, id, notes).await
    }

    pub async fn annotate_property_definition(
        &self,
        scope: &ProjectScope,
        id: DefinitionId,
        notes: &DefinitionNotes,
    ) -> Result<()> {
        self.annotate("property_definitions", scope, id, notes)
            .await
    }

    async fn annotate(
        &self,
        table: &'static str,
        scope: &ProjectScope,
        id: DefinitionId,
        notes: &DefinitionNotes,
    ) -> Result<()> {
        if let Some(owner) = notes.owner_id {
            let role: Option<String> = sqlx::query_scalar(
                "SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2",
            )
            .bind(scope.organization().id)
            .bind(owner)
            .fetch_optional(&self.pool)
            .await?;
            role.as_deref()
                .map(parse_role)
                .transpose()?
                .ok_or_else(|| {
                    Error::Invalid(domain::Invalid::new(
                        "owner_id",
                        "The owner must be a member of this organization.",
                    ))
                })?;
        }
        let tags = serde_json::to_string(&notes.tags)?;
        // Verifying keeps the first verifier; unverifying clears it.
        let updated = sqlx::query(&format!(
            "UPDATE {table} SET description = $1, tags = $2, owner_id = $3,
                verified_by = CASE WHEN $4 THEN COALESCE(verified_by, $5) ELSE NULL END,
                verified_at = CASE WHEN $4 THEN COALESCE(verified_at, $6) ELSE NULL END
             WHERE id = $7 AND project_id = $8"
        ))
        .bind(&notes.description)
        .bind(tags)
        .bind(notes.owner_id)
        .bind(notes.verified)
        .bind(scope.user())
        .bind(now())
        .bind(id)
        .bind(scope.project_id())
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(())
    }
}
