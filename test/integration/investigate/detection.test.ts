import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../../shared/api/investigate.ts';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { CliIO } from '../../../electron/cli/command.ts';
import { evaluateCommand } from '../../../electron/cli/commands/evaluate.ts';
import { flaggedCommand } from '../../../electron/cli/commands/flagged.ts';
import { rulesCommand } from '../../../electron/cli/commands/rules.ts';
import { zonesCommand } from '../../../electron/cli/commands/zones.ts';
import { demoApp, type DemoApp } from './demoWorkspace.ts';

/**
 * Issue #18's acceptance: on the lab world and on the continent (another scale, float positions, roads,
 * its own zone declared with `zones add` and nothing else tuned), at two seeds, the default scoring
 * (`score` with no options: row forest, profiles, learned rules, player forest) puts labelled cheaters
 * into ≥ 95% of the top N, flags ≥ 95% of them and at most 1.5 N players, and finds every behaviour.
 */
function capture(): CliIO & { stdout: string[] } {
  const stdout: string[] = [];
  return { stdout, out: (t) => stdout.push(t), err: () => {} };
}

const CASES = [
  { world: 'lab', seed: 1 },
  { world: 'continent', seed: 1 },
  { world: 'lab', seed: 2 },
  { world: 'continent', seed: 2 },
] as const;

describe.each(CASES)('detection on the $world world, seed $seed', ({ world, seed }) => {
  let demo: DemoApp;
  let ws: string;
  beforeAll(async () => {
    demo = await demoApp({ players: 700, rows: 200_000, days: 3, seed, world });
    ws = demo.app.services.ws.path;
    await demo.app.close(); // the CLI opens the workspace itself, as an analyst would
    if (world !== 'lab') {
      const z = demo.zone;
      const io = capture();
      expect(
        await zonesCommand.run(
          ['add', '--workspace', ws, '--name', z.name, '--x0', String(z.x0), '--x1', String(z.x1), '--y0', String(z.y0), '--y1', String(z.y1), '--json'],
          io,
        ),
      ).toBe(0);
      expect(JSON.parse(io.stdout[0])).toMatchObject({ name: z.name, x0: z.x0 });
    }
    const { createApp } = await import('../../../electron/api/app.ts');
    const app = await createApp(ws, () => {});
    try {
      const env = await app.router.call('scoring.start', {});
      if (!env.ok) throw new Error(env.error.message);
      const end = await app.services.jobs.wait((env.value as JobInfo).id);
      if (end.state !== 'done') throw new Error(end.error?.message ?? end.state);
    } finally {
      await app.close();
    }
  }, 120_000);
  afterAll(() => demo.close());

  it('precision@N ≥ 0.95, recall ≥ 0.95, flagged ≤ 1.5 N, every behaviour found (evaluate --labels)', async () => {
    const io = capture();
    expect(await evaluateCommand.run(['--workspace', ws, '--labels', join(demo.dir, 'demo', 'labels.csv'), '--json'], io)).toBe(0);
    const ev = JSON.parse(io.stdout[0]) as Evaluation;
    console.info(
      `detect ${world} seed ${seed}: N ${ev.n}, flagged ${ev.flagged}, precision@N ${ev.precisionAtN}, recall ${ev.recall}, AP ${ev.averagePrecision.toFixed(3)}`,
    );
    expect(ev.n).toBe(demo.labels.size);
    expect(ev.precisionAtN).toBeGreaterThanOrEqual(0.95);
    expect(ev.recall).toBeGreaterThanOrEqual(0.95);
    expect(ev.flagged).toBeLessThanOrEqual(1.5 * ev.n);
    expect(ev.behaviours.map((b) => b.behaviour)).toEqual(['bot', 'noclip', 'redzone', 'speedhack', 'teleport']);
    for (const b of ev.behaviours) expect(b.found, `${b.behaviour} missed ${b.missed}`).toBeGreaterThan(0);
  });

  it('learns the rules from the data: no honest player breaks them, the scale follows the world', async () => {
    const io = capture();
    expect(await rulesCommand.run(['show', '--workspace', ws, '--json'], io)).toBe(0);
    const s = JSON.parse(io.stdout[0]);
    expect(s.overrides).toEqual([]);
    expect(s.learned.players).toBeGreaterThan(600);
    // Honest steps are 1–6 map units in the lab and 8× that on the continent.
    const scale = world === 'lab' ? 1 : 8;
    expect(s.maxSpeed).toBeGreaterThan(6.5 * scale);
    expect(s.maxSpeed).toBeLessThan(12 * scale);
    expect(s.teleportStep).toBeGreaterThan((15 * s.maxSpeed) / 1.25 / 2);
    const fl = capture();
    expect(await flaggedCommand.run(['--workspace', ws, '--json'], fl)).toBe(0);
    const list = JSON.parse(fl.stdout[0]);
    const ruleFlagged = list.players.filter((p: { flaggedBy: string }) => p.flaggedBy === 'rules' || p.flaggedBy === 'both');
    for (const p of ruleFlagged) expect(demo.labels.has(p.pidx), `player ${p.pidx} flagged by rules: ${p.reasons}`).toBe(true);
    for (const p of list.players) {
      expect(Number.isFinite(p.playerScore)).toBe(true);
      expect(p.topReason).toBe(p.reasons[0]);
    }
  });
});
