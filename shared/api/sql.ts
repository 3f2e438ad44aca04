import type { ColumnBatch, ColumnInfo } from './columns.ts';
import type { Method, NoArgs } from './method.ts';

export interface SqlRunRequest {
  sql: string;
  /** Chosen by the client so it can cancel before the response arrives. */
  queryId: string;
  /** Rows to return with the response (the first page). */
  firstPage?: number;
}

export interface SqlRunResult {
  queryId: string;
  /** Present when the last statement returned rows; page through it with sql.page. */
  resultId?: string;
  columns: ColumnInfo[];
  rowCount: number;
  /** Rows changed by the last statement when it was not a query. */
  rowsChanged?: number;
  statements: number;
  elapsedMs: number;
  firstPage?: ColumnBatch;
  /** Every statement's own result, in order, when several ran ("Run all"); the last is also the fields above. */
  results?: SqlStatementResult[];
}

/** What one statement of a batch returned: rows (kept for paging when it was a query) or rows changed. */
export interface SqlStatementResult {
  sql: string;
  resultId?: string;
  columns: ColumnInfo[];
  rowCount: number;
  rowsChanged?: number;
}

/** A running query's progress, as DuckDB estimates it (pushed as the `sql.progress` event). */
export interface SqlProgress {
  queryId: string;
  /** 1-based statement running now, of `statements`. */
  statement: number;
  statements: number;
  /** 0–100, DuckDB's estimate; never goes back within a statement. */
  percentage: number;
}

export interface SqlPageRequest {
  resultId: string;
  offset: number;
  limit: number;
}

/** Re-orders a kept result on the server (an ORDER BY over it), so any size sorts; `column: null` restores the query's order. */
export interface SqlSortRequest {
  resultId: string;
  column: string | null;
  desc?: boolean;
}

export interface SqlSortResult {
  resultId: string;
  column: string | null;
  desc: boolean;
  rowCount: number;
  elapsedMs: number;
}

/** One column of a kept result, summarised by DuckDB (sql.profile). */
export interface ColumnProfile {
  column: string;
  type: string;
  rows: number;
  nulls: number;
  distinct: number;
  /** As DuckDB prints them (null when every value is NULL). */
  min: string | null;
  max: string | null;
  /** Equal-width bins over min..max for numbers and times; the most frequent values for anything else. */
  histogram: { kind: 'bins' | 'top'; buckets: { label: string; count: number }[] };
}

export interface HistoryEntry {
  id: number;
  sql: string;
  startedAt: string;
  elapsedMs: number;
  rowCount: number | null;
  error: string | null;
  /** How it ended: a cancel is not a failure. */
  status: 'ok' | 'failed' | 'cancelled';
}

export interface SavedQuery {
  name: string;
  sql: string;
  updatedAt: string;
  /** Presets ship with Redzone (the lab's Athena queries) and cannot be deleted. */
  preset: boolean;
}

/** An editor tab of the SQL console: its text is kept in the workspace, its result is not. */
export interface SqlTab {
  id: string;
  name: string;
  sql: string;
}

export interface SqlTabs {
  tabs: SqlTab[];
  /** The tab shown; null only when there are no tabs. */
  active: string | null;
}

export interface ExportRequest {
  resultId: string;
  format: 'csv' | 'parquet';
  /** CSV only: write text cells as they are, without neutralising formula-starting ones (=, +, -, @). */
  raw?: boolean;
}

export interface ExportedFile {
  /** Absolute path of the written file (under the workspace's exports folder). */
  path: string;
  /** File name for downloads. */
  name: string;
  bytes: number;
  rows: number;
}

export interface SqlApi {
  'sql.run': Method<SqlRunRequest, SqlRunResult>;
  'sql.page': Method<SqlPageRequest, ColumnBatch>;
  'sql.cancel': Method<{ queryId: string }, { cancelled: boolean }>;
  'sql.close': Method<{ resultId: string }, NoArgs>;
  'sql.sort': Method<SqlSortRequest, SqlSortResult>;
  'sql.profile': Method<{ resultId: string; column: string }, ColumnProfile>;
  'sql.history': Method<{ limit?: number }, HistoryEntry[]>;
  'sql.saved': Method<NoArgs, SavedQuery[]>;
  'sql.save': Method<{ name: string; sql: string }, SavedQuery>;
  'sql.deleteSaved': Method<{ name: string }, NoArgs>;
  'sql.export': Method<ExportRequest, ExportedFile>;
  /** The console's editor tabs as last saved in this workspace (none yet: an empty list). */
  'sql.tabs': Method<NoArgs, SqlTabs>;
  /** Replaces the saved tabs with these (their order is kept). */
  'sql.saveTabs': Method<SqlTabs, SqlTabs>;
  /** DuckDB's function and macro names, for autocomplete. */
  'sql.functions': Method<NoArgs, string[]>;
}
