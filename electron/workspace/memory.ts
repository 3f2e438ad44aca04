import type { DuckDBConnection } from '@duckdb/node-api';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../shared/api/envelope.ts';
import type { MemorySettings } from '../../shared/api/workspace.ts';

/**
 * How much memory DuckDB may use, and where it spills past that. Without a limit DuckDB takes up to 80% of
 * RAM before it spills; an analyst's laptop also runs a browser, chat and the game client, so Redzone asks
 * for a quarter of RAM, at most 512 MiB, by default and spills big sorts, joins and aggregates to the
 * workspace's data folder. The cap: Redzone's own work (import, scoring, the player table) streams in bounded
 * passes and ran the 40M-row lab as fast at 512 MiB as at 6 GiB (score 71 s vs 67 s, every step at most
 * 1.4 GB RSS instead of 2.7 GB); heavy console work can raise it per workspace.
 * REDZONE_MEMORY_LIMIT wins over the workspace's own setting, which wins over the default.
 */
export const MEMORY_LIMIT_ENV = 'REDZONE_MEMORY_LIMIT';
const SETTING = 'memory_limit';
const DEFAULT_SHARE = 0.25;
const DEFAULT_CAP_BYTES = 512 * 2 ** 20;
/** Below this DuckDB cannot hold a few row groups per thread and fails instead of spilling. */
const MIN_BYTES = 128 * 2 ** 20;

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** "2GB", "1.5 GiB", "512MB" or "30%" (of RAM) → whole megabytes DuckDB accepts; clear errors for anything else. */
export function parseMemoryLimit(text: string, ram = totalmem()): string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|[KMGT]i?B|B)?\s*$/i.exec(text);
  if (!m) throw new ApiError('BAD_REQUEST', `memory limit must look like 2GB, 512MB or 25%, got "${text}"`);
  const value = Number(m[1]);
  const unit = (m[2] ?? 'B').toUpperCase();
  const bytes = unit === '%' ? (value / 100) * ram : value * UNITS[unit];
  if (!(bytes >= MIN_BYTES)) throw new ApiError('BAD_REQUEST', `memory limit ${text} is below the ${MIN_BYTES / 2 ** 20} MiB DuckDB needs to work`);
  return `${Math.floor(bytes / 2 ** 20)}MiB`;
}

export function defaultMemoryLimit(ram = totalmem()): string {
  return parseMemoryLimit(`${Math.min(DEFAULT_SHARE * ram, DEFAULT_CAP_BYTES)}B`, ram);
}

/** What DuckDB is given before the workspace can be read: the environment's limit, else the default. */
export function initialMemorySettings(dataDir: string): MemorySettings {
  const env = process.env[MEMORY_LIMIT_ENV];
  const tempDirectory = join(dataDir, 'duckdb-tmp');
  if (env !== undefined && env.trim() !== '') return { limit: parseMemoryLimit(env), from: 'env', tempDirectory };
  return { limit: defaultMemoryLimit(), from: 'default', tempDirectory };
}

/** Applies the workspace's stored limit once it can be read (the environment still wins). */
export async function applyStoredMemoryLimit(db: DuckDBConnection, settings: MemorySettings): Promise<MemorySettings> {
  if (settings.from === 'env') return settings;
  const stored = await readSetting(db);
  if (stored === null) return settings;
  let limit: string;
  try {
    limit = parseMemoryLimit(stored);
  } catch {
    return settings; // a setting this build cannot read keeps the default rather than refusing the workspace
  }
  await db.run(`SET memory_limit = '${limit}'`);
  return { ...settings, limit, from: 'workspace' };
}

/** Stores the workspace's limit (null: back to the default) and applies it now unless the environment overrides it. */
export async function storeMemoryLimit(db: DuckDBConnection, current: MemorySettings, text: string | null): Promise<MemorySettings> {
  const limit = text === null ? defaultMemoryLimit() : parseMemoryLimit(text);
  if (text === null) await db.run('DELETE FROM rz_setting WHERE key = $1', [SETTING]);
  else await db.run('INSERT OR REPLACE INTO rz_setting VALUES ($1, $2)', [SETTING, text.trim()]);
  if (current.from === 'env') return current;
  await db.run(`SET memory_limit = '${limit}'`);
  return { ...current, limit, from: text === null ? 'default' : 'workspace' };
}

async function readSetting(db: DuckDBConnection): Promise<string | null> {
  const rows = (await db.runAndReadAll('SELECT value FROM rz_setting WHERE key = $1', [SETTING])).getRows();
  return rows.length ? String(rows[0][0]) : null;
}
