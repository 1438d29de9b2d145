//! Light and dark themes. The choice is kept in the browser; a tiny script in
//! the page head applies it before the first paint, so there is no flash.

use leptos::prelude::*;

const STORAGE_KEY: &str = "huddle-theme";

/// Runs before the page is shown: applies a remembered theme, unless the page
/// came with one of its own (a shared page whose theme is fixed).
pub const HEAD_SCRIPT: &str = "try{var r=document.documentElement,t=localStorage.getItem('huddle-theme');if(t&&!r.dataset.theme)r.dataset.theme=t}catch(e){}";

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let toggle = move |_| {
        let root = document()
            .document_element()
            .expect("the page has a root element");
        let dark_now = match root.get_attribute("data-theme").as_deref() {
            Some("dark") => true,
            Some(_) => false,
            None => window()
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
                .is_some_and(|query| query.matches()),
        };
        let next = if dark_now { "light" } else { "dark" };
        let _ = root.set_attribute("data-theme", next);
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(STORAGE_KEY, next);
        }
    };
    view! {
        <button type="button" class="btn btn-ghost theme-toggle" title="Switch light / dark theme" on:click=toggle>
            <span aria-hidden="true">"◐"</span>
            <span class="visually-hidden">"Switch theme"</span>
        </button>
    }
}
