//! A menu of secondary actions behind one button: it opens on click or the
//! down arrow, closes on Escape, on a pick, or when focus leaves it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn Menu(
    /// The button's accessible name, such as "More actions".
    label: &'static str,
    #[prop(into)] testid: String,
    /// The menu's items: buttons or links, each with `role="menuitem"`.
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let wrapper = NodeRef::<leptos::html::Div>::new();
    let on_focus_out = move |ev: leptos::ev::FocusEvent| {
        let inside = match (wrapper.get_untracked(), ev.related_target()) {
            (Some(wrapper), Some(target)) => target
                .dyn_ref::<web_sys::Node>()
                .is_some_and(|node| wrapper.contains(Some(node))),
            _ => false,
        };
        if !inside {
            open.set(false);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => open.set(false),
        "ArrowDown" if !open.get_untracked() => {
            ev.prevent_default();
            open.set(true);
        }
        _ => {}
    };
    view! {
        <div class="action-menu" node_ref=wrapper on:focusout=on_focus_out on:keydown=on_key>
            <button type="button" class="btn btn-secondary" aria-haspopup="menu" aria-label=label title=label
                aria-expanded=move || open.get().to_string() data-testid=testid
                on:click=move |_| open.update(|o| *o = !*o)>"⋯"</button>
            // A click on an item runs it, then closes the menu.
            <div class="action-menu-items" role="menu" hidden=move || !open.get() on:click=move |_| open.set(false)>
                {children()}
            </div>
        </div>
    }
}
