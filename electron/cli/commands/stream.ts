import type { DemoKind, ForestSettings, StreamAlert, StreamDefinition, StreamRun, AlertMark } from '../../../shared/api/streams.ts';
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeThreshold, parseThreshold } from '../../../shared/cutoff.ts';
import { describeMeasure, parseMeasure } from '../../streams/definition.ts';
import { generateStreamDemo, isDemoKind, readLabels } from '../../streams/generate/index.ts';
import { checkLabels, covers, plantedEvents } from '../../streams/labels.ts';
import { intOption, numberOption, parseCommandArgs } from '../args.ts';
import { CliError, type CliIO, type Command } from '../command.ts';
import { cliClient, openAppFromFlag } from '../workspaceArg.ts';
import { runJob, type RunJobOptions } from '../jobRunner.ts';
import type { ApiClient } from '../../../shared/api/index.ts';
import { formatTimeSeconds } from '../../../shared/format.ts';

const FOREST_FLAGS = {
  shingle: { type: 'string' },
  trees: { type: 'string' },
  samples: { type: 'string' },
  decay: { type: 'string' },
  'output-after': { type: 'string' },
  seed: { type: 'string' },
  threshold: { type: 'string' },
} as const;

const HELP = `Usage: npm run cli -- stream <subcommand> [options]      (every subcommand takes --workspace FILE and --json)

Metric streams: a table bucketed into windows per key, scored window by window by a streaming random
cut forest per key (Kinesis RANDOM_CUT_FOREST: score, then update). By default a thresholded detector
(as AWS's ThresholdedRandomCutForest) grades each window against the key's recent scores and each event
alerts once, as an incident with its actual and expected values; a fixed score cut-off is an option.

  stream demo --kind toll|clickstream|series
        generate a demo stream into the workspace's data folder, import it and define its stream
  stream import --kind toll|clickstream|series FILE [--table T]
        load toll CSV lines (date,toll,user), clickstream JSON lines or a timestamp,value series;
        bad lines go to rz_stream_quarantine with the reason
  stream define NAME (--table T | --query SQL) --time COL --window 10s [--key COL] --measure SPEC ...
        SPEC: vehicles=count | clicks=count if browseraction = 'Click' | fare=sum(amount) |
              speed=avg(speed) | ctr=clicks/impressions        (repeat --measure)
        forest: [--shingle 1] [--trees 100] [--samples 256] [--decay 1/(10·samples)] [--output-after samples/4] [--seed 42]
        [--threshold auto | auto:4 | 2.5 | 3sigma]   the detector (default; auto:K = K deviations above
              recent scores, default 3), a fixed score (the Kinesis lab's 2.5) or mean + kσ of the run
  stream list
  stream score NAME [forest flags] [--threshold T] [--continue]
        score every key; prints the run. --continue: carry each key's saved forest on over the windows
        after the ones it has scored (after importing more data) and extend the latest run, with the
        scores one full run gives; if the definition, forest or scored windows' data changed, it
        rescores everything and says why
  stream alerts (NAME | --run ID) [--threshold T] [--labels FILE] [--limit N]
        the run's incidents, worst first (--json: each with start, end, windows, measures, expected,
        score, grade, attribution, mark); --threshold re-cuts the run (auto only on a detector run);
        --labels compares with a labels file (planted events alerting, split, other incidents)
  stream mark NAME --key K --window "2024-05-06 09:43:20" --verdict tp|fp|clear [--note TEXT]
  stream export (NAME | --run ID) [--out FILE]          incidents as formula-safe CSV

Example:
  npm run cli -- stream demo --kind toll --workspace lab.duckdb
  npm run cli -- stream score toll-per-station --workspace lab.duckdb
  npm run cli -- stream alerts toll-per-station --workspace lab.duckdb`;

export const streamCommand: Command = {
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const handler = SUBCOMMANDS[sub ?? ''];
    if (!handler)
      throw new CliError(sub ? `unknown subcommand "${sub}" (demo, import, define, list, score, alerts, mark, export)` : `give a subcommand\n\n${HELP}`);
    const { values, positionals } = parseCommandArgs(rest, {
      workspace: { type: 'string' },
      json: { type: 'boolean' },
      kind: { type: 'string' },
      table: { type: 'string' },
      query: { type: 'string' },
      time: { type: 'string' },
      window: { type: 'string' },
      key: { type: 'string' },
      measure: { type: 'string', multiple: true },
      run: { type: 'string' },
      labels: { type: 'string' },
      limit: { type: 'string' },
      verdict: { type: 'string' },
      note: { type: 'string' },
      out: { type: 'string' },
      continue: { type: 'boolean' },
      ...FOREST_FLAGS,
    });
    const app = await openAppFromFlag(values.workspace);
    try {
      return await handler({ client: cliClient(app), io, values: values as Flags, positionals });
    } finally {
      await app.close();
    }
  },
};

type Flags = Record<string, string | boolean | string[] | undefined> & { json?: boolean };
interface Ctx {
  client: ApiClient;
  io: CliIO;
  values: Flags;
  positionals: string[];
}

const str = (v: Flags[string]) => (typeof v === 'string' ? v : undefined);

const SUBCOMMANDS: Record<string, (c: Ctx) => Promise<number>> = {
  async demo({ client, io, values }) {
    const kind = demoKind(values.kind);
    const result = await runJob(client, io, () => client.call('streams.loadDemo', { kind }), JOB);
    if (values.json) io.out(JSON.stringify(result));
    else {
      io.out(`Loaded ${result.import.loaded.toLocaleString('en-US')} ${kind} lines into ${result.import.table}; defined stream "${result.suggested.name}"`);
      io.out(`Planted anomalies: ${result.labelsPath}`);
    }
    return 0;
  },

  async import({ client, io, values, positionals }) {
    const kind = demoKind(values.kind);
    if (positionals.length !== 1) throw new CliError('give one file to import');
    const result = await runJob(
      client,
      io,
      () => client.call('streams.import', { kind, path: resolve(positionals[0]), ...(str(values.table) ? { table: str(values.table) } : {}) }),
      JOB,
    );
    if (values.json) io.out(JSON.stringify(result));
    else {
      io.out(
        `${result.table}: ${result.loaded.toLocaleString('en-US')} loaded, ${result.quarantined.toLocaleString('en-US')} quarantined of ${result.lines.toLocaleString('en-US')} lines`,
      );
      for (const s of result.samples) io.out(`  line ${s.line}: ${s.reason}`);
    }
    return 0;
  },

  async define({ client, io, values, positionals }) {
    if (positionals.length !== 1) throw new CliError('give the stream name: stream define NAME ...');
    const measures = ((values.measure as string[] | undefined) ?? []).map(parseMeasure);
    const threshold = str(values.threshold) ? parseThreshold(values.threshold as string) : undefined;
    const def = await client.call('streams.define', {
      definition: {
        name: positionals[0],
        ...(str(values.table) ? { sourceTable: str(values.table) } : {}),
        ...(str(values.query) ? { sourceQuery: str(values.query) } : {}),
        timeColumn: str(values.time) ?? '',
        window: str(values.window) ?? '',
        ...(str(values.key) ? { keyColumn: str(values.key) } : {}),
        measures,
        forest: forestFlags(values),
        ...(threshold ? { threshold } : {}),
      },
    });
    io.out(values.json ? JSON.stringify(def) : describe(def));
    return 0;
  },

  async list({ client, io, values }) {
    const list = await client.call('streams.list', {});
    if (values.json) io.out(JSON.stringify({ streams: list }));
    else if (list.length === 0) io.out('No streams yet: stream define NAME ... or stream demo --kind toll');
    else
      for (const s of list) io.out(`${describe(s.definition)}\n  ${s.latestRun ? `latest run ${s.latestRun.id}: ${runLine(s.latestRun)}` : 'not scored yet'}`);
    return 0;
  },

  async score({ client, io, values, positionals }) {
    if (positionals.length !== 1) throw new CliError('give the stream name: stream score NAME');
    const threshold = str(values.threshold) ? parseThreshold(values.threshold as string) : undefined;
    const mode = values.continue ? 'continue' : 'rescore';
    const run = await runJob(
      client,
      io,
      () => client.call('streams.score', { name: positionals[0], forest: forestFlags(values), ...(threshold ? { threshold } : {}), mode }),
      JOB,
    );
    if (values.json) io.out(JSON.stringify(runSummary(run)));
    else {
      if (run.mode === 'continue')
        io.out(`Continued: ${run.newWindows.toLocaleString('en-US')} new window${run.newWindows === 1 ? '' : 's'} scored by the saved forests`);
      if (run.rescoreReason) io.out(`Scored every window again: ${run.rescoreReason}`);
      io.out(`Run ${run.id}: ${runLine(run)}`);
    }
    return 0;
  },

  async alerts({ client, io, values, positionals }) {
    let runId = await runIdOf(client, values, positionals);
    if (str(values.threshold)) runId = (await client.call('streams.setThreshold', { runId, threshold: parseThreshold(values.threshold as string) })).id;
    const { run, alerts } = await client.call('streams.alerts', { runId });
    const labels = str(values.labels) ? await readLabels(values.labels as string) : undefined;
    const windowMs = run.definition.windowSeconds * 1000;
    const events = labels && plantedEvents(labels, windowMs);
    const planted = (a: StreamAlert) => !!events?.some((e) => covers(a, e, windowMs, Math.max(1, run.forest.shingleSize)));
    const check = labels && checkLabels(alerts, labels, run.windows, windowMs, run.forest.shingleSize);
    if (values.json) {
      io.out(JSON.stringify({ run: runSummary(run), alerts, ...(check ? { labels: check } : {}) }));
      return 0;
    }
    const limit = intOption(str(values.limit), 'limit', 20, 1);
    const names = run.definition.measures.map((m) => m.name);
    io.out(`Run ${run.id} of "${run.stream}": ${runLine(run)}`);
    for (const a of alerts.slice(0, limit)) {
      const top = names.reduce((best, n) => ((a.attribution[n] ?? 0) > (a.attribution[best] ?? 0) ? n : best), names[0]);
      const value = (n: string) => `${n}=${fmt(a.measures[n])}${a.expected ? ` (expected ${fmt(a.expected[n])})` : ''}`;
      const span = a.windows > 1 ? ` +${a.windows - 1} window${a.windows === 2 ? '' : 's'}` : '';
      io.out(
        `  ${(a.grade === null ? a.score.toFixed(2) : `g${a.grade.toFixed(2)}`).padStart(6)}  ${(a.key || '(all)').padEnd(18)} ${formatTimeSeconds(a.windowStart)}${span}  ${names.map(value).join(' ')}${a.attribution[top] ? `  ← ${top}` : ''}${a.verdict ? `  [${a.verdict}${a.note ? `: ${a.note}` : ''}]` : planted(a) ? '  (planted)' : ''}`,
      );
    }
    if (alerts.length > limit) io.out(`  … ${alerts.length - limit} more (--limit N)`);
    if (check) {
      io.out(
        `Labels: ${check.plantedAlerting}/${check.planted} planted events alert (${check.plantedSplit} as more than one incident); ${check.otherAlerts} other incidents over ${check.otherWindows} other windows (${((100 * check.otherAlerts) / check.otherWindows).toFixed(2)}%)`,
      );
    }
    return 0;
  },

  async mark({ client, io, values, positionals }) {
    if (positionals.length !== 1) throw new CliError('give the stream name: stream mark NAME --key K --window TIME --verdict tp|fp|clear');
    const verdicts: Record<string, AlertMark | null> = {
      tp: 'true_positive',
      true_positive: 'true_positive',
      fp: 'false_positive',
      false_positive: 'false_positive',
      clear: null,
    };
    const verdict = str(values.verdict);
    if (verdict === undefined || !(verdict in verdicts)) throw new CliError('--verdict must be tp, fp or clear');
    const when = str(values.window);
    const windowStart = when ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(when) ? when : `${when.replace(' ', 'T')}Z`) : NaN;
    if (!Number.isFinite(windowStart)) throw new CliError(`--window must be the window's start, e.g. "2024-05-06 09:43:20" (UTC), got "${when ?? ''}"`);
    await client.call('streams.mark', {
      stream: positionals[0],
      key: str(values.key) ?? '',
      windowStart,
      verdict: verdicts[verdict],
      ...(str(values.note) ? { note: str(values.note) } : {}),
    });
    io.out(
      values.json
        ? JSON.stringify({ stream: positionals[0], key: str(values.key) ?? '', windowStart, verdict: verdicts[verdict] })
        : `Marked ${positionals[0]} ${str(values.key) ?? ''} ${formatTimeSeconds(windowStart)} as ${verdicts[verdict] ?? 'unmarked'}`,
    );
    return 0;
  },

  async export({ client, io, values, positionals }) {
    const runId = await runIdOf(client, values, positionals);
    const file = await client.call('streams.export', { runId });
    let path = file.path;
    if (str(values.out)) {
      path = resolve(values.out as string);
      await copyFile(file.path, path);
    }
    io.out(values.json ? JSON.stringify({ ...file, path }) : `Wrote ${file.rows} alerts to ${path}`);
    return 0;
  },
};

/** `generate --kind toll|clickstream|series`: the metric-stream demos (the play log is generate's own). */
export async function generateStreamKind(kind: string, out: string, seed: number | undefined, json: boolean, io: CliIO): Promise<number> {
  if (!isDemoKind(kind)) throw new CliError(`--kind must be playlog, toll, clickstream or series, got "${kind}"`);
  const r = await generateStreamDemo(kind, out, seed === undefined ? {} : { seed });
  if (json) io.out(JSON.stringify({ kind, data: r.dataPath, labels: r.labelsPath, lines: r.lines, planted: r.planted.length }));
  else
    io.out(
      `Wrote ${r.lines.toLocaleString('en-US')} ${kind} lines to ${r.dataPath}\nPlanted ${r.planted.length} anomalous windows (${r.planted[0]?.kind}): ${r.labelsPath}`,
    );
  return 0;
}

function demoKind(v: Flags[string]): DemoKind {
  const kind = str(v);
  if (!kind || !isDemoKind(kind)) throw new CliError('--kind must be toll, clickstream or series');
  return kind;
}

function forestFlags(values: Flags): Partial<ForestSettings> {
  const f: Partial<ForestSettings> = {};
  if (str(values.shingle)) f.shingleSize = intOption(str(values.shingle), 'shingle', 1, 1);
  if (str(values.trees)) f.numTrees = intOption(str(values.trees), 'trees', 100, 1);
  if (str(values.samples)) f.samplesPerTree = intOption(str(values.samples), 'samples', 256, 1);
  if (str(values.decay)) f.timeDecay = numberOption(str(values.decay), 'decay', 0);
  if (str(values['output-after'])) f.outputAfter = intOption(str(values['output-after']), 'output-after', 64, 1);
  if (str(values.seed)) f.seed = intOption(str(values.seed), 'seed', 42, 0);
  return f;
}

async function runIdOf(client: ApiClient, values: Flags, positionals: string[]): Promise<string> {
  if (str(values.run)) return values.run as string;
  if (positionals.length !== 1) throw new CliError('give the stream name or --run ID');
  const [latest] = await client.call('streams.runs', { name: positionals[0] });
  if (!latest) throw new CliError(`stream "${positionals[0]}" has no runs yet: stream score ${positionals[0]}`);
  return latest.id;
}

/** Stream jobs' progress on stderr; Ctrl+C cancels (exit 130). */
const JOB: RunJobOptions = {
  progressLine: (p) => (p.message ? `  ${p.message}${p.total ? ` ${Math.floor((100 * p.done) / p.total)}%` : ''}` : undefined),
  cancelled: 'cancelled',
};

function describe(d: StreamDefinition): string {
  const src = d.sourceTable ?? `(${d.sourceQuery})`;
  return `${d.name}: ${src} every ${d.window} by ${d.timeColumn}${d.keyColumn ? `, per ${d.keyColumn}` : ''}; ${d.measures.map(describeMeasure).join(', ')}; alert at ${describeThreshold(d.threshold)}${Object.keys(d.forest).length ? `; forest ${JSON.stringify(d.forest)}` : ''}`;
}

function runSummary(r: StreamRun) {
  const { definition: _d, ...rest } = r;
  return rest;
}

function runLine(r: StreamRun): string {
  return `${r.keys} key${r.keys === 1 ? '' : 's'}, ${r.windows.toLocaleString('en-US')} windows (${r.scoredWindows.toLocaleString('en-US')} scored), mean ${r.scoreMean.toFixed(3)} σ ${r.scoreSd.toFixed(3)}, ${describeThreshold(r.threshold)}${r.threshold.kind === 'detector' ? '' : ` → cutoff ${r.cutoff.toFixed(3)}`}, ${r.alerts} incident${r.alerts === 1 ? '' : 's'} · ${(r.elapsedMs / 1000).toFixed(1)} s`;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}
