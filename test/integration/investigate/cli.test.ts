import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/api/app.ts';
import type { CliIO } from '../../../electron/cli/command.ts';
import { exportBansCommand } from '../../../electron/cli/commands/exportBans.ts';
import { flaggedCommand } from '../../../electron/cli/commands/flagged.ts';
import { scoreCommand } from '../../../electron/cli/commands/score.ts';
import { verdictCommand } from '../../../electron/cli/commands/verdict.ts';
import { generateDemo } from '../../../electron/lake/generate/index.ts';
import { importPath } from '../../../electron/lake/import.ts';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('CLI: score --workspace, flagged, verdict, export-bans', () => {
  let dir: string;
  let ws: string;
  let teleporter: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-inv-cli-'));
    process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
    const { labels } = await generateDemo({ out: join(dir, 'demo'), players: 60, rows: 30_000, days: 1, seed: 1 });
    teleporter = labels.find((l) => l.behaviour === 'teleport')!.pidx;
    ws = join(dir, 'lab.duckdb');
    const app = await createApp(ws, () => {});
    await importPath(app.services.ws, join(dir, 'demo'));
    await app.close();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('records a verdict and exports it before any scoring run, score columns empty', async () => {
    const io = capture();
    expect(await verdictCommand.run(['--workspace', ws, '--pidx', String(teleporter), '--verdict', 'ban', '--note', '+SUM(A1:A9)', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout[0])).toMatchObject({ pidx: teleporter, verdict: 'ban', note: '+SUM(A1:A9)', runId: null });
    const out = join(dir, 'bans0.csv');
    expect(await exportBansCommand.run(['--workspace', ws, '--out', out], capture())).toBe(0);
    const lines = (await readFile(out, 'utf8')).split('\r\n');
    expect(lines[1]).toMatch(new RegExp(`^${teleporter},\\w+,\\d+,ban,teleported \\d+× \\(longest step [\\d.]+\\),,,[^,]+,[^,]+,'\\+SUM\\(A1:A9\\),,`));
  });

  it('scores the workspace and prints the run', async () => {
    const io = capture();
    expect(
      await scoreCommand.run(['--workspace', ws, '--features', 'movement', '--trees', '30', '--samples', '128', '--cutoff', 'mean+3sd', '--json'], io),
    ).toBe(0);
    const run = JSON.parse(io.stdout[0]);
    expect(run).toMatchObject({
      id: 1,
      features: 'movement',
      featureColumns: ['x', 'y', 'step', 'dt_seconds'],
      trees: 30,
      samples: 128,
      cutoff: 'mean+3sd',
      rows: 30_000,
    });
    expect(io.stderr.some((l) => l.includes('scoring'))).toBe(true);
    const human = capture();
    expect(await scoreCommand.run(['--workspace', ws, '--trees', '10', '--samples', '32'], human)).toBe(0);
    expect(human.stdout[0]).toMatch(/^run 2: points \(posnewx, posnewy\), 10 trees × 32 samples, seed 0\n {2}30,000 rows scored/);
  });

  it('lists flagged players as JSON in ranking order, with the run and the verdict', async () => {
    const io = capture();
    expect(await flaggedCommand.run(['--workspace', ws, '--run', '1', '--limit', '3', '--json'], io)).toBe(0);
    const list = JSON.parse(io.stdout[0]);
    expect(list.run.id).toBe(1);
    expect(list.players).toHaveLength(3);
    expect(list.players.map((p: { rank: number }) => p.rank)).toEqual([1, 2, 3]);
    const t = list.players.find((p: { pidx: number }) => p.pidx === teleporter);
    expect(t).toMatchObject({ verdict: 'ban', flaggedBy: expect.stringMatching(/rules|both/) });
  });

  it('refuses bad input with one clear line', async () => {
    await expect(verdictCommand.run(['--workspace', ws, '--pidx', '5', '--verdict', 'maybe'], capture())).rejects.toThrow(/ban, false-positive, review/);
    await expect(verdictCommand.run(['--workspace', ws, '--pidx', '424242', '--verdict', 'ban'], capture())).rejects.toThrow(/NOT_FOUND: no player 424242/);
    await expect(flaggedCommand.run(['--workspace', ws, '--run', '99'], capture())).rejects.toThrow(/no scoring run 99/);
    await expect(scoreCommand.run(['--workspace', ws, '--features', 'speed'], capture())).rejects.toThrow(/points or movement/);
    await expect(exportBansCommand.run(['--workspace', ws], capture())).rejects.toThrow(/--out/);
  });
});
