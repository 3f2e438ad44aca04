import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoKind } from '../../../shared/api/streams.ts';
import { resolveForest } from '../../../electron/streams/definition.ts';
import { readLabels } from '../../../electron/streams/generate/index.ts';
import { streamsSchema } from '../../../electron/streams/schema.ts';
import { StreamsService } from '../../../electron/streams/service.ts';
import { scoreKeyStream } from '../../../electron/streams/streamScore.ts';
import { scoreStats } from '../../../electron/streams/threshold.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

let dir: string;
let ws: Workspace;
let streams: StreamsService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-streams-acc-'));
  ws = await openWorkspace(join(dir, 'ws.duckdb'), [streamsSchema]);
  streams = new StreamsService(ws);
});
afterAll(async () => {
  ws.close();
  await rm(dir, { recursive: true, force: true });
});

describe('demo streams at the default threshold', () => {
  it.each<DemoKind>(['toll', 'clickstream', 'series'])('%s: every planted window alerts, fewer than 1 in 100 of the others do', async (kind) => {
    const demo = await streams.loadDemo(kind);
    expect(demo.import.quarantined).toBe(0);
    const run = await streams.score(demo.suggested.name);
    expect(run.threshold).toEqual({ kind: 'score', value: 2.5 });
    const { alerts } = await streams.alerts(run.id);
    const labels = await readLabels(demo.labelsPath);
    expect(labels.length).toBeGreaterThan(0);
    const planted = (a: { key: string; windowStart: number }) => labels.some((l) => l.key === a.key && l.windowStart === a.windowStart);
    for (const l of labels) expect(alerts.find((a) => a.key === l.key && a.windowStart === l.windowStart), `${l.kind} at ${l.key} ${new Date(l.windowStart).toISOString()}`).toBeDefined();
    const falseAlerts = alerts.filter((a) => !planted(a)).length;
    expect(falseAlerts / (run.windows - labels.length)).toBeLessThan(0.01);
  });
});

describe('AWS reference series (streaming, shingle 48)', () => {
  it('scores each of the five injected anomalies above mean + 3σ within its span or the 48 windows after', async () => {
    const fixtures = resolve(import.meta.dirname, '../../fixtures/rcf-reference');
    const values = (await readFile(join(fixtures, 'series.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    const anomalies = (await readFile(join(fixtures, 'series_anomalies.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const span: Record<string, number> = { spike: 3, dip: 24, flat: 48, shift: 96 };
    const { scores } = scoreKeyStream(Float64Array.from(values), 1, resolveForest({ shingleSize: 48 }));
    const { mean, sd, count } = scoreStats(scores);
    expect(count).toBe(values.length - 64); // outputs after 64 windows, like the Java forest's ready flag
    expect(mean).toBeGreaterThan(0.7); // same scale as AWS's forest (mean 0.80 there)
    expect(mean).toBeLessThan(0.9);
    for (const [start, kind] of anomalies) {
      const from = Number(start);
      const worst = Math.max(...scores.subarray(from, from + span[kind] + 48));
      expect(worst, `${kind} at ${from}`).toBeGreaterThan(mean + 3 * sd);
    }
  });
});
