import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startS3rver, S3RVER_KEYS } from '../../test/integration/s3/s3server.ts';
import { createApp } from '../api/app.ts';
import { generateDemo } from '../lake/generate/index.ts';
import { connect } from '../s3/client.ts';
import { lakeImporter } from '../s3/lakeImport.ts';
import { forEachBounded } from '../s3/pool.ts';
import { syncSource } from '../s3/sync.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const BUCKET = 'bench-logs';
const CONCURRENCY = 8;
const ROUNDS = 2;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Issue #4's benchmark: sync of the demo data set from a local s3rver, as a ratio to a plain loop of
 * parallel GetObject calls writing the same files, alternating in the same run. The sync's download
 * phase (list, plan, verified .part downloads, ledger) is compared with the loop; the import is timed
 * on its own row.
 */
export async function benchSync(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const rows = opts.quick ? 200_000 : 2_000_000;
  const dir = await mkdtemp(join(tmpdir(), 'rz-bench-sync-'));
  const env = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, warn: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED };
  process.env.AWS_ACCESS_KEY_ID = S3RVER_KEYS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_KEYS.secretAccessKey;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const server = await startS3rver(join(dir, 'server'), [BUCKET]);
  try {
    const lake = join(dir, 'lake');
    await generateDemo({ out: lake, rows, gzip: true });
    const files = await walk(lake);
    const objects = files.filter((f) => /(playlog|userlog)/.test(relative(lake, f)));
    await forEachBounded(objects, CONCURRENCY, new AbortController().signal, async (f) => {
      await server.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: relative(lake, f).split('\\').join('/'), Body: createReadStream(f), ContentLength: (await stat(f)).size }));
    });
    const keys = objects.map((f) => relative(lake, f).split('\\').join('/'));
    const bytes = (await Promise.all(objects.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);
    const hours = keys.map((k) => /(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(k)).filter((m) => m !== null).map((m) => `${m[1]}-${m[2]}-${m[3]}T${m[4]}`).sort();
    const source = { name: 'bench', bucket: BUCKET, prefixes: ['playlog/', 'userlog/'], endpoint: server.endpoint, from: hours[0], to: hours.at(-1)! };

    const plainLoop = async (out: string) => {
      const conn = await connect(source, { concurrency: CONCURRENCY });
      const t = performance.now();
      await forEachBounded(keys, CONCURRENCY, new AbortController().signal, async (key) => {
        const r = await conn.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        const path = join(out, key);
        await mkdir(dirname(path), { recursive: true });
        await pipeline(r.Body as Readable, createWriteStream(path));
      });
      const ms = performance.now() - t;
      conn.close();
      return ms;
    };
    const sync = async (round: number) => {
      const app = await createApp(join(dir, `ws-${round}`, 'bench.duckdb'), () => {});
      const db = await app.services.ws.connect();
      try {
        const t = performance.now();
        let downloadedAt = 0;
        const importer = lakeImporter(app.services.ws);
        const summary = await syncSource(
          {
            db,
            cacheDir: join(app.services.ws.dataDir, 's3'),
            importer: (req) => {
              downloadedAt = performance.now();
              return importer(req);
            },
          },
          source,
          { signal: new AbortController().signal, concurrency: CONCURRENCY },
        );
        const end = performance.now();
        if (summary.errors.length || summary.downloaded !== keys.length) throw new Error(`bench sync failed: ${JSON.stringify(summary.errors.slice(0, 3))}`);
        return { downloadMs: downloadedAt - t, importMs: end - downloadedAt, rows: summary.rows };
      } finally {
        db.closeSync();
        await app.close();
      }
    };

    const plain: number[] = [];
    const synced: { downloadMs: number; importMs: number; rows: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(await plainLoop(join(dir, `plain-${round}`)));
      synced.push(await sync(round));
    }
    const best = (xs: number[]) => Math.min(...xs);
    const plainMs = best(plain);
    const syncMs = best(synced.map((s) => s.downloadMs));
    const importMs = best(synced.map((s) => s.importMs));
    const mb = bytes / 2 ** 20;
    const note = `${keys.length} objects, ${mb.toFixed(1)} MB, ${rows.toLocaleString('en-US')} rows, concurrency ${CONCURRENCY}, best of ${ROUNDS}`;
    const row = (c: string, metric: string, value: number, unit: string, extra?: string): BenchRow => ({ suite: 'sync', case: c, metric, value, unit, note: extra ?? note });
    return [
      row('plain GetObject loop', 'throughput', mb / (plainMs / 1000), 'MB/s'),
      row('plain GetObject loop', 'objects', keys.length / (plainMs / 1000), 'objects/s'),
      row('sync download', 'throughput', mb / (syncMs / 1000), 'MB/s', 'list + plan + verified .part downloads + ledger'),
      row('sync download', 'objects', keys.length / (syncMs / 1000), 'objects/s'),
      row('sync download', 'ratio to plain loop', plainMs / syncMs, '×', 'target ≥ 0.8'),
      row('sync import', 'rows', synced[0].rows / (importMs / 1000), 'rows/s', `lake import of ${synced[0].rows.toLocaleString('en-US')} rows`),
    ];
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    for (const [k, v] of [['AWS_ACCESS_KEY_ID', env.id], ['AWS_SECRET_ACCESS_KEY', env.secret], ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', env.warn]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
