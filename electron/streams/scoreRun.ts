import { DOUBLE, LIST, timestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { cellValue, numberValues, type Column } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { ForestSettings, ScoreMode, StreamRun, Threshold } from '../../shared/api/streams.ts';
import { validateThreshold } from '../../shared/cutoff.ts';
import { idleWorkContext, type WorkContext } from '../jobs/context.ts';
import { readColumns } from '../workspace/columns.ts';
import { inTransaction, selectRows } from '../workspace/db.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { getStream } from './catalog.ts';
import { forestBasis, historyDigest, planContinue, type KeyWindows, type SavedForest } from './continuation.ts';
import { resolveForest } from './definition.ts';
import { windowedMeasuresSql } from './measures.ts';
import { getRun, listRuns } from './runs.ts';
import { scoreKeysInWorkers, type KeyPoints, type WindowScorer } from './scorer.ts';
import type { KeyScores } from './streamScore.ts';
import { detectSettings, resolveCutoff } from './threshold.ts';
import { moments } from '../rcf/index.ts';

const DOUBLE_LIST = LIST(DOUBLE);
/** Saved forests a scoring keeps at most (~0.5 MB a key at 100 trees × 256 samples: about 64 keys). */
export const FOREST_BUDGET_BYTES = 32 * 1024 * 1024;

/**
 * Computes the windowed measures and scores each key's windows in order with its own streaming
 * forest (score, then update). `rescore` (the default) scores every window into a new run; `continue`
 * carries each key's saved forest on over the windows after the ones it has scored and extends that
 * run, with the scores one uninterrupted run gives (continuation.ts), or rescores and says why when
 * it cannot. Either way every key's forest is saved for the next continue (unless together they exceed
 * the forest budget), in the same transaction as the scores, so a cancelled or failed scoring leaves the
 * previous run and forests as they were.
 */
export async function scoreStream(
  ws: Workspace,
  name: string,
  overrides: { forest?: Partial<ForestSettings>; threshold?: Threshold; mode?: ScoreMode } = {},
  ctx: WorkContext = idleWorkContext(),
  scorer: WindowScorer = scoreKeysInWorkers,
  forestBudgetBytes = FOREST_BUDGET_BYTES,
): Promise<StreamRun> {
  const started = Date.now();
  const definition = await getStream(ws, name);
  const forest = resolveForest({ ...definition.forest, ...overrides.forest });
  // A continue keeps the latest run's threshold (it may have been re-cut) unless the definition's changed
  // since, and scores as that run did (a detector run re-cut to a fixed score still carries its detector on).
  const latest = overrides.mode === 'continue' ? (await listRuns(ws, name))[0] : undefined;
  const keep = !overrides.threshold && latest && JSON.stringify(latest.definition.threshold) === JSON.stringify(definition.threshold) ? latest : undefined;
  const threshold = overrides.threshold ? validateThreshold(overrides.threshold) : keep ? keep.threshold : definition.threshold;
  const detect = detectSettings(threshold, forest.shingleSize) ?? keep?.detector ?? undefined;
  const basis = forestBasis(definition, forest, detect);
  const conn = await ws.connect();
  try {
    ctx.progress({ done: 0, total: 0, unit: 'windows', message: 'computing windowed measures' });
    const batch = await readColumns(await conn.run(windowedMeasuresSql(definition)));
    const times = numberValues(batch.columns[1]);
    const measureColumns = batch.columns.slice(2).map(numberValues);
    const dims = measureColumns.length;
    const keys: KeyRows[] = splitByKey(batch.columns[0], batch.rowCount).map(({ key, from, to }) => {
      const points = new Float64Array((to - from) * dims);
      for (let r = from; r < to; r++) for (let d = 0; d < dims; d++) points[(r - from) * dims + d] = measureColumns[d][r];
      return { key, from, to, firstWindow: times[from], points };
    });
    const plan = overrides.mode === 'continue' ? planContinue(await savedForests(ws, name), basis, keys, dims) : undefined;
    const continuation = plan && 'continuation' in plan ? plan.continuation : undefined;
    const rescoreReason = plan && 'rescore' in plan ? plan.rescore : null;
    const base = continuation ? await getRun(ws, continuation.runId) : undefined;
    // Windows each key's saved forest has learned: its scoring resumes right after them.
    const skip = keys.map((k) => (continuation?.saved.has(k.key) ? continuation.learned : 0));
    const work: KeyPoints[] = keys.map((k, i) => ({ key: k.key, points: k.points.subarray(skip[i] * dims), resume: continuation?.saved.get(k.key)?.state }));
    let done = 0;
    const total = work.reduce((n, w) => n + w.points.length / dims, 0);
    const keyCount = `${keys.length} key${keys.length === 1 ? '' : 's'}`;
    ctx.progress({ done, total, unit: 'windows', message: continuation ? `continuing ${keyCount} from their saved forests` : `scoring ${keyCount}` });
    const scored = await scorer(work, dims, forest, {
      signal: ctx.signal,
      save: true,
      ...(detect ? { detect } : {}),
      saveBudgetBytes: forestBudgetBytes,
      onKeyDone: (n) => ctx.progress({ done: (done += n), total, unit: 'windows' }),
    });
    if (ctx.signal.aborted) throw new ApiError('CANCELLED', 'cancelled');
    ctx.progress({ done: total, total, unit: 'windows', message: 'saving scores and forests' });
    const runId = base?.id ?? randomUUID();
    await inTransaction(conn, async () => {
      if (base && continuation) {
        // The windows the forests had not learned (the last one of the previous scoring) are scored again,
        // and the incidents they started; an incident still open at the saved state comes back grown.
        const resumeAt = continuation.firstWindow + continuation.learned * definition.windowSeconds * 1000;
        await conn.run(`DELETE FROM rz_stream_window WHERE run_id = $1 AND window_start >= make_timestamp($2::BIGINT * 1000)`, [runId, resumeAt]);
        await conn.run(`DELETE FROM rz_stream_incident WHERE run_id = $1 AND start_window >= make_timestamp($2::BIGINT * 1000)`, [runId, resumeAt]);
        for (const [k, key] of keys.entries()) {
          for (const inc of scored[k].incidents ?? []) {
            if (inc.start < skip[k])
              await conn.run(`DELETE FROM rz_stream_incident WHERE run_id = $1 AND key = $2 AND start_window = make_timestamp($3::BIGINT * 1000)`, [
                runId,
                key.key,
                times[key.from + inc.start],
              ]);
          }
        }
      }
      await appendWindows(conn, runId, keys, skip, times, measureColumns, scored);
      if (detect) await appendIncidents(conn, runId, keys, times, scored);
      const stats = moments(numberValues((await readColumns(await conn.run(RUN_SCORES_SQL, [runId]))).columns[0]));
      const cutoff = resolveCutoff(threshold, stats);
      const values = [
        runId,
        JSON.stringify(definition),
        JSON.stringify(threshold),
        cutoff,
        stats.mean,
        stats.sd,
        keys.length,
        batch.rowCount,
        stats.count,
        Date.now() - started,
      ];
      if (base) {
        await conn.run(
          `UPDATE rz_stream_run SET definition = $2, threshold = $3, cutoff = $4, score_mean = $5, score_sd = $6, keys = $7, windows = $8, scored_windows = $9,
             elapsed_ms = $10, mode = 'continue', new_windows = $11, continuations = continuations + 1, rescore_reason = NULL WHERE id = $1`,
          [...values, batch.rowCount - base.windows],
        );
      } else {
        await conn.run(
          `INSERT INTO rz_stream_run (id, definition, threshold, cutoff, score_mean, score_sd, keys, windows, scored_windows, elapsed_ms, stream, created_at, forest, mode, new_windows, continuations, rescore_reason, detector)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::TIMESTAMP, $13, 'rescore', $8, 0, $14, $15)`,
          [...values, name, new Date(started).toISOString(), JSON.stringify(forest), rescoreReason, detect ? JSON.stringify(detect) : null],
        );
      }
      // Over the budget no forest came back: none is kept, so a continue rescores (and says why).
      if (scored.every((k) => k.state)) await saveForests(conn, name, runId, basis, keys, skip, times, dims, scored);
      else await conn.run(`DELETE FROM rz_stream_state WHERE stream = $1`, [name]);
    });
    return await getRun(ws, runId);
  } finally {
    conn.closeSync();
  }
}

/** Each key's forest as the stream's latest scoring left it. */
async function savedForests(ws: Workspace, stream: string): Promise<SavedForest[]> {
  const rows = await selectRows(
    ws.db,
    `SELECT key, run_id, basis, epoch_ms(first_window) AS first_window, learned, history, state FROM rz_stream_state WHERE stream = $1 ORDER BY key`,
    [stream],
  );
  return rows.map((r) => ({
    key: String(r.key),
    runId: String(r.run_id),
    basis: String(r.basis),
    firstWindow: Number(r.first_window),
    learned: Number(r.learned),
    history: String(r.history),
    // A copy of just these bytes: the blob may be a view of a larger buffer, which a worker message would copy whole.
    state: new Uint8Array(r.state as Uint8Array),
  }));
}

/** A key's rows of the measure query (from, to) with its windows' measures, windows × measures. */
interface KeyRows extends KeyWindows {
  from: number;
  to: number;
}

/** A run's scores in the order a full run computes its statistics in: by key, then time. */
const RUN_SCORES_SQL = `SELECT score FROM rz_stream_window WHERE run_id = $1 AND score IS NOT NULL ORDER BY key, window_start`;

/** Appends each key's scored windows (its rows after the first skip[k]) to the run. */
async function appendWindows(
  conn: DuckDBConnection,
  runId: string,
  keys: KeyRows[],
  skip: number[],
  times: Float64Array,
  measureColumns: Float64Array[],
  scored: KeyScores[],
): Promise<void> {
  const dims = measureColumns.length;
  const appender = await conn.createAppender('rz_stream_window');
  keys.forEach(({ key, from, to }, k) => {
    const { scores, attribution, grades } = scored[k];
    for (let r = from + skip[k]; r < to; r++) {
      const i = r - from - skip[k];
      appender.appendVarchar(runId);
      appender.appendVarchar(key);
      appender.appendTimestamp(timestampValue(BigInt(Math.round(times[r] * 1000))));
      appender.appendList(
        measureColumns.map((c) => c[r]),
        DOUBLE_LIST,
      );
      const ok = Number.isFinite(scores[i]);
      if (ok) appender.appendDouble(scores[i]);
      else appender.appendNull();
      if (ok && attribution) appender.appendList(Array.from(attribution.subarray(i * dims, (i + 1) * dims)), DOUBLE_LIST);
      else appender.appendNull();
      if (ok && grades) appender.appendDouble(grades[i]);
      else appender.appendNull();
      appender.endRow();
    }
  });
  appender.closeSync();
}

/** Appends the incidents each key's detector started or carried on (its row numbers count the key's windows from its first). */
async function appendIncidents(conn: DuckDBConnection, runId: string, keys: KeyRows[], times: Float64Array, scored: KeyScores[]): Promise<void> {
  const appender = await conn.createAppender('rz_stream_incident');
  const at = (r: number) => timestampValue(BigInt(Math.round(times[r] * 1000)));
  keys.forEach(({ key, from }, k) => {
    for (const inc of scored[k].incidents ?? []) {
      appender.appendVarchar(runId);
      appender.appendVarchar(key);
      appender.appendTimestamp(at(from + inc.start));
      appender.appendTimestamp(at(from + inc.end));
      appender.appendBigInt(BigInt(inc.end - inc.start + 1));
      appender.appendDouble(inc.peakGrade);
      appender.appendDouble(inc.score);
      appender.appendList(inc.actual, DOUBLE_LIST);
      appender.appendList(inc.expected, DOUBLE_LIST);
      appender.appendList(inc.attribution, DOUBLE_LIST);
      appender.endRow();
    }
  });
  appender.closeSync();
}

/**
 * Replaces the stream's saved forests with this scoring's: each key's forest before its last window,
 * with how many windows it has learned and a digest of their measures (what a continue checks).
 */
async function saveForests(
  conn: DuckDBConnection,
  stream: string,
  runId: string,
  basis: string,
  keys: KeyRows[],
  skip: number[],
  times: Float64Array,
  dims: number,
  scored: KeyScores[],
): Promise<void> {
  await conn.run(`DELETE FROM rz_stream_state WHERE stream = $1`, [stream]);
  const appender = await conn.createAppender('rz_stream_state');
  const now = timestampValue(BigInt(Date.now()) * 1000n);
  const micros = (ms: number) => timestampValue(BigInt(Math.round(ms * 1000)));
  keys.forEach((k, i) => {
    const learned = Math.max(skip[i], k.to - k.from - 1);
    appender.appendVarchar(stream);
    appender.appendVarchar(k.key);
    appender.appendVarchar(runId);
    appender.appendVarchar(basis);
    appender.appendTimestamp(micros(k.firstWindow));
    appender.appendBigInt(BigInt(learned));
    appender.appendTimestamp(micros(times[k.to - 1]));
    appender.appendVarchar(historyDigest(k.points, learned, dims));
    appender.appendBlob(scored[i].state!);
    appender.appendTimestamp(now);
    appender.endRow();
  });
  appender.closeSync();
}

/** Contiguous row ranges per key (the measure query orders by key). */
function splitByKey(column: Column, rowCount: number): { key: string; from: number; to: number }[] {
  const out: { key: string; from: number; to: number }[] = [];
  for (let r = 0; r < rowCount; r++) {
    const key = String(cellValue(column, r) ?? '');
    if (out.length && out[out.length - 1].key === key) out[out.length - 1].to = r + 1;
    else out.push({ key, from: r, to: r + 1 });
  }
  return out;
}
