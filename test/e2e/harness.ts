import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createApp, type App } from '../../electron/api/app.ts';
import { startBrowserMode, type BrowserModeServer } from '../../electron/api/http.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-results');
const RENDERER = join(ROOT, 'out', 'renderer');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Redzone {
  app: App;
  server: BrowserModeServer;
  context: BrowserContext;
  page: Page;
  url: string;
  dir: string;
  /** Console errors and failed requests seen by the page: a clean run has none. */
  problems: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Real browser mode on a temp (or given) workspace, driven by Debian's Chromium. */
export async function startRedzone(opts: { workspace?: string; viewport?: { width: number; height: number } } = {}): Promise<Redzone> {
  if (!existsSync(join(RENDERER, 'index.html'))) throw new Error('build the renderer first: npm run build:web');
  const dir = await mkdtemp(join(tmpdir(), 'rz-e2e-'));
  process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
  const app = await createApp(opts.workspace ?? join(dir, 'workspace.duckdb'), () => {});
  const server = await startBrowserMode({
    router: app.router,
    events: app.services.events,
    staticDir: RENDERER,
    downloadDirs: () => [join(app.services.ws.dataDir, 'exports')],
  });
  const context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1400, height: 880 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url);
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    app,
    server,
    context,
    page,
    url: server.url,
    dir,
    problems,
    async screenshot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await context.close();
      await server.close();
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
