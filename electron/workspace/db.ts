import type { DuckDBConnection } from '@duckdb/node-api';

/** Anything that hands out connections (a Workspace does). */
export interface Connector {
  connect(): Promise<DuckDBConnection>;
}

/** Runs `work` on a connection of its own, closed afterwards whatever happens. */
export async function withConnection<T>(ws: Connector, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await ws.connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}

/**
 * Runs `work` in one transaction: committed when it returns, rolled back when it throws. The original
 * error is rethrown even when the rollback fails too (a failed statement may have ended the transaction).
 */
export async function inTransaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  let value: T;
  try {
    value = await work();
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
  await conn.run('COMMIT');
  return value;
}

/** A short query's rows as plain objects (a handful of rows: large results go through readColumns). */
export async function selectRows(db: DuckDBConnection, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql, params as never)).getRowObjectsJS() as Record<string, unknown>[];
}
