//! Forms: labelled fields that show the server's message next to the field it
//! is about, and an alert for everything else.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The message for `field` from the action's last result, if any.
pub fn field_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|result| match result {
            Some(Err(err)) => err.for_field(field),
            _ => None,
        })
    })
}

/// The message for the form as a whole from the action's last result, if any.
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|result| match result {
            Some(Err(err)) => err.for_form(),
            _ => None,
        })
    })
}

/// A labelled form control with room for its error message.
#[component]
pub fn Field(
    label: &'static str,
    #[prop(into, optional)] hint: Option<&'static str>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <label class="field" class:field-invalid=move || error.with(Option::is_some)>
            <span class="field-label">{label}</span>
            {children()}
            {hint.map(|hint| view! { <span class="field-hint">{hint}</span> })}
            <span class="field-error" role="alert">{move || error.get()}</span>
        </label>
    }
}

/// An error about the whole form (wrong password, no permission, ...).
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })
    }
}

/// A submit button that is disabled while its action runs.
#[component]
pub fn Submit(
    label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="btn btn-primary" disabled=move || pending.get() || disabled.get()>
            {move || if pending.get() { "Working…" } else { label }}
        </button>
    }
}

/// A `<select>` of time zones with `selected` chosen.
#[component]
pub fn TimeZoneSelect(
    #[prop(into)] selected: Signal<String>,
    #[prop(optional)] disabled: Signal<bool>,
) -> impl IntoView {
    let zones: Vec<&'static str> = domain::project::TimeZone::all_names().collect();
    view! {
        <select name="time_zone" required disabled=move || disabled.get()>
            {zones
                .into_iter()
                .map(|zone| view! { <option value=zone selected=move || selected.with(|s| s == zone)>{zone}</option> })
                .collect_view()}
        </select>
    }
}

/// A time zone choice that starts as UTC and, once the page runs in the
/// browser, becomes the visitor's own zone (effects never run on the server).
pub fn use_browser_time_zone() -> RwSignal<String> {
    let time_zone = RwSignal::new("UTC".to_owned());
    Effect::new(move || {
        if let Some(zone) =
            browser_time_zone().filter(|z| domain::project::TimeZone::parse(z).is_ok())
        {
            time_zone.set(zone);
        }
    });
    time_zone
}

fn browser_time_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()?
        .as_string()
}

/// The value of a form's input or select named `name` ("" when it has none).
pub fn input_value(form: &web_sys::HtmlFormElement, name: &str) -> String {
    let element = form.elements().named_item(name);
    element
        .as_ref()
        .and_then(|el| {
            wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlInputElement>(el).map(|i| i.value())
        })
        .or_else(|| {
            element.as_ref().and_then(|el| {
                wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlSelectElement>(el).map(|s| s.value())
            })
        })
        .unwrap_or_default()
}
