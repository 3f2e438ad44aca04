import type { ChangeReason } from '../../shared/api/index.ts';
import type { MapCache, MapCacheStatus } from '../../shared/api/map.ts';
import type { JobInfo, JobKind } from '../../shared/api/jobs.ts';
import type { EventBus } from '../jobs/events.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { currentMapCache, ledgerFingerprint, mapCache } from './cache.ts';

export const MAP_CACHE_JOB = 'map.cache' satisfies JobKind;

/** `workspace.changed` reasons that change the lake's ledger, and so the cache. */
const LEDGER_CHANGES = new Set<ChangeReason>(['lake.import', 'lake.forget', 's3.sync']);

/**
 * Builds the map's position cache as a job: right after an import or sync, or when the map finds it
 * stale. Meanwhile the map reads the play log (correct, slower). A build the analyst cancelled (or one
 * that failed) is not restarted on its own for the same ledger; `build()` starts it again on request.
 */
export class MapCacheService {
  private job: JobInfo<MapCache | null> | null = null;
  /** The ledger fingerprint of the last build that was cancelled or failed. */
  private stoppedFor: string | null = null;
  private checking: Promise<JobInfo<MapCache | null> | null> | null = null;
  private closed = false;
  private unsubscribe: () => void;

  constructor(
    private ws: Workspace,
    private jobs: JobRunner,
    events: EventBus,
  ) {
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event === 'workspace.changed' && LEDGER_CHANGES.has((payload as { reason: ChangeReason }).reason)) this.ensure().catch(() => {});
    });
  }

  /** For an unfiltered viewport: the cache when it is current, else null (and a build starts in the background). */
  async usable(): Promise<MapCache | null> {
    const cache = await currentMapCache(this.ws);
    if (cache !== undefined) return cache;
    await this.ensure();
    return null;
  }

  /** Starts a build (also after a cancel), or returns the running one; null when the cache is current. */
  build(): Promise<JobInfo<MapCache | null> | null> {
    this.stoppedFor = null;
    return this.ensure();
  }

  async status(): Promise<MapCacheStatus> {
    return { current: (await currentMapCache(this.ws)) !== undefined, job: this.job };
  }

  /**
   * Stops reacting to changes and waits for a staleness check in flight: closing the workspace under
   * its query left that query pending for ever, and the process (a CLI import) never exited.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await this.checking?.catch(() => undefined);
  }

  /** One check at a time, so callers arriving together start one job. */
  private ensure(): Promise<JobInfo<MapCache | null> | null> {
    if (this.closed) return Promise.resolve(null);
    if (this.job?.state === 'running') return Promise.resolve(this.job);
    return (this.checking ??= this.startIfStale().finally(() => (this.checking = null)));
  }

  private async startIfStale(): Promise<JobInfo<MapCache | null> | null> {
    if ((await currentMapCache(this.ws)) !== undefined) return null;
    const fp = await ledgerFingerprint(this.ws);
    if (fp === this.stoppedFor || this.closed) return null;
    this.job = this.jobs.start(MAP_CACHE_JOB, 'Build map cache', async (ctx) => {
      try {
        return await mapCache(this.ws, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
      } catch (e) {
        this.stoppedFor = fp;
        throw e;
      }
    });
    return this.job;
  }
}
