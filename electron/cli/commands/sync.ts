import type { JobInfo } from '../../../shared/api/jobs.ts';
import { formatBytes } from '../../../shared/format.ts';
import { syncProgressText, type S3Plan, type S3Source, type S3SyncSummary } from '../../../shared/api/s3.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import type { ApiClient } from '../../../shared/api/index.ts';
import { CliError, type CliIO, type Command } from '../command.ts';
import { runJob } from '../jobRunner.ts';
import { cliClient, openAppFromFlag } from '../workspaceArg.ts';
import { followFromCli, parseDuration } from './syncFollow.ts';

export const syncCommand: Command = {
  help: `Usage: npm run cli -- sync [--workspace FILE] (--source NAME | --bucket B --prefix P... --from H --to H)
                            [--region R] [--profile P] [--endpoint URL] [--save NAME] [--dry-run] [--json]
       npm run cli -- sync --source NAME --follow [--every 60s] [--retrain-drift X] [--json]

Lists one prefix per day/hour of the range (plus the hour after it: Firehose files by arrival time),
downloads new and changed objects into the workspace's cache folder (verified, resumable), imports
them, and keeps only rows whose event time is in the range. An unchanged range downloads nothing.
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --source NAME     a source saved in the workspace (flags below override its fields for this run)
  --bucket B        S3 bucket
  --prefix P        Firehose prefix; repeat or comma-separate (e.g. --prefix playlog/ --prefix userlog/)
  --from H --to H   first and last hour, UTC, as YYYY-MM-DDTHH (inclusive)
  --region R        default: AWS_REGION, then the profile's region
  --profile P       AWS profile (SSO, credential_process, keys…); default: the AWS default chain
  --endpoint URL    S3-compatible endpoint (MinIO…), addressed path-style
  --save NAME       save the source under NAME in the workspace before syncing
  --dry-run         list and print the plan (new / changed / unchanged objects and bytes); download nothing
  --concurrency N   parallel downloads (default 8)
  --json            print one JSON object on stdout: the summary
                    {listed, downloaded, skipped, bytes, rows, errors: [{key, code, message}]}
                    (with --dry-run: the plan); progress goes to stderr

Follow mode (--follow, a saved source): syncs the range, then every interval lists the previous and the
current hour (from the last synced hour on, past the range's end, so a laptop that slept catches up),
imports new objects, scores new rows with the newest scoring run's saved forest (no retraining) and
announces newly flagged players and stream incidents, one line each (grouped, rate-limited). Network loss
or expired credentials pause it with one clear line and exponential back-off; it resumes by itself.
Ctrl-C stops it.
  --follow          keep following until Ctrl-C
  --every D         interval: 60s (default), 500ms, 5m, 1h
  --retrain-drift X retrain when the share of new rows above the cut-off reaches X times the training rows'
  --json            with --follow: one JSON object per line, {"event": "follow"|"inbox"|"stopped", ...}

Credentials are never saved: they come from the environment, ~/.aws, SSO or the profile at sync time.
Exit code 0 when every object synced, 1 when any failed (the summary lists them).

Example: npm run cli -- sync --bucket game-logs --prefix playlog/ --prefix userlog/ \\
           --from 2018-10-09T00 --to 2018-10-09T23 --profile analyst --save oct9`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      source: { type: 'string' },
      bucket: { type: 'string' },
      prefix: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      endpoint: { type: 'string' },
      save: { type: 'string' },
      'dry-run': { type: 'boolean' },
      follow: { type: 'boolean' },
      every: { type: 'string' },
      'retrain-drift': { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"; see sync --help`);
    if (!values.source && !values.bucket) throw new CliError('give --source NAME or --bucket B --prefix P --from H --to H; see sync --help');
    const concurrency = intOption(values.concurrency, 'concurrency', 8, 1);
    if (values.follow && values['dry-run']) throw new CliError('--follow and --dry-run do not go together');
    if (values.follow && !values.source && !values.save)
      throw new CliError('--follow needs a saved source: give --source NAME, or --save NAME with the source flags');
    const everyMs = values.every === undefined ? 60_000 : parseDuration(values.every, 'every');
    if (everyMs < 50) throw new CliError('--every must be at least 50ms');
    const retrainDrift = values['retrain-drift'] === undefined ? undefined : Number(values['retrain-drift']);
    if (retrainDrift !== undefined && !(retrainDrift >= 1)) throw new CliError(`--retrain-drift must be a number ≥ 1, got "${values['retrain-drift']}"`);
    // The SDK's notice about future Node versions is not something an analyst can act on mid-sync.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const app = await openAppFromFlag(values.workspace);
    try {
      const client = cliClient(app);
      const overrides: Partial<S3Source> = {
        ...(values.bucket ? { bucket: values.bucket } : {}),
        ...(values.prefix ? { prefixes: values.prefix.flatMap((p) => p.split(',')).filter(Boolean) } : {}),
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
        ...(values.region ? { region: values.region } : {}),
        ...(values.profile ? { profile: values.profile } : {}),
        ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      };
      const saved = values.source ? (await client.call('s3.sources', {})).find((s) => s.name === values.source) : undefined;
      if (values.source && !saved) throw new CliError(`no source named "${values.source}" in this workspace; save one with --save NAME`);
      let source = {
        ...(saved ?? { name: values.save ?? 'cli', prefixes: [], from: '', to: '' }),
        ...overrides,
        ...(values.save ? { name: values.save } : {}),
      } as S3Source;
      if (!source.prefixes?.length) throw new CliError('give at least one --prefix, e.g. --prefix playlog/');
      if (!source.from || !source.to) throw new CliError('give the hour range with --from and --to, e.g. --from 2018-10-09T00 --to 2018-10-09T23');
      if (values.save) source = await client.call('s3.saveSource', source);
      const ref = { source };

      if (values['dry-run']) {
        const plan = await follow(client, io, 'plan', () => client.call('s3.plan', ref), 'cancelled');
        io.out(values.json ? JSON.stringify(plan) : planText(plan));
        return 0;
      }

      const started = Date.now();
      const summary = await follow(client, io, 'sync', () => client.call('s3.sync', { ...ref, concurrency }), 'cancelled; run the same sync again to resume');
      if (values.follow) {
        io.err(summaryText(summary, (Date.now() - started) / 1000));
        return await followFromCli(client, io, source.name, { everyMs, json: !!values.json, ...(retrainDrift !== undefined ? { retrainDrift } : {}) });
      }
      if (values.json) io.out(JSON.stringify(summary));
      else io.out(summaryText(summary, (Date.now() - started) / 1000));
      return summary.errors.length > 0 ? 1 : 0;
    } finally {
      await app.close();
    }
  },
};

/** Runs a plan or sync job: its progress on stderr at most once a second; Ctrl-C cancels it. */
function follow<R>(client: ApiClient, io: CliIO, label: string, start: () => Promise<JobInfo<R>>, cancelled: string): Promise<R> {
  return runJob(client, io, start, {
    progressLine: (p, seconds) => (p.unit && p.total > 0 ? `${label}: ${syncProgressText(p, seconds)}${p.message ? ` · ${p.message}` : ''}` : undefined),
    cancelled,
  });
}

function planText(plan: S3Plan): string {
  const t = plan.totals;
  const line = (label: string, x: { objects: number; bytes: number }) =>
    `  ${label.padEnd(10)} ${String(x.objects).padStart(7)} objects  ${formatBytes(x.bytes).padStart(10)}`;
  return [
    `Plan for s3://${plan.source.bucket} ${plan.source.from} … ${plan.source.to} (${plan.listedPrefixes.length} prefixes listed)`,
    line('new', t.new),
    line('changed', t.changed),
    line('unchanged', t.unchanged),
    `Would download ${t.new.objects + t.changed.objects} objects (${formatBytes(t.new.bytes + t.changed.bytes)}).`,
  ].join('\n');
}

function summaryText(s: S3SyncSummary, seconds: number): string {
  return [
    `Listed ${s.listed} objects: downloaded ${s.downloaded} (${formatBytes(s.bytes)}), ${s.skipped} unchanged; imported ${s.rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s.`,
    ...s.errors.map((e) => `  failed ${e.key ?? ''}: ${e.message}`),
    ...s.ignored.map((i) => `  not imported ${i.key}: ${i.reason}`),
  ].join('\n');
}
