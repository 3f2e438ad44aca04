import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ApiError } from '../../shared/api/envelope.ts';
import type { MemorySettings } from '../../shared/api/workspace.ts';
import { applyStoredMemoryLimit, initialMemorySettings, storeMemoryLimit } from './memory.ts';
import { workspaceSchema, type SchemaComponent } from './schema.ts';
import { inTransaction } from './db.ts';

export interface Workspace {
  readonly path: string;
  /** Folder beside the workspace file for the S3 cache and exports (deletable, rebuilt on demand). */
  readonly dataDir: string;
  /** DuckDB's memory limit and spill folder, and where the limit came from. */
  readonly memory: MemorySettings;
  /** Stores the workspace's own memory limit (null: the default) and applies it, unless REDZONE_MEMORY_LIMIT is set. */
  setMemoryLimit(limit: string | null): Promise<MemorySettings>;
  readonly instance: DuckDBInstance;
  /** The shared connection for short statements. Long or cancellable work takes its own via connect(). */
  readonly db: DuckDBConnection;
  connect(): Promise<DuckDBConnection>;
  schemaVersions(): Promise<Record<string, number>>;
  close(): void;
}

const DUCKDB_MAGIC = 'DUCK';

/** Refuses files that are not DuckDB databases before DuckDB gets a chance to touch them. */
async function assertDuckDbFile(path: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return; // a new workspace
  }
  if (size === 0) throw new ApiError('WORKSPACE_INVALID', `${path} is an empty file, not a Redzone workspace`);
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(12);
    await handle.read(header, 0, 12, 0);
    if (header.toString('latin1', 8, 12) !== DUCKDB_MAGIC) {
      throw new ApiError('WORKSPACE_INVALID', `${path} is not a DuckDB database, so it cannot be a Redzone workspace`);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Opens (or creates) a workspace and brings every component's schema up to date. A workspace written
 * by a newer Redzone is refused before any migration runs, so it is left exactly as it was.
 */
export async function openWorkspace(path: string, components: SchemaComponent[] = []): Promise<Workspace> {
  const file = resolve(path);
  await assertDuckDbFile(file);
  await mkdir(dirname(file), { recursive: true });
  const dataDir = join(dirname(file), `${file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')}.data`);
  let memory = initialMemorySettings(dataDir);
  // DuckDB creates only the spill folder itself, not the data folder it sits in.
  await mkdir(dataDir, { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, {
      // Offline app: never fetch an extension at run time (json, parquet, icu are built in).
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      // Bounded memory: big sorts, joins and aggregates spill to the data folder instead of growing.
      memory_limit: memory.limit,
      temp_directory: memory.tempDirectory,
    });
  } catch (e) {
    const message = (e as Error).message;
    // DuckDB lets one process write a database file: the usual cause is Redzone already running on it.
    const holder = /Could not set lock on file.*Conflicting lock is held in (.*?) \(PID (\d+)\)/s.exec(message);
    if (holder)
      throw new ApiError(
        'IO_ERROR',
        `${file} is open in another program (${holder[1]}, PID ${holder[2]}), such as Redzone or its CLI; close it there or choose another workspace`,
      );
    throw new ApiError('WORKSPACE_INVALID', `cannot open ${file}: ${message}`);
  }
  const db = await instance.connect();
  try {
    // Redzone's timestamps are naive UTC (the lake's, and every now()::TIMESTAMP it records), and the
    // UI shows them as UTC: without this a laptop in New York would record local wall time as UTC.
    await db.run(`SET GLOBAL TimeZone = 'UTC'`);
    await migrate(db, [workspaceSchema, ...components]);
    memory = await applyStoredMemoryLimit(db, memory);
  } catch (e) {
    db.closeSync();
    instance.closeSync();
    throw e;
  }
  return {
    path: file,
    dataDir,
    get memory() {
      return memory;
    },
    async setMemoryLimit(limit) {
      return (memory = await storeMemoryLimit(db, memory, limit));
    },
    instance,
    db,
    connect: () => instance.connect(),
    schemaVersions: () => readVersions(db),
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}

async function readVersions(db: DuckDBConnection): Promise<Record<string, number>> {
  const rows = (await db.runAndReadAll('SELECT component, version FROM rz_schema')).getRowObjectsJS();
  return Object.fromEntries(rows.map((r) => [String(r.component), Number(r.version)]));
}

async function migrate(db: DuckDBConnection, components: SchemaComponent[]): Promise<void> {
  await db.run('CREATE TABLE IF NOT EXISTS rz_schema (component VARCHAR PRIMARY KEY, version INTEGER NOT NULL)');
  const versions = await readVersions(db);
  for (const c of components) {
    const have = versions[c.name] ?? 0;
    if (have > c.migrations.length) {
      throw new ApiError(
        'WORKSPACE_TOO_NEW',
        `this workspace's "${c.name}" schema is version ${have}, newer than this Redzone understands (${c.migrations.length}); update Redzone to open it`,
      );
    }
  }
  let migrated = false;
  for (const c of components) {
    const have = versions[c.name] ?? 0;
    for (let v = have + 1; v <= c.migrations.length; v++) {
      migrated = true;
      try {
        await inTransaction(db, async () => {
          await db.run(c.migrations[v - 1]);
          await db.run('INSERT OR REPLACE INTO rz_schema VALUES ($1, $2)', [c.name, v]);
        });
      } catch (e) {
        throw new ApiError('INTERNAL', `migration ${c.name} v${v} failed: ${(e as Error).message}`);
      }
    }
  }
  // Schema changes go into the database file now, not the WAL: a process killed later must not leave
  // a WAL whose replay trips over a DDL statement (DuckDB has had such replay bugs).
  if (migrated) await db.run('CHECKPOINT');
  for (const c of components) {
    if (!c.views) continue;
    try {
      await db.run(c.views);
    } catch (e) {
      throw new ApiError('INTERNAL', `recreating ${c.name}'s views failed: ${(e as Error).message}`);
    }
  }
}
