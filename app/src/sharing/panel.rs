//! The Share panel of an insight or dashboard: a public link on or off, its
//! address and iframe snippet to copy, how the shared page looks, which
//! sites may embed it, and a new link when the old one went too far.

use super::api::{load_sharing, rotate_share, set_sharing, ShareState as Panel};
use crate::components::copy::CopyField;
use crate::components::form::FormAlert;
use crate::error::AppError;
use domain::sharing::{iframe_snippet, ShareTarget, ShareTheme, SharingOptions};
use domain::ProjectId;
use leptos::prelude::*;

#[component]
pub fn SharePanel(
    project: ProjectId,
    target: ShareTarget,
    /// The insight's or dashboard's name, for the iframe's title.
    title: String,
    open: RwSignal<bool>,
) -> impl IntoView {
    let current = RwSignal::new(None::<Panel>);
    let error = RwSignal::new(None::<String>);
    let apply = move |result: Result<Panel, AppError>| match result {
        Ok(panel) => {
            error.set(None);
            current.set(Some(panel));
        }
        Err(err) => error.set(Some(err.to_string())),
    };
    // Loaded the first time the panel opens.
    Effect::new(move |_| {
        if open.get() && current.with_untracked(Option::is_none) {
            leptos::task::spawn_local(async move { apply(load_sharing(project, target).await) });
        }
    });
    let save = move |enabled: bool, options: SharingOptions| {
        leptos::task::spawn_local(async move {
            apply(set_sharing(project, target, enabled, options).await)
        });
    };
    let title = StoredValue::new(title);
    let is_dashboard = matches!(target, ShareTarget::Dashboard(_));
    view! {
        <section class="card share-panel" data-testid="share-panel" hidden=move || !open.get()>
            <div class="share-panel-header">
                <h2>"Share"</h2>
                <button type="button" class="btn btn-ghost btn-small" aria-label="Close" on:click=move |_| open.set(false)>"✕"</button>
            </div>
            <FormAlert error=Signal::derive(move || error.get())/>
            {move || current.get().map(|panel| {
                let Panel { sharing, link, embed } = panel;
                let options = sharing.options.clone();
                let enabled = sharing.enabled;
                let toggle_options = options.clone();
                view! {
                    {(!sharing.organization_allows).then(|| view! {
                        <p class="alert alert-info" data-testid="sharing-disabled">
                            "Public links are turned off for this organization. Its owners and admins can turn them on in the organization's settings."
                        </p>
                    })}
                    <label class="checkbox">
                        <input type="checkbox" data-testid="share-enabled" checked=enabled
                            disabled=!sharing.organization_allows && !enabled
                            on:change=move |ev| save(event_target_checked(&ev), toggle_options.clone())/>
                        " Anyone with the link can view"
                    </label>
                    {enabled.then(|| view! {
                        <div class="share-links">
                            <label class="field-label">"Link"</label>
                            <div data-testid="share-link"><CopyField value=link.clone() label="Public link"/></div>
                            <label class="field-label">"Embed in another site"</label>
                            <div data-testid="share-embed"><CopyField value=iframe_snippet(&embed, &title.get_value()) label="Iframe snippet"/></div>
                            <p class="muted small" data-testid="share-enabled-by">
                                {sharing.enabled_at.map(|at| format!(
                                    "Turned on by {} on {}",
                                    sharing.enabled_by.clone().unwrap_or_else(|| "a former member".into()),
                                    at.format("%Y-%m-%d %H:%M UTC"),
                                ))}
                            </p>
                            <button type="button" class="btn btn-secondary btn-small" data-testid="share-rotate"
                                on:click=move |_| leptos::task::spawn_local(async move {
                                    apply(rotate_share(project, target).await)
                                })>"Get a new link (the current one stops working)"</button>
                        </div>
                        <ShareOptions options=options.clone() is_dashboard on_save=Callback::new(move |options| save(true, options))/>
                    })}
                }
            })}
        </section>
    }
}

/// How the shared page looks, saved with one button.
#[component]
fn ShareOptions(
    options: SharingOptions,
    is_dashboard: bool,
    on_save: Callback<SharingOptions>,
) -> impl IntoView {
    let draft = RwSignal::new(options.clone());
    let origins = RwSignal::new(options.allowed_origins.join("\n"));
    let checkbox = move |label: &'static str,
                         testid: &'static str,
                         get: fn(&SharingOptions) -> bool,
                         set: fn(&mut SharingOptions, bool)| {
        view! {
            <label class="checkbox">
                <input type="checkbox" data-testid=testid checked=move || draft.with(get)
                    on:change=move |ev| draft.update(|d| set(d, event_target_checked(&ev)))/>
                " " {label}
            </label>
        }
    };
    view! {
        <form class="share-options" data-testid="share-options" on:submit=move |ev| {
            ev.prevent_default();
            let mut options = draft.get_untracked();
            options.allowed_origins = origins.get_untracked().lines().map(str::to_owned).collect();
            on_save.run(options);
        }>
            <fieldset>
                <legend>"Show"</legend>
                {checkbox("Title and description", "share-show-title", |o| o.show_title, |o, v| o.show_title = v)}
                {checkbox("Legend", "share-show-legend", |o| o.show_legend, |o, v| o.show_legend = v)}
                {checkbox("“Made with Huddle”", "share-show-mark", |o| o.show_mark, |o, v| o.show_mark = v)}
                {is_dashboard.then(|| checkbox("Let viewers pick the date range", "share-viewer-dates", |o| o.viewers_change_dates, |o, v| o.viewers_change_dates = v))}
            </fieldset>
            <label>"Theme"
                <select class="input" data-testid="share-theme" on:change=move |ev| {
                    if let Some(theme) = ShareTheme::parse(&event_target_value(&ev)) {
                        draft.update(|d| d.theme = theme);
                    }
                }>
                    {ShareTheme::ALL.into_iter().map(|t| view! {
                        <option value=t.as_str() selected=move || draft.with(|d| d.theme == t)>{t.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Sites that may embed it (one per line; none means any)"
                <textarea class="input" rows="3" data-testid="share-origins" placeholder="https://wiki.example.com"
                    prop:value=move || origins.get() on:input=move |ev| origins.set(event_target_value(&ev))></textarea>
            </label>
            <button type="submit" class="btn btn-primary btn-small" data-testid="share-save">"Save"</button>
        </form>
    }
}
