import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Zone } from '../../../shared/api/investigate.ts';
import type { RarePlaces, ZoneSuggestion } from '../../../shared/api/map.ts';
import { zonesCommand } from '../../../electron/cli/commands/zones.ts';
import { numberValues } from '../../../shared/api/columns.ts';
import { demoApp, type DemoApp } from '../investigate/demoWorkspace.ts';

/**
 * Issue #18.5 on both world presets at the demo's shape (300 players, 300,000 rows, default seed): with
 * no zone declared (the lab's seeded red zone removed), the top suggested zone overlaps the generator's
 * true forbidden zone and there are at most five suggestions; once accepted (investigate.saveZone) it is
 * no longer suggested. Not yet robust at every seed (measured at seeds 2 and 3): on the continent at
 * seed 2 the zone walker's only private patch lies outside the zone; at seed 3 on both worlds the top
 * patches are an honest player's remote corner or a noclip cheater's, and the walker's is not found.
 */
const CASES = [
  { world: 'lab', seed: 1 },
  { world: 'continent', seed: 1 },
] as const;

const overlaps = (a: { x0: number; x1: number; y0: number; y1: number }, b: typeof a) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

describe.each(CASES)('rare places on the $world world, seed $seed', ({ world, seed }) => {
  let demo: DemoApp;
  const call = async <T>(method: string, args: unknown): Promise<T> => {
    const env = await demo.app.router.call(method as never, args as never);
    if (!env.ok) throw new Error(env.error.message);
    return env.value as T;
  };
  beforeAll(async () => {
    demo = await demoApp({ players: 300, rows: 300_000, days: 3, seed, world });
    for (const z of await call<Zone[]>('investigate.zones', {})) await call('investigate.deleteZone', { id: z.id });
  }, 120_000);
  afterAll(() => demo.close());

  it('suggests the true zone first, among at most five; accepting it takes it off the list', async () => {
    const r = await call<RarePlaces>('map.rarePlaces', {});
    expect(r.grid).not.toBeNull();
    const players = numberValues(r.cells.columns.find((c) => c.name === 'players')!);
    expect(r.cells.rowCount).toBeGreaterThan(0);
    expect(Math.max(...players)).toBeLessThanOrEqual(r.grid!.rarePlayers);
    console.info(`rare ${world} seed ${seed}: ${r.cells.rowCount} rare cells, ${r.suggestions.length} suggestions; top ${JSON.stringify(r.suggestions[0])}`);
    expect(r.suggestions.length).toBeGreaterThan(0);
    expect(r.suggestions.length).toBeLessThanOrEqual(5);
    const top = r.suggestions[0];
    expect(overlaps(top, demo.zone)).toBe(true);
    // The patch's players are the world's zone walkers.
    expect(top.players.some((p) => demo.labels.get(p) === 'redzone')).toBe(true);
    expect(top.reason).toMatch(/dwelt \d+ rows over \d+ rare cells; cells around: ~\d+ players/);

    await call('investigate.saveZone', { name: 'Suggested', x0: top.x0, x1: top.x1, y0: top.y0, y1: top.y1 });
    const after = await call<RarePlaces>('map.rarePlaces', {});
    expect(after.suggestions.some((s) => overlaps(s, demo.zone) && s.players.some((p) => top.players.includes(p)))).toBe(false);
  });
});

describe('zones suggest (CLI)', () => {
  let demo: DemoApp;
  let ws: string;
  const run = async (...argv: string[]) => {
    const stdout: string[] = [];
    const code = await zonesCommand.run([...argv, '--workspace', ws], { out: (t) => stdout.push(t), err: () => {} });
    return { code, text: stdout.join('\n') };
  };
  beforeAll(async () => {
    demo = await demoApp({ players: 300, rows: 300_000, days: 3, seed: 1, world: 'lab' });
    ws = demo.app.services.ws.path;
    await demo.app.close(); // the CLI opens the workspace itself
  }, 120_000);
  afterAll(() => rm(demo.dir, { recursive: true, force: true }));

  it('leaves out the declared red zone, suggests it once removed, in text and JSON', async () => {
    const declared = JSON.parse((await run('suggest', '--json')).text) as ZoneSuggestion[];
    expect(declared.length).toBeLessThanOrEqual(5);
    expect(declared.some((s) => overlaps(s, demo.zone) && s.x0 >= demo.zone.x0 && s.x1 <= demo.zone.x1 && s.y0 >= demo.zone.y0 && s.y1 <= demo.zone.y1)).toBe(
      false,
    );
    expect((await run('remove', '--id', '1')).code).toBe(0);
    const free = JSON.parse((await run('suggest', '--json')).text) as ZoneSuggestion[];
    expect(free.length).toBeGreaterThan(0);
    expect(overlaps(free[0], demo.zone)).toBe(true);
    const text = await run('suggest');
    expect(text.code).toBe(0);
    expect(text.text.split('\n')[0]).toBe(`1. x ${free[0].x0}–${free[0].x1}, y ${free[0].y0}–${free[0].y1}: ${free[0].reason}`);
  });
});
