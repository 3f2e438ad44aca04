import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/envelope.ts';
import type { JobProgress } from '../../shared/api/jobs.ts';
import type { MapCache } from '../../shared/api/map.ts';
import { throwIfCancelled } from '../jobs/context.ts';
import { enableQueryProgress, watchQueryProgress } from '../workspace/progress.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { inTransaction } from '../workspace/db.ts';

/**
 * Two derived copies of the play log's positions that make an unfiltered map viewport cheap at any
 * zoom, rebuilt when the lake's ledger changes (an import or sync adds, replaces or drops files):
 *  - `rz_map_cells`: counts on a fine grid (CELLS across the longer side of the extent). A viewport whose
 *    bins span at least two cells is re-binned from these counts: work ∝ cells in view, not rows.
 *  - `rz_map_xy`: every position, sorted by horizontal band then x, so DuckDB's min/max statistics per
 *    row group skip everything outside a zoomed-in viewport.
 * Filters (time, class, level, score) read the play log itself.
 */
export const CELLS = 4096;
const BANDS = 256;

export type BuildProgress = Omit<JobProgress, 'rate' | 'etaSeconds'>;

export interface BuildOptions {
  /** Aborting interrupts DuckDB; the build's transaction rolls back, leaving the previous cache (or none). */
  signal?: AbortSignal;
  /** Percent of the whole build, with the step in the message. */
  onProgress?(p: BuildProgress): void;
}

/** The build's steps and their rough share of its time (measured at 5M rows: the sort dominates). */
const STEPS = [
  { label: 'finding the extent', weight: 10 },
  { label: 'counting positions per cell', weight: 25 },
  { label: 'sorting positions by band', weight: 65 },
] as const;
const POLL_MS = 100;

/** Changes whenever an import or sync adds, replaces or drops a lake object (cheap: the ledger is one row per file). */
export async function ledgerFingerprint(ws: Workspace | DuckDBConnection): Promise<string> {
  const conn = 'db' in ws ? ws.db : ws;
  const r = (await conn.runAndReadAll('SELECT count(*), max(file_id), sum(rows), max(imported_at)::VARCHAR FROM lake_file')).getRows()[0];
  return r.map(String).join(':');
}

/** The cache if it matches the ledger now (null: it does, and there are no rows); undefined when it needs a build. */
export async function currentMapCache(ws: Workspace): Promise<MapCache | null | undefined> {
  const fp = await ledgerFingerprint(ws);
  const have = (await ws.db.runAndReadAll('SELECT fingerprint, cell, x0, y0 FROM rz_map_meta WHERE id = 1')).getRowObjectsJS()[0];
  if (!have || have.fingerprint !== fp) return undefined;
  return have.cell === null ? null : { cell: Number(have.cell), x0: Number(have.x0), y0: Number(have.y0) };
}

const pending = new WeakMap<Workspace, Promise<MapCache | null>>();

/**
 * The current cache, built first when the ledger changed; null without rows. Concurrent callers share
 * one build (the first caller's signal and progress govern it).
 */
export function mapCache(ws: Workspace, opts: BuildOptions = {}): Promise<MapCache | null> {
  const running = pending.get(ws);
  if (running) return running;
  const work = (async () => {
    const current = await currentMapCache(ws);
    return current !== undefined ? current : build(ws, opts);
  })().finally(() => pending.delete(ws));
  pending.set(ws, work);
  return work;
}

async function build(ws: Workspace, { signal = new AbortController().signal, onProgress }: BuildOptions): Promise<MapCache | null> {
  const conn = await ws.connect();
  const stop = () => conn.interrupt();
  signal.addEventListener('abort', stop);
  let done = 0;
  /** Runs step i's statement, reporting DuckDB's own progress through it every POLL_MS. */
  const step = async (i: number, sql: string, params?: Record<string, DuckDBValue>) => {
    throwIfCancelled(signal);
    const { label, weight } = STEPS[i];
    const report = (pct: number) =>
      onProgress?.({ done: Math.round(done + (weight * pct) / 100), total: 100, unit: '%', message: `step ${i + 1} of ${STEPS.length}: ${label}` });
    report(0);
    const stopWatching = watchQueryProgress(conn, report, POLL_MS);
    try {
      return await conn.runAndReadAll(sql, params);
    } finally {
      stopWatching();
      done += weight;
    }
  };
  try {
    await enableQueryProgress(conn);
    // One transaction from the ledger read to the last insert: the cache matches the snapshot it names,
    // and a cancelled or killed build leaves the previous cache (or none), never half of one.
    const cache = await inTransaction(conn, async () => {
      const fp = await ledgerFingerprint(conn);
      const e = (await step(0, 'SELECT min(posnewx), max(posnewx), min(posnewy), max(posnewy) FROM lake_playlog_data')).getRows()[0];
      await conn.run('DELETE FROM rz_map_cells');
      await conn.run('DELETE FROM rz_map_xy');
      let cache: MapCache | null = null;
      if (e[0] !== null) {
        const [x0, x1, y0, y1] = e.map(Number);
        cache = { cell: Math.max(x1 - x0, y1 - y0, 1e-9) / CELLS, x0, y0 };
        const band = Math.max(y1 - y0, 1e-9) / BANDS;
        await step(
          1,
          `INSERT INTO rz_map_cells SELECT floor((posnewx - $x0) / $cell)::INTEGER, floor((posnewy - $y0) / $cell)::INTEGER, count(*) FROM lake_playlog_data GROUP BY ALL`,
          { x0, y0, cell: cache.cell },
        );
        await step(2, `INSERT INTO rz_map_xy SELECT posnewx, posnewy FROM lake_playlog_data ORDER BY floor((posnewy - $y0) / $band), posnewx`, { y0, band });
      }
      throwIfCancelled(signal);
      await conn.run('INSERT OR REPLACE INTO rz_map_meta VALUES (1, $fp, $cell, $x0, $y0)', {
        fp,
        cell: cache?.cell ?? null,
        x0: cache?.x0 ?? null,
        y0: cache?.y0 ?? null,
      });
      return cache;
    });
    onProgress?.({ done: 100, total: 100, unit: '%', message: 'built' });
    return cache;
  } catch (err) {
    if (signal.aborted) throw new ApiError('CANCELLED', 'map cache build cancelled');
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    conn.closeSync();
  }
}
