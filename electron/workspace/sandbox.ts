import { mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { ApiError } from '../../shared/api/envelope.ts';
import { quoteLiteral } from './sqlText.ts';
import type { Workspace } from './workspace.ts';

/**
 * The console's file sandbox (issue #16, item 4). DuckDB's external-access settings are per database
 * instance, not per connection, so the sandbox closes the whole instance to every folder but the
 * workspace's data folder (S3 cache, exports, demo) and the folders the analyst imported from. It is
 * applied just before the first console statement, so CLI imports and syncs never run inside it.
 *
 * DuckDB 1.5 (checked): once `enable_external_access` is false it refuses to turn it back on and to
 * change `allowed_directories`, and it canonicalises paths (`..`, symlinks) before checking them. So a
 * console statement cannot widen the sandbox, and `SET enable_external_access=false` from the console
 * is a no-op. `lock_configuration` is not used: it would also freeze per-connection settings (progress
 * reporting, memory limit) without adding to that. A new import folder therefore needs the instance
 * reopened (App does it; see admit()).
 */
export class ConsoleSandbox {
  private applying: Promise<void> | null = null;
  private allowed: string[] = [];
  /** Folders admitted in this session (imports started before the sandbox closed). */
  private session = new Set<string>();

  constructor(private ws: Workspace) {}

  get active(): boolean {
    return this.applying !== null;
  }

  /** True when DuckDB may touch `dir` (the sandbox is not applied yet, or `dir` is inside it). */
  permits(dir: string): boolean {
    return !this.active || this.allowed.some((a) => inside(a, dir));
  }

  /** Lets imports read `dir`; false when the sandbox is already closed without it (reopen the workspace first). */
  admit(dir: string): boolean {
    if (!this.permits(dir)) return false;
    this.session.add(dir);
    return true;
  }

  /** Closes the instance to everything but the allowed folders; once, before the console's first statement. */
  ensure(): Promise<void> {
    this.applying ??= this.apply();
    return this.applying;
  }

  private async apply(): Promise<void> {
    await mkdir(this.ws.dataDir, { recursive: true });
    // DuckDB compares canonical paths (symlinks resolved), so the list is canonical too.
    const dirs = compact(await Promise.all([this.ws.dataDir, ...(await importedFolders(this.ws)), ...this.session].map((d) => realpath(d).catch(() => d))));
    await this.ws.db.run(`SET allowed_directories = [${dirs.map((d) => quoteLiteral(d + sep)).join(', ')}]`);
    await this.ws.db.run('SET enable_external_access = false');
    this.allowed = dirs;
  }

  /** DuckDB's permission error as a message that says what is allowed and what to do instead. */
  explain(message: string): ApiError | null {
    const m = /Permission Error: (?:Cannot access (?:file|directory) "([^"]*)"|(.*))/.exec(message);
    if (!m) return null;
    const what = m[1] ? `"${m[1]}" is outside them` : m[2].trim();
    return new ApiError(
      'REFUSED',
      `the console reads and writes files only in the workspace's data folder (${this.ws.dataDir}) and the folders you imported from: ${what}. Import the file from Sources to query it; export results with Export (written to ${this.ws.dataDir}${sep}exports).`,
    );
  }
}

/** The folder an import of `path` reads (the path itself for a folder, its parent for a file). */
export async function folderOf(path: string): Promise<string> {
  const full = resolve(path);
  const info = await stat(full).catch(() => null);
  return info?.isDirectory() ? full : dirname(full);
}

async function importedFolders(ws: Workspace): Promise<string[]> {
  const rows = (await ws.db.runAndReadAll(`SELECT DISTINCT path FROM lake_file WHERE path <> ''`).catch(() => null))?.getRows() ?? [];
  return rows.map(([p]) => dirname(String(p)));
}

function inside(root: string, dir: string): boolean {
  return dir === root || dir.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Sorted, without folders already inside another one in the list. */
export function compact(dirs: string[]): string[] {
  const out: string[] = [];
  for (const d of [...new Set(dirs.map((x) => resolve(x)))].sort()) if (!out.some((o) => inside(o, d))) out.push(d);
  return out;
}
