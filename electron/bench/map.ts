import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, type App } from '../api/app.ts';
import { startBrowserMode } from '../api/http.ts';
import { density } from '../map/queries.ts';
import { mapCache } from '../map/cache.ts';
import { syntheticFileSql } from '../lake/schema.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const SUITE = 'map';
/** A 1120 × 780 px plot at 4 px per bin, as the Map view asks. */
const NX = 280;
const NY = 195;

/**
 * Synthetic play log of `rows` rows in the lake's table: players walking around hot spots on the
 * 1500 × 1000 map, so bins are unevenly full as in real data. Written by DuckDB itself (fast).
 */
async function fill(app: App, rows: number): Promise<void> {
  await app.services.ws.db.run(syntheticFileSql(0, 'bench'));
  await app.services.ws.db.run(`INSERT INTO lake_playlog_data
    SELECT i, x, y, 0, x - 1, y, 0, (i % 20000)::INTEGER, 30000000 + i, 0, TIMESTAMP '2018-10-10' + to_microseconds(i * 10000), 2018, 10, 10, 0, 0
    FROM (SELECT i,
            least(1500, greatest(0, round(cx + 120 * sin(i / 977.0) * ((hash(i) % 1000) / 1000.0))))::DOUBLE AS x,
            least(1000, greatest(0, round(cy + 120 * cos(i / 613.0) * ((hash(i * 3) % 1000) / 1000.0))))::DOUBLE AS y
          FROM (SELECT i, [400, 750, 1350, 200, 900][1 + (hash(i // 5000) % 5)::INTEGER] AS cx, [550, 250, 700, 150, 850][1 + (hash(i // 5000) % 5)::INTEGER] AS cy FROM range(${rows}) t(i)))`);
  await app.services.ws.db.run(
    `INSERT INTO lake_userlog_data SELECT p, p, ['warrior', 'mage', 'healer'][1 + p % 3], 1 + p % 100, TIMESTAMP '2018-10-10', 2018, 10, 10, 0, 0 FROM range(20000) t(p)`,
  );
  await app.services.ws.db.run('CHECKPOINT');
}

/** Viewports across zoom levels (whole map, then 1/2, 1/4, 1/8, 1/16 of it), each panned to three places. */
function viewports(): { x0: number; x1: number; y0: number; y1: number }[] {
  const out = [];
  for (const zoom of [1, 2, 4, 8, 16]) {
    const w = 1500 / zoom;
    const h = 1000 / zoom;
    for (const [fx, fy] of [
      [0.5, 0.5],
      [0.3, 0.6],
      [0.7, 0.35],
    ]) {
      const cx = 750 + (fx - 0.5) * (1500 - w);
      const cy = 500 + (fy - 0.5) * (1000 - h);
      out.push({ x0: cx - w / 2, x1: cx + w / 2, y0: cy - h / 2, y1: cy + h / 2 });
    }
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function queryTimes(app: App): Promise<{ rebin: number; scan: number; build: number; byZoom: number[] }> {
  const ws = app.services.ws;
  const rebin: number[] = [];
  const scan: number[] = [];
  const started = performance.now();
  await mapCache(ws);
  const build = performance.now() - started;
  await density(ws, { x0: 0, x1: 1500, y0: 0, y1: 1000, nx: NX, ny: NY }); // warm-up
  for (const v of viewports()) {
    let t = performance.now();
    await density(ws, { ...v, nx: NX, ny: NY });
    rebin.push(performance.now() - t);
    // The floor any viewport query pays: DuckDB counting the rows in the box.
    t = performance.now();
    await ws.db.runAndReadAll(`SELECT count(*) FROM playlog WHERE posnewx BETWEEN ${v.x0} AND ${v.x1} AND posnewy BETWEEN ${v.y0} AND ${v.y1}`);
    scan.push(performance.now() - t);
  }
  const byZoom = [0, 1, 2, 3, 4].map((z) => median(rebin.slice(3 * z, 3 * z + 3)));
  return { rebin: median(rebin), scan: median(scan), build, byZoom };
}

/** Pans the Map view in Chromium and reads the draw time (Plotly.react) the view reports per frame. */
async function frameTimes(app: App): Promise<{ draw: number; pan: number } | null> {
  const renderer = resolve(import.meta.dirname, '../../out/renderer');
  if (!existsSync(join(renderer, 'index.html'))) return null;
  const { chromium } = await import('playwright-core');
  const server = await startBrowserMode({ router: app.router, events: app.services.events, staticDir: renderer, downloadDirs: () => [] });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 880 } });
    await page.goto(server.url);
    await page.getByTestId('nav-map').click();
    const stats = page.getByTestId('map-stats');
    await page.waitForFunction(() => document.querySelector('[data-testid=map-stats]')?.getAttribute('data-draw-ms'), null, { timeout: 60_000 });
    const draws: number[] = [];
    const pans: number[] = [];
    for (const v of viewports()) {
      const t = performance.now();
      await page.evaluate((r) => {
        const el = document.querySelector('[data-testid=map-plot]') as unknown as { emit(name: string, e: unknown): void };
        el.emit('plotly_relayout', { 'xaxis.range[0]': r.x0, 'xaxis.range[1]': r.x1, 'yaxis.range[0]': r.y0, 'yaxis.range[1]': r.y1 });
      }, v);
      // The view reports each frame's draw time; a new value (or the same one re-set) marks the frame.
      // The frame is drawn when the stats show the new viewport's grid and a draw time reported after it.
      await page.waitForFunction((x0) => document.querySelector('[data-testid=map-stats]')?.getAttribute('data-drawn-for') === String(x0), v.x0, {
        timeout: 60_000,
      });
      pans.push(performance.now() - t);
      draws.push(Number(await stats.getAttribute('data-draw-ms')));
    }
    return { draw: median(draws), pan: median(pans) };
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function benchMap(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const sizes = opts.quick ? [200_000] : [2_000_000, 20_000_000];
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'rz-bench-map-'));
    process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
    const app = await createApp(join(dir, 'ws.duckdb'), () => {});
    try {
      await fill(app, n);
      const label = `${n / 1e6}M rows`;
      const q = await queryTimes(app);
      rows.push({
        suite: SUITE,
        case: label,
        metric: 'viewport re-bin query (median of pans over 5 zoom levels)',
        value: Math.round(q.rebin * 10) / 10,
        unit: 'ms',
        note: `${NX}×${NY} bins`,
      });
      rows.push({ suite: SUITE, case: label, metric: 'count(*) in the same viewport (DuckDB floor)', value: Math.round(q.scan * 10) / 10, unit: 'ms' });
      rows.push({ suite: SUITE, case: label, metric: 're-bin / count ratio', value: Math.round((q.rebin / q.scan) * 100) / 100, unit: 'x' });
      [1, 2, 4, 8, 16].forEach((zoom, i) =>
        rows.push({
          suite: SUITE,
          case: label,
          metric: `re-bin query at zoom ${zoom}× (median of 3 pans)`,
          value: Math.round(q.byZoom[i] * 10) / 10,
          unit: 'ms',
        }),
      );
      rows.push({ suite: SUITE, case: label, metric: 'map cache build (once per import)', value: Math.round(q.build), unit: 'ms' });
      const f = await frameTimes(app);
      if (f) {
        rows.push({ suite: SUITE, case: label, metric: 'map draw time in Chromium (Plotly.react, median)', value: Math.round(f.draw), unit: 'ms' });
        rows.push({
          suite: SUITE,
          case: label,
          metric: 'pan → frame drawn in Chromium (query + transfer + draw, median)',
          value: Math.round(f.pan),
          unit: 'ms',
        });
      } else {
        rows.push({ suite: SUITE, case: label, metric: 'map draw time in Chromium', value: NaN, unit: 'ms', note: 'renderer not built: npm run build:web' });
      }
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
