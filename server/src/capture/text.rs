//! Repairs the text of a capture body the way PostHog does before parsing it:
//! invalid UTF-8 and lone UTF-16 surrogate escapes (`"\ud800"`, which
//! serde_json refuses) become U+FFFD, so one bad string cannot reject the
//! events beside it.

use std::borrow::Cow;

const REPLACEMENT: &str = "\\ufffd";

pub fn repair(bytes: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(bytes);
    if !text.contains("\\u") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match surrogate(rest) {
            Some(0xD800..=0xDBFF) => match surrogate(&rest[6..]) {
                Some(0xDC00..=0xDFFF) => {
                    out.push_str(&rest[..12]);
                    rest = &rest[12..];
                }
                _ => {
                    out.push_str(REPLACEMENT);
                    rest = &rest[6..];
                }
            },
            Some(0xDC00..=0xDFFF) => {
                out.push_str(REPLACEMENT);
                rest = &rest[6..];
            }
            // Any other escape, kept whole so that `\\u` stays an escaped backslash.
            _ => {
                let length = rest[1..].chars().next().map_or(1, |c| 1 + c.len_utf8());
                out.push_str(&rest[..length]);
                rest = &rest[length..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The code unit of a `\uXXXX` escape at the start of `text`, if it is a surrogate.
fn surrogate(text: &str) -> Option<u16> {
    let hex = text.strip_prefix("\\u")?.get(..4)?;
    let unit = u16::from_str_radix(hex, 16).ok()?;
    (0xD800..=0xDFFF).contains(&unit).then_some(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> String {
        serde_json::from_str(&repair(json.as_bytes())).unwrap()
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        assert_eq!(parsed(r#""a\ud800b""#), "a\u{fffd}b");
        assert_eq!(parsed(r#""\udc00""#), "\u{fffd}");
        assert_eq!(parsed(r#""\ud800\ud800\udc00""#), "\u{fffd}\u{10000}");
        assert_eq!(parsed(r#""end\ud83d""#), "end\u{fffd}");
    }

    #[test]
    fn valid_pairs_and_escaped_backslashes_are_left_alone() {
        assert_eq!(parsed(r#""\ud83d\ude00""#), "😀");
        assert_eq!(parsed(r#""\\ud800""#), "\\ud800");
        assert_eq!(parsed(r#""\u00e9\n\"""#), "é\n\"");
    }

    #[test]
    fn invalid_utf8_becomes_the_replacement_character() {
        assert_eq!(
            serde_json::from_str::<String>(&repair(b"\"a\xffb\"")).unwrap(),
            "a\u{fffd}b"
        );
    }
}
