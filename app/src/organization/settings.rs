use super::initial;
use crate::components::copy::CopyField;
use crate::components::form::{field_error, form_error, Field, FormAlert, Submit};
use crate::components::nav::TopBar;
use crate::components::status::{LoadError, Loading};
use crate::error::AppError;
use crate::navigation::NavData;
use domain::invite::{Invite, PendingInvite};
use domain::organization::{Member, MembershipChange, Organization, Role};
use domain::{InviteId, OrganizationId, UserId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSettings {
    pub nav: NavData,
    pub organization: Organization,
    pub role: Role,
    pub members: Vec<Member>,
    /// Pending invites (without links: only a digest of each token is
    /// stored); only for owners and admins.
    pub invites: Option<Vec<PendingInvite>>,
    /// Every organization the user belongs to, to move between them.
    pub organizations: Vec<Organization>,
}

/// A new invite and its link, shown once: the link cannot be shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLink {
    pub invite: Invite,
    pub url: String,
}

/// The settings of `organization`, or of the organization of the user's
/// default project when none is named.
#[server(prefix = "/api", endpoint = "organization_settings")]
pub async fn load_organization_settings(
    organization: Option<OrganizationId>,
) -> Result<OrganizationSettings, AppError> {
    let user = crate::server::require_user().await?;
    let backend = crate::server::backend()?;
    let meta = &backend.meta;
    let organizations = meta.organizations_for_user(user.id).await?;
    let (organization, role) =
        chosen_organization(meta, &user, &organizations, organization).await?;
    let members = meta.members(user.id, organization.id).await?;
    let invites = if role.manages_members() {
        Some(backend.pending_invites(user.id, organization.id).await?)
    } else {
        None
    };
    Ok(OrganizationSettings {
        nav: crate::navigation::load(user).await?,
        organization,
        role,
        members,
        invites,
        organizations: organizations.into_iter().map(|(org, _)| org).collect(),
    })
}

/// Changes a member's role. The changed member's other sessions see the new
/// role at once: roles are read from the store on every request, never kept
/// in the session. When it is the caller's own role, their session gets a new id.
/// `organization` among the user's ones, or the one of their default
/// project when none is named.
#[cfg(feature = "ssr")]
pub(super) async fn chosen_organization(
    meta: &backend::MetaStore,
    user: &domain::account::User,
    organizations: &[(Organization, Role)],
    organization: Option<OrganizationId>,
) -> Result<(Organization, Role), AppError> {
    let chosen = match organization {
        Some(id) => organizations.iter().find(|(org, _)| org.id == id),
        None => match meta.default_project(user.id).await? {
            Some(project) => {
                let org = meta.scope(user.id, project).await?.organization().id;
                organizations.iter().find(|(o, _)| o.id == org)
            }
            None => organizations.first(),
        },
    };
    chosen.cloned().ok_or(AppError::NotFound)
}

#[server(prefix = "/api", endpoint = "change_role")]
pub async fn change_role(
    organization: OrganizationId,
    user_id: UserId,
    role: String,
) -> Result<(), AppError> {
    let user = crate::server::require_user().await?;
    let role = Role::parse(&role)?;
    crate::server::backend()?
        .meta
        .change_role(user.id, organization, user_id, role)
        .await?;
    if user_id == user.id {
        crate::server::cycle_session().await?;
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(organization: OrganizationId, user_id: UserId) -> Result<(), AppError> {
    let user = crate::server::require_user().await?;
    Ok(crate::server::backend()?
        .meta
        .remove_member(user.id, organization, user_id)
        .await?)
}

#[server(prefix = "/api", endpoint = "create_invite")]
pub async fn create_invite(
    organization: OrganizationId,
    email: String,
    role: String,
) -> Result<InviteLink, AppError> {
    use backend::meta::NewInvite;
    let user = crate::server::require_user().await?;
    let new = NewInvite {
        email: domain::account::Email::parse(&email)?,
        role: Role::parse(&role)?,
    };
    let created = crate::server::backend()?
        .create_invite(user.id, organization, new)
        .await?;
    Ok(InviteLink {
        url: crate::server::absolute_url(&domain::paths::invite(&created.token))?,
        invite: created.invite,
    })
}

#[server(prefix = "/api", endpoint = "revoke_invite")]
pub async fn revoke_invite(organization: OrganizationId, invite: InviteId) -> Result<(), AppError> {
    let user = crate::server::require_user().await?;
    Ok(crate::server::backend()?
        .meta
        .revoke_invite(user.id, organization, invite)
        .await?)
}

#[component]
pub fn OrganizationSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let change_role = ServerAction::<ChangeRole>::new();
    let remove_member = ServerAction::<RemoveMember>::new();
    let create_invite = ServerAction::<CreateInvite>::new();
    let revoke_invite = ServerAction::<RevokeInvite>::new();
    let organization = move || {
        query
            .read()
            .get("organization")
            .and_then(|id| id.parse::<OrganizationId>().ok())
    };
    let settings = Resource::new(
        move || {
            (
                organization(),
                change_role.version().get(),
                remove_member.version().get(),
                create_invite.version().get(),
                revoke_invite.version().get(),
            )
        },
        |(organization, ..)| load_organization_settings(organization),
    );
    let actions = Actions {
        change_role,
        remove_member,
        revoke_invite,
    };
    view! {
        <Title text="Organization · Huddle"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! { <SettingsView settings actions create_invite/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    change_role: ServerAction<ChangeRole>,
    remove_member: ServerAction<RemoveMember>,
    revoke_invite: ServerAction<RevokeInvite>,
}

#[component]
fn SettingsView(
    settings: OrganizationSettings,
    actions: Actions,
    create_invite: ServerAction<CreateInvite>,
) -> impl IntoView {
    let org = settings.organization.clone();
    let manages = settings.role.manages_members();
    let owners = settings
        .members
        .iter()
        .filter(|m| m.role == Role::Owner)
        .count();
    let member_error = Signal::derive(move || {
        form_error(actions.change_role)
            .get()
            .or_else(|| form_error(actions.remove_member).get())
    });
    let others = settings
        .organizations
        .into_iter()
        .filter(|o| o.id != org.id)
        .collect::<Vec<_>>();
    view! {
        <TopBar nav=settings.nav/>
        <main class="page">
            <div class="page-header">
                <div>
                    <p class="eyebrow">"Organization"</p>
                    <h1>{org.name.clone()}</h1>
                </div>
                {(!others.is_empty()).then(|| view! {
                    <nav class="chips" aria-label="Your other organizations">
                        {others.into_iter().map(|o| view! {
                            <a class="chip" href=format!("?organization={}", o.id)>{o.name}</a>
                        }).collect_view()}
                    </nav>
                })}
            </div>
            <section class="card">
                <h2>"Members"</h2>
                <FormAlert error=member_error/>
                <table class="table" data-testid="members">
                    <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Joined"</th><th></th></tr></thead>
                    <tbody>
                        {settings.members.into_iter().map(|member| {
                            let removal = MembershipChange { actor: settings.role, target: member.role, owners };
                            let removable = removal.check_removal().is_ok();
                            view! { <MemberRow member organization=org.id manages removable actions/> }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            {settings.invites.map(|invites| view! {
                <InviteSection organization=org.id actor=settings.role invites create_invite revoke=actions.revoke_invite/>
            })}
            {settings.role.manages_projects().then(|| view! { <super::policies::PolicySettings organization=org.id/> })}
            {manages.then(|| view! {
                <section class="card">
                    <h2>"Mail"</h2>
                    <p class="muted">"Every mail Huddle sent or is sending for this organization, with its status."</p>
                    <a class="btn" href=format!("{}?organization={}", domain::paths::OUTBOX, org.id) data-testid="open-outbox">"Open the outbox"</a>
                </section>
            })}
        </main>
    }
}

#[component]
fn MemberRow(
    member: Member,
    organization: OrganizationId,
    manages: bool,
    /// Whether the rules let the viewer remove this member (never the last owner).
    removable: bool,
    actions: Actions,
) -> impl IntoView {
    let user_id = member.user_id;
    let role_cell = if manages {
        view! {
            <select
                aria-label=format!("Role of {}", member.name)
                on:change=move |ev| {
                    actions.change_role.dispatch(ChangeRole { organization, user_id, role: event_target_value(&ev) });
                }
            >
                {Role::ALL.into_iter().map(|role| view! {
                    <option value=role.as_str() selected=role == member.role>{role.label()}</option>
                }).collect_view()}
            </select>
        }
        .into_any()
    } else {
        view! { <span class="badge">{member.role.label()}</span> }.into_any()
    };
    view! {
        <tr>
            <td><span class="avatar" aria-hidden="true">{initial(&member.name)}</span>" "{member.name.clone()}</td>
            <td class="muted">{member.email}</td>
            <td>{role_cell}</td>
            <td class="muted">{member.joined_at.format("%b %-d, %Y").to_string()}</td>
            <td class="cell-actions">
                {removable.then(|| view! {
                    <button type="button" class="btn btn-danger-ghost" data-testid="remove-member"
                        on:click=move |_| { actions.remove_member.dispatch(RemoveMember { organization, user_id }); }>
                        "Remove"
                    </button>
                })}
            </td>
        </tr>
    }
}

#[component]
fn InviteSection(
    organization: OrganizationId,
    actor: Role,
    invites: Vec<PendingInvite>,
    create_invite: ServerAction<CreateInvite>,
    revoke: ServerAction<RevokeInvite>,
) -> impl IntoView {
    let created = move || match create_invite.value().get() {
        Some(Ok(link)) => Some(view! {
            <div class="alert alert-success" data-testid="new-invite">
                <p>"Invite mailed to " <strong>{link.invite.email}</strong> ". The link works once, for 3 days; you can also send it yourself. Copy it now: it is not shown again."</p>
                <CopyField value=link.url label="Invite link"/>
            </div>
        }),
        _ => None,
    };
    let roles = Role::ALL
        .into_iter()
        .filter(move |role| *role != Role::Owner || actor == Role::Owner);
    view! {
        <section class="card" id="invite">
            <h2>"Invite a teammate"</h2>
            <ActionForm action=create_invite attr:class="form form-inline">
                <input type="hidden" name="organization" value=organization.to_string()/>
                <Field label="Email" error=field_error(create_invite, "email")>
                    <input type="email" name="email" required placeholder="teammate@company.com"/>
                </Field>
                <Field label="Role" error=field_error(create_invite, "role")>
                    <select name="role">
                        {roles.map(|role| view! { <option value=role.as_str() selected=role == Role::Member>{role.label()}</option> }).collect_view()}
                    </select>
                </Field>
                <Submit label="Send invite" pending=create_invite.pending()/>
            </ActionForm>
            <FormAlert error=form_error(create_invite)/>
            {created}
            <h3>"Pending invites"</h3>
            <p class="muted">"A link is shown only when its invite is created. To send a new one, invite the same email again."</p>
            <FormAlert error=form_error(revoke)/>
            {if invites.is_empty() {
                view! { <p class="muted">"No pending invites."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="pending-invites">
                        <thead><tr><th>"Email"</th><th>"Role"</th><th>"Invited by"</th><th>"Expires"</th><th>"Mail"</th><th></th></tr></thead>
                        <tbody>
                            {invites.into_iter().map(|PendingInvite { invite, mail }| {
                                let id = invite.id;
                                let failed = mail.as_ref().is_some_and(|m| m.state != domain::mail::MailState::Sent);
                                view! {
                                    <tr>
                                        <td>{invite.email}</td>
                                        <td>{invite.role.label()}</td>
                                        <td class="muted">{invite.invited_by.unwrap_or_default()}</td>
                                        <td class="muted">{invite.expires_at.format("%b %-d, %H:%M UTC").to_string()}</td>
                                        <td class:muted=!failed data-testid="invite-mail">{mail.map_or_else(|| "Not mailed".to_owned(), |m| m.summary())}</td>
                                        <td class="cell-actions">
                                            <button type="button" class="btn btn-danger-ghost"
                                                on:click=move |_| { revoke.dispatch(RevokeInvite { organization, invite: id }); }>
                                                "Revoke"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
