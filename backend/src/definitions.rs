//! Data management across both stores: definitions from the metadata store,
//! volumes from the events store.

use crate::{Backend, Error, ProjectScope, Result};
use chrono::{Duration, Utc};
use domain::definitions::{verified_first, EventDefinition};
use domain::DefinitionId;

impl Backend {
    /// A project's event definitions with their 30-day volume, verified first.
    pub async fn event_definitions(&self, scope: &ProjectScope) -> Result<Vec<EventDefinition>> {
        let mut definitions = self.meta.event_definitions(scope).await?;
        let volumes = self
            .events
            .event_volumes(scope, Utc::now() - Duration::days(30))
            .await?;
        for definition in &mut definitions {
            definition.volume_30_days = volumes.get(&definition.name).copied().unwrap_or(0);
        }
        verified_first(
            &mut definitions,
            |d| d.annotations.verified.is_some(),
            |a, b| b.volume_30_days.cmp(&a.volume_30_days),
        );
        Ok(definitions)
    }

    /// One event definition of the project, with its 30-day volume.
    pub async fn event_definition(
        &self,
        scope: &ProjectScope,
        id: DefinitionId,
    ) -> Result<EventDefinition> {
        self.event_definitions(scope)
            .await?
            .into_iter()
            .find(|definition| definition.id == id)
            .ok_or(Error::NotFound)
    }
}
