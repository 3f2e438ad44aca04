import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where Electron's app.getPath('userData') points for "Redzone", computed without Electron. */
export function userDataDir(): string {
  if (process.env.REDZONE_USER_DATA) return resolve(process.env.REDZONE_USER_DATA);
  const home = homedir();
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Redzone');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Redzone');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Redzone');
}

/** --workspace wins, then REDZONE_WORKSPACE, then the default workspace in the user-data folder. */
export function resolveWorkspacePath(flag?: string): string {
  if (flag) return resolve(flag);
  if (process.env.REDZONE_WORKSPACE) return resolve(process.env.REDZONE_WORKSPACE);
  return join(userDataDir(), 'workspace.duckdb');
}

const RECENT_LIMIT = 10;

export async function readRecent(): Promise<string[]> {
  try {
    const list = JSON.parse(await readFile(join(userDataDir(), 'recent.json'), 'utf8'));
    return Array.isArray(list) ? list.filter((p) => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

export async function rememberRecent(path: string): Promise<string[]> {
  const list = [path, ...(await readRecent()).filter((p) => p !== path)].slice(0, RECENT_LIMIT);
  await mkdir(userDataDir(), { recursive: true });
  await writeFile(join(userDataDir(), 'recent.json'), JSON.stringify(list, null, 2));
  return list;
}
