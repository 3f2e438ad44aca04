import type { ColumnBatch } from './columns.ts';
import type { JobInfo } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';
import type { PlayerVerdict } from './investigate.ts';

/** The map: positions binned in DuckDB at the viewport's resolution, the anomalous points, box selections, the position cache. */
/** Map viewport: the density grid's bounds and resolution. */
export interface MapFilter {
  /** Epoch milliseconds, inclusive. */
  from?: number;
  to?: number;
  uclass?: string;
  levelMin?: number;
  levelMax?: number;
  /** Only rows scoring at least this (needs a run). */
  minScore?: number;
}

export interface DensityRequest extends MapFilter {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Bins across and down (≤ 1000 each). */
  nx: number;
  ny: number;
  runId?: number;
}

export interface DensityGrid {
  x0: number;
  y0: number;
  /** Bin width and height in map units. */
  bw: number;
  bh: number;
  nx: number;
  ny: number;
  /** Row-major counts, ny rows of nx. */
  counts: Float64Array;
  total: number;
  queryMs: number;
}

export interface OverlayRequest extends MapFilter {
  runId?: number;
  cutoff?: string;
  x0?: number;
  x1?: number;
  y0?: number;
  y1?: number;
  /** At most this many points, the highest scores first (default 50,000). */
  limit?: number;
}

/** Anomalous points (score ≥ cut-off) as columns: row_id, pidx, x, y, score, t (epoch ms), verdict (the player's, or NULL). */
export interface Overlay {
  batch: ColumnBatch;
  /** Points above the cut-off in the viewport, before the limit. */
  total: number;
  cutoffValue: number | null;
}

export interface MapExtent {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Epoch ms. */
  from: number;
  to: number;
  rows: number;
  classes: string[];
  levelMin: number;
  levelMax: number;
  /** Decimal places the positions are logged with (0–3, from a sample): zone bounds are rounded to it. */
  decimals: number;
}

/** The position cache's grid (what a 'map.cache' job results in). */
export interface MapCache {
  /** Cell size in map units and the grid's origin. */
  cell: number;
  x0: number;
  y0: number;
}

/** The map's position cache, which makes unfiltered viewports cheap; built as a 'map.cache' job. */
export interface MapCacheStatus {
  /** The cache matches the lake as it is now. */
  current: boolean;
  /** The latest build since the workspace opened: running, or how it ended. */
  job: JobInfo<MapCache | null> | null;
}

export interface SelectionRequest extends MapFilter {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  runId?: number;
  cutoff?: string;
  /** Only players with anomalous rows in the box. */
  anomalousOnly?: boolean;
}

export interface SelectedPlayer {
  pidx: number;
  rows: number;
  anomalousRows: number;
  maxScore: number | null;
  verdict: PlayerVerdict | null;
}

/** A suggested forbidden zone: a broad patch of rare cells where a few players dwell (electron/map/suggestZones.ts). */
export interface ZoneSuggestion {
  /** Bounds in map units, rounded outward to the positions' precision. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Rare cells in the patch, and the rows its visitors logged there. */
  cells: number;
  rows: number;
  /** The few players who dwell there. */
  players: number[];
  /** Median distinct players of the visited cells around the patch (how well covered its surroundings are). */
  neighbourPlayers: number;
  /** e.g. "1 player (#38) dwelt 142 rows over 28 rare cells; cells around: ~12 players". */
  reason: string;
}

/** The rare-places layer: the player profile's grid, its rare cells, and the zones they suggest. */
export interface RarePlaces {
  /** Null when there are no positions to lay a grid over. */
  grid: { x0: number; y0: number; cell: number; rarePlayers: number } | null;
  /** Rare cells (at most `rarePlayers` distinct players) as columns: x, y (the cell's low corner), players. */
  cells: ColumnBatch;
  /** Best first, at most five; patches already mostly inside a declared zone are left out. */
  suggestions: ZoneSuggestion[];
}

export interface MapApi {
  'map.extent': Method<NoArgs, MapExtent | null>;
  'map.density': Method<DensityRequest, DensityGrid>;
  'map.overlay': Method<OverlayRequest, Overlay>;
  'map.select': Method<SelectionRequest, SelectedPlayer[]>;
  'map.cacheStatus': Method<NoArgs, MapCacheStatus>;
  'map.rarePlaces': Method<NoArgs, RarePlaces>;
  /** Starts building the cache (also after a cancel), or returns the running build; null when it is current. */
  'map.buildCache': Method<NoArgs, JobInfo<MapCache | null> | null>;
}
