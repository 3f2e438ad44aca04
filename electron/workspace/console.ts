import type { DuckDBConnection } from '@duckdb/node-api';
import { ResultReturnType, StatementType } from '@duckdb/node-api';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnBatch, ColumnInfo } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { ExportedFile, ExportRequest, HistoryEntry, SavedQuery, SqlPageRequest, SqlProgress, SqlRunRequest, SqlRunResult } from '../../shared/api/sql.ts';
import { splitStatements } from '../../shared/sql/split.ts';
import { readColumns } from './columns.ts';
import { PRESET_QUERIES } from './presets.ts';
import { enableQueryProgress, watchQueryProgress } from './progress.ts';
import { quoteLiteral } from './sqlText.ts';
import type { Workspace } from './workspace.ts';

/** A result kept for paging: queries live in a temp table on their own connection. */
interface KeptResult {
  conn: DuckDBConnection;
  table?: string;
  batch?: ColumnBatch;
  columns: ColumnInfo[];
  rowCount: number;
}

const KEEP_RESULTS = 8;
const MAX_PAGE = 100_000;

/** DuckDB's message, without the "Parser Error: " style prefix duplicated by callers. */
function sqlError(e: unknown): ApiError {
  const message = (e as Error)?.message ?? String(e);
  if (/INTERRUPT/i.test(message)) return new ApiError('CANCELLED', 'query cancelled');
  return new ApiError('SQL_ERROR', message);
}

/** The SQL console's engine: run, page, cancel, history, saved queries and export. */
export class SqlConsole {
  private running = new Map<string, DuckDBConnection>();
  private results = new Map<string, KeptResult>();
  private seq = 0;

  constructor(
    private ws: Workspace,
    private onProgress: (p: SqlProgress) => void = () => {},
  ) {}

  async run(req: SqlRunRequest): Promise<SqlRunResult> {
    const statements = splitStatements(req.sql);
    if (statements.length === 0) throw new ApiError('BAD_REQUEST', 'there is no SQL statement to run');
    const started = Date.now();
    const conn = await this.ws.connect();
    this.running.set(req.queryId, conn);
    let kept: KeptResult | undefined;
    let rowsChanged: number | undefined;
    let stopWatching = () => {};
    // Progress per statement: DuckDB's estimate restarts with each one.
    const watch = (i: number) => {
      stopWatching();
      stopWatching = watchQueryProgress(conn, (percentage) => this.onProgress({ queryId: req.queryId, statement: i + 1, statements: statements.length, percentage }));
    };
    try {
      await enableQueryProgress(conn);
      for (const [i, s] of statements.slice(0, -1).entries()) {
        watch(i);
        await conn.run(s.text);
      }
      const last = statements.at(-1)!.text;
      watch(statements.length - 1);
      const type = await conn.prepare(last).then((p) => p.statementType, () => undefined);
      if (type === StatementType.SELECT) kept = await this.keepAsTable(conn, last);
      if (!kept) {
        const result = await conn.run(last);
        if (result.returnType === ResultReturnType.QUERY_RESULT) {
          const batch = await readColumns(result);
          kept = { conn, batch, rowCount: batch.rowCount, columns: batch.columns.map((c) => ({ name: c.name, type: c.type })) };
        } else {
          rowsChanged = result.rowsChanged;
        }
      }
    } catch (e) {
      stopWatching();
      this.running.delete(req.queryId);
      conn.closeSync();
      const err = sqlError(e);
      await this.record(req.sql, started, null, err.message);
      throw err;
    }
    stopWatching();
    this.running.delete(req.queryId);
    const elapsedMs = Date.now() - started;
    const out: SqlRunResult = { queryId: req.queryId, columns: kept?.columns ?? [], rowCount: kept?.rowCount ?? 0, statements: statements.length, elapsedMs };
    if (rowsChanged !== undefined) out.rowsChanged = rowsChanged;
    if (kept) {
      const resultId = `r${++this.seq}`;
      this.results.set(resultId, kept);
      this.evict();
      out.resultId = resultId;
      if (req.firstPage) out.firstPage = await this.page({ resultId, offset: 0, limit: req.firstPage });
    } else {
      conn.closeSync();
    }
    await this.record(req.sql, started, out.rowCount, null);
    return out;
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

  async page(req: SqlPageRequest): Promise<ColumnBatch> {
    const kept = this.results.get(req.resultId);
    if (!kept) throw new ApiError('NOT_FOUND', `result ${req.resultId} is gone; run the query again`);
    const offset = Math.max(0, Math.floor(req.offset));
    const limit = Math.min(MAX_PAGE, Math.max(0, Math.floor(req.limit)));
    if (kept.batch) return sliceBatch(kept.batch, offset, limit);
    try {
      return await readColumns(await kept.conn.run(`SELECT * FROM ${kept.table} WHERE rowid >= ${offset} AND rowid < ${offset + limit} ORDER BY rowid`));
    } catch (e) {
      throw sqlError(e);
    }
  }

  cancel(queryId: string): boolean {
    const conn = this.running.get(queryId);
    if (!conn) return false;
    conn.interrupt();
    return true;
  }

  close(resultId: string): void {
    const kept = this.results.get(resultId);
    if (!kept) return;
    this.results.delete(resultId);
    kept.conn.closeSync(); // the temp table goes with its connection
  }

  closeAll(): void {
    for (const id of [...this.results.keys()]) this.close(id);
    for (const conn of this.running.values()) conn.interrupt();
  }

  private evict() {
    while (this.results.size > KEEP_RESULTS) this.close(this.results.keys().next().value!);
  }

  private async record(sql: string, started: number, rows: number | null, error: string | null) {
    await this.ws.db.run('INSERT INTO rz_history (sql, started_at, elapsed_ms, row_count, error) VALUES ($1, $2::TIMESTAMP, $3, $4, $5)', [
      sql,
      new Date(started).toISOString(),
      Date.now() - started,
      rows,
      error,
    ]);
  }

  async history(limit = 200): Promise<HistoryEntry[]> {
    const reader = await this.ws.db.runAndReadAll(
      `SELECT id::DOUBLE AS id, sql, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at, elapsed_ms, row_count::DOUBLE AS row_count, error
       FROM rz_history ORDER BY id DESC LIMIT ${Math.max(1, Math.min(10_000, Math.floor(limit)))}`,
    );
    return reader.getRowObjectsJS().map((r) => ({
      id: Number(r.id),
      sql: String(r.sql),
      startedAt: String(r.started_at),
      elapsedMs: Number(r.elapsed_ms),
      rowCount: r.row_count === null ? null : Number(r.row_count),
      error: r.error === null ? null : String(r.error),
    }));
  }

  async saved(): Promise<SavedQuery[]> {
    const rows = (await this.ws.db.runAndReadAll(`SELECT name, sql, strftime(updated_at, '%Y-%m-%dT%H:%M:%SZ') AS updated_at FROM rz_saved_query ORDER BY name`)).getRowObjectsJS();
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

  /** Writes a kept result with DuckDB's COPY: CSV is RFC 4180 (header, CRLF, UTF-8), Parquet is zstd. */
  async export(req: ExportRequest): Promise<ExportedFile> {
    const kept = this.results.get(req.resultId);
    if (!kept) throw new ApiError('NOT_FOUND', `result ${req.resultId} is gone; run the query again`);
    if (!kept.table) throw new ApiError('BAD_REQUEST', 'only query results can be exported (this statement returned a report)');
    const dir = join(this.ws.dataDir, 'exports');
    await mkdir(dir, { recursive: true });
    const name = `result-${new Date().toISOString().replace(/[:.]/g, '-')}.${req.format}`;
    const path = join(dir, name);
    const options = req.format === 'csv' ? `FORMAT csv, HEADER, DELIMITER ',', QUOTE '"', NEW_LINE '\\r\\n'` : `FORMAT parquet, COMPRESSION zstd`;
    try {
      await kept.conn.run(`COPY (SELECT * FROM ${kept.table} ORDER BY rowid) TO ${quoteLiteral(path)} (${options})`);
    } catch (e) {
      throw sqlError(e);
    }
    return { path, name, bytes: (await stat(path)).size, rows: kept.rowCount };
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
