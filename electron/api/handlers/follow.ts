import { join } from 'node:path';
import { ApiError } from '../../../shared/api/envelope.ts';
import { FOLLOW_JOB, type FollowApi, type FollowStatus } from '../../../shared/api/follow.ts';
import type { InboxApi } from '../../../shared/api/inbox.ts';
import type { LiveApi } from '../../../shared/api/live.ts';
import { inboxCounts, inboxKind, listInbox, markSeen } from '../../inbox/inbox.ts';
import { liveUpdate, rememberFlaggedNow, type LiveUpdateDeps } from '../../inbox/liveUpdate.ts';
import { NoticeGrouper } from '../../inbox/notices.ts';
import { followSource } from '../../s3/follow.ts';
import { FollowStore } from '../../s3/followStore.ts';
import { lakeImporter } from '../../s3/lakeImport.ts';
import { SourceStore } from '../../s3/sources.ts';
import type { Importer } from '../../s3/sync.ts';
import { liveScoring, retrainRequest } from '../../scoring/live.ts';
import { StreamsService } from '../../streams/service.ts';
import { type HandlersFor } from '../router.ts';
import { optional, requireNumber, requireString } from '../../../shared/api/validate.ts';
import type { AppServices } from '../services.ts';

const DEFAULT_EVERY_MS = 60_000;
const DEFAULT_NOTICE_GAP_MS = 10_000;

const atLeast = (value: unknown, name: string, min: number) => optional(value, (v) => requireNumber(v, name, { min }));

/** Follow mode, the inbox and live scoring: one follower job per source, statuses kept for the views. */
export function followHandlers(s: AppServices): HandlersFor<FollowApi & InboxApi & LiveApi> {
  const sources = new SourceStore(s.ws.db);
  const statuses = new Map<string, FollowStatus>();
  // A stop is the normal end of following (job done); a cancel of the job still works too.
  const running = new Map<string, { jobId: string; stop: AbortController }>();
  const retrain = async (runId?: number) => s.scoring.start(await retrainRequest(s.ws, runId));
  const scoringBusy = () => s.jobs.list().some((j) => j.kind === 'scoring' && j.state === 'running');
  // The lake import stages objects in one folder per workspace: followers of several sources take turns.
  let importing: Promise<unknown> = Promise.resolve();
  const lake = lakeImporter(s.ws);
  const importer: Importer = (req) => {
    const turn = importing.then(() => lake(req));
    importing = turn.catch(() => {});
    return turn;
  };

  return {
    's3.follow': async (r) => {
      const name = requireString(r.name, 'name');
      const everyMs = atLeast(r.everyMs, 'everyMs', 50) ?? DEFAULT_EVERY_MS;
      const retrainDrift = atLeast(r.retrainDrift, 'retrainDrift', 1);
      const gapMs = atLeast(r.noticeGapMs, 'noticeGapMs', 0) ?? DEFAULT_NOTICE_GAP_MS;
      const source = await sources.get(name);
      if (running.has(name)) throw new ApiError('BAD_REQUEST', `"${name}" is already being followed`);
      if (s.jobs.list().some((j) => j.kind === 's3.sync' && j.state === 'running'))
        throw new ApiError('BAD_REQUEST', 'a sync is running in this workspace; follow when it ends');
      const notices = new NoticeGrouper((n) => s.events.emit('inbox', n), gapMs);
      const live: LiveUpdateDeps = {
        ws: s.ws,
        withScorer: (work) => s.scoring.withScorer(work),
        streams: new StreamsService(s.ws),
        ...(retrainDrift !== undefined ? { retrainDrift, retrain: () => void (scoringBusy() || retrain()) } : {}),
      };
      const stop = new AbortController();
      const job = s.jobs.start(FOLLOW_JOB, `Follow ${name} (s3://${source.bucket})`, async (jobCtx) => {
        const ctx = { ...jobCtx, signal: AbortSignal.any([jobCtx.signal, stop.signal]) };
        const db = await s.ws.connect();
        try {
          await rememberFlaggedNow(live);
          return await followSource(
            { db, cacheDir: join(s.ws.dataDir, 's3'), importer },
            source,
            {
              everyMs,
              onStatus: (st) => {
                const status = { ...st, jobId: job.id };
                statuses.set(name, status);
                s.events.emit('follow', status);
              },
              // Counters move every tick without an event; s3.followStatus reads them.
              onTick: (t) => {
                const st = statuses.get(name);
                if (st) Object.assign(st, t.status);
              },
              afterImport: async (_summary, c) => {
                // One refresh for the views per tick that imported: rows, live scores and the flagged list together.
                const update = await liveUpdate(live, c).finally(() => s.events.emit('workspace.changed', { reason: 'scoring.live' }));
                notices.add(update.items);
                return update.scoredRows;
              },
            },
            ctx,
          );
        } finally {
          notices.flushAll();
          running.delete(name);
          db.closeSync();
        }
      });
      running.set(name, { jobId: job.id, stop });
      return job;
    },
    's3.unfollow': (r) => {
      const follower = running.get(requireString(r.name, 'name'));
      follower?.stop.abort();
      return { stopped: follower !== undefined };
    },
    's3.followStatus': async () => {
      const saved = await new FollowStore(s.ws.db).all();
      const out = new Map(
        saved.map((f) => [
          f.source,
          {
            source: f.source,
            state: 'stopped',
            message: 'not following',
            watermark: f.watermark,
            everyMs: f.everyMs,
            ticks: 0,
            objects: 0,
            rows: 0,
            scoredRows: 0,
            lastListings: 0,
          } as FollowStatus,
        ]),
      );
      for (const [name, st] of statuses) if (running.has(name) || !out.has(name)) out.set(name, st);
      return [...out.values()];
    },
    'inbox.list': (r) => listInbox(s.ws, { ...(r.kind !== undefined ? { kind: inboxKind(r.kind) } : {}), unseenOnly: r.unseenOnly === true }),
    'inbox.counts': () => inboxCounts(s.ws),
    'inbox.markSeen': (r) => markSeen(s.ws, inboxKind(r.kind)),
    'scoring.live': (r) => liveScoring(s.ws, atLeast(r.runId, 'runId', 1)),
    'scoring.retrain': (r) => retrain(atLeast(r.runId, 'runId', 1)),
  };
}
