//! An insight's result as rows of plain values, for CSV exports: the rows
//! and columns of the page's tables, numbers unformatted.

use super::{breakdown_label, number_text, FunnelStep, InsightResult};

/// The header row first, then one row per series, funnel step or cohort.
pub fn table(result: &InsightResult) -> Vec<Vec<String>> {
    match result {
        InsightResult::Trends(trends) => {
            let header = ["Series", "Total"]
                .map(str::to_owned)
                .into_iter()
                .chain(trends.labels.iter().cloned())
                .collect();
            let rows = trends.series.iter().map(|series| {
                [series.display_name(), number_text(series.total)]
                    .into_iter()
                    .chain(series.data.iter().map(|v| number_text(*v)))
                    .collect()
            });
            std::iter::once(header).chain(rows).collect()
        }
        InsightResult::Funnels(funnels) => {
            let header = [
                "Breakdown",
                "Step",
                "Converted",
                "Dropped off",
                "Conversion from first step",
                "Conversion from previous step",
                "Median seconds from previous step",
            ]
            .map(str::to_owned)
            .to_vec();
            let groups = std::iter::once(("All people", &funnels.steps)).chain(
                funnels
                    .breakdowns
                    .iter()
                    .map(|b| (breakdown_label(&b.value), &b.steps)),
            );
            let rows = groups.flat_map(|(group, steps)| step_rows(group, steps));
            std::iter::once(header).chain(rows).collect()
        }
        InsightResult::Retention(retention) => {
            let periods = retention.cohorts.first().map_or(0, |c| c.values.len());
            let header = ["Cohort".to_owned(), "People".to_owned()]
                .into_iter()
                .chain((0..periods).map(|k| format!("Period {k}")))
                .collect();
            let rows = retention.cohorts.iter().map(|cohort| {
                let size = cohort.values.first().copied().unwrap_or(0);
                [cohort.date.clone(), size.to_string()]
                    .into_iter()
                    .chain(cohort.values.iter().map(u64::to_string))
                    .collect()
            });
            std::iter::once(header).chain(rows).collect()
        }
    }
}

fn step_rows<'a>(
    group: &'a str,
    steps: &'a [FunnelStep],
) -> impl Iterator<Item = Vec<String>> + 'a {
    let first = steps.first().map_or(0, |s| s.count);
    steps.iter().enumerate().map(move |(k, step)| {
        let previous = if k == 0 {
            step.count
        } else {
            steps[k - 1].count
        };
        let ratio = |whole: u64| {
            if whole == 0 {
                String::new()
            } else {
                number_text(step.count as f64 / whole as f64)
            }
        };
        vec![
            group.to_owned(),
            step.name.clone(),
            step.count.to_string(),
            previous.saturating_sub(step.count).to_string(),
            ratio(first),
            if k == 0 {
                String::new()
            } else {
                ratio(previous)
            },
            step.median_conversion_time
                .map(number_text)
                .unwrap_or_default(),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::{
        FunnelBreakdown, FunnelsResult, RetentionCohort, RetentionResult, TrendSeries, TrendsResult,
    };

    fn series(label: &str, breakdown: Option<&str>, data: Vec<f64>) -> TrendSeries {
        TrendSeries {
            label: label.into(),
            series_index: Some(0),
            breakdown_value: breakdown.map(str::to_owned),
            total: data.iter().sum(),
            data,
            compare: None,
        }
    }

    #[test]
    fn trends_give_a_row_per_series_with_its_total_and_each_period() {
        let result = InsightResult::Trends(TrendsResult {
            labels: vec!["1-Nov-2026".into(), "2-Nov-2026".into()],
            days: vec![],
            series: vec![
                series("Pageview", Some("Chrome"), vec![3.0, 1.5]),
                series(
                    "Pageview",
                    Some(crate::insight::BREAKDOWN_OTHER),
                    vec![0.0, 2.0],
                ),
            ],
        });
        assert_eq!(
            table(&result),
            [
                vec!["Series", "Total", "1-Nov-2026", "2-Nov-2026"],
                vec!["Pageview · Chrome", "4.5", "3", "1.5"],
                vec!["Pageview · Other", "2", "0", "2"],
            ]
        );
    }

    #[test]
    fn funnels_give_each_step_for_everyone_then_per_breakdown_value() {
        let step = |name: &str, count: u64, median: Option<f64>| FunnelStep {
            name: name.into(),
            count,
            median_conversion_time: median,
            average_conversion_time: median,
        };
        let result = InsightResult::Funnels(FunnelsResult {
            steps: vec![step("Pageview", 4, None), step("signed up", 1, Some(90.0))],
            breakdowns: vec![FunnelBreakdown {
                value: "Chrome".into(),
                steps: vec![step("Pageview", 2, None), step("signed up", 0, None)],
            }],
        });
        let rows = table(&result);
        assert_eq!(rows.len(), 5);
        assert_eq!(
            rows[2],
            ["All people", "signed up", "1", "3", "0.25", "0.25", "90"]
        );
        assert_eq!(rows[4], ["Chrome", "signed up", "0", "2", "0", "0", ""]);
    }

    #[test]
    fn retention_gives_a_row_per_cohort() {
        let result = InsightResult::Retention(RetentionResult {
            cohorts: vec![
                RetentionCohort {
                    label: "2-Nov-2026".into(),
                    date: "2026-11-02T00:00:00".into(),
                    values: vec![4, 2],
                },
                RetentionCohort {
                    label: "3-Nov-2026".into(),
                    date: "2026-11-03T00:00:00".into(),
                    values: vec![1],
                },
            ],
        });
        assert_eq!(
            table(&result),
            [
                vec!["Cohort", "People", "Period 0", "Period 1"],
                vec!["2026-11-02T00:00:00", "4", "4", "2"],
                vec!["2026-11-03T00:00:00", "1", "1"],
            ]
        );
    }
}
