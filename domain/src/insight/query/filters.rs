//! Property filters: conditions on event or person properties, and the checks
//! that keep their values and regular expressions within bounds.

use super::{MAX_FILTERS, MAX_FILTER_VALUES, MAX_FILTER_VALUE_LENGTH, MAX_REGEX_LENGTH};
use crate::enum_strings::enum_strings;
use crate::validation::Invalid;
use serde::{Deserialize, Serialize};
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

/// How deeply a regular expression may nest groups and repetitions.
const MAX_REGEX_NESTING: u32 = 20;

/// Checks a list of filters, answering for `field` (`properties` for the
/// query's own, `series` for a series' or step's).
pub fn validate_filters(filters: &[PropertyFilter], field: &str) -> Result<(), Invalid> {
    if filters.len() > MAX_FILTERS {
        return Err(Invalid::new(
            field,
            format!("Use at most {MAX_FILTERS} filters here."),
        ));
    }
    filters.iter().try_for_each(|f| f.validate(field))
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

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
    EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Operator {
    #[default]
    #[strum(message = "equals")]
    Exact,
    #[strum(message = "doesn't equal")]
    IsNot,
    #[strum(message = "contains")]
    Icontains,
    #[strum(message = "doesn't contain")]
    NotIcontains,
    #[strum(message = "matches regex")]
    Regex,
    #[strum(message = "doesn't match regex")]
    NotRegex,
    #[strum(message = "greater than")]
    Gt,
    #[strum(message = "at least")]
    Gte,
    #[strum(message = "less than")]
    Lt,
    #[strum(message = "at most")]
    Lte,
    #[strum(message = "is set")]
    IsSet,
    #[strum(message = "is not set")]
    IsNotSet,
}

enum_strings!(Operator, label, parse);

impl Operator {
    pub fn takes_value(self) -> bool {
        !matches!(self, Self::IsSet | Self::IsNotSet)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Gt | Self::Gte | Self::Lt | Self::Lte)
    }
}
