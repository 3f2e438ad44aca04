import { ApiError } from '../../shared/api/envelope.ts';
import type { StreamRun, Threshold } from '../../shared/api/streams.ts';
import { validateThreshold } from '../../shared/cutoff.ts';
import { selectRows } from '../workspace/db.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { detectSettings, resolveCutoff } from './threshold.ts';

/** A run with its incident count under its threshold: the detector's incidents, or the windows at a fixed cut-off. */
const RUN_SQL = `SELECT r.*, CASE WHEN json_extract_string(r.threshold, '$.kind') = 'detector'
    THEN (SELECT count(*) FROM rz_stream_incident i WHERE i.run_id = r.id)
    ELSE (SELECT count(*) FROM rz_stream_window w WHERE w.run_id = r.id AND w.score >= r.cutoff) END AS alerts
  FROM rz_stream_run r`;

/** The scoring runs, newest first (of one stream when named). */
export async function listRuns(ws: Workspace, stream?: string): Promise<StreamRun[]> {
  return (await selectRows(ws.db, `${RUN_SQL} ${stream ? 'WHERE stream = $1' : ''} ORDER BY created_at DESC, id`, stream ? [stream] : [])).map(toRun);
}

export async function getRun(ws: Workspace, id: string): Promise<StreamRun> {
  const [row] = await selectRows(ws.db, `${RUN_SQL} WHERE id = $1`, [id]);
  if (!row) throw new ApiError('NOT_FOUND', `no stream run ${id}`);
  return toRun(row);
}

/**
 * Changes which windows alert without re-scoring: any fixed cut-off; the detector only on a run it
 * scored, with the settings it scored with (its grades depend on them).
 */
export async function setRunThreshold(ws: Workspace, runId: string, threshold: Threshold): Promise<StreamRun> {
  const run = await getRun(ws, runId);
  const t = validateThreshold(threshold);
  if (t.kind === 'detector') {
    const wanted = detectSettings(t, run.forest.shingleSize)!;
    if (!run.detector) throw new ApiError('BAD_REQUEST', 'this run was scored without the detector: score the stream again with threshold auto');
    if (wanted.zFactor !== run.detector.zFactor)
      throw new ApiError('BAD_REQUEST', `this run's detector alerted at ${run.detector.zFactor}σ: score the stream again to use ${wanted.zFactor}σ`);
  }
  const cutoff = resolveCutoff(t, { mean: run.scoreMean, sd: run.scoreSd, count: run.scoredWindows });
  await ws.db.run(`UPDATE rz_stream_run SET threshold = $2, cutoff = $3 WHERE id = $1`, [runId, JSON.stringify(t), cutoff]);
  return getRun(ws, runId);
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
