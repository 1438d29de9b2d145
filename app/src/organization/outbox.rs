//! The outbox: every mail Huddle sent or is sending for an organization,
//! each shown as its recipient sees it. With no SMTP server configured this
//! is where mail ends up, so a demo shows all it would have sent.

use crate::components::nav::TopBar;
use crate::components::status::{LoadError, Loading};
use crate::error::AppError;
use crate::navigation::NavData;
use domain::mail::{MailState, OpenedMail, OutboxEntry};
use domain::organization::Organization;
use domain::OrganizationId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// The newest mails the page lists.
#[cfg(feature = "ssr")]
const SHOWN: i64 = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub nav: NavData,
    pub organization: Organization,
    pub entries: Vec<OutboxEntry>,
    /// Mail is written to files rather than sent (no SMTP configured).
    pub embedded: bool,
}

#[server(prefix = "/api", endpoint = "outbox")]
pub async fn load_outbox(organization: Option<OrganizationId>) -> Result<Outbox, AppError> {
    let user = crate::server::require_user().await?;
    let backend = crate::server::backend()?;
    let organizations = backend.meta.organizations_for_user(user.id).await?;
    let (organization, _) =
        super::settings::chosen_organization(&backend.meta, &user, &organizations, organization)
            .await?;
    let entries = backend.meta.outbox(user.id, organization.id, SHOWN).await?;
    Ok(Outbox {
        nav: crate::navigation::load(user).await?,
        organization,
        entries,
        embedded: backend.mail_goes_to_outbox(),
    })
}

#[server(prefix = "/api", endpoint = "outbox_mail")]
pub async fn outbox_mail(organization: OrganizationId, id: i64) -> Result<OpenedMail, AppError> {
    let user = crate::server::require_user().await?;
    Ok(crate::server::backend()?
        .opened_mail(user.id, organization, id)
        .await?)
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let query = use_query_map();
    let organization = move || {
        query
            .read()
            .get("organization")
            .and_then(|id| id.parse::<OrganizationId>().ok())
    };
    let outbox = Resource::new(organization, load_outbox);
    view! {
        <Title text="Outbox · Huddle"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match outbox.await {
                    Ok(outbox) => view! { <OutboxView outbox/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OutboxView(outbox: Outbox) -> impl IntoView {
    let organization = outbox.organization.id;
    let opened = RwSignal::new(None::<i64>);
    let mail = Resource::new(
        move || opened.get(),
        move |id| async move {
            match id {
                Some(id) => Some(outbox_mail(organization, id).await),
                None => None,
            }
        },
    );
    let note = if outbox.embedded {
        "No SMTP server is configured (HUDDLE_SMTP_URL), so mail is written to the outbox directory instead of being sent. Password resets go only to their recipient and are not listed."
    } else {
        "Mail is sent through the configured SMTP server. Password resets go only to their recipient and are not listed."
    };
    view! {
        <TopBar nav=outbox.nav/>
        <main class="page">
            <div class="page-header">
                <div>
                    <p class="eyebrow">
                        <a href=format!("{}?organization={organization}", domain::paths::ORGANIZATION_SETTINGS)>{outbox.organization.name}</a>
                    </p>
                    <h1>"Outbox"</h1>
                    <p class="muted">{note}</p>
                </div>
            </div>
            <section class="card">
                {if outbox.entries.is_empty() {
                    view! { <p class="muted">"No mail yet. Invites and subscriptions appear here."</p> }.into_any()
                } else {
                    view! {
                        <table class="table" data-testid="outbox">
                            <thead><tr><th>"Subject"</th><th>"To"</th><th>"Kind"</th><th>"Queued"</th><th>"Status"</th></tr></thead>
                            <tbody>
                                {outbox.entries.into_iter().map(|entry| {
                                    let id = entry.id;
                                    let failed = entry.status.state == MailState::Failed;
                                    view! {
                                        <tr class:selected=move || opened.get() == Some(id)>
                                            <td>
                                                <button type="button" class="link-button" on:click=move |_| opened.set(Some(id))>
                                                    {entry.subject}
                                                </button>
                                            </td>
                                            <td class="muted">{entry.recipient}</td>
                                            <td class="muted">{entry.purpose.label()}</td>
                                            <td class="muted">{entry.created_at.format("%b %-d, %H:%M UTC").to_string()}</td>
                                            <td class:text-danger=failed>{entry.status.summary()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <Transition>
                {move || Suspend::new(async move {
                    match mail.await {
                        Some(Ok(mail)) => view! { <MailView mail/> }.into_any(),
                        Some(Err(error)) => view! { <LoadError error/> }.into_any(),
                        None => ().into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// A mail as its recipient sees it: the HTML part in a sandboxed frame (no
/// scripts, no same-origin access), its images inline, and the text part.
#[component]
fn MailView(mail: OpenedMail) -> impl IntoView {
    view! {
        <section class="card mail" data-testid="opened-mail">
            <dl class="mail-headers">
                <dt>"From"</dt><dd>{mail.from}</dd>
                <dt>"To"</dt><dd>{mail.entry.recipient}</dd>
                <dt>"Subject"</dt><dd data-testid="mail-subject">{mail.entry.subject}</dd>
                <dt>"Images"</dt><dd data-testid="mail-images">{mail.images}</dd>
            </dl>
            <iframe class="mail-body" title="The mail as its recipient sees it" sandbox="" srcdoc=mail.html></iframe>
            <details>
                <summary>"Plain-text part"</summary>
                <pre class="mail-text">{mail.text}</pre>
            </details>
        </section>
    }
}
