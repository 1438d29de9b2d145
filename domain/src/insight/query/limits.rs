//! What one query may ask for. Each limit bounds the SQL a query compiles to
//! (and so the work one request can give the events store); the numbers sit
//! well above what a chart can usefully show.

pub const MAX_SERIES: usize = 20;
pub const MIN_FUNNEL_STEPS: usize = 2;
pub const MAX_FUNNEL_STEPS: usize = 20;
pub const MAX_RETENTION_INTERVALS: u32 = 31;
pub const MAX_BREAKDOWN_LIMIT: u32 = 100;
/// Property filters on one series, and separately on the whole query.
pub const MAX_FILTERS: usize = 20;
/// Values one filter may list ("any of").
pub const MAX_FILTER_VALUES: usize = 100;
/// Characters of one filter value.
pub const MAX_FILTER_VALUE_LENGTH: usize = 1_000;
/// Characters of one regular expression.
pub const MAX_REGEX_LENGTH: usize = 500;
