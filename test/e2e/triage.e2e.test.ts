import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../electron/lake/generate/index.ts';
import { inProcessClient } from '../../electron/api/client.ts';
import { startRedzone, type Redzone } from './harness.ts';

/**
 * Issue #14 items 1, 2: triage 20 players with the keyboard only — J moves and the drill-down follows,
 * B/F/R decide, N writes the note (typed after the verdict, saved as typed), U undoes, X selects for a
 * bulk verdict — then every verdict and note is in the workspace and in the drill-down's history, and
 * the ban list exports with the evidence columns and a BOM.
 */
describe('keyboard triage in Chromium (browser mode)', () => {
  let rz: Redzone;
  const decided = new Map<number, { verdict: string; note: string }>();
  const KEYS = ['b', 'f', 'r'] as const;
  const VERDICT = { b: 'ban', f: 'false_positive', r: 'review' } as const;

  beforeAll(async () => {
    rz = await startRedzone();
    // The built-in demo has five cheaters and a short, honest flagged list: triage needs a bigger lake
    // (about 1% of players are cheaters), imported as the Sources view would.
    const lake = join(rz.dir, 'lake');
    await generateDemo({ out: lake, players: 2500, rows: 500_000, days: 2, seed: 7 });
    const job = await inProcessClient(rz.app).call('lake.import', { dir: lake });
    expect((await rz.app.services.jobs.wait(job.id)).state).toBe('done');
    await rz.page.reload();
  });
  afterAll(async () => rz?.close());

  const panelPidx = async () => Number(await rz.page.getByTestId('player-panel').getAttribute('data-pidx'));
  /** The drill-down shows this player, loaded, with its verdict box ready for keys. */
  const ready = async (pidx: number) => {
    await expect.poll(() => rz.page.locator(`[data-testid=verdict-box][data-pidx="${pidx}"]`).count(), { timeout: 20_000 }).toBe(1);
  };
  const dbVerdicts = async () =>
    new Map(
      (await rz.app.services.ws.db.runAndReadAll('SELECT pidx, verdict, note FROM rz_verdict'))
        .getRows()
        .map((r) => [Number(r[0]), { verdict: String(r[1]), note: String(r[2]) }]),
    );

  it('lists at least 22 flagged players of a 2,500-player lake', async () => {
    const { page } = rz;
    await expect.poll(() => page.getByTestId('empty-banner').count(), { timeout: 60_000 }).toBe(0);
    await page.getByTestId('nav-anomalies').click();
    await expect.poll(async () => Number(await page.getByTestId('flagged-grid').getAttribute('data-rows')), { timeout: 30_000 }).toBeGreaterThan(0);
    if (Number(await page.getByTestId('flagged-grid').getAttribute('data-rows')) < 22) {
      // Rules alone flag fewer: scoring adds the player forest's (bots, noclip).
      await page.getByTestId('score-open').click();
      const form = page.getByTestId('score-form');
      await form.locator('input').nth(0).fill('50');
      await form.locator('input').nth(1).fill('256');
      await page.getByTestId('score-start').click();
      await expect.poll(() => page.getByTestId('run-select').inputValue(), { timeout: 120_000 }).not.toBe('');
      await expect.poll(() => page.getByTestId('scoring-progress').count(), { timeout: 120_000 }).toBe(0);
    }
    await expect.poll(async () => Number(await page.getByTestId('flagged-grid').getAttribute('data-rows')), { timeout: 30_000 }).toBeGreaterThanOrEqual(22);
  });

  it('triages 20 players with the keyboard only: J, a verdict key, N, the note typed after the verdict, Esc', async () => {
    const { page } = rz;
    await page.getByTestId('nav-anomalies').blur();
    for (let i = 0; i < 20; i++) {
      const before = i === 0 ? null : await panelPidx();
      await page.keyboard.press('j');
      await expect.poll(panelPidx, { timeout: 20_000 }).not.toBe(before);
      const pidx = await panelPidx();
      await ready(pidx);
      const key = KEYS[i % 3];
      await page.keyboard.press(key);
      await expect.poll(() => page.getByTestId('verdict-current').textContent(), { timeout: 10_000 }).toBeTruthy();
      const note = `#${i}: ${VERDICT[key]} after a look at ${pidx} — × ≥`;
      await page.keyboard.press('n');
      await page.keyboard.type(note);
      if (i === 0) {
        await expect.poll(() => page.getByTestId('note-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('saved');
        await rz.screenshot('triage-drilldown');
      }
      await page.keyboard.press('Escape'); // leaves the note (saving it) so J works again
      await expect.poll(() => page.getByTestId('note-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('saved');
      decided.set(pidx, { verdict: VERDICT[key], note });
    }
    expect(decided.size).toBe(20);
    expect(await dbVerdicts()).toEqual(decided);
    // The history shows the decision with the note typed after it (one entry: typing amends it).
    const history = page.getByTestId('verdict-history');
    await expect.poll(() => history.getAttribute('data-entries'), { timeout: 10_000 }).toBe('1');
    expect(await history.textContent()).toContain([...decided.values()].at(-1)!.note);
    expect(rz.problems).toEqual([]);
  });

  it('undoes the last verdict with U, and a changed verdict is kept in the history', async () => {
    const { page } = rz;
    const pidx = await panelPidx();
    await page.keyboard.press('u');
    await expect.poll(async () => (await dbVerdicts()).has(pidx), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => page.getByTestId('triage-message').textContent()).toContain('Undone');
    await ready(pidx);
    await page.keyboard.press('b');
    await expect.poll(async () => (await dbVerdicts()).get(pidx)?.verdict, { timeout: 10_000 }).toBe('ban');
    // The undo took the verdict back to none, its note with it; the history still has both.
    decided.set(pidx, { verdict: 'ban', note: '' });
    expect((await dbVerdicts()).get(pidx)).toEqual(decided.get(pidx));
    const actions = async () =>
      page
        .getByTestId('verdict-history')
        .locator('[data-testid=history-entry]')
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-action')}:${e.getAttribute('data-verdict')}`));
    await expect.poll(actions, { timeout: 10_000 }).toEqual(['set:ban', 'undo:', `set:${VERDICT[KEYS[19 % 3]]}`]);
    expect(await page.getByTestId('verdict-history').textContent()).toContain('#19:');
  });

  it('selects two players with X and bans both with one note; clear asks first; ? shows the sheet', async () => {
    const { page } = rz;
    await page.keyboard.press('x');
    await page.keyboard.press('k');
    await page.keyboard.press('x');
    const pair = [...decided.keys()].slice(-2);
    await expect.poll(() => page.getByTestId('bulk-bar').textContent()).toContain('2 selected');
    await page.keyboard.press('n');
    await page.keyboard.type('same exploit, banned together');
    await page.keyboard.press('Escape');
    await rz.screenshot('triage-bulk');
    await page.keyboard.press('b');
    await expect.poll(() => page.getByTestId('bulk-bar').count(), { timeout: 10_000 }).toBe(0);
    const db = await dbVerdicts();
    for (const p of pair) {
      expect(db.get(p)).toEqual({ verdict: 'ban', note: 'same exploit, banned together' });
      decided.set(p, db.get(p)!);
    }

    await page.getByTestId('verdict-clear').click();
    await expect.poll(() => page.getByTestId('verdict-clear-confirm').count()).toBe(1);
    await page.getByRole('button', { name: 'Keep' }).click();
    expect((await dbVerdicts()).size).toBe(20);

    await page.locator('body').press('?');
    await expect.poll(() => page.getByTestId('shortcut-sheet').count()).toBe(1);
    expect(await page.getByTestId('shortcut-sheet').textContent()).toContain('Needs review');
    await rz.screenshot('triage-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcut-sheet').count()).toBe(0);
    expect(rz.problems).toEqual([]);
  });

  it('exports the bans with the evidence columns and a BOM, readable by a spreadsheet-compatible parser', async () => {
    const { page } = rz;
    await page.getByTestId('export-evidence').check();
    await page.getByTestId('export-bom').check();
    await page.getByTestId('export-bans').click();
    const link = page.getByTestId('export-download');
    await expect.poll(() => link.count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = join(rz.dir, 'bans.csv');
    await download.saveAs(path);
    const bytes = await readFile(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const script =
      'import csv,json,sys\nwith open(sys.argv[1], newline="", encoding="utf-8-sig") as f: print(json.dumps(list(csv.DictReader(f, dialect="excel"))))';
    const rows = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<string, string>[];
    const bans = [...decided].filter(([, d]) => d.verdict === 'ban');
    expect(rows.map((r) => Number(r.pidx)).sort()).toEqual(bans.map(([p]) => p).sort());
    for (const r of rows) {
      expect(r.note).toBe(decided.get(Number(r.pidx))!.note);
      expect(r.decided_at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(r.flagged_by).toMatch(/rules|forest|both/);
      expect(r.reasons_at_decision).toBe(r.reasons);
    }
    expect(rz.problems).toEqual([]);
  });
});
