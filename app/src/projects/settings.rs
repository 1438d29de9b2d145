use super::{use_current_project, with_project};
use crate::components::copy::CopyField;
use crate::components::form::{field_error, form_error, Field, FormAlert, Submit, TimeZoneSelect};
use crate::error::AppError;
use domain::ProjectId;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(prefix = "/api", endpoint = "update_project")]
pub async fn update_project(
    project_id: ProjectId,
    project_name: String,
    time_zone: String,
) -> Result<(), AppError> {
    use domain::project::{ProjectName, TimeZone};
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let name = ProjectName::parse(&project_name)?;
    let time_zone = TimeZone::parse(&time_zone)?;
    backend
        .meta
        .update_project(&scope, &name, &time_zone)
        .await?;
    Ok(())
}

/// Who may use a project, as its settings page shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProjectPrivacy {
    pub private: bool,
    pub listed: Vec<domain::UserId>,
    pub members: Vec<domain::organization::Member>,
}

#[server(prefix = "/api", endpoint = "project_privacy")]
pub async fn load_privacy(project_id: ProjectId) -> Result<ProjectPrivacy, AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    let meta = &backend.meta;
    let (private, listed) = meta.project_privacy(&scope).await?;
    Ok(ProjectPrivacy {
        private,
        listed,
        members: meta.project_members(&scope).await?,
    })
}

#[server(prefix = "/api", endpoint = "set_project_privacy", input = leptos::server_fn::codec::Json)]
pub async fn set_privacy(
    project_id: ProjectId,
    private: bool,
    members: Vec<domain::UserId>,
) -> Result<(), AppError> {
    let (backend, scope) = crate::server::project_scope(project_id).await?;
    Ok(backend
        .meta
        .set_project_privacy(&scope, private, &members)
        .await?)
}

/// Admins choose whether the whole organization may use the project, or only
/// the members they tick.
#[component]
fn PrivacySection(project_id: ProjectId, privacy: ProjectPrivacy, can_edit: bool) -> impl IntoView {
    let save = Action::new(move |(private, members): &(bool, Vec<domain::UserId>)| {
        set_privacy(project_id, *private, members.clone())
    });
    let error = Signal::derive(move || match save.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let members = privacy.members.clone();
    view! {
        <section class="card" data-testid="privacy">
            <h2>"Who can use this project"</h2>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                let form = event_target::<web_sys::HtmlFormElement>(&ev);
                let elements = form.elements();
                let checked = |name: &str| {
                    elements.named_item(name)
                        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(el).ok())
                        .is_some_and(|input| input.checked())
                };
                let listed = members.iter().map(|m| m.user_id).filter(|id| checked(&format!("member-{id}"))).collect();
                save.dispatch((checked("private"), listed));
            }>
                <label class="checkbox">
                    <input type="checkbox" name="private" checked=privacy.private disabled=!can_edit data-testid="private"/>
                    " Private: only owners, admins and the members ticked below can use it"
                </label>
                <ul class="link-list">
                    {privacy.members.into_iter().map(|m| {
                        let admin = m.role != domain::organization::Role::Member;
                        view! {
                            <li><label class="checkbox">
                                <input type="checkbox" name=format!("member-{}", m.user_id) checked={admin || privacy.listed.contains(&m.user_id)} disabled={!can_edit || admin}/>
                                " " {m.name.clone()} {admin.then_some(" (always, as owner or admin)")}
                            </label></li>
                        }
                    }).collect_view()}
                </ul>
                <FormAlert error/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=!can_edit data-testid="save-privacy">"Save access"</button>
                    {move || saved().then(|| view! { <span class="saved" role="status">"Saved"</span> })}
                </div>
            </form>
        </section>
    }
}

#[component]
pub fn ProjectSettingsPage() -> impl IntoView {
    let project_id = super::use_project_id();
    let privacy = Resource::new(move || project_id.get(), load_privacy);
    let current = use_current_project();
    let action = ServerAction::<UpdateProject>::new();
    // Reload the project (and so the navigation) after a successful save.
    Effect::new(move || {
        if let Some(Ok(())) = action.value().get() {
            current.0.refetch();
        }
    });
    with_project(move |ctx| {
        let project = ctx.access.project;
        let can_edit = ctx.access.role.manages_projects();
        let read_only = Signal::derive(move || !can_edit);
        let saved = move || matches!(action.value().get(), Some(Ok(())));
        view! {
            <Title text=format!("Settings · {} · Huddle", project.name)/>
            <main class="page page-narrow">
                <h1>"Project settings"</h1>
                <section class="card">
                    <h2>"General"</h2>
                    {(!can_edit).then(|| view! {
                        <p class="alert alert-info">"Only owners and admins of the organization can change these settings."</p>
                    })}
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="project_id" value=project.id.to_string()/>
                        <Field label="Project name" error=field_error(action, "project_name")>
                            <input type="text" name="project_name" required value=project.name.clone() disabled=!can_edit/>
                        </Field>
                        <Field label="Time zone" hint="Charts bucket days and weeks in this zone." error=field_error(action, "time_zone")>
                            <TimeZoneSelect selected=project.time_zone.as_str().to_owned() disabled=read_only/>
                        </Field>
                        <FormAlert error=form_error(action)/>
                        <div class="form-actions">
                            <Submit label="Save" pending=action.pending() disabled=read_only/>
                            {move || saved().then(|| view! { <span class="saved" role="status">"Saved"</span> })}
                        </div>
                    </ActionForm>
                </section>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        privacy.await.ok().map(|privacy| view! { <PrivacySection project_id=project.id privacy can_edit/> })
                    })}
                </Transition>
                <section class="card">
                    <h2>"Project API key"</h2>
                    <p class="muted">
                        "Identifies this project when your apps send events. It only allows sending events, so it is safe to ship in client code."
                    </p>
                    <CopyField value=project.api_token label="Project API key"/>
                </section>
                {can_edit.then(|| view! { <crate::sharing::EmbedSecretSection project=project.id/> })}
            </main>
        }
    })
}
