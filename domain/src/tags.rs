//! Tags people put on definitions, insights and dashboards.

use crate::validation::Invalid;

pub const MAX_TAGS: usize = 20;
const MAX_TAG_LENGTH: usize = 40;

/// Parses comma-separated tags as typed into a form: trimmed, lower-cased,
/// without duplicates.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, Invalid> {
    let mut parsed: Vec<String> = Vec::new();
    for tag in raw
        .split(',')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if tag.chars().count() > MAX_TAG_LENGTH {
            return Err(Invalid::new(
                "tags",
                format!("Tags are at most {MAX_TAG_LENGTH} characters."),
            ));
        }
        if !parsed.contains(&tag) {
            parsed.push(tag);
        }
    }
    if parsed.len() > MAX_TAGS {
        return Err(Invalid::new(
            "tags",
            format!("Use at most {MAX_TAGS} tags."),
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_lowercased_and_deduplicated() {
        assert_eq!(
            parse_tags(" Growth, growth ,, KPI").unwrap(),
            ["growth", "kpi"]
        );
        assert!(parse_tags(&"x".repeat(41)).is_err());
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(parse_tags(&many.join(",")).is_err());
    }
}
