//! `/shared/:token`, a read-only page for people, and `/embedded/:token`,
//! the same content for other sites' iframes: no navigation, a transparent
//! background, and its height posted to the embedding page
//! (`{type: "huddle:resize", height}`) whenever it changes.

use super::api::{load_shared, load_signed_embed, Preview, SharedContent, SharedView};
use crate::components::overrides::{use_url_filters, RANGES};
use crate::components::status::{set_status, Loading};
use crate::dashboards::grid::{TileGrid, TileSource};
use crate::error::AppError;
use crate::insights::{Freshness, InsightResults};
use domain::paths;
use domain::sharing::{PREVIEW_HEIGHT, PREVIEW_WIDTH};
use leptos::prelude::*;
use leptos_meta::{Body, Html, Link, Meta, Title};
use leptos_router::hooks::{use_navigate, use_params_map};

/// How the page was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `/shared/:token`
    Link,
    /// `/embedded/:token`
    Embed,
    /// `/embedded/jwt/:token`
    SignedEmbed,
}

#[component]
pub fn SharedPage() -> impl IntoView {
    view! { <Shared via=Via::Link/> }
}

#[component]
pub fn EmbeddedPage() -> impl IntoView {
    view! { <Shared via=Via::Embed/> }
}

#[component]
pub fn SignedEmbedPage() -> impl IntoView {
    view! { <Shared via=Via::SignedEmbed/> }
}

#[component]
fn Shared(via: Via) -> impl IntoView {
    let embedded = via != Via::Link;
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let filters = use_url_filters();
    let data = Resource::new(
        move || (token.get(), filters.with(|f| f.date_from.clone())),
        move |(token, date_from)| async move {
            match via {
                Via::SignedEmbed => load_signed_embed(token).await,
                Via::Link | Via::Embed => load_shared(token, date_from).await,
            }
        },
    );
    #[cfg(feature = "hydrate")]
    if embedded {
        resize::post_height_to_parent();
    }
    view! {
        <Body {..} class=if embedded { "embedded" } else { "shared" }/>
        <main class="shared-page" class:embedded-page=embedded data-testid="shared-page">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <SharedBody view token=token.get_untracked() via/> }.into_any(),
                        Err(error) => view! { <SharedError error/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn SharedBody(view: SharedView, token: String, via: Via) -> impl IntoView {
    let embedded = via != Via::Link;
    let SharedView {
        options,
        content,
        preview,
        locked,
    } = view;
    let theme = options.theme.attribute();
    let (name, description, body) = match content {
        SharedContent::Insight { insight, outcome } => {
            let display = insight.query.display();
            let body = match outcome {
                Ok(outcome) => view! {
                    <Freshness outcome=outcome.clone()/>
                    <InsightResults outcome display chart_id="shared-chart".to_owned() legend=options.show_legend/>
                }
                .into_any(),
                Err(error) => view! { <p class="alert alert-error">{error.to_string()}</p> }.into_any(),
            };
            (
                insight.display_name().to_owned(),
                insight.description.clone(),
                body,
            )
        }
        SharedContent::Dashboard {
            name,
            description,
            tiles,
            filters,
        } => {
            let dates = options.viewers_change_dates.then(|| view! { <SharedDates token=token.clone() current=filters.date_from.clone().unwrap_or_default()/> });
            let body = view! {
                {dates}
                <TileGrid source=if via == Via::SignedEmbed { TileSource::Signed { token } } else { TileSource::Shared { token } }
                    tiles filters editable=false
                    reload=RwSignal::new(0) refresh_all=RwSignal::new(0)/>
            }
            .into_any();
            (name, description, body)
        }
    };
    let heading = options.show_title.then(|| {
        view! {
            <header class="shared-header">
                <h1 data-testid="shared-title">{name.clone()}</h1>
                {(!description.is_empty()).then(|| view! { <p class="muted">{description}</p> })}
            </header>
        }
    });
    view! {
        <Title text=format!("{name} · Huddle")/>
        <PreviewTags preview/>
        {theme.map(|theme| view! { <Html {..} data-theme=theme/> })}
        {heading}
        {(!locked.is_empty()).then(|| view! {
            <p class="muted small" data-testid="locked-filters">"Showing only " {locked.join(", ")}</p>
        })}
        <div class="shared-content">{body}</div>
        {options.show_mark.then(|| view! {
            <footer class="shared-mark muted small">
                // Embeds open it outside the frame.
                "Made with " <a href="/" target=embedded.then_some("_blank") rel="noopener">"Huddle"</a>
            </footer>
        })}
    }
}

/// Open Graph and Twitter card tags, and the oEmbed discovery link.
#[component]
fn PreviewTags(preview: Preview) -> impl IntoView {
    let image = preview.image.map(|image| {
        view! {
            <Meta property="og:image" content=image.clone()/>
            <Meta property="og:image:width" content=PREVIEW_WIDTH.to_string()/>
            <Meta property="og:image:height" content=PREVIEW_HEIGHT.to_string()/>
            <Meta name="twitter:image" content=image/>
        }
    });
    view! {
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content="Huddle"/>
        <Meta property="og:title" content=preview.title.clone()/>
        <Meta property="og:description" content=preview.summary.clone()/>
        <Meta property="og:url" content=preview.url/>
        <Meta name="twitter:card" content="summary_large_image"/>
        <Meta name="twitter:title" content=preview.title/>
        <Meta name="twitter:description" content=preview.summary/>
        {image}
        <Link rel="alternate" type_="application/json+oembed" href=preview.oembed/>
    }
}

/// The date range a shared dashboard's viewers may pick, kept in the URL.
#[component]
fn SharedDates(token: String, current: String) -> impl IntoView {
    let navigate = use_navigate();
    let path = if is_embedded_path() {
        paths::embedded(&token)
    } else {
        paths::shared(&token)
    };
    view! {
        <label class="inline-fields shared-dates">"Date range"
            <select class="input" data-testid="shared-dates" on:change=move |ev| {
                let value = event_target_value(&ev);
                let to = if value.is_empty() { path.clone() } else { format!("{path}?date_from={}", paths::encode_query_value(&value)) };
                navigate(&to, Default::default());
            }>
                {RANGES.into_iter().map(|(value, label)| view! {
                    <option value=value selected=value == current>{label}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

fn is_embedded_path() -> bool {
    leptos_router::hooks::use_location()
        .pathname
        .with_untracked(|p| p.starts_with("/embedded/"))
}

/// Why a link shows nothing. It names nothing the link was for.
#[component]
fn SharedError(error: AppError) -> impl IntoView {
    set_status(error.status());
    let message = match &error {
        AppError::Unshared(refusal) => refusal.to_string(),
        AppError::Unembedded(refusal) => refusal.to_string(),
        other => other.to_string(),
    };
    view! {
        <div class="card empty-state" data-testid="shared-error">
            <h1>"Nothing to show"</h1>
            <p role="alert">{message}</p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod resize {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// Posts the page's height to the embedding page now and whenever the
    /// page changes size.
    pub fn post_height_to_parent() {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(body) = window.document().and_then(|d| d.body()) else {
            return;
        };
        let post = Closure::<dyn Fn()>::new(move || {
            let Some(window) = web_sys::window() else {
                return;
            };
            let height = window
                .document()
                .and_then(|d| d.document_element())
                .map_or(0, |root| root.scroll_height());
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &"huddle:resize".into());
            let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
            if let Ok(Some(parent)) = window.parent() {
                let _ = parent.post_message(&message, "*");
            }
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(post.as_ref().unchecked_ref()) {
            observer.observe(&body);
        }
        // Both live as long as the page.
        post.forget();
    }
}
