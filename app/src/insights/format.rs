//! How insight numbers, durations and ages read.

use chrono::{DateTime, Utc};

/// Whole numbers plainly, others with up to two decimals.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

pub fn percent(part: f64, whole: f64) -> String {
    if whole == 0.0 {
        "–".into()
    } else {
        format!("{:.1}%", part / whole * 100.0)
    }
}

/// `42s`, `3m 5s`, `2h 10m`, `3d 4h`.
pub fn duration(seconds: f64) -> String {
    let s = seconds.round() as i64;
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3_600 => format!("{}m {}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h {}m", s / 3_600, (s % 3_600) / 60),
        s => format!("{}d {}h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// How long ago `at` was, roughly.
pub fn age(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes();
    match minutes {
        m if m < 1 => "just now".into(),
        1 => "1 minute ago".into(),
        m if m < 60 => format!("{m} minutes ago"),
        m if m < 120 => "1 hour ago".into(),
        m if m < 48 * 60 => format!("{} hours ago", m / 60),
        m => format!("{} days ago", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_durations_and_ages_read_naturally() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(1.0 / 3.0), "0.33");
        assert_eq!(duration(222.0), "3m 42s");
        assert_eq!(duration(49_200.0), "13h 40m");
        let now = Utc::now();
        assert_eq!(
            age(now - chrono::Duration::minutes(5), now),
            "5 minutes ago"
        );
        assert_eq!(percent(1.0, 4.0), "25.0%");
        assert_eq!(percent(1.0, 0.0), "–");
    }
}
