import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnBatch, ColumnInfo } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import { finishedWithin } from '../jobs/deadline.ts';

/** A result kept for paging: a query lives in a temp table on its batch's own connection. */
export interface KeptResult {
  conn: DuckDBConnection;
  /** The table pages are read from: the query's own, or a sorted copy of it (see `source`). */
  table?: string;
  /** The query's table in its own order, kept while `table` is a sorted copy. */
  source?: string;
  batch?: ColumnBatch;
  columns: ColumnInfo[];
  rowCount: number;
}

/** A connection and the one queue every use of it goes through, its close last of all. */
interface Lane {
  queue: Promise<unknown>;
  /** Results still open on it: the statements of one batch share their connection (and its temp tables). */
  open: number;
}

interface Entry {
  kept: KeptResult;
  lane: Lane;
  closing: boolean;
}

function gone(resultId: string): ApiError {
  return new ApiError('NOT_FOUND', `result ${resultId} is gone (closed or replaced by newer results); run the query again`);
}

/**
 * Owns the console's kept results and their connections. A connection is used by one operation at a
 * time (its queue), and closed only after every operation queued before the close has finished: closing
 * a DuckDB connection another request is still reading crashed the process (issue #16, item 1).
 */
export class ResultStore {
  private entries = new Map<string, Entry>();
  private lanes = new Map<DuckDBConnection, Lane>();
  private seq = 0;

  /** `keep`: connections (query batches) whose results stay open. */
  constructor(private keep = 8) {}

  /**
   * Keeps a result and returns its id; results on the same connection share its queue. The results of
   * the oldest connections beyond `keep` are closed (after their pending work).
   */
  add(kept: KeptResult): string {
    const id = `r${++this.seq}`;
    const lane = this.lanes.get(kept.conn) ?? { queue: Promise.resolve(), open: 0 };
    lane.open++;
    this.lanes.set(kept.conn, lane);
    this.entries.set(id, { kept, lane, closing: false });
    const open = [...this.entries.entries()].filter(([, e]) => !e.closing);
    const conns = [...new Set(open.map(([, e]) => e.kept.conn))];
    const evicted = new Set(conns.slice(0, Math.max(0, conns.length - this.keep)));
    for (const [old, e] of open) if (evicted.has(e.kept.conn)) this.close(old);
    return id;
  }

  /** Runs `fn` on the result's connection once the operations queued before it have finished. */
  use<T>(resultId: string, fn: (kept: KeptResult) => Promise<T> | T): Promise<T> {
    const entry = this.entries.get(resultId);
    if (!entry || entry.closing) return Promise.reject(gone(resultId));
    const run = entry.lane.queue.then(() => fn(entry.kept));
    entry.lane.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Closes a result after its queued operations; later uses answer NOT_FOUND at once. The connection
   * closes with the last of its results (its temp tables go with it).
   */
  close(resultId: string): Promise<void> {
    const entry = this.entries.get(resultId);
    if (!entry || entry.closing) return Promise.resolve();
    entry.closing = true;
    const { lane, kept } = entry;
    const done = lane.queue.then(() => {
      this.entries.delete(resultId);
      if (--lane.open > 0) return;
      this.lanes.delete(kept.conn);
      kept.conn.closeSync();
    });
    lane.queue = done;
    return done;
  }

  /**
   * Closes every result. A page still being read gets `ms` to finish; a connection still busy after
   * that is interrupted and left to the instance's own close (DuckDB frees it with the database).
   */
  async closeAll(ms: number): Promise<void> {
    const pending = [...this.entries.keys()].map((id) => this.close(id));
    if (!(await finishedWithin(Promise.all(pending), ms))) for (const e of this.entries.values()) e.kept.conn.interrupt();
  }
}
