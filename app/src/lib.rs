//! Huddle's user interface: pages, components and the server functions they
//! call. Compiled twice: with `ssr` into the server, with `hydrate` into the
//! browser's WebAssembly.

// Leptos views are deeply nested types.
#![recursion_limit = "256"]

pub mod auth;
pub mod components;
pub mod dashboards;
pub mod data_management;
pub mod error;
pub mod events;
pub mod insights;
#[cfg(feature = "ssr")]
pub mod json_inputs;
pub mod navigation;
pub mod organization;
pub mod persons;
pub mod projects;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sharing;
pub mod subscriptions;

use components::status::NotFoundPage;
use components::theme;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // The server's content policy allows inline scripts by this
                // request's nonce only.
                <script nonce=leptos::nonce::use_nonce()>{theme::HEAD_SCRIPT}</script>
                <AutoReload options=options.clone()/>
                // Named by their content when the build hashes file names.
                <HashedStylesheet id="leptos" options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Title text="Huddle"/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=auth::LoginPage/>
                <Route path=path!("/signup") view=auth::SignupPage/>
                <Route path=path!("/forgot-password") view=auth::ForgotPasswordPage/>
                <Route path=path!("/reset-password/:token") view=auth::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=organization::InvitePage ssr=SsrMode::Async/>
                <Route path=path!("/projects/new") view=projects::NewProjectPage/>
                <Route path=path!("/no-access") view=components::status::NoAccessPage/>
                // Rendered whole before sending: the status, theme and
                // (for previews) meta tags depend on the link.
                <Route path=path!("/shared/:token") view=sharing::SharedPage ssr=SsrMode::Async/>
                <Route path=path!("/embedded/:token") view=sharing::EmbeddedPage ssr=SsrMode::Async/>
                <Route path=path!("/embedded/jwt/:token") view=sharing::SignedEmbedPage ssr=SsrMode::Async/>
                <Route path=path!("/organization/settings") view=organization::OrganizationSettingsPage/>
                <Route path=path!("/organization/outbox") view=organization::OutboxPage/>
                <Route path=path!("/unsubscribe") view=subscriptions::UnsubscribePage/>
                <ParentRoute path=path!("/project/:project_id") view=projects::ProjectLayout>
                    <Route path=path!("") view=projects::ProjectHome/>
                    <Route path=path!("settings") view=projects::ProjectSettingsPage/>
                    <Route path=path!("events") view=events::EventsPage/>
                    <Route path=path!("dashboards") view=dashboards::DashboardsPage/>
                    <Route path=path!("dashboard/:dashboard_id") view=dashboards::DashboardPage/>
                    <Route path=path!("insights") view=insights::InsightsListPage/>
                    <Route path=path!("insights/new") view=insights::NewInsightPage/>
                    <Route path=path!("insights/:short_id") view=insights::InsightPage/>
                    <Route path=path!("insights/:short_id/edit") view=insights::EditInsightPage/>
                    <Route path=path!("persons") view=persons::PersonsPage/>
                    <Route path=path!("persons/:person_id") view=persons::PersonPage/>
                    <Route path=path!("data-management/events") view=data_management::EventDefinitionsPage/>
                    <Route path=path!("data-management/events/:definition_id") view=data_management::EventDefinitionPage/>
                    <Route path=path!("data-management/properties") view=data_management::PropertyDefinitionsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
