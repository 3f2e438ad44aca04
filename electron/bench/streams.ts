import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamRun, Threshold } from '../../shared/api/streams.ts';
import { streamsSchema } from '../streams/schema.ts';
import { StreamsService } from '../streams/service.ts';
import { openWorkspace } from '../workspace/workspace.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const SUITE = 'streams';

/**
 * Issue #12's speed target: a per-player stream (2,000 keys × 432 one-minute windows = 864,000 windows,
 * two measures) scored by Streams with the thresholded detector and with a fixed cut-off (plain
 * streaming RCF), side by side in one run: what detection adds to streaming scoring time.
 */
export async function benchStreams(opts: BenchOptions): Promise<BenchRow[]> {
  const keys = opts.quick ? 200 : 2000;
  const windows = 432;
  const dir = await mkdtemp(join(tmpdir(), 'rz-bench-streams-'));
  const ws = await openWorkspace(join(dir, 'ws.duckdb'), [streamsSchema]);
  try {
    // One row per player and minute: events and distance moved, with a daily-ish rhythm and noise.
    await ws.db.run(`CREATE TABLE player_minutes AS
      SELECT k AS pidx, TIMESTAMP '2024-05-06 00:00:00' + to_seconds(60 * w) AS ts,
        CAST(round(20 + 8 * sin(w / 40.0 + k) + 4 * random()) AS INTEGER) AS events, 50 + 30 * random() AS distance
      FROM range(${keys}) t(k), range(${windows}) u(w)`);
    const streams = new StreamsService(ws);
    await streams.define({
      name: 'players',
      sourceTable: 'player_minutes',
      timeColumn: 'ts',
      window: '1min',
      keyColumn: 'pidx',
      measures: [
        { name: 'events', kind: 'sum', column: 'events' },
        { name: 'distance', kind: 'sum', column: 'distance' },
      ],
    });
    const time = async (threshold: Threshold): Promise<{ ms: number; run: StreamRun }> => {
      const t = performance.now();
      const run = await streams.score('players', { threshold });
      return { ms: performance.now() - t, run };
    };
    await time({ kind: 'score', value: 2.5 }); // warm-up: the measure query and workers
    const plain = await time({ kind: 'score', value: 2.5 });
    const detector = await time({ kind: 'detector' });
    const c = `${keys.toLocaleString('en-US')} keys × ${windows} windows`;
    return [
      {
        suite: SUITE,
        case: c,
        metric: 'plain streaming scoring',
        value: plain.ms / 1000,
        unit: 's',
        note: `${plain.run.windows.toLocaleString('en-US')} windows, ${plain.run.alerts} windows ≥ 2.5`,
      },
      { suite: SUITE, case: c, metric: 'detector scoring', value: detector.ms / 1000, unit: 's', note: `${detector.run.alerts} incidents` },
      { suite: SUITE, case: c, metric: 'detector time / plain streaming scoring', value: detector.ms / plain.ms, unit: 'ratio', note: 'target ≤ 1.25' },
    ];
  } finally {
    ws.close();
    await rm(dir, { recursive: true, force: true });
  }
}
