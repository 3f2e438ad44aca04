import type { Method, NoArgs } from './method.ts';

export interface WorkspaceInfo {
  path: string;
  /** Schema versions per component, as stored in the workspace. */
  schema: Record<string, number>;
  sizeBytes: number;
  tables: TableInfo[];
  /** Recently opened workspaces, newest first. */
  recent: string[];
  /** True when the workspace holds no play-log rows yet (the app then offers the demo data set). */
  empty: boolean;
  memory: MemorySettings;
}

/**
 * DuckDB's memory limit (past it, big sorts, joins and aggregates spill to `tempDirectory`) and where the
 * limit came from: REDZONE_MEMORY_LIMIT, the workspace's own setting, or the default (a quarter of RAM, at most 512 MiB).
 */
export interface MemorySettings {
  /** As DuckDB is given it, e.g. "6144MiB". */
  limit: string;
  from: 'env' | 'workspace' | 'default';
  tempDirectory: string;
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  columns: { name: string; type: string }[];
}

export interface WorkspaceApi {
  'workspace.info': Method<NoArgs, WorkspaceInfo>;
  /**
   * Opens another workspace file; on failure the current one stays open. A new one is created only with
   * `create` (the analyst typed or chose that path), as a `.duckdb` file in a folder that exists.
   */
  'workspace.open': Method<{ path: string; create?: boolean }, NoArgs>;
  /** Stores the workspace's memory limit ("2GB", "512MB", "30%"; null: the default) and applies it now. */
  'workspace.setMemoryLimit': Method<{ limit: string | null }, MemorySettings>;
}
