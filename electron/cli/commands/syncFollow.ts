import type { FollowStatus, FollowSummary } from '../../../shared/api/follow.ts';
import type { InboxNotice } from '../../../shared/api/inbox.ts';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { App } from '../../api/app.ts';
import { CliError, type CliIO } from '../command.ts';
import { callOrFail } from '../workspaceArg.ts';

/** "60s", "200ms", "5m", "1h", a bare number of seconds → milliseconds. */
export function parseDuration(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) throw new CliError(`--${name} must be a duration such as 60s, 500ms, 5m or 1h, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

const clock = () => new Date().toISOString().slice(11, 19);

function statusLine(s: FollowStatus): string {
  return `${clock()} ${s.source} ${s.state}: ${s.message}${s.retryInMs ? ` (retrying in ${(s.retryInMs / 1000).toFixed(1)} s)` : ''}`;
}

function noticeLine(n: InboxNotice): string {
  return `${clock()} ${n.title}: ${n.body}`;
}

/**
 * Follows a saved source until Ctrl-C: one line per state change and per (grouped) notification; with
 * --json one JSON object per line, `event` saying which ("follow", "inbox", then "stopped").
 */
export async function followFromCli(app: App, io: CliIO, name: string, opts: { everyMs: number; json: boolean; retrainDrift?: number }): Promise<number> {
  const job = await callOrFail<JobInfo<FollowSummary>>(app, 's3.follow', { name, everyMs: opts.everyMs, ...(opts.retrainDrift !== undefined ? { retrainDrift: opts.retrainDrift } : {}) });
  const unsubscribe = app.services.events.subscribe((event, payload) => {
    if (event === 'follow' && (payload as FollowStatus).jobId === job.id) {
      io.out(opts.json ? JSON.stringify({ event, ...(payload as FollowStatus) }) : statusLine(payload as FollowStatus));
    } else if (event === 'inbox') {
      io.out(opts.json ? JSON.stringify({ event, ...(payload as InboxNotice) }) : noticeLine(payload as InboxNotice));
    }
  });
  const stop = () => void app.router.call('s3.unfollow', { name });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const ended = (await app.services.jobs.wait(job.id)) as JobInfo<FollowSummary>;
    if (ended.state === 'failed') throw new CliError(`${ended.error?.code}: ${ended.error?.message}`, 1);
    const summary = ended.result;
    if (summary) {
      io.out(
        opts.json
          ? JSON.stringify({ event: 'stopped', ...summary })
          : `Stopped following ${name}: ${summary.ticks} ticks, ${summary.objects} objects, ${summary.rows.toLocaleString('en-US')} rows imported, ${summary.scoredRows.toLocaleString('en-US')} scored live; watermark ${summary.watermark}.`,
      );
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    unsubscribe();
  }
}
