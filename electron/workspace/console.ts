import type { DuckDBConnection } from '@duckdb/node-api';
import { ResultReturnType, StatementType } from '@duckdb/node-api';
import { stat } from 'node:fs/promises';
import { finishedWithin } from '../jobs/deadline.ts';
import { exportPath } from './exports.ts';
import type { ColumnBatch, ColumnInfo } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type {
  ColumnProfile,
  ExportedFile,
  ExportRequest,
  HistoryEntry,
  SavedQuery,
  SqlPageRequest,
  SqlProgress,
  SqlRunRequest,
  SqlRunResult,
  SqlSortRequest,
  SqlStatementResult,
  SqlSortResult,
} from '../../shared/api/sql.ts';
import { FORMULA_START } from '../../shared/csv.ts';
import { splitStatements } from '../../shared/sql/split.ts';
import { readColumns } from './columns.ts';
import { PRESET_QUERIES } from './presets.ts';
import { enableQueryProgress, watchQueryProgress } from './progress.ts';
import { quoteIdent, quoteLiteral } from './sqlText.ts';
import { ResultStore, type KeptResult } from './results.ts';
import type { ConsoleSandbox } from './sandbox.ts';
import { protectedObjectRefusal } from './guard.ts';
import { profileColumn } from './profile.ts';
import type { Workspace } from './workspace.ts';

const MAX_PAGE = 100_000;
/** Statements running at once per console, and waiting beyond those; more answer BUSY (each holds a DuckDB connection). */
export const MAX_RUNNING = 4;
export const MAX_WAITING = 16;

/** DuckDB's message, without the "Parser Error: " style prefix duplicated by callers. */
function sqlError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const message = (e as Error)?.message ?? String(e);
  if (/INTERRUPT/i.test(message)) return new ApiError('CANCELLED', 'query cancelled');
  return new ApiError('SQL_ERROR', message);
}

/** The SQL console's engine: run, page, cancel, history, saved queries and export. */
export class SqlConsole {
  private running = new Map<string, DuckDBConnection>();
  private results = new ResultStore();
  private seq = 0;
  private active = 0;
  private waiting: (() => void)[] = [];
  private closed = false;
  /** History rows are written one at a time on the shared connection. */
  private historyQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private ws: Workspace,
    private onProgress: (p: SqlProgress) => void = () => {},
    private sandbox?: ConsoleSandbox,
  ) {}

  /** A slot among MAX_RUNNING, waiting in line for one if needed; BUSY when the line is full too. */
  private async acquire(): Promise<void> {
    if (this.closed) throw new ApiError('CANCELLED', 'the workspace is closing');
    if (this.active < MAX_RUNNING) {
      this.active++;
      return;
    }
    if (this.waiting.length >= MAX_WAITING) {
      throw new ApiError('BUSY', `${this.active} queries are running and ${this.waiting.length} waiting; wait for them or cancel one, then run this again`);
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.closed) {
      this.release();
      throw new ApiError('CANCELLED', 'the workspace is closing');
    }
  }

  private release() {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes on
    else this.active--;
  }

  async run(req: SqlRunRequest): Promise<SqlRunResult> {
    const statements = splitStatements(req.sql);
    if (statements.length === 0) throw new ApiError('BAD_REQUEST', 'there is no SQL statement to run');
    await this.acquire();
    try {
      return await this.runStatements(req, statements);
    } finally {
      this.release();
    }
  }

  private async runStatements(req: SqlRunRequest, statements: ReturnType<typeof splitStatements>): Promise<SqlRunResult> {
    const started = Date.now();
    // Refused before any statement runs, so a batch never stops half done on a protected object.
    const refusal = statements.map((s) => protectedObjectRefusal(s.text)).find((r) => r !== null);
    if (refusal) {
      const err = new ApiError('REFUSED', refusal);
      await this.record(req.sql, started, null, err);
      throw err;
    }
    await this.sandbox?.ensure();
    const conn = await this.ws.connect();
    this.running.set(req.queryId, conn);
    const parts: { sql: string; kept?: KeptResult; rowsChanged?: number }[] = [];
    let firstPage: ColumnBatch | undefined;
    let stopWatching = () => {};
    // Progress per statement: DuckDB's estimate restarts with each one.
    const watch = (i: number) => {
      stopWatching();
      stopWatching = watchQueryProgress(conn, (percentage) =>
        this.onProgress({ queryId: req.queryId, statement: i + 1, statements: statements.length, percentage }),
      );
    };
    try {
      await enableQueryProgress(conn);
      // Each statement keeps its own result ("Run all" shows one per statement), all on this connection.
      for (const [i, s] of statements.entries()) {
        watch(i);
        parts.push({ sql: s.text, ...(await this.runOne(conn, s.text)) });
      }
      // Read on this connection while it is still only ours: once kept, eviction may queue its close.
      const last = parts.at(-1)!.kept;
      if (last && req.firstPage) firstPage = await readPage(last, 0, req.firstPage);
    } catch (e) {
      stopWatching();
      this.running.delete(req.queryId);
      conn.closeSync();
      const err = this.sandbox?.explain((e as Error)?.message ?? '') ?? sqlError(e);
      await this.record(req.sql, started, null, err);
      throw err;
    }
    stopWatching();
    this.running.delete(req.queryId);
    const elapsedMs = Date.now() - started;
    const results: SqlStatementResult[] = parts.map(({ sql, kept, rowsChanged }) => ({
      sql,
      columns: kept?.columns ?? [],
      rowCount: kept?.rowCount ?? 0,
      ...(rowsChanged !== undefined ? { rowsChanged } : {}),
      ...(kept ? { resultId: this.results.add(kept) } : {}),
    }));
    if (!parts.some((p) => p.kept)) conn.closeSync();
    const last = results.at(-1)!;
    const out: SqlRunResult = { queryId: req.queryId, columns: last.columns, rowCount: last.rowCount, statements: statements.length, elapsedMs };
    if (last.rowsChanged !== undefined) out.rowsChanged = last.rowsChanged;
    if (last.resultId) out.resultId = last.resultId;
    if (firstPage) out.firstPage = firstPage;
    if (results.length > 1) out.results = results;
    await this.record(req.sql, started, out.rowCount, null);
    return out;
  }

  /** One statement on the batch's connection: a query is kept for paging, anything else reports rows changed. */
  private async runOne(conn: DuckDBConnection, sql: string): Promise<{ kept?: KeptResult; rowsChanged?: number }> {
    const type = await conn.prepare(sql).then(
      (p) => p.statementType,
      () => undefined,
    );
    const kept = type === StatementType.SELECT ? await this.keepAsTable(conn, sql) : undefined;
    if (kept) return { kept };
    const result = await conn.run(sql);
    if (result.returnType !== ResultReturnType.QUERY_RESULT) return { rowsChanged: result.rowsChanged };
    const batch = await readColumns(result);
    return { kept: { conn, batch, rowCount: batch.rowCount, columns: batch.columns.map((c) => ({ name: c.name, type: c.type })) } };
  }

  /** Materialises a query into a temp table so any window of it can be paged cheaply by rowid. */
  private async keepAsTable(conn: DuckDBConnection, sql: string): Promise<KeptResult | undefined> {
    const table = `rz_result_${++this.seq}`;
    try {
      await conn.run(`CREATE TEMP TABLE ${table} AS ${sql}`);
    } catch (e) {
      // DESCRIBE, SUMMARIZE and friends are SELECT-typed but cannot be wrapped; they are small, so run them as they are.
      if (/Parser Error/i.test((e as Error).message)) return undefined;
      throw e;
    }
    const info = await conn.run(`SELECT * FROM ${table} LIMIT 0`);
    const columns = info.deduplicatedColumnNames().map((name, i) => ({ name, type: info.columnType(i).toString() }));
    const count = await conn.runAndReadAll(`SELECT count(*)::DOUBLE FROM ${table}`);
    return { conn, table, columns, rowCount: Number(count.getRows()[0][0]) };
  }

  page(req: SqlPageRequest): Promise<ColumnBatch> {
    return this.results.use(req.resultId, (kept) => readPage(kept, req.offset, req.limit));
  }

  /**
   * Sorts a kept result where it lives: a sorted copy of its table replaces it for paging (and export).
   * DuckDB sorts; the renderer never holds more than a page. Ties come in DuckDB's order (a rowid
   * tie-break doubled the sort's time), fixed once the copy is written, so pages stay consistent.
   */
  sort(req: SqlSortRequest): Promise<SqlSortResult> {
    return this.results.use(req.resultId, async (kept) => {
      if (!kept.table) throw new ApiError('BAD_REQUEST', 'only query results can be sorted (this statement returned a report)');
      if (req.column !== null && !kept.columns.some((c) => c.name === req.column))
        throw new ApiError('BAD_REQUEST', `the result has no column "${req.column}"`);
      const started = Date.now();
      const source = kept.source ?? kept.table;
      const sorted = `${source}_sorted`;
      const desc = req.desc === true;
      try {
        await kept.conn.run(`DROP TABLE IF EXISTS ${sorted}`);
        kept.table = source;
        if (req.column !== null) {
          await kept.conn.run(`CREATE TEMP TABLE ${sorted} AS SELECT * FROM ${source} ORDER BY ${quoteIdent(req.column)} ${desc ? 'DESC' : 'ASC'} NULLS LAST`);
          kept.table = sorted;
          kept.source = source;
        }
      } catch (e) {
        throw sqlError(e);
      }
      return { resultId: req.resultId, column: req.column, desc, rowCount: kept.rowCount, elapsedMs: Date.now() - started };
    });
  }

  /** A column's type, nulls, distinct values, range and histogram, computed by DuckDB over the whole result. */
  profile(resultId: string, column: string): Promise<ColumnProfile> {
    return this.results.use(resultId, async (kept) => {
      if (!kept.table) throw new ApiError('BAD_REQUEST', 'only query results can be profiled (this statement returned a report)');
      const info = kept.columns.find((c) => c.name === column);
      if (!info) throw new ApiError('BAD_REQUEST', `the result has no column "${column}"`);
      try {
        return await profileColumn(kept.conn, kept.source ?? kept.table, info);
      } catch (e) {
        throw sqlError(e);
      }
    });
  }

  /** Runs `fn` on a kept result's connection, in turn with its pages and before its close (for sort, profile, …). */
  withResult<T>(resultId: string, fn: (kept: KeptResult) => Promise<T>): Promise<T> {
    return this.results.use(resultId, fn);
  }

  cancel(queryId: string): boolean {
    const conn = this.running.get(queryId);
    if (!conn) return false;
    conn.interrupt();
    return true;
  }

  /** Resolves once the result's connection is closed (after the pages already asked for). */
  close(resultId: string): Promise<void> {
    return this.results.close(resultId);
  }

  /** Stops everything within about `ms`: running statements are interrupted, waiting ones refused, results closed. */
  async closeAll(ms = 1000): Promise<void> {
    this.closed = true;
    for (const next of this.waiting.splice(0)) next();
    for (const conn of this.running.values()) conn.interrupt();
    const deadline = Date.now() + ms;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.results.closeAll(Math.max(0, deadline - Date.now()));
    await finishedWithin(this.historyQueue, Math.max(0, deadline - Date.now()));
  }

  private record(sql: string, started: number, rows: number | null, error: ApiError | null): Promise<unknown> {
    if (this.closed) return Promise.resolve();
    const status = error === null ? 'ok' : error.code === 'CANCELLED' ? 'cancelled' : 'failed';
    const write = () =>
      this.ws.db.run('INSERT INTO rz_history (sql, started_at, elapsed_ms, row_count, error, status) VALUES ($1, $2::TIMESTAMP, $3, $4, $5, $6)', [
        sql,
        new Date(started).toISOString(),
        Date.now() - started,
        rows,
        error?.message ?? null,
        status,
      ]);
    const done = this.historyQueue.then(write);
    this.historyQueue = done.catch(() => undefined);
    return done;
  }

  async history(limit = 200): Promise<HistoryEntry[]> {
    const reader = await this.ws.db.runAndReadAll(
      `SELECT id::DOUBLE AS id, sql, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at, elapsed_ms, row_count::DOUBLE AS row_count, error, status
       FROM rz_history ORDER BY id DESC LIMIT ${Math.max(1, Math.min(10_000, Math.floor(limit)))}`,
    );
    return reader.getRowObjectsJS().map((r) => ({
      id: Number(r.id),
      sql: String(r.sql),
      startedAt: String(r.started_at),
      elapsedMs: Number(r.elapsed_ms),
      rowCount: r.row_count === null ? null : Number(r.row_count),
      error: r.error === null ? null : String(r.error),
      status: r.status === 'cancelled' || r.status === 'failed' ? r.status : r.error === null ? 'ok' : 'failed',
    }));
  }

  async saved(): Promise<SavedQuery[]> {
    const rows = (
      await this.ws.db.runAndReadAll(`SELECT name, sql, strftime(updated_at, '%Y-%m-%dT%H:%M:%SZ') AS updated_at FROM rz_saved_query ORDER BY name`)
    ).getRowObjectsJS();
    const own = rows.map((r) => ({ name: String(r.name), sql: String(r.sql), updatedAt: String(r.updated_at), preset: false }));
    return [...PRESET_QUERIES.map((p) => ({ ...p, updatedAt: '', preset: true })), ...own];
  }

  async save(name: string, sql: string): Promise<SavedQuery> {
    if (!name.trim()) throw new ApiError('BAD_REQUEST', 'a saved query needs a name');
    if (PRESET_QUERIES.some((p) => p.name === name)) throw new ApiError('BAD_REQUEST', `"${name}" is a preset; pick another name`);
    const updatedAt = new Date().toISOString();
    await this.ws.db.run('INSERT OR REPLACE INTO rz_saved_query VALUES ($1, $2, $3::TIMESTAMP)', [name.trim(), sql, updatedAt]);
    return { name: name.trim(), sql, updatedAt, preset: false };
  }

  async deleteSaved(name: string): Promise<void> {
    await this.ws.db.run('DELETE FROM rz_saved_query WHERE name = $1', [name]);
  }

  /**
   * Writes a kept result with DuckDB's COPY: CSV is RFC 4180 (header, CRLF, UTF-8), Parquet is zstd.
   * CSV text cells that a spreadsheet would run as a formula get a leading apostrophe unless `raw`.
   */
  async export(req: ExportRequest): Promise<ExportedFile> {
    const { path, name } = await exportPath(this.ws, 'result', req.format);
    const options = req.format === 'csv' ? `FORMAT csv, HEADER, DELIMITER ',', QUOTE '"', NEW_LINE '\\r\\n'` : `FORMAT parquet, COMPRESSION zstd`;
    const rows = await this.results.use(req.resultId, async (kept) => {
      if (!kept.table) throw new ApiError('BAD_REQUEST', 'only query results can be exported (this statement returned a report)');
      const select = req.format === 'csv' && !req.raw ? neutralizedColumns(kept.columns) : '*';
      try {
        await kept.conn.run(`COPY (SELECT ${select} FROM ${kept.table} ORDER BY rowid) TO ${quoteLiteral(path)} (${options})`);
      } catch (e) {
        throw sqlError(e);
      }
      return kept.rowCount;
    });
    return { path, name, bytes: (await stat(path)).size, rows };
  }
}

/** The select list that neutralises formula-starting text cells, as csvCell does (shared/csv.ts). */
function neutralizedColumns(columns: ColumnInfo[]): string {
  return columns
    .map(({ name, type }) => {
      const c = quoteIdent(name);
      return type === 'VARCHAR' ? `CASE WHEN regexp_matches(${c}, ${quoteLiteral(FORMULA_START.source)}) THEN '''' || ${c} ELSE ${c} END AS ${c}` : c;
    })
    .join(', ');
}

async function readPage(kept: KeptResult, offsetAsked: number, limitAsked: number): Promise<ColumnBatch> {
  const offset = Math.max(0, Math.floor(offsetAsked));
  const limit = Math.min(MAX_PAGE, Math.max(0, Math.floor(limitAsked)));
  if (kept.batch) return sliceBatch(kept.batch, offset, limit);
  try {
    return await readColumns(await kept.conn.run(`SELECT * FROM ${kept.table} WHERE rowid >= ${offset} AND rowid < ${offset + limit} ORDER BY rowid`));
  } catch (e) {
    throw sqlError(e);
  }
}

export function sliceBatch(batch: ColumnBatch, offset: number, limit: number): ColumnBatch {
  const end = Math.min(batch.rowCount, offset + limit);
  const from = Math.min(offset, end);
  return {
    rowCount: end - from,
    columns: batch.columns.map((c) => {
      const nulls = c.nulls ? { nulls: c.nulls.slice(from, end) } : {};
      if (c.kind === 'text') {
        const base = c.offsets[from];
        return { ...c, ...nulls, offsets: c.offsets.slice(from, end + 1).map((o) => o - base), bytes: c.bytes.slice(base, c.offsets[end]) };
      }
      return { ...c, ...nulls, values: c.values.slice(from, end) } as typeof c;
    }),
  };
}
