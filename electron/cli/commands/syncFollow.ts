import type { FollowStatus, FollowSummary } from '../../../shared/api/follow.ts';
import type { InboxNotice } from '../../../shared/api/inbox.ts';
import { followJob } from '../../../shared/api/followJob.ts';
import type { ApiClient } from '../../../shared/api/index.ts';
import { CliError, type CliIO } from '../command.ts';

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
export async function followFromCli(
  client: ApiClient,
  io: CliIO,
  name: string,
  opts: { everyMs: number; json: boolean; retrainDrift?: number },
): Promise<number> {
  let jobId: string | undefined;
  const offFollow = client.on('follow', (s) => {
    if (s.jobId === jobId) io.out(opts.json ? JSON.stringify({ event: 'follow', ...s }) : statusLine(s));
  });
  const offInbox = client.on('inbox', (n) => io.out(opts.json ? JSON.stringify({ event: 'inbox', ...n }) : noticeLine(n)));
  // Ctrl-C stops following (a clean end with its summary, exit 0), unlike a cancelled job.
  const stop = () => void client.call('s3.unfollow', { name }).catch(() => {});
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const start = async () => {
      const job = await client.call('s3.follow', {
        name,
        everyMs: opts.everyMs,
        ...(opts.retrainDrift !== undefined ? { retrainDrift: opts.retrainDrift } : {}),
      });
      jobId = job.id;
      return job;
    };
    const ended = await followJob<FollowSummary>(client, start);
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
    offFollow();
    offInbox();
  }
}
