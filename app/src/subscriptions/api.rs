//! The server functions of subscriptions: the Subscribe panel's (anyone who
//! can see the insight or dashboard) and the unsubscribe page's (anyone
//! holding a mail's signed link).

use crate::error::AppError;
use domain::organization::Member;
use domain::project::TimeZone;
use domain::sharing::ShareTarget;
use domain::subscription::{Delivery, Subscription, SubscriptionDraft};
use domain::ProjectId;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The deliveries each subscription shows.
#[cfg(feature = "ssr")]
const DELIVERIES_SHOWN: i64 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub subscription: Subscription,
    pub deliveries: Vec<Delivery>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionsPanel {
    pub rows: Vec<SubscriptionRow>,
    /// The organization's members, to pick recipients from.
    pub members: Vec<Member>,
    /// Whether addresses outside the organization may be added.
    pub external_recipients: bool,
    /// The project's zone: schedules are read in it.
    pub time_zone: TimeZone,
}

#[server(prefix = "/api", endpoint = "subscriptions", input = Json)]
pub async fn load_subscriptions(
    project_id: ProjectId,
    target: ShareTarget,
) -> Result<SubscriptionsPanel, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let mut rows = Vec::new();
    for subscription in backend.meta.subscriptions(&scope, target).await? {
        let deliveries = backend
            .meta
            .deliveries(&scope, subscription.id, DELIVERIES_SHOWN)
            .await?;
        rows.push(SubscriptionRow {
            subscription,
            deliveries,
        });
    }
    Ok(SubscriptionsPanel {
        rows,
        members: backend.meta.project_members(&scope).await?,
        external_recipients: backend
            .meta
            .project_policy(&scope, domain::organization::Policy::ExternalRecipients)
            .await?,
        time_zone: scope.time_zone(),
    })
}

#[server(prefix = "/api", endpoint = "subscribe", input = Json)]
pub async fn subscribe(
    project_id: ProjectId,
    target: ShareTarget,
    draft: SubscriptionDraft,
) -> Result<Subscription, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend.subscribe(&scope, target, draft).await?)
}

#[server(prefix = "/api", endpoint = "update_subscription", input = Json)]
pub async fn update_subscription(
    project_id: ProjectId,
    id: i64,
    draft: SubscriptionDraft,
) -> Result<Subscription, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend.change_subscription(&scope, id, draft).await?)
}

#[server(prefix = "/api", endpoint = "delete_subscription")]
pub async fn delete_subscription(project_id: ProjectId, id: i64) -> Result<(), AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend.meta.delete_subscription(&scope, id).await?)
}

/// "Send a test now": delivered at once to the subscription's destination.
#[server(prefix = "/api", endpoint = "test_subscription")]
pub async fn test_subscription(project_id: ProjectId, id: i64) -> Result<(), AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    backend.send_test(&scope, id).await?;
    Ok(())
}

/// The unsubscribe page's button; the link's signature is the authority.
#[server(prefix = "/api", endpoint = "unsubscribe")]
pub async fn unsubscribe(subscription: i64, email: String, token: String) -> Result<(), AppError> {
    Ok(crate::server::backend()?
        .unsubscribe(subscription, &email, &token)
        .await?)
}
