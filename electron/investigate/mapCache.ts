import type { Workspace } from '../workspace/workspace.ts';

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

export interface MapCache {
  /** Cell size in map units and the grid's origin. */
  cell: number;
  x0: number;
  y0: number;
}

/** Changes whenever an import or sync adds, replaces or drops a lake object (cheap: the ledger is one row per file). */
export async function ledgerFingerprint(ws: Workspace): Promise<string> {
  const r = (await ws.db.runAndReadAll('SELECT count(*), max(file_id), sum(rows), max(imported_at)::VARCHAR FROM lake_file')).getRows()[0];
  return r.map(String).join(':');
}

const pending = new WeakMap<Workspace, Promise<MapCache | null>>();

/** The current cache (built or rebuilt on demand; concurrent callers share one build); null without rows. */
export function mapCache(ws: Workspace): Promise<MapCache | null> {
  const running = pending.get(ws);
  if (running) return running;
  const work = build(ws).finally(() => pending.delete(ws));
  pending.set(ws, work);
  return work;
}

async function build(ws: Workspace): Promise<MapCache | null> {
  const fp = await ledgerFingerprint(ws);
  const have = (await ws.db.runAndReadAll('SELECT fingerprint, cell, x0, y0 FROM rz_map_meta WHERE id = 1')).getRowObjectsJS()[0];
  if (have && have.fingerprint === fp) return have.cell === null ? null : { cell: Number(have.cell), x0: Number(have.x0), y0: Number(have.y0) };
  const conn = await ws.connect();
  try {
    const e = (await conn.runAndReadAll('SELECT min(posnewx), max(posnewx), min(posnewy), max(posnewy) FROM lake_playlog_data')).getRows()[0];
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run('DELETE FROM rz_map_cells');
      await conn.run('DELETE FROM rz_map_xy');
      let cache: MapCache | null = null;
      if (e[0] !== null) {
        const [x0, x1, y0, y1] = e.map(Number);
        cache = { cell: Math.max(x1 - x0, y1 - y0, 1e-9) / CELLS, x0, y0 };
        const band = Math.max(y1 - y0, 1e-9) / BANDS;
        await conn.run(
          `INSERT INTO rz_map_cells SELECT floor((posnewx - $x0) / $cell)::INTEGER, floor((posnewy - $y0) / $cell)::INTEGER, count(*) FROM lake_playlog_data GROUP BY ALL`,
          { x0, y0, cell: cache.cell },
        );
        await conn.run(`INSERT INTO rz_map_xy SELECT posnewx, posnewy FROM lake_playlog_data ORDER BY floor((posnewy - $y0) / $band), posnewx`, { y0, band });
      }
      await conn.run('INSERT OR REPLACE INTO rz_map_meta VALUES (1, $fp, $cell, $x0, $y0)', { fp, cell: cache?.cell ?? null, x0: cache?.x0 ?? null, y0: cache?.y0 ?? null });
      await conn.run('COMMIT');
      return cache;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    conn.closeSync();
  }
}
