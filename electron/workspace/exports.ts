import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a workspace's exports go: its data folder's `exports/`, which browser mode also serves downloads from. */
export function exportsDir(ws: { dataDir: string }): string {
  return join(ws.dataDir, 'exports');
}

/** A new file in the exports folder (created if missing), named `<stem>-<ISO time>.<ext>` so exports never overwrite each other. */
export async function exportPath(ws: { dataDir: string }, stem: string, ext: string, now = new Date()): Promise<{ path: string; name: string }> {
  const dir = exportsDir(ws);
  await mkdir(dir, { recursive: true });
  const name = `${stem}-${now.toISOString().replace(/[:.]/g, '-')}.${ext}`;
  return { path: join(dir, name), name };
}
