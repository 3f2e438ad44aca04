import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../api/app.ts';
import { generateDemo } from '../lake/generate/index.ts';
import { lakeImporter } from '../s3/lakeImport.ts';
import { syncSource } from '../s3/sync.ts';
import { plainGetObjects } from './plainGet.ts';
import { lakeObjects, putLake, startS3rver, S3RVER_KEYS } from './s3rver.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const BUCKET = 'bench-logs';
const CONCURRENCY = 8;
const ROUNDS = 2;

/**
 * Issue #4's benchmark: sync of the demo data set from a local s3rver, as a ratio to a plain loop of
 * parallel GetObject calls writing the same files, alternating in the same run. The sync's download
 * phase (list, plan, verified .part downloads, ledger) is compared with the loop; the import is timed
 * on its own row.
 */
export async function benchSync(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const rows = opts.quick ? 200_000 : 2_000_000;
  const dir = await mkdtemp(join(tmpdir(), 'rz-bench-sync-'));
  const env = {
    id: process.env.AWS_ACCESS_KEY_ID,
    secret: process.env.AWS_SECRET_ACCESS_KEY,
    warn: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED,
  };
  process.env.AWS_ACCESS_KEY_ID = S3RVER_KEYS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_KEYS.secretAccessKey;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const server = await startS3rver(join(dir, 'server'), [BUCKET]);
  try {
    const lake = join(dir, 'lake');
    await generateDemo({ out: lake, rows, gzip: true });
    const objects = await lakeObjects(lake);
    await putLake(server, BUCKET, objects, CONCURRENCY);
    const { keys, bytes } = objects;
    const source = { name: 'bench', bucket: BUCKET, prefixes: ['playlog/', 'userlog/'], endpoint: server.endpoint, from: objects.from, to: objects.to };

    const plainLoop = (out: string) => plainGetObjects(source, keys, out, CONCURRENCY);
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
    const row = (c: string, metric: string, value: number, unit: string, extra?: string): BenchRow => ({
      suite: 'sync',
      case: c,
      metric,
      value,
      unit,
      note: extra ?? note,
    });
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
    for (const [k, v] of [
      ['AWS_ACCESS_KEY_ID', env.id],
      ['AWS_SECRET_ACCESS_KEY', env.secret],
      ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', env.warn],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
