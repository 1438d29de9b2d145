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
    let user = crate::server::require_user().await?;
    let name = ProjectName::parse(&project_name)?;
    let time_zone = TimeZone::parse(&time_zone)?;
    crate::server::backend()?
        .meta
        .update_project(user.id, project_id, &name, &time_zone)
        .await?;
    Ok(())
}

#[component]
pub fn ProjectSettingsPage() -> impl IntoView {
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
                        <input type="hidden" name="project_id" value=project.id/>
                        <Field label="Project name" error=field_error(action, "project_name")>
                            <input type="text" name="project_name" required maxlength="64" value=project.name.clone() disabled=!can_edit/>
                        </Field>
                        <Field label="Time zone" hint="Charts bucket days and weeks in this zone." error=field_error(action, "time_zone")>
                            <TimeZoneSelect selected=project.time_zone.clone() disabled=read_only/>
                        </Field>
                        <FormAlert error=form_error(action)/>
                        <div class="form-actions">
                            <Submit label="Save" pending=action.pending() disabled=read_only/>
                            {move || saved().then(|| view! { <span class="saved" role="status">"Saved"</span> })}
                        </div>
                    </ActionForm>
                </section>
                <section class="card">
                    <h2>"Project API key"</h2>
                    <p class="muted">
                        "Identifies this project when your apps send events. It only allows sending events, so it is safe to ship in client code."
                    </p>
                    <CopyField value=project.api_token label="Project API key"/>
                </section>
            </main>
        }
    })
}
