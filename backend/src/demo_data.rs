//! A deterministic generator of realistic product events: visitors arrive,
//! some sign up, some activate and buy, most drift away. 90 days, weekday
//! seasonality, several browsers and countries. The same seed and size always
//! give the same events, for the demo project, tests and benchmarks.

use crate::ingest::NewEvent;
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};
use uuid::Uuid;

pub const DAYS: i64 = 90;

const BROWSERS: [(&str, u32); 4] = [("Chrome", 60), ("Safari", 20), ("Firefox", 12), ("Edge", 8)];
const COUNTRIES: [(&str, u32); 6] = [
    ("US", 35),
    ("DE", 15),
    ("GB", 15),
    ("FR", 10),
    ("IN", 15),
    ("BR", 10),
];
const OS: [(&str, u32); 4] = [
    ("Windows", 45),
    ("Mac OS X", 30),
    ("iOS", 15),
    ("Android", 10),
];
const LANDING: [(&str, u32); 4] = [
    ("/", 50),
    ("/pricing", 20),
    ("/blog/launch", 20),
    ("/docs", 10),
];

/// The shape of the generated product.
#[derive(Debug, Clone, Copy)]
pub struct DemoData {
    pub seed: u64,
    /// How many visitors arrive over the 90 days (about 5 events each).
    pub visitors: usize,
    /// The end of the 90 days.
    pub end: DateTime<Utc>,
}

impl DemoData {
    /// Roughly `events` events in all.
    pub fn sized(seed: u64, events: usize, end: DateTime<Utc>) -> Self {
        Self {
            seed,
            visitors: (events / 5).max(1),
            end,
        }
    }

    /// The events, visitor by visitor, in batches of about `batch` events.
    pub fn batches(self, batch: usize) -> impl Iterator<Item = Vec<NewEvent>> {
        let mut rng = StdRng::seed_from_u64(self.seed);
        let mut visitor = 0;
        std::iter::from_fn(move || {
            if visitor >= self.visitors {
                return None;
            }
            let mut events = Vec::with_capacity(batch + 64);
            while visitor < self.visitors && events.len() < batch {
                journey(&mut rng, visitor, self.end, &mut events);
                visitor += 1;
            }
            // Journeys are cut off at the end of the period.
            events.retain(|event| event.timestamp < self.end);
            Some(events)
        })
    }
}

fn pick<'a>(rng: &mut StdRng, options: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = options.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for (value, weight) in options {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    options[0].0
}

/// Weekends are quieter.
fn busy(day: DateTime<Utc>) -> f64 {
    match day.weekday() {
        Weekday::Sat => 0.6,
        Weekday::Sun => 0.5,
        _ => 1.0,
    }
}

struct Visit<'a> {
    rng: &'a mut StdRng,
    out: &'a mut Vec<NewEvent>,
    distinct_id: String,
    context: Map<String, Value>,
    session: u32,
}

impl Visit<'_> {
    fn emit(&mut self, event: &str, at: DateTime<Utc>, extra: Value) -> NewEvent {
        let mut properties = self.context.clone();
        properties.insert(
            "$session_id".into(),
            json!(format!("{}-s{}", self.distinct_id, self.session)),
        );
        if let Value::Object(extra) = extra {
            properties.extend(extra);
        }
        let uuid = Uuid::from_u64_pair(self.rng.gen(), self.rng.gen());
        NewEvent {
            uuid,
            event: event.into(),
            distinct_id: self.distinct_id.clone(),
            timestamp: at,
            properties,
            set: Map::new(),
            set_once: Map::new(),
        }
    }

    fn pageview(&mut self, at: DateTime<Utc>, path: &str) {
        let event = self.emit(
            "$pageview",
            at,
            json!({"$current_url": format!("https://shop.example.com{path}"), "$pathname": path}),
        );
        self.out.push(event);
    }
}

fn journey(rng: &mut StdRng, n: usize, end: DateTime<Utc>, out: &mut Vec<NewEvent>) {
    let start = end - Duration::days(DAYS);
    // Arrival day, retried until it falls on a day busy enough.
    let mut first = start;
    for _ in 0..4 {
        first = start + Duration::seconds(rng.gen_range(0..DAYS * 86_400));
        if rng.gen_bool(busy(first)) {
            break;
        }
    }
    let browser = pick(rng, &BROWSERS);
    let country = pick(rng, &COUNTRIES);
    let os = pick(rng, &OS);
    let mut context = Map::new();
    context.insert("$browser".into(), json!(browser));
    context.insert("$os".into(), json!(os));
    context.insert("$geoip_country_code".into(), json!(country));
    context.insert("$lib".into(), json!("web"));
    let anon = format!("anon-{n}");
    let mut visit = Visit {
        rng,
        out,
        distinct_id: anon.clone(),
        context,
        session: 0,
    };

    let landing = pick(visit.rng, &LANDING);
    visit.pageview(first, landing);
    let mut at = first + Duration::seconds(visit.rng.gen_range(20..300));
    if visit.rng.gen_bool(0.5) {
        visit.pageview(at, "/pricing");
        at += Duration::seconds(visit.rng.gen_range(20..200));
    }
    // A third sign up, more from the pricing page.
    let sign_up_odds = if landing == "/pricing" { 0.45 } else { 0.3 };
    if !visit.rng.gen_bool(sign_up_odds) || at > end {
        return;
    }
    let user = format!("user{n}@example.com");
    let mut identify = visit.emit("$identify", at, json!({"$anon_distinct_id": anon}));
    identify.distinct_id = user.clone();
    identify.set = json!({"email": user, "plan": "free"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    identify.set_once = json!({"initial_browser": browser})
        .as_object()
        .cloned()
        .unwrap_or_default();
    visit.out.push(identify);
    visit.distinct_id = user;
    let method = if visit.rng.gen_bool(0.6) {
        "email"
    } else {
        "google"
    };
    let signed_up = visit.emit("signed up", at, json!({ "method": method }));
    visit.out.push(signed_up);

    // Most who sign up come back for a while; each week fewer return.
    let activated = visit.rng.gen_bool(0.6);
    let mut week = 0;
    let mut day = at;
    while day < end {
        if activated {
            let count = visit.rng.gen_range(1..4);
            for _ in 0..count {
                let t = day + Duration::minutes(visit.rng.gen_range(1..600));
                if t >= end {
                    break;
                }
                visit.pageview(t, "/app");
                let kind = pick(visit.rng, &[("table", 2), ("chart", 3)]);
                let used = visit.emit(
                    "created report",
                    t + Duration::seconds(30),
                    json!({ "kind": kind }),
                );
                visit.out.push(used);
            }
            if visit.rng.gen_bool(0.12) {
                let t = day + Duration::minutes(visit.rng.gen_range(600..900));
                if t < end {
                    let amount = [9.0, 29.0, 99.0][visit.rng.gen_range(0..3)];
                    let mut purchase =
                        visit.emit("purchase", t, json!({"amount": amount, "currency": "USD"}));
                    purchase.set = json!({"plan": "pro"})
                        .as_object()
                        .cloned()
                        .unwrap_or_default();
                    visit.out.push(purchase);
                }
            }
        }
        week += 1;
        let keep = if activated { 0.8 } else { 0.4 } * 0.9f64.powi(week);
        if !visit.rng.gen_bool(keep.clamp(0.0, 1.0)) {
            break;
        }
        visit.session += 1;
        day += Duration::days(visit.rng.gen_range(4..10));
        day = day + Duration::hours(if busy(day) < 1.0 { 48 } else { 0 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end() -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_events() {
        let a: Vec<_> = DemoData::sized(7, 5_000, end())
            .batches(1_000)
            .flatten()
            .collect();
        let b: Vec<_> = DemoData::sized(7, 5_000, end())
            .batches(1_000)
            .flatten()
            .collect();
        let c: Vec<_> = DemoData::sized(8, 5_000, end())
            .batches(1_000)
            .flatten()
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn the_size_parameter_scales_the_event_count() {
        let small = DemoData::sized(1, 2_000, end())
            .batches(500)
            .flatten()
            .count();
        let large = DemoData::sized(1, 20_000, end())
            .batches(500)
            .flatten()
            .count();
        assert!((1_000..4_000).contains(&small), "{small}");
        assert!((10_000..40_000).contains(&large), "{large}");
    }

    #[test]
    fn events_span_ninety_days_with_quieter_weekends_and_a_funnel() {
        let events: Vec<_> = DemoData::sized(3, 60_000, end())
            .batches(5_000)
            .flatten()
            .collect();
        let start = end() - Duration::days(DAYS);
        assert!(events
            .iter()
            .all(|e| e.timestamp >= start && e.timestamp < end()));
        let weekday = events
            .iter()
            .filter(|e| e.timestamp.weekday().num_days_from_monday() < 5)
            .count() as f64
            / 5.0;
        let weekend = events
            .iter()
            .filter(|e| e.timestamp.weekday().num_days_from_monday() >= 5)
            .count() as f64
            / 2.0;
        assert!(
            weekend < weekday * 0.9,
            "weekend days are quieter: {weekend} vs {weekday}"
        );
        let count = |name: &str| events.iter().filter(|e| e.event == name).count();
        assert!(count("$pageview") > count("signed up"));
        assert!(count("signed up") > count("purchase"));
        assert!(count("purchase") > 0);
        let browsers: std::collections::HashSet<_> = events
            .iter()
            .filter_map(|e| e.properties.get("$browser"))
            .collect();
        assert_eq!(browsers.len(), 4);
    }
}
