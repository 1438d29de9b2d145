//! A searchable picker (the WAI-ARIA combobox pattern): a button showing the
//! current choice opens a list that narrows as one types and follows the
//! keyboard (arrows, Enter, Escape) as well as the mouse. Verified choices
//! come first in their group, with their descriptions; the last few picks,
//! remembered by the browser, come before everything.

use leptos::prelude::*;

/// One thing the picker offers.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// What picking it reports.
    pub value: String,
    pub label: String,
    pub description: String,
    pub verified: bool,
    /// The heading it is listed under; empty for none.
    pub group: &'static str,
    /// A figure at the right, such as how often a value was seen.
    pub hint: Option<String>,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            description: String::new(),
            verified: false,
            group: "",
            hint: None,
        }
    }

    /// Whether the choice matches the (lower-case) search `needle`.
    fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.label.to_lowercase().contains(needle)
            || self.value.to_lowercase().contains(needle)
    }
}

/// How many choices an open list shows at once; typing narrows the rest.
const SHOWN: usize = 50;
/// How many recent picks are remembered per kind of picker.
const RECENT: usize = 5;
const RECENT_GROUP: &str = "Recent";

/// What an open list shows for a search.
#[derive(Debug, Clone, PartialEq, Default)]
struct Listing {
    /// The choices in order, each with the heading it is listed under.
    shown: Vec<(&'static str, Choice)>,
    /// How many more match than are shown.
    hidden: usize,
}

/// The choices matching `search`: without a search, the recent picks (in
/// the order they were made) first; then each group in the order it first
/// appears, verified choices before the rest.
fn arrange(choices: &[Choice], recent: &[String], search: &str) -> Listing {
    let needle = search.trim().to_lowercase();
    let recent: Vec<&Choice> = if needle.is_empty() {
        recent
            .iter()
            .filter_map(|value| choices.iter().find(|c| &c.value == value))
            .collect()
    } else {
        Vec::new()
    };
    let mut groups: Vec<&'static str> = Vec::new();
    for choice in choices {
        if !groups.contains(&choice.group) {
            groups.push(choice.group);
        }
    }
    let mut rest: Vec<&Choice> = choices
        .iter()
        .filter(|c| c.matches(&needle) && !recent.contains(c))
        .collect();
    rest.sort_by_key(|c| {
        let group = groups.iter().position(|g| *g == c.group);
        (group, !c.verified)
    });
    let mut all: Vec<(&'static str, Choice)> = recent
        .into_iter()
        .map(|c| (RECENT_GROUP, c.clone()))
        .chain(rest.into_iter().map(|c| (c.group, c.clone())))
        .collect();
    let hidden = all.len().saturating_sub(SHOWN);
    all.truncate(SHOWN);
    Listing { shown: all, hidden }
}

/// Where the browser keeps recent picks of a kind of picker.
fn recent_key(kind: &str) -> String {
    format!("huddle.recent.{kind}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load_recent(kind: &str) -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(&recent_key(kind)).ok()?)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn remember(kind: &str, value: &str) {
    let mut recent = load_recent(kind);
    recent.retain(|v| v != value);
    recent.insert(0, value.to_owned());
    recent.truncate(RECENT);
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&recent)) {
        // A full or disabled storage only loses the convenience.
        let _ = storage.set_item(&recent_key(kind), &text);
    }
}

/// Choices fetched when a picker first opens, not with its page: the
/// choices to give the picker and its `on_open`. A failed fetch offers none.
pub fn fetched_on_open<Fut>(
    fetch: impl Fn() -> Fut + 'static,
) -> (Signal<Vec<Choice>>, Callback<()>)
where
    Fut: std::future::Future<Output = Vec<Choice>> + 'static,
{
    let wanted = RwSignal::new(false);
    let fetched = LocalResource::new(move || {
        let fetching = wanted.get().then(&fetch);
        async move {
            match fetching {
                Some(fetching) => fetching.await,
                None => Vec::new(),
            }
        }
    });
    let choices = Signal::derive(move || fetched.get().unwrap_or_default());
    (choices, Callback::new(move |()| wanted.set(true)))
}

#[component]
pub fn Combobox(
    #[prop(into)] choices: Signal<Vec<Choice>>,
    /// The current value, shown by its choice's label (or as it is).
    current: Option<String>,
    /// The accessible name of the picker.
    label: &'static str,
    /// What the button shows when nothing is picked.
    placeholder: &'static str,
    /// An entry above the others that picks nothing, such as "All events".
    #[prop(default = None)]
    none: Option<&'static str>,
    /// The kind of picker whose recent picks come first ("events", …).
    #[prop(optional)]
    recent: Option<&'static str>,
    /// Whether Enter or leaving the search takes the typed text itself.
    #[prop(optional)]
    free_text: bool,
    /// Told each time the list opens (to load choices lazily).
    #[prop(optional)]
    on_open: Option<Callback<()>>,
    on_pick: Callback<Option<String>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let nothing_picked = current.is_none();
    let open = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let recents = RwSignal::new(Vec::<String>::new());
    // The highlighted entry; with free text, none until the arrows move.
    let active = RwSignal::new(None::<usize>);
    let button = NodeRef::<leptos::html::Button>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    let list_id = format!("{testid}-list");
    let option_id = {
        let testid = testid.clone();
        move |i: usize| format!("{testid}-option-{i}")
    };

    // The entries of the open list: "none" first (as `None`), then choices.
    let entries = Memo::new(move |_| {
        let recent_picks = if recent.is_some() {
            recents.get()
        } else {
            Vec::new()
        };
        let listing = choices.with(|all| arrange(all, &recent_picks, &search.get()));
        let needle = search.get().trim().to_lowercase();
        let nothing = none
            .filter(|label| needle.is_empty() || label.to_lowercase().contains(&needle))
            .map(|label| ("", None, Choice::new("", label)));
        let entries: Vec<(&'static str, Option<String>, Choice)> = nothing
            .into_iter()
            .chain(
                listing
                    .shown
                    .into_iter()
                    .map(|(group, choice)| (group, Some(choice.value.clone()), choice)),
            )
            .collect();
        (entries, listing.hidden)
    });
    let first_active = move || (!free_text).then_some(0);

    let shown_label = {
        let current = current.clone();
        move || {
            let Some(value) = current.clone() else {
                return none.unwrap_or(placeholder).to_owned();
            };
            choices.with(|all| {
                all.iter()
                    .find(|c| c.value == value)
                    .map(|c| c.label.clone())
                    .unwrap_or(value)
            })
        }
    };

    let open_with = move |text: String| {
        if let Some(kind) = recent {
            recents.set(load_recent(kind));
        }
        search.set(text);
        active.set(first_active());
        open.set(true);
        if let Some(on_open) = on_open {
            on_open.run(());
        }
    };
    let close = move || {
        open.set(false);
        search.set(String::new());
        if let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    let pick = move |value: Option<String>| {
        if let (Some(kind), Some(value)) = (recent, &value) {
            remember(kind, value);
        }
        close();
        on_pick.run(value);
    };
    let typed = move || {
        let text = search.get_untracked().trim().to_owned();
        (free_text && !text.is_empty()).then_some(text)
    };
    // The search field takes focus as soon as it is drawn.
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    let scroll_to = {
        let option_id = option_id.clone();
        move |i: usize| {
            let element = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&option_id(i)));
            if let Some(element) = element {
                element.scroll_into_view_with_bool(false);
            }
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = entries.with_untracked(|(entries, _)| entries.len());
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                let next = active
                    .get_untracked()
                    .map_or(0, |i| (i + 1).min(count.saturating_sub(1)));
                if count > 0 {
                    active.set(Some(next));
                    scroll_to(next);
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                let next = match active.get_untracked() {
                    Some(0) | None => first_active(),
                    Some(i) => Some(i - 1),
                };
                active.set(next);
                if let Some(i) = next {
                    scroll_to(i);
                }
            }
            "Enter" => {
                ev.prevent_default();
                let chosen = active.get_untracked().and_then(|i| {
                    entries.with_untracked(|(entries, _)| entries.get(i).map(|e| e.1.clone()))
                });
                match (chosen, typed()) {
                    (Some(value), _) => pick(value),
                    (None, Some(text)) => pick(Some(text)),
                    (None, None) => {}
                }
            }
            "Escape" => {
                ev.prevent_default();
                close();
            }
            _ => {}
        }
    };
    let on_blur = move |_| {
        // Closing after a pick removes the field; only a real departure counts.
        if !open.get_untracked() {
            return;
        }
        let text = typed();
        open.set(false);
        search.set(String::new());
        if let Some(text) = text {
            on_pick.run(Some(text));
        }
    };
    let on_button_key = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == "ArrowDown" {
            ev.prevent_default();
            open_with(String::new());
        } else if key.chars().count() == 1 && key != " " && !ev.ctrl_key() && !ev.meta_key() {
            // Typing on the closed picker starts a search.
            ev.prevent_default();
            open_with(key);
        }
    };

    let list = {
        let option_id = option_id.clone();
        move || {
            let (entries, hidden) = entries.get();
            let mut previous_group = "";
            let rows = entries
            .into_iter()
            .enumerate()
            .map(|(i, (group, value, choice))| {
                let heading = (group != previous_group && !group.is_empty())
                    .then(|| view! { <li class="combobox-group" role="presentation">{group}</li> });
                previous_group = group;
                let is_current = value == current;
                view! {
                    {heading}
                    <li role="option" class="combobox-option" id=option_id(i)
                        class:active=move || active.get() == Some(i)
                        aria-selected=move || (active.get() == Some(i)).to_string()
                        data-current=is_current.to_string()
                        on:mouseenter=move |_| active.set(Some(i))
                        on:click=move |_| pick(value.clone())>
                        <span class="combobox-label">
                            {choice.verified.then(|| view! { <span class="verified" title="Verified">"✓ "</span> })}
                            {choice.label}
                            {choice.hint.map(|hint| view! { <span class="combobox-hint">{hint}</span> })}
                        </span>
                        {(!choice.description.is_empty()).then(|| view! {
                            <span class="combobox-description muted">{choice.description}</span>
                        })}
                    </li>
                }
            })
            .collect_view();
            view! {
                {rows}
                {(hidden > 0).then(|| view! {
                    <li class="combobox-more muted" role="presentation">{format!("{hidden} more: type to narrow")}</li>
                })}
            }
        }
    };
    let empty = move || entries.with(|(entries, _)| entries.is_empty());

    view! {
        <div class="combobox" data-testid=testid>
            <button type="button" class="input combobox-button" node_ref=button
                aria-haspopup="listbox" aria-expanded=move || open.get().to_string() aria-label=label
                on:click=move |_| if open.get_untracked() { close() } else { open_with(String::new()) }
                on:keydown=on_button_key>
                <span class="combobox-value" class:muted=nothing_picked>{shown_label}</span>
                <span class="combobox-caret" aria-hidden="true">"▾"</span>
            </button>
            {move || open.get().then(|| {
                let (list_id, option_id) = (list_id.clone(), option_id.clone());
                let (list, on_key) = (list.clone(), on_key.clone());
                view! {
                    <div class="combobox-popup">
                        <input class="input" type="search" node_ref=input role="combobox"
                            aria-label=format!("Search: {label}") aria-expanded="true" aria-autocomplete="list"
                            aria-controls=list_id.clone()
                            aria-activedescendant=move || active.get().map(&option_id)
                            placeholder=if free_text { "Type a value or pick one" } else { "Type to search" }
                            autocomplete="off"
                            prop:value=move || search.get()
                            on:input=move |ev| {
                                search.set(event_target_value(&ev));
                                active.set(first_active());
                            }
                            on:keydown=on_key
                            on:blur=on_blur/>
                        // Pressing on the list must not take focus from the search.
                        <ul class="combobox-list" role="listbox" id=list_id aria-label=label
                            on:mousedown=|ev: leptos::ev::MouseEvent| ev.prevent_default()>
                            {list}
                        </ul>
                        {move || (empty() && !free_text).then(|| view! { <p class="combobox-more muted">"Nothing matches."</p> })}
                    </div>
                }
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(value: &str, group: &'static str, verified: bool) -> Choice {
        Choice {
            group,
            verified,
            ..Choice::new(value, value.to_uppercase())
        }
    }

    fn values(listing: &Listing) -> Vec<(&str, &str)> {
        listing
            .shown
            .iter()
            .map(|(group, c)| (*group, c.value.as_str()))
            .collect()
    }

    #[test]
    fn recent_picks_come_first_then_each_group_verified_first() {
        let choices = [
            choice("a", "Events", false),
            choice("b", "Events", true),
            choice("p", "Persons", false),
            choice("q", "Persons", true),
        ];
        let listing = arrange(&choices, &["p".into(), "gone".into()], "");
        assert_eq!(
            values(&listing),
            [
                ("Recent", "p"),
                ("Events", "b"),
                ("Events", "a"),
                ("Persons", "q")
            ]
        );
    }

    #[test]
    fn a_search_matches_labels_and_values_ignoring_case_and_skips_recents() {
        let choices = [
            Choice::new("$pageview", "Pageview"),
            Choice::new("signed_up", "Signed up"),
            Choice::new("upgrade", "Plan changed"),
        ];
        let listing = arrange(&choices, &["signed_up".into()], " UP");
        assert_eq!(values(&listing), [("", "signed_up"), ("", "upgrade")]);
    }

    #[test]
    fn long_lists_show_the_first_fifty_and_count_the_rest() {
        let choices: Vec<Choice> = (0..120)
            .map(|n| Choice::new(format!("e{n}"), format!("Event {n}")))
            .collect();
        let listing = arrange(&choices, &[], "");
        assert_eq!((listing.shown.len(), listing.hidden), (SHOWN, 70));
    }
}
