import type { FollowStatus, FollowSummary } from '../../shared/api/follow.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { S3Source, S3SyncSummary } from '../../shared/api/s3.ts';
import type { WorkContext } from '../jobs/context.ts';
import { backoffMs, hourPrefixes, hourStart, hourText, HOUR_MS, watchedHours } from './followHours.ts';
import { FollowStore } from './followStore.ts';
import { parseHour, parseHourRange } from './hours.ts';
import { syncSource, type SyncDeps } from './sync.ts';

export interface FollowDeps extends SyncDeps {
  /** The clock; tests run hours in seconds. */
  now?: () => number;
}

export interface FollowOptions {
  everyMs: number;
  /** Attempts per request inside one tick; follow mode's own back-off handles the rest. */
  maxAttempts?: number;
  /** Called whenever the state or its message changes (never once per quiet tick). */
  onStatus?(status: FollowStatus): void;
  /** After a tick that imported rows: score them, update the flagged list, tell the analyst. Returns rows scored. */
  afterImport?(summary: S3SyncSummary, ctx: WorkContext): Promise<number>;
  /** After every successful tick, whether it found anything or not (a test's or the bench's probe). */
  onTick?(tick: { summary: S3SyncSummary; listings: number; hours: string[]; status: FollowStatus; ms: number }): void;
}

/** Which kind of failure paused the follower: a network one resumes on its own, credentials after a login. */
export function pauseCause(e: unknown): FollowStatus['pausedBy'] {
  const err = e instanceof ApiError ? e : undefined;
  if (err?.code === 'NO_CREDENTIALS' || /credential|access denied|expired|sso/i.test(err?.message ?? '')) return 'credentials';
  if (/cannot reach|network|ECONN|ETIMEDOUT|timeout|socket/i.test(err?.message ?? (e as Error)?.message ?? '')) return 'network';
  return 'other';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows a source until the context is cancelled: every interval it lists the hours from its watermark to
 * the current hour (one LIST per prefix-hour), downloads and imports what is new through the same verified,
 * resumable sync as a batch pull, and moves the watermark to the previous hour. It starts from the saved
 * watermark, else the source's last hour, so a laptop that slept catches up, and keeps going past the
 * source's range. A failing tick (network, credentials) pauses it with a clear status and exponential
 * back-off; the next good tick resumes it. Nothing is lost: an object is recorded only once imported.
 */
export async function followSource(deps: FollowDeps, source: S3Source, options: FollowOptions, ctx: WorkContext): Promise<FollowSummary> {
  const now = deps.now ?? Date.now;
  const store = new FollowStore(deps.db);
  const range = parseHourRange(source.from, source.to);
  const saved = await store.watermark(source.name);
  let watermark = saved ? parseHour(saved, 'watermark') : Math.max(range.from, Math.min(range.to, hourStart(now()) - HOUR_MS));
  const status: FollowStatus = {
    source: source.name,
    state: 'starting',
    message: 'starting',
    watermark: hourText(watermark),
    everyMs: options.everyMs,
    ticks: 0,
    objects: 0,
    rows: 0,
    scoredRows: 0,
    lastListings: 0,
  };
  let told = '';
  const tell = (patch: Partial<FollowStatus>) => {
    Object.assign(status, patch);
    if (patch.state !== 'paused') {
      delete status.pausedBy;
      delete status.retryInMs;
    }
    const key = `${status.state}|${status.message}`;
    if (key === told) return;
    told = key;
    options.onStatus?.({ ...status });
  };
  let failures = 0;
  let unscored = false;
  while (!ctx.signal.aborted) {
    const started = performance.now();
    const hours = watchedHours(watermark, now());
    const current = hours[hours.length - 1];
    if (hours.length > 2) tell({ state: 'catching-up', message: `catching up ${hours.length} hours from ${hourText(hours[0])}` });
    try {
      const prefixes = hourPrefixes(source.prefixes, hours);
      // Rows are kept from the source's first hour on; the upper bound leaves room for clocks a little ahead.
      const window = { from: range.from, to: current + 2 * HOUR_MS };
      const summary = await syncSource(deps, source, {
        signal: ctx.signal,
        maxAttempts: options.maxAttempts ?? 2,
        scope: { prefixes, window },
        onProgress: (p) => p.unit !== 'prefixes' && ctx.progress(p),
      });
      // Stopped during the tick: what it imported is recorded; the next follow scores it (rows after the last scored).
      // A failed scoring of imported rows is tried again on the next tick, whether or not it imports more.
      let scored = 0;
      unscored ||= summary.rows > 0;
      if (unscored && options.afterImport && !ctx.signal.aborted) {
        scored = await options.afterImport(summary, ctx);
        unscored = false;
      }
      // Failed objects keep the watermark where it is: the next tick lists their hour again.
      if (summary.errors.length === 0) watermark = Math.max(watermark, current - HOUR_MS);
      await store.save(source.name, hourText(watermark), options.everyMs);
      failures = 0;
      Object.assign(status, {
        ticks: status.ticks + 1,
        objects: status.objects + summary.downloaded,
        rows: status.rows + summary.rows,
        scoredRows: status.scoredRows + scored,
        lastListings: prefixes.length,
        lastTickAt: new Date(now()).toISOString(),
        watermark: hourText(watermark),
      });
      options.onTick?.({ summary, listings: prefixes.length, hours: hours.map(hourText), status: { ...status }, ms: performance.now() - started });
      ctx.progress({ done: status.ticks, total: 0, unit: 'ticks', message: status.message });
      const caughtUp = hours.length <= 2 || current === hourStart(now());
      if (summary.errors.length > 0)
        tell({
          state: 'following',
          message: `${summary.errors.length} object${summary.errors.length === 1 ? '' : 's'} failed (retried next tick): ${summary.errors[0].message}`,
        });
      else if (summary.rows > 0 || summary.downloaded > 0)
        tell({
          state: 'following',
          message: `imported ${summary.rows.toLocaleString('en-US')} rows from ${summary.downloaded} new object${summary.downloaded === 1 ? '' : 's'}`,
        });
      else if (caughtUp) tell({ state: 'caught-up', message: `caught up to ${hourText(current)}` });
      await sleep(options.everyMs, ctx.signal);
    } catch (e) {
      if (ctx.signal.aborted || (e instanceof ApiError && e.code === 'CANCELLED')) break;
      failures++;
      const wait = backoffMs(options.everyMs, failures);
      const cause = pauseCause(e);
      const message = (e as Error)?.message ?? String(e);
      // The retry countdown is not part of the status's identity: one pause, one status, however long it lasts.
      tell({ state: 'paused', message: `paused: ${message}`, pausedBy: cause, retryInMs: wait });
      await sleep(wait, ctx.signal);
    }
  }
  tell({ state: 'stopped', message: 'stopped' });
  return {
    source: source.name,
    ticks: status.ticks,
    objects: status.objects,
    rows: status.rows,
    scoredRows: status.scoredRows,
    watermark: hourText(watermark),
  };
}
