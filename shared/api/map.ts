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

/** The map's position cache, which makes unfiltered viewports cheap; built as a 'map.cache' job. */
export interface MapCacheStatus {
  /** The cache matches the lake as it is now. */
  current: boolean;
  /** The latest build since the workspace opened: running, or how it ended. */
  job: JobInfo | null;
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

export interface MapApi {
  'map.extent': Method<NoArgs, MapExtent | null>;
  'map.density': Method<DensityRequest, DensityGrid>;
  'map.overlay': Method<OverlayRequest, Overlay>;
  'map.select': Method<SelectionRequest, SelectedPlayer[]>;
  'map.cacheStatus': Method<NoArgs, MapCacheStatus>;
  /** Starts building the cache (also after a cancel), or returns the running build; null when it is current. */
  'map.buildCache': Method<NoArgs, JobInfo | null>;
}
