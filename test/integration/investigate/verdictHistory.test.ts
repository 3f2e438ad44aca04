import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue } from '../../../shared/api/columns.ts';
import type { FlaggedPage, VerdictChange, VerdictHistoryEntry, VerdictRecord } from '../../../shared/api/investigate.ts';
import type { ExportedFile } from '../../../shared/api/sql.ts';
import { investigateSchema } from '../../../electron/investigate/schema.ts';
import { openWorkspace } from '../../../electron/workspace/workspace.ts';
import { quoteLiteral } from '../../../electron/workspace/sqlText.ts';
import { demoApp, type DemoApp } from './demoWorkspace.ts';

let demo: DemoApp;

async function call<T>(method: string, req: unknown): Promise<T> {
  const env = await demo.app.router.call(method, req);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as T;
}

describe('verdict history: every change kept with its evidence; bulk, notes, undo; the ban list with evidence and a BOM', () => {
  let flagged: number[];
  beforeAll(async () => {
    demo = await demoApp({ players: 120, rows: 40_000, seed: 1, days: 1 });
    const page = await call<FlaggedPage>('investigate.flagged', { offset: 0, limit: 50 });
    const pidx = page.batch.columns.find((c) => c.name === 'pidx')!;
    const top = Array.from({ length: page.batch.rowCount }, (_, i) => Number(cellValue(pidx, i)));
    expect(top.length).toBeGreaterThan(0);
    // The most suspicious player first, then players nobody flagged (a verdict needs only a known player).
    const others = (await demo.app.services.ws.db.runAndReadAll('SELECT DISTINCT pidx FROM playlog ORDER BY pidx LIMIT 10')).getRows().map((r) => Number(r[0]));
    flagged = [top[0], ...others.filter((p) => !top.includes(p))];
  });
  afterAll(() => demo.close());

  it('records a verdict with the evidence shown, amends the entry while the note is typed, and keeps a later verdict change', async () => {
    const p = flagged[0];
    await call<VerdictRecord>('investigate.setVerdict', { pidx: p, verdict: 'review' });
    const noted = await call<VerdictRecord>('investigate.saveNote', { pidx: p, note: 'looks like' });
    expect(noted).toMatchObject({ verdict: 'review', note: 'looks like' });
    await call('investigate.saveNote', { pidx: p, note: 'looks like a zone walker' });
    let h = await call<VerdictHistoryEntry[]>('investigate.verdictHistory', { pidx: p });
    expect(h).toHaveLength(1); // typing amends the fresh entry instead of flooding the trail
    expect(h[0]).toMatchObject({ action: 'set', verdict: 'review', note: 'looks like a zone walker' });
    expect(h[0].evidence?.reasons.length).toBeGreaterThan(0);
    expect(h[0].evidence?.flaggedBy).toMatch(/rules|both/);

    // The old spelling still works and is stored in the one spelling.
    const fp = await call<VerdictRecord>('investigate.setVerdict', { pidx: p, verdict: 'false-positive', note: 'lag, not a cheat' });
    expect(fp.verdict).toBe('false_positive');
    h = await call<VerdictHistoryEntry[]>('investigate.verdictHistory', { pidx: p });
    expect(h.map((e) => [e.action, e.verdict, e.note])).toEqual([
      ['set', 'false_positive', 'lag, not a cheat'],
      ['set', 'review', 'looks like a zone walker'],
    ]);
    await expect(call('investigate.saveNote', { pidx: flagged[3], note: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('bans several players with one note in one call, and undo puts each back as it was', async () => {
    const [a, b, c] = flagged;
    const before = await call<VerdictRecord>('investigate.setVerdict', { pidx: b, verdict: 'review', note: 'earlier' });
    const done = await call<VerdictChange>('investigate.setVerdicts', { pidxs: [a, b, c], verdict: 'ban', note: 'bulk: same exploit' });
    expect(done.records.map((r) => [r.pidx, r.verdict, r.note])).toEqual([a, b, c].map((p) => [p, 'ban', 'bulk: same exploit']));
    expect(done.previous.map((r) => r?.verdict ?? null)).toEqual(['false_positive', 'review', null]);
    expect(done.previous[1]).toEqual(before);
    await expect(call('investigate.setVerdicts', { pidxs: [a, 424_242], verdict: 'ban' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const restored = await call<{ restored: number }>('investigate.restoreVerdicts', {
      states: done.records.map((r, i) => ({ pidx: r.pidx, previous: done.previous[i] })),
    });
    expect(restored.restored).toBe(3);
    const detail = async (p: number) => (await call<{ verdict: VerdictRecord | null }>('investigate.player', { pidx: p })).verdict;
    expect(await detail(b)).toEqual(before);
    expect(await detail(c)).toBeNull();
    expect((await detail(a))?.verdict).toBe('false_positive');
    const hc = await call<VerdictHistoryEntry[]>('investigate.verdictHistory', { pidx: c });
    expect(hc.map((e) => [e.action, e.verdict])).toEqual([
      ['undo', null],
      ['set', 'ban'],
    ]);

    await call('investigate.setVerdict', { pidx: c, verdict: 'ban', note: '=cmd|" /C calc"!A0' });
    expect((await call<{ cleared: boolean }>('investigate.clearVerdict', { pidx: c })).cleared).toBe(true);
    expect((await call<VerdictHistoryEntry[]>('investigate.verdictHistory', { pidx: c }))[0]).toMatchObject({ action: 'clear', verdict: null });
  });

  it('exports the ban list with the decision columns and a BOM that a spreadsheet parser reads back', async () => {
    const [a, , , d] = flagged;
    await call('investigate.setVerdicts', { pidxs: [a, d], verdict: 'ban', note: '=HYPERLINK("http://x","y") × ≥ 3, "quoted"\nline 2' });
    const plain = await call<ExportedFile>('investigate.exportBans', {});
    const plainText = await readFile(plain.path, 'utf8');
    expect(plainText.charCodeAt(0)).not.toBe(0xfeff);
    expect(plainText.split('\r\n')[0]).toBe('pidx,uclass,ulevel,verdict,reasons,max_score,anomalous_rows,first_seen,last_seen,note,run_id,exported_at');

    const file = await call<ExportedFile>('investigate.exportBans', { evidence: true, bom: true });
    const bytes = await readFile(file.path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Python's csv module with the Excel dialect, reading the file as Excel would (utf-8-sig drops the BOM).
    const script =
      'import csv,json,sys\nwith open(sys.argv[1], newline="", encoding="utf-8-sig") as f: print(json.dumps(list(csv.DictReader(f, dialect="excel"))))';
    const rows = JSON.parse(execFileSync('python3', ['-c', script, file.path], { encoding: 'utf8' })) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([
      'pidx',
      'uclass',
      'ulevel',
      'verdict',
      'reasons',
      'max_score',
      'anomalous_rows',
      'first_seen',
      'last_seen',
      'note',
      'run_id',
      'exported_at',
      'player_score',
      'flagged_by',
      'decided_at',
      'decided_run_id',
      'reasons_at_decision',
      'max_score_at_decision',
    ]);
    const byPidx = new Map(rows.map((r) => [Number(r.pidx), r]));
    const row = byPidx.get(d)!;
    expect(row.note).toBe(`'=HYPERLINK("http://x","y") × ≥ 3, "quoted"\nline 2`);
    expect(row.reasons_at_decision).toBe(row.reasons);
    expect(Number(byPidx.get(a)!.player_score)).toBeGreaterThan(0);
    expect(byPidx.get(a)!.reasons_at_decision).not.toBe('');
    expect(Date.parse(row.decided_at)).toBeGreaterThan(Date.now() - 600_000);
    // DuckDB's reader agrees (header from the first line, the BOM skipped).
    const duck = (
      await demo.app.services.ws.db.runAndReadAll(
        `SELECT pidx, note FROM read_csv(${quoteLiteral(file.path)}, header = true, all_varchar = true) ORDER BY pidx`,
      )
    ).getRowObjectsJS();
    expect(duck.map((r) => Number(r.pidx))).toEqual([...byPidx.keys()].sort((x, y) => x - y));
  });

  it('migrates a workspace from before the history: the old spelling is rewritten and each verdict enters the history', async () => {
    const path = join(demo.dir, 'old.duckdb');
    const old = await openWorkspace(path, [{ name: 'investigate', migrations: investigateSchema.migrations.slice(0, 2) }]);
    await old.db.run(
      `INSERT INTO rz_verdict VALUES (7, 'false-positive', 'kept', TIMESTAMP '2026-01-02 03:04:05', NULL), (8, 'ban', '', TIMESTAMP '2026-01-03 00:00:00', 2)`,
    );
    await old.close();
    const ws = await openWorkspace(path, [investigateSchema]);
    try {
      const v = (await ws.db.runAndReadAll('SELECT pidx, verdict, note FROM rz_verdict ORDER BY pidx')).getRows();
      expect(v).toEqual([
        [7, 'false_positive', 'kept'],
        [8, 'ban', ''],
      ]);
      const h = (
        await ws.db.runAndReadAll(`SELECT pidx, action, verdict, strftime(changed_at, '%Y-%m-%d %H:%M:%S') FROM rz_verdict_history ORDER BY id`)
      ).getRows();
      expect(h).toEqual([
        [7, 'set', 'false_positive', '2026-01-02 03:04:05'],
        [8, 'set', 'ban', '2026-01-03 00:00:00'],
      ]);
    } finally {
      await ws.close();
    }
  });
});
