use crate::components::form::{
    field_error, form_error, use_browser_time_zone, Field, FormAlert, Submit, TimeZoneSelect,
};
use crate::components::nav::TopBar;
use crate::components::status::{LoadError, Loading};
use crate::error::AppError;
use crate::navigation::NavData;
use domain::organization::Organization;
use domain::OrganizationId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProjectOptions {
    pub nav: NavData,
    /// Organizations where the user may create projects.
    pub organizations: Vec<Organization>,
}

#[server(prefix = "/api", endpoint = "new_project_options")]
pub async fn load_new_project_options() -> Result<NewProjectOptions, AppError> {
    let user = crate::server::require_user().await?;
    let organizations = crate::server::backend()?
        .meta
        .organizations_for_user(user.id)
        .await?
        .into_iter()
        .filter(|(_, role)| role.manages_projects())
        .map(|(organization, _)| organization)
        .collect();
    Ok(NewProjectOptions {
        nav: crate::navigation::load(user).await?,
        organizations,
    })
}

#[server(prefix = "/api", endpoint = "create_project")]
pub async fn create_project(
    organization_id: OrganizationId,
    project_name: String,
    time_zone: String,
) -> Result<(), AppError> {
    use domain::project::{ProjectName, TimeZone};
    let user = crate::server::require_user().await?;
    let name = ProjectName::parse(&project_name)?;
    let time_zone = TimeZone::parse(&time_zone)?;
    let backend = crate::server::backend()?;
    let project = backend
        .meta
        .create_project(user.id, organization_id, &name, &time_zone)
        .await?;
    let scope = backend.meta.scope(user.id, project).await?;
    backend.add_starter_dashboard(&scope).await?;
    leptos_axum::redirect(&domain::paths::project_home(project));
    Ok(())
}

#[component]
pub fn NewProjectPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| load_new_project_options());
    let action = ServerAction::<CreateProject>::new();
    let query = use_query_map();
    let preselected = move || {
        query
            .read()
            .get("organization")
            .and_then(|id| id.parse::<OrganizationId>().ok())
    };
    let time_zone = use_browser_time_zone();
    view! {
        <Title text="New project · Huddle"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let options = match options.await {
                    Ok(options) => options,
                    Err(error) => return view! { <LoadError error/> }.into_any(),
                };
                let preselected = preselected();
                let form = if options.organizations.is_empty() {
                    view! {
                        <p class="alert alert-info">
                            "Only owners and admins create projects. Ask an admin of your organization to create one or to make you an admin."
                        </p>
                    }
                    .into_any()
                } else {
                    view! {
                        <ActionForm action=action attr:class="form">
                            <Field label="Organization" error=field_error(action, "organization_id")>
                                <select name="organization_id" required>
                                    {options
                                        .organizations
                                        .into_iter()
                                        .map(|org| view! {
                                            <option value=org.id.to_string() selected=Some(org.id) == preselected>{org.name}</option>
                                        })
                                        .collect_view()}
                                </select>
                            </Field>
                            <Field label="Project name" hint="For example the product, app or site you analyse." error=field_error(action, "project_name")>
                                <input type="text" name="project_name" required autofocus/>
                            </Field>
                            <Field label="Time zone" error=field_error(action, "time_zone")>
                                <TimeZoneSelect selected=time_zone/>
                            </Field>
                            <FormAlert error=form_error(action)/>
                            <Submit label="Create project" pending=action.pending()/>
                        </ActionForm>
                    }
                    .into_any()
                };
                view! {
                    <TopBar nav=options.nav/>
                    <main class="page page-narrow">
                        <h1>"New project"</h1>
                        <p class="muted">"Each project has its own events, insights and dashboards, and its own API key."</p>
                        <section class="card">{form}</section>
                    </main>
                }
                .into_any()
            })}
        </Transition>
    }
}
