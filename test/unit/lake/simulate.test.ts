import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Simulation, type PlayEvent } from '../../../electron/lake/generate/simulate.ts';
import { inZone, RED_ZONE } from '../../../electron/lake/logs.ts';

const START = new Date('2018-10-10T00:00:00Z');

function run(seed: number, players = 300, rows = 150_000, days = 3, world: 'lab' | 'continent' = 'lab') {
  const sim = new Simulation({ players, rows, days, seed, start: START, world });
  const e: PlayEvent = { posnewx: 0, posnewy: 0, posnewz: 0, posoldx: 0, posoldy: 0, posoldz: 0, pidx: 0, idx: 0, action: 0, micros: 0 };
  const events: PlayEvent[] = [];
  const levels: { pidx: number; ulevel: number }[] = sim.initialProfiles().map((p) => ({ pidx: p.pidx, ulevel: p.ulevel }));
  while (sim.next(e)) {
    events.push({ ...e });
    const up = sim.takeProfile();
    if (up) levels.push({ pidx: up.pidx, ulevel: up.ulevel });
  }
  return { sim, events, levels };
}

describe('demo simulation', () => {
  const { sim, events, levels } = run(11);
  const label = new Map(sim.labels.map((l) => [l.pidx, l.behaviour]));
  const step = (e: PlayEvent) => Math.hypot(e.posnewx - e.posoldx, e.posnewy - e.posoldy);

  it('is deterministic per seed', () => {
    const digest = (evs: PlayEvent[]) => createHash('sha256').update(JSON.stringify(evs)).digest('hex');
    expect(digest(run(11, 50, 20_000).events)).toBe(digest(run(11, 50, 20_000).events));
    expect(digest(run(12, 50, 20_000).events)).not.toBe(digest(run(11, 50, 20_000).events));
  });

  it('produces exactly the rows asked for, in event-time order over the days, with increasing idx', () => {
    expect(events).toHaveLength(150_000);
    let disorder = 0;
    for (let i = 1; i < events.length; i++) if (events[i].micros < events[i - 1].micros || events[i].idx !== events[i - 1].idx + 1) disorder++;
    expect(disorder).toBe(0);
    expect(events.at(-1)!.micros - events[0].micros).toBeGreaterThan(2.9 * 86_400e6);
  });

  it("chains positions: a player's posold is its previous posnew", () => {
    const last = new Map<number, [number, number]>();
    let broken = 0;
    for (const e of events) {
      const prev = last.get(e.pidx);
      if (prev && (prev[0] !== e.posoldx || prev[1] !== e.posoldy)) broken++;
      last.set(e.pidx, [e.posnewx, e.posnewy]);
    }
    expect(broken).toBe(0);
  });

  it('labels about 1% of players, every behaviour represented, and only behaviour that showed', () => {
    expect(sim.labels).toHaveLength(5);
    expect(new Set(sim.labels.map((l) => l.behaviour))).toEqual(new Set(['redzone', 'teleport', 'speedhack', 'noclip', 'bot']));
    const big = new Simulation({ players: 20_043, rows: 0, days: 1, seed: 1, start: START });
    expect(big.planned.length).toBe(200);
    expect(big.labels.length).toBe(0); // no rows, nothing shown
  });

  it('makes bots machine-regular in a tight loop, in long sessions', () => {
    const bots = [...label].filter(([, b]) => b === 'bot').map(([p]) => p);
    for (const pidx of bots) {
      const own = events.filter((e) => e.pidx === pidx);
      const gaps = own
        .slice(1)
        .map((e, i) => (e.micros - own[i].micros) / 1e6)
        .filter((g) => g < 600);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
      expect(sd / mean).toBeLessThan(0.1);
      expect(new Set(own.map((e) => `${e.posnewx},${e.posnewy}`)).size).toBeLessThanOrEqual(7);
      expect(own.length).toBeGreaterThan(150_000 / 300);
    }
  });

  it('keeps honest players out of the red zone and their steps small', () => {
    const honest = events.filter((e) => !label.has(e.pidx));
    expect(honest.some((e) => inZone(RED_ZONE, e.posnewx, e.posnewy))).toBe(false);
    expect(honest.reduce((m, e) => Math.max(m, step(e)), 0)).toBeLessThanOrEqual(7.5);
    const moving = honest.filter((e) => e.action === 0).map(step);
    const mean = moving.reduce((s, v) => s + v, 0) / moving.length;
    expect(mean).toBeGreaterThan(2);
    expect(mean).toBeLessThan(5);
  });

  it('gives each abnormal player its labelled behaviour, and only part of the time', () => {
    for (const [pidx, behaviour] of label) {
      if (behaviour === 'bot') continue; // a bot is a bot all the time (above)
      const own = events.filter((e) => e.pidx === pidx);
      const inRed = own.filter((e) => inZone(RED_ZONE, e.posnewx, e.posnewy)).length;
      const jumps = own.filter((e) => step(e) > 250).length;
      const fast = own.filter((e) => step(e) > 12 && step(e) <= 250).length;
      const normal = own.filter((e) => step(e) <= 7.5 && !inZone(RED_ZONE, e.posnewx, e.posnewy)).length;
      expect(normal / own.length, `${behaviour} ${pidx} plays normally most of the time`).toBeGreaterThan(0.5);
      if (behaviour === 'redzone') expect(inRed).toBeGreaterThan(0);
      else expect(inRed).toBe(0);
      if (behaviour === 'teleport') expect(jumps).toBeGreaterThan(0);
      if (behaviour === 'speedhack') expect(fast).toBeGreaterThan(10);
    }
  });

  it('raises levels over time, never past 100', () => {
    const byPlayer = new Map<number, number>();
    for (const l of levels) {
      const before = byPlayer.get(l.pidx);
      if (before !== undefined) expect(l.ulevel).toBe(before + 1);
      byPlayer.set(l.pidx, l.ulevel);
    }
    expect(levels.length - 300).toBeGreaterThan(1000);
    expect(levels.reduce((m, l) => Math.max(m, l.ulevel), 0)).toBeLessThanOrEqual(100);
  });
});

describe('continent world', () => {
  const { sim, events } = run(5, 300, 100_000, 3, 'continent');
  const label = new Map(sim.labels.map((l) => [l.pidx, l.behaviour]));
  const zone = sim.world.zone;

  it('has float positions, terrain z, a larger scale, and keeps honest players out of its zone', () => {
    const honest = events.filter((e) => !label.has(e.pidx));
    expect(honest.some((e) => !Number.isInteger(e.posnewx))).toBe(true);
    expect(new Set(honest.slice(0, 1000).map((e) => e.posnewz)).size).toBeGreaterThan(100);
    expect(honest.some((e) => inZone(zone, e.posnewx, e.posnewy))).toBe(false);
    const moving = honest.map((e) => Math.hypot(e.posnewx - e.posoldx, e.posnewy - e.posoldy)).filter((s) => s > 0);
    const mean = moving.reduce((s, v) => s + v, 0) / moving.length;
    expect(mean).toBeGreaterThan(15); // several times the lab's steps
    expect(sim.labels.length).toBeGreaterThanOrEqual(5);
    for (const [pidx, behaviour] of label)
      if (behaviour === 'redzone') expect(events.some((e) => e.pidx === pidx && inZone(zone, e.posnewx, e.posnewy))).toBe(true);
  });
});
