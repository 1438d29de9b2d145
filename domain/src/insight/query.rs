//! The insight query model, shaped like PostHog's query nodes (`TrendsQuery`,
//! `FunnelsQuery`, `RetentionQuery`) so that saved JSON reads the same and its
//! users feel at home. Fields keep PostHog's spelling: camelCase for the
//! query-level options, snake_case inside series, filters and breakdowns.

use crate::validation::Invalid;
use serde::{Deserialize, Serialize};

/// One insight's whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum InsightQuery {
    #[serde(rename = "TrendsQuery")]
    Trends(TrendsQuery),
    #[serde(rename = "FunnelsQuery")]
    Funnels(FunnelsQuery),
    #[serde(rename = "RetentionQuery")]
    Retention(RetentionQuery),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InsightKind {
    Trends,
    Funnels,
    Retention,
}

impl InsightKind {
    pub const ALL: [InsightKind; 3] = [Self::Trends, Self::Funnels, Self::Retention];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trends => "trends",
            Self::Funnels => "funnels",
            Self::Retention => "retention",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Trends => "Trends",
            Self::Funnels => "Funnel",
            Self::Retention => "Retention",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The query a new insight of this kind starts from.
    pub fn starter(self) -> InsightQuery {
        let pageview = || EventsNode::event("$pageview");
        match self {
            Self::Trends => InsightQuery::Trends(TrendsQuery {
                series: vec![pageview()],
                ..TrendsQuery::default()
            }),
            Self::Funnels => InsightQuery::Funnels(FunnelsQuery {
                series: vec![pageview(), EventsNode::event("signed up")],
                ..FunnelsQuery::default()
            }),
            Self::Retention => InsightQuery::Retention(RetentionQuery::default()),
        }
    }
}

impl Default for InsightQuery {
    fn default() -> Self {
        InsightKind::Trends.starter()
    }
}

impl InsightQuery {
    pub fn kind(&self) -> InsightKind {
        match self {
            Self::Trends(_) => InsightKind::Trends,
            Self::Funnels(_) => InsightKind::Funnels,
            Self::Retention(_) => InsightKind::Retention,
        }
    }

    /// Parses stored or linked JSON and checks it.
    pub fn from_json(text: &str) -> Result<Self, Invalid> {
        let query: Self = serde_json::from_str(text)
            .map_err(|e| Invalid::new("query", format!("This insight query is not valid: {e}")))?;
        query.validate()?;
        Ok(query)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a query always serializes")
    }

    pub fn date_range(&self) -> &DateRange {
        match self {
            Self::Trends(q) => &q.date_range,
            Self::Funnels(q) => &q.date_range,
            Self::Retention(q) => &q.date_range,
        }
    }

    /// The global property filters.
    pub fn properties(&self) -> &[PropertyFilter] {
        match self {
            Self::Trends(q) => &q.properties,
            Self::Funnels(q) => &q.properties,
            Self::Retention(q) => &q.properties,
        }
    }

    /// Checks what serde cannot: counts, required companions, formulas.
    pub fn validate(&self) -> Result<(), Invalid> {
        match self {
            Self::Trends(q) => {
                if q.series.is_empty() || q.series.len() > MAX_SERIES {
                    return Err(Invalid::new(
                        "series",
                        format!("A trend needs between 1 and {MAX_SERIES} series."),
                    ));
                }
                q.series.iter().try_for_each(EventsNode::validate)?;
                if let Some(formula) = &q.trends_filter.formula {
                    super::formula::Formula::parse(formula, q.series.len())?;
                }
                validate_breakdown(q.breakdown_filter.as_ref())?;
            }
            Self::Funnels(q) => {
                if q.series.len() < 2 || q.series.len() > MAX_FUNNEL_STEPS {
                    return Err(Invalid::new(
                        "series",
                        format!("A funnel needs between 2 and {MAX_FUNNEL_STEPS} steps."),
                    ));
                }
                q.series.iter().try_for_each(EventsNode::validate)?;
                if q.funnels_filter.funnel_window_interval == 0 {
                    return Err(Invalid::new(
                        "funnelWindowInterval",
                        "The conversion window must be at least 1.",
                    ));
                }
                validate_breakdown(q.breakdown_filter.as_ref())?;
            }
            Self::Retention(q) => {
                let n = q.retention_filter.total_intervals;
                if !(1..=MAX_RETENTION_INTERVALS).contains(&n) {
                    return Err(Invalid::new(
                        "totalIntervals",
                        format!(
                            "Retention covers between 1 and {MAX_RETENTION_INTERVALS} periods."
                        ),
                    ));
                }
            }
        }
        validate_filters(self.properties(), "properties")?;
        super::dates::DateBound::parse_range(self.date_range()).map(|_| ())
    }

    /// The events this query reads (`None` = all events), in order, deduplicated.
    pub fn events_used(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut add = |name: &str| {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        };
        match self {
            Self::Trends(q) => q
                .series
                .iter()
                .filter_map(|s| s.event.as_deref())
                .for_each(&mut add),
            Self::Funnels(q) => q
                .series
                .iter()
                .filter_map(|s| s.event.as_deref())
                .for_each(&mut add),
            Self::Retention(q) => {
                add(&q.retention_filter.target_entity.id);
                add(&q.retention_filter.returning_entity.id);
            }
        }
        names
    }

    /// The properties this query reads, with their scope, deduplicated.
    pub fn properties_used(&self) -> Vec<(PropertyScope, String)> {
        let mut used: Vec<(PropertyScope, String)> = Vec::new();
        let mut add = |scope: PropertyScope, key: &str| {
            if !used.iter().any(|(s, k)| *s == scope && k == key) {
                used.push((scope, key.to_owned()));
            }
        };
        let series: &[EventsNode] = match self {
            Self::Trends(q) => &q.series,
            Self::Funnels(q) => &q.series,
            Self::Retention(_) => &[],
        };
        for node in series {
            if let Some(key) = &node.math_property {
                add(PropertyScope::Event, key);
            }
            for filter in &node.properties {
                add(filter.scope, &filter.key);
            }
        }
        for filter in self.properties() {
            add(filter.scope, &filter.key);
        }
        let breakdown = match self {
            Self::Trends(q) => q.breakdown_filter.as_ref(),
            Self::Funnels(q) => q.breakdown_filter.as_ref(),
            Self::Retention(_) => None,
        };
        if let Some(BreakdownFilter {
            breakdown: Some(key),
            breakdown_type,
            ..
        }) = breakdown
        {
            add(*breakdown_type, key);
        }
        used
    }
}

// What one query may ask for. Each limit bounds the SQL a query compiles to
// (and so the work one request can give the events store); the numbers sit
// well above what a chart can usefully show.
pub const MAX_SERIES: usize = 20;
pub const MAX_FUNNEL_STEPS: usize = 20;
pub const MAX_RETENTION_INTERVALS: u32 = 31;
pub const MAX_BREAKDOWN_LIMIT: u32 = 100;
pub const DEFAULT_BREAKDOWN_LIMIT: u32 = 10;
/// Property filters on one series, and separately on the whole query.
pub const MAX_FILTERS: usize = 20;
/// Values one filter may list ("any of").
pub const MAX_FILTER_VALUES: usize = 100;
/// Characters of one filter value.
pub const MAX_FILTER_VALUE_LENGTH: usize = 1_000;
/// Characters of one regular expression.
pub const MAX_REGEX_LENGTH: usize = 500;
/// How deeply a regular expression may nest groups and repetitions.
const MAX_REGEX_NESTING: u32 = 20;

/// Checks a list of filters, answering for `field` (`properties` for the
/// query's own, `series` for a series' or step's).
fn validate_filters(filters: &[PropertyFilter], field: &str) -> Result<(), Invalid> {
    if filters.len() > MAX_FILTERS {
        return Err(Invalid::new(
            field,
            format!("Use at most {MAX_FILTERS} filters here."),
        ));
    }
    filters.iter().try_for_each(|f| f.validate(field))
}

fn validate_breakdown(breakdown: Option<&BreakdownFilter>) -> Result<(), Invalid> {
    match breakdown {
        Some(b) if !(1..=MAX_BREAKDOWN_LIMIT).contains(&b.limit()) => Err(Invalid::new(
            "breakdown_limit",
            format!("Show between 1 and {MAX_BREAKDOWN_LIMIT} breakdown values."),
        )),
        _ => Ok(()),
    }
}

/// Trends: how often things happen, per interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendsQuery {
    pub series: Vec<EventsNode>,
    #[serde(default)]
    pub interval: Interval,
    #[serde(default)]
    pub date_range: DateRange,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_filter: Option<BreakdownFilter>,
    #[serde(default, skip_serializing_if = "CompareFilter::is_off")]
    pub compare_filter: CompareFilter,
    #[serde(default)]
    pub trends_filter: TrendsFilter,
}

impl Default for TrendsQuery {
    fn default() -> Self {
        Self {
            series: Vec::new(),
            interval: Interval::Day,
            date_range: DateRange::default(),
            properties: Vec::new(),
            breakdown_filter: None,
            compare_filter: CompareFilter::default(),
            trends_filter: TrendsFilter::default(),
        }
    }
}

/// Funnels: how many people go through ordered steps.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelsQuery {
    pub series: Vec<EventsNode>,
    #[serde(default)]
    pub date_range: DateRange,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_filter: Option<BreakdownFilter>,
    #[serde(default)]
    pub funnels_filter: FunnelsFilter,
}

/// Retention: of the people who did one thing, how many came back.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionQuery {
    #[serde(default)]
    pub date_range: DateRange,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
    #[serde(default)]
    pub retention_filter: RetentionFilter,
}

/// One series of a trend or one step of a funnel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename = "EventsNode")]
pub struct EventsNode {
    /// `None` means all events.
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_name: Option<String>,
    #[serde(default)]
    pub math: Math,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub math_property: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyFilter>,
}

impl EventsNode {
    pub fn event(name: &str) -> Self {
        Self {
            event: Some(name.to_owned()),
            ..Self::default()
        }
    }

    fn validate(&self) -> Result<(), Invalid> {
        if self.math.needs_property() && self.math_property.as_deref().is_none_or(str::is_empty) {
            return Err(Invalid::new(
                "math_property",
                format!(
                    "Pick a numeric property to take the {} of.",
                    self.math.label()
                ),
            ));
        }
        validate_filters(&self.properties, "series")
    }
}

/// How a series aggregates its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Math {
    #[default]
    Total,
    Dau,
    WeeklyActive,
    MonthlyActive,
    UniqueSession,
    Sum,
    Avg,
    Min,
    Max,
    Median,
    P90,
    P95,
    P99,
}

impl Math {
    pub const ALL: [Math; 13] = [
        Self::Total,
        Self::Dau,
        Self::WeeklyActive,
        Self::MonthlyActive,
        Self::UniqueSession,
        Self::Sum,
        Self::Avg,
        Self::Min,
        Self::Max,
        Self::Median,
        Self::P90,
        Self::P95,
        Self::P99,
    ];

    /// Property math aggregates a numeric property instead of counting.
    pub fn needs_property(self) -> bool {
        matches!(
            self,
            Self::Sum
                | Self::Avg
                | Self::Min
                | Self::Max
                | Self::Median
                | Self::P90
                | Self::P95
                | Self::P99
        )
    }

    /// The quantile for percentile math.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Self::Median => Some(0.5),
            Self::P90 => Some(0.9),
            Self::P95 => Some(0.95),
            Self::P99 => Some(0.99),
            _ => None,
        }
    }

    /// The wire name, e.g. `dau`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Total => "total",
            Self::Dau => "dau",
            Self::WeeklyActive => "weekly_active",
            Self::MonthlyActive => "monthly_active",
            Self::UniqueSession => "unique_session",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
            Self::Median => "median",
            Self::P90 => "p90",
            Self::P95 => "p95",
            Self::P99 => "p99",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// What pickers show.
    pub fn label(self) -> &'static str {
        match self {
            Self::Total => "Total count",
            Self::Dau => "Unique users",
            Self::WeeklyActive => "Weekly active users",
            Self::MonthlyActive => "Monthly active users",
            Self::UniqueSession => "Unique sessions",
            Self::Sum => "Property sum",
            Self::Avg => "Property average",
            Self::Min => "Property minimum",
            Self::Max => "Property maximum",
            Self::Median => "Property median",
            Self::P90 => "Property 90th percentile",
            Self::P95 => "Property 95th percentile",
            Self::P99 => "Property 99th percentile",
        }
    }
}

/// How links between insights and definitions name an event (`None`) or a
/// property: `event`, `event_property`, `person_property`.
pub fn definition_kind(scope: Option<PropertyScope>) -> &'static str {
    match scope {
        None => "event",
        Some(PropertyScope::Event) => "event_property",
        Some(PropertyScope::Person) => "person_property",
    }
}

/// Where a property lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyScope {
    #[default]
    Event,
    Person,
}

/// A condition on an event or person property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyFilter {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<FilterValue>,
    #[serde(default)]
    pub operator: Operator,
    #[serde(rename = "type", default)]
    pub scope: PropertyScope,
}

impl PropertyFilter {
    fn validate(&self, field: &str) -> Result<(), Invalid> {
        if self.key.trim().is_empty() {
            return Err(Invalid::new(field, "A filter needs a property."));
        }
        let values = self.values();
        if self.operator.takes_value() && values.is_empty() {
            return Err(Invalid::new(
                field,
                format!("The filter on {} needs a value.", self.key),
            ));
        }
        if values.len() > MAX_FILTER_VALUES {
            return Err(Invalid::new(
                field,
                format!(
                    "The filter on {} lists more than {MAX_FILTER_VALUES} values.",
                    self.key
                ),
            ));
        }
        if self.operator.is_numeric() && values.iter().any(|v| v.as_number().is_none()) {
            return Err(Invalid::new(
                field,
                format!(
                    "The filter on {} compares numbers; give it a number.",
                    self.key
                ),
            ));
        }
        for value in &values {
            let text = value.as_text();
            let length = text.chars().count();
            if length > MAX_FILTER_VALUE_LENGTH {
                return Err(Invalid::new(
                    field,
                    format!(
                        "A value of the filter on {} is longer than {MAX_FILTER_VALUE_LENGTH} characters.",
                        self.key
                    ),
                ));
            }
            if matches!(self.operator, Operator::Regex | Operator::NotRegex) {
                check_regex(&text, length).map_err(|problem| {
                    Invalid::new(field, format!("The filter on {}: {problem}", self.key))
                })?;
            }
        }
        Ok(())
    }

    /// The filter's values as a list (a single value is a list of one).
    pub fn values(&self) -> Vec<Scalar> {
        match &self.value {
            None => Vec::new(),
            Some(FilterValue::One(v)) => vec![v.clone()],
            Some(FilterValue::Many(vs)) => vs.clone(),
        }
    }
}

/// Why `pattern` (of `length` characters) cannot be run, if so. The events
/// store matches with RE2, whose syntax `regex_syntax` shares (neither has
/// look-around or back-references), so a pattern that parses here runs there.
fn check_regex(pattern: &str, length: usize) -> Result<(), String> {
    if length > MAX_REGEX_LENGTH {
        return Err(format!(
            "a regular expression is at most {MAX_REGEX_LENGTH} characters."
        ));
    }
    regex_syntax::ParserBuilder::new()
        .nest_limit(MAX_REGEX_NESTING)
        .build()
        .parse(pattern)
        .map(|_| ())
        .map_err(|err| match err {
            regex_syntax::Error::Parse(e) => {
                format!("the regular expression is not valid ({}).", e.kind())
            }
            regex_syntax::Error::Translate(e) => {
                format!("the regular expression is not valid ({}).", e.kind())
            }
            _ => "the regular expression is not valid.".to_owned(),
        })
}

/// A filter value: one scalar, or a list meaning "any of".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FilterValue {
    Many(Vec<Scalar>),
    One(Scalar),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Scalar {
    /// The value as events store it in text form.
    pub fn as_text(&self) -> String {
        match self {
            Scalar::Bool(b) => b.to_string(),
            Scalar::Number(n) => number_text(*n),
            Scalar::Text(t) => t.clone(),
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Scalar::Number(n) => Some(*n),
            Scalar::Text(t) => t.trim().parse().ok(),
            Scalar::Bool(_) => None,
        }
    }
}

/// Whole numbers without a trailing `.0`, as JSON writes them.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    #[default]
    Exact,
    IsNot,
    Icontains,
    NotIcontains,
    Regex,
    NotRegex,
    Gt,
    Gte,
    Lt,
    Lte,
    IsSet,
    IsNotSet,
}

impl Operator {
    pub const ALL: [Operator; 12] = [
        Self::Exact,
        Self::IsNot,
        Self::Icontains,
        Self::NotIcontains,
        Self::Regex,
        Self::NotRegex,
        Self::Gt,
        Self::Gte,
        Self::Lt,
        Self::Lte,
        Self::IsSet,
        Self::IsNotSet,
    ];

    pub fn takes_value(self) -> bool {
        !matches!(self, Self::IsSet | Self::IsNotSet)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Gt | Self::Gte | Self::Lt | Self::Lte)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::IsNot => "is_not",
            Self::Icontains => "icontains",
            Self::NotIcontains => "not_icontains",
            Self::Regex => "regex",
            Self::NotRegex => "not_regex",
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Lt => "lt",
            Self::Lte => "lte",
            Self::IsSet => "is_set",
            Self::IsNotSet => "is_not_set",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Exact => "equals",
            Self::IsNot => "doesn't equal",
            Self::Icontains => "contains",
            Self::NotIcontains => "doesn't contain",
            Self::Regex => "matches regex",
            Self::NotRegex => "doesn't match regex",
            Self::Gt => "greater than",
            Self::Gte => "at least",
            Self::Lt => "less than",
            Self::Lte => "at most",
            Self::IsSet => "is set",
            Self::IsNotSet => "is not set",
        }
    }
}

/// Split results by the values of one property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownFilter {
    #[serde(default)]
    pub breakdown_type: PropertyScope,
    #[serde(default)]
    pub breakdown: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_limit: Option<u32>,
}

impl BreakdownFilter {
    /// How many values get their own series before the rest become "Other".
    pub fn limit(&self) -> u32 {
        self.breakdown_limit.unwrap_or(DEFAULT_BREAKDOWN_LIMIT)
    }

    /// The property to break down by, when one is set.
    pub fn property(filter: Option<&Self>) -> Option<(PropertyScope, &str, u32)> {
        let f = filter?;
        let key = f.breakdown.as_deref().filter(|k| !k.is_empty())?;
        Some((f.breakdown_type, key, f.limit()))
    }
}

/// Results for the values beyond the breakdown limit.
pub const BREAKDOWN_OTHER: &str = "$$_posthog_breakdown_other_$$";
/// Results for events without the property.
pub const BREAKDOWN_NULL: &str = "$$_posthog_breakdown_null_$$";

/// How a breakdown value reads on screen.
pub fn breakdown_label(value: &str) -> &str {
    match value {
        BREAKDOWN_OTHER => "Other",
        BREAKDOWN_NULL => "None",
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl Interval {
    pub const ALL: [Interval; 4] = [Self::Hour, Self::Day, Self::Week, Self::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == text)
    }
}

/// `date_from` / `date_to` in PostHog's grammar: `-7d`, `-3m`, `mStart`,
/// `all`, `2026-11-01`; `date_to` absent means now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
}

impl Default for DateRange {
    fn default() -> Self {
        Self {
            date_from: Some("-7d".into()),
            date_to: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompareFilter {
    #[serde(default)]
    pub compare: bool,
}

impl CompareFilter {
    fn is_off(&self) -> bool {
        !self.compare
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendsFilter {
    #[serde(default)]
    pub display: Display,
    /// Series arithmetic such as `A / B * 100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Display {
    #[default]
    ActionsLineGraph,
    ActionsLineGraphCumulative,
    ActionsAreaGraph,
    ActionsBar,
    ActionsStackedBar,
    BoldNumber,
    ActionsPie,
    ActionsTable,
}

impl Display {
    pub const ALL: [Display; 8] = [
        Self::ActionsLineGraph,
        Self::ActionsLineGraphCumulative,
        Self::ActionsAreaGraph,
        Self::ActionsBar,
        Self::ActionsStackedBar,
        Self::BoldNumber,
        Self::ActionsPie,
        Self::ActionsTable,
    ];

    /// Displays that show one number per series rather than a time series.
    pub fn is_total_value(self) -> bool {
        matches!(
            self,
            Self::BoldNumber | Self::ActionsPie | Self::ActionsTable
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActionsLineGraph => "ActionsLineGraph",
            Self::ActionsLineGraphCumulative => "ActionsLineGraphCumulative",
            Self::ActionsAreaGraph => "ActionsAreaGraph",
            Self::ActionsBar => "ActionsBar",
            Self::ActionsStackedBar => "ActionsStackedBar",
            Self::BoldNumber => "BoldNumber",
            Self::ActionsPie => "ActionsPie",
            Self::ActionsTable => "ActionsTable",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ActionsLineGraph => "Line chart",
            Self::ActionsLineGraphCumulative => "Cumulative line chart",
            Self::ActionsAreaGraph => "Area chart",
            Self::ActionsBar => "Bar chart",
            Self::ActionsStackedBar => "Stacked bar chart",
            Self::BoldNumber => "Number",
            Self::ActionsPie => "Pie chart",
            Self::ActionsTable => "Table",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelsFilter {
    #[serde(default = "default_window")]
    pub funnel_window_interval: u32,
    #[serde(default)]
    pub funnel_window_interval_unit: WindowUnit,
    #[serde(default)]
    pub funnel_order_type: FunnelOrder,
}

fn default_window() -> u32 {
    14
}

impl Default for FunnelsFilter {
    fn default() -> Self {
        Self {
            funnel_window_interval: default_window(),
            funnel_window_interval_unit: WindowUnit::Day,
            funnel_order_type: FunnelOrder::Ordered,
        }
    }
}

impl FunnelsFilter {
    /// The conversion window in seconds (a month counts 30 days).
    pub fn window_seconds(&self) -> i64 {
        i64::from(self.funnel_window_interval) * self.funnel_window_interval_unit.seconds()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowUnit {
    Minute,
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl WindowUnit {
    pub const ALL: [WindowUnit; 5] = [Self::Minute, Self::Hour, Self::Day, Self::Week, Self::Month];

    pub fn seconds(self) -> i64 {
        match self {
            Self::Minute => 60,
            Self::Hour => 3_600,
            Self::Day => 86_400,
            Self::Week => 7 * 86_400,
            Self::Month => 30 * 86_400,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == text)
    }
}

/// How strictly funnel steps must follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelOrder {
    /// Steps in order; other events may happen in between.
    #[default]
    Ordered,
    /// Steps in order with nothing else in between.
    Strict,
    /// All steps within the window, in any order.
    Unordered,
}

impl FunnelOrder {
    pub const ALL: [FunnelOrder; 3] = [Self::Ordered, Self::Strict, Self::Unordered];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ordered => "ordered",
            Self::Strict => "strict",
            Self::Unordered => "unordered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ordered => "Sequential",
            Self::Strict => "Strict order",
            Self::Unordered => "Any order",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionFilter {
    pub target_entity: RetentionEntity,
    pub returning_entity: RetentionEntity,
    #[serde(default)]
    pub retention_type: RetentionType,
    #[serde(default)]
    pub period: RetentionPeriod,
    #[serde(default = "default_intervals")]
    pub total_intervals: u32,
}

fn default_intervals() -> u32 {
    8
}

impl Default for RetentionFilter {
    fn default() -> Self {
        Self {
            target_entity: RetentionEntity::event("$pageview"),
            returning_entity: RetentionEntity::event("$pageview"),
            retention_type: RetentionType::Recurring,
            period: RetentionPeriod::Week,
            total_intervals: default_intervals(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionEntity {
    pub id: String,
    #[serde(rename = "type", default = "events_type")]
    pub entity_type: String,
}

fn events_type() -> String {
    "events".into()
}

impl RetentionEntity {
    pub fn event(name: &str) -> Self {
        Self {
            id: name.to_owned(),
            entity_type: events_type(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum RetentionType {
    /// A person's cohort is every period in which they did the target event.
    #[default]
    #[serde(rename = "retention_recurring")]
    Recurring,
    /// A person's cohort is the period of their first target event ever.
    #[serde(rename = "retention_first_time")]
    FirstTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum RetentionPeriod {
    Day,
    #[default]
    Week,
    Month,
}

impl RetentionPeriod {
    pub const ALL: [RetentionPeriod; 3] = [Self::Day, Self::Week, Self::Month];

    pub fn interval(self) -> Interval {
        match self {
            Self::Day => Interval::Day,
            Self::Week => Interval::Week,
            Self::Month => Interval::Month,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "Day",
            Self::Week => "Week",
            Self::Month => "Month",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use serde_json::{json, Value};

    fn check(value: Value) -> Result<InsightQuery, Invalid> {
        InsightQuery::from_json(&value.to_string())
    }

    fn filter(value: Value, operator: &str) -> Value {
        json!({"key": "$browser", "value": value, "operator": operator, "type": "event"})
    }

    fn trend_with(series_filters: Vec<Value>, global: Vec<Value>) -> Value {
        json!({"kind": "TrendsQuery",
               "series": [{"kind": "EventsNode", "event": "$pageview", "properties": series_filters}],
               "properties": global})
    }

    #[test]
    fn too_many_filters_are_refused_naming_where() {
        let many = vec![filter(json!("Chrome"), "exact"); MAX_FILTERS + 1];
        let err = check(trend_with(many.clone(), vec![])).unwrap_err();
        assert_eq!(err.field, "series");
        assert!(
            err.message.contains("at most 20 filters"),
            "{}",
            err.message
        );
        let err = check(trend_with(vec![], many)).unwrap_err();
        assert_eq!(err.field, "properties");
        let enough = vec![filter(json!("Chrome"), "exact"); MAX_FILTERS];
        assert!(check(trend_with(enough.clone(), enough)).is_ok());
    }

    #[test]
    fn too_many_or_too_long_filter_values_are_refused() {
        let values: Vec<String> = (0..=MAX_FILTER_VALUES).map(|i| i.to_string()).collect();
        let err = check(trend_with(vec![], vec![filter(json!(values), "exact")])).unwrap_err();
        assert!(
            err.message.contains("more than 100 values"),
            "{}",
            err.message
        );
        let long = "x".repeat(MAX_FILTER_VALUE_LENGTH + 1);
        let err = check(trend_with(vec![], vec![filter(json!(long), "icontains")])).unwrap_err();
        assert!(err.message.contains("longer than 1000"), "{}", err.message);
    }

    #[test]
    fn regular_expressions_are_checked_before_they_run() {
        for bad in ["(unclosed", "*a", "[z-a]", "(?<=x)y"] {
            let err = check(trend_with(vec![filter(json!(bad), "regex")], vec![])).unwrap_err();
            assert_eq!(err.field, "series");
            assert!(err.message.contains("not valid"), "{bad}: {}", err.message);
        }
        let deep = format!("{}a{}", "(".repeat(50), ")".repeat(50));
        assert!(check(trend_with(vec![], vec![filter(json!(deep), "not_regex")])).is_err());
        let long = "a".repeat(MAX_REGEX_LENGTH + 1);
        let err = check(trend_with(vec![], vec![filter(json!(long), "regex")])).unwrap_err();
        assert!(err.message.contains("at most 500"), "{}", err.message);
        // The same text is fine where it is not a pattern.
        assert!(check(trend_with(
            vec![],
            vec![filter(json!("(unclosed"), "exact")]
        ))
        .is_ok());
        assert!(check(trend_with(
            vec![],
            vec![filter(json!("^Chrom(e|ium)$"), "regex")]
        ))
        .is_ok());
    }

    #[test]
    fn funnel_steps_have_their_filters_checked_too() {
        let step = |filters: Value| json!({"kind": "EventsNode", "event": "$pageview", "properties": filters});
        let bad = json!([filter(json!("(x"), "regex")]);
        let err = check(json!({"kind": "FunnelsQuery", "series": [step(json!([])), step(bad)]}))
            .unwrap_err();
        assert_eq!(err.field, "series");
        let steps = vec![step(json!([])); MAX_FUNNEL_STEPS + 1];
        assert!(check(json!({"kind": "FunnelsQuery", "series": steps})).is_err());
    }

    #[test]
    fn series_and_breakdown_limits_hold() {
        let series = vec![json!({"kind": "EventsNode", "event": "$pageview"}); MAX_SERIES + 1];
        let err = check(json!({"kind": "TrendsQuery", "series": series})).unwrap_err();
        assert_eq!(err.field, "series");
        let err = check(json!({"kind": "TrendsQuery",
            "series": [{"kind": "EventsNode", "event": "$pageview"}],
            "breakdownFilter": {"breakdown": "$browser", "breakdown_limit": MAX_BREAKDOWN_LIMIT + 1}}))
        .unwrap_err();
        assert_eq!(err.field, "breakdown_limit");
    }

    #[test]
    fn an_overflowing_date_range_is_a_validation_error() {
        let err = check(json!({"kind": "TrendsQuery",
            "series": [{"kind": "EventsNode", "event": "$pageview"}],
            "dateRange": {"date_from": "-4000000000d"}}))
        .unwrap_err();
        assert_eq!(err.field, "dateRange");
    }
}
