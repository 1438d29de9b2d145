//! Keyset paging for long lists (events, persons).
//!
//! A list is ordered newest first by a moment and a UUID that breaks ties,
//! and a page asks for "the next N after this [`Cursor`]": the position of
//! the last item the previous page showed. Unlike an offset, a cursor keeps
//! its place when new items arrive at the top, and the store finds it without
//! counting past every earlier row.
//!
//! A cursor travels in URLs as `after=<microseconds>_<uuid>` (microseconds
//! since the Unix epoch, UTC: the precision the events store keeps, so no two
//! stored moments share a cursor they do not share in the store), and in JSON
//! as that same string.

use crate::Invalid;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The URL query key a cursor travels under.
pub const AFTER: &str = "after";

/// A position in a list ordered by (moment, id) descending: a page after it
/// holds only items strictly older, or equally old with a smaller id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cursor {
    /// Microseconds since the Unix epoch.
    micros: i64,
    /// A UUID in its canonical form: lowercase, hyphenated.
    id: String,
}

impl Cursor {
    /// The position of the item at `at` with UUID `id`. `at` keeps
    /// microsecond precision.
    pub fn new(at: DateTime<Utc>, id: &str) -> Result<Self, Invalid> {
        Ok(Self {
            micros: at.timestamp_micros(),
            id: canonical_uuid(id).ok_or_else(invalid)?,
        })
    }

    /// The item's moment, to microseconds.
    pub fn at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.micros)
            .expect("a cursor holds only moments chrono can represent")
    }

    /// The item's UUID, canonical (lowercase, hyphenated).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The cursor as a URL query value: `<microseconds>_<uuid>`. Only digits,
    /// `-`, `_` and hex letters, so it needs no escaping.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.micros, self.id)
    }

    /// Reads [`Cursor::encode`]'s form back; anything else (a mistyped or
    /// shortened link) is [`Invalid`] on the `after` field.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let (micros, id) = text.trim().split_once('_').ok_or_else(invalid)?;
        // `i64::from_str` accepts a leading `+`; the encoding never has one.
        if micros.is_empty() || micros.starts_with('+') {
            return Err(invalid());
        }
        let micros: i64 = micros.parse().map_err(|_| invalid())?;
        DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
        let id = canonical_uuid(id).ok_or_else(invalid)?;
        Ok(Self { micros, id })
    }

    /// A cursor from a URL query value that may be missing: no value, or a
    /// blank one, is the first page.
    pub fn parse_optional(text: Option<&str>) -> Result<Option<Self>, Invalid> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => Self::parse(text).map(Some),
            None => Ok(None),
        }
    }
}

fn invalid() -> Invalid {
    Invalid::new(
        AFTER,
        "This page link is not valid; start again from the first page.",
    )
}

/// `text` as a lowercase hyphenated UUID, if it is one (hyphenated, any case).
fn canonical_uuid(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let well_formed = bytes.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        _ => b.is_ascii_hexdigit(),
    });
    well_formed.then(|| text.to_ascii_lowercase())
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl FromStr for Cursor {
    type Err = Invalid;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Cursor {
    type Error = Invalid;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Cursor> for String {
    fn from(cursor: Cursor) -> Self {
        cursor.encode()
    }
}

/// One page of a list, with where the pages around it begin and how many
/// items the whole list (with the same filters) holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next (older) page begins; `None` on the last page.
    pub next: Option<Cursor>,
    /// Where the previous (newer) page begins, when there is one that is not
    /// the first page: with `offset > 0` and no `previous`, the previous page
    /// is the first.
    pub previous: Option<Cursor>,
    /// How many items come before this page.
    pub offset: u64,
    /// How many items the list holds in all.
    pub total: u64,
}

impl<T> Page<T> {
    /// A page with no items of a list with none.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            next: None,
            previous: None,
            offset: 0,
            total: 0,
        }
    }

    /// The same page with each item turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
            previous: self.previous,
            offset: self.offset,
            total: self.total,
        }
    }

    /// Whether pages come before this one.
    pub fn has_previous(&self) -> bool {
        self.offset > 0
    }

    /// "Showing 101–200 of 12,345 events": where this page lies in the list.
    /// `one` and `many` name an item and several.
    pub fn showing(&self, one: &str, many: &str) -> String {
        let noun = if self.total == 1 { one } else { many };
        if self.items.is_empty() {
            return format!("Showing 0 of {} {noun}", thousands(self.total));
        }
        let first = self.offset + 1;
        let last = self.offset + self.items.len() as u64;
        format!(
            "Showing {}–{} of {} {noun}",
            thousands(first),
            thousands(last),
            thousands(self.total)
        )
    }
}

/// `n` with commas between groups of three digits: 12,345.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const ID: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap() + chrono::Duration::microseconds(123_456)
    }

    #[test]
    fn a_cursor_encodes_as_microseconds_and_uuid_and_reads_back() {
        let cursor = Cursor::new(at(), ID).unwrap();
        assert_eq!(cursor.encode(), format!("1714979289123456_{ID}"));
        assert_eq!(cursor.to_string(), cursor.encode());
        assert_eq!(Cursor::parse(&cursor.encode()).unwrap(), cursor);
        assert_eq!(cursor.at(), at());
        assert_eq!(cursor.id(), ID);
    }

    #[test]
    fn a_cursor_keeps_microseconds_and_drops_finer_precision() {
        let finer = at() + chrono::Duration::nanoseconds(789);
        let cursor = Cursor::new(finer, ID).unwrap();
        assert_eq!(cursor.at(), at());
        assert_eq!(Cursor::parse(&cursor.encode()).unwrap(), cursor);
    }

    #[test]
    fn uuids_are_kept_in_lowercase() {
        let cursor = Cursor::new(at(), &ID.to_uppercase()).unwrap();
        assert_eq!(cursor.id(), ID);
        let parsed = Cursor::parse(&format!("1_{}", ID.to_uppercase())).unwrap();
        assert_eq!(parsed.id(), ID);
    }

    #[test]
    fn moments_before_1970_encode_as_negative_numbers() {
        let early = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap();
        let cursor = Cursor::new(early, ID).unwrap();
        assert_eq!(cursor.encode(), format!("-1000000_{ID}"));
        assert_eq!(Cursor::parse(&cursor.encode()).unwrap().at(), early);
    }

    #[test]
    fn a_malformed_cursor_is_invalid_on_the_after_field() {
        let too_far = format!("{}_{ID}", i64::MAX);
        let bad = [
            "",
            "_",
            "123",
            ID,
            &format!("_{ID}"),
            &format!("12x_{ID}"),
            &format!("+12_{ID}"),
            &format!("1.5_{ID}"),
            &too_far,
            "12_not-a-uuid",
            "12_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b",
            "12_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5",
            "12_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5bb",
            "12_0190a1b2-c3d4-7e5f-8a9b_0c1d2e3f4a5b",
            "12_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g",
            "12_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4aé",
            &format!("12_{ID}_3"),
        ];
        for text in bad {
            let err = Cursor::parse(text).expect_err(text);
            assert_eq!(err.field, AFTER, "{text}");
            assert!(text.parse::<Cursor>().is_err(), "{text}");
        }
        assert!(Cursor::new(at(), "nope").is_err());
    }

    #[test]
    fn a_missing_or_blank_cursor_is_the_first_page() {
        assert_eq!(Cursor::parse_optional(None), Ok(None));
        assert_eq!(Cursor::parse_optional(Some(" ")), Ok(None));
        let cursor = Cursor::new(at(), ID).unwrap();
        assert_eq!(
            Cursor::parse_optional(Some(&cursor.encode())),
            Ok(Some(cursor))
        );
        assert!(Cursor::parse_optional(Some("12_nope")).is_err());
    }

    #[test]
    fn a_cursor_travels_in_json_as_its_url_form() {
        let cursor = Cursor::new(at(), ID).unwrap();
        let json = serde_json::to_string(&cursor).unwrap();
        assert_eq!(json, format!("\"1714979289123456_{ID}\""));
        assert_eq!(serde_json::from_str::<Cursor>(&json).unwrap(), cursor);
        assert!(serde_json::from_str::<Cursor>("\"12_nope\"").is_err());
    }

    #[test]
    fn an_encoded_cursor_needs_no_escaping_in_a_query_string() {
        let cursor = Cursor::new(at(), ID).unwrap().encode();
        let escaped: String = form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
        assert_eq!(escaped, cursor);
    }

    #[test]
    fn a_page_says_where_it_lies_in_the_list() {
        let page = |offset: u64, len: usize, total: u64| Page {
            items: vec![(); len],
            next: None,
            previous: None,
            offset,
            total,
        };
        assert_eq!(
            page(0, 100, 12_345).showing("event", "events"),
            "Showing 1–100 of 12,345 events"
        );
        assert_eq!(
            page(100, 50, 150).showing("event", "events"),
            "Showing 101–150 of 150 events"
        );
        assert_eq!(
            page(0, 1, 1).showing("person", "persons"),
            "Showing 1–1 of 1 person"
        );
        assert_eq!(
            page(0, 0, 0).showing("event", "events"),
            "Showing 0 of 0 events"
        );
        assert!(!page(0, 100, 150).has_previous());
        assert!(page(100, 50, 150).has_previous());
    }

    #[test]
    fn thousands_are_grouped_with_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn a_page_maps_its_items_and_keeps_its_place() {
        let cursor = Cursor::new(at(), ID).unwrap();
        let page = Page {
            items: vec![1, 2],
            next: Some(cursor.clone()),
            previous: None,
            offset: 100,
            total: 102,
        };
        let mapped = page.map(|n| n * 10);
        assert_eq!(mapped.items, [10, 20]);
        assert_eq!(mapped.next, Some(cursor));
        assert_eq!((mapped.offset, mapped.total), (100, 102));
        assert_eq!(Page::<u8>::empty().total, 0);
    }
}
