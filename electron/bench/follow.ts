import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putObject, startS3rver, S3RVER_KEYS } from './s3rver.ts';
import { createApp } from '../api/app.ts';
import { liveUpdate } from '../inbox/liveUpdate.ts';
import { generateDemo } from '../lake/generate/index.ts';
import { LiveGame } from '../lake/generate/live.ts';
import { importPath } from '../lake/import.ts';
import { followSource } from '../s3/follow.ts';
import { hourStart, hourText, HOUR_MS } from '../s3/followHours.ts';
import { FollowStore } from '../s3/followStore.ts';
import { lakeImporter } from '../s3/lakeImport.ts';
import { SourceStore } from '../s3/sources.ts';
import { scoreRun } from '../scoring/service.ts';
import { scorePlayers } from '../investigate/playerForest.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const BUCKET = 'bench-live';

/**
 * Issue #15's benchmark: one follow tick that finds one new ~1 MB Firehose object (list, download, import,
 * score the new rows with the saved forest, update the flagged list) beside a full rescore of the same
 * workspace, in the same run; then an unchanged tick and its LIST count. The workspace is the generated
 * demo lake (2M rows; --quick 200k), or REDZONE_BENCH_LAKE (e.g. /work/lab/lake, the 40.5M-row lab).
 */
export async function benchFollow(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'rz-bench-follow-'));
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: S3RVER_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_KEYS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const server = await startS3rver(join(dir, 'server'), [BUCKET]);
  const app = await createApp(join(dir, 'ws.duckdb'), () => {});
  try {
    const ws = app.services.ws;
    let lake = process.env.REDZONE_BENCH_LAKE;
    if (!lake) {
      lake = join(dir, 'lake');
      await generateDemo({ out: lake, rows: opts.quick ? 200_000 : 2_000_000, gzip: true });
    }
    const imported = await importPath(ws, lake);
    const label = `${(imported.rows / 1e6).toFixed(1)}M rows`;
    const signal = new AbortController().signal;
    let t = performance.now();
    // What the app's scoring job does: the row forest, then the player stage (profiles and player forest).
    await app.services.scoring.withScorer(async (scorer) =>
      scorePlayers(ws, scorer, await scoreRun(ws, scorer, { features: 'points' }, signal, () => {}), signal),
    );
    const fullMs = performance.now() - t;

    const now = Date.now();
    await new SourceStore(ws.db).save({
      name: 'bench',
      bucket: BUCKET,
      prefixes: ['playlog/'],
      endpoint: server.endpoint,
      from: hourText(now - 48 * HOUR_MS),
      to: hourText(now - HOUR_MS),
    });
    const db = await ws.connect();
    await new FollowStore(db).save('bench', hourText(hourStart(now) - HOUR_MS), 1000);
    const object = new LiveGame({ players: 200, rowsPerObject: 6000, cheaterAfter: 0, seed: 3 }).next(new Date(now));
    await putObject(server, BUCKET, object.key, object.body);

    const live = { ws, withScorer: app.services.scoring.withScorer.bind(app.services.scoring) };
    const ticks: { ms: number; listings: number; rows: number; downloaded: number; scoreMs: number }[] = [];
    const stop = new AbortController();
    let scoreMs = 0;
    let split = '';
    await followSource(
      { db, cacheDir: join(ws.dataDir, 's3'), importer: lakeImporter(ws) },
      await new SourceStore(ws.db).get('bench'),
      {
        everyMs: 50,
        afterImport: async (_s, ctx) => {
          const s = performance.now();
          const update = await liveUpdate(live, ctx);
          scoreMs = performance.now() - s;
          split = `live rows ${Math.round(update.ms.score)} ms, players ${Math.round(update.ms.players)} ms, flagged list ${Math.round(update.ms.flagged)} ms`;
          return update.scoredRows;
        },
        onTick: (tick) => {
          ticks.push({ ms: tick.ms, listings: tick.listings, rows: tick.summary.rows, downloaded: tick.summary.downloaded, scoreMs });
          scoreMs = 0;
          if (ticks.length === 2) stop.abort();
        },
      },
      { signal: stop.signal, progress() {} },
    );
    db.closeSync();
    const [found, quiet] = ticks;
    const mb = (Buffer.byteLength(object.body) / 1048576).toFixed(2);
    return [
      { suite: 'follow', case: label, metric: 'full rescore (train, score every row, player stage)', value: Math.round(fullMs), unit: 'ms' },
      {
        suite: 'follow',
        case: label,
        metric: `tick with 1 new object (${mb} MB, ${found.rows} rows)`,
        value: Math.round(found.ms),
        unit: 'ms',
        note: `list+download+import+score+flagged; of which ${split}`,
      },
      { suite: 'follow', case: label, metric: 'full rescore / tick', value: Number((fullMs / found.ms).toFixed(1)), unit: '×' },
      {
        suite: 'follow',
        case: label,
        metric: 'unchanged tick',
        value: Math.round(quiet.ms),
        unit: 'ms',
        note: `${quiet.listings} LIST (1 prefix × 2 hours), ${quiet.downloaded} downloads`,
      },
    ];
  } finally {
    await app.close();
    await server.stop();
    for (const [k, v] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(dir, { recursive: true, force: true });
  }
}
