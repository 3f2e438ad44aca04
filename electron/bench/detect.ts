import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Evaluation } from '../../shared/api/investigate.ts';
import type { JobInfo } from '../../shared/api/jobs.ts';
import type { ScoreRequest, ScoringRun } from '../../shared/api/scoring.ts';
import { createApp, type App } from '../api/app.ts';
import { evaluateRanking } from '../investigate/evaluate.ts';
import { flaggedPlayers } from '../investigate/flagged.ts';
import { saveZone } from '../investigate/zones.ts';
import { generateDemo, type WorldName } from '../lake/generate/index.ts';
import { importPath } from '../lake/import.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const SUITE = 'detect';

async function score(app: App, req: ScoreRequest): Promise<{ run: ScoringRun; ms: number }> {
  const started = performance.now();
  const env = await app.router.call('scoring.start', req);
  if (!env.ok) throw new Error(env.error.message);
  const end = await app.services.jobs.wait((env.value as JobInfo).id);
  if (end.state !== 'done') throw new Error(end.error?.message ?? end.state);
  return { run: end.result as ScoringRun, ms: performance.now() - started };
}

function rows(c: string, ev: Evaluation, method: string): BenchRow[] {
  const out: BenchRow[] = [
    { suite: SUITE, case: c, metric: `${method} precision@N`, value: ev.precisionAtN, unit: 'ratio', note: `N = ${ev.n} labelled` },
    { suite: SUITE, case: c, metric: `${method} recall`, value: ev.recall, unit: 'ratio' },
    { suite: SUITE, case: c, metric: `${method} average precision`, value: ev.averagePrecision, unit: 'ratio' },
    { suite: SUITE, case: c, metric: `${method} flagged`, value: ev.flagged, unit: 'players', note: `≤ ${1.5 * ev.n} wanted` },
  ];
  for (const b of ev.behaviours) out.push({ suite: SUITE, case: c, metric: `${method} found ${b.behaviour}`, value: b.found, unit: `of ${b.labelled}` });
  return out;
}

/**
 * Issue #18's figures per world: Redzone's default scoring (row forest for evidence, profiles, learned
 * rules, player forest; `score` with no options) beside the lab's own method (RCF on x, y at 200 trees
 * × 1000 samples, cut-off mean + 1.5σ, players ranked by their highest row score, flagged with any
 * row above the cut-off), on the same generated lake; plus what the player stage costs next to the row
 * scoring it follows, and how long the flagged list takes.
 */
export async function benchDetect(opts: BenchOptions): Promise<BenchRow[]> {
  const players = opts.quick ? 700 : 2000;
  const total = opts.quick ? 200_000 : 1_000_000;
  const out: BenchRow[] = [];
  for (const world of ['lab', 'continent'] as WorldName[]) {
    const dir = await mkdtemp(join(tmpdir(), 'rz-bench-detect-'));
    process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
    const c = `${world} ${players.toLocaleString('en-US')} players, ${total.toLocaleString('en-US')} rows`;
    try {
      const g = await generateDemo({ out: join(dir, 'demo'), players, rows: total, days: 3, seed: 11, world });
      const labels = new Map(g.labels.map((l) => [l.pidx, l.behaviour as string]));
      const app = await createApp(join(dir, 'ws.duckdb'), () => {});
      try {
        await importPath(app.services.ws, join(dir, 'demo'));
        if (world !== 'lab') await saveZone(app.services.ws, { ...g.world.zone });
        const ours = await score(app, {});
        const t0 = performance.now();
        const list = await flaggedPlayers(app.services.ws);
        const flaggedMs = performance.now() - t0;
        out.push(...rows(c, evaluateRanking(list.players, labels, ours.run.id), 'redzone'));
        // What the player stage cost beside the row scoring it followed (rz_player_run_meta records it).
        const stageRow = async (run: ScoringRun, metric: string, what: string): Promise<BenchRow> => {
          const ms = Number((await app.services.ws.db.runAndReadAll('SELECT elapsed_ms FROM rz_player_run_meta WHERE run_id = $1', [run.id])).getRows()[0][0]);
          const note = `${(ms / 1000).toFixed(1)} s ${what} after ${(run.elapsedMs / 1000).toFixed(1)} s row scoring (T100/S256 points)`;
          return { suite: SUITE, case: c, metric, value: ms / run.elapsedMs, unit: 'ratio', note };
        };
        out.push(await stageRow(ours.run, 'player stage / row scoring', 'profiles+rules+player forest'));
        out.push({ suite: SUITE, case: c, metric: 'flagged list', value: flaggedMs, unit: 'ms', note: `${list.players.length} players listed` });
        // The profile table is the data's, not the run's: a second run on the same play log reuses it.
        const again = await score(app, {});
        out.push(await stageRow(again.run, 'player stage / row scoring, profiles current', 'player forest (a rescore of an unchanged play log)'));
        // The lab's method, on the same lake.
        const lab = await score(app, { features: 'points', trees: 200, samples: 1000, cutoff: 'mean+1.5sd' });
        const ranked = (
          await app.services.ws.db.runAndReadAll(
            'SELECT pidx, max(score) >= $2 AS flagged FROM rz_score WHERE run_id = $1 GROUP BY pidx ORDER BY max(score) DESC, pidx',
            [lab.run.id, lab.run.cutoffValue],
          )
        )
          .getRows()
          .map((r) => ({ pidx: Number(r[0]), flaggedBy: r[1] ? 'forest' : 'none' }) as const);
        out.push(...rows(c, evaluateRanking(ranked, labels, lab.run.id), 'lab'));
      } finally {
        await app.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return out;
}
