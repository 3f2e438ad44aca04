import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, type GenerateResult } from '../../../electron/lake/generate/index.ts';
import { parsePartition } from '../../../electron/lake/layout.ts';

let dir: string;

async function listing(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

async function digest(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of await listing(root)) hash.update(rel).update(await readFile(join(root, rel)));
  return hash.digest('hex');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-lake-gen-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo generator on disk', () => {
  let result: GenerateResult;
  const opts = { players: 120, rows: 40_000, days: 2, seed: 21, gzip: true };

  beforeAll(async () => {
    result = await generateDemo({ out: join(dir, 'a'), ...opts });
  });

  it('writes the same bytes for the same seed, and different ones for another seed', async () => {
    await generateDemo({ out: join(dir, 'b'), ...opts });
    await generateDemo({ out: join(dir, 'c'), ...opts, seed: 22 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => digest(join(dir, d))));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('lays objects out as Firehose does: hour folders of the oldest arrival, versioned names, gzip', async () => {
    const files = await listing(join(dir, 'a'));
    const objects = files.filter((f) => f !== 'labels.csv');
    expect(objects).toHaveLength(result.files);
    for (const f of objects)
      expect(f).toMatch(/^(playlog|userlog)\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/(playlog|userlog)-[12]-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/);
    // The stream is reconfigured half way: both delivery-stream versions appear.
    expect(new Set(objects.map((f) => f.split('/').at(-1)!.split('-')[1]))).toEqual(new Set(['1', '2']));
    // Every record arrived in its folder's hour or before it was flushed: event time ≤ the object's arrival stamp.
    for (const f of objects.filter((o) => o.startsWith('playlog/')).slice(0, 20)) {
      const text = gunzipSync(await readFile(join(dir, 'a', f))).toString('utf8');
      const first = JSON.parse(text.slice(0, text.indexOf('\n')));
      const stamp = f.split('/').at(-1)!.split('-').slice(2, 8).map(Number);
      const arrival = Date.UTC(stamp[0], stamp[1] - 1, stamp[2], stamp[3], stamp[4], stamp[5]);
      const event = Date.parse(first.createdate.replace(' ', 'T').slice(0, 23) + 'Z');
      expect(arrival - event).toBeGreaterThanOrEqual(0);
      expect(arrival - event).toBeLessThan(60_000);
      expect(parsePartition(f)).toEqual({ year: stamp[0], month: stamp[1], day: stamp[2], hour: stamp[3] });
    }
  });

  it('writes lab-shaped records, and the ground truth only to labels.csv', async () => {
    const first = (await listing(join(dir, 'a'))).find((f) => f.startsWith('playlog/'))!;
    const line = gunzipSync(await readFile(join(dir, 'a', first)))
      .toString('utf8')
      .split('\n')[0];
    const record = JSON.parse(line);
    expect(Object.keys(record)).toEqual(['posnewx', 'posnewy', 'posnewz', 'posoldx', 'posoldy', 'posoldz', 'pidx', 'idx', 'action', 'createdate']);
    expect(record.posnewz).toBe(0);
    expect(record.createdate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(line).not.toMatch(/behaviour|redzone|teleport|speedhack|noclip|bot"/);
    const labels = await readFile(join(dir, 'a', 'labels.csv'), 'utf8');
    expect(labels).toBe(['pidx,behaviour', ...result.labels.map((l) => `${l.pidx},${l.behaviour}`)].join('\r\n') + '\r\n');
    expect(result.labels).toHaveLength(5); // issue #18: five behaviours (noclip and bot added), one player each at this size
  });
});
