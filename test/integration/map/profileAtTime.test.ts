import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { importPath } from '../../../electron/lake/import.ts';
import type { DensityGrid, MapExtent, MapFilter, SelectedPlayer } from '../../../shared/api/map.ts';

/**
 * The map's class and level filters match the profile in force when each event happened, on a tiny
 * hand-made lake:
 *  - 101 is a level-10 warrior from 06:00 and levels up to 50 at 12:00; one event at 05:30 comes before
 *    their first profile row (it takes the earliest profile, level 10), one lands exactly on 12:00
 *    (the new level applies). Before the level-up they play at x = 100, after it at x = 900.
 *  - 102 is a level-30 warrior who becomes a level-31 mage at 12:00.
 *  - 103 has two rows at the same instant (levels 5 and 7): level 7 is in force, as in `userprofile`.
 *  - 104 has no profile at all: shown unfiltered, never by a class or level filter.
 */
const DAY = '2018-10-12';
const profile = (pidx: number, uclass: string, ulevel: number, time: string) => JSON.stringify({ pidx, uclass, ulevel, utimestamp: `${DAY} ${time}` });
let idx = 0;
const event = (pidx: number, x: number, time: string) =>
  JSON.stringify({ posnewx: x, posnewy: 500, posnewz: 0, posoldx: x - 1, posoldy: 500, posoldz: 0, pidx, idx: ++idx, action: 0, createdate: `${DAY} ${time}` });
const times = (n: number, hour: string) => Array.from({ length: n }, (_, i) => `${hour}:${String(i).padStart(2, '0')}:00`);

const USERLOG = [
  profile(101, 'warrior', 10, '06:00:00'),
  profile(101, 'warrior', 50, '12:00:00'),
  profile(102, 'warrior', 30, '06:00:00'),
  profile(102, 'mage', 31, '12:00:00'),
  profile(103, 'healer', 5, '06:00:00'),
  profile(103, 'healer', 7, '06:00:00'),
];
const PLAYLOG = [
  event(101, 100, '05:30:00'),
  ...times(3, '08').map((t) => event(101, 100, t)),
  event(101, 900, '12:00:00'),
  ...times(4, '14').map((t) => event(101, 900, t)),
  ...times(2, '09').map((t) => event(102, 300, t)),
  ...times(3, '13').map((t) => event(102, 700, t)),
  ...times(2, '07').map((t) => event(103, 500, t)),
  event(104, 500, '07:30:00'),
];

let dir: string;
let app: App;

async function call<T>(method: string, req: unknown): Promise<T> {
  const env = await app.router.call(method, req);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as T;
}

/** Two bins across the map: x < 500 (101 before the level-up) and x ≥ 500. */
const grid = (f: MapFilter) => call<DensityGrid>('map.density', { x0: 0, x1: 1000, y0: 0, y1: 1000, nx: 2, ny: 1, ...f });
const select = async (f: MapFilter) =>
  Object.fromEntries((await call<SelectedPlayer[]>('map.select', { x0: 0, x1: 1000, y0: 0, y1: 1000, ...f })).map((p) => [p.pidx, p.rows]));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-map-level-'));
  process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
  const lake = join(dir, 'lake');
  for (const [stream, lines] of [
    ['userlog', USERLOG],
    ['playlog', PLAYLOG],
  ] as const) {
    const folder = join(lake, stream, '2018/10/12/05');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `${stream}-1-2018-10-12-05-00-00-fixture`), lines.join('\n') + '\n');
  }
  app = await createApp(join(dir, 'ws.duckdb'), () => {});
  await importPath(app.services.ws, lake);
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('map filters use the profile at event time', () => {
  it('leaves the unfiltered map and the time filter alone', async () => {
    const all = await grid({});
    expect(all.total).toBe(PLAYLOG.length);
    expect([...all.counts]).toEqual([4 + 2, 5 + 3 + 2 + 1]);
    expect((await grid({ from: Date.parse(`${DAY}T12:00:00Z`) })).total).toBe(5 + 3);
    expect(await select({})).toEqual({ 101: 9, 102: 5, 103: 2, 104: 1 });
  });

  it('level band 1–20 keeps events before the level-up and drops those after; 40–60 the reverse', async () => {
    const low = await grid({ levelMin: 1, levelMax: 20 });
    expect([...low.counts]).toEqual([4, 2]); // 101 before 12:00 (incl. 05:30, before any profile row); 103 at level 7
    expect(await select({ levelMin: 1, levelMax: 20 })).toEqual({ 101: 4, 103: 2 });
    const high = await grid({ levelMin: 40, levelMax: 60 });
    expect([...high.counts]).toEqual([0, 5]); // 101 from 12:00 on, the event exactly at 12:00 included
    expect(await select({ levelMin: 40, levelMax: 60 })).toEqual({ 101: 5 });
    expect((await grid({ levelMin: 40 })).total).toBe(5);
    expect((await grid({ levelMax: 20 })).total).toBe(6);
  });

  it('a class change splits the player the same way', async () => {
    expect(await select({ uclass: 'mage' })).toEqual({ 102: 3 });
    expect(await select({ uclass: 'warrior' })).toEqual({ 101: 9, 102: 2 });
    expect(await select({ uclass: 'warrior', levelMin: 25, levelMax: 35 })).toEqual({ 102: 2 });
    expect(await select({ uclass: 'mage', from: Date.parse(`${DAY}T13:01:00Z`) })).toEqual({ 102: 2 });
  });

  it('breaks same-instant profile rows as userprofile does, and never matches a player without a profile', async () => {
    expect(await select({ levelMin: 5, levelMax: 6 })).toEqual({});
    expect(await select({ levelMin: 7, levelMax: 7 })).toEqual({ 103: 2 });
    expect(await select({ levelMin: 0, levelMax: 1000 })).toEqual({ 101: 9, 102: 5, 103: 2 });
  });

  it('offers every class and level held at some time, not only the current ones', async () => {
    const extent = await call<MapExtent>('map.extent', {});
    expect(extent.classes).toEqual(['healer', 'mage', 'warrior']);
    expect(extent.levelMin).toBeLessThanOrEqual(10);
    expect(extent.levelMax).toBe(50);
  });
});
