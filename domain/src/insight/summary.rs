//! A result in one line, for link previews: the first series' latest value
//! and its change, or a funnel's conversion, or how many come back.

use super::{number_text, ComparePeriod, InsightResult};

pub fn one_line(result: &InsightResult) -> String {
    if result.is_empty() {
        return "No matching events yet".to_owned();
    }
    match result {
        InsightResult::Trends(trends) => {
            let Some(series) = trends
                .series
                .iter()
                .find(|s| s.compare != Some(ComparePeriod::Previous))
            else {
                return "No matching events yet".to_owned();
            };
            let latest = series.data.last().copied().unwrap_or(series.total);
            let mut line = format!("{}: {}", series.display_name(), number_text(latest));
            if let (Some(label), Some(previous)) = (
                trends.labels.last(),
                series.data.len().checked_sub(2).map(|k| series.data[k]),
            ) {
                line.push_str(&format!(" on {label}"));
                if previous > 0.0 {
                    let change = (latest - previous) / previous * 100.0;
                    line.push_str(&format!(" ({change:+.0}% from the period before)"));
                }
            }
            line
        }
        InsightResult::Funnels(funnels) => {
            let first = funnels.steps.first().map_or(0, |s| s.count);
            let last = funnels.steps.last();
            let rate = last.map_or(0.0, |s| s.rate_from(first) * 100.0);
            format!(
                "{rate:.1}% of {first} converted to {}",
                last.map_or("the last step", |s| s.name.as_str())
            )
        }
        InsightResult::Retention(retention) => {
            let (returned, size) = retention
                .cohorts
                .iter()
                .filter(|c| c.values.len() > 1)
                .fold((0, 0), |(r, s), c| (r + c.values[1], s + c.values[0]));
            if size == 0 {
                format!("{} cohorts", retention.cohorts.len())
            } else {
                format!(
                    "{:.1}% come back one period later",
                    returned as f64 / size as f64 * 100.0
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;
    use crate::insight::{FunnelStep, FunnelsResult, InsightResult, TrendSeries, TrendsResult};

    #[test]
    fn a_trend_names_its_latest_value_and_its_change() {
        let result = InsightResult::Trends(TrendsResult {
            labels: vec!["1-Dec-2026".into(), "2-Dec-2026".into()],
            days: vec![],
            series: vec![TrendSeries {
                label: "Sign-ups".into(),
                series_index: Some(0),
                breakdown_value: None,
                data: vec![40.0, 50.0],
                total: 90.0,
                compare: None,
            }],
        });
        assert_eq!(
            one_line(&result),
            "Sign-ups: 50 on 2-Dec-2026 (+25% from the period before)"
        );
    }

    #[test]
    fn a_funnel_names_its_conversion() {
        let step = |name: &str, count| FunnelStep {
            name: name.into(),
            count,
            median_conversion_time: None,
            average_conversion_time: None,
        };
        let result = InsightResult::Funnels(FunnelsResult {
            steps: vec![step("Visit", 200), step("Pay", 30)],
            breakdowns: vec![],
        });
        assert_eq!(one_line(&result), "15.0% of 200 converted to Pay");
    }
}
