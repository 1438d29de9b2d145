//! Which server functions take JSON. It names server functions of every
//! part of the app, so it lives apart from the helpers they all use.

/// The paths of the server functions whose arguments come as JSON; every
/// other server function takes Leptos's default, a URL-encoded form. The
/// server refuses a body in the other encoding before it reaches them.
pub fn json_input_server_fn_paths() -> [&'static str; 13] {
    use leptos::server_fn::ServerFn;
    [
        crate::events::LatestEvents::PATH,
        crate::dashboards::LoadDashboard::PATH,
        crate::dashboards::TileResult::PATH,
        crate::dashboards::ChangeDashboard::PATH,
        crate::projects::SetPrivacy::PATH,
        crate::sharing::api::LoadSharing::PATH,
        crate::sharing::api::SetSharing::PATH,
        crate::sharing::api::RotateShare::PATH,
        crate::subscriptions::api::LoadSubscriptions::PATH,
        crate::subscriptions::api::Subscribe::PATH,
        crate::subscriptions::api::UpdateSubscription::PATH,
        crate::organization::policies::OrganizationPolicy::PATH,
        crate::organization::policies::SetOrganizationPolicy::PATH,
    ]
}
