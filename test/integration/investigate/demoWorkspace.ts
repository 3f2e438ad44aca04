import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/api/app.ts';
import { generateDemo, type GenerateOptions } from '../../../electron/lake/generate/index.ts';
import { importPath } from '../../../electron/lake/import.ts';

export interface DemoApp {
  app: App;
  dir: string;
  labels: Map<number, string>;
  /** The generated world's forbidden zone (declare it for worlds other than the lab). */
  zone: { name: string; x0: number; x1: number; y0: number; y1: number };
  close(): Promise<void>;
}

/** A real app on a temp workspace holding a generated demo data set, and the generator's labels. */
export async function demoApp(opts: Omit<GenerateOptions, 'out'>): Promise<DemoApp> {
  const dir = await mkdtemp(join(tmpdir(), 'rz-inv-'));
  process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
  const data = join(dir, 'demo');
  const generated = await generateDemo({ ...opts, out: data });
  const app = await createApp(join(dir, 'ws.duckdb'), () => {});
  await importPath(app.services.ws, data);
  const labels = new Map(
    (await readFile(join(data, 'labels.csv'), 'utf8'))
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(','))
      .map(([pidx, behaviour]) => [Number(pidx), behaviour] as [number, string]),
  );
  return {
    app,
    dir,
    labels,
    zone: generated.world.zone,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
