//! A read-only value with a button that copies it to the clipboard.

use leptos::prelude::*;

#[component]
pub fn CopyField(#[prop(into)] value: String, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let input = NodeRef::<leptos::html::Input>::new();
    let text = value.clone();
    let copy = move |_| {
        let text = text.clone();
        let field = input.get();
        leptos::task::spawn_local(async move {
            let clipboard = window().navigator().clipboard();
            let written = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await;
            // Without clipboard permission, select the text so Ctrl+C works.
            if written.is_err() {
                if let Some(field) = field {
                    field.select();
                }
            }
            copied.set(Some(written.is_ok()));
        });
    };
    view! {
        <div class="copy-field">
            <input node_ref=input type="text" readonly value=value aria-label=label/>
            <button type="button" class="btn" on:click=copy>
                {move || match copied.get() {
                    Some(true) => "Copied",
                    Some(false) => "Press Ctrl+C",
                    None => "Copy",
                }}
            </button>
        </div>
    }
}
