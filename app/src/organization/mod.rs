//! The organization: its members, their roles, and invites.

mod invites;
mod outbox;
pub mod policies;
mod settings;

pub use invites::InvitePage;
pub use outbox::OutboxPage;
pub use settings::OrganizationSettingsPage;

use crate::error::AppError;
use domain::organization::Member;
use domain::ProjectId;
use leptos::prelude::*;

/// The people who can use a project: its organization's members.
#[server(prefix = "/api", endpoint = "project_members")]
pub async fn project_members(project_id: ProjectId) -> Result<Vec<Member>, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend.meta.project_members(&scope).await?)
}

/// A compact read-only list of people.
#[component]
pub fn MembersList(members: Vec<Member>) -> impl IntoView {
    view! {
        <ul class="people">
            {members
                .into_iter()
                .map(|member| view! {
                    <li class="person">
                        <span class="avatar" aria-hidden="true">{initial(&member.name)}</span>
                        <span class="person-name">{member.name}</span>
                        <span class="badge">{member.role.label()}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

pub fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}
