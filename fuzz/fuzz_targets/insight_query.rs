//! The insight query parser (`?q=` JSON, as the pages and server functions
//! parse it): any text is accepted or refused with a message, never a panic,
//! and an accepted query's JSON parses back to the same query.
#![no_main]

use domain::insight::InsightQuery;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    if let Ok(query) = InsightQuery::from_json(text) {
        let again = InsightQuery::from_json(&query.to_json()).expect("its own JSON is valid");
        assert_eq!(again, query);
    }
});
