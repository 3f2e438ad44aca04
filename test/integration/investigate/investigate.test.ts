import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnBatch, JobInfo } from '../../../shared/api/index.ts';
import { cellValue } from '../../../shared/api/columns.ts';
import type { FlaggedPage, PlayerDetail, VerdictRecord, Zone } from '../../../shared/api/investigate.ts';
import type { DensityGrid, Overlay, SelectedPlayer } from '../../../shared/api/map.ts';
import type { ExportedFile } from '../../../shared/api/sql.ts';
import type { ScoringRun } from '../../../shared/api/scoring.ts';
import { join } from 'node:path';
import { importPath } from '../../../electron/lake/import.ts';
import { quoteLiteral } from '../../../electron/workspace/sqlText.ts';
import { demoApp, type DemoApp } from './demoWorkspace.ts';

let demo: DemoApp;

async function call<T>(method: string, req: unknown): Promise<T> {
  const env = await demo.app.router.call(method, req);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as T;
}

function rows(batch: ColumnBatch): Record<string, unknown>[] {
  return Array.from({ length: batch.rowCount }, (_, r) => Object.fromEntries(batch.columns.map((c) => [c.name, cellValue(c, r)])));
}

describe('investigation on a small demo data set', () => {
  let run: ScoringRun;
  beforeAll(async () => {
    demo = await demoApp({ players: 120, rows: 60_000, seed: 1, days: 1 });
  });
  afterAll(() => demo.close());

  it('flags and exports before any scoring run: rules only, score columns empty', async () => {
    const page = await call<FlaggedPage>('investigate.flagged', { offset: 0, limit: 100 });
    expect(page.summary.run).toBeNull();
    const listed = rows(page.batch);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((r) => r.flagged_by === 'rules' && r.max_score === null)).toBe(true);
    const pidx = Number(listed.find((r) => demo.labels.get(Number(r.pidx)) !== 'redzone')!.pidx);
    await call<VerdictRecord>('investigate.setVerdict', { pidx, verdict: 'ban', note: 'before scoring' });
    const file = await call<ExportedFile>('investigate.exportBans', {});
    const csv = await readFile(file.path, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('pidx,uclass,ulevel,verdict,reasons,max_score,anomalous_rows,first_seen,last_seen,note,run_id,exported_at');
    expect(csv.split('\r\n')[1]).toMatch(new RegExp(`^${pidx},\\w+,\\d+,ban,[^,]+,,,`));
  });

  it('scores as a job through the worker pool and lists the run', async () => {
    const job = await call<JobInfo<ScoringRun>>('scoring.start', { features: 'points', trees: 50, samples: 256 });
    const end = await demo.app.services.jobs.wait(job.id);
    expect(end.state, end.error?.message).toBe('done');
    run = end.result as ScoringRun;
    expect(run.rows).toBe(60_000);
    expect((await call<ScoringRun[]>('scoring.runs', {}))[0].id).toBe(run.id);
  });

  it('ranks labelled cheaters first, says who flagged them, and sorts and filters', async () => {
    const page = await call<FlaggedPage>('investigate.flagged', { offset: 0, limit: 1000 });
    expect(page.summary.run?.id).toBe(run.id);
    const listed = rows(page.batch);
    const top = listed.slice(0, demo.labels.size).map((r) => Number(r.pidx));
    expect(top.filter((p) => demo.labels.has(p)).length).toBe(demo.labels.size);
    expect(listed.map((r) => r.rank)).toEqual(listed.map((_, i) => i + 1));
    for (const r of listed) expect(['rules', 'forest', 'both', 'none']).toContain(r.flagged_by);
    const bySteps = rows((await call<FlaggedPage>('investigate.flagged', { offset: 0, limit: 1000, sort: 'longest_step', desc: true })).batch);
    expect(demo.labels.get(Number(bySteps[0].pidx))).toBe('teleport');
    const forestOnly = await call<FlaggedPage>('investigate.flagged', { offset: 0, limit: 1000, flaggedBy: 'forest' });
    expect(rows(forestOnly.batch).every((r) => r.flagged_by === 'forest')).toBe(true);
    const reCut = await call<FlaggedPage>('investigate.flagged', { offset: 0, limit: 1000, cutoff: 'top:10' });
    expect(reCut.summary.cutoffValue).toBeGreaterThan(page.summary.cutoffValue!);
  });

  it('bins the map in DuckDB at the asked resolution and overlays only anomalous points', async () => {
    const grid = await call<DensityGrid>('map.density', { x0: 0, x1: 1500, y0: 0, y1: 1000, nx: 150, ny: 100 });
    expect(grid.counts.length).toBe(15_000);
    expect(grid.total).toBe(60_000);
    const zoomed = await call<DensityGrid>('map.density', { x0: 1000, x1: 1200, y0: 0, y1: 400, nx: 40, ny: 80 });
    const inZone = Number(
      (
        await demo.app.services.ws.db.runAndReadAll('SELECT count(*) FROM playlog WHERE posnewx BETWEEN 1000 AND 1200 AND posnewy BETWEEN 0 AND 400')
      ).getRows()[0][0],
    );
    expect(zoomed.total).toBe(inZone);
    // Deeper than the cached cells (band-sorted positions), and filtered (the play log itself): same counts as SQL.
    const count = async (where: string) => Number((await demo.app.services.ws.db.runAndReadAll(`SELECT count(*) FROM playlog WHERE ${where}`)).getRows()[0][0]);
    const deep = await call<DensityGrid>('map.density', { x0: 300, x1: 360, y0: 500, y1: 540, nx: 300, ny: 200 });
    expect(deep.total).toBe(await count('posnewx BETWEEN 300 AND 360 AND posnewy BETWEEN 500 AND 540'));
    const mages = await call<DensityGrid>('map.density', { x0: 0, x1: 1500, y0: 0, y1: 1000, nx: 150, ny: 100, uclass: 'mage' });
    expect(mages.total).toBe(await count("pidx IN (SELECT pidx FROM userprofile WHERE uclass = 'mage')"));
    // A level band matches the level at event time: the rows DuckDB's ASOF join on the user log gives
    // (the earliest profile before a player's first row), not the players' current level.
    const atTime = (where: string) =>
      count(`row_id IN (SELECT p.row_id FROM playlog p ASOF LEFT JOIN userlog u ON u.pidx = p.pidx AND p.createdate >= u.utimestamp
        LEFT JOIN (SELECT pidx, arg_min(ulevel, utimestamp) AS first FROM userlog GROUP BY pidx) f ON f.pidx = p.pidx WHERE coalesce(u.ulevel, f.first) BETWEEN 40 AND 60) AND ${where}`);
    const band = await call<DensityGrid>('map.density', { x0: 0, x1: 1500, y0: 0, y1: 1000, nx: 150, ny: 100, levelMin: 40, levelMax: 60 });
    expect(band.total).toBe(await atTime('true'));
    expect(band.total).not.toBe(await count('pidx IN (SELECT pidx FROM userprofile WHERE ulevel BETWEEN 40 AND 60)'));
    const bandOverlay = await call<Overlay>('map.overlay', { limit: 100, levelMin: 40, levelMax: 60 });
    expect(bandOverlay.total).toBeGreaterThan(0);
    expect(bandOverlay.total).toBe(await atTime(`row_id IN (SELECT row_id FROM rz_score WHERE run_id = ${run.id} AND score >= ${bandOverlay.cutoffValue})`));
    const overlay = await call<Overlay>('map.overlay', { limit: 100 });
    expect(overlay.batch.rowCount).toBe(Math.min(100, overlay.total));
    const scores = rows(overlay.batch).map((r) => Number(r.score));
    expect(scores.every((s) => s >= overlay.cutoffValue!)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const picked = await call<SelectedPlayer[]>('map.select', { x0: 1000, x1: 1200, y0: 0, y1: 400 });
    expect(picked.every((p) => demo.labels.get(p.pidx) === 'redzone')).toBe(true);
  });

  it('drills into a player: time-ordered track, levels, attribution and console SQL', async () => {
    const walker = [...demo.labels].find(([, b]) => b === 'redzone')![0];
    const detail = await call<PlayerDetail>('investigate.player', { pidx: walker });
    expect(detail.summary.zoneEntries).toBeGreaterThan(0);
    const track = rows(detail.track);
    expect(track.length).toBe(detail.summary.rows);
    expect(track.map((r) => Number(r.t))).toEqual(track.map((r) => Number(r.t)).sort((a, b) => a - b));
    expect(track.some((r) => r.in_zone === true && r.anomalous === true)).toBe(true);
    expect(detail.levels.rowCount).toBeGreaterThan(0);
    expect(detail.attribution?.featureColumns).toEqual(['posnewx', 'posnewy']);
    for (const a of detail.attribution!.rows) expect(a.high.reduce((s, v) => s + v, 0) + a.low.reduce((s, v) => s + v, 0)).toBeCloseTo(a.score, 6);
    const events = await call<{ total: number; batch: ColumnBatch }>('investigate.events', { pidx: walker, offset: 0, limit: 50 });
    expect(events.total).toBe(detail.summary.rows);
    expect(events.batch.rowCount).toBe(50);
    const viaConsole = await demo.app.services.ws.db.runAndReadAll(detail.sql.events);
    expect(viaConsole.getRows().length).toBe(detail.summary.rows);
  });

  it('stores zones: the default red zone, add, move, rename, delete', async () => {
    const zones = await call<Zone[]>('investigate.zones', {});
    expect(zones).toEqual([{ id: zones[0].id, name: 'Red zone', x0: 1000, x1: 1200, y0: 0, y1: 400 }]);
    const added = await call<Zone>('investigate.saveZone', { name: 'Spawn', x0: 50, x1: 10, y0: 10, y1: 60 });
    expect(added).toMatchObject({ x0: 10, x1: 50 });
    await call<Zone>('investigate.saveZone', { ...added, name: 'Spawn camp', x0: 20 });
    expect((await call<Zone[]>('investigate.zones', {})).map((z) => z.name)).toEqual(['Red zone', 'Spawn camp']);
    expect(await call('investigate.deleteZone', { id: added.id })).toEqual({ deleted: true });
    await expect(call('investigate.saveZone', { name: '', x0: 0, x1: 1, y0: 0, y1: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('keeps verdicts through re-scoring and exports a neutralised ban list that parses back', async () => {
    const walker = [...demo.labels].find(([, b]) => b === 'redzone')![0];
    await call('investigate.setVerdict', { pidx: walker, verdict: 'ban', note: '=HYPERLINK("http://x","y"), seen "inside"\nline 2', runId: run.id });
    await expect(call('investigate.setVerdict', { pidx: walker, verdict: 'maybe' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('investigate.setVerdict', { pidx: 99_999, verdict: 'ban' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const job = await call<JobInfo>('scoring.start', { features: 'points', trees: 20, samples: 64 });
    expect((await demo.app.services.jobs.wait(job.id)).state).toBe('done');
    const file = await call<ExportedFile>('investigate.exportBans', {});
    const text = await readFile(file.path, 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = (
      await demo.app.services.ws.db.runAndReadAll(
        `SELECT * FROM read_csv(${quoteLiteral(file.path)}, header = true, all_varchar = true, quote = '"', escape = '"', delim = ',')`,
      )
    ).getRowObjectsJS();
    expect(parsed.length).toBe(2);
    const row = parsed.find((r) => Number(r.pidx) === walker)!;
    expect(row.note).toBe(`'=HYPERLINK("http://x","y"), seen "inside"\nline 2`);
    expect(row.verdict).toBe('ban');
    expect(Number(row.run_id)).toBe(run.id + 1);
    expect(Number(row.max_score)).toBeGreaterThan(0);
    expect(row.reasons).toMatch(/entered Red zone/);
    // Re-importing the same folder (and a new file) leaves verdicts alone.
    await importPath(demo.app.services.ws, join(demo.dir, 'demo'));
    expect((await call<PlayerDetail>('investigate.player', { pidx: walker })).verdict?.verdict).toBe('ban');
    await expect(call('investigate.player', { pidx: 99_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
