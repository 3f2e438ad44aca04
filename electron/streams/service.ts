import { DOUBLE, LIST, timestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { numberValues, cellValue, type Column } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { ExportedFile } from '../../shared/api/sql.ts';
import type {
  DemoKind,
  DemoLoadResult,
  ForestSettings,
  KeySeries,
  MarkRequest,
  ScoreMode,
  StreamAlert,
  StreamAlerts,
  StreamDefinition,
  StreamDefinitionInput,
  StreamImportResult,
  StreamRun,
  StreamSummary,
  Swimlane,
  Threshold,
} from '../../shared/api/streams.ts';
import { csvDocument } from '../../shared/csv.ts';
import { readColumns } from '../workspace/columns.ts';
import { inTransaction, withConnection } from '../workspace/db.ts';
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { validateThreshold } from '../../shared/streams/threshold.ts';
import { resolveForest, validateDefinition } from './definition.ts';
import { generateStreamDemo } from './generate/index.ts';
import { importStreamFile } from './importers.ts';
import { sourceSql, windowedMeasuresSql } from './measures.ts';
import { forestBasis, historyDigest, planContinue, type KeyWindows, type SavedForest } from './continuation.ts';
import { scoreKeysInWorkers, type KeyPoints, type WindowScorer } from './scorer.ts';
import type { KeyScores } from './streamScore.ts';
import { detectSettings, resolveCutoff, scoreStats } from './threshold.ts';
import { idleWorkContext, type WorkContext } from '../jobs/context.ts';

const DOUBLE_LIST = LIST(DOUBLE);
/** Column types a sum, average, minimum or maximum can take. */
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL|BOOLEAN)/;

/** Definitions, scoring runs, alerts and marks of metric streams, over one workspace. */
/** Saved forests a scoring keeps at most (~0.5 MB a key at 100 trees × 256 samples: about 64 keys). */
const FOREST_BUDGET_BYTES = 32 * 1024 * 1024;

export class StreamsService {
  constructor(
    private ws: Workspace,
    private scorer: WindowScorer = scoreKeysInWorkers,
    private forestBudgetBytes = FOREST_BUDGET_BYTES,
  ) {}

  async list(): Promise<StreamSummary[]> {
    const defs = await this.rows(`SELECT definition FROM rz_stream ORDER BY name`);
    const runs = await this.runs();
    return defs.map((r) => {
      const definition = JSON.parse(String(r.definition)) as StreamDefinition;
      const latestRun = runs.find((x) => x.stream === definition.name);
      return { definition, ...(latestRun ? { latestRun } : {}) };
    });
  }

  async get(name: string): Promise<StreamDefinition> {
    const [row] = await this.rows(`SELECT definition FROM rz_stream WHERE name = $1`, [name]);
    if (!row) throw new ApiError('NOT_FOUND', `no stream named "${name}"`);
    return JSON.parse(String(row.definition));
  }

  /** Validates the definition against the data (columns exist, time is a timestamp) and saves it. */
  async define(input: StreamDefinitionInput): Promise<StreamDefinition> {
    const def = validateDefinition(input);
    let types: Map<string, string>;
    try {
      const described = await this.rows(`DESCRIBE SELECT * FROM ${sourceSql(def)}`);
      types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
    } catch (e) {
      throw new ApiError('BAD_REQUEST', `the stream's source cannot be read: ${firstLine(e)}`);
    }
    const timeType = types.get(def.timeColumn);
    if (!timeType) throw new ApiError('BAD_REQUEST', `the source has no column "${def.timeColumn}" (it has ${[...types.keys()].join(', ')})`);
    if (!/^(TIMESTAMP|DATE)/.test(timeType))
      throw new ApiError('BAD_REQUEST', `time column "${def.timeColumn}" is ${timeType}; it must be a TIMESTAMP or DATE`);
    if (def.keyColumn && !types.has(def.keyColumn)) throw new ApiError('BAD_REQUEST', `the source has no key column "${def.keyColumn}"`);
    for (const m of def.measures) {
      if (!m.column) continue;
      const type = types.get(m.column);
      if (!type) throw new ApiError('BAD_REQUEST', `measure "${m.name}": the source has no column "${m.column}" (it has ${[...types.keys()].join(', ')})`);
      if (!NUMERIC.test(type)) throw new ApiError('BAD_REQUEST', `measure "${m.name}": column "${m.column}" is ${type}; ${m.kind} needs a number`);
    }
    try {
      await this.ws.db.run(`DESCRIBE ${windowedMeasuresSql(def)}`);
    } catch (e) {
      throw new ApiError('BAD_REQUEST', `a measure cannot be computed: ${firstLine(e)}`);
    }
    await this.ws.db.run(`INSERT OR REPLACE INTO rz_stream VALUES ($1, $2, now()::TIMESTAMP)`, [def.name, JSON.stringify(def)]);
    return def;
  }

  /** Removes the definition with its runs, marks and saved forests. */
  async delete(name: string): Promise<void> {
    await this.get(name);
    await withConnection(this.ws, (conn) =>
      inTransaction(conn, async () => {
        for (const table of ['rz_stream_window', 'rz_stream_incident'])
          await conn.run(`DELETE FROM ${table} WHERE run_id IN (SELECT id FROM rz_stream_run WHERE stream = $1)`, [name]);
        await conn.run(`DELETE FROM rz_stream_run WHERE stream = $1`, [name]);
        await conn.run(`DELETE FROM rz_stream_mark WHERE stream = $1`, [name]);
        await conn.run(`DELETE FROM rz_stream_state WHERE stream = $1`, [name]);
        await conn.run(`DELETE FROM rz_stream WHERE name = $1`, [name]);
      }),
    );
  }

  /**
   * Computes the windowed measures and scores each key's windows in order with its own streaming
   * forest (score, then update). `rescore` (the default) scores every window into a new run; `continue`
   * carries each key's saved forest on over the windows after the ones it has scored and extends that
   * run, with the scores one uninterrupted run gives (continuation.ts), or rescores and says why when
   * it cannot. Either way every key's forest is saved for the next continue (unless together they exceed
   * the forest budget), in the same transaction as the scores, so a cancelled or failed scoring leaves the
   * previous run and forests as they were.
   */
  async score(
    name: string,
    overrides: { forest?: Partial<ForestSettings>; threshold?: Threshold; mode?: ScoreMode } = {},
    ctx: WorkContext = idleWorkContext(),
  ): Promise<StreamRun> {
    const started = Date.now();
    const definition = await this.get(name);
    const forest = resolveForest({ ...definition.forest, ...overrides.forest });
    // A continue keeps the latest run's threshold (it may have been re-cut) unless the definition's changed
    // since, and scores as that run did (a detector run re-cut to a fixed score still carries its detector on).
    const latest = overrides.mode === 'continue' ? (await this.runs(name))[0] : undefined;
    const keep = !overrides.threshold && latest && JSON.stringify(latest.definition.threshold) === JSON.stringify(definition.threshold) ? latest : undefined;
    const threshold = overrides.threshold ? validateThreshold(overrides.threshold) : keep ? keep.threshold : definition.threshold;
    const detect = detectSettings(threshold, forest.shingleSize) ?? keep?.detector ?? undefined;
    const basis = forestBasis(definition, forest, detect);
    const conn = await this.ws.connect();
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
      const plan = overrides.mode === 'continue' ? planContinue(await this.savedForests(name), basis, keys, dims) : undefined;
      const continuation = plan && 'continuation' in plan ? plan.continuation : undefined;
      const rescoreReason = plan && 'rescore' in plan ? plan.rescore : null;
      const base = continuation ? await this.run(continuation.runId) : undefined;
      // Windows each key's saved forest has learned: its scoring resumes right after them.
      const skip = keys.map((k) => (continuation?.saved.has(k.key) ? continuation.learned : 0));
      const work: KeyPoints[] = keys.map((k, i) => ({ key: k.key, points: k.points.subarray(skip[i] * dims), resume: continuation?.saved.get(k.key)?.state }));
      let done = 0;
      const total = work.reduce((n, w) => n + w.points.length / dims, 0);
      const keyCount = `${keys.length} key${keys.length === 1 ? '' : 's'}`;
      ctx.progress({ done, total, unit: 'windows', message: continuation ? `continuing ${keyCount} from their saved forests` : `scoring ${keyCount}` });
      const scored = await this.scorer(work, dims, forest, {
        signal: ctx.signal,
        save: true,
        ...(detect ? { detect } : {}),
        saveBudgetBytes: this.forestBudgetBytes,
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
        const stats = scoreStats(numberValues((await readColumns(await conn.run(RUN_SCORES_SQL, [runId]))).columns[0]));
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
      return await this.run(runId);
    } finally {
      conn.closeSync();
    }
  }

  /** Each key's forest as the stream's latest scoring left it. */
  private async savedForests(stream: string): Promise<SavedForest[]> {
    const rows = await this.rows(
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

  async runs(stream?: string): Promise<StreamRun[]> {
    return (await this.rows(`${RUN_SQL} ${stream ? 'WHERE stream = $1' : ''} ORDER BY created_at DESC, id`, stream ? [stream] : [])).map(toRun);
  }

  async run(id: string): Promise<StreamRun> {
    const [row] = await this.rows(`${RUN_SQL} WHERE id = $1`, [id]);
    if (!row) throw new ApiError('NOT_FOUND', `no stream run ${id}`);
    return toRun(row);
  }

  /** The run's incidents with the analyst's marks, worst first (of one key, in time order, when asked). */
  async alerts(runId: string): Promise<StreamAlerts> {
    const run = await this.run(runId);
    return { run, alerts: await this.incidents(run) };
  }

  private async incidents(run: StreamRun, key?: string): Promise<StreamAlert[]> {
    const names = run.definition.measures.map((m) => m.name);
    const record = (values: unknown) => (values ? Object.fromEntries(names.map((n, i) => [n, (values as number[])[i]])) : {});
    const params: unknown[] = [run.id, run.stream, ...(key !== undefined ? [key] : [])];
    const mark = (table: string, start: string) =>
      `LEFT JOIN rz_stream_mark m ON m.stream = $2 AND m.key = ${table}.key AND m.window_start = ${table}.${start}`;
    const rows =
      run.threshold.kind === 'detector'
        ? await this.rows(
            `SELECT i.key, epoch_ms(i.start_window) AS t, epoch_ms(i.end_window) AS t_end, i.windows, i.actual AS measures, i.expected, i.score, i.peak_grade AS grade,
               i.attribution, m.verdict, m.note
             FROM rz_stream_incident i ${mark('i', 'start_window')}
             WHERE i.run_id = $1 ${key !== undefined ? 'AND i.key = $3' : ''} ORDER BY ${key !== undefined ? 'i.start_window' : 'i.peak_grade DESC, i.key, i.start_window'}`,
            params,
          )
        : await this.rows(
            `SELECT w.key, epoch_ms(w.window_start) AS t, epoch_ms(w.window_start) AS t_end, 1 AS windows, w.measures, NULL AS expected, w.score, NULL AS grade,
               w.attribution, m.verdict, m.note
             FROM rz_stream_window w ${mark('w', 'window_start')}
             WHERE w.run_id = $1 AND w.score >= ${Number(run.cutoff)} ${key !== undefined ? 'AND w.key = $3' : ''}
             ORDER BY ${key !== undefined ? 'w.window_start' : 'w.score DESC, w.key, w.window_start'}`,
            params,
          );
    return rows.map((r) => ({
      key: String(r.key),
      windowStart: Number(r.t),
      windowEnd: Number(r.t_end),
      windows: Number(r.windows),
      measures: record(r.measures),
      expected: r.expected ? record(r.expected) : null,
      score: Number(r.score),
      grade: r.grade === null ? null : Number(r.grade),
      attribution: record(r.attribution),
      verdict: (r.verdict as StreamAlert['verdict']) ?? null,
      note: (r.note as string | null) ?? null,
    }));
  }

  /**
   * Changes which windows alert without re-scoring: any fixed cut-off; the detector only on a run it
   * scored, with the settings it scored with (its grades depend on them).
   */
  async setThreshold(runId: string, threshold: Threshold): Promise<StreamRun> {
    const run = await this.run(runId);
    const t = validateThreshold(threshold);
    if (t.kind === 'detector') {
      const wanted = detectSettings(t, run.forest.shingleSize)!;
      if (!run.detector) throw new ApiError('BAD_REQUEST', 'this run was scored without the detector: score the stream again with threshold auto');
      if (wanted.zFactor !== run.detector.zFactor)
        throw new ApiError('BAD_REQUEST', `this run's detector alerted at ${run.detector.zFactor}σ: score the stream again to use ${wanted.zFactor}σ`);
    }
    const cutoff = resolveCutoff(t, { mean: run.scoreMean, sd: run.scoreSd, count: run.scoredWindows });
    await this.ws.db.run(`UPDATE rz_stream_run SET threshold = $2, cutoff = $3 WHERE id = $1`, [runId, JSON.stringify(t), cutoff]);
    return this.run(runId);
  }

  async mark(req: MarkRequest): Promise<void> {
    await this.get(req.stream);
    if (!Number.isFinite(req.windowStart)) throw new ApiError('BAD_REQUEST', '"windowStart" must be epoch milliseconds');
    if (typeof req.key !== 'string') throw new ApiError('BAD_REQUEST', '"key" must be a string');
    if (req.verdict === null) {
      await this.ws.db.run(`DELETE FROM rz_stream_mark WHERE stream = $1 AND key = $2 AND window_start = make_timestamp($3::BIGINT * 1000)`, [
        req.stream,
        req.key,
        req.windowStart,
      ]);
      return;
    }
    if (req.verdict !== 'true_positive' && req.verdict !== 'false_positive')
      throw new ApiError('BAD_REQUEST', '"verdict" must be true_positive, false_positive or null');
    await this.ws.db.run(`INSERT OR REPLACE INTO rz_stream_mark VALUES ($1, $2, make_timestamp($3::BIGINT * 1000), $4, $5, now()::TIMESTAMP)`, [
      req.stream,
      req.key,
      req.windowStart,
      req.verdict,
      req.note?.trim() || null,
    ]);
  }

  /** The incident list as CSV (formula-safe, like the ban list) under the workspace's exports folder. */
  async exportAlerts(runId: string): Promise<ExportedFile> {
    const { run, alerts } = await this.alerts(runId);
    const names = run.definition.measures.map((m) => m.name);
    const windowMs = run.definition.windowSeconds * 1000;
    const header = [
      'stream',
      'key',
      'start',
      'end',
      'windows',
      ...names,
      ...names.map((n) => `expected_${n}`),
      'score',
      'grade',
      ...names.map((n) => `attribution_${n}`),
      'verdict',
      'note',
    ];
    const rows = alerts.map((a) => [
      run.stream,
      a.key,
      isoTime(a.windowStart),
      isoTime(a.windowEnd + windowMs),
      a.windows,
      ...names.map((n) => a.measures[n]),
      ...names.map((n) => a.expected?.[n] ?? ''),
      a.score,
      a.grade ?? '',
      ...names.map((n) => a.attribution[n] ?? ''),
      a.verdict ?? '',
      a.note ?? '',
    ]);
    const dir = join(this.ws.dataDir, 'exports');
    await mkdir(dir, { recursive: true });
    const name = `alerts-${run.stream}-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
    const path = join(dir, name);
    await writeFile(path, csvDocument(header, rows, { neutralizeFormulas: true }));
    return { path, name, bytes: (await stat(path)).size, rows: rows.length };
  }

  /** One key's measures and scores over time, for the per-key plot. */
  async series(runId: string, key: string): Promise<KeySeries> {
    const run = await this.run(runId);
    const names = run.definition.measures.map((m) => m.name);
    const batch = await withConnection(this.ws, async (conn) =>
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
      incidents: await this.incidents(run, key),
    };
  }

  /** Keys × time bins, each cell the worst grade (detector) or score in the bin; keys ordered by their worst. */
  async swimlane(runId: string, bins = 120, maxKeys = 50, offset = 0): Promise<Swimlane> {
    const run = await this.run(runId);
    const value = run.threshold.kind === 'detector' ? 'grade' : 'score';
    if (!Number.isInteger(bins) || bins < 1 || bins > 2000) throw new ApiError('BAD_REQUEST', 'bins must be an integer from 1 to 2000');
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new ApiError('BAD_REQUEST', 'maxKeys must be a positive integer');
    if (!Number.isInteger(offset) || offset < 0) throw new ApiError('BAD_REQUEST', 'offset must be a whole number');
    const [span] = await this.rows(
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
    const keyRows = await this.rows(page, [runId, maxKeys, offset]);
    const keys = keyRows.map((r) => String(r.key));
    const z = new Float64Array(keys.length * nBins).fill(NaN);
    const index = new Map(keys.map((k, i) => [k, i]));
    const cells = await this.rows(
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

  async importFile(kind: DemoKind, path: string, table?: string): Promise<StreamImportResult> {
    return withConnection(this.ws, (conn) => importStreamFile(conn, kind, path, table));
  }

  /** Generates a demo stream into the workspace's data folder, imports it and (unless told not to) defines its stream. */
  async loadDemo(kind: DemoKind, ctx: WorkContext = idleWorkContext(), define = true): Promise<DemoLoadResult> {
    ctx.progress({ done: 0, total: 3, unit: 'steps', message: `generating the ${kind} demo` });
    const demo = await generateStreamDemo(kind, join(this.ws.dataDir, 'streams-demo'));
    ctx.progress({ done: 1, total: 3, unit: 'steps', message: `importing ${demo.lines.toLocaleString('en-US')} lines` });
    const table = demo.stream.sourceTable!;
    await this.ws.db.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`); // a demo reload replaces the demo, it does not double it
    const imported = await this.importFile(kind, demo.dataPath, table);
    ctx.progress({ done: 2, total: 3, unit: 'steps', message: 'defining the stream' });
    const stream = define ? await this.define(demo.stream) : undefined;
    ctx.progress({ done: 3, total: 3, unit: 'steps' });
    return { import: imported, suggested: demo.stream, ...(stream ? { stream } : {}), labelsPath: demo.labelsPath };
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await this.ws.db.runAndReadAll(sql, params as never)).getRowObjectsJS() as Record<string, unknown>[];
  }
}

/** A key's rows of the measure query (from, to) with its windows' measures, windows × measures. */
interface KeyRows extends KeyWindows {
  from: number;
  to: number;
}

/** A run with its incident count under its threshold: the detector's incidents, or the windows at a fixed cut-off. */
const RUN_SQL = `SELECT r.*, CASE WHEN json_extract_string(r.threshold, '$.kind') = 'detector'
    THEN (SELECT count(*) FROM rz_stream_incident i WHERE i.run_id = r.id)
    ELSE (SELECT count(*) FROM rz_stream_window w WHERE w.run_id = r.id AND w.score >= r.cutoff) END AS alerts
  FROM rz_stream_run r`;

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

function toRun(r: Record<string, unknown>): StreamRun {
  return {
    id: String(r.id),
    stream: String(r.stream),
    createdAt: new Date(r.created_at as Date).toISOString(),
    definition: JSON.parse(String(r.definition)),
    forest: JSON.parse(String(r.forest)),
    threshold: JSON.parse(String(r.threshold)),
    cutoff: Number(r.cutoff),
    scoreMean: Number(r.score_mean),
    scoreSd: Number(r.score_sd),
    keys: Number(r.keys),
    windows: Number(r.windows),
    scoredWindows: Number(r.scored_windows),
    alerts: Number(r.alerts),
    elapsedMs: Number(r.elapsed_ms),
    detector: r.detector ? JSON.parse(String(r.detector)) : null,
    mode: r.mode === 'continue' ? 'continue' : 'rescore',
    newWindows: Number(r.new_windows ?? r.windows),
    continuations: Number(r.continuations ?? 0),
    ...(r.rescore_reason ? { rescoreReason: String(r.rescore_reason) } : {}),
  };
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
