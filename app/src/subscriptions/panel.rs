//! The Subscribe panel of an insight or dashboard: its subscriptions, each
//! with its schedule in words, its next delivery and its last deliveries
//! (who got what, and who got nothing and why); "Send a test now"; and a
//! form for a new one or for changing one.

use super::api::{
    delete_subscription, load_subscriptions, subscribe, test_subscription, update_subscription,
    SubscriptionRow, SubscriptionsPanel,
};
use super::schedule_fields::ScheduleFields;
use crate::components::form::FormAlert;
use crate::error::AppError;
use domain::organization::Member;
use domain::project::TimeZone;
use domain::schedule::Schedule;
use domain::sharing::ShareTarget;
use domain::subscription::{DeliveryOutcome, Destination, SubscriptionDraft};
use domain::ProjectId;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// How many times (a second apart) the panel looks again at a delivery
/// under way.
const POLLS: u32 = 60;

#[component]
pub fn SubscribePanel(
    project: ProjectId,
    target: ShareTarget,
    /// The insight's or dashboard's name: a new subscription's title.
    title: String,
    open: RwSignal<bool>,
) -> impl IntoView {
    let current = RwSignal::new(None::<SubscriptionsPanel>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match load_subscriptions(project, target).await {
                Ok(panel) => current.set(Some(panel)),
                Err(err) => error.set(Some(err.to_string())),
            }
        })
    };
    // Loaded each time the panel opens, and again every second while a
    // delivery is under way, until it says how it went (a delivery waiting
    // to be tried again is left to the next opening after a minute).
    let polls = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if open.get() {
            polls.set(0);
            reload();
        }
    });
    Effect::new(move |_| {
        let sending = current.with(|panel| {
            panel.iter().flat_map(|p| &p.rows).any(|row| {
                row.deliveries
                    .iter()
                    .any(|d| d.outcome == DeliveryOutcome::Pending)
            })
        });
        if sending && open.get_untracked() && polls.get_untracked() < POLLS {
            polls.update(|n| *n += 1);
            set_timeout(reload, std::time::Duration::from_secs(1));
        }
    });
    let act = move |result: Result<(), AppError>| {
        polls.set(0);
        match result {
            Ok(()) => error.set(None),
            Err(err) => error.set(Some(err.to_string())),
        }
        reload();
    };
    // The form is drawn again only when what it offers changes, another
    // subscription is being edited or one was saved, not on every reload of
    // the list.
    let saved = RwSignal::new(0_u32);
    let editing = RwSignal::new(None::<i64>);
    let form = Memo::new(move |_| {
        let saved = saved.get();
        let editing = editing.get();
        current.with(|panel| {
            panel.as_ref().map(|p| {
                let draft = editing
                    .and_then(|id| p.rows.iter().find(|row| row.subscription.id == id))
                    .map(|row| SubscriptionDraft {
                        title: row.subscription.title.clone(),
                        destination: row.subscription.destination.clone(),
                        schedule: row.subscription.schedule.clone(),
                    });
                (
                    saved,
                    draft.map(|draft| (editing, draft)),
                    p.members.clone(),
                    p.external_recipients,
                    p.time_zone,
                )
            })
        })
    });
    let title = StoredValue::new(title);
    view! {
        <section class="card subscribe-panel" data-testid="subscribe-panel" hidden=move || !open.get()>
            <div class="share-panel-header">
                <h2>"Subscriptions"</h2>
                <button type="button" class="btn btn-ghost btn-small" aria-label="Close" on:click=move |_| open.set(false)>"✕"</button>
            </div>
            <FormAlert error=Signal::derive(move || error.get())/>
            {move || current.get().map(|panel| {
                let zone = panel.time_zone;
                view! {
                    {panel.rows.is_empty().then(|| view! {
                        <p class="muted">"Nobody gets this on a schedule yet. Subscribe yourself, teammates, a Slack channel or a webhook."</p>
                    })}
                    <ul class="subscriptions">
                        {panel.rows.clone().into_iter().map(|row| {
                            let id = row.subscription.id;
                            view! {
                                <SubscriptionItem row zone
                                    on_edit=Callback::new(move |()| editing.set(Some(id)))
                                    on_test=Callback::new(move |()| leptos::task::spawn_local(async move {
                                        act(test_subscription(project, id).await);
                                    }))
                                    on_delete=Callback::new(move |()| leptos::task::spawn_local(async move {
                                        act(delete_subscription(project, id).await);
                                    }))/>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            {move || form.get().map(|(_, edited, members, external, zone)| {
                let (id, initial) = match edited {
                    Some((id, draft)) => (id, draft),
                    None => (None, SubscriptionDraft {
                        title: title.get_value(),
                        destination: Destination::Email { recipients: Vec::new() },
                        schedule: Schedule::weekly_on_mondays(chrono::Utc::now().with_timezone(&zone.tz()).date_naive()),
                    }),
                };
                view! {
                    <SubscriptionForm members external zone initial editing=id.is_some()
                        on_cancel=Callback::new(move |()| editing.set(None))
                        on_save=Callback::new(move |draft: SubscriptionDraft| leptos::task::spawn_local(async move {
                            let result = match id {
                                Some(id) => update_subscription(project, id, draft).await.map(|_| ()),
                                None => subscribe(project, target, draft).await.map(|_| ()),
                            };
                            if result.is_ok() {
                                editing.set(None);
                                saved.update(|n| *n += 1);
                            }
                            act(result);
                        }))/>
                }
            })}
        </section>
    }
}

#[component]
fn SubscriptionItem(
    row: SubscriptionRow,
    zone: TimeZone,
    on_edit: Callback<()>,
    on_test: Callback<()>,
    on_delete: Callback<()>,
) -> impl IntoView {
    let SubscriptionRow {
        subscription,
        deliveries,
    } = row;
    let tz = zone.tz();
    let next = subscription.next_delivery_at.map(|at| {
        format!(
            "Next: {}",
            at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M")
        )
    });
    let name = if subscription.title.is_empty() {
        subscription.destination.describe()
    } else {
        format!(
            "{} — {}",
            subscription.title,
            subscription.destination.describe()
        )
    };
    view! {
        <li class="subscription" data-testid="subscription">
            <div class="subscription-head">
                <div>
                    <strong data-testid="subscription-name">{name}</strong>
                    <p class="muted small" data-testid="subscription-schedule">{subscription.schedule.describe(tz)}</p>
                    <p class="muted small">{next}
                        {subscription.created_by.map(|by| format!(" · set up by {by}"))}</p>
                </div>
                <div class="row">
                    <button type="button" class="btn btn-secondary btn-small" data-testid="subscription-test"
                        on:click=move |_| on_test.run(())>"Send a test now"</button>
                    <button type="button" class="btn btn-ghost btn-small" data-testid="subscription-edit"
                        on:click=move |_| on_edit.run(())>"Edit"</button>
                    <button type="button" class="btn btn-ghost btn-small danger" data-testid="subscription-delete"
                        on:click=move |_| on_delete.run(())>"Delete"</button>
                </div>
            </div>
            {(!deliveries.is_empty()).then(|| view! {
                <table class="table deliveries" data-testid="deliveries">
                    <tbody>
                        {deliveries.into_iter().map(|delivery| {
                            let outcome = match delivery.outcome {
                                DeliveryOutcome::Pending => "Sending…",
                                DeliveryOutcome::Delivered => "Delivered",
                                DeliveryOutcome::Partial => "Partly delivered",
                                DeliveryOutcome::Failed => "Failed",
                            };
                            view! {
                                <tr data-testid="delivery">
                                    <td class="nowrap">{delivery.at.with_timezone(&tz).format("%-d %b %H:%M").to_string()}
                                        {delivery.test.then_some(" (test)")}</td>
                                    <td data-testid="delivery-outcome">{outcome}</td>
                                    <td class="muted small">{delivery.targets}
                                        {delivery.error.map(|error| view! { <span class="field-error" data-testid="delivery-error">" " {error}</span> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </li>
    }
}

/// Where a subscription goes, as the form's first choice.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    Slack,
    Webhook,
}

/// A new subscription, or changes to one (`editing`), starting from `initial`.
#[component]
fn SubscriptionForm(
    /// Who may be picked.
    members: Vec<Member>,
    /// Whether other addresses may be typed.
    external: bool,
    zone: TimeZone,
    initial: SubscriptionDraft,
    editing: bool,
    on_save: Callback<SubscriptionDraft>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let (kind, recipients, address) = match initial.destination {
        Destination::Email { recipients } => (Kind::Email, recipients, String::new()),
        Destination::Slack { url } => (Kind::Slack, Vec::new(), url),
        Destination::Webhook { url } => (Kind::Webhook, Vec::new(), url),
    };
    let (picked, typed): (Vec<String>, Vec<String>) = recipients
        .into_iter()
        .partition(|email| members.iter().any(|m| m.email.eq_ignore_ascii_case(email)));
    // Outside addresses stay visible (and refused on saving) even when the
    // organization no longer allows them.
    let external = external || !typed.is_empty();
    let schedule = RwSignal::new(initial.schedule);
    let kind = RwSignal::new(kind);
    let chosen = RwSignal::new(
        picked
            .into_iter()
            .map(|e| e.to_lowercase())
            .collect::<BTreeSet<String>>(),
    );
    let others = RwSignal::new(typed.join(", "));
    let url = RwSignal::new(address);
    let name = RwSignal::new(initial.title);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let destination = match kind.get_untracked() {
            Kind::Email => Destination::Email {
                recipients: chosen
                    .get_untracked()
                    .into_iter()
                    .chain(
                        others
                            .get_untracked()
                            .split(|c: char| c == ',' || c.is_whitespace())
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned),
                    )
                    .collect(),
            },
            Kind::Slack => Destination::Slack {
                url: url.get_untracked(),
            },
            Kind::Webhook => Destination::Webhook {
                url: url.get_untracked(),
            },
        };
        on_save.run(SubscriptionDraft {
            title: name.get_untracked(),
            destination,
            schedule: schedule.get_untracked(),
        });
    };
    let kinds = [
        (Kind::Email, "email", "Email"),
        (Kind::Slack, "slack", "Slack channel"),
        (Kind::Webhook, "webhook", "Webhook"),
    ];
    view! {
        <form class="new-subscription" data-testid="new-subscription" on:submit=submit>
            <h3>{if editing { "Edit subscription" } else { "New subscription" }}</h3>
            <label>"Title"
                <input class="input" maxlength="200" data-testid="subscription-title" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <fieldset>
                <legend>"Send to"</legend>
                <div class="row">
                    {kinds.map(|(value, testid, label)| view! {
                        <label class="radio">
                            <input type="radio" name="kind" prop:checked=move || kind.get() == value
                                data-testid=format!("subscription-kind-{testid}") on:change=move |_| kind.set(value)/>
                            " " {label}
                        </label>
                    })}
                </div>
                <div hidden=move || kind.get() != Kind::Email>
                    <div class="recipients" role="group" aria-label="Members">
                        {members.into_iter().map(|member| {
                            let email = member.email.clone();
                            let toggled = email.to_lowercase();
                            let checked = chosen.with_untracked(|c| c.contains(&toggled));
                            view! {
                                <label class="checkbox">
                                    <input type="checkbox" data-testid="recipient" value=email.clone() checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|m| { if on { m.insert(toggled.clone()); } else { m.remove(&toggled); } });
                                        }/>
                                    " " {member.name} " " <span class="muted small">{email}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    {if external {
                        view! {
                            <label>"Other addresses (comma or one per line)"
                                <textarea class="input" rows="2" data-testid="other-recipients" placeholder="ceo@example.com"
                                    prop:value=move || others.get() on:input=move |ev| others.set(event_target_value(&ev))></textarea>
                            </label>
                        }.into_any()
                    } else {
                        view! { <p class="muted small">"Only the organization's members can get it: its owners and admins can allow other addresses in the organization's settings."</p> }.into_any()
                    }}
                </div>
                <label hidden=move || kind.get() == Kind::Email>
                    {move || if kind.get() == Kind::Slack { "Incoming-webhook URL of the channel" } else { "Webhook URL (receives JSON)" }}
                    <input class="input" type="url" data-testid="subscription-url"
                        placeholder=move || if kind.get() == Kind::Slack { "https://hooks.slack.com/services/…" } else { "https://example.com/hooks/huddle" }
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                </label>
            </fieldset>
            <ScheduleFields schedule zone/>
            <div class="row">
                <button type="submit" class="btn btn-primary btn-small" data-testid="subscription-save">
                    {if editing { "Save changes" } else { "Subscribe" }}</button>
                {editing.then(|| view! {
                    <button type="button" class="btn btn-ghost btn-small" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                })}
            </div>
        </form>
    }
}
