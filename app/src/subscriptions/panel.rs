//! The Subscribe panel of an insight or dashboard: its subscriptions, each
//! with its schedule in words, its next delivery and its last deliveries
//! (who got what, and who got nothing and why); "Send a test now"; and a
//! form for a new one.

use super::api::{
    delete_subscription, load_subscriptions, subscribe, test_subscription, SubscriptionRow,
    SubscriptionsPanel,
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
    // delivery is under way, until it says how it went.
    Effect::new(move |_| {
        if open.get() {
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
        if sending && open.get_untracked() {
            set_timeout(reload, std::time::Duration::from_secs(1));
        }
    });
    let act = move |result: Result<(), AppError>| {
        match result {
            Ok(()) => error.set(None),
            Err(err) => error.set(Some(err.to_string())),
        }
        reload();
    };
    // The form is drawn again only when what it offers changes or a
    // subscription was saved, not on every reload of the list.
    let saved = RwSignal::new(0_u32);
    let form = Memo::new(move |_| {
        let saved = saved.get();
        current.with(|panel| {
            panel
                .as_ref()
                .map(|p| (saved, p.members.clone(), p.external_recipients, p.time_zone))
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
            {move || form.get().map(|(_, members, external, zone)| view! {
                <NewSubscription members external zone title=title.get_value()
                    on_save=Callback::new(move |draft: SubscriptionDraft| leptos::task::spawn_local(async move {
                        let result = subscribe(project, target, draft).await.map(|_| ());
                        if result.is_ok() {
                            saved.update(|n| *n += 1);
                        }
                        act(result);
                    }))/>
            })}
        </section>
    }
}

#[component]
fn SubscriptionItem(
    row: SubscriptionRow,
    zone: TimeZone,
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

/// Where a new subscription goes, as the form's first choice.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    Slack,
    Webhook,
}

#[component]
fn NewSubscription(
    /// Who may be picked.
    members: Vec<Member>,
    /// Whether other addresses may be typed.
    external: bool,
    zone: TimeZone,
    title: String,
    on_save: Callback<SubscriptionDraft>,
) -> impl IntoView {
    let today = chrono::Utc::now().with_timezone(&zone.tz()).date_naive();
    let schedule = RwSignal::new(Schedule::weekly_on_mondays(today));
    let kind = RwSignal::new(Kind::Email);
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let others = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let name = RwSignal::new(title);
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
            <h3>"New subscription"</h3>
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
                            let toggled = email.clone();
                            view! {
                                <label class="checkbox">
                                    <input type="checkbox" data-testid="recipient" value=email.clone()
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
            <button type="submit" class="btn btn-primary btn-small" data-testid="subscription-save">"Subscribe"</button>
        </form>
    }
}
