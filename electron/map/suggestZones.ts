/**
 * Suggested forbidden zones from the rare-places grid (issue #18.5), pure so it tests on synthetic grids.
 *
 * Why per player: "cells few players visit" alone is mostly the ragged edge of honest coverage (on the
 * demo 40% of visited cells), and a forbidden zone is a hole honest players never enter, so it has no
 * coverage to measure. What it does have is the few players who go there on purpose and stay: each
 * player's *private* cells (visited by almost nobody else), joined into territories by adjacency, show a
 * zone walker as one broad, dwelt-in patch, while honest strays and cheaters passing through leave thin
 * trails. Territories are ranked by rows × breadth; those sharing most cells (two walkers, one zone) merge.
 */

/** One player's rows in one private cell (cell coordinates are whole numbers). */
export interface PrivateVisit {
  pidx: number;
  cx: number;
  cy: number;
  rows: number;
}

export interface CellRect {
  /** Inclusive first and exclusive last cell, per axis. */
  cx0: number;
  cx1: number;
  cy0: number;
  cy1: number;
}

export interface CellSuggestion extends CellRect {
  cells: number;
  rows: number;
  players: number[];
  /** Cells per the rectangle's longer side: 1 for a trail, more for an area. */
  breadth: number;
  score: number;
}

export interface SuggestOptions {
  /** Territories smaller than this are not zones (default 6). */
  minCells?: number;
  /** Trails are not zones: cells per longer side at least this (default 1.5). */
  minBreadth?: number;
  /** Only territories scoring at least this share of the best (default 0.6). */
  relative?: number;
  /** At most this many suggestions (default 5). */
  limit?: number;
}

const key = (x: number, y: number) => `${x},${y}`;

/** Each player's 8-connected groups of private cells. */
function territories(visits: readonly PrivateVisit[]): PrivateVisit[][] {
  const byPlayer = new Map<number, PrivateVisit[]>();
  for (const v of visits) (byPlayer.get(v.pidx) ?? byPlayer.set(v.pidx, []).get(v.pidx)!).push(v);
  const out: PrivateVisit[][] = [];
  for (const cells of byPlayer.values()) {
    const at = new Map(cells.map((c, i) => [key(c.cx, c.cy), i]));
    const seen = new Uint8Array(cells.length);
    for (let i = 0; i < cells.length; i++) {
      if (seen[i]) continue;
      seen[i] = 1;
      const stack = [i];
      const group: PrivateVisit[] = [];
      while (stack.length) {
        const c = cells[stack.pop()!];
        group.push(c);
        for (let dx = -1; dx <= 1; dx++)
          for (let dy = -1; dy <= 1; dy++) {
            const j = at.get(key(c.cx + dx, c.cy + dy));
            if (j !== undefined && !seen[j]) {
              seen[j] = 1;
              stack.push(j);
            }
          }
      }
      out.push(group);
    }
  }
  return out;
}

function summarise(group: readonly PrivateVisit[]): CellSuggestion {
  const cells = new Set(group.map((v) => key(v.cx, v.cy))).size;
  const r: CellRect = { cx0: Infinity, cx1: -Infinity, cy0: Infinity, cy1: -Infinity };
  let rows = 0;
  for (const v of group) {
    r.cx0 = Math.min(r.cx0, v.cx);
    r.cx1 = Math.max(r.cx1, v.cx + 1);
    r.cy0 = Math.min(r.cy0, v.cy);
    r.cy1 = Math.max(r.cy1, v.cy + 1);
    rows += v.rows;
  }
  const breadth = cells / Math.max(r.cx1 - r.cx0, r.cy1 - r.cy0);
  return { ...r, cells, rows, players: [...new Set(group.map((v) => v.pidx))].sort((a, b) => a - b), breadth, score: rows * breadth };
}

/** Two territories are one place when they share at least half the smaller one's cells (two walkers, one zone). */
function samePlace(a: readonly PrivateVisit[], b: readonly PrivateVisit[]): boolean {
  const ka = new Set(a.map((v) => key(v.cx, v.cy)));
  const kb = new Set(b.map((v) => key(v.cx, v.cy)));
  let shared = 0;
  for (const k of ka) if (kb.has(k)) shared++;
  return shared >= 0.5 * Math.min(ka.size, kb.size);
}

/**
 * The suggested zones, best first: broad, dwelt-in private territories (the same place's merged), and
 * only those scoring at least `relative` of the best, so a lone zone is not padded out with honest strays.
 */
export function suggestZones(visits: readonly PrivateVisit[], opts: SuggestOptions = {}): CellSuggestion[] {
  const minCells = opts.minCells ?? 6;
  const minBreadth = opts.minBreadth ?? 1.5;
  const relative = opts.relative ?? 0.6;
  const places: PrivateVisit[][] = [];
  for (const g of territories(visits)) {
    const s = summarise(g);
    if (s.cells < minCells || s.breadth < minBreadth) continue;
    const same = places.find((p) => samePlace(p, g));
    if (same) same.push(...g);
    else places.push([...g]);
  }
  const ranked = places.map(summarise).sort((a, b) => b.score - a.score || a.cx0 - b.cx0 || a.cy0 - b.cy0);
  return ranked.filter((s) => s.score >= relative * ranked[0].score).slice(0, opts.limit ?? 5);
}
