//! Moving through a long list a page at a time.

use domain::paging::{Cursor, Page};
use leptos::prelude::*;

/// Where `page` lies in its list: "Showing 101–200 of 12,345 events".
pub fn page_summary<T>(page: &Page<T>, one: &str, many: &str) -> impl IntoView {
    view! { <p class="muted list-summary" data-testid="page-summary">{page.showing(one, many)}</p> }
}

/// Links to the pages around `page`: the newest (when the previous page is
/// not it), the newer and the next. `link` makes the address of the page
/// after a cursor, `None` being the first page, with the list's filters, so
/// that each page has its own address and Back, Forward and reload keep it.
pub fn pager_links<T>(page: &Page<T>, link: impl Fn(Option<&Cursor>) -> String) -> impl IntoView {
    let newest = page.previous.is_some().then(|| link(None));
    let newer = page.has_previous().then(|| link(page.previous.as_ref()));
    let next = page.next.as_ref().map(|cursor| link(Some(cursor)));
    let any = newer.is_some() || next.is_some();
    any.then(|| {
        view! {
            <nav class="pager" aria-label="Pages" data-testid="pager">
                {newest.map(|href| view! { <a class="btn" href=href>"Newest"</a> })}
                {newer.map(|href| view! { <a class="btn" href=href rel="prev">"Newer"</a> })}
                {next.map(|href| view! { <a class="btn" href=href rel="next">"Next page"</a> })}
            </nav>
        }
    })
}
