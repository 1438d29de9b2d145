use super::{use_project_id, with_project};
use crate::organization::{project_members, MembersList};
use domain::paths;
use leptos::prelude::*;
use leptos_meta::Title;

/// The project's front page: what it is and who works in it.
#[component]
pub fn ProjectHome() -> impl IntoView {
    let project_id = use_project_id();
    let team = Resource::new(move || project_id.get(), project_members);
    with_project(move |ctx| {
        let access = ctx.access;
        let organization = access.organization.id;
        let invite_link = access.role.manages_members().then(|| {
            format!(
                "{}?organization={organization}#invite",
                paths::ORGANIZATION_SETTINGS
            )
        });
        view! {
            <Title text=format!("{} · Huddle", access.project.name)/>
            <main class="page">
                <div class="page-header">
                    <div>
                        <p class="eyebrow">{access.organization.name.clone()}</p>
                        <h1 data-testid="project-title">{access.project.name.clone()}</h1>
                    </div>
                    {invite_link.map(|href| view! { <a class="btn btn-primary" href=href>"Invite teammates"</a> })}
                </div>
                <div class="grid-2">
                    <section class="card">
                        <h2>"Your team"</h2>
                        <p class="muted">"Everyone in " {access.organization.name.clone()} " can use this project."</p>
                        <Transition fallback=crate::components::status::Loading>
                            {move || Suspend::new(async move {
                                team.await.map(|members| view! { <MembersList members/> })
                            })}
                        </Transition>
                    </section>
                    <section class="card">
                        <h2>"About this project"</h2>
                        <dl class="facts">
                            <dt>"Time zone"</dt>
                            <dd>{access.project.time_zone.clone()}</dd>
                            <dt>"Created"</dt>
                            <dd>{access.project.created_at.format("%B %-d, %Y").to_string()}</dd>
                            <dt>"Your role"</dt>
                            <dd>{access.role.label()}</dd>
                        </dl>
                        <a class="btn" href=paths::project_settings(access.project.id)>"Project settings"</a>
                    </section>
                </div>
            </main>
        }
    })
}
