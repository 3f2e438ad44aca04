import type { InboxItem } from '../../shared/api/inbox.ts';
import type { FlaggedPlayer } from '../../shared/api/investigate.ts';
import type { WorkContext } from '../jobs/context.ts';
import { flaggedPlayers } from '../investigate/flagged.ts';
import { scorePlayersLive } from '../investigate/playerForest.ts';
import { liveScoring, scoreNewRows } from '../scoring/live.ts';
import { getRun } from '../scoring/runs.ts';
import type { BatchScorer } from '../scoring/service.ts';
import type { StreamsService } from '../streams/service.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { announce, rememberKnown, type InboxEntry } from './inbox.ts';

/**
 * What follow mode does after a tick imported rows: score them with the newest run's forest, let the
 * flagged list take them in, continue the metric streams over the play log's new windows, and put what
 * is new (flagged players, stream incidents) in the inbox.
 */
export interface LiveUpdateDeps {
  ws: Workspace;
  withScorer<T>(work: (scorer: BatchScorer) => Promise<T>): Promise<T>;
  streams?: StreamsService;
  /** Retrain when the live share above the cut-off reaches this multiple of the training share. */
  retrainDrift?: number;
  retrain?(): void;
}

export interface LiveUpdate {
  scoredRows: number;
  items: InboxItem[];
  drift?: number;
  retrained: boolean;
  /** Where the time went: live row scoring, the player stage, the flagged list (with its evidence), the streams. */
  ms: { score: number; players: number; flagged: number; streams: number };
}

/** Streams over the play log are the ones new play-log rows can extend. */
const PLAY_LOG = /\b(playlog|gamelog|movement)\b/i;
/** A drift ratio means little over a handful of rows. */
const MIN_LIVE_ROWS_FOR_DRIFT = 1000;

const flaggedNow = (players: FlaggedPlayer[]) => players.filter((p) => p.flaggedBy !== 'none' && p.verdict === null);

function playerEntry(p: FlaggedPlayer): InboxEntry {
  return { ref: String(p.pidx), title: `Player ${p.pidx}`, detail: `flagged by ${p.flaggedBy}: ${p.reasons.slice(0, 3).join('; ') || 'anomalous rows'}` };
}

/** What is flagged when following starts is already known: only what follow finds after is news. */
export async function rememberFlaggedNow(deps: LiveUpdateDeps): Promise<void> {
  await rememberKnown(
    deps.ws,
    'player',
    flaggedNow((await flaggedPlayers(deps.ws)).players).map((p) => String(p.pidx)),
  );
  for (const s of await followedStreams(deps)) {
    if (!s.latestRun || !deps.streams) continue;
    const alerts = await deps.streams.alerts(s.latestRun.id);
    await rememberKnown(
      deps.ws,
      'incident',
      alerts.alerts.map((a) => incidentRef(s.definition.name, a.key, a.windowStart)),
    );
  }
}

async function followedStreams(deps: LiveUpdateDeps) {
  if (!deps.streams) return [];
  return (await deps.streams.list()).filter((s) => s.latestRun && PLAY_LOG.test(s.definition.sourceTable ?? s.definition.sourceQuery ?? ''));
}

const incidentRef = (stream: string, key: string, windowStart: number) => `${stream}/${key}/${new Date(windowStart).toISOString()}`;

export async function liveUpdate(deps: LiveUpdateDeps, ctx: WorkContext): Promise<LiveUpdate> {
  const { ws } = deps;
  let t = performance.now();
  const lap = () => -t + (t = performance.now());
  let scoreMs = 0;
  const scored = await deps.withScorer(async (scorer) => {
    const result = await scoreNewRows(ws, scorer, ctx);
    scoreMs = lap();
    // Players are flagged by the player forest over their profiles and row scores: new rows change
    // both for their players, who are rescored with the run's saved player forest.
    if (result.rows > 0 && result.runId !== null) await scorePlayersLive(ws, scorer, await getRun(ws, result.runId), result.players, ctx.signal);
    return result;
  });
  const playersMs = lap();
  const items = await announce(ws, 'player', flaggedNow((await flaggedPlayers(ws)).players).map(playerEntry));
  const flaggedMs = lap();
  for (const s of await followedStreams(deps)) {
    const run = await deps.streams!.score(s.definition.name, { mode: 'continue' }, ctx);
    const alerts = await deps.streams!.alerts(run.id);
    const entries = alerts.alerts.map((a) => ({
      ref: incidentRef(s.definition.name, a.key, a.windowStart),
      title: `${s.definition.name}: ${a.key}`,
      detail: `score ${a.score.toFixed(2)} at ${new Date(a.windowStart).toISOString().slice(0, 16).replace('T', ' ')}`,
    }));
    items.push(...(await announce(ws, 'incident', entries)));
  }
  const streamsMs = lap();
  let drift: number | undefined;
  let retrained = false;
  if (deps.retrainDrift !== undefined && scored.runId !== null) {
    const live = await liveScoring(ws, scored.runId);
    drift = live?.drift;
    if (live && live.liveRows >= MIN_LIVE_ROWS_FOR_DRIFT && live.drift >= deps.retrainDrift && deps.retrain) {
      deps.retrain();
      retrained = true;
    }
  }
  return {
    scoredRows: scored.rows,
    items,
    ...(drift !== undefined ? { drift } : {}),
    retrained,
    ms: { score: scoreMs, players: playersMs, flagged: flaggedMs, streams: streamsMs },
  };
}
