//! The tile grid: tiles placed on a 12-column grid, moved by dragging their
//! header and resized by their corner. While a tile is dragged the tiles it
//! lands on make way and the rest close up (`move_tile`); the layout is
//! saved when the drag ends.

use super::api::{change_dashboard, tile_result, DashboardChange, DashboardFilters, TileView};
use crate::error::AppError;
use crate::insights::{Freshness, InsightResults, ResultParts};
use domain::dashboard::{
    compact, move_tile, DashboardId, TileContent, TileId, TileLayout, GRID_COLUMNS,
};
use domain::insight::{Display, QueryOutcome};
use domain::{paths, ProjectId};
use leptos::prelude::*;

/// Height of one grid row in pixels (CSS uses the same).
const ROW_PX: f64 = 60.0;

#[derive(Debug, Clone, Copy)]
enum DragMode {
    Move,
    Resize,
}

#[derive(Debug, Clone)]
struct Drag {
    tile: TileId,
    mode: DragMode,
    start: (f64, f64),
    origin: TileLayout,
    /// Every tile's place when the drag began: each step rearranges this,
    /// so dragging back puts the others back.
    before: Vec<(TileId, TileLayout)>,
    cell_width: f64,
}

/// Where a grid's tiles come from, and so how they recompute.
#[derive(Debug, Clone, PartialEq)]
pub enum TileSource {
    /// A dashboard of the viewer's project: tiles link to their insights.
    Dashboard {
        project: ProjectId,
        dashboard: DashboardId,
    },
    /// A shared link's dashboard: tiles recompute through the link and link
    /// nowhere into the app.
    Shared { token: String },
    /// A signed embed's dashboard, likewise, with its locked filters.
    Signed { token: String },
}

impl TileSource {
    async fn result(
        self,
        tile: TileId,
        filters: DashboardFilters,
    ) -> Result<QueryOutcome, AppError> {
        match self {
            Self::Dashboard { project, dashboard } => {
                tile_result(project, dashboard, tile, filters, true).await
            }
            Self::Shared { token } => {
                crate::sharing::api::shared_tile_result(token, tile, filters.date_from).await
            }
            Self::Signed { token } => crate::sharing::api::signed_tile_result(token, tile).await,
        }
    }
}

#[component]
pub fn TileGrid(
    source: TileSource,
    tiles: Vec<TileView>,
    /// The viewer's overrides, applied again when a tile recomputes.
    filters: DashboardFilters,
    /// Only for a dashboard of the viewer's project.
    editable: bool,
    reload: RwSignal<u32>,
    /// "Refresh all": every insight tile recomputes when this changes.
    refresh_all: RwSignal<u32>,
) -> impl IntoView {
    let filters = StoredValue::new(filters);
    let dashboard_of = match &source {
        TileSource::Dashboard { project, dashboard } => Some((*project, *dashboard)),
        TileSource::Shared { .. } | TileSource::Signed { .. } => None,
    };
    let editable = editable && dashboard_of.is_some();
    let source = StoredValue::new(source);
    let layouts = RwSignal::new({
        let mut initial = tiles
            .iter()
            .map(|t| (t.tile.id, t.tile.layout))
            .collect::<Vec<_>>();
        // Shown without overlaps or gaps even if stored before layouts
        // were compacted; the next save stores it so.
        compact(&mut initial);
        initial
    });
    let drag = RwSignal::new(None::<Drag>);
    let grid = NodeRef::<leptos::html::Div>::new();
    let layout_of =
        move |id: TileId| layouts.with(|l| l.iter().find(|(t, _)| *t == id).map(|(_, l)| *l));

    let on_move = window_event_listener(leptos::ev::pointermove, move |ev| {
        let Some(d) = drag.get_untracked() else {
            return;
        };
        let dx = ((f64::from(ev.client_x()) - d.start.0) / d.cell_width).round() as i64;
        let dy = ((f64::from(ev.client_y()) - d.start.1) / ROW_PX).round() as i64;
        let shift = |v: u32, by: i64| (i64::from(v) + by).max(0) as u32;
        let next = match d.mode {
            DragMode::Move => TileLayout {
                x: shift(d.origin.x, dx),
                y: shift(d.origin.y, dy),
                ..d.origin
            },
            DragMode::Resize => TileLayout {
                w: shift(d.origin.w, dx),
                h: shift(d.origin.h, dy),
                ..d.origin
            },
        }
        .clamped();
        // The tiles it lands on make way and the rest close up, live.
        let arranged = move_tile(&d.before, d.tile, next);
        if layouts.with_untracked(|l| *l != arranged) {
            layouts.set(arranged);
        }
    });
    let on_up = window_event_listener(leptos::ev::pointerup, move |_| {
        if drag.with_untracked(Option::is_none) {
            return;
        }
        drag.set(None);
        let layout = layouts.get_untracked();
        let Some((project, dashboard)) = dashboard_of else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Err(err) =
                change_dashboard(project, dashboard, DashboardChange::Layout(layout)).await
            {
                leptos::logging::error!("saving the layout failed: {err}");
            }
        });
    });
    on_cleanup(move || {
        on_move.remove();
        on_up.remove();
    });

    let start = move |tile: TileId, mode: DragMode, ev: leptos::ev::PointerEvent| {
        if !editable {
            return;
        }
        ev.prevent_default();
        let width = grid
            .get_untracked()
            .map_or(1200.0, |g| f64::from(g.client_width()));
        if let Some(origin) = layout_of(tile) {
            drag.set(Some(Drag {
                tile,
                mode,
                start: (f64::from(ev.client_x()), f64::from(ev.client_y())),
                origin,
                before: layouts.get_untracked(),
                cell_width: width / f64::from(GRID_COLUMNS),
            }));
        }
    };

    let views = tiles
        .into_iter()
        .map(|view| {
            let id = view.tile.id;
            let style = move || {
                layout_of(id).map(|l| format!("grid-column: {} / span {}; grid-row: {} / span {};", l.x + 1, l.w, l.y + 1, l.h))
            };
            let remove = move |_| {
                let Some((project, dashboard)) = dashboard_of else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    if change_dashboard(project, dashboard, DashboardChange::RemoveTile { tile: id }).await.is_ok() {
                        reload.update(|n| *n += 1);
                    }
                });
            };
            let refresh_one = RwSignal::new(0u32);
            // A tile shows its chart or, at a click, its numbers: either one
            // fills the tile, whatever its size.
            let numbers = RwSignal::new(false);
            let text_html = view.text_html;
            let (title, body, refreshable) = match (view.tile.content, view.outcome) {
                (TileContent::Insight(insight), outcome) => {
                    let display = insight.query.display();
                    let charted = !matches!(display, Display::BoldNumber | Display::ActionsTable);
                    let name = insight.display_name().to_owned();
                    let title = view! {
                        {match dashboard_of {
                            Some((project, _)) => view! {
                                <a href=paths::insight(project, &insight.short_id) class="tile-title">{name}</a>
                            }.into_any(),
                            None => view! { <span class="tile-title">{name}</span> }.into_any(),
                        }}
                        {charted.then(|| view! {
                            <button type="button" class="btn btn-ghost btn-small" data-testid="tile-parts"
                                aria-pressed=move || numbers.get().to_string()
                                on:pointerdown=|ev| ev.stop_propagation()
                                on:click=move |_| numbers.update(|n| *n = !*n)>
                                {move || if numbers.get() { "Chart" } else { "Table" }}
                            </button>
                        })}
                    }
                    .into_any();
                    let parts = Signal::derive(move || if numbers.get() { ResultParts::Numbers } else { ResultParts::Chart });
                    let body = view! {
                        <InsightTileResult source=source.get_value() tile=id filters=filters.get_value()
                            initial=outcome display parts refresh_all refresh_one/>
                    }
                    .into_any();
                    (title, body, true)
                }
                // Rendered and sanitized on the server (see `TileView`).
                (TileContent::Text(_), _) => (
                    view! { <span class="tile-title muted">"Text"</span> }.into_any(),
                    view! { <div class="markdown" inner_html=text_html.unwrap_or_default()></div> }.into_any(),
                    false,
                ),
            };
            view! {
                <article class="tile card" style=style data-testid="tile" data-tile=id.to_string()>
                    <header class="tile-header" class:draggable=editable
                        on:pointerdown=move |ev| start(id, DragMode::Move, ev) data-testid="tile-handle">
                        {title}
                        {refreshable.then(|| view! {
                            <button type="button" class="btn btn-ghost btn-small" aria-label="Refresh tile" title="Refresh"
                                data-testid="refresh-tile" on:pointerdown=|ev| ev.stop_propagation()
                                on:click=move |_| refresh_one.update(|n| *n += 1)>"↻"</button>
                        })}
                        {editable.then(|| view! {
                            <button type="button" class="btn btn-ghost btn-small" aria-label="Remove tile"
                                on:pointerdown=|ev| ev.stop_propagation() on:click=remove>"✕"</button>
                        })}
                    </header>
                    <div class="tile-body">{body}</div>
                    {editable.then(|| view! {
                        <span class="tile-resize" aria-hidden="true" data-testid="tile-resize"
                            on:pointerdown=move |ev| start(id, DragMode::Resize, ev)></span>
                    })}
                </article>
            }
        })
        .collect_view();
    view! {
        <div class="tile-grid" node_ref=grid class:dragging=move || drag.with(Option::is_some) data-testid="tile-grid">{views}</div>
    }
}

/// An insight tile's result: computed with the dashboard when it loads, then
/// recomputed on its own, with its own loading state, on "Refresh all" or
/// its refresh button, so each tile shows its answer as soon as it has it.
#[component]
fn InsightTileResult(
    source: TileSource,
    tile: TileId,
    filters: DashboardFilters,
    initial: Option<Result<QueryOutcome, AppError>>,
    display: Display,
    parts: Signal<ResultParts>,
    refresh_all: RwSignal<u32>,
    refresh_one: RwSignal<u32>,
) -> impl IntoView {
    let outcome = RwSignal::new(initial);
    let refreshing = RwSignal::new(false);
    let filters = StoredValue::new(filters);
    let source = StoredValue::new(source);
    // Only the newest request's answer is shown when clicks overlap.
    let latest = StoredValue::new(0u32);
    Effect::watch(
        move || (refresh_all.get(), refresh_one.get()),
        move |_, _, _| {
            latest.update_value(|n| *n += 1);
            let request = latest.get_value();
            refreshing.set(true);
            let (filters, source) = (filters.get_value(), source.get_value());
            leptos::task::spawn_local(async move {
                let result = source.result(tile, filters).await;
                if latest.get_value() == request {
                    outcome.set(Some(result));
                    refreshing.set(false);
                }
            });
        },
        false,
    );
    let chart_id = format!("tile-chart-{tile}");
    view! {
        <div class="tile-result" class:stale=move || refreshing.get()
            data-state=move || if refreshing.get() { "refreshing" } else { "ready" }>
            {move || refreshing.get().then(|| view! {
                <p class="muted small" role="status" data-testid="tile-refreshing">"Refreshing…"</p>
            })}
            {move || match outcome.get() {
                Some(Ok(outcome)) => view! {
                    <Freshness outcome=outcome.clone()/>
                    <InsightResults outcome display chart_id=chart_id.clone() parts=parts.get()/>
                }
                .into_any(),
                Some(Err(error)) => view! { <p class="alert alert-error">{error.to_string()}</p> }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}
