import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoKind } from '../../../shared/api/streams.ts';
import { resolveForest } from '../../../electron/streams/definition.ts';
import { readLabels } from '../../../electron/streams/generate/index.ts';
import { checkLabels, covers, plantedEvents } from '../../../electron/streams/labels.ts';
import { streamsSchema } from '../../../electron/streams/schema.ts';
import { StreamsService } from '../../../electron/streams/service.ts';
import { scoreKeyStream } from '../../../electron/streams/streamScore.ts';
import { moments } from '../../../electron/rcf/index.ts';
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

describe('demo streams at the default threshold (the detector)', () => {
  it.each<DemoKind>(['toll', 'clickstream', 'series'])(
    '%s: every planted anomaly alerts, as one incident, and at most 0.2 percent of other windows do',
    async (kind) => {
      const demo = await streams.loadDemo(kind);
      expect(demo.import.quarantined).toBe(0);
      const run = await streams.score(demo.suggested.name);
      expect(run.threshold).toEqual({ kind: 'detector' });
      expect(run.detector).not.toBeNull();
      const { alerts } = await streams.alerts(run.id);
      expect(alerts.length).toBe(run.alerts);
      const labels = await readLabels(demo.labelsPath);
      const windowMs = run.definition.windowSeconds * 1000;
      const events = plantedEvents(labels, windowMs);
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        const covering = alerts.filter((a) => covers(a, e, windowMs, run.forest.shingleSize));
        expect(covering.length, `${e.kind} at ${e.key} ${new Date(e.start).toISOString()}`).toBe(1);
        // An incident says what the forest expected there, and it is not what happened.
        const [incident] = covering;
        expect(incident.grade).toBeGreaterThan(0);
        expect(incident.grade).toBeLessThanOrEqual(1);
        expect(Object.keys(incident.expected!)).toEqual(Object.keys(incident.measures));
        expect(Object.keys(incident.measures).some((m) => incident.measures[m] !== incident.expected![m])).toBe(true);
      }
      const check = checkLabels(alerts, labels, run.windows, windowMs, run.forest.shingleSize);
      expect(check).toMatchObject({ planted: events.length, plantedAlerting: events.length, plantedSplit: 0 });
      console.info(`${kind}: ${check.otherAlerts} of ${check.otherWindows} other windows alert`);
      expect(check.otherAlerts / check.otherWindows).toBeLessThanOrEqual(0.002);
    },
  );

  it('pages the swimlane by peak grade, saying how many keys there are', async () => {
    const demo = await streams.loadDemo('toll');
    const run = await streams.score(demo.suggested.name);
    const all = await streams.swimlane(run.id, 60, 50);
    expect(all).toMatchObject({ value: 'grade', offset: 0, totalKeys: 8 });
    expect(all.keys).toHaveLength(8);
    const sorted = [...all.worst].sort((a, b) => b - a);
    expect(all.worst).toEqual(sorted);
    const page = await streams.swimlane(run.id, 60, 3, 3);
    expect(page).toMatchObject({ offset: 3, totalKeys: 8, keys: all.keys.slice(3, 6) });
    const n = page.times.length;
    for (let k = 0; k < 3; k++) expect(Math.max(...Array.from(page.z.subarray(k * n, (k + 1) * n)).filter(Number.isFinite))).toBe(all.worst[3 + k]);
    // A fixed cut-off colours by score.
    const fixed = await streams.setThreshold(run.id, { kind: 'score', value: 2.5 });
    expect((await streams.swimlane(fixed.id)).value).toBe('score');
    // Deleting the stream takes its incidents with it.
    await streams.delete(run.stream);
    const left = await ws.db.runAndReadAll(`SELECT count(*) FROM rz_stream_incident WHERE run_id = $1`, [run.id]);
    expect(Number(left.getRows()[0][0])).toBe(0);
  });

  it('the Kinesis lab fixed cut-off (2.5) still finds every planted window', async () => {
    const demo = await streams.loadDemo('toll');
    const run = await streams.score(demo.suggested.name, { threshold: { kind: 'score', value: 2.5 } });
    const { alerts } = await streams.alerts(run.id);
    for (const l of await readLabels(demo.labelsPath)) expect(alerts.some((a) => a.key === l.key && a.windowStart === l.windowStart)).toBe(true);
  });
});

describe('AWS reference series (streaming, shingle 48)', () => {
  it('scores each of the five injected anomalies above mean + 3σ within its span or the 48 windows after', async () => {
    const fixtures = resolve(import.meta.dirname, '../../fixtures/rcf-reference');
    const values = (await readFile(join(fixtures, 'series.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[1]));
    const anomalies = (await readFile(join(fixtures, 'series_anomalies.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const span: Record<string, number> = { spike: 3, dip: 24, flat: 48, shift: 96 };
    const { scores } = scoreKeyStream(Float64Array.from(values), 1, resolveForest({ shingleSize: 48 }));
    const { mean, sd, count } = moments(scores);
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
