/** The app's "Load demo data set": a small, fixed demo generated once into the workspace's data folder, then imported. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportProgress, ImportSummary } from '../../shared/api/lake.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { generateDemo } from './generate/index.ts';
import { importPath } from './import.ts';

/** Small enough to generate and import in seconds, big enough to show every behaviour. */
export const APP_DEMO = { players: 300, rows: 300_000, days: 3, seed: 7 } as const;

export interface DemoProgress {
  phase: 'generate' | 'import';
  done: number;
  total: number;
  import?: ImportProgress;
}

export async function loadDemo(ws: Workspace, opts: { signal?: AbortSignal; onProgress?(p: DemoProgress): void } = {}): Promise<ImportSummary> {
  const dir = join(ws.dataDir, 'demo');
  // labels.csv is written last, so its presence means a complete earlier generation.
  const ready = await access(join(dir, 'labels.csv')).then(
    () => true,
    () => false,
  );
  if (!ready) {
    await generateDemo({ out: dir, ...APP_DEMO, signal: opts.signal, onProgress: (done, total) => opts.onProgress?.({ phase: 'generate', done, total }) });
  }
  return importPath(ws, dir, { signal: opts.signal, onProgress: (p) => opts.onProgress?.({ phase: 'import', done: p.done, total: p.total, import: p }) });
}
