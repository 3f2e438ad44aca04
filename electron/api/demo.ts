import { join } from 'node:path';
import { userDataDir } from '../workspace/paths.ts';
import type { App } from './app.ts';

/** `--demo` without `--workspace` keeps the demo apart from the analyst's own workspace. */
export function demoWorkspacePath(): string {
  return join(userDataDir(), 'demo.duckdb');
}

/** Starts loading the built-in demo data set when the workspace has no play logs; returns at once. */
export async function loadDemoIfEmpty(app: App): Promise<boolean> {
  const info = await app.router.call('workspace.info', {});
  if (!info.ok || !(info.value as { empty: boolean }).empty) return false;
  const job = await app.router.call('lake.loadDemo', {});
  return job.ok;
}
