import { numberValues } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { KeySeries, Swimlane } from '../../shared/api/streams.ts';
import { readColumns } from '../workspace/columns.ts';
import { selectRows, withConnection } from '../workspace/db.ts';
import { quoteLiteral } from '../workspace/sqlText.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { runIncidents } from './alerts.ts';
import { getRun } from './runs.ts';
import { requireInteger } from '../../shared/api/validate.ts';

/** One key's measures and scores over time, for the per-key plot. */
export async function keySeries(ws: Workspace, runId: string, key: string): Promise<KeySeries> {
  const run = await getRun(ws, runId);
  const names = run.definition.measures.map((m) => m.name);
  const batch = await withConnection(ws, async (conn) =>
    readColumns(
      await conn.run(
        `SELECT epoch_ms(window_start)::DOUBLE AS t, coalesce(score, 'NaN'::DOUBLE) AS score, coalesce(grade, 'NaN'::DOUBLE) AS grade${names.map((_, i) => `, measures[${i + 1}] AS m${i}`).join('')}
         FROM rz_stream_window WHERE run_id = ${quoteLiteral(runId)} AND key = ${quoteLiteral(key)} ORDER BY window_start`,
      ),
    ),
  );
  if (batch.rowCount === 0) throw new ApiError('NOT_FOUND', `run ${runId} has no key "${key}"`);
  const [t, score, grade, ...ms] = batch.columns.map(numberValues);
  return {
    key,
    times: t,
    scores: score,
    grades: run.detector ? grade : new Float64Array(0),
    measures: names.map((name, i) => ({ name, values: ms[i] })),
    cutoff: run.cutoff,
    incidents: await runIncidents(ws, run, key),
  };
}

/** Keys × time bins, each cell the worst grade (detector) or score in the bin; keys ordered by their worst. */
export async function swimlane(ws: Workspace, runId: string, bins = 120, maxKeys = 50, offset = 0): Promise<Swimlane> {
  const run = await getRun(ws, runId);
  const value = run.threshold.kind === 'detector' ? 'grade' : 'score';
  requireInteger(bins, 'bins', { min: 1, max: 2000 });
  requireInteger(maxKeys, 'maxKeys', { min: 1 });
  requireInteger(offset, 'offset', { min: 0 });
  const [span] = await selectRows(
    ws.db,
    `SELECT epoch_ms(min(window_start)) AS lo, epoch_ms(max(window_start)) AS hi, count(DISTINCT key) AS keys FROM rz_stream_window WHERE run_id = $1`,
    [runId],
  );
  const windowMs = run.definition.windowSeconds * 1000;
  const lo = Number(span.lo);
  const windowsPerBin = Math.max(1, Math.ceil((Number(span.hi) - lo + windowMs) / windowMs / bins));
  const binMs = windowsPerBin * windowMs;
  const nBins = Math.max(1, Math.ceil((Number(span.hi) - lo + windowMs) / binMs));
  // Keys worst first, one page of them; the cells are those keys' only.
  const page = `SELECT key, max(${value}) AS worst FROM rz_stream_window WHERE run_id = $1 GROUP BY key ORDER BY worst DESC NULLS LAST, key LIMIT $2 OFFSET $3`;
  const keyRows = await selectRows(ws.db, page, [runId, maxKeys, offset]);
  const keys = keyRows.map((r) => String(r.key));
  const z = new Float64Array(keys.length * nBins).fill(NaN);
  const index = new Map(keys.map((k, i) => [k, i]));
  const cells = await selectRows(
    ws.db,
    `SELECT key, CAST(floor((epoch_ms(window_start) - $4) / $5) AS INTEGER) AS bin, max(${value}) AS worst
     FROM rz_stream_window WHERE run_id = $1 AND ${value} IS NOT NULL AND key IN (SELECT key FROM (${page})) GROUP BY ALL`,
    [runId, maxKeys, offset, lo, binMs],
  );
  for (const c of cells) {
    const k = index.get(String(c.key));
    if (k !== undefined) z[k * nBins + Number(c.bin)] = Number(c.worst);
  }
  const times = Float64Array.from({ length: nBins }, (_, i) => lo + i * binMs);
  return {
    value,
    keys,
    offset,
    totalKeys: Number(span.keys),
    worst: keyRows.map((r) => (r.worst === null ? NaN : Number(r.worst))),
    times,
    binSeconds: binMs / 1000,
    z,
    cutoff: run.cutoff,
  };
}
