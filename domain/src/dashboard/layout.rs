//! Where tiles sit on a dashboard's grid, kept as react-grid-layout keeps
//! it: tiles never overlap and float up into free space (vertical
//! compaction), a moved or resized tile makes the tiles it lands on give
//! way, and a new tile takes the first free place from the top.

use super::MAX_TILES;
use crate::TileId;
use serde::{Deserialize, Serialize};

/// The grid is this many columns wide; tiles are placed in whole cells.
pub const GRID_COLUMNS: u32 = 12;

/// The tallest a tile may be, in rows.
pub const MAX_TILE_ROWS: u32 = 12;

/// The lowest row a tile may start on: enough for every tile a dashboard
/// holds stacked at its tallest, so a compacted layout is always on it.
const MAX_ROW: u32 = MAX_TILES as u32 * MAX_TILE_ROWS;

/// A tile's place on the grid, in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileLayout {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl TileLayout {
    /// Keeps a tile on the grid and at least two cells by two.
    pub fn clamped(self) -> Self {
        let w = self.w.clamp(2, GRID_COLUMNS);
        Self {
            w,
            h: self.h.clamp(2, MAX_TILE_ROWS),
            x: self.x.min(GRID_COLUMNS - w),
            y: self.y.min(MAX_ROW),
        }
    }

    /// Whether the two share a cell.
    pub fn overlaps(&self, other: &TileLayout) -> bool {
        self.shares_columns(other) && self.y < other.bottom() && other.y < self.bottom()
    }

    fn shares_columns(&self, other: &TileLayout) -> bool {
        self.x < other.x.saturating_add(other.w) && other.x < self.x.saturating_add(self.w)
    }

    /// The first row below the tile.
    fn bottom(&self) -> u32 {
        self.y.saturating_add(self.h)
    }
}

/// Vertical compaction. In (y, x) order each tile first moves below any
/// tile before it that it overlaps, then up as far as it goes without
/// overlapping one; so no two overlap and no gap is left above a tile.
/// Tiles keep their column and size (kept on the grid) and the slice its
/// order; compacting a compacted layout changes nothing.
pub fn compact(layouts: &mut [(TileId, TileLayout)]) {
    for (_, layout) in layouts.iter_mut() {
        *layout = layout.clamped();
    }
    let mut placed = Vec::with_capacity(layouts.len());
    for i in top_to_bottom(layouts, (0..layouts.len()).collect()) {
        let settled = float_up(below_overlaps(layouts[i].1, &placed), &placed);
        layouts[i].1 = settled;
        placed.push(settled);
    }
}

/// The layout after `tile` is moved or resized to `to` (kept on the grid).
/// Each tile it lands on goes up above it when it fits there as it is (so
/// dragging a tile down onto another swaps them), else below it; tiles
/// those land on are pushed down in turn; then the whole is compacted.
/// The moved tile keeps `to`'s column and size and, like every tile,
/// floats up into free space. Without `tile` it is only compacted.
pub fn move_tile(
    layouts: &[(TileId, TileLayout)],
    tile: TileId,
    to: TileLayout,
) -> Vec<(TileId, TileLayout)> {
    let mut next: Vec<(TileId, TileLayout)> =
        layouts.iter().map(|&(id, l)| (id, l.clamped())).collect();
    if let Some(moved) = next.iter().position(|(id, _)| *id == tile) {
        let to = to.clamped();
        next[moved].1 = to;
        let others = (0..next.len()).filter(|&i| i != moved);
        let hit = others
            .clone()
            .filter(|&i| next[i].1.overlaps(&to))
            .collect();
        for i in top_to_bottom(&next, hit) {
            let Some(y) = to.y.checked_sub(next[i].1.h) else {
                continue;
            };
            let above = TileLayout { y, ..next[i].1 };
            if next
                .iter()
                .enumerate()
                .all(|(j, (_, other))| j == i || !other.overlaps(&above))
            {
                next[i].1 = above;
            }
        }
        // The moved tile stays; the rest, top to bottom, go below what
        // they now overlap.
        let mut placed = vec![to];
        for i in top_to_bottom(&next, others.collect()) {
            let pushed = below_overlaps(next[i].1, &placed);
            next[i].1 = pushed;
            placed.push(pushed);
        }
    }
    compact(&mut next);
    next
}

/// Where a new `w`×`h` tile goes (its size kept on the grid): the first
/// place, rows from the top and in a row columns from the left, where it
/// overlaps none of `layouts`. So a new half-width tile goes beside a lone
/// half-width tile, and below a full row.
pub fn first_free_spot(layouts: &[TileLayout], w: u32, h: u32) -> TileLayout {
    let size = TileLayout { x: 0, y: 0, w, h }.clamped();
    // A tile that fits nowhere higher in its column starts at the top or
    // right below another tile.
    let mut rows: Vec<u32> = layouts.iter().map(TileLayout::bottom).collect();
    rows.push(0);
    rows.sort_unstable();
    rows.dedup();
    let lowest = *rows.last().unwrap_or(&0);
    rows.into_iter()
        .flat_map(|y| (0..=GRID_COLUMNS - size.w).map(move |x| TileLayout { x, y, ..size }))
        .find(|spot| layouts.iter().all(|l| !l.overlaps(spot)))
        .unwrap_or(TileLayout { y: lowest, ..size })
}

/// `indices` of `layouts` in (y, x) order; tiles on the same cell keep
/// the slice's order.
fn top_to_bottom(layouts: &[(TileId, TileLayout)], mut indices: Vec<usize>) -> Vec<usize> {
    indices.sort_by_key(|&i| (layouts[i].1.y, layouts[i].1.x));
    indices
}

/// `tile` moved down below each of `placed` it overlaps, until it overlaps
/// none.
fn below_overlaps(mut tile: TileLayout, placed: &[TileLayout]) -> TileLayout {
    while let Some(hit) = placed.iter().find(|p| p.overlaps(&tile)) {
        tile.y = hit.bottom();
    }
    tile
}

/// `tile`, overlapping none of `placed`, moved up until it rests on one of
/// them or the top.
fn float_up(tile: TileLayout, placed: &[TileLayout]) -> TileLayout {
    let y = placed
        .iter()
        .filter(|p| p.shares_columns(&tile) && p.bottom() <= tile.y)
        .map(TileLayout::bottom)
        .max()
        .unwrap_or(0);
    TileLayout { y, ..tile }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: u32, y: u32, w: u32, h: u32) -> TileLayout {
        TileLayout { x, y, w, h }
    }

    fn tiles(places: &[TileLayout]) -> Vec<(TileId, TileLayout)> {
        places
            .iter()
            .enumerate()
            .map(|(i, &l)| (TileId(i as i64 + 1), l))
            .collect()
    }

    fn places(layouts: &[(TileId, TileLayout)]) -> Vec<TileLayout> {
        layouts.iter().map(|(_, l)| *l).collect()
    }

    /// No two tiles overlap, all are on the grid, and each rests on the top
    /// or on a tile right above it.
    fn assert_tidy(layouts: &[(TileId, TileLayout)]) {
        for (i, (a, la)) in layouts.iter().enumerate() {
            assert!(la.x + la.w <= GRID_COLUMNS, "{a} off the grid: {la:?}");
            assert_eq!(*la, la.clamped(), "{a} not clamped");
            for (b, lb) in &layouts[i + 1..] {
                assert!(!la.overlaps(lb), "{a} {la:?} overlaps {b} {lb:?}");
            }
            let rests = la.y == 0
                || layouts
                    .iter()
                    .any(|(_, lb)| lb.shares_columns(la) && lb.bottom() == la.y);
            assert!(rests, "{a} {la:?} floats over a gap in {layouts:?}");
        }
    }

    #[test]
    fn tiles_stay_on_the_grid() {
        assert_eq!(at(10, 0, 20, 0).clamped(), at(0, 0, 12, 2));
        assert_eq!(at(11, 3, 4, 30).clamped(), at(8, 3, 4, MAX_TILE_ROWS));
        assert_eq!(at(0, u32::MAX, 6, 5).clamped().y, MAX_ROW);
    }

    #[test]
    fn overlapping_means_sharing_a_cell() {
        let a = at(0, 0, 6, 5);
        assert!(a.overlaps(&at(5, 4, 2, 2)));
        assert!(!a.overlaps(&at(6, 0, 6, 5)), "side by side");
        assert!(!a.overlaps(&at(0, 5, 6, 5)), "one below the other");
    }

    #[test]
    fn compaction_closes_gaps() {
        let mut layout = tiles(&[
            at(0, 3, 6, 5),
            at(6, 10, 6, 4),
            at(0, 20, 12, 2),
            at(2, 9, 4, 2),
        ]);
        compact(&mut layout);
        assert_eq!(
            places(&layout),
            [
                at(0, 0, 6, 5),
                // Beside the first: nothing above it in its columns.
                at(6, 0, 6, 4),
                // Below the lowest tile in the columns it spans.
                at(0, 7, 12, 2),
                // Under the first tile.
                at(2, 5, 4, 2),
            ]
        );
        assert_tidy(&layout);
    }

    #[test]
    fn compaction_moves_overlapping_tiles_apart() {
        let mut layout = tiles(&[at(0, 0, 6, 5), at(2, 1, 6, 3), at(0, 0, 6, 5)]);
        compact(&mut layout);
        assert_eq!(
            places(&layout),
            [at(0, 0, 6, 5), at(2, 10, 6, 3), at(0, 5, 6, 5)]
        );
        assert_tidy(&layout);
    }

    #[test]
    fn compacting_twice_changes_nothing() {
        let mut layout = tiles(&[
            at(4, 7, 4, 3),
            at(0, 2, 6, 5),
            at(6, 2, 6, 4),
            at(0, 40, 12, 2),
            at(8, 1, 2, 6),
        ]);
        compact(&mut layout);
        let once = layout.clone();
        compact(&mut layout);
        assert_eq!(layout, once);
        assert_tidy(&layout);
    }

    #[test]
    fn a_drop_onto_another_tile_pushes_it_down() {
        let layout = tiles(&[at(0, 0, 6, 5), at(6, 0, 6, 5), at(6, 5, 6, 3)]);
        let moved = move_tile(&layout, TileId(1), at(6, 0, 6, 5));
        assert_eq!(
            places(&moved),
            [at(6, 0, 6, 5), at(6, 5, 6, 5), at(6, 10, 6, 3)],
            "the tile it landed on goes below it, and the one under that below that"
        );
        assert_tidy(&moved);
    }

    #[test]
    fn dragging_a_tile_down_onto_another_swaps_them() {
        let layout = tiles(&[at(0, 0, 12, 5), at(0, 5, 12, 4)]);
        let moved = move_tile(&layout, TileId(1), at(0, 4, 12, 5));
        assert_eq!(places(&moved), [at(0, 4, 12, 5), at(0, 0, 12, 4)]);
        // Not yet far enough down for the other to fit above: it stays.
        let moved = move_tile(&layout, TileId(1), at(0, 2, 12, 5));
        assert_eq!(places(&moved), places(&layout));
    }

    #[test]
    fn a_tile_dropped_into_free_space_floats_up() {
        let layout = tiles(&[at(0, 0, 6, 5), at(6, 0, 6, 5)]);
        let moved = move_tile(&layout, TileId(2), at(3, 30, 6, 2));
        assert_eq!(places(&moved), [at(0, 0, 6, 5), at(3, 5, 6, 2)]);
    }

    #[test]
    fn a_resized_tile_pushes_the_tiles_it_reaches_down() {
        let layout = tiles(&[at(0, 0, 6, 5), at(6, 0, 6, 5), at(0, 5, 12, 3)]);
        let moved = move_tile(&layout, TileId(1), at(0, 0, 8, 7));
        assert_eq!(
            places(&moved),
            [at(0, 0, 8, 7), at(6, 7, 6, 5), at(0, 12, 12, 3)]
        );
        assert_tidy(&moved);
        // Narrower again: the tile beside it comes back up.
        let back = move_tile(&moved, TileId(1), at(0, 0, 6, 5));
        assert_eq!(places(&back), places(&layout));
    }

    #[test]
    fn a_moved_tile_keeps_its_column_and_size_on_the_grid() {
        let layout = tiles(&[at(0, 0, 6, 5), at(6, 0, 6, 5)]);
        let moved = move_tile(&layout, TileId(2), at(11, 0, 4, 1));
        assert_eq!(moved[1], (TileId(2), at(8, 0, 4, 2)));
        assert_tidy(&moved);
        let unknown = move_tile(&layout, TileId(9), at(0, 0, 12, 12));
        assert_eq!(unknown, layout);
    }

    #[test]
    fn no_overlaps_after_random_moves() {
        // A small deterministic generator (xorshift) stands in for a drag.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move |below: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(below)) as u32
        };
        let mut layout: Vec<(TileId, TileLayout)> = Vec::new();
        for i in 0..12 {
            let place = first_free_spot(&places(&layout), 2 + next(11), 2 + next(6));
            layout.push((TileId(i), place));
        }
        assert_tidy(&layout);
        for round in 0..2_000 {
            let tile = TileId(i64::from(next(12)));
            let to = at(next(14), next(30), 1 + next(14), 1 + next(14));
            let moved = move_tile(&layout, tile, to);
            assert_tidy(&moved);
            let ids = |l: &[(TileId, TileLayout)]| l.iter().map(|(id, _)| *id).collect::<Vec<_>>();
            assert_eq!(ids(&moved), ids(&layout), "round {round}");
            let kept = moved.iter().find(|(id, _)| *id == tile).unwrap().1;
            let wanted = to.clamped();
            assert_eq!(
                (kept.x, kept.w, kept.h),
                (wanted.x, wanted.w, wanted.h),
                "round {round}"
            );
            let mut again = moved.clone();
            compact(&mut again);
            assert_eq!(again, moved, "round {round}: a moved layout is compacted");
            layout = moved;
        }
    }

    #[test]
    fn a_new_tile_goes_beside_a_lone_tile() {
        assert_eq!(first_free_spot(&[], 6, 5), at(0, 0, 6, 5));
        assert_eq!(first_free_spot(&[at(0, 0, 6, 5)], 6, 5), at(6, 0, 6, 5));
        assert_eq!(first_free_spot(&[at(6, 0, 6, 5)], 6, 5), at(0, 0, 6, 5));
        // Into a gap left further down.
        assert_eq!(
            first_free_spot(&[at(0, 0, 6, 5), at(6, 0, 6, 5), at(0, 5, 6, 5)], 6, 5),
            at(6, 5, 6, 5)
        );
    }

    #[test]
    fn a_full_row_puts_the_new_tile_below() {
        assert_eq!(
            first_free_spot(&[at(0, 0, 6, 5), at(6, 0, 6, 5)], 6, 5),
            at(0, 5, 6, 5)
        );
        // Under the shorter of the two.
        assert_eq!(
            first_free_spot(&[at(0, 0, 6, 5), at(6, 0, 6, 3)], 6, 5),
            at(6, 3, 6, 5)
        );
        // Too wide to fit beside.
        assert_eq!(first_free_spot(&[at(0, 0, 6, 5)], 8, 4), at(0, 5, 8, 4));
        assert_eq!(first_free_spot(&[at(0, 0, 12, 2)], 30, 0), at(0, 2, 12, 2));
    }
}
