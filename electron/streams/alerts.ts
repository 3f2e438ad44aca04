import { writeFile, stat } from 'node:fs/promises';
import type { ExportedFile } from '../../shared/api/sql.ts';
import type { MarkRequest, StreamAlert, StreamAlerts, StreamRun } from '../../shared/api/streams.ts';
import { csvDocument } from '../../shared/csv.ts';
import { formatTimeSeconds } from '../../shared/format.ts';
import { selectRows } from '../workspace/db.ts';
import { exportPath } from '../workspace/exports.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { getStream } from './catalog.ts';
import { getRun } from './runs.ts';
import { requireNumber, requireOneOf, requireText } from '../../shared/api/validate.ts';

/** The run's incidents with the analyst's marks, worst first. */
export async function runAlerts(ws: Workspace, runId: string): Promise<StreamAlerts> {
  const run = await getRun(ws, runId);
  return { run, alerts: await runIncidents(ws, run) };
}

/**
 * The run's incidents with their marks: the detector's incidents, or the windows at or above a fixed
 * cut-off; worst first, or of one key in time order when asked.
 */
export async function runIncidents(ws: Workspace, run: StreamRun, key?: string): Promise<StreamAlert[]> {
  const names = run.definition.measures.map((m) => m.name);
  const record = (values: unknown) => (values ? Object.fromEntries(names.map((n, i) => [n, (values as number[])[i]])) : {});
  const params: unknown[] = [run.id, run.stream, ...(key !== undefined ? [key] : [])];
  const mark = (table: string, start: string) => `LEFT JOIN rz_stream_mark m ON m.stream = $2 AND m.key = ${table}.key AND m.window_start = ${table}.${start}`;
  const rows =
    run.threshold.kind === 'detector'
      ? await selectRows(
          ws.db,
          `SELECT i.key, epoch_ms(i.start_window) AS t, epoch_ms(i.end_window) AS t_end, i.windows, i.actual AS measures, i.expected, i.score, i.peak_grade AS grade,
             i.attribution, m.verdict, m.note
           FROM rz_stream_incident i ${mark('i', 'start_window')}
           WHERE i.run_id = $1 ${key !== undefined ? 'AND i.key = $3' : ''} ORDER BY ${key !== undefined ? 'i.start_window' : 'i.peak_grade DESC, i.key, i.start_window'}`,
          params,
        )
      : await selectRows(
          ws.db,
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

/** Records (or with a null verdict clears) the analyst's mark on one key's window. */
export async function markWindow(ws: Workspace, req: MarkRequest): Promise<void> {
  await getStream(ws, req.stream);
  requireNumber(req.windowStart, 'windowStart');
  requireText(req.key, 'key');
  if (req.verdict === null) {
    await ws.db.run(`DELETE FROM rz_stream_mark WHERE stream = $1 AND key = $2 AND window_start = make_timestamp($3::BIGINT * 1000)`, [
      req.stream,
      req.key,
      req.windowStart,
    ]);
    return;
  }
  requireOneOf(req.verdict, 'verdict', ['true_positive', 'false_positive'] as const);
  await ws.db.run(`INSERT OR REPLACE INTO rz_stream_mark VALUES ($1, $2, make_timestamp($3::BIGINT * 1000), $4, $5, now()::TIMESTAMP)`, [
    req.stream,
    req.key,
    req.windowStart,
    req.verdict,
    req.note?.trim() || null,
  ]);
}

/** The incident list as CSV (formula-safe, like the ban list) under the workspace's exports folder. */
export async function exportAlerts(ws: Workspace, runId: string): Promise<ExportedFile> {
  const { run, alerts } = await runAlerts(ws, runId);
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
    formatTimeSeconds(a.windowStart),
    formatTimeSeconds(a.windowEnd + windowMs),
    a.windows,
    ...names.map((n) => a.measures[n]),
    ...names.map((n) => a.expected?.[n] ?? ''),
    a.score,
    a.grade ?? '',
    ...names.map((n) => a.attribution[n] ?? ''),
    a.verdict ?? '',
    a.note ?? '',
  ]);
  const { path, name } = await exportPath(ws, `alerts-${run.stream}`, 'csv');
  await writeFile(path, csvDocument(header, rows, { neutralizeFormulas: true }));
  return { path, name, bytes: (await stat(path)).size, rows: rows.length };
}
