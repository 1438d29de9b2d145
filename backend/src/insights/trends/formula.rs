//! Formulas over trends series: one series per breakdown value, the formula
//! evaluated bucket by bucket and on the totals.

use super::Computed;
use domain::insight::formula::Formula;
use domain::insight::{ComparePeriod, TrendSeries};

/// One series per breakdown value (in order of first appearance), the
/// formula evaluated bucket by bucket and on the totals.
pub fn apply_formula(
    text: &str,
    formula: &Formula,
    computed: &[Vec<Computed>],
    compare: Option<ComparePeriod>,
) -> Vec<TrendSeries> {
    let mut keys: Vec<Option<String>> = Vec::new();
    for c in computed.iter().flatten() {
        if !keys.contains(&c.breakdown) {
            keys.push(c.breakdown.clone());
        }
    }
    let buckets = computed
        .iter()
        .flatten()
        .map(|c| c.data.len())
        .max()
        .unwrap_or(0);
    keys.into_iter()
        .map(|key| {
            let key = &key;
            fn of<'a>(series: &'a [Computed], key: &Option<String>) -> Option<&'a Computed> {
                series.iter().find(|c| &c.breakdown == key)
            }
            let data = (0..buckets)
                .map(|i| {
                    let values: Vec<f64> = computed
                        .iter()
                        .map(|s| of(s, key).map_or(0.0, |c| c.data[i]))
                        .collect();
                    formula.eval(&values)
                })
                .collect();
            let totals: Vec<f64> = computed
                .iter()
                .map(|s| of(s, key).map_or(0.0, |c| c.total))
                .collect();
            TrendSeries {
                label: text.to_owned(),
                series_index: None,
                breakdown_value: key.clone(),
                data,
                total: formula.eval(&totals),
                compare,
            }
        })
        .collect()
}
