/**
 * Issue #17's bench: the whole lab, S3 to ban list, as the analyst runs it. The lab-scale lake is
 * generated once (or reused), served from a local s3rver, and every step runs as a child process
 * measured by the OS (/usr/bin/time: wall time and the peak RSS of the process tree it waited for):
 * sync (download + import) → score (200 × 1000) → flagged → export-bans, with beside them, in the same
 * run, a plain parallel GetObject loop (the sync's yardstick), an `import` of the same folder and
 * DuckDB's own CREATE TABLE AS of the same files (the import's yardstick). Ends with a checksum of the
 * scores keyed by each event's data (not its row_id), equal across workspaces for the same files and seed.
 * Set REDZONE_MEMORY_LIMIT to run every step under a smaller DuckDB memory limit.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { lakeObjects, putLake, startS3rver, S3RVER_KEYS } from './s3rver.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const LAB = { players: 20043, rows: 40_529_100 };
const BUCKET = 'lab-logs';
const CONCURRENCY = 8;
const TIME = '/usr/bin/time';

interface Step {
  ms: number;
  maxRssBytes: number;
  stdout: string;
}

/** Runs one child under /usr/bin/time; fails loudly with the child's stderr. */
async function measured(args: string[], env: NodeJS.ProcessEnv, timing: string): Promise<Step> {
  const started = performance.now();
  try {
    const { stdout } = await exec(TIME, ['-f', '%M', '-o', timing, process.execPath, ...args], { cwd: ROOT, env, maxBuffer: 256 << 20 });
    const ms = performance.now() - started;
    const kb = Number((await readFile(timing, 'utf8')).trim().split('\n').at(-1));
    return { ms, maxRssBytes: kb * 1024, stdout };
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`lab bench: ${args.slice(0, 3).join(' ')} failed: ${err.stderr?.slice(-2000) ?? err.message}`);
  }
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** The lake for `rows` rows: the lab's own (players scaled with rows below lab size), generated once. */
async function lakeFor(rows: number, lake: string, env: NodeJS.ProcessEnv, cli: string, timing: string): Promise<void> {
  if (await exists(`${lake}.complete`)) return;
  const players = Math.max(200, Math.round((LAB.players * rows) / LAB.rows));
  await rm(lake, { recursive: true, force: true });
  await measured([cli, 'generate', '--players', String(players), '--rows', String(rows), '--gzip', '--out', lake, '--json'], env, timing);
  await writeFile(`${lake}.complete`, `${new Date().toISOString()} ${rows} rows ${players} players\n`);
}

export async function benchLab(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const rows = opts.rows ?? (opts.quick ? 400_000 : LAB.rows);
  const work = resolve(opts.dir ?? join(ROOT, '.bench', 'lab'));
  const lake = resolve(opts.lake ?? join(work, `lake-${rows}`));
  const cli = resolve(opts.cli ?? join(ROOT, 'scripts', 'cli.mjs'));
  const timing = join(work, 'time.txt');
  await mkdir(work, { recursive: true });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // this process seeds the server with the SDK too
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: S3RVER_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_KEYS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  await lakeFor(rows, lake, env, cli, timing);
  const objects = await lakeObjects(lake);
  // The server's store is kept beside the lake so a second run does not upload 900 MB again.
  const store = `${lake}.s3rver`;
  const server = await startS3rver(store, [BUCKET]);
  const scratch = join(work, 'run');
  try {
    if (!(await exists(`${store}.complete`))) {
      await putLake(server, BUCKET, objects, CONCURRENCY);
      await writeFile(`${store}.complete`, `${objects.keys.length} objects\n`);
    }
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    const out: BenchRow[] = [];
    const limit = process.env.REDZONE_MEMORY_LIMIT ? `, REDZONE_MEMORY_LIMIT=${process.env.REDZONE_MEMORY_LIMIT}` : '';
    const size = `${objects.keys.length} objects, ${(objects.bytes / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en-US')} rows${limit}`;
    const row = (c: string, metric: string, value: number, unit: string, note?: string): BenchRow => ({
      suite: 'lab',
      case: c,
      metric,
      value,
      unit,
      ...(note ? { note } : {}),
    });
    const report = (c: string, s: Step, note?: string) => out.push(row(c, 'wall', s.ms / 1000, 's', note), row(c, 'peak RSS', s.maxRssBytes / 1e6, 'MB'));

    // Yardsticks first, each cleaned up before the product's own run so disk holds one workspace at a time.
    const yardsticks = opts.productOnly ? null : await measureYardsticks(cli, server.endpoint, lake, scratch, env, timing);

    const ws = join(scratch, 'lab.duckdb');
    const wsArg = ['--workspace', ws];
    const sync = await measured(
      [
        cli,
        'sync',
        ...wsArg,
        '--bucket',
        BUCKET,
        '--prefix',
        'playlog/',
        '--prefix',
        'userlog/',
        '--from',
        objects.from,
        '--to',
        objects.to,
        '--endpoint',
        server.endpoint,
        '--json',
      ],
      env,
      timing,
    );
    const synced = JSON.parse(sync.stdout) as { downloaded: number; rows: number; errors: unknown[] };
    if (synced.errors.length || synced.downloaded !== objects.keys.length)
      throw new Error(`lab bench: sync downloaded ${synced.downloaded} of ${objects.keys.length} objects, errors ${JSON.stringify(synced.errors.slice(0, 3))}`);
    await rm(join(scratch, 'lab.data', 's3'), { recursive: true, force: true }); // the cache is not needed past the import
    const score = await measured([cli, 'score', ...wsArg, '--features', 'points', '--trees', '200', '--samples', '1000', '--seed', '1', '--json'], env, timing);
    const flagged = await measured([cli, 'flagged', ...wsArg, '--json'], env, timing);
    const bans = await measured([cli, 'export-bans', ...wsArg, '--out', join(scratch, 'bans.csv'), '--json'], env, timing);
    // What every CLI step pays before its own work (node, tsx, the CLI's modules): flagged's yardstick.
    const startup = await measured([cli, 'flagged', '--help'], env, timing);

    const run = JSON.parse(score.stdout) as { rows: number; flaggedRows: number; elapsedMs: number };
    const players = JSON.parse(flagged.stdout) as { total: number };
    if (yardsticks) report('plain GetObject loop', yardsticks.plain, `${size}; concurrency ${CONCURRENCY}; the sync's yardstick`);
    report(
      'sync (download + import)',
      sync,
      `${synced.rows.toLocaleString('en-US')} rows${yardsticks ? `; ${(yardsticks.plain.ms / sync.ms).toFixed(2)}× the plain loop's speed incl. its import` : ''}; ${size}`,
    );
    if (yardsticks) {
      report('import (folder)', yardsticks.imported, `${(yardsticks.ctas.ms / yardsticks.imported.ms).toFixed(2)}× DuckDB CTAS's speed`);
      report('DuckDB CTAS', yardsticks.ctas, 'CREATE TABLE AS read_json of the same play-log files');
    }
    report(
      'score 200 × 1000',
      score,
      `${run.rows.toLocaleString('en-US')} rows, ${run.flaggedRows.toLocaleString('en-US')} above the cut-off; scoring ${(run.elapsedMs / 1000).toFixed(1)} s in the run`,
    );
    report('flagged', flagged, `${players.total.toLocaleString('en-US')} players; ${((flagged.ms - startup.ms) / 1000).toFixed(2)} s past the CLI's start-up`);
    report('CLI start-up (flagged --help)', startup, 'node + tsx + the CLI modules, paid by every step above');
    report('export-bans', bans);
    const steps = [sync, score, flagged, bans];
    const total = steps.reduce((a, s) => a + s.ms, 0);
    const peak = Math.max(...steps.map((s) => s.maxRssBytes), yardsticks?.imported.maxRssBytes ?? 0);
    out.push(
      row('S3 → ban list', 'wall', total / 1000, 's', 'sync + score + flagged + export-bans; target ≤ 60 s'),
      row('S3 → ban list', 'max peak RSS', peak / 1e6, 'MB', `any step (import included); target ≤ 1,500 MB; machine ${(totalmem() / 2 ** 30).toFixed(0)} GiB`),
      row('score', 'checksum', await scoreChecksum(ws), 'xor', 'bit_xor of hash(event, score) over the run: equal in any workspace of the same files and seed'),
    );
    return out;
  } finally {
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The plain GetObject loop, DuckDB's CTAS and the folder import, each in a process of its own. */
async function measureYardsticks(cli: string, endpoint: string, lake: string, scratch: string, env: NodeJS.ProcessEnv, timing: string) {
  const plain = await measured(
    ['--import', 'tsx', join(import.meta.dirname, 'labGetChild.ts'), endpoint, BUCKET, lake, join(scratch, 'plain'), String(CONCURRENCY)],
    env,
    timing,
  );
  await rm(join(scratch, 'plain'), { recursive: true, force: true });
  const ctas = await measured(
    ['--import', 'tsx', join(import.meta.dirname, 'ingestChild.ts'), 'ctas', join(lake, 'playlog'), join(scratch, 'ctas.duckdb'), 'gzip'],
    env,
    timing,
  );
  await rm(join(scratch, 'ctas.duckdb'), { force: true });
  const imported = await measured([cli, 'import', '--workspace', join(scratch, 'import.duckdb'), '--json', lake], env, timing);
  await rm(join(scratch, 'import.duckdb'), { force: true });
  await rm(join(scratch, 'import.data'), { recursive: true, force: true });
  return { plain, ctas, imported };
}

/** An order-free checksum of the newest run's scores, each keyed by its event's data rather than its row_id. */
async function scoreChecksum(ws: string): Promise<number> {
  const instance = await DuckDBInstance.create(ws, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  try {
    const r =
      await conn.runAndReadAll(`SELECT bit_xor(hash(p.pidx, p.idx, p.createdate, p.posnewx, p.posnewy, p.posnewz, p.posoldx, p.posoldy, p.posoldz, p.action, s.score)) % 1000000007
      FROM rz_score s JOIN lake_playlog_data p USING (row_id) WHERE s.run_id = (SELECT max(run_id) FROM rz_score_run)`);
    return Number(r.getRows()[0][0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
