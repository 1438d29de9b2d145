//! The schedule part of the Subscribe panel: how often, on which days, from
//! when and at what time, with the schedule in words and its next three
//! deliveries computed as it changes (by the same domain code the scheduler
//! runs, in the browser).

use chrono::{Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use domain::project::TimeZone;
use domain::schedule::{weekday_name, MonthDay, Nth, Repeat, Schedule, MAX_INTERVAL, WEEKDAYS};
use leptos::prelude::*;

#[component]
pub fn ScheduleFields(schedule: RwSignal<Schedule>, zone: TimeZone) -> impl IntoView {
    // The day pickers are drawn again only when the kind of period changes,
    // not on every keystroke.
    let repeat_kind = Memo::new(move |_| match schedule.with(|s| s.repeat.clone()) {
        Repeat::Day => "day",
        Repeat::Week { .. } => "week",
        Repeat::Month { .. } => "month",
    });
    let set_repeat = move |kind: String| {
        schedule.update(|s| {
            s.repeat = match kind.as_str() {
                "day" => Repeat::Day,
                "week" => Repeat::Week {
                    weekdays: vec![s.start.weekday()],
                },
                _ => Repeat::Month {
                    on: MonthDay::Day(s.start.day() as u8),
                },
            }
        })
    };
    let preview = move || {
        let tz = zone.tz();
        match schedule.get().validated() {
            Ok(valid) => {
                let next: Vec<String> = valid
                    .next_after(tz, Utc::now(), 3)
                    .into_iter()
                    .map(|at| {
                        at.with_timezone(&tz)
                            .format("%a %-d %b %Y, %H:%M")
                            .to_string()
                    })
                    .collect();
                view! {
                    <p data-testid="schedule-words"><strong>{valid.describe(tz)}</strong></p>
                    <p class="muted small" data-testid="schedule-next">"Next: " {next.join(" · ")}</p>
                }
                .into_any()
            }
            Err(problem) => {
                view! { <p class="field-error" data-testid="schedule-words">{problem.message}</p> }
                    .into_any()
            }
        }
    };
    view! {
        <fieldset class="schedule-fields">
            <legend>"Schedule"</legend>
            <div class="row">
                <label>"Every"
                    <input class="input input-narrow" type="number" min="1" max=MAX_INTERVAL.to_string() data-testid="schedule-interval"
                        prop:value=move || schedule.with(|s| s.interval.to_string())
                        on:input=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u16>() {
                                schedule.update(|s| s.interval = n);
                            }
                        }/>
                </label>
                <select class="input" aria-label="Period" data-testid="schedule-repeat" on:change=move |ev| set_repeat(event_target_value(&ev))>
                    {[("day", "day(s)"), ("week", "week(s)"), ("month", "month(s)")].map(|(value, label)| view! {
                        <option value=value selected=move || repeat_kind.get() == value>{label}</option>
                    })}
                </select>
            </div>
            {move || match repeat_kind.get() {
                "week" => view! { <WeekdayPicker schedule/> }.into_any(),
                "month" => view! { <MonthDayPicker schedule/> }.into_any(),
                _ => ().into_any(),
            }}
            <div class="row">
                <label>"Starting"
                    <input class="input" type="date" data-testid="schedule-start"
                        prop:value=move || schedule.with(|s| s.start.format("%Y-%m-%d").to_string())
                        on:change=move |ev| {
                            if let Ok(day) = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
                                schedule.update(|s| s.start = day);
                            }
                        }/>
                </label>
                <label>{format!("At ({zone})")}
                    <input class="input" type="time" data-testid="schedule-time"
                        prop:value=move || schedule.with(|s| s.time.format("%H:%M").to_string())
                        on:change=move |ev| {
                            if let Ok(time) = NaiveTime::parse_from_str(&event_target_value(&ev), "%H:%M") {
                                schedule.update(|s| s.time = time);
                            }
                        }/>
                </label>
            </div>
            <div class="schedule-preview">{preview}</div>
        </fieldset>
    }
}

#[component]
fn WeekdayPicker(schedule: RwSignal<Schedule>) -> impl IntoView {
    let chosen = move |day: Weekday| {
        schedule.with(|s| matches!(&s.repeat, Repeat::Week { weekdays } if weekdays.contains(&day)))
    };
    let toggle = move |day: Weekday, on: bool| {
        schedule.update(|s| {
            if let Repeat::Week { weekdays } = &mut s.repeat {
                weekdays.retain(|d| *d != day);
                if on {
                    weekdays.push(day);
                }
            }
        })
    };
    view! {
        <div class="weekdays" role="group" aria-label="On">
            {WEEKDAYS.map(|day| view! {
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || chosen(day) data-testid=format!("weekday-{day}")
                        on:change=move |ev| toggle(day, event_target_checked(&ev))/>
                    " " {&weekday_name(day)[..3]}
                </label>
            })}
        </div>
    }
}

/// A day of the month, or the nth weekday; switching between the two keeps
/// what each had.
#[component]
fn MonthDayPicker(schedule: RwSignal<Schedule>) -> impl IntoView {
    let current = move || match schedule.with(|s| s.repeat.clone()) {
        Repeat::Month { on } => on,
        _ => MonthDay::Day(1),
    };
    let (day, weekday_choice) = match current() {
        MonthDay::Day(day) => (day, (Nth::First, Weekday::Mon)),
        MonthDay::Weekday { nth, weekday } => (1, (nth, weekday)),
    };
    let day = RwSignal::new(day);
    let weekday_choice = RwSignal::new(weekday_choice);
    let by_day = move || matches!(current(), MonthDay::Day(_));
    let set = move |on: MonthDay| schedule.update(|s| s.repeat = Repeat::Month { on });
    let set_weekday = move |nth: Nth, weekday: Weekday| {
        weekday_choice.set((nth, weekday));
        set(MonthDay::Weekday { nth, weekday });
    };
    view! {
        <div class="month-day">
            <label class="radio">
                <input type="radio" name="month-day" prop:checked=by_day on:change=move |_| set(MonthDay::Day(day.get_untracked()))/>
                " On day "
                <input class="input input-narrow" type="number" min="1" max="31" prop:value=move || day.get().to_string()
                    disabled=move || !by_day() data-testid="schedule-month-day"
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u8>() {
                            day.set(n);
                            set(MonthDay::Day(n));
                        }
                    }/>
            </label>
            <label class="radio">
                <input type="radio" name="month-day" prop:checked=move || !by_day() data-testid="schedule-month-weekday"
                    on:change=move |_| { let (nth, weekday) = weekday_choice.get_untracked(); set_weekday(nth, weekday) }/>
                " On the "
                <select class="input" disabled=by_day aria-label="Which" on:change=move |ev| {
                    if let Some(nth) = Nth::ALL.into_iter().find(|n| n.as_str() == event_target_value(&ev)) {
                        set_weekday(nth, weekday_choice.get_untracked().1);
                    }
                }>
                    {Nth::ALL.map(|n| view! { <option value=n.as_str() selected=move || weekday_choice.get().0 == n>{n.as_str()}</option> })}
                </select>
                <select class="input" disabled=by_day aria-label="Weekday" on:change=move |ev| {
                    if let Some(weekday) = WEEKDAYS.into_iter().find(|d| weekday_name(*d) == event_target_value(&ev)) {
                        set_weekday(weekday_choice.get_untracked().0, weekday);
                    }
                }>
                    {WEEKDAYS.map(|d| view! { <option value=weekday_name(d) selected=move || weekday_choice.get().1 == d>{weekday_name(d)}</option> })}
                </select>
            </label>
        </div>
    }
}
